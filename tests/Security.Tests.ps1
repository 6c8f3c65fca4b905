# Secret hygiene: a verbose, debug, transcribed session in a fresh pwsh (sign-in with a password,
# a typed 2FA code and a TOTP seed; create, list, get, rename, disable, enable, remove; a refused
# sign-in, a sign-in and a create whose answers were lost) must leave no password, JWT, 2FA code,
# TOTP seed or token secret in the transcript, in any stream, in the formatted output objects or
# in the formatted errors. Also: the error records the module emits must not carry a password or
# a JWT anywhere in their object graph, where ConvertTo-Json/Export-Clixml of $Error would find it.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $ErrorActionPreference = 'Continue'
    $script:DefaultSettings = Invoke-Emulator -Path '/_emulator/settings'
    $script:JwtPattern = 'eyJ[\w-]+\.[\w-]+\.[\w-]+'
    $script:PatPattern = 'dckr_pat_[\w-]+'

    function Reset-EmulatorFaults {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body $script:DefaultSettings | Out-Null
    }

    function Get-TotpCode {
        # RFC 6238 (HMAC-SHA1, 6 digits, 30 s) for one time step, so the test knows every code the module could have sent.
        param([Parameter(Mandatory)][string] $Seed, [Parameter(Mandatory)][long] $Step)
        $alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
        $bits = -join ($Seed.TrimEnd('=').ToUpperInvariant().ToCharArray() | ForEach-Object { [Convert]::ToString($alphabet.IndexOf($_), 2).PadLeft(5, '0') })
        $key = [byte[]]@(for ($i = 0; $i + 8 -le $bits.Length; $i += 8) { [Convert]::ToByte($bits.Substring($i, 8), 2) })
        $counter = [BitConverter]::GetBytes([long]$Step)
        if ([BitConverter]::IsLittleEndian) { [Array]::Reverse($counter) }
        $hash = [Security.Cryptography.HMACSHA1]::new($key).ComputeHash($counter)
        $offset = $hash[-1] -band 0x0F
        $binary = (($hash[$offset] -band 0x7F) -shl 24) -bor ($hash[$offset + 1] -shl 16) -bor ($hash[$offset + 2] -shl 8) -bor $hash[$offset + 3]
        ($binary % 1000000).ToString('D6')
    }

    function Get-ReachableString {
        # Every string reachable from an object through public properties and collections, to a
        # depth, with each object's ToString() too: what ConvertTo-Json -Depth N writes (it turns an
        # object at the depth limit into its ToString()), or what a user sees by expanding properties.
        param($InputObject, [int] $Depth = 6, [Collections.Generic.HashSet[object]] $Seen = [Collections.Generic.HashSet[object]]::new([Collections.Generic.ReferenceEqualityComparer]::Instance))
        if ($null -eq $InputObject -or $Depth -lt 0) { return }
        if ($InputObject -is [string]) { return $InputObject }
        $type = $InputObject.GetType()
        if ($type.IsPrimitive -or $type.IsEnum -or $InputObject -is [decimal] -or $InputObject -is [datetime] -or
            $InputObject -is [datetimeoffset] -or $InputObject -is [timespan] -or $InputObject -is [guid] -or
            $InputObject -is [Reflection.MemberInfo] -or $InputObject -is [Reflection.Assembly] -or $InputObject -is [Reflection.Module] -or
            $InputObject -is [Security.SecureString] -or $InputObject -is [Type] -or $InputObject -is [Threading.Tasks.Task] -or
            $InputObject -is [Management.Automation.InvocationInfo] -or $InputObject -is [Management.Automation.CommandInfo] -or
            $InputObject -is [Management.Automation.Language.IScriptExtent]) { return }
        if (-not $type.IsValueType -and -not $Seen.Add($InputObject)) { return }
        try { $InputObject.ToString() } catch { }
        if ($InputObject -is [Collections.IDictionary]) {
            foreach ($key in @($InputObject.Keys)) {
                Get-ReachableString $key ($Depth - 1) $Seen
                Get-ReachableString $InputObject[$key] ($Depth - 1) $Seen
            }
            return
        }
        if ($InputObject -is [Collections.IEnumerable]) {
            $n = 0
            foreach ($item in $InputObject) {
                if (++$n -gt 200) { break }
                Get-ReachableString $item ($Depth - 1) $Seen
            }
            return
        }
        foreach ($property in $type.GetProperties([Reflection.BindingFlags]'Public, Instance')) {
            if ($property.GetIndexParameters().Count -gt 0) { continue }
            try { $value = $property.GetValue($InputObject) } catch { continue }
            Get-ReachableString $value ($Depth - 1) $Seen
        }
    }

    function Get-SessionJwt {
        # The JWT a session holds, read by reflection (it is internal on purpose).
        param([Parameter(Mandatory)] $Session)
        $flags = [Reflection.BindingFlags]'NonPublic, Instance'
        $type = $Session.GetType()
        @($type.GetFields($flags) | ForEach-Object { $_.GetValue($Session) }) |
            Where-Object { $_ -is [string] -and $_ -match "^$script:JwtPattern$" } | Select-Object -First 1
    }
}

AfterAll {
    Reset-EmulatorFaults
    Disconnect-HubAccount
}

Describe 'A transcribed verbose/debug session in a fresh pwsh shows no secret' {
    BeforeAll {
        $script:Seed = 'KRSXG5CTMVRXEZLUKNSWKZDT'
        $script:OtpCode = '864209'
        $script:PasswordAccount = New-TestAccount -Prefix 'secpw'
        $script:TotpAccount = New-TestAccount -Prefix 'sectotp' -TotpSecret $script:Seed
        $script:OtpAccount = New-TestAccount -Prefix 'secotp' -OtpCode $script:OtpCode
        $script:WrongPassword = 'wrong-' + [guid]::NewGuid().ToString('N')
        $script:TranscriptPath = Join-Path $TestDrive 'transcript.txt'
        $startStep = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() / 30

        $script:Run = Invoke-InFreshPwsh -TimeoutSeconds 300 -ArgumentList @(
            $script:Hub, $script:TranscriptPath,
            $script:PasswordAccount.Username, $script:PasswordAccount.Password,
            $script:TotpAccount.Username, $script:TotpAccount.Password, $script:Seed,
            $script:OtpAccount.Username, $script:OtpAccount.Password, $script:OtpCode,
            $script:WrongPassword
        ) {
            param($Hub, $TranscriptPath, $User, $Password, $TotpUser, $TotpPassword, $Seed, $OtpUser, $OtpPassword, $OtpCode, $WrongPassword)
            # The runner calls this inside try/catch, where a terminating error would end the whole
            # block; the sign-ins that must fail are wrapped so their records join the others.
            $ErrorActionPreference = 'Continue'
            $VerbosePreference = 'Continue'
            $DebugPreference = 'Continue'
            $InformationPreference = 'Continue'
            $PSDefaultParameterValues['*-Hub*:Verbose'] = $true
            $PSDefaultParameterValues['*-Hub*:Debug'] = $true

            function New-Credential([string] $Name, [string] $Secret) {
                [pscredential]::new($Name, (ConvertTo-SecureString $Secret -AsPlainText -Force))
            }
            function Set-Fault([hashtable] $Spec) {
                Invoke-RestMethod -Method Post -Uri "$Hub/_emulator/faults" -Body ($Spec | ConvertTo-Json) -ContentType 'application/json' -Verbose:$false -Debug:$false | Out-Null
            }
            function Clear-Fault {
                Invoke-RestMethod -Method Delete -Uri "$Hub/_emulator/faults" -Verbose:$false -Debug:$false | Out-Null
            }

            Start-Transcript -LiteralPath $TranscriptPath -IncludeInvocationHeader | Out-Null
            $records = [Collections.Generic.List[object]]::new()
            & {
                Connect-HubAccount -Credential (New-Credential $TotpUser $TotpPassword) -HubUri $Hub -PassThru -TotpSecret (ConvertTo-SecureString $Seed -AsPlainText -Force)
                Get-HubAccessToken
                Connect-HubAccount -Credential (New-Credential $OtpUser $OtpPassword) -HubUri $Hub -PassThru -OneTimePassword $OtpCode
                Get-HubAccessToken
                Connect-HubAccount -Credential (New-Credential $User $Password) -HubUri $Hub -PassThru
                $a = New-HubAccessToken -Label 'hygiene-a' -Scope 'repo:read' -NoVault
                $a
                $b = New-HubAccessToken -Label 'hygiene-b' -NoVault -ExpiresIn ([TimeSpan]::FromDays(1))
                $b
                Get-HubAccessToken
                Get-HubAccessToken -Id $a.Id
                Rename-HubAccessToken -Id $a.Id -NewLabel 'hygiene-a2' -PassThru
                Disable-HubAccessToken -Id $a.Id, $b.Id -PassThru
                Enable-HubAccessToken -Id $a.Id -PassThru
                Remove-HubAccessToken -Id $a.Id, $b.Id -Force
                # A refused sign-in (wrong password).
                try { Connect-HubAccount -Credential (New-Credential $User $WrongPassword) -HubUri $Hub } catch { $_ }
                # A sign-in that got no answer.
                Set-Fault @{ method = 'POST'; path = '/v2/users/login'; kind = 'drop_before' }
                try { Connect-HubAccount -Credential (New-Credential $User $Password) -HubUri $Hub -MaximumRetryCount 0 } catch { $_ }
                Clear-Fault
                # A create whose answer was lost after Hub made the token (its secret was in that answer).
                Set-Fault @{ method = 'POST'; path = '/v2/access-tokens'; kind = 'drop_after' }
                New-HubAccessToken -Label 'hygiene-lost' -NoVault
                Clear-Fault
                # A create whose answer was cut in half (it did carry the secret).
                Set-Fault @{ method = 'POST'; path = '/v2/access-tokens'; kind = 'truncated_json' }
                New-HubAccessToken -Label 'hygiene-cut' -NoVault
                Clear-Fault
            } *>&1 | ForEach-Object { $records.Add($_) }

            # What a user would see or paste: every record as the host shows it, every object in full,
            # every error in full (Get-Error too). It all goes to the host as well, so into the transcript.
            $text = [Text.StringBuilder]::new()
            foreach ($record in $records) {
                [void]$text.AppendLine(($record | Out-String))
                if ($record -is [Management.Automation.ErrorRecord]) {
                    [void]$text.AppendLine(($record | Format-List * -Force | Out-String))
                    [void]$text.AppendLine(($record.Exception | Format-List * -Force | Out-String))
                    [void]$text.AppendLine(($record | Get-Error | Out-String))
                    [void]$text.AppendLine($record.Exception.ToString())
                }
                elseif ($record -isnot [Management.Automation.InformationalRecord]) {
                    [void]$text.AppendLine(($record | Format-List * -Force | Out-String))
                    [void]$text.AppendLine($record.ToString())
                }
            }
            $text.ToString() | Out-Host

            # And as a user at the console sees it: records straight to the host, as the transcript shows them.
            $hostTokens = [Collections.Generic.List[object]]::new()
            & {
                Connect-HubAccount -Credential (New-Credential $TotpUser $TotpPassword) -HubUri $Hub -TotpSecret (ConvertTo-SecureString $Seed -AsPlainText -Force) -PassThru |
                    Format-List *
                $c = New-HubAccessToken -Label 'hygiene-host' -NoVault
                $hostTokens.Add($c)
                $c
                $c | Format-List *
                Get-HubAccessToken -Label 'hygiene-*'
                Remove-HubAccessToken -Id $c.Id -Force
            } *>&1 | Out-Host
            Stop-Transcript | Out-Null

            $sessions = @($records | Where-Object { $_ -is [DockerHubPat.HubSession] })
            $flags = [Reflection.BindingFlags]'NonPublic, Instance'
            $jwts = @(foreach ($s in $sessions) {
                    $s.GetType().GetFields($flags) | ForEach-Object { $_.GetValue($s) } |
                        Where-Object { $_ -is [string] -and $_ -match '^eyJ[\w-]+\.[\w-]+\.[\w-]+$' }
                })
            $tokens = @(@($records) + @($hostTokens) | Where-Object { $_ -is [DockerHubPat.HubAccessToken] -and $_.Secret })
            [pscustomobject]@{
                Text             = $text.ToString()
                Kinds            = @($records | ForEach-Object { $_.GetType().Name })
                ErrorIds         = @($records | Where-Object { $_ -is [Management.Automation.ErrorRecord] } | ForEach-Object FullyQualifiedErrorId)
                Sessions         = $sessions.Count
                SessionText      = @($sessions | ForEach-Object { $_.PSObject.Properties | ForEach-Object { "$($_.Name)=$($_.Value)" } }) -join "`n"
                SessionJson      = @($sessions | ForEach-Object { $_ | ConvertTo-Json -Depth 3 -WarningAction SilentlyContinue }) -join "`n"
                Jwts             = [string[]]$jwts
                Secrets          = [string[]]@($tokens | ForEach-Object { [Net.NetworkCredential]::new('', $_.Secret).Password })
            }
        }
        $script:EndStep = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds() / 30
        $script:StartStep = $startStep
        $script:Result = $script:Run.Output | Where-Object { $_.PSObject.Properties['Text'] } | Select-Object -First 1
        $script:Transcript = if (Test-Path -LiteralPath $script:TranscriptPath) { Get-Content -Raw -LiteralPath $script:TranscriptPath } else { '' }
        # Everything the checks below search.
        $script:Haystacks = [ordered]@{
            transcript = $script:Transcript
            streams    = "$($script:Result.Text)"
            stdout     = "$($script:Run.StdOut)`n$($script:Run.StdErr)"
        }

        function Assert-Absent {
            param([Parameter(Mandatory)][string] $Pattern, [Parameter(Mandatory)][string] $What)
            foreach ($name in $script:Haystacks.Keys) {
                $match = [regex]::Match($script:Haystacks[$name], $Pattern)
                $match.Success | Should -BeFalse -Because "the $What must not appear in the $name (found at offset $($match.Index))"
            }
        }
    }

    AfterAll {
        Reset-EmulatorFaults
    }

    It 'ran every step, so the absence checks below mean something' {
        $script:Run.Terminated | Should -BeFalse
        $script:Result | Should -Not -BeNullOrEmpty
        $script:Result.Sessions | Should -Be 3
        $script:Result.Secrets | ForEach-Object { $_ | Should -Match "^$script:PatPattern$" }
        $script:Result.Jwts.Count | Should -BeGreaterOrEqual 3
        $script:Result.ErrorIds | Should -Contain 'HubSignInFailed,DockerHubPat.Commands.ConnectHubAccountCommand'
        $script:Result.ErrorIds | Should -Contain 'HubUnavailable,DockerHubPat.Commands.ConnectHubAccountCommand'
        $script:Result.ErrorIds | Should -Contain 'AccessTokenCreateUnconfirmed,DockerHubPat.Commands.NewHubAccessTokenCommand'
        $script:Result.Kinds | Should -Contain 'VerboseRecord'
        $script:Transcript | Should -Match 'hygiene-a2' -Because 'the transcript recorded the session'
        $script:Transcript | Should -Match 'Signing in to .* as ' -Because 'verbose messages are in the transcript'
        $script:Run.StdOut | Should -Match 'VERBOSE: ' -Because 'verbose messages went straight to the host too'
        $script:Transcript | Should -Match 'hygiene-host'
        $script:Result.Secrets.Count | Should -Be 3
    }

    It 'shows no account password' {
        foreach ($password in $script:PasswordAccount.Password, $script:TotpAccount.Password, $script:OtpAccount.Password, $script:WrongPassword) {
            Assert-Absent ([regex]::Escape($password)) 'password'
        }
    }

    It 'shows no JWT (neither the sessions'' own nor anything JWT-shaped)' {
        foreach ($jwt in $script:Result.Jwts) {
            Assert-Absent ([regex]::Escape($jwt)) 'session JWT'
            # The signature alone would do to recognise a leak that was cut or reformatted.
            Assert-Absent ([regex]::Escape($jwt.Split('.')[2])) 'JWT signature'
        }
        Assert-Absent $script:JwtPattern 'JWT-shaped string'
    }

    It 'shows no 2FA code (the typed one or any TOTP code of the run)' {
        Assert-Absent "(?<!\d)$($script:OtpCode)(?!\d)" 'typed 2FA code'
        foreach ($step in ([long][math]::Floor($script:StartStep) - 1)..([long][math]::Floor($script:EndStep) + 1)) {
            Assert-Absent "(?<![\d.:-])$(Get-TotpCode $script:Seed $step)(?![\d.:-])" 'TOTP code'
        }
    }

    It 'shows no TOTP seed' {
        Assert-Absent ([regex]::Escape($script:Seed)) 'TOTP seed'
    }

    It 'shows no token secret' {
        foreach ($secret in $script:Result.Secrets) {
            Assert-Absent ([regex]::Escape($secret)) 'token secret'
        }
        Assert-Absent $script:PatPattern 'dckr_pat_ secret'
    }

    It 'the session object (Connect-HubAccount -PassThru) has no property holding the JWT' {
        $script:Result.SessionText | Should -Not -BeNullOrEmpty
        $script:Result.SessionText | Should -Not -Match $script:JwtPattern
        $script:Result.SessionJson | Should -Not -Match $script:JwtPattern
        foreach ($jwt in $script:Result.Jwts) {
            $script:Result.SessionText.Contains($jwt) | Should -BeFalse
            $script:Result.SessionJson.Contains($jwt) | Should -BeFalse
        }
    }
}

Describe 'Error records carry no secret in their object graph' {
    BeforeAll {
        $script:Account = New-TestAccount -Prefix 'secgraph'
    }

    AfterEach {
        Reset-EmulatorFaults
        Disconnect-HubAccount
    }

    It 'a sign-in that got no answer: the error holds no password' {
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body @{ method = 'POST'; path = '/v2/users/login'; kind = 'drop_before' } | Out-Null
        $record = $null
        try { Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub -MaximumRetryCount 0 }
        catch { $record = $_ }

        $record.FullyQualifiedErrorId | Should -BeLike 'HubUnavailable,*'
        $strings = @(Get-ReachableString $record)
        $strings.Count | Should -BeGreaterThan 0
        ($strings -join "`n").Contains($script:Account.Password) | Should -BeFalse -Because '$Error[0] | ConvertTo-Json -Depth 3 in a runbook''s catch block would write it to a log'
    }

    It 'a renewal sign-in that got no answer: the error holds no password' {
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body @{ jwt_lifetime_seconds = 3 } | Out-Null
        Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub -MaximumRetryCount 0
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body @{ method = 'POST'; path = '/v2/users/login'; kind = 'drop_before' } | Out-Null
        # Past the session's expiry, so the next request must sign in again.
        Start-Sleep -Seconds 4

        $record = @(Get-HubAccessToken 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] })[0]

        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -BeLike 'HubUnavailable,*'
        (@(Get-ReachableString $record) -join "`n").Contains($script:Account.Password) | Should -BeFalse -Because 'the password kept for renewal must not end up in an error record'
    }

    It 'a create whose answer was lost: the error holds no JWT' {
        $session = Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub -PassThru
        $jwt = Get-SessionJwt $session
        $jwt | Should -Not -BeNullOrEmpty
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body @{ method = 'POST'; path = '/v2/access-tokens'; kind = 'drop_after' } | Out-Null

        $record = @(New-HubAccessToken -Label 'graph-lost' -NoVault 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] })[0]

        $record.FullyQualifiedErrorId | Should -BeLike 'AccessTokenCreateUnconfirmed,*'
        $text = @(Get-ReachableString $record) -join "`n"
        $text.Contains($jwt) | Should -BeFalse -Because '$Error[0] | ConvertTo-Json -Depth 5 would write the session token to a log'
        $text | Should -Not -Match $script:JwtPattern
    }

    It 'a list that got no answer: the error holds no JWT' {
        $session = Connect-HubAccount -Credential $script:Account.Credential -HubUri $script:Hub -PassThru -MaximumRetryCount 0
        $jwt = Get-SessionJwt $session
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body @{ method = 'GET'; path = '/v2/access-tokens'; kind = 'drop_before'; count = 0 } | Out-Null

        $record = @(Get-HubAccessToken 2>&1 | Where-Object { $_ -is [Management.Automation.ErrorRecord] })[0]

        $record.FullyQualifiedErrorId | Should -BeLike 'HubUnavailable,*'
        (@(Get-ReachableString $record) -join "`n").Contains($jwt) | Should -BeFalse -Because '$Error[0] | ConvertTo-Json -Depth 3 would write the session token to a log'
    }
}
