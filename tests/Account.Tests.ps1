# Get-HubAccount ("who am I"): the current session of this runspace, as Get-AzContext and Get-MgContext
# show theirs: user, Hub, when the session token expires, whether it renews itself, when it signed in.
# Nothing and no error without a session; never the session token; each runspace sees its own.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:JwtPattern = '[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}'
    $script:Account = New-TestAccount -Prefix 'whoami'
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Get-HubAccount' {
    BeforeEach {
        Disconnect-HubAccount
    }

    It 'is exported, with no parameters of its own, and declares HubSession as its output' {
        $command = Get-Command Get-HubAccount -Module DockerHubPat -CommandType Cmdlet
        $command.OutputType.Type | Should -Be ([DockerHubPat.HubSession])
        @($command.Parameters.Keys | Where-Object { $_ -notin [Management.Automation.PSCmdlet]::CommonParameters }) | Should -BeNullOrEmpty
    }

    It 'outputs nothing and writes no error when this runspace is not connected, and sends nothing to Hub' {
        Clear-HubRequestLog
        $output = @(Get-HubAccount -ErrorVariable failed -ErrorAction Continue)
        $output | Should -BeNullOrEmpty
        $failed | Should -BeNullOrEmpty
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'outputs the session Connect-HubAccount opened: user, Hub, expiry, renewal and sign-in time' {
        $before = Get-Date
        $opened = Connect-TestAccount $script:Account -With @{ PassThru = $true }
        Clear-HubRequestLog

        $shown = @(Get-HubAccount)

        $shown | Should -HaveCount 1
        [object]::ReferenceEquals($shown[0].psobject.BaseObject, $opened.psobject.BaseObject) | Should -BeTrue
        $shown[0].Username | Should -BeExactly $script:Account.Username
        $shown[0].HubUri.AbsoluteUri.TrimEnd('/') | Should -BeExactly $script:Hub
        $shown[0].ExpiresAt | Should -BeGreaterThan (Get-Date)
        $shown[0].RenewsItself | Should -BeTrue
        $shown[0].SignedInAt | Should -BeGreaterOrEqual $before.AddSeconds(-1)
        @(Get-HubRequestLog).Count | Should -Be 0 -Because 'it reads the session in memory; Hub is not asked'
    }

    It 'says RenewsItself False for a session signed in with a typed two-factor code' {
        $typed = New-TestAccount -Prefix 'whoamiotp' -OtpCode '135790'
        Connect-TestAccount $typed -With @{ OneTimePassword = '135790' }
        (Get-HubAccount).RenewsItself | Should -BeFalse
    }

    It 'shows the latest session after another Connect-HubAccount, and nothing after Disconnect-HubAccount' {
        $other = New-TestAccount -Prefix 'whoamiother'
        Connect-TestAccount $script:Account
        Connect-TestAccount $other
        (Get-HubAccount).Username | Should -BeExactly $other.Username
        Disconnect-HubAccount
        Get-HubAccount | Should -BeNullOrEmpty
    }

    It 'never shows the session token or the password, in any form' {
        Connect-TestAccount $script:Account
        $shown = Get-HubAccount
        foreach ($text in @(
                ($shown | Out-String -Width 200), ($shown | Format-List * | Out-String -Width 200),
                ($shown | ConvertTo-Json -Depth 3), [Management.Automation.PSSerializer]::Serialize($shown, 3),
                ((Get-HubAccount -Verbose 4>&1) | Out-String)
            )) {
            $text | Should -Not -Match $script:JwtPattern
            $text | Should -Not -Match ([regex]::Escape($script:Account.Password))
        }
    }

    It 'in a parallel runspace shows that runspace''s session, or nothing, never the prompt''s' {
        $other = New-TestAccount -Prefix 'whoamipar'
        Connect-TestAccount $script:Account
        $module = $env:DOCKERHUBPAT_TEST_MODULE
        $seen = 1 | ForEach-Object -Parallel {
            Import-Module $using:module
            $before = @(Get-HubAccount).Count
            Connect-HubAccount -Credential ($using:other).Credential -HubUri $using:Hub
            [pscustomobject]@{ Before = $before; After = (Get-HubAccount).Username }
        }
        $seen.Before | Should -Be 0
        $seen.After | Should -BeExactly $other.Username
        (Get-HubAccount).Username | Should -BeExactly $script:Account.Username
    }
}
