# The token cmdlets in pipelines, as runbooks use them: Get-HubAccessToken piped into Disable-,
# Enable-, Remove-, Rename- and Get-HubAccessToken, objects with a Uuid or Id property, tokens that
# vanished before their turn, listings longer than one page, and a refused session stopping the pipeline. Each Context has its own
# account; outcomes are checked on the emulator (Get-ServerToken) and in its request log.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')

    function New-ConnectedAccount {
        # A fresh account with the given tokens, signed in as the current session.
        param([Parameter(Mandatory)][string] $Prefix, [string[]] $Labels = @(), [int] $Count, [string] $LabelPrefix)
        $account = New-TestAccount -Prefix $Prefix
        if ($Labels) {
            Add-TestToken -Username $account.Username -Token @($Labels | ForEach-Object { @{ token_label = $_; scopes = @('repo:read') } }) | Out-Null
        }
        if ($Count) {
            Add-TestToken -Username $account.Username -Count $Count -LabelPrefix $LabelPrefix | Out-Null
        }
        Connect-HubAccount -Credential $account.Credential -HubUri $script:Hub
        $account
    }

    function Get-ServerLabel {
        param([Parameter(Mandatory)] $Account)
        @(Get-ServerToken -Username $Account.Username | ForEach-Object token_label | Sort-Object)
    }
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Get-HubAccessToken | Disable-HubAccessToken / Enable-HubAccessToken' {
    BeforeAll {
        $account = New-ConnectedAccount -Prefix 'pipestate' -Count 5 -LabelPrefix 'st-'
    }

    It 'Get-HubAccessToken | Disable-HubAccessToken disables every token' {
        Clear-HubRequestLog
        $output = @(Get-HubAccessToken | Disable-HubAccessToken)

        $output.Count | Should -Be 0
        $server = @(Get-ServerToken -Username $account.Username)
        $server.Count | Should -Be 5
        $server.is_active | Should -Not -Contain $true
        @(Get-HubRequestLog | Where-Object method -EQ 'PATCH').Count | Should -Be 5
    }

    It 'Get-HubAccessToken | Enable-HubAccessToken -PassThru | Select-Object -ExpandProperty IsActive is all true' {
        $active = @(Get-HubAccessToken | Enable-HubAccessToken -PassThru | Select-Object -ExpandProperty IsActive)

        $active.Count | Should -Be 5
        $active | Should -Not -Contain $false
        (Get-ServerToken -Username $account.Username).is_active | Should -Not -Contain $false
    }

    It 'a filtered pipeline changes only the tokens that pass the filter' {
        Get-HubAccessToken | Where-Object Label -In 'st-0002', 'st-0004' | Disable-HubAccessToken
        $server = Get-ServerToken -Username $account.Username
        @($server | Where-Object { -not $_.is_active } | ForEach-Object token_label | Sort-Object) | Should -Be @('st-0002', 'st-0004')
    }
}

Describe 'Get-HubAccessToken -Label | Remove-HubAccessToken' {
    BeforeAll {
        $labels = 'ci-build', 'ci-deploy', 'CI-Nightly', 'build-ci', 'cia', 'laptop'
        $account = New-ConnectedAccount -Prefix 'piperemove' -Labels $labels
        $ciLabels = @('CI-Nightly', 'ci-build', 'ci-deploy')
    }

    It '... | Remove-HubAccessToken -WhatIf removes nothing and names each token' {
        Clear-HubRequestLog
        $text = Get-HostText { Get-HubAccessToken -Label 'ci-*' | Remove-HubAccessToken -WhatIf }

        Get-ServerLabel $account | Should -Be @($labels | Sort-Object)
        @(Get-HubRequestLog | Where-Object method -NE 'GET').Count | Should -Be 0
        $lines = @($text -split '\r?\n' | Where-Object { $_ -like 'What if:*' })
        $lines.Count | Should -Be 3
        foreach ($token in Get-ServerToken -Username $account.Username | Where-Object token_label -Like 'ci-*') {
            @($lines | Where-Object { $_ -match "'$([regex]::Escape($token.token_label))'" -and $_ -match $token.uuid }).Count |
                Should -Be 1 -Because "the WhatIf text should name $($token.token_label) and its id"
        }
    }

    It '... | Remove-HubAccessToken -WhatIf -Force removes nothing either' {
        Clear-HubRequestLog
        Get-HostText { Get-HubAccessToken -Label 'ci-*' | Remove-HubAccessToken -WhatIf -Force } | Out-Null
        Get-ServerLabel $account | Should -Be @($labels | Sort-Object)
        @(Get-HubRequestLog | Where-Object method -EQ 'DELETE').Count | Should -Be 0
    }

    It "... -Label 'ci-*' | Remove-HubAccessToken -Confirm:`$false removes exactly the ci-* tokens" {
        Clear-HubRequestLog
        Get-HubAccessToken -Label 'ci-*' | Remove-HubAccessToken -Confirm:$false

        Get-ServerLabel $account | Should -Be @('build-ci', 'cia', 'laptop')
        @(Get-HubRequestLog | Where-Object method -EQ 'DELETE').Count | Should -Be $ciLabels.Count
    }
}

Describe 'Get-HubAccessToken | Remove-HubAccessToken over several pages' {
    # More than one page of 100. Get-HubAccessToken streams each page as it reads it, so the removals
    # happen while the listing is still being read: the later pages must still hold what was not yet seen.
    It 'removes all <Count> matching tokens, reports no error, and leaves the others' -ForEach @(
        @{ Count = 150 }
        @{ Count = 250 }
    ) {
        $account = New-ConnectedAccount -Prefix 'pipebulk' -Count $Count -LabelPrefix 'bulk-' -Labels 'keep-me'

        $listErrors = $null
        $result = Split-Result @(Get-HubAccessToken -Label 'bulk-*' -ErrorAction SilentlyContinue -ErrorVariable listErrors |
            Remove-HubAccessToken -Force -ErrorAction Continue 2>&1)

        @($listErrors) + @($result.Errors) | ForEach-Object { "$_" } | Should -BeNullOrEmpty
        $left = @(Get-ServerLabel $account | Where-Object { $_ -ne 'keep-me' })
        $left.Count | Should -Be 0 -Because "every bulk-* token should be gone, but $($left.Count) are left ($($left[0]) ... $($left[-1]))"
        Get-ServerLabel $account | Should -Be @('keep-me')
    }
}

Describe 'A pipeline where a token no longer exists' {
    BeforeAll {
        $account = New-ConnectedAccount -Prefix 'pipegone' -Count 4 -LabelPrefix 'gone-'
    }

    It '<Command> goes on past the missing token with exactly one AccessTokenNotFound' -ForEach @(
        @{ Command = 'Disable-HubAccessToken'; Extra = @{} }
        @{ Command = 'Remove-HubAccessToken'; Extra = @{ Force = $true } }
    ) {
        $tokens = @(Get-HubAccessToken)
        $tokens.Count | Should -BeGreaterOrEqual 3
        $gone = $tokens[1]
        Remove-HubAccessToken -Id $gone.Id -Force

        $reached = $false
        $result = Split-Result @($tokens | & $Command @Extra -ErrorAction Continue 2>&1)
        $reached = $true

        $reached | Should -BeTrue
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $result.Errors[0].TargetObject | Should -Be $gone.Id
        $others = @($tokens | Where-Object Id -NE $gone.Id)
        $server = @(Get-ServerToken -Username $account.Username)
        if ($Command -eq 'Disable-HubAccessToken') {
            foreach ($t in $others) { ($server | Where-Object uuid -EQ "$($t.Id)").is_active | Should -BeFalse }
        }
        else {
            $server.Count | Should -Be 0
        }
    }
}

Describe 'Objects with a Uuid or Id property' {
    BeforeAll {
        $account = New-ConnectedAccount -Prefix 'pipeuuid' -Count 4 -LabelPrefix 'u-'
        $server = @{}
        foreach ($t in Get-ServerToken -Username $account.Username) { $server[$t.token_label] = $t }
    }

    It 'Disable-HubAccessToken binds [pscustomobject]@{ Uuid = ... }' {
        [pscustomobject]@{ Uuid = $server['u-0001'].uuid } | Disable-HubAccessToken
        (Get-ServerToken -Username $account.Username | Where-Object token_label -EQ 'u-0001').is_active | Should -BeFalse
    }

    It 'Enable-HubAccessToken binds an Id property holding text' {
        [pscustomobject]@{ Id = "$($server['u-0001'].uuid)"; Note = 'from a CSV' } | Enable-HubAccessToken
        (Get-ServerToken -Username $account.Username | Where-Object token_label -EQ 'u-0001').is_active | Should -BeTrue
    }

    It 'Get-HubAccessToken binds Uuid objects and re-reads each token' {
        Clear-HubRequestLog
        $read = @([pscustomobject]@{ Uuid = $server['u-0002'].uuid }, [pscustomobject]@{ Uuid = $server['u-0003'].uuid } | Get-HubAccessToken)
        $read.Label | Should -Be @('u-0002', 'u-0003')
        @(Get-HubRequestLog).path | Should -Be @("/v2/access-tokens/$($server['u-0002'].uuid)", "/v2/access-tokens/$($server['u-0003'].uuid)")
    }

    It 'Get-HubAccessToken re-reads piped tokens' {
        $before = @(Get-HubAccessToken -Label 'u-0002', 'u-0003')
        Disable-HubAccessToken -Id $before[0].Id
        $after = @($before | Get-HubAccessToken)
        $after.Id | Should -Be $before.Id
        $after[0].IsActive | Should -BeFalse
        $after[1].IsActive | Should -BeTrue
    }

    It 'Rename-HubAccessToken binds a Uuid object' {
        [pscustomobject]@{ Uuid = $server['u-0003'].uuid } | Rename-HubAccessToken -NewLabel 'u-renamed'
        (Get-ServerToken -Username $account.Username | Where-Object uuid -EQ $server['u-0003'].uuid).token_label | Should -Be 'u-renamed'
    }

    It 'Remove-HubAccessToken binds a Uuid object' {
        [pscustomobject]@{ Uuid = $server['u-0004'].uuid } | Remove-HubAccessToken -Force
        (Get-ServerToken -Username $account.Username).uuid | Should -Not -Contain $server['u-0004'].uuid
    }

    It 'a piped object whose Uuid is not a token id is refused before any request' {
        Clear-HubRequestLog
        $result = Split-Result @([pscustomobject]@{ Uuid = 'nope' } | Disable-HubAccessToken -ErrorAction Continue 2>&1)
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        @(Get-HubRequestLog).Count | Should -Be 0
    }
}

Describe 'New-HubAccessToken from piped objects' {
    BeforeAll {
        $account = New-ConnectedAccount -Prefix 'pipenew'
    }

    It 'creates one token per object with a Label property' {
        $made = @([pscustomobject]@{ Label = 'row-a' }, [pscustomobject]@{ Label = 'row-b' } |
            New-HubAccessToken -Scope 'repo:read' -NoVault)
        $made.Label | Should -Be @('row-a', 'row-b')
        $server = @(Get-ServerToken -Username $account.Username)
        $server.token_label | Sort-Object | Should -Be @('row-a', 'row-b')
        $server | ForEach-Object { $_.scopes | Should -Be @('repo:read') }
    }
}

Describe 'A refused session stops the pipeline' {
    It 'stops at the first HubTokenSessionRefused instead of repeating it for every token' {
        $account = New-ConnectedAccount -Prefix 'pipepat' -Count 20 -LabelPrefix 'p-'
        $tokens = @(Get-HubAccessToken)
        $pat = @(Add-TestToken -Username $account.Username -Count 1 -LabelPrefix 'pat-')[0].token
        Connect-HubAccount -Credential ([pscredential]::new($account.Username, (ConvertTo-SecureString $pat -AsPlainText -Force))) `
            -HubUri $script:Hub -WarningAction SilentlyContinue
        Clear-HubRequestLog

        $errors = [Collections.Generic.List[object]]::new()
        $err = $null
        try { $tokens | Disable-HubAccessToken -ErrorAction Continue 2>&1 | ForEach-Object { $errors.Add($_) } }
        catch { $err = $_ }

        $err | Should -Not -BeNullOrEmpty -Because 'the refusal is a terminating error'
        $err.FullyQualifiedErrorId | Should -BeLike 'HubTokenSessionRefused,*'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $errors.Count | Should -Be 0 -Because 'no per-token error should come before the terminating one'
        # Requests already in flight may finish, but the pipeline must not go through all 20 tokens.
        @(Get-HubRequestLog -Path '/v2/access-tokens*').Count | Should -BeLessThan $tokens.Count
        (Get-ServerToken -Username $account.Username).is_active | Should -Not -Contain $false
    }
}
