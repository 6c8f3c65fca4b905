# Connect-HubAccount and Disconnect-HubAccount against the Hub emulator: sign-in paths (plain, fixed
# code, TOTP, missing/wrong code, wrong password, a PAT as the password), address checks, what the
# session object exposes, session reuse, the User-Agent, side-by-side sessions and disconnecting.
# Every account is created here, so nothing is shared with other test files; the request log is
# global, so each test clears it right before the action it measures.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:ModuleVersion = (Import-PowerShellDataFile -LiteralPath $env:DOCKERHUBPAT_TEST_MODULE).ModuleVersion
    # The emulator's fixed TOTP seed for carol, reused for our own TOTP account.
    $script:TotpSeed = 'JBSWY3DPEHPK3PXP'

    function Get-SessionJwt {
        # The JWT the session holds. It is internal on purpose; reflection finds it (whatever the
        # member is called) so the test can compare everything the session does expose against it.
        param([Parameter(Mandatory)] $Session)
        $flags = [Reflection.BindingFlags]'NonPublic, Instance'
        $type = $Session.GetType()
        $values = @($type.GetFields($flags) | ForEach-Object { $_.GetValue($Session) }) +
            @($type.GetProperties($flags) | Where-Object { $_.GetIndexParameters().Count -eq 0 } | ForEach-Object { $_.GetValue($Session) })
        $values | Where-Object { $_ -is [string] -and $_ -match '^[\w-]+\.[\w-]+\.[\w-]+$' } | Select-Object -First 1
    }

    function ConvertFrom-JwtPayload {
        param([Parameter(Mandatory)][string] $Jwt)
        $part = $Jwt.Split('.')[1].Replace('-', '+').Replace('_', '/')
        $part = $part.PadRight($part.Length + (4 - $part.Length % 4) % 4, '=')
        [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($part)) | ConvertFrom-Json
    }

    function Get-NonLoopbackAddress {
        # An IPv4 address of this machine that is not loopback, or $null.
        [Net.NetworkInformation.NetworkInterface]::GetAllNetworkInterfaces() |
            Where-Object OperationalStatus -EQ 'Up' |
            ForEach-Object { $_.GetIPProperties().UnicastAddresses.Address } |
            Where-Object { $_.AddressFamily -eq 'InterNetwork' -and -not [Net.IPAddress]::IsLoopback($_) } |
            Select-Object -First 1
    }
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Connect-HubAccount' {
    Context 'an account without two-factor authentication' {
        BeforeAll {
            $account = New-TestAccount -Prefix 'conplain'
            Add-TestToken -Username $account.Username -Count 2 -LabelPrefix 'plain-' | Out-Null
        }

        It 'signs in with one login request and makes the session current' {
            Clear-HubRequestLog
            $before = Get-Date
            $session = Connect-TestAccount $account -With @{ PassThru = $true }

            $log = @(Get-HubRequestLog)
            $log.Count | Should -Be 1
            $log[0].method | Should -Be 'POST'
            $log[0].path | Should -Be '/v2/users/login'
            $log[0].status | Should -Be 200

            $session | Should -BeOfType ([DockerHubPat.HubSession])
            $session.Username | Should -Be $account.Username
            $session.HubUri.AbsoluteUri.TrimEnd('/') | Should -Be $script:Hub
            $session.SignedInAt | Should -BeGreaterOrEqual $before.AddSeconds(-1)
            $session.SignedInAt | Should -BeLessOrEqual (Get-Date)
            # The emulator's session JWTs live an hour by default.
            $session.ExpiresAt | Should -BeGreaterThan $before.AddMinutes(59)
            $session.ExpiresAt | Should -BeLessThan (Get-Date).AddMinutes(61)

            # The current session is this account's: it lists exactly the account's tokens.
            $labels = @(Get-HubAccessToken).Label | Sort-Object
            $labels | Should -Be (@(Get-ServerToken -Username $account.Username).token_label | Sort-Object)
            $labels | Should -Be @('plain-0001', 'plain-0002')
        }

        It 'outputs nothing without -PassThru' {
            $output = @(Connect-TestAccount $account)
            $output.Count | Should -Be 0
            @(Get-HubAccessToken).Count | Should -Be 2
        }

        It 'ignores -OneTimePassword when the account has no second factor' {
            Clear-HubRequestLog
            Connect-TestAccount $account -With @{ OneTimePassword = '000000' }
            $log = @(Get-HubRequestLog -Path '/v2/users/*')
            $log.path | Should -Be @('/v2/users/login')
            $log[0].status | Should -Be 200
        }
    }

    Context 'two-factor authentication' {
        It 'sends -OneTimePassword to the second step for an account with a fixed code' {
            $account = New-TestAccount -Prefix 'conotp' -OtpCode '246810'
            Add-TestToken -Username $account.Username -Count 1 -LabelPrefix 'otp-' | Out-Null
            Clear-HubRequestLog

            $session = Connect-TestAccount $account -With @{ OneTimePassword = '246810'; PassThru = $true }

            $log = @(Get-HubRequestLog)
            $log.path | Should -Be @('/v2/users/login', '/v2/users/2fa-login')
            $log.status | Should -Be @(401, 200)
            $session.Username | Should -Be $account.Username
            @(Get-HubAccessToken).Label | Should -Be @('otp-0001')
        }

        It 'signs in to a TOTP account with the code of the moment' {
            $account = New-TestAccount -Prefix 'contotp' -TotpSecret $script:TotpSeed
            Add-TestToken -Username $account.Username -Count 1 -LabelPrefix 'totp-' | Out-Null
            $code = (Invoke-Emulator -Path "/_emulator/accounts/$($account.Username)/totp").code
            $code | Should -Match '^\d{6}$'
            Clear-HubRequestLog

            $session = Connect-TestAccount $account -With @{ OneTimePassword = $code; PassThru = $true }

            $log = @(Get-HubRequestLog)
            $log.path | Should -Be @('/v2/users/login', '/v2/users/2fa-login')
            $log[-1].status | Should -Be 200
            $session.Username | Should -Be $account.Username
            @(Get-HubAccessToken).Label | Should -Be @('totp-0001')
        }

        It 'fails at once with HubTwoFactorCodeRequired in a non-interactive host when no code is given' {
            $account = New-TestAccount -Prefix 'connocode' -OtpCode '135790'
            Clear-HubRequestLog

            $result = Invoke-InFreshPwsh -TimeoutSeconds 60 -ArgumentList $script:Hub, $account.Username, $account.Password {
                param($Hub, $User, $Password)
                $credential = [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
                Connect-HubAccount -Credential $credential -HubUri $Hub
                'still running'
            }

            $result.Terminated | Should -BeTrue
            $result.Output | Should -Not -Contain 'still running'
            @($result.Error).Count | Should -Be 1
            $err = $result.Error[0]
            $err.FullyQualifiedErrorId | Should -BeLike 'HubTwoFactorCodeRequired,*'
            # A deserialized ErrorRecord keeps its category as a number.
            [Management.Automation.ErrorCategory]$err.ErrorCategory_Category | Should -Be 'AuthenticationError'
            $err.Exception.Message | Should -Match '-OneTimePassword'
            $err.Exception.Message | Should -Not -Match ([regex]::Escape($account.Password))
            # The password step happened; no code was sent.
            $log = @(Get-HubRequestLog -Path '/v2/users/*')
            $log.path | Should -Be @('/v2/users/login')
            $log[0].status | Should -Be 401
        }

        It 'fails with HubSignInFailed when the code is wrong, and opens no session' {
            $account = New-TestAccount -Prefix 'conbadotp' -OtpCode '112233'
            Disconnect-HubAccount
            Clear-HubRequestLog

            $err = Get-TerminatingError { Connect-TestAccount $account -With @{ OneTimePassword = '999999' } }

            $err.FullyQualifiedErrorId | Should -BeLike 'HubSignInFailed,*'
            $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err.Exception.Message | Should -Not -Match '999999'
            $log = @(Get-HubRequestLog)
            $log.path | Should -Be @('/v2/users/login', '/v2/users/2fa-login')
            $log[-1].status | Should -Be 401
            (Get-TerminatingError { Get-HubAccessToken }).FullyQualifiedErrorId | Should -BeLike 'HubNotConnected,*'
        }
    }

    Context 'refused credentials' {
        It 'fails with HubSignInFailed (AuthenticationError) for a wrong password' {
            $account = New-TestAccount -Prefix 'conbadpw'
            $wrong = [pscredential]::new($account.Username, (ConvertTo-SecureString 'not-the-password' -AsPlainText -Force))
            Clear-HubRequestLog

            $err = Get-TerminatingError { Connect-HubAccount -Credential $wrong -HubUri $script:Hub }

            $err.FullyQualifiedErrorId | Should -BeLike 'HubSignInFailed,*'
            $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
            $err.TargetObject | Should -Be $account.Username
            $err.Exception.Message | Should -Not -Match 'not-the-password'
            $log = @(Get-HubRequestLog)
            $log.path | Should -Be @('/v2/users/login')
            $log[0].status | Should -Be 401
        }

        It 'warns about a personal access token as the password, and token cmdlets then fail with HubTokenSessionRefused' {
            $account = New-TestAccount -Prefix 'conpat'
            $pat = @(Add-TestToken -Username $account.Username -Count 1 -LabelPrefix 'pat-')[0]
            $pat.token | Should -BeLike 'dckr_pat_*'
            $patCredential = [pscredential]::new($account.Username, (ConvertTo-SecureString $pat.token -AsPlainText -Force))

            Connect-HubAccount -Credential $patCredential -HubUri $script:Hub -WarningVariable warnings -WarningAction SilentlyContinue
            @($warnings).Count | Should -Be 1
            "$($warnings[0])" | Should -Match 'personal access token'
            "$($warnings[0])" | Should -Not -Match ([regex]::Escape($pat.token))

            Clear-HubRequestLog
            $err = Get-TerminatingError { Get-HubAccessToken -ErrorAction Continue }
            $err.FullyQualifiedErrorId | Should -BeLike 'HubTokenSessionRefused,*'
            $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
            $err.Exception.Message | Should -Match 'account password'
            $log = @(Get-HubRequestLog)
            $log.Count | Should -Be 1
            $log[0].path | Should -Be '/v2/access-tokens'
            $log[0].status | Should -Be 403

            # Creating is refused the same way, and nothing appears on the server.
            $err = Get-TerminatingError { New-HubAccessToken -Label 'via-pat' -NoVault -ErrorAction Continue }
            $err.FullyQualifiedErrorId | Should -BeLike 'HubTokenSessionRefused,*'
            @(Get-ServerToken -Username $account.Username).token_label | Should -Be @('pat-0001')
        }
    }

    Context 'the user name' {
        It 'drops a leading backslash, as Get-Credential on Windows adds' {
            $account = New-TestAccount -Prefix 'conslash'
            $credential = [pscredential]::new("\$($account.Username)", (ConvertTo-SecureString $account.Password -AsPlainText -Force))
            $session = Connect-HubAccount -Credential $credential -HubUri $script:Hub -PassThru
            $session.Username | Should -BeExactly $account.Username
        }

        It 'refuses a credential without a user name with HubUsernameMissing before any request' {
            $credential = [pscredential]::new(' ', (ConvertTo-SecureString 'whatever' -AsPlainText -Force))
            Clear-HubRequestLog
            $err = Get-TerminatingError { Connect-HubAccount -Credential $credential -HubUri $script:Hub }
            $err.FullyQualifiedErrorId | Should -BeLike 'HubUsernameMissing,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            @(Get-HubRequestLog).Count | Should -Be 0
        }
    }

    Context '-HubUri' {
        It 'refuses plain http to a non-loopback host with HubUriInvalid and sends nothing: <_>' -ForEach @(
            'http://example.com', 'http://example.com/'
        ) {
            $account = New-TestAccount -Prefix 'conuri'
            Clear-HubRequestLog
            $err = Get-TerminatingError { Connect-HubAccount -Credential $account.Credential -HubUri $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'HubUriInvalid,*'
            $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
            $err.Exception.Message | Should -Match 'https'
            @(Get-HubRequestLog).Count | Should -Be 0
        }

        It 'does not even open a connection to a non-loopback http address' {
            $address = Get-NonLoopbackAddress
            if (-not $address) { Set-ItResult -Skipped -Because 'this machine has no non-loopback IPv4 address'; return }
            $listener = [Net.Sockets.TcpListener]::new($address, 0)
            $listener.Start()
            try {
                $account = New-TestAccount -Prefix 'conuri'
                $uri = "http://$($address):$($listener.LocalEndpoint.Port)"
                $err = Get-TerminatingError { Connect-HubAccount -Credential $account.Credential -HubUri $uri }
                $err.FullyQualifiedErrorId | Should -BeLike 'HubUriInvalid,*'
                Start-Sleep -Milliseconds 200
                $listener.Pending() | Should -BeFalse
            }
            finally {
                $listener.Stop()
            }
        }

        It 'refuses an address with a path' {
            $account = New-TestAccount -Prefix 'conuri'
            Clear-HubRequestLog
            $err = Get-TerminatingError { Connect-HubAccount -Credential $account.Credential -HubUri "$script:Hub/v2" }
            $err.FullyQualifiedErrorId | Should -BeLike 'HubUriInvalid,*'
            @(Get-HubRequestLog).Count | Should -Be 0
        }
    }

    Context 'the session object' {
        BeforeAll {
            $account = New-TestAccount -Prefix 'conjwt'
            $session = Connect-TestAccount $account -With @{ PassThru = $true }
            $jwt = Get-SessionJwt $session
        }

        It 'holds a real session JWT internally (so the checks below are meaningful)' {
            $jwt | Should -Match '^[\w-]+\.[\w-]+\.[\w-]+$'
            (ConvertFrom-JwtPayload $jwt).username | Should -Be $account.Username
        }

        It 'exposes Username, HubUri, ExpiresAt and SignedInAt' {
            $names = $session.PSObject.Properties.Name
            foreach ($name in 'Username', 'HubUri', 'ExpiresAt', 'SignedInAt') { $names | Should -Contain $name }
        }

        It 'has no property value, text form or serialization that holds the JWT or the password' {
            $jwtPattern = '[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}'
            foreach ($property in $session.PSObject.Properties) {
                $value = "$($property.Value)"
                $value | Should -Not -Match ([regex]::Escape($jwt)) -Because "property $($property.Name)"
                $value | Should -Not -Match $jwtPattern -Because "property $($property.Name)"
                $value | Should -Not -Match ([regex]::Escape($account.Password)) -Because "property $($property.Name)"
                $property.Value | Should -Not -BeOfType ([securestring]) -Because "property $($property.Name)"
            }
            $session.ToString() | Should -Be "$($account.Username)@127.0.0.1"
            foreach ($text in @(
                    ($session | Out-String), ($session | Format-List * | Out-String),
                    ($session | ConvertTo-Json -Depth 3), [Management.Automation.PSSerializer]::Serialize($session, 3)
                )) {
                $text | Should -Not -Match ([regex]::Escape($jwt))
                $text | Should -Not -Match $jwtPattern
                $text | Should -Not -Match ([regex]::Escape($account.Password))
            }
        }
    }

    Context 'session reuse and the User-Agent' {
        BeforeAll {
            $account = New-TestAccount -Prefix 'conreuse'
            $otpAccount = New-TestAccount -Prefix 'conuaotp' -OtpCode '314159'
            Add-TestToken -Username $account.Username -Count 2 -LabelPrefix 'reuse-' | Out-Null
        }

        It 'signs in once for any number of later cmdlet calls' {
            Clear-HubRequestLog
            Connect-TestAccount $account
            $created = New-HubAccessToken -Label 'reuse-new' -NoVault
            @(Get-HubAccessToken).Count | Should -Be 3
            Rename-HubAccessToken -Id $created.Id -NewLabel 'reuse-renamed'
            Disable-HubAccessToken -Id $created.Id
            Enable-HubAccessToken -Id $created.Id
            (Get-HubAccessToken -Id $created.Id).Label | Should -Be 'reuse-renamed'
            Remove-HubAccessToken -Id $created.Id -Force

            $log = @(Get-HubRequestLog)
            @($log | Where-Object path -Like '/v2/users/*').Count | Should -Be 1
            @($log | Where-Object path -EQ '/v2/users/login').Count | Should -Be 1
            @($log | Where-Object path -Like '/v2/access-tokens*').Count | Should -Be 7
            $log.Count | Should -Be 8
            ($log | Where-Object path -Like '/v2/access-tokens*').authorization_scheme |
                Sort-Object -Unique | Should -Be 'Bearer'
        }

        It 'sends User-Agent DockerHubPat/<ModuleVersion> on every request, sign-in steps included' {
            $expected = "DockerHubPat/$script:ModuleVersion"
            Clear-HubRequestLog
            Connect-TestAccount $otpAccount -With @{ OneTimePassword = '314159' }
            $made = New-HubAccessToken -Label 'ua' -NoVault
            Get-HubAccessToken | Out-Null
            Disable-HubAccessToken -Id $made.Id
            Remove-HubAccessToken -Id $made.Id -Force
            Get-HubAccessToken -Id $made.Id -ErrorAction SilentlyContinue

            $log = @(Get-HubRequestLog)
            $log.Count | Should -Be 7
            $log.path | Should -Contain '/v2/users/2fa-login'
            foreach ($entry in $log) {
                $entry.user_agent | Should -BeExactly $expected -Because "$($entry.method) $($entry.path)"
            }
        }
    }

    Context 'two sessions side by side' {
        BeforeAll {
            $first = New-TestAccount -Prefix 'conone'
            $second = New-TestAccount -Prefix 'contwo'
            Add-TestToken -Username $first.Username -Count 2 -LabelPrefix 'one-' | Out-Null
            Add-TestToken -Username $second.Username -Count 3 -LabelPrefix 'two-' | Out-Null
            $sessionOne = Connect-TestAccount $first -With @{ PassThru = $true }
            $sessionTwo = Connect-TestAccount $second -With @{ PassThru = $true }
        }

        It 'lists only the tokens of the account of each -Session' {
            $one = @(Get-HubAccessToken -Session $sessionOne)
            $two = @(Get-HubAccessToken -Session $sessionTwo)
            $one.Label | Sort-Object | Should -Be @('one-0001', 'one-0002')
            $two.Label | Sort-Object | Should -Be @('two-0001', 'two-0002', 'two-0003')
            $one.Username | Sort-Object -Unique | Should -Be $first.Username
            $two.Username | Sort-Object -Unique | Should -Be $second.Username
        }

        It 'uses the last session opened when -Session is not given' {
            @(Get-HubAccessToken).Label | Sort-Object | Should -Be @('two-0001', 'two-0002', 'two-0003')
        }

        It 'changes only the account of the -Session given' {
            $made = New-HubAccessToken -Session $sessionOne -Label 'made-for-one' -NoVault
            $made.Username | Should -Be $first.Username
            @(Get-ServerToken -Username $first.Username).token_label | Should -Contain 'made-for-one'
            @(Get-ServerToken -Username $second.Username).token_label | Should -Not -Contain 'made-for-one'

            Get-HubAccessToken -Session $sessionTwo -Label 'two-0001' | Disable-HubAccessToken -Session $sessionTwo
            (Get-ServerToken -Username $second.Username | Where-Object token_label -EQ 'two-0001').is_active | Should -BeFalse
            @(Get-ServerToken -Username $first.Username).is_active | Should -Not -Contain $false
        }

        It "cannot touch the other account's token" {
            $foreign = Get-ServerToken -Username $first.Username | Where-Object token_label -EQ 'one-0001'
            $all = @(Disable-HubAccessToken -Session $sessionTwo -Id $foreign.uuid -ErrorAction Continue 2>&1)
            $all.Count | Should -Be 1
            $all[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
            (Get-ServerToken -Username $first.Username | Where-Object uuid -EQ $foreign.uuid).is_active | Should -BeTrue
        }
    }
}

Describe 'An expired session' {
    BeforeAll {
        # A private emulator whose session JWTs live 2 seconds, so expiry can be watched.
        $shortLived = Start-HubEmulator -JwtLifetimeSeconds 2
        $plain = New-TestAccount -Prefix 'conexp' -HubUri $shortLived.Url
        $typed = New-TestAccount -Prefix 'conexpotp' -OtpCode '777777' -HubUri $shortLived.Url
    }

    AfterAll {
        Stop-HubEmulator $shortLived
    }

    It 'says when it ends' {
        $before = Get-Date
        $session = Connect-HubAccount -Credential $plain.Credential -HubUri $shortLived.Url -PassThru
        $session.ExpiresAt | Should -BeGreaterThan $before.AddSeconds(-1)
        $session.ExpiresAt | Should -BeLessOrEqual (Get-Date).AddSeconds(3)
    }

    It 'fails with HubUnauthorized (AuthenticationError) when it was signed in with a typed 2FA code' {
        $session = Connect-HubAccount -Credential $typed.Credential -OneTimePassword '777777' -HubUri $shortLived.Url -PassThru
        Start-Sleep -Seconds 3
        Clear-HubRequestLog -HubUri $shortLived.Url

        $err = Get-TerminatingError { Get-HubAccessToken -Session $session -ErrorAction Continue }

        $err.FullyQualifiedErrorId | Should -BeLike 'HubUnauthorized,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'Connect-HubAccount'
        @(Get-HubRequestLog -HubUri $shortLived.Url | Where-Object path -EQ '/v2/access-tokens').status | Should -Not -Contain 200
    }

    It 'signs in again by itself when it was signed in with the password alone' {
        Add-TestToken -Username $plain.Username -Count 1 -LabelPrefix 'renewed-' -HubUri $shortLived.Url | Out-Null
        $session = Connect-HubAccount -Credential $plain.Credential -HubUri $shortLived.Url -PassThru
        Start-Sleep -Seconds 3
        Clear-HubRequestLog -HubUri $shortLived.Url

        @(Get-HubAccessToken -Session $session).Label | Should -Be @('renewed-0001')
        $log = @(Get-HubRequestLog -HubUri $shortLived.Url)
        @($log | Where-Object path -EQ '/v2/users/login').status | Should -Be @(200)
        $log[-1].path | Should -Be '/v2/access-tokens'
        $log[-1].status | Should -Be 200
    }
}

Describe 'Disconnect-HubAccount' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'discon'
        $other = New-TestAccount -Prefix 'disother'
        $someId = [guid]::NewGuid()
    }

    It 'forgets the current session: Get-HubAccessToken then fails with HubNotConnected and sends nothing' {
        Connect-TestAccount $account
        @(Get-HubAccessToken).Count | Should -Be 0
        Disconnect-HubAccount
        Clear-HubRequestLog

        $err = Get-TerminatingError { Get-HubAccessToken -ErrorAction Continue }

        $err.FullyQualifiedErrorId | Should -BeLike 'HubNotConnected,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err.Exception.Message | Should -Match 'Connect-HubAccount'
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It '<Name> also fails with HubNotConnected' -ForEach @(
        @{ Name = 'New-HubAccessToken'; Action = { New-HubAccessToken -Label 'x' -NoVault } }
        @{ Name = 'Get-HubAccessToken -Id'; Action = { Get-HubAccessToken -Id $someId } }
        @{ Name = 'Rename-HubAccessToken'; Action = { Rename-HubAccessToken -Id $someId -NewLabel 'y' } }
        @{ Name = 'Enable-HubAccessToken'; Action = { Enable-HubAccessToken -Id $someId } }
        @{ Name = 'Disable-HubAccessToken'; Action = { Disable-HubAccessToken -Id $someId } }
        @{ Name = 'Remove-HubAccessToken'; Action = { Remove-HubAccessToken -Id $someId -Force } }
    ) {
        Disconnect-HubAccount
        Clear-HubRequestLog
        $err = Get-TerminatingError $Action
        $err.FullyQualifiedErrorId | Should -BeLike 'HubNotConnected,*'
        $err.CategoryInfo.Category | Should -Be 'AuthenticationError'
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'does nothing when there is no session' {
        Disconnect-HubAccount
        { Disconnect-HubAccount -ErrorAction Stop } | Should -Not -Throw
        (Get-TerminatingError { Get-HubAccessToken }).FullyQualifiedErrorId | Should -BeLike 'HubNotConnected,*'
    }

    It 'with -Session leaves the current session alone when the given one is not current' {
        $old = Connect-TestAccount $other -With @{ PassThru = $true }
        Add-TestToken -Username $account.Username -Count 1 -LabelPrefix 'still-' | Out-Null
        Connect-TestAccount $account
        Disconnect-HubAccount -Session $old
        @(Get-HubAccessToken).Label | Should -Be @('still-0001')

        # Piping the current session forgets it.
        $current = Connect-TestAccount $account -With @{ PassThru = $true }
        $current | Disconnect-HubAccount
        (Get-TerminatingError { Get-HubAccessToken }).FullyQualifiedErrorId | Should -BeLike 'HubNotConnected,*'
    }

    It 'closes the connections of the session it forgets, yet that session still works from a variable' {
        Add-TestToken -Username $other.Username -Count 1 -LabelPrefix 'kept-' | Out-Null
        $kept = Connect-TestAccount $other -With @{ PassThru = $true }
        @(Get-HubAccessToken).Label | Should -Be @('kept-0001')
        # Replacing the current session closes its connections, and so does forgetting the new one.
        Connect-TestAccount $account
        Disconnect-HubAccount
        Clear-HubRequestLog

        @(Get-HubAccessToken -Session $kept).Label | Should -Be @('kept-0001')
        @(Get-HubRequestLog).Count | Should -Be 1
    }
}
