# Reliability of the session over time and across threads: JWT expiry and renewal (no 2FA, a typed
# 2FA code, a TOTP seed), a bulk pipeline that outlives its JWT, Ctrl+C (PowerShell.Stop) during a
# slow answer or a rate-limit wait, one session object passed to parallel runspaces, and a
# parallel bulk removal under Hub's rate limit. Faults and settings are global to the emulator, so
# AfterEach clears them; assertions are on request counts, server state, ErrorIds and records.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    # tests/Pester.ps1 runs with 'Stop'; here a per-item error must stay non-terminating so it can be counted.
    $ErrorActionPreference = 'Continue'
    $script:DefaultSettings = Invoke-Emulator -Path '/_emulator/settings'
    $script:TotpSeed = 'GEZDGNBVGY3TQOJQ'
    # One account per kind of sign-in for this file.
    $script:Plain = New-TestAccount -Prefix 'relsess'
    $script:Otp = New-TestAccount -Prefix 'relsessotp' -OtpCode '246813'
    $script:Totp = New-TestAccount -Prefix 'relsesstotp' -TotpSecret $script:TotpSeed

    function Add-Fault {
        param([Parameter(Mandatory)][hashtable] $Spec)
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body $Spec
    }

    function Test-FaultFired {
        param([Parameter(Mandatory)][string] $Id)
        $fault = @(Invoke-Emulator -Path '/_emulator/faults') | ForEach-Object { $_ } | Where-Object id -EQ $Id
        $null -ne $fault -and $fault.fired -ge 1
    }

    function Set-EmulatorSetting {
        param([Parameter(Mandatory)][hashtable] $Setting)
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body $Setting | Out-Null
    }

    function Reset-EmulatorFaults {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body $script:DefaultSettings | Out-Null
    }

    function New-ServerToken {
        param([Parameter(Mandatory)] $Account, [int] $Count = 1, [string] $Prefix = ('t' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '-'))
        @(Add-TestToken -Username $Account.Username -Count $Count -LabelPrefix $Prefix)
    }

    function Get-Login {
        # Password sign-ins (first step), as the emulator logged them.
        @(Get-HubRequestLog -Path '/v2/users/login' | Where-Object method -EQ 'POST')
    }

    function Wait-JwtExpiry {
        # jwt_lifetime_seconds=3 gives a JWT that is dead after at most 3 s; 4 s leaves a margin.
        Start-Sleep -Seconds 4
    }

    function Start-InRunspace {
        # A pipeline in a new runspace of this process, started asynchronously so the test can Stop() it.
        # The runspace has no session of its own: the script gets this runspace's as $Session.
        param([Parameter(Mandatory)][string] $Script)
        $ps = [powershell]::Create()
        $null = $ps.AddScript("param(`$Session) Import-Module '$($env:DOCKERHUBPAT_TEST_MODULE)'; $Script").AddArgument((Get-HubAccount))
        [pscustomobject]@{ PowerShell = $ps; Async = $ps.BeginInvoke() }
    }

    function Stop-InRunspace {
        # Stop() with a hang guard: a stop that never returns fails the test instead of the run.
        param([Parameter(Mandatory)] $Run, [int] $GuardSeconds = 10)
        $stop = $Run.PowerShell.BeginStop($null, $null)
        $stopped = $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($GuardSeconds))
        if ($stopped) {
            $Run.PowerShell.EndStop($stop)
        }
        $stopped
    }

    function Wait-Until {
        # Polls a condition; the bound is a hang guard, not something the test measures.
        param([Parameter(Mandatory)][scriptblock] $Condition, [int] $GuardSeconds = 15)
        $deadline = [DateTime]::UtcNow.AddSeconds($GuardSeconds)
        while (-not (& $Condition)) {
            if ([DateTime]::UtcNow -gt $deadline) { return $false }
            Start-Sleep -Milliseconds 100
        }
        $true
    }
}

AfterAll {
    Reset-EmulatorFaults
    Disconnect-HubAccount
}

Describe 'Session expiry' {
    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It 'an account without 2FA signs in again by itself when the JWT has expired' {
        New-ServerToken $script:Plain -Prefix 'exp-plain-' | Out-Null
        Set-EmulatorSetting @{ jwt_lifetime_seconds = 3 }
        Clear-HubRequestLog
        Connect-TestAccount $script:Plain
        Wait-JwtExpiry

        $listed = @(Get-HubAccessToken -Label 'exp-plain-*' -ErrorVariable failed)

        $failed | Should -BeNullOrEmpty
        $listed.Count | Should -Be 1
        (Get-Login).status | Should -Be @(200, 200) -Because 'Connect-HubAccount signed in once and the renewal once more'
        @(Get-HubRequestLog -Path '/v2/access-tokens*' | Where-Object status -EQ 401).Count | Should -Be 0 -Because 'the expired JWT is renewed before it is sent'
    }

    It 'a session that Hub revoked (401) is renewed with the kept password and the request is sent again' {
        $account = New-TestAccount -Prefix 'relsessrevoke'
        Connect-TestAccount $account
        # Replacing the account on the emulator invalidates every session it had; the password stays.
        Invoke-Emulator -Method Post -Path '/_emulator/accounts' -Body @{ username = $account.Username; password = $account.Password } | Out-Null
        New-ServerToken $account -Prefix 'revoked-' | Out-Null
        Clear-HubRequestLog

        $listed = @(Get-HubAccessToken -Label 'revoked-*' -ErrorVariable failed)

        $failed | Should -BeNullOrEmpty
        $listed.Count | Should -Be 1
        $log = @(Get-HubRequestLog)
        $log.path | Should -Be @('/v2/access-tokens', '/v2/users/login', '/v2/access-tokens')
        $log.status | Should -Be @(401, 200, 200)
    }

    It 'a 2FA session signed in with -OneTimePassword fails with HubUnauthorized after expiry, telling to run Connect-HubAccount' {
        $tokens = New-ServerToken $script:Otp -Count 2 -Prefix 'exp-otp-'
        Set-EmulatorSetting @{ jwt_lifetime_seconds = 3 }
        Connect-TestAccount $script:Otp @{ OneTimePassword = $script:Otp.OtpCode }
        Wait-JwtExpiry
        Clear-HubRequestLog

        $record = Get-TerminatingError { Get-HubAccessToken -Label 'exp-otp-*' }

        $record.FullyQualifiedErrorId | Should -BeLike 'HubUnauthorized,*'
        $record.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $record.Exception.Message | Should -Match 'Connect-HubAccount'
        (Get-Login).Count | Should -Be 0 -Because 'a typed code cannot be typed again, so no sign-in is tried'

        # A bulk change stops at the first refusal and changes nothing.
        $stopped = Get-TerminatingError { $tokens.uuid | Remove-HubAccessToken -Force }
        $stopped.FullyQualifiedErrorId | Should -BeLike 'HubUnauthorized,*'
        @(Get-ServerToken -Username $script:Otp.Username | Where-Object token_label -Like 'exp-otp-*').Count | Should -Be 2
    }

    It 'a 2FA session signed in with -TotpSecret renews itself after expiry' {
        New-ServerToken $script:Totp -Prefix 'exp-totp-' | Out-Null
        Set-EmulatorSetting @{ jwt_lifetime_seconds = 3 }
        Clear-HubRequestLog
        $seed = ConvertTo-SecureString $script:TotpSeed -AsPlainText -Force
        Connect-TestAccount $script:Totp @{ TotpSecret = $seed }
        Wait-JwtExpiry

        $listed = @(Get-HubAccessToken -Label 'exp-totp-*' -ErrorVariable failed)

        $failed | Should -BeNullOrEmpty
        $listed.Count | Should -Be 1
        (Get-Login).Count | Should -Be 2
        @(Get-HubRequestLog -Path '/v2/users/2fa-login' | Where-Object status -EQ 200).Count | Should -Be 2
    }

    It 'a bulk removal that outlives several JWTs removes every token, renewing without a refused request' {
        $tokens = New-ServerToken $script:Plain -Count 40 -Prefix 'outlive-'
        Set-EmulatorSetting @{ jwt_lifetime_seconds = 3 }
        Connect-TestAccount $script:Plain
        Add-Fault @{ kind = 'latency'; ms = 200; method = 'DELETE'; path = '/v2/access-tokens/*'; count = 0 } | Out-Null
        Clear-HubRequestLog

        $tokens.uuid | Remove-HubAccessToken -Force -ThrottleLimit 1 -ErrorVariable failed

        $failed | Should -BeNullOrEmpty
        @(Get-ServerToken -Username $script:Plain.Username | Where-Object token_label -Like 'outlive-*').Count | Should -Be 0
        $deletes = @(Get-HubRequestLog -Path '/v2/access-tokens/*' | Where-Object method -EQ 'DELETE')
        @($deletes | Where-Object status -EQ 204).Count | Should -Be 40
        # The session renews before a JWT runs out, so a refused DELETE would be a rare race at most.
        @($deletes | Where-Object status -EQ 401).Count | Should -BeLessOrEqual 1
        @($deletes | Where-Object { $_.status -notin 204, 401 }).Count | Should -Be 0
        $logins = Get-Login
        @($logins | Where-Object status -NE 200).Count | Should -Be 0
        $logins.Count | Should -BeGreaterOrEqual 2 -Because 'the pipeline ran longer than one JWT lives'
        $logins.Count | Should -BeLessOrEqual $deletes.Count -Because 'at most one sign-in per request: renewals never pile up'
    }
}

Describe 'Stopping a command (Ctrl+C)' {
    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It 'Stop() ends Get-HubAccessToken while it waits for <Name>' -ForEach @(
        @{ Name = 'a 30 s slow answer'; Fault = @{ kind = 'latency'; ms = 30000 } }
        @{ Name = 'a 60 s rate-limit wait'; Fault = @{ kind = 'rate_limit'; seconds = 60 } }
    ) {
        Connect-TestAccount $script:Plain
        $fault = Add-Fault (@{ method = 'GET'; path = '/v2/access-tokens' } + $Fault)
        $run = Start-InRunspace 'Get-HubAccessToken -Session $Session'
        try {
            Wait-Until { Test-FaultFired $fault.id } | Should -BeTrue -Because 'the request must have reached the emulator'
            $run.Async.IsCompleted | Should -BeFalse -Because 'the command is waiting'

            Stop-InRunspace $run | Should -BeTrue -Because 'Stop() must return (hang guard of 10 s)'
            $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            # Disposing a pipeline that is still running would block on it.
            if ($run.PowerShell.InvocationStateInfo.State -ne 'Running') { $run.PowerShell.Dispose() }
        }
    }

    It 'Stop() ends a bulk removal whose requests are slow, and no token is removed' {
        $tokens = New-ServerToken $script:Plain -Count 8 -Prefix 'stopbulk-'
        Connect-TestAccount $script:Plain
        $fault = Add-Fault @{ kind = 'latency'; ms = 30000; method = 'DELETE'; path = '/v2/access-tokens/*'; count = 0 }
        $ids = ($tokens.uuid | ForEach-Object { "'$_'" }) -join ','
        $run = Start-InRunspace "$ids | Remove-HubAccessToken -Session `$Session -Force -ThrottleLimit 4"
        try {
            Wait-Until { Test-FaultFired $fault.id } | Should -BeTrue

            Stop-InRunspace $run | Should -BeTrue -Because 'Stop() must return (hang guard of 10 s)'
            $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            if ($run.PowerShell.InvocationStateInfo.State -ne 'Running') { $run.PowerShell.Dispose() }
        }
        @(Get-ServerToken -Username $script:Plain.Username | Where-Object token_label -Like 'stopbulk-*').Count | Should -Be 8
    }

    It 'Stop() ends an organization token listing and a bulk removal of organization tokens, and removes nothing' {
        $org = (New-TestOrganization -Prefix 'stoporg' -Owner $script:Plain.Username).name
        $tokens = @(Add-TestOrgToken -Organization $org -Count 6 -LabelPrefix 'stoporg-' | ForEach-Object { $_ })
        Connect-TestAccount $script:Plain
        $slowList = Add-Fault @{ kind = 'latency'; ms = 30000; method = 'GET'; path = "/v2/orgs/$org/access-tokens" }
        $run = Start-InRunspace "Get-HubOrgAccessToken $org -Session `$Session"
        try {
            Wait-Until { Test-FaultFired $slowList.id } | Should -BeTrue
            Stop-InRunspace $run | Should -BeTrue -Because 'Stop() must return (hang guard of 10 s)'
            $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            if ($run.PowerShell.InvocationStateInfo.State -ne 'Running') { $run.PowerShell.Dispose() }
        }

        $slowDeletes = Add-Fault @{ kind = 'latency'; ms = 30000; method = 'DELETE'; path = "/v2/orgs/$org/access-tokens/*"; count = 0 }
        $ids = ($tokens.id | ForEach-Object { "'$_'" }) -join ','
        $run = Start-InRunspace "$ids | Remove-HubOrgAccessToken $org -Session `$Session -Force -ThrottleLimit 3"
        try {
            Wait-Until { Test-FaultFired $slowDeletes.id } | Should -BeTrue
            Stop-InRunspace $run | Should -BeTrue -Because 'Stop() must return (hang guard of 10 s)'
            $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally {
            if ($run.PowerShell.InvocationStateInfo.State -ne 'Running') { $run.PowerShell.Dispose() }
        }
        @(Get-ServerOrgToken -Organization $org).Count | Should -Be 6
    }
}

Describe 'One session object passed to parallel runspaces (-Session $using:session)' {
    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It 'six runspaces list tokens through the session of one Connect-HubAccount, with one sign-in' {
        New-ServerToken $script:Plain -Count 3 -Prefix 'parallel-' | Out-Null
        Clear-HubRequestLog
        $session = Connect-TestAccount $script:Plain -With @{ PassThru = $true }
        $module = $env:DOCKERHUBPAT_TEST_MODULE

        $results = @(1..6 | ForEach-Object -ThrottleLimit 6 -Parallel {
                Import-Module $using:module
                $listed = @(Get-HubAccessToken -Session $using:session -Label 'parallel-*' -ErrorVariable failed -ErrorAction SilentlyContinue)
                [pscustomobject]@{ Count = $listed.Count; Errors = @($failed | ForEach-Object { "$_" }) }
            })

        $results.Count | Should -Be 6
        $results.Errors | Should -BeNullOrEmpty
        @($results | Where-Object Count -NE 3).Count | Should -Be 0
        (Get-Login).Count | Should -Be 1
    }

    It 'six runspaces that all find the JWT expired share one renewal sign-in' {
        New-ServerToken $script:Plain -Count 2 -Prefix 'renewrace-' | Out-Null
        Set-EmulatorSetting @{ jwt_lifetime_seconds = 3 }
        $session = Connect-TestAccount $script:Plain -With @{ PassThru = $true }
        # Renewed JWTs live long again, so exactly one renewal is needed.
        Set-EmulatorSetting @{ jwt_lifetime_seconds = $script:DefaultSettings.jwt_lifetime_seconds }
        Wait-JwtExpiry
        # A slow sign-in keeps the renewal open while the other runspaces arrive.
        Add-Fault @{ kind = 'latency'; ms = 1500; method = 'POST'; path = '/v2/users/login' } | Out-Null
        Clear-HubRequestLog
        $module = $env:DOCKERHUBPAT_TEST_MODULE

        $results = @(1..6 | ForEach-Object -ThrottleLimit 6 -Parallel {
                Import-Module $using:module
                $listed = @(Get-HubAccessToken -Session $using:session -Label 'renewrace-*' -ErrorVariable failed -ErrorAction SilentlyContinue)
                [pscustomobject]@{ Count = $listed.Count; Errors = @($failed | ForEach-Object { "$_" }) }
            })

        $results.Errors | Should -BeNullOrEmpty
        @($results | Where-Object Count -EQ 2).Count | Should -Be 6
        (Get-Login).Count | Should -Be 1 -Because 'the session serializes renewals'
        @(Get-HubRequestLog -Path '/v2/access-tokens*' | Where-Object status -EQ 401).Count | Should -Be 0
    }

    It 'a parallel bulk removal with an expired JWT renews once' {
        $tokens = New-ServerToken $script:Plain -Count 12 -Prefix 'bulkrenew-'
        Set-EmulatorSetting @{ jwt_lifetime_seconds = 3 }
        Connect-TestAccount $script:Plain
        Set-EmulatorSetting @{ jwt_lifetime_seconds = $script:DefaultSettings.jwt_lifetime_seconds }
        Wait-JwtExpiry
        Add-Fault @{ kind = 'latency'; ms = 1000; method = 'POST'; path = '/v2/users/login' } | Out-Null
        Clear-HubRequestLog

        $tokens.uuid | Remove-HubAccessToken -Force -ThrottleLimit 6 -ErrorVariable failed

        $failed | Should -BeNullOrEmpty
        @(Get-ServerToken -Username $script:Plain.Username | Where-Object token_label -Like 'bulkrenew-*').Count | Should -Be 0
        (Get-Login).Count | Should -Be 1
    }
}

Describe 'Parallel bulk removal under the rate limit' {
    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It 'Get-HubAccessToken | Remove-HubAccessToken -ThrottleLimit 6 waits out 429s and removes all 30 tokens without an error' {
        New-ServerToken $script:Plain -Count 30 -Prefix 'rl-' | Out-Null
        Connect-TestAccount $script:Plain
        Add-Fault @{ kind = 'rate_limit'; method = 'DELETE'; path = '/v2/access-tokens/*'; count = 3; seconds = 1 } | Out-Null
        Clear-HubRequestLog

        $errors = @(Get-HubAccessToken -Label 'rl-*' | Remove-HubAccessToken -Confirm:$false -ThrottleLimit 6 2>&1 |
                Where-Object { $_ -is [Management.Automation.ErrorRecord] })

        $errors | Should -BeNullOrEmpty
        @(Get-ServerToken -Username $script:Plain.Username | Where-Object token_label -Like 'rl-*').Count | Should -Be 0
        $deletes = @(Get-HubRequestLog -Path '/v2/access-tokens/*' | Where-Object method -EQ 'DELETE')
        @($deletes | Where-Object status -EQ 429).Count | Should -Be 3
        @($deletes | Where-Object status -EQ 204).Count | Should -Be 30
        $deletes.Count | Should -Be 33 -Because 'each refused DELETE is sent again once, after the wait'
    }
}
