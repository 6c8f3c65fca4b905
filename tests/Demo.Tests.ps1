# tests/Demo.ps1, which `build.ps1 demo` runs, in a fresh pwsh against an emulator of its own (the demo
# signs in as the emulator's built-in bob), with a home and a temp folder of its own, so what it leaves
# behind can be seen.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Emulator = Start-HubEmulator
    $script:ChildHome = Join-Path $TestDrive 'home'
    $script:ChildTemp = Join-Path $TestDrive 'tmp'
    New-Item -ItemType Directory -Path $script:ChildHome, $script:ChildTemp | Out-Null

    $script:Run = Invoke-PwshProcess -TimeoutSeconds 180 -Arguments '-NoProfile', '-NonInteractive', '-File',
        (Join-Path $PSScriptRoot 'Demo.ps1'), '-HubUri', $script:Emulator.Url, '-ModulePath', $env:DOCKERHUBPAT_TEST_MODULE -Environment @{
            HOME = $script:ChildHome; USERPROFILE = $script:ChildHome; LOCALAPPDATA = Join-Path $script:ChildHome 'localappdata'
            # Where the demo's temporary home goes ([IO.Path]::GetTempPath() reads TMPDIR on Linux and macOS, TMP on Windows).
            TMPDIR = $script:ChildTemp; TMP = $script:ChildTemp; TEMP = $script:ChildTemp
            NO_COLOR = '1'
        }
    # Colour codes and other control characters would only get in the way of matching lines.
    $script:Lines = @(($script:Run.StdOut -replace '\x1b\[[0-9;]*[A-Za-z]', '') -split '\r?\n')
    $script:Headings = @($script:Lines | Where-Object { $_ -like '# *' })
    $script:Outcomes = @($script:Lines | Where-Object { $_ -like '=> *' })
    # With the secrets: the one token the demo leaves has one that the output must not show.
    $script:ServerTokens = @(Get-ServerToken -Username bob -HubUri $script:Emulator.Url -IncludeSecret)

    function Get-Outcome {
        # The '=> ' line of the step whose heading matches.
        param([Parameter(Mandatory)][string] $Heading)
        $at = [array]::FindIndex([string[]]$script:Lines, [Predicate[string]] { param($l) $l -like "# $Heading*" })
        if ($at -lt 0) { return $null }
        for ($i = $at + 1; $i -lt $script:Lines.Count; $i++) {
            if ($script:Lines[$i] -like '=> *') { return $script:Lines[$i] }
            if ($script:Lines[$i] -like '# *') { return $null }
        }
    }
}

AfterAll {
    Stop-HubEmulator $script:Emulator
}

Describe 'build.ps1 demo (tests/Demo.ps1)' {
    It 'runs to the end without an error' {
        $script:Run.ExitCode | Should -Be 0 -Because "the demo said:`n$($script:Run.StdOut)`n$($script:Run.StdErr)"
        $script:Run.StdErr.Trim() | Should -BeNullOrEmpty
    }

    It 'ends every step with exactly one line that says what happened' {
        $script:Headings.Count | Should -BeGreaterOrEqual 14
        $script:Outcomes.Count | Should -Be $script:Headings.Count
        foreach ($heading in $script:Headings) {
            Get-Outcome $heading.Substring(2) | Should -Not -BeNullOrEmpty -Because "step '$heading' needs its '=> ' line"
        }
    }

    It 'says what the steps that print nothing by themselves did' {
        Get-Outcome 'Remove them for real' | Should -Match '^=> Removed 2 tokens \((ci-build, ci-publish|ci-publish, ci-build)\) from Hub and their secrets'
        Get-Outcome 'Sign out' | Should -Match '^=> Signed out: .*HubNotConnected'
        Get-Outcome 'Rename a token' | Should -Match "^=> Renamed 'laptop' to 'workstation'"
    }

    It 'says plainly which SecretManagement the throw-away vault goes through' {
        $line = Get-Outcome 'Register a throw-away vault'
        $line | Should -Match "^=> Registered vault 'TestVault'"
        # This machine has only the stand-in; with the real module installed the line names that instead.
        $line | Should -Match 'TEST stand-in for SecretManagement|Microsoft\.PowerShell\.SecretManagement \d'
        $line | Should -Match ([regex]::Escape($script:ChildTemp))
    }

    It 'saves the new secrets in the vault, and reads one back into a sign-in as a runbook would' {
        Get-Outcome 'Create three tokens' | Should -Match "^=> Created 3 tokens; their secrets are in vault 'TestVault' as DockerHub-bob-ci-build, DockerHub-bob-ci-publish, DockerHub-bob-laptop"
        Get-Outcome 'Read one back' | Should -Match '^=> Get-Secret -Name DockerHub-bob-ci-build gave a PSCredential for bob; its token signed in at .*/v2/auth/token'
        Get-Outcome 'Disable it' | Should -Match 'signing in with its secret now fails'
        Get-Outcome 'Enable it again' | Should -Match 'its secret signs in again'
    }

    It 'rotates a token: the vault secret holds the new token, the old one is gone from Hub' {
        Get-Outcome 'Rotate it' | Should -Match "^=> Rotated 'workstation': the new token signed in before the secret 'DockerHub-bob-laptop' was overwritten with it; the old token is removed"
        $rotated = @($script:Lines | Where-Object { $_ -match '^workstation\s+[0-9a-f-]{36}\s+[0-9a-f-]{36}' })
        $rotated | Should -HaveCount 1 -Because 'the rotation shows the new token with the id it replaced'
        $script:ServerTokens[0].uuid | Should -Be ($rotated[0] -split '\s+')[1]
    }

    It 'removes the secrets with -RemoveSecret, and only those' {
        Get-Outcome 'Remove them for real' | Should -Match "which now holds 1 secret \(DockerHub-bob-laptop\)"
    }

    It 'shows the -WhatIf preview and then changes nothing with it' {
        $whatIf = @($script:Lines | Where-Object { $_ -like 'What if:*' })
        $whatIf.Count | Should -Be 2
        $whatIf | ForEach-Object { $_ | Should -Match "'ci-(build|publish)' \(.*\) and its vault secret" }
        Get-Outcome 'Preview removing' | Should -Match 'Hub still lists 3 tokens'
    }

    It 'leaves on Hub what it says is left' {
        @($script:ServerTokens.token_label) | Should -Be @('workstation')
        Get-Outcome 'What is left' | Should -Be '=> Hub lists 1 token for bob: workstation.'
    }

    It 'never shows a token secret' {
        # Hub's secrets start with dckr_pat_; the demo shows that prefix only with the rest masked.
        $script:Run.StdOut | Should -Not -Match 'dckr_pat_(?!\*{8})'
        $script:ServerTokens.Count | Should -Be 1
        $script:ServerTokens[0].token | Should -BeLike 'dckr_pat_*'
        # Without its well-known prefix, so a secret shown in part is caught too.
        $script:Run.StdOut.Contains($script:ServerTokens[0].token.Substring('dckr_pat_'.Length)) | Should -BeFalse
    }

    It 'shows organization access tokens: refused to a member, then created, used and cleaned up by an owner' {
        Get-Outcome 'Organization access tokens: bob' | Should -Match "^=> Get-HubOrgAccessToken acme stopped with HubOrganizationOwnerRequired: .*'bob' is not an owner of the organization 'acme'\. Only the organization's owners"
        Get-Outcome 'Sign in as alice' | Should -Match '^=> Signed in to .* as alice\.$'
        Get-Outcome 'List the organization access tokens of acme' | Should -Be '=> acme has 4 organization access tokens: 2 active, 1 expired, 1 inactive.'
        Get-Outcome 'Create a CI token' | Should -Match "^=> Created 'ci-app' in acme for Repository acme/app: scope-image-pull, scope-image-push; its secret is in vault 'TestVault' as DockerHub-acme-ci-app\.$"
        Get-Outcome 'Use it as a CI job would' | Should -Match "^=> Get-Secret gave a PSCredential for 'acme'; Hub accepted the token"
        Get-Outcome 'Free room' | Should -Be '=> Removed 1 expired token (old-release); acme now has 4 organization access tokens.'
        $organization = @(Get-ServerOrgToken -Organization acme -HubUri $script:Emulator.Url)
        @($organization.label | Sort-Object) | Should -Be @('ci-app', 'ci-pull', 'deploy', 'legacy-ci')
        # The organization token the demo made has a secret the output must not show, in whole or in part.
        $secret = ($organization | Where-Object label -EQ 'ci-app').token
        $secret | Should -BeLike 'dckr_oat_*'
        $script:Run.StdOut | Should -Not -Match 'dckr_oat_(?!\*{8})'
        $script:Run.StdOut.Contains($secret.Substring('dckr_oat_'.Length)) | Should -BeFalse
    }

    It 'leaves no vault registration and no temporary home behind' {
        $line = Get-Outcome 'Remove the throw-away vault'
        $line -match "^=> Unregistered 'TestVault' and deleted the temporary home '(?<home>[^']+)'" | Should -BeTrue -Because $line
        $Matches.home | Should -BeLike (Join-Path $script:ChildTemp 'dockerhubpat-secrets-*')
        Test-Path -LiteralPath $Matches.home | Should -BeFalse
        @(Get-ChildItem -LiteralPath $script:ChildTemp -Filter 'dockerhubpat-secrets-*' -Force) | Should -BeNullOrEmpty
        # The real registry would be under the child's own home; nothing may have been written there.
        Test-Path -LiteralPath (Join-Path $script:ChildHome '.secretmanagement') | Should -BeFalse
        Test-Path -LiteralPath (Join-Path $script:ChildHome 'localappdata/Microsoft/PowerShell/secretmanagement') | Should -BeFalse
    }
}
