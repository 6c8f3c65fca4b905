# Reliability against Hub's harder faults: 429s that ask for no wait, 5xx that ask for hours, creates
# that are slow, stopped, answered 200, unreadable or without a secret, changes that failed after an
# earlier attempt may have made them, sign-in lock-outs, and pacing by X-RateLimit-Remaining. Every
# command that could hang on a defect runs in a runspace with a guard, so a regression fails the test
# instead of stalling the run. Assertions are on request counts, the request log, server state and
# ErrorIds, never on how long something took.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $ErrorActionPreference = 'Continue'
    $script:DefaultSettings = Invoke-Emulator -Path '/_emulator/settings'
    $script:Account = New-TestAccount -Prefix 'relfault'
    $script:Vaults = & (Join-Path $PSScriptRoot 'SecretManagement/Initialize-TestVault.ps1')

    function Add-Fault {
        param([Parameter(Mandatory)][hashtable] $Spec)
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body $Spec | Out-Null
    }

    function Reset-EmulatorFaults {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body $script:DefaultSettings | Out-Null
        $script:Session = $null
    }

    function Connect-TestAccount {
        # The session is also handed to Invoke-Guarded's runspace, whoever owns the current one.
        param([hashtable] $With = @{}, $Account = $script:Account)
        $script:Session = Connect-HubAccount -Credential $Account.Credential -HubUri $script:Hub -PassThru @With
    }

    function New-ServerToken {
        param([int] $Count = 1, [string] $Prefix = ('f' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '-'))
        @(Add-TestToken -Username $script:Account.Username -Count $Count -LabelPrefix $Prefix)
    }

    function Get-ServerTokenByLabel {
        param([Parameter(Mandatory)][string] $Label)
        @(Get-ServerToken -Username $script:Account.Username -IncludeSecret | Where-Object token_label -EQ $Label)
    }

    function Get-LoggedRequest {
        param([Parameter(Mandatory)][string] $Method, [Parameter(Mandatory)][string] $Path)
        @(Get-HubRequestLog -Path $Path | Where-Object method -EQ $Method)
    }

    function New-Label { 'f' + [guid]::NewGuid().ToString('N').Substring(0, 10) }

    function Invoke-Guarded {
        # Runs a script in a runspace of this process (the session is process-wide) and stops it after
        # GuardSeconds, the hang guard. Returns its output, errors, warnings and verbose messages.
        param([Parameter(Mandatory)][string] $Script, [int] $GuardSeconds = 40, [scriptblock] $WhileRunning)
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("param(`$Session) Import-Module '$($env:DOCKERHUBPAT_TEST_MODULE)'; `$VerbosePreference = 'Continue'
                if (`$Session) { `$PSDefaultParameterValues['*-Hub*AccessToken:Session'] = `$Session }
                $Script").AddArgument($script:Session)
            $handle = $ps.BeginInvoke()
            if ($WhileRunning) { & $WhileRunning $ps }
            $finished = $handle.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds($GuardSeconds))
            if (-not $finished) { $ps.Stop() }
            $output = try { @($ps.EndInvoke($handle)) } catch { @() }
            [pscustomobject]@{
                TimedOut = -not $finished
                Output   = $output
                Errors   = @($ps.Streams.Error)
                Warnings = @($ps.Streams.Warning | ForEach-Object Message)
                Verbose  = @($ps.Streams.Verbose | ForEach-Object Message)
            }
        }
        finally {
            $ps.Dispose()
        }
    }

    function Assert-OneError {
        param([Parameter(Mandatory)] $Result, [Parameter(Mandatory)][string] $ErrorId)
        $Result.TimedOut | Should -BeFalse -Because 'the command must end by itself'
        $Result.Errors.Count | Should -Be 1 -Because "one error: $($Result.Errors | Out-String)"
        $Result.Errors[0].FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $Result.Errors[0].Exception.Message | Should -Not -Match 'System\.\w+Exception|ArgumentOutOfRange|ArgumentNull'
        $Result.Errors[0]
    }
}

AfterAll {
    Reset-EmulatorFaults
    Disconnect-HubAccount
}

Describe 'A 429 that asks for no wait (finding 1)' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount }

    It 'waits at least a second per 429 with <Name>, so -MaximumRateLimitWaitSec ends the request after a few' -ForEach @(
        @{ Name = 'Retry-After: 0'; Fault = @{ header = 'retry-after'; seconds = 0 } }
        @{ Name = 'an X-RateLimit-Reset 30 s in the past'; Fault = @{ header = 'x-ratelimit-reset'; seconds = -30 } }
    ) {
        Connect-TestAccount @{ MaximumRateLimitWaitSec = 3 }
        Add-Fault (@{ kind = 'rate_limit'; method = 'GET'; path = '/v2/access-tokens'; count = 0 } + $Fault)
        Clear-HubRequestLog

        $result = Invoke-Guarded 'Get-HubAccessToken'

        $record = Assert-OneError $result 'HubRateLimited'
        $record.CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $gets = Get-LoggedRequest GET '/v2/access-tokens'
        $gets.Count | Should -BeIn @(2, 3, 4) -Because 'each 429 is waited at least 1 s and the 3 s cap counts those waits'
        ($result.Verbose -match 'waiting [\d.]+ s') | Should -Not -BeNullOrEmpty
    }
}

Describe 'A 5xx that asks for a long wait (finding 2)' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount }

    It 'a 503 with Retry-After: <RetryAfter> fails at once with HubUnavailable' -ForEach @(
        @{ RetryAfter = '3600' }
        @{ RetryAfter = '40000000' }
    ) {
        Connect-TestAccount
        Add-Fault @{ kind = 'status'; status = 503; method = 'GET'; path = '/v2/access-tokens'; count = 0; headers = @{ 'Retry-After' = $RetryAfter } }
        Clear-HubRequestLog

        $result = Invoke-Guarded 'Get-HubAccessToken'

        $record = Assert-OneError $result 'HubUnavailable'
        $record.Exception.Message | Should -Match 'asks to wait (3600 s|more than a year)'
        $record.Exception.Message | Should -Match '60 s'
        (Get-LoggedRequest GET '/v2/access-tokens').Count | Should -Be 1 -Because 'Hub asked for more than the cap, so nothing is retried'
    }
}

Describe 'A create whose answer was lost (finding 3)' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount }

    It 'a create slower than -TimeoutSec that the first listing does not show yet is found by a second look, never called safe' {
        $label = New-Label
        Connect-TestAccount @{ TimeoutSec = 1 }
        Add-Fault @{ kind = 'delay_after'; ms = 3000; method = 'POST'; path = '/v2/access-tokens' }
        # Hub's listing lagging behind the create: the first look sees nothing.
        Add-Fault @{ kind = 'edit_json'; method = 'GET'; path = '/v2/access-tokens'; count = 1
            edits = @(@{ path = 'results'; value = @() }, @{ path = 'count'; value = 0 }, @{ path = 'active_count'; value = 0 }) }
        Clear-HubRequestLog

        $result = Invoke-Guarded "New-HubAccessToken -Label '$label' -NoVault"

        $record = Assert-OneError $result 'AccessTokenCreateUnconfirmed'
        $created = Get-ServerTokenByLabel $label
        $created.Count | Should -Be 1
        $record.Exception.Message | Should -Not -Match 'safe'
        $record.Exception.Message | Should -Match ([regex]::Escape("Remove-HubAccessToken -Id $($created[0].uuid)"))
        ($result.Verbose -match 'looking again in \d+ s') | Should -Not -BeNullOrEmpty
        (Get-LoggedRequest GET '/v2/access-tokens').Count | Should -Be 2 -Because 'one look, then one more after the wait'
    }

    It 'when nothing shows on the second look either, the outcome is unknown and the error gives the exact command to look with' {
        $label = "it's [" + (New-Label) + ']'
        Connect-TestAccount @{ TimeoutSec = 1 }
        Add-Fault @{ kind = 'delay_after'; ms = 3000; method = 'POST'; path = '/v2/access-tokens' }
        Add-Fault @{ kind = 'edit_json'; method = 'GET'; path = '/v2/access-tokens'; count = 2
            edits = @(@{ path = 'results'; value = @() }, @{ path = 'count'; value = 0 }, @{ path = 'active_count'; value = 0 }) }

        $result = Invoke-Guarded "New-HubAccessToken -Label '$($label.Replace("'", "''"))' -NoVault"

        $record = Assert-OneError $result 'AccessTokenCreateUnconfirmed'
        $message = $record.Exception.Message
        $message | Should -Not -Match 'safe'
        $message | Should -Match 'unknown'
        $message -match 'Look with: (Get-HubAccessToken -Label .+)$' | Should -BeTrue
        $command = $Matches[1]
        # The command, pasted as it is, finds exactly the token the lost create made.
        $found = @(Invoke-Expression $command)
        $found.Count | Should -Be 1
        $found[0].Label | Should -Be $label
    }
}

Describe 'Ctrl+C during a create (finding 4)' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount }

    It 'warns that the token may have been created and gives the command to check' {
        $label = New-Label
        Connect-TestAccount
        Add-Fault @{ kind = 'delay_after'; ms = 5000; method = 'POST'; path = '/v2/access-tokens' }
        Clear-HubRequestLog

        $result = Invoke-Guarded "New-HubAccessToken -Label '$label' -NoVault" -WhileRunning {
            param($ps)
            $deadline = [DateTime]::UtcNow.AddSeconds(10)
            # delay_after makes the token at once and holds the answer back, so its appearing means the create is in flight.
            while ((Get-ServerTokenByLabel $label).Count -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
            $ps.Stop()
        }

        $result.Output | Should -BeNullOrEmpty
        $warning = @($result.Warnings -match 'may have been created')
        $warning.Count | Should -Be 1
        $warning[0] | Should -Match ([regex]::Escape("Get-HubAccessToken -Label '$label'"))
        (Get-ServerTokenByLabel $label).Count | Should -Be 1 -Because 'Hub did make it: the warning was right to say so'
    }
}

Describe 'What a create answered (findings 5 and 6)' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount; Clear-TestVaultStore }

    It 'a create answered 200 instead of 201 is a success: the secret is on the output and in the vault' {
        $label = New-Label
        Connect-TestAccount
        Add-Fault @{ kind = 'status_after'; status = 200; method = 'POST'; path = '/v2/access-tokens' }

        $result = Invoke-Guarded "New-HubAccessToken -Label '$label' -Vault '$($script:Vaults.Default)'"

        $result.Errors | Should -BeNullOrEmpty
        $server = Get-ServerTokenByLabel $label
        $result.Output.Count | Should -Be 1
        $result.Output[0].Id | Should -Be ([guid]$server[0].uuid)
        [pscredential]::new('x', $result.Output[0].Secret).GetNetworkCredential().Password | Should -Be $server[0].token
        $saved = Get-Secret -Name $result.Output[0].SecretName -Vault $script:Vaults.Default
        $saved.GetNetworkCredential().Password | Should -Be $server[0].token
    }

    It 'a 2xx create whose body cannot be read is AccessTokenCreateUnconfirmed naming the token Hub made' {
        $label = New-Label
        Connect-TestAccount
        Add-Fault @{ kind = 'status_after'; status = 200; body = '{"uuid":'; content_type = 'application/json'; method = 'POST'; path = '/v2/access-tokens' }

        $result = Invoke-Guarded "New-HubAccessToken -Label '$label' -NoVault"

        $record = Assert-OneError $result 'AccessTokenCreateUnconfirmed'
        $server = Get-ServerTokenByLabel $label
        $record.Exception.Message | Should -Match ([regex]::Escape("Remove-HubAccessToken -Id $($server[0].uuid)"))
    }

    It 'a create answered with an empty secret <Name> is one AccessTokenSecretMissing that names the token and says to remove it' -ForEach @(
        @{ Name = 'with -NoVault'; Extra = '-NoVault' }
        @{ Name = 'with a vault'; Extra = "-Vault 'TestVault'" }
    ) {
        $label = New-Label
        Connect-TestAccount
        Add-Fault @{ kind = 'edit_json'; method = 'POST'; path = '/v2/access-tokens'; edits = @(@{ path = 'token'; value = '' }) }

        $result = Invoke-Guarded "New-HubAccessToken -Label '$label' $Extra"

        $record = Assert-OneError $result 'AccessTokenSecretMissing'
        $result.Output | Should -BeNullOrEmpty -Because 'a token without a secret is not handed out as if it had one'
        $server = Get-ServerTokenByLabel $label
        $record.Exception.Message | Should -Match 'no secret'
        $record.Exception.Message | Should -Match ([regex]::Escape("Remove-HubAccessToken -Id $($server[0].uuid)"))
        @(Get-TestVaultStoreEntry | Where-Object Name -Like "*$label*").Count | Should -Be 0
    }
}

Describe 'A change that failed after an earlier attempt may have made it (finding 7)' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount }

    It 'a disable that took effect but was answered 503 every time is settled by one GET and succeeds' {
        $token = New-ServerToken
        Connect-TestAccount @{ MaximumRetryCount = 1 }
        Add-Fault @{ kind = 'status_after'; status = 503; method = 'PATCH'; path = "/v2/access-tokens/$($token[0].uuid)"; count = 0 }
        Clear-HubRequestLog

        $result = Invoke-Guarded "Disable-HubAccessToken -Id '$($token[0].uuid)' -Confirm:`$false -PassThru"

        $result.Errors | Should -BeNullOrEmpty
        $result.Output[0].IsActive | Should -BeFalse
        (Get-ServerToken -Username $script:Account.Username | Where-Object uuid -EQ $token[0].uuid).is_active | Should -BeFalse
        (Get-LoggedRequest GET "/v2/access-tokens/$($token[0].uuid)").Count | Should -Be 1
        ($result.Verbose -match 'Reading it back shows it was: .*inactive') | Should -Not -BeNullOrEmpty
    }

    It 'a rename whose attempts may have reached Hub, and did not apply, reports the token as it is' {
        $token = New-ServerToken
        Connect-TestAccount @{ MaximumRetryCount = 1 }
        $path = "/v2/access-tokens/$($token[0].uuid)"
        Add-Fault @{ kind = 'drop_before'; method = 'PATCH'; path = $path }
        Add-Fault @{ kind = 'status'; status = 503; method = 'PATCH'; path = $path; count = 0 }

        $result = Invoke-Guarded "Rename-HubAccessToken -Id '$($token[0].uuid)' -NewLabel 'renamed-$(New-Label)' -Confirm:`$false"

        $record = Assert-OneError $result 'HubUnavailable'
        $record.Exception.Message | Should -Match 'may have been applied'
        $record.Exception.Message | Should -Match ([regex]::Escape("shows it was not: token $($token[0].uuid) is labelled '$($token[0].token_label)' and active"))
    }

    It 'a removal that took effect and then failed says the token may have been removed' {
        $token = New-ServerToken
        Connect-TestAccount @{ MaximumRetryCount = 1 }
        $path = "/v2/access-tokens/$($token[0].uuid)"
        Add-Fault @{ kind = 'status_after'; status = 503; method = 'DELETE'; path = $path }
        Add-Fault @{ kind = 'status'; status = 503; method = 'DELETE'; path = $path; count = 0 }

        $result = Invoke-Guarded "Remove-HubAccessToken -Id '$($token[0].uuid)' -Confirm:`$false"

        $record = Assert-OneError $result 'HubUnavailable'
        $record.Exception.Message | Should -Match 'may have been applied'
        @(Get-ServerToken -Username $script:Account.Username | Where-Object uuid -EQ $token[0].uuid).Count | Should -Be 0
    }
}

Describe 'A sign-in lock-out (finding 8)' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount }

    BeforeEach {
        $script:Locked = New-TestAccount -Prefix 'rellock'
        function Lock-Account {
            Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body @{ login_lockout_after = 1 } | Out-Null
            $null = Invoke-HubApi -Method Post -Path '/v2/users/login' -Body @{ username = $script:Locked.Username; password = 'wrong' }
            Clear-HubRequestLog
        }
    }

    It 'Connect-HubAccount stops at once with HubSignInLocked and sends the password once' {
        Lock-Account

        $credential = "([pscredential]::new('$($script:Locked.Username)', (ConvertTo-SecureString '$($script:Locked.Password)' -AsPlainText -Force)))"
        $result = Invoke-Guarded "Connect-HubAccount -Credential $credential -HubUri '$script:Hub' -MaximumRateLimitWaitSec 0"

        $record = Assert-OneError $result 'HubSignInLocked'
        $record.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $record.Exception.Message | Should -Match 'temporarily locked against sign-ins'
        $record.Exception.Message | Should -Match 'Too many failed login attempts'
        (Get-LoggedRequest POST '/v2/users/login').Count | Should -Be 1
    }

    It 'an automatic renewal that meets the lock-out stops, and the session never sends the password again' {
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body @{ jwt_lifetime_seconds = 3 } | Out-Null
        Connect-TestAccount @{ MaximumRateLimitWaitSec = 0 } -Account $script:Locked
        Lock-Account
        Start-Sleep -Seconds 4 # the JWT is dead after at most 3 s

        $first = Invoke-Guarded 'Get-HubAccessToken'
        $second = Invoke-Guarded 'Get-HubAccessToken'

        (Assert-OneError $first 'HubSignInLocked').Exception.Message | Should -Match 'temporarily locked'
        Assert-OneError $second 'HubSignInLocked' | Out-Null
        (Get-LoggedRequest POST '/v2/users/login').Count | Should -Be 1 -Because 'the password went once, and never again after the 429'
    }
}

Describe 'Pacing by X-RateLimit-Remaining (finding 12)' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount }

    It 'an answer that leaves no requests in the window holds the next ones until X-RateLimit-Reset' {
        $prefix = (New-Label) + '-'
        $tokens = New-ServerToken -Count 3 -Prefix $prefix
        Connect-TestAccount
        $reset = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() + 3
        Add-Fault @{ kind = 'status_after'; status = 204; method = 'DELETE'; path = '/v2/access-tokens/*'
            headers = @{ 'X-RateLimit-Remaining' = '0'; 'X-RateLimit-Reset' = "$reset" } }
        Clear-HubRequestLog

        $result = Invoke-Guarded "Get-HubAccessToken -Label '$prefix*' | Remove-HubAccessToken -Confirm:`$false -ThrottleLimit 1"

        $result.Errors | Should -BeNullOrEmpty
        @(Get-ServerToken -Username $script:Account.Username | Where-Object token_label -Like "$prefix*").Count | Should -Be 0
        $deletes = Get-LoggedRequest DELETE '/v2/access-tokens/*'
        $deletes.Count | Should -Be 3 -Because 'no request was refused and sent again'
        ([DateTimeOffset]$deletes[1].at).ToUnixTimeSeconds() | Should -BeGreaterOrEqual $reset -Because 'the next request waited for the window to turn'
        ($result.Verbose -match 'holding the next requests') | Should -Not -BeNullOrEmpty
    }
}

Describe 'Organization access tokens follow the same rules' {
    AfterEach { Reset-EmulatorFaults; Disconnect-HubAccount }

    BeforeEach {
        $owner = New-TestAccount -Prefix 'relorg'
        $script:OrgName = (New-TestOrganization -Prefix 'rel' -Owner $owner.Username).name
        Connect-TestAccount @{ MaximumRetryCount = 1 } -Account $owner
    }

    It 'a create answered with an empty secret is AccessTokenSecretMissing naming the token and Remove-HubOrgAccessToken' {
        $label = New-Label
        Add-Fault @{ kind = 'edit_json'; method = 'POST'; path = "/v2/orgs/$script:OrgName/access-tokens"; edits = @(@{ path = 'token'; value = '' }) }

        $result = Invoke-Guarded "New-HubOrgAccessToken '$script:OrgName' '$label' -Repository '$script:OrgName/app' -NoVault"

        $record = Assert-OneError $result 'AccessTokenSecretMissing'
        $server = @(Invoke-Emulator -Path "/_emulator/orgs/$script:OrgName/tokens" | ForEach-Object { $_ } | Where-Object label -EQ $label)
        $server.Count | Should -Be 1
        $record.Exception.Message | Should -Match ([regex]::Escape("Remove-HubOrgAccessToken -Organization $script:OrgName -Id $($server[0].id)"))
    }

    It 'a disable that took effect but was answered 503 every time is settled by one GET and succeeds' {
        $token = Add-TestOrgToken -Organization $script:OrgName | ForEach-Object { $_ } | Select-Object -First 1
        Add-Fault @{ kind = 'status_after'; status = 503; method = 'PATCH'; path = "/v2/orgs/$script:OrgName/access-tokens/$($token.id)"; count = 0 }

        $result = Invoke-Guarded "Disable-HubOrgAccessToken -Organization '$script:OrgName' -Id '$($token.id)' -Confirm:`$false -PassThru"

        $result.Errors | Should -BeNullOrEmpty
        $result.Output[0].IsActive | Should -BeFalse
        ($result.Verbose -match 'Reading it back shows it was: .*inactive') | Should -Not -BeNullOrEmpty
    }
}
