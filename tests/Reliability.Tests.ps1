# Reliability over real HTTP: 429 waits (every header form Hub uses), transient failures on GET,
# PATCH and DELETE (5xx, 408, dropped connections, timeouts), a create that is never re-sent, and
# malformed answers. Faults and settings of the emulator are global, so every test that sets one
# clears it in AfterEach; faults are scoped by path to this file's tokens wherever the route allows.
# Assertions are on request counts, server state, ErrorIds and emitted records, never on durations.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    # tests/Pester.ps1 runs with 'Stop'; here a per-item error must stay non-terminating so it can be counted.
    $ErrorActionPreference = 'Continue'
    # Whatever the run started with, so AfterEach can put it back.
    $script:DefaultSettings = Invoke-Emulator -Path '/_emulator/settings'
    $script:Account = New-TestAccount -Prefix 'reliab'

    function Add-Fault {
        param([Parameter(Mandatory)][hashtable] $Spec)
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body $Spec
    }

    function Reset-EmulatorFaults {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body $script:DefaultSettings | Out-Null
    }

    function Connect-TestAccount {
        param([hashtable] $With = @{})
        Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub @With
    }

    function New-ServerToken {
        # Tokens planted directly on the emulator; their uuids scope faults to them.
        param([int] $Count = 1, [string] $Prefix = ('t' + [guid]::NewGuid().ToString('N').Substring(0, 8) + '-'))
        @(Add-TestToken -Username $script:Account.Username -Count $Count -LabelPrefix $Prefix)
    }

    function Get-ServerTokenById {
        param([Parameter(Mandatory)][string] $Id)
        Get-ServerToken -Username $script:Account.Username | Where-Object uuid -EQ $Id
    }

    function Get-LoggedRequest {
        param([Parameter(Mandatory)][string] $Method, [Parameter(Mandatory)][string] $Path)
        @(Get-HubRequestLog -Path $Path | Where-Object method -EQ $Method)
    }

    function Wait-LogCount {
        # Polls the request log until it holds a number of requests; the bound is a hang guard.
        param([string] $Method, [string] $Path, [int] $Count, [int] $GuardSeconds = 10)
        $deadline = [DateTime]::UtcNow.AddSeconds($GuardSeconds)
        while ((Get-LoggedRequest $Method $Path).Count -lt $Count -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 100
        }
    }

    function Split-Record {
        # What a command wrote, sorted by stream (run it with 2>&1 4>&1).
        param([object[]] $Items)
        [pscustomobject]@{
            Output  = @($Items | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] -and $_ -isnot [Management.Automation.VerboseRecord] })
            Errors  = @($Items | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
            Verbose = @($Items | Where-Object { $_ -is [Management.Automation.VerboseRecord] } | ForEach-Object Message)
        }
    }

    function Invoke-InRunspace {
        # Runs a script in a new runspace of this process, so the progress records the module writes
        # can be read from Streams.Progress. The script gets this runspace's session as $Session.
        param([Parameter(Mandatory)][string] $Script)
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("param(`$Session) Import-Module '$($env:DOCKERHUBPAT_TEST_MODULE)'; `$ProgressPreference = 'Continue'; $Script").AddArgument((Get-HubAccount))
            $output = $ps.Invoke()
            [pscustomobject]@{
                Output   = @($output)
                Progress = @($ps.Streams.Progress)
                Errors   = @($ps.Streams.Error)
            }
        }
        finally {
            $ps.Dispose()
        }
    }

    function Assert-CleanMessage {
        # A message for a person: no exception type dump, no stack trace, no null-reference text.
        param([Parameter(Mandatory)][Management.Automation.ErrorRecord] $Record)
        $Record.Exception | Should -Not -BeOfType [NullReferenceException]
        $Record.Exception.GetBaseException() | Should -Not -BeOfType [NullReferenceException]
        $message = "$($Record.Exception.Message) $($Record.ErrorDetails.Message)"
        $message | Should -Not -Match '\bat [\w.`<>]+\(.*\)'
        $message | Should -Not -Match '--- End of'
        $message | Should -Not -Match 'System\.\w+Exception'
        $message | Should -Not -Match 'Object reference not set'
        $message | Should -Not -Match '<html|<body|<!DOCTYPE'
    }
}

AfterAll {
    Reset-EmulatorFaults
    Disconnect-HubAccount
}

Describe 'Rate limit (429)' {
    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It 'waits when a 429 says <Name> and then succeeds, reporting the wait on the Verbose stream' -ForEach @(
        @{ Name = 'Retry-After: 1'; Fault = @{ header = 'retry-after'; seconds = 1 } }
        @{ Name = 'X-Retry-After: <unix time>'; Fault = @{ header = 'x-retry-after'; seconds = 2 } }
        @{ Name = 'only X-RateLimit-Reset'; Fault = @{ header = 'x-ratelimit-reset'; seconds = 2 } }
        @{ Name = 'Retry-After with a text/plain body'; Fault = @{ header = 'retry-after'; seconds = 1; plain_text = $true } }
    ) {
        $token = New-ServerToken
        Connect-TestAccount
        $spec = @{ kind = 'rate_limit'; method = 'GET'; path = '/v2/access-tokens' } + $Fault
        Add-Fault $spec | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (Get-HubAccessToken -Label $token[0].token_label -Verbose 2>&1 4>&1)

        $result.Errors | Should -BeNullOrEmpty
        $result.Output.Id | Should -Be ([guid]$token[0].uuid)
        ($result.Verbose -match 'rate limit') | Should -Not -BeNullOrEmpty -Because 'the wait is reported on the Verbose stream'
        ($result.Verbose -match 'waiting [\d.]+ s') | Should -Not -BeNullOrEmpty
        $gets = Get-LoggedRequest GET '/v2/access-tokens'
        $gets.Count | Should -Be 2 -Because 'the refused request is sent again after the wait, once'
        $gets[0].status | Should -Be 429
        $gets[0].fault | Should -Be 'rate_limit'
        $gets[1].status | Should -Be 200
    }

    It 'reports the 429 wait as a progress record that is completed afterwards' {
        $token = New-ServerToken
        Connect-TestAccount
        Add-Fault @{ kind = 'rate_limit'; method = 'GET'; path = '/v2/access-tokens'; seconds = 1 } | Out-Null
        Clear-HubRequestLog

        $run = Invoke-InRunspace "Get-HubAccessToken -Session `$Session -Label '$($token[0].token_label)'"

        $run.Errors | Should -BeNullOrEmpty
        $run.Output.Count | Should -Be 1
        $waits = @($run.Progress | Where-Object Activity -Match 'rate limit')
        $waits | Should -Not -BeNullOrEmpty -Because 'a wait of seconds should be visible as progress'
        @($waits | Where-Object { $_.RecordType -eq 'Processing' -and $_.SecondsRemaining -gt 0 }).Count | Should -BeGreaterThan 0
        $waits[-1].RecordType | Should -Be 'Completed' -Because 'the progress bar must not stay on screen after the wait'
        (Get-LoggedRequest GET '/v2/access-tokens').Count | Should -Be 2
    }

    It 'waits out a 429 on DELETE and the token is removed' {
        $token = New-ServerToken
        Connect-TestAccount
        Add-Fault @{ kind = 'rate_limit'; method = 'DELETE'; path = "/v2/access-tokens/$($token[0].uuid)"; seconds = 1 } | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (Remove-HubAccessToken -Id $token[0].uuid -Force 2>&1)

        $result.Errors | Should -BeNullOrEmpty
        Get-ServerTokenById $token[0].uuid | Should -BeNullOrEmpty
        $deletes = Get-LoggedRequest DELETE "/v2/access-tokens/$($token[0].uuid)"
        $deletes.status | Should -Be @(429, 204)
    }

    It 'fails with HubRateLimited (LimitsExceeded) when the wait asked for is over -MaximumRateLimitWaitSec' {
        $token = New-ServerToken
        Connect-TestAccount @{ MaximumRateLimitWaitSec = 1 }
        Add-Fault @{ kind = 'rate_limit'; method = 'GET'; path = '/v2/access-tokens'; seconds = 5 } | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (Get-HubAccessToken -Label $token[0].token_label 2>&1)

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubRateLimited,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $result.Errors[0].Exception.Message | Should -Match 'MaximumRateLimitWaitSec'
        (Get-LoggedRequest GET '/v2/access-tokens').Count | Should -Be 1 -Because 'a wait over the cap is not waited, so nothing is sent again'
    }

    It 'leaves the token in place and reports HubRateLimited when a DELETE cannot wait long enough' {
        $tokens = New-ServerToken -Count 2
        Connect-TestAccount @{ MaximumRateLimitWaitSec = 1 }
        Add-Fault @{ kind = 'rate_limit'; method = 'DELETE'; path = "/v2/access-tokens/$($tokens[0].uuid)"; seconds = 5 } | Out-Null

        $result = Split-Record (Remove-HubAccessToken -Id $tokens[0].uuid, $tokens[1].uuid -Force 2>&1)

        $result.Errors.Count | Should -Be 1 -Because 'the error is per item: the other token is still removed'
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubRateLimited,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'LimitsExceeded'
        $result.Errors[0].TargetObject | Should -Be ([guid]$tokens[0].uuid)
        Get-ServerTokenById $tokens[0].uuid | Should -Not -BeNullOrEmpty
        Get-ServerTokenById $tokens[1].uuid | Should -BeNullOrEmpty
    }
}

Describe 'Transient failures are retried' {
    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It '<Method> succeeds after <Name>, and the request log shows the retries' -ForEach @(
        foreach ($method in 'GET', 'PATCH', 'DELETE') {
            @{ Method = $method; Name = '503 twice'; Fault = @{ kind = 'status'; status = 503; count = 2 }; Failures = 2 }
            @{ Method = $method; Name = '500 twice'; Fault = @{ kind = 'status'; status = 500; count = 2 }; Failures = 2 }
            @{ Method = $method; Name = '408 twice'; Fault = @{ kind = 'status'; status = 408; count = 2 }; Failures = 2 }
            @{ Method = $method; Name = 'a connection closed before the answer (drop_before)'; Fault = @{ kind = 'drop_before'; count = 1 }; Failures = 1 }
        }
    ) {
        $token = New-ServerToken
        Connect-TestAccount
        $path = "/v2/access-tokens/$($token[0].uuid)"
        Add-Fault (@{ method = $Method; path = $path } + $Fault) | Out-Null
        Clear-HubRequestLog

        $items = switch ($Method) {
            'GET' { Get-HubAccessToken -Id $token[0].uuid 2>&1 }
            'PATCH' { Disable-HubAccessToken -Id $token[0].uuid -PassThru 2>&1 }
            'DELETE' { Remove-HubAccessToken -Id $token[0].uuid -Force 2>&1 }
        }
        $result = Split-Record $items

        $result.Errors | Should -BeNullOrEmpty
        $server = Get-ServerTokenById $token[0].uuid
        switch ($Method) {
            'GET' { $result.Output.Id | Should -Be ([guid]$token[0].uuid) }
            'PATCH' {
                $result.Output.IsActive | Should -Be $false
                $server.is_active | Should -Be $false
            }
            'DELETE' { $server | Should -BeNullOrEmpty }
        }
        $requests = Get-LoggedRequest $Method $path
        @($requests | Where-Object fault).Count | Should -Be $Failures
        $requests.Count | Should -Be ($Failures + 1) -Because 'each failed attempt is retried once, and the success ends it'
        $requests[-1].status | Should -BeIn 200, 204
    }

    It 'Rename-HubAccessToken (PATCH) is retried after a 503 and renames the token' {
        $token = New-ServerToken
        Connect-TestAccount
        $path = "/v2/access-tokens/$($token[0].uuid)"
        Add-Fault @{ kind = 'status'; status = 503; method = 'PATCH'; path = $path } | Out-Null

        $renamed = Rename-HubAccessToken -Id $token[0].uuid -NewLabel 'renamed-after-503' -PassThru -ErrorVariable failed 2>$null

        $failed | Should -BeNullOrEmpty
        $renamed.Label | Should -Be 'renamed-after-503'
        (Get-ServerTokenById $token[0].uuid).token_label | Should -Be 'renamed-after-503'
        (Get-LoggedRequest PATCH $path).status | Should -Be @(503, 200)
    }

    It 'the token list (GET) is retried after a 503 and a dropped connection' {
        $tokens = New-ServerToken -Count 3 -Prefix 'listretry-'
        Connect-TestAccount
        Add-Fault @{ kind = 'status'; status = 503; method = 'GET'; path = '/v2/access-tokens' } | Out-Null
        Add-Fault @{ kind = 'drop_before'; method = 'GET'; path = '/v2/access-tokens' } | Out-Null
        Clear-HubRequestLog

        $listed = @(Get-HubAccessToken -Label 'listretry-*' -ErrorVariable failed 2>$null)

        $failed | Should -BeNullOrEmpty
        $listed.Count | Should -Be 3
        $gets = Get-LoggedRequest GET '/v2/access-tokens'
        $gets.fault | Should -Be @('status', 'drop_before', $null)
        $gets[-1].status | Should -Be 200
    }

    It '-TimeoutSec: an attempt slower than the timeout is abandoned and retried' {
        $token = New-ServerToken
        Connect-TestAccount @{ TimeoutSec = 1 }
        $path = "/v2/access-tokens/$($token[0].uuid)"
        Add-Fault @{ kind = 'latency'; ms = 3000; method = 'GET'; path = $path } | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (Get-HubAccessToken -Id $token[0].uuid -Verbose 2>&1 4>&1)

        $result.Errors | Should -BeNullOrEmpty
        $result.Output.Id | Should -Be ([guid]$token[0].uuid)
        ($result.Verbose -match 'retrying') | Should -Not -BeNullOrEmpty
        # The emulator logs the abandoned attempt once it notices the client left.
        $null = Wait-LogCount GET $path 2
        $requests = Get-LoggedRequest GET $path
        $requests.Count | Should -Be 2
        $requests[0].fault | Should -Be 'latency'
        $requests[0].status | Should -BeNullOrEmpty -Because 'the client gave up before the slow answer'
        $requests[1].status | Should -Be 200
    }

    Context 'a DELETE whose answer was lost after Hub removed the token (drop_after)' {
        It 'the retry gets 404 and Remove-HubAccessToken reports success (connection <Name>)' -ForEach @(
            @{ Name = 'closed (FIN), the emulator default'; Reset = $false }
            @{ Name = 'reset (RST)'; Reset = $true }
        ) {
            $tokens = New-ServerToken -Count 2
            Connect-TestAccount
            # Warm the connection pool the way a session normally is before it removes anything.
            Get-HubAccessToken -Id $tokens[1].uuid | Out-Null
            $path = "/v2/access-tokens/$($tokens[0].uuid)"
            Add-Fault @{ kind = 'drop_after'; method = 'DELETE'; path = $path; reset = $Reset } | Out-Null
            Clear-HubRequestLog

            $result = Split-Record (Remove-HubAccessToken -Id $tokens[0].uuid -Force 2>&1)

            Get-ServerTokenById $tokens[0].uuid | Should -BeNullOrEmpty
            $deletes = Get-LoggedRequest DELETE $path
            $deletes[0].fault | Should -Be 'drop_after'
            $deletes[-1].status | Should -Be 404
            $result.Errors | Should -BeNullOrEmpty -Because 'the token the user asked to remove is gone; its removal did succeed'
        }
    }

    It 'a PATCH whose answer was lost after Hub applied it (drop_after) ends with the change made and no error' {
        $token = New-ServerToken
        Connect-TestAccount
        $path = "/v2/access-tokens/$($token[0].uuid)"
        Add-Fault @{ kind = 'drop_after'; method = 'PATCH'; path = $path } | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (Disable-HubAccessToken -Id $token[0].uuid -PassThru 2>&1)

        $result.Errors | Should -BeNullOrEmpty
        $result.Output.IsActive | Should -Be $false
        (Get-ServerTokenById $token[0].uuid).is_active | Should -Be $false
        $requests = Get-LoggedRequest PATCH $path
        $requests.Count | Should -Be 2
        $requests[-1].status | Should -Be 200
    }

    Context 'more failures than -MaximumRetryCount' {
        It '<Method>: <Name> on one token gives HubUnavailable (ConnectionError) for it and the other token still succeeds' -ForEach @(
            foreach ($method in 'GET', 'PATCH', 'DELETE') {
                @{ Method = $method; Name = '503 forever'; Fault = @{ kind = 'status'; status = 503; count = 0 }; Exact = $true }
                @{ Method = $method; Name = 'drop_before forever'; Fault = @{ kind = 'drop_before'; count = 0 }; Exact = $false }
            }
        ) {
            $tokens = New-ServerToken -Count 2
            Connect-TestAccount @{ MaximumRetryCount = 2 }
            $failingPath = "/v2/access-tokens/$($tokens[0].uuid)"
            Add-Fault (@{ method = $Method; path = $failingPath } + $Fault) | Out-Null
            Clear-HubRequestLog

            $ids = $tokens.uuid
            $items = switch ($Method) {
                'GET' { $ids | Get-HubAccessToken 2>&1 }
                'PATCH' { $ids | Disable-HubAccessToken -PassThru 2>&1 }
                'DELETE' { $ids | Remove-HubAccessToken -Force 2>&1 }
            }
            $result = Split-Record $items

            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubUnavailable,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            $result.Errors[0].TargetObject | Should -Be ([guid]$tokens[0].uuid)
            Assert-CleanMessage $result.Errors[0]
            $failing = Get-LoggedRequest $Method $failingPath
            if ($Exact) {
                $failing.Count | Should -Be 3 -Because 'one attempt and -MaximumRetryCount 2 retries'
            }
            else {
                # .NET may re-send a dropped request on a reused connection by itself, so only a floor holds.
                $failing.Count | Should -BeGreaterOrEqual 3
            }
            $first = Get-ServerTokenById $tokens[0].uuid
            $other = Get-ServerTokenById $tokens[1].uuid
            switch ($Method) {
                'GET' { $result.Output.Id | Should -Be ([guid]$tokens[1].uuid) }
                'PATCH' {
                    $result.Output.Id | Should -Be ([guid]$tokens[1].uuid)
                    $first.is_active | Should -Be $true
                    $other.is_active | Should -Be $false
                }
                'DELETE' {
                    $first | Should -Not -BeNullOrEmpty
                    $other | Should -BeNullOrEmpty
                }
            }
        }

        It 'the token list gives HubUnavailable (ConnectionError) after -MaximumRetryCount retries' {
            Connect-TestAccount @{ MaximumRetryCount = 1 }
            Add-Fault @{ kind = 'status'; status = 500; method = 'GET'; path = '/v2/access-tokens'; count = 0 } | Out-Null
            Clear-HubRequestLog

            $result = Split-Record (Get-HubAccessToken 2>&1)

            $result.Output | Should -BeNullOrEmpty
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubUnavailable,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'ConnectionError'
            (Get-LoggedRequest GET '/v2/access-tokens').Count | Should -Be 2
        }
    }
}

Describe 'A create (POST /v2/access-tokens) is never sent twice' {
    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It 'answer lost after Hub created the token (drop_after): AccessTokenCreateUnconfirmed names the token and how to remove it' {
        $label = 'lost-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Connect-TestAccount
        Add-Fault @{ kind = 'drop_after'; method = 'POST'; path = '/v2/access-tokens' } | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (New-HubAccessToken -Label $label -NoVault 2>&1)

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $record = $result.Errors[0]
        $record.FullyQualifiedErrorId | Should -BeLike 'AccessTokenCreateUnconfirmed,*'
        $onServer = @(Get-ServerToken -Username $script:Account.Username | Where-Object token_label -EQ $label)
        $onServer.Count | Should -Be 1 -Because 'the lost request made exactly one token'
        $record.Exception.Message | Should -Match ([regex]::Escape($onServer[0].uuid))
        $record.Exception.Message | Should -Match "Remove-HubAccessToken -Id $([regex]::Escape($onServer[0].uuid))"
        Assert-CleanMessage $record
        (Get-LoggedRequest POST '/v2/access-tokens').Count | Should -Be 1 -Because 'a create is never re-sent'
    }

    It 'connection dropped before Hub saw the create (drop_before): not called safe, since the request may have reached Hub; the error gives the command to look' {
        $label = 'notmade-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        # -TimeoutSec also sets how long the check waits before its second look (2 s at least).
        Connect-TestAccount @{ TimeoutSec = 2 }
        Add-Fault @{ kind = 'drop_before'; method = 'POST'; path = '/v2/access-tokens' } | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (New-HubAccessToken -Label $label -NoVault 2>&1)

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenCreateUnconfirmed,*'
        $result.Errors[0].Exception.Message | Should -Match 'unknown'
        $result.Errors[0].Exception.Message | Should -Not -Match 'safe'
        $result.Errors[0].Exception.Message | Should -Match ([regex]::Escape("Look with: Get-HubAccessToken -Label '$label'"))
        Assert-CleanMessage $result.Errors[0]
        @(Get-ServerToken -Username $script:Account.Username | Where-Object token_label -EQ $label).Count | Should -Be 0
        (Get-LoggedRequest POST '/v2/access-tokens').Count | Should -Be 1
    }

    It 'a 503 answer to the create is not retried and the error is clear' {
        $label = 'busy-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Connect-TestAccount @{ TimeoutSec = 2 }
        Add-Fault @{ kind = 'status'; status = 503; method = 'POST'; path = '/v2/access-tokens' } | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (New-HubAccessToken -Label $label -NoVault 2>&1)

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeIn @(
            "AccessTokenCreateUnconfirmed,DockerHubPat.Commands.NewHubAccessTokenCommand",
            "HubUnavailable,DockerHubPat.Commands.NewHubAccessTokenCommand")
        $result.Errors[0].Exception.Message | Should -Match '503'
        $result.Errors[0].Exception.Message | Should -Match ([regex]::Escape($label))
        Assert-CleanMessage $result.Errors[0]
        @(Get-ServerToken -Username $script:Account.Username | Where-Object token_label -EQ $label).Count | Should -Be 0
        (Get-LoggedRequest POST '/v2/access-tokens').Count | Should -Be 1 -Because 'a create is never re-sent'
    }

    It 'after a lost create, running New-HubAccessToken again makes exactly one more token' {
        $label = 'again-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Connect-TestAccount @{ TimeoutSec = 2 }
        Add-Fault @{ kind = 'drop_before'; method = 'POST'; path = '/v2/access-tokens' } | Out-Null
        New-HubAccessToken -Label $label -NoVault -ErrorAction SilentlyContinue | Out-Null

        $token = New-HubAccessToken -Label $label -NoVault

        $token.Secret | Should -Not -BeNullOrEmpty
        @(Get-ServerToken -Username $script:Account.Username | Where-Object token_label -EQ $label).uuid | Should -Be @("$($token.Id)")
    }
}

Describe 'Malformed answers' {
    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It 'a 200 text/plain answer to the token list gives HubResponseInvalid, not a crash' {
        Connect-TestAccount
        Add-Fault @{ kind = 'non_json'; method = 'GET'; path = '/v2/access-tokens' } | Out-Null

        $result = Split-Record (Get-HubAccessToken 2>&1)

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubResponseInvalid,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'InvalidResult'
        Assert-CleanMessage $result.Errors[0]
    }

    It 'an HTML 502 page on every attempt gives HubUnavailable after the retries, without the HTML' {
        Connect-TestAccount @{ MaximumRetryCount = 1 }
        Add-Fault @{ kind = 'html'; status = 502; method = 'GET'; path = '/v2/access-tokens'; count = 0 } | Out-Null
        Clear-HubRequestLog

        $result = Split-Record (Get-HubAccessToken 2>&1)

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeIn @('HubUnavailable,DockerHubPat.Commands.GetHubAccessTokenCommand', 'HubResponseInvalid,DockerHubPat.Commands.GetHubAccessTokenCommand')
        $result.Errors[0].Exception.Message | Should -Match '502'
        Assert-CleanMessage $result.Errors[0]
        (Get-LoggedRequest GET '/v2/access-tokens').Count | Should -Be 2 -Because 'a 502 is retried like any 5xx'
    }

    It 'an HTML 502 page once is retried and the listing succeeds' {
        New-ServerToken -Prefix 'html-once-' | Out-Null
        Connect-TestAccount
        Add-Fault @{ kind = 'html'; status = 502; method = 'GET'; path = '/v2/access-tokens' } | Out-Null

        @(Get-HubAccessToken -Label 'html-once-*' -ErrorVariable failed 2>$null).Count | Should -Be 1
        $failed | Should -BeNullOrEmpty
    }

    It 'a truncated JSON answer to a get by id gives HubResponseInvalid, not a crash' {
        $token = New-ServerToken
        Connect-TestAccount
        Add-Fault @{ kind = 'truncated_json'; method = 'GET'; path = "/v2/access-tokens/$($token[0].uuid)" } | Out-Null

        $result = Split-Record (Get-HubAccessToken -Id $token[0].uuid 2>&1)

        $result.Output | Should -BeNullOrEmpty
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeIn @('HubResponseInvalid,DockerHubPat.Commands.GetHubAccessTokenCommand', 'HubUnavailable,DockerHubPat.Commands.GetHubAccessTokenCommand')
        $result.Errors[0].TargetObject | Should -Be ([guid]$token[0].uuid)
        Assert-CleanMessage $result.Errors[0]
    }

    It 'a truncated JSON answer to the token list gives a clear error, not a crash' {
        New-ServerToken -Count 3 | Out-Null
        Connect-TestAccount
        Add-Fault @{ kind = 'truncated_json'; method = 'GET'; path = '/v2/access-tokens' } | Out-Null

        $result = Split-Record (Get-HubAccessToken 2>&1)

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeIn @('HubResponseInvalid,DockerHubPat.Commands.GetHubAccessTokenCommand', 'HubUnavailable,DockerHubPat.Commands.GetHubAccessTokenCommand')
        Assert-CleanMessage $result.Errors[0]
    }

    It 'a 200 text/plain answer to a PATCH gives HubResponseInvalid and the pipeline goes on' {
        $tokens = New-ServerToken -Count 2
        Connect-TestAccount
        Add-Fault @{ kind = 'non_json'; method = 'PATCH'; path = "/v2/access-tokens/$($tokens[0].uuid)" } | Out-Null

        $result = Split-Record ($tokens.uuid | Disable-HubAccessToken -PassThru 2>&1)

        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'HubResponseInvalid,*'
        $result.Errors[0].TargetObject | Should -Be ([guid]$tokens[0].uuid)
        Assert-CleanMessage $result.Errors[0]
        $result.Output.Id | Should -Be ([guid]$tokens[1].uuid)
        (Get-ServerTokenById $tokens[1].uuid).is_active | Should -Be $false
    }
}
