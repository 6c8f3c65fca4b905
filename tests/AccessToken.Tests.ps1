# The token cmdlets one by one against the Hub emulator: Get-, New-, Rename-, Enable-, Disable- and
# Remove-HubAccessToken. Each assertion is checked against what the emulator really holds
# (Get-ServerToken) or what it was asked (the request log), not only against the cmdlet's output.
# Every Describe uses its own accounts; the request log is global, so tests clear it right before
# the action they measure. New-HubAccessToken always runs with -NoVault here (no vault is
# registered in this process; the vault behaviour has its own tests).

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')

    function Get-WhatIfLine {
        param([string] $Text)
        @($Text -split '\r?\n' | Where-Object { $_ -like 'What if:*' })
    }

    function ConvertTo-UtcTime {
        # Server times arrive as UTC DateTimes (Invoke-RestMethod) or RFC 3339 strings.
        param($Value)
        if ($null -eq $Value) { return $null }
        if ($Value -is [datetime]) { return $Value.ToUniversalTime() }
        [DateTimeOffset]::Parse($Value, [Globalization.CultureInfo]::InvariantCulture).UtcDateTime
    }

    function ConvertFrom-SecretString {
        param([Parameter(Mandatory)][securestring] $Secret)
        [pscredential]::new('x', $Secret).GetNetworkCredential().Password
    }

    function Get-ServerTokenById {
        param([Parameter(Mandatory)] $Account, [Parameter(Mandatory)] $Id)
        Get-ServerToken -Username $Account.Username | Where-Object uuid -EQ "$Id"
    }
}

AfterAll {
    Disconnect-HubAccount
}

Describe 'Get-HubAccessToken' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'get'
        Add-TestToken -Username $account.Username -Token @(
            @{ token_label = 'ci-build'; scopes = @('repo:read') }
            @{ token_label = 'ci-deploy'; scopes = @('repo:write') }
            @{ token_label = 'laptop'; scopes = @('repo:admin') }
            @{ token_label = 'build[1]'; scopes = @('repo:read') }
            @{ token_label = 'legacy'; scopes = $null; is_active = $false; created_at = '2020-01-01T00:00:00Z' }
            @{
                token_label = 'full'; scopes = @('repo:write', 'repo:read'); is_active = $false
                last_used = '2024-05-01T10:00:00.123456Z'; expires_at = '2031-02-03T04:05:06Z'
                created_at = '2021-06-07T08:09:10.5Z'; client_id = 'CLI'; creator_ip = '203.0.113.7'
                creator_ua = 'docker/27.0 (linux)'; generated_by = 'sso'
            }
        ) | Out-Null
        $server = @(Get-ServerToken -Username $account.Username)
        $byLabel = @{}
        foreach ($t in $server) { $byLabel[$t.token_label] = $t }
        Connect-TestAccount $account
    }

    Context 'without parameters' {
        It "outputs every token of the account, and only those" {
            $tokens = @(Get-HubAccessToken)
            $tokens.Count | Should -Be 6
            $tokens | ForEach-Object { $_ | Should -BeOfType ([DockerHubPat.HubAccessToken]) }
            @($tokens.Id | ForEach-Object Guid | Sort-Object) | Should -Be @($server.uuid | Sort-Object)
            $tokens.Username | Sort-Object -Unique | Should -Be $account.Username
        }

        It 'never outputs a secret' {
            foreach ($token in Get-HubAccessToken) {
                $token.Secret | Should -BeNullOrEmpty
                $token.Vault | Should -BeNullOrEmpty
                $token.SecretName | Should -BeNullOrEmpty
            }
        }
    }

    Context '-Label' {
        It 'gets a token by its literal label' {
            $tokens = @(Get-HubAccessToken -Label 'laptop')
            $tokens.Count | Should -Be 1
            $tokens[0].Id | Should -Be $byLabel['laptop'].uuid
        }

        It 'gets the label by position and ignores case' {
            @(Get-HubAccessToken 'LAPTOP').Label | Should -Be @('laptop')
        }

        It 'gets every token matching a wildcard' {
            @(Get-HubAccessToken -Label 'ci-*').Label | Sort-Object | Should -Be @('ci-build', 'ci-deploy')
        }

        It 'combines several labels, literal and wildcard' {
            @(Get-HubAccessToken -Label 'ci-*', 'laptop').Label | Sort-Object | Should -Be @('ci-build', 'ci-deploy', 'laptop')
        }

        It 'writes a non-terminating AccessTokenNotFound for a literal label that matches nothing, and still outputs the others' {
            $reached = $false
            $result = Split-Result @(Get-HubAccessToken -Label 'no-such-label', 'laptop' -ErrorAction Continue 2>&1)
            $reached = $true

            $reached | Should -BeTrue
            $result.Output.Label | Should -Be @('laptop')
            $result.Errors.Count | Should -Be 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $result.Errors[0].TargetObject | Should -Be 'no-such-label'
            "$($result.Errors[0])" | Should -Match 'no-such-label'
        }

        It 'matches wildcard characters in a label literally when they are escaped' {
            @(Get-HubAccessToken -Label 'build`[1`]').Label | Should -Be @('build[1]')
            @(Get-HubAccessToken -Label 'build[1]').Count | Should -Be 0 -Because "unescaped, [1] is a character class matching 'build1'"
        }

        It 'outputs nothing and writes no error for a wildcard that matches nothing' {
            $all = @(Get-HubAccessToken -Label 'nothing-*' -ErrorAction Continue 2>&1)
            $all.Count | Should -Be 0
        }
    }

    Context '-Id' {
        It 'gets several tokens by id; an unknown id writes one non-terminating error and the others are still output' {
            $unknown = [guid]::NewGuid()
            $ids = @($byLabel['laptop'].uuid, $unknown, $byLabel['ci-build'].uuid)
            Clear-HubRequestLog

            $reached = $false
            $result = Split-Result @(Get-HubAccessToken -Id $ids -ErrorAction Continue 2>&1)
            $reached = $true

            $reached | Should -BeTrue
            $result.Output.Label | Should -Be @('laptop', 'ci-build')
            $result.Errors.Count | Should -Be 1
            $err = $result.Errors[0]
            $err.FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
            $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err.TargetObject | Should -Be $unknown
            "$err" | Should -Match $unknown
            $log = @(Get-HubRequestLog -Path '/v2/access-tokens*')
            $log.path | Should -Be @($ids | ForEach-Object { "/v2/access-tokens/$_" })
            $log.status | Should -Be @(200, 404, 200)
        }

        It 'accepts the id as <Kind>' -ForEach @(
            @{ Kind = 'text'; Make = { param($t) "$($t.Id)" } }
            @{ Kind = 'a Guid'; Make = { param($t) [guid]$t.Id } }
            @{ Kind = 'a token object'; Make = { param($t) $t } }
            @{ Kind = 'text with spaces'; Make = { param($t) " $($t.Id) " } }
        ) {
            $token = Get-HubAccessToken -Label 'laptop'
            (Get-HubAccessToken -Id (& $Make $token)).Label | Should -Be 'laptop'
        }

        It 'refuses text that is not a token id before any request' {
            Clear-HubRequestLog
            $err = Get-TerminatingError { Get-HubAccessToken -Id 'nope' }
            $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
            $err.Exception.Message | Should -Match 'not an access token id'
            @(Get-HubRequestLog).Count | Should -Be 0
        }
    }

    Context 'the output object' {
        It 'maps every field Hub sends' {
            $expected = $byLabel['full']
            $token = Get-HubAccessToken -Label 'full'

            $token.Id | Should -Be ([guid]$expected.uuid)
            $token.Label | Should -BeExactly 'full'
            $token.Scopes | Should -Be @($expected.scopes)
            $token.IsActive | Should -BeFalse
            $token.CreatedAt.Kind | Should -Be 'Local'
            $token.CreatedAt.ToUniversalTime() | Should -Be (ConvertTo-UtcTime '2021-06-07T08:09:10.5Z')
            $token.LastUsedAt.Kind | Should -Be 'Local'
            $token.LastUsedAt.ToUniversalTime() | Should -Be (ConvertTo-UtcTime '2024-05-01T10:00:00.123456Z')
            $token.ExpiresAt.Kind | Should -Be 'Local'
            $token.ExpiresAt.ToUniversalTime() | Should -Be (ConvertTo-UtcTime '2031-02-03T04:05:06Z')
            $token.CreatorIp | Should -BeExactly '203.0.113.7'
            $token.CreatorUserAgent | Should -BeExactly 'docker/27.0 (linux)'
            $token.GeneratedBy | Should -BeExactly 'sso'
            $token.ClientId | Should -BeExactly 'CLI'
            $token.Username | Should -BeExactly $account.Username
            $token.Secret | Should -BeNullOrEmpty
            $token.ToString() | Should -Be "full ($($expected.uuid))"
        }

        It 'has an empty Scopes list when Hub sends no scopes' {
            $byLabel['legacy'].PSObject.Properties['scopes'] | Should -BeNullOrEmpty -Because 'the emulator omits scopes for this token'
            $token = Get-HubAccessToken -Label 'legacy'
            , $token.Scopes | Should -BeOfType ([DockerHubPat.ScopeList])
            $token.Scopes.Count | Should -Be 0
            $token.IsActive | Should -BeFalse
        }

        It 'has LastUsedAt null for a token never used' {
            $byLabel['ci-build'].last_used | Should -BeNullOrEmpty
            (Get-HubAccessToken -Label 'ci-build').LastUsedAt | Should -BeNullOrEmpty
        }

        It 'has ExpiresAt null for a token without expiry' {
            $byLabel['ci-build'].PSObject.Properties['expires_at'] | Should -BeNullOrEmpty
            (Get-HubAccessToken -Label 'ci-build').ExpiresAt | Should -BeNullOrEmpty
        }

        It 'maps the fields Hub fills in itself for tokens it creates' {
            $token = Get-HubAccessToken -Label 'ci-deploy'
            $expected = $byLabel['ci-deploy']
            $token.ClientId | Should -BeExactly $expected.client_id
            $token.GeneratedBy | Should -BeExactly $expected.generated_by
            $token.IsActive | Should -BeTrue
            $token.CreatedAt.ToUniversalTime() | Should -Be (ConvertTo-UtcTime $expected.created_at)
        }
    }

    Context 'paging' {
        BeforeAll {
            $many = New-TestAccount -Prefix 'getpages'
            Add-TestToken -Username $many.Username -Count 260 -LabelPrefix 'page-' | Out-Null
            $manySession = Connect-HubAccount -Credential $many.Credential -HubUri $script:Hub -PassThru
        }

        It 'reads all 260 tokens in exactly 3 requests of 100' {
            Clear-HubRequestLog
            $tokens = @(Get-HubAccessToken -Session $manySession)

            $tokens.Count | Should -Be 260
            @($tokens.Id | Sort-Object -Unique).Count | Should -Be 260
            @($tokens.Id | ForEach-Object Guid | Sort-Object) |
                Should -Be @(Get-ServerToken -Username $many.Username | ForEach-Object uuid | Sort-Object)
            $log = @(Get-HubRequestLog -Path '/v2/access-tokens*')
            $log.Count | Should -Be 3
            foreach ($entry in $log) {
                $entry.method | Should -Be 'GET'
                $entry.path | Should -Be '/v2/access-tokens'
                $entry.status | Should -Be 200
                $entry.query | Should -Match '(^|&)page_size=100(&|$)'
            }
            @($log | ForEach-Object { if ($_.query -match '(^|&)page=(\d+)') { [int]$Matches[2] } }) | Should -Be @(1, 2, 3)
        }

        It 'reads every page even when a label filter matches only on the last one' {
            Clear-HubRequestLog
            @(Get-HubAccessToken -Session $manySession -Label 'page-0260').Label | Should -Be @('page-0260')
            @(Get-HubRequestLog -Path '/v2/access-tokens').Count | Should -Be 3
        }
    }
}

Describe 'New-HubAccessToken' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'new'
        Connect-TestAccount $account
    }

    Context 'creating' {
        It 'creates a token with the default scope repo:public_read, active and never expiring' {
            Clear-HubRequestLog
            $token = New-HubAccessToken -Label 'default-scope' -NoVault

            $log = @(Get-HubRequestLog)
            $log.Count | Should -Be 1
            $log[0].method | Should -Be 'POST'
            $log[0].path | Should -Be '/v2/access-tokens'
            $log[0].status | Should -Be 201
            $server = Get-ServerTokenById $account $token.Id
            $server.token_label | Should -BeExactly 'default-scope'
            $server.scopes | Should -Be @('repo:public_read')
            $server.is_active | Should -BeTrue
            $server.PSObject.Properties['expires_at'] | Should -BeNullOrEmpty
            $token.Label | Should -BeExactly 'default-scope'
            $token.Scopes | Should -Be @('repo:public_read')
            $token.IsActive | Should -BeTrue
            $token.ExpiresAt | Should -BeNullOrEmpty
            $token.Username | Should -Be $account.Username
            $token.Vault | Should -BeNullOrEmpty
            $token.SecretName | Should -BeNullOrEmpty
        }

        It 'creates a token with several scopes' {
            $token = New-HubAccessToken -Label 'two-scopes' -Scope 'repo:read', 'repo:write' -NoVault
            $server = Get-ServerTokenById $account $token.Id
            @($server.scopes | Sort-Object) | Should -Be @('repo:read', 'repo:write')
            @($token.Scopes | Sort-Object) | Should -Be @('repo:read', 'repo:write')
        }

        It "sends Hub's spelling of a scope typed in another case" {
            $token = New-HubAccessToken -Label 'upper-scope' -Scope 'REPO:Admin' -NoVault
            (Get-ServerTokenById $account $token.Id).scopes | Should -BeExactly @('repo:admin')
        }

        It 'accepts a label of exactly 100 characters' {
            $label = 'x' * 100
            $token = New-HubAccessToken -Label $label -NoVault
            (Get-ServerTokenById $account $token.Id).token_label | Should -BeExactly $label
        }

        It 'creates one token per piped label' {
            $made = @('piped-a', 'piped-b' | New-HubAccessToken -NoVault)
            $made.Label | Should -Be @('piped-a', 'piped-b')
            $server = @(Get-ServerToken -Username $account.Username)
            $server.token_label | Should -Contain 'piped-a'
            $server.token_label | Should -Contain 'piped-b'
        }
    }

    Context 'expiry' {
        It '-ExpiresAt (<Kind> time) sets expires_at on the server' -ForEach @(
            @{ Kind = 'local'; Make = { (Get-Date).AddDays(30) } }
            @{ Kind = 'UTC'; Make = { [datetime]::UtcNow.AddDays(45) } }
        ) {
            $at = & $Make
            $token = New-HubAccessToken -Label "expires-at-$Kind" -ExpiresAt $at -NoVault
            $server = ConvertTo-UtcTime (Get-ServerTokenById $account $token.Id).expires_at
            [math]::Abs(($server - $at.ToUniversalTime()).TotalSeconds) | Should -BeLessThan 60
            [math]::Abs(($token.ExpiresAt.ToUniversalTime() - $at.ToUniversalTime()).TotalSeconds) | Should -BeLessThan 60
        }

        It '-ExpiresIn sets expires_at that long from now on the server' {
            $expected = [datetime]::UtcNow.AddDays(7)
            $token = New-HubAccessToken -Label 'expires-in' -ExpiresIn (New-TimeSpan -Days 7) -NoVault
            $server = ConvertTo-UtcTime (Get-ServerTokenById $account $token.Id).expires_at
            [math]::Abs(($server - $expected).TotalSeconds) | Should -BeLessThan 60
        }

        It 'reads a date without a time zone as local time, and outputs dates in local time (TZ=Asia/Tokyo)' {
            $saved = $env:TZ
            $env:TZ = 'Asia/Tokyo'
            try {
                $result = Invoke-InFreshPwsh -TimeoutSeconds 60 -ArgumentList $script:Hub, $account.Username, $account.Password {
                    param($Hub, $User, $Password)
                    $ErrorActionPreference = 'Stop'
                    Connect-HubAccount -Credential ([pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))) -HubUri $Hub
                    $made = New-HubAccessToken -Label 'tokyo' -ExpiresAt '2030-06-30 12:00' -NoVault
                    $read = Get-HubAccessToken -Id $made.Id
                    [pscustomobject]@{
                        Offset  = [TimeZoneInfo]::Local.GetUtcOffset([datetime]'2030-06-30').TotalHours
                        Id      = "$($read.Id)"
                        Expires = $read.ExpiresAt.ToString('o')
                        Created = $read.CreatedAt.ToString('o')
                    }
                }
            }
            finally {
                $env:TZ = $saved
            }

            $result.Terminated | Should -BeFalse -Because "$($result.Error | Out-String)"
            $out = $result.Output[0]
            $out.Offset | Should -Be 9
            $server = Get-ServerTokenById $account $out.Id
            ConvertTo-UtcTime $server.expires_at | Should -Be ([datetime]::new(2030, 6, 30, 3, 0, 0, [DateTimeKind]::Utc))
            $out.Expires | Should -BeLike '2030-06-30T12:00:00*+09:00'
            [DateTimeOffset]::Parse($out.Created).UtcDateTime | Should -Be (ConvertTo-UtcTime $server.created_at)
            $out.Created | Should -BeLike '*+09:00'
        }
    }

    Context 'the secret' {
        It 'is a SecureString starting dckr_pat_ that signs in as this very token' {
            $token = New-HubAccessToken -Label 'secret-real' -NoVault
            $token.Secret | Should -BeOfType ([securestring])
            $plain = ConvertFrom-SecretString $token.Secret
            $plain | Should -BeLike 'dckr_pat_*'

            $body = @{ username = $account.Username; password = $plain } | ConvertTo-Json
            $login = Invoke-RestMethod -Method Post -Uri "$script:Hub/v2/users/login" -Body $body -ContentType 'application/json'
            $part = $login.token.Split('.')[1].Replace('-', '+').Replace('_', '/')
            $part = $part.PadRight($part.Length + (4 - $part.Length % 4) % 4, '=')
            $claims = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($part)) | ConvertFrom-Json
            $claims.'https://hub.docker.com.source' | Should -Be "docker_pat|$($token.Id)"
        }

        It 'appears in nothing printed: verbose output, default, list and table formatting, JSON, the object text' {
            $all = @(New-HubAccessToken -Label 'secret-hidden' -NoVault -Verbose 4>&1)
            $token = @($all | Where-Object { $_ -is [DockerHubPat.HubAccessToken] })[0]
            $verbose = @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] }).Message -join "`n"
            $plain = ConvertFrom-SecretString $token.Secret
            $plain | Should -BeLike 'dckr_pat_*'

            $printed = @(
                $verbose
                $token | Out-String -Width 500
                $token | Format-List | Out-String -Width 500
                $token | Format-List * | Out-String -Width 500
                $token | Format-Table * | Out-String -Width 500
                $token | ConvertTo-Json -Depth 3
                $token.ToString()
            ) -join "`n"
            $printed | Should -Match 'secret-hidden'
            $printed | Should -Not -Match ([regex]::Escape($plain))
            $printed | Should -Not -Match 'dckr_pat_'
        }
    }

    Context 'input refused before any request' {
        It 'refuses <Case> with <ErrorId>' -ForEach @(
            @{ Case = 'an empty label'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Pattern = 'empty'
                Action = { New-HubAccessToken -Label '' -NoVault } }
            @{ Case = 'a label of spaces'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Pattern = 'empty or only spaces'
                Action = { New-HubAccessToken -Label '   ' -NoVault } }
            @{ Case = 'a 101-character label'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Pattern = 'at most 100 characters'
                Action = { New-HubAccessToken -Label ('y' * 101) -NoVault } }
            @{ Case = 'an unknown scope'; ErrorId = 'ParameterArgumentValidationError'; Category = 'InvalidData'; Pattern = 'repo:delete'
                Action = { New-HubAccessToken -Label 'bad-scope' -Scope 'repo:delete' -NoVault } }
            @{ Case = '-ExpiresAt in the past'; ErrorId = 'AccessTokenExpiryInvalid'; Category = 'InvalidArgument'; Pattern = 'not in the future'
                Action = { New-HubAccessToken -Label 'past' -ExpiresAt (Get-Date).AddMinutes(-5) -NoVault } }
            @{ Case = 'both -ExpiresAt and -ExpiresIn'; ErrorId = 'AccessTokenExpiryInvalid'; Category = 'InvalidArgument'; Pattern = 'not both'
                Action = { New-HubAccessToken -Label 'both' -ExpiresAt (Get-Date).AddDays(1) -ExpiresIn (New-TimeSpan -Days 1) -NoVault } }
            @{ Case = 'a negative -ExpiresIn'; ErrorId = 'AccessTokenExpiryInvalid'; Category = 'InvalidArgument'; Pattern = 'positive'
                Action = { New-HubAccessToken -Label 'negative' -ExpiresIn (New-TimeSpan -Days -1) -NoVault } }
            @{ Case = 'a zero -ExpiresIn'; ErrorId = 'AccessTokenExpiryInvalid'; Category = 'InvalidArgument'; Pattern = 'positive'
                Action = { New-HubAccessToken -Label 'zero' -ExpiresIn ([timespan]::Zero) -NoVault } }
        ) {
            $before = @(Get-ServerToken -Username $account.Username).Count
            Clear-HubRequestLog

            $err = Get-TerminatingError $Action

            $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
            $err.CategoryInfo.Category | Should -Be $Category
            $err.Exception.Message | Should -Match $Pattern
            @(Get-HubRequestLog).Count | Should -Be 0
            @(Get-ServerToken -Username $account.Username).Count | Should -Be $before
        }
    }

    Context '-WhatIf' {
        It 'creates nothing, sends nothing, and says what it would create' {
            $before = @(Get-ServerToken -Username $account.Username).Count
            Clear-HubRequestLog
            $box = @{}
            $text = Get-HostText { $box.Output = @(New-HubAccessToken -Label 'dry-run' -Scope 'repo:read' -NoVault -WhatIf) }

            $box.Output.Count | Should -Be 0
            @(Get-HubRequestLog).Count | Should -Be 0
            @(Get-ServerToken -Username $account.Username).Count | Should -Be $before
            $lines = @(Get-WhatIfLine $text)
            $lines.Count | Should -Be 1
            $lines[0] | Should -Match "'dry-run'"
            $lines[0] | Should -Match 'repo:read'
        }
    }
}

Describe 'Rename-HubAccessToken' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'rename'
        Add-TestToken -Username $account.Username -Count 3 -LabelPrefix 'old-' | Out-Null
        Connect-TestAccount $account
        $tokens = @{}
        foreach ($t in Get-HubAccessToken) { $tokens[$t.Label] = $t }
    }

    It 'changes the label on the server and outputs nothing' {
        $id = $tokens['old-0001'].Id
        $output = @(Rename-HubAccessToken -Id $id -NewLabel 'new-0001')
        $output.Count | Should -Be 0
        (Get-ServerTokenById $account $id).token_label | Should -BeExactly 'new-0001'
    }

    It 'with -PassThru outputs the renamed token' {
        $id = $tokens['old-0002'].Id
        $renamed = Rename-HubAccessToken $id 'new-0002' -PassThru
        $renamed | Should -BeOfType ([DockerHubPat.HubAccessToken])
        $renamed.Id | Should -Be $id
        $renamed.Label | Should -BeExactly 'new-0002'
        $renamed.IsActive | Should -BeTrue
        (Get-ServerTokenById $account $id).token_label | Should -BeExactly 'new-0002'
    }

    It '-WhatIf changes nothing and names the label and id' {
        $id = $tokens['old-0003'].Id
        Clear-HubRequestLog
        $text = Get-HostText { Rename-HubAccessToken -Id $tokens['old-0003'] -NewLabel 'never' -WhatIf }

        @(Get-HubRequestLog).Count | Should -Be 0
        (Get-ServerTokenById $account $id).token_label | Should -BeExactly 'old-0003'
        $lines = @(Get-WhatIfLine $text)
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match "'old-0003'"
        $lines[0] | Should -Match $id
        $lines[0] | Should -Match "'never'"
    }

    It 'refuses a new label of <Case> before any request' -ForEach @(
        @{ Case = 'spaces only'; Label = '  ' }
        @{ Case = '101 characters'; Label = 'z' * 101 }
    ) {
        $id = $tokens['old-0003'].Id
        Clear-HubRequestLog
        $err = Get-TerminatingError { Rename-HubAccessToken -Id $id -NewLabel $Label }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        @(Get-HubRequestLog).Count | Should -Be 0
        (Get-ServerTokenById $account $id).token_label | Should -BeExactly 'old-0003'
    }

    It 'refuses a malformed id before any request' {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Rename-HubAccessToken -Id 'nope' -NewLabel 'x' }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $err.Exception.Message | Should -Match 'not an access token id'
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'writes a non-terminating AccessTokenNotFound for an unknown id' {
        $unknown = [guid]::NewGuid()
        $reached = $false
        $result = Split-Result @(Rename-HubAccessToken -Id $unknown -NewLabel 'x' -PassThru -ErrorAction Continue 2>&1)
        $reached = $true

        $reached | Should -BeTrue
        $result.Output.Count | Should -Be 0
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        "$($result.Errors[0])" | Should -Match $unknown
        @(Get-ServerToken -Username $account.Username).token_label | Should -Not -Contain 'x'
    }
}

Describe 'Enable-HubAccessToken and Disable-HubAccessToken' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'state'
        Add-TestToken -Username $account.Username -Count 3 -LabelPrefix 'state-' | Out-Null
        Connect-TestAccount $account
        $tokens = @{}
        foreach ($t in Get-HubAccessToken) { $tokens[$t.Label] = $t }
        $one = $tokens['state-0001'].Id
        $two = $tokens['state-0002'].Id
        $three = $tokens['state-0003'].Id

        function Get-ActiveState {
            param($Id)
            (Get-ServerTokenById $account $Id).is_active
        }
    }

    It 'Disable-HubAccessToken deactivates the given tokens on the server and outputs nothing' {
        $output = @(Disable-HubAccessToken -Id $one, $two)
        $output.Count | Should -Be 0
        Get-ActiveState $one | Should -BeFalse
        Get-ActiveState $two | Should -BeFalse
        Get-ActiveState $three | Should -BeTrue
    }

    It 'Enable-HubAccessToken activates them again' {
        Enable-HubAccessToken -Id $one, $two
        Get-ActiveState $one | Should -BeTrue
        Get-ActiveState $two | Should -BeTrue
    }

    It '<Command> -PassThru outputs the updated token' -ForEach @(
        @{ Command = 'Disable-HubAccessToken'; Active = $false }
        @{ Command = 'Enable-HubAccessToken'; Active = $true }
    ) {
        $changed = & $Command -Id $three -PassThru
        $changed | Should -BeOfType ([DockerHubPat.HubAccessToken])
        $changed.Id | Should -Be $three
        $changed.Label | Should -Be 'state-0003'
        $changed.IsActive | Should -Be $Active
        Get-ActiveState $three | Should -Be $Active
    }

    It '<Command> -WhatIf changes nothing and names the label and id' -ForEach @(
        @{ Command = 'Disable-HubAccessToken'; Verb = 'Disable' }
        @{ Command = 'Enable-HubAccessToken'; Verb = 'Enable' }
    ) {
        Disable-HubAccessToken -Id $two
        Enable-HubAccessToken -Id $one
        $before = @{ $one = Get-ActiveState $one; $two = Get-ActiveState $two }
        Clear-HubRequestLog
        $text = Get-HostText { & $Command -Id $tokens['state-0001'], $tokens['state-0002'] -WhatIf }

        @(Get-HubRequestLog).Count | Should -Be 0
        Get-ActiveState $one | Should -Be $before[$one]
        Get-ActiveState $two | Should -Be $before[$two]
        $lines = @(Get-WhatIfLine $text)
        $lines.Count | Should -Be 2
        $lines[0] | Should -Match "\b$Verb\b"
        $lines[0] | Should -Match "'state-0001'"
        $lines[0] | Should -Match $one
        $lines[1] | Should -Match "'state-0002'"
        $lines[1] | Should -Match $two
    }

    It '<Command>: an unknown id writes one non-terminating AccessTokenNotFound and the other ids are still changed' -ForEach @(
        @{ Command = 'Disable-HubAccessToken'; Active = $false }
        @{ Command = 'Enable-HubAccessToken'; Active = $true }
    ) {
        $unknown = [guid]::NewGuid()
        $reached = $false
        $result = Split-Result @(& $Command -Id $one, $unknown, $two -PassThru -ErrorAction Continue 2>&1)
        $reached = $true

        $reached | Should -BeTrue
        # The requests may run concurrently, so the output order is not asserted.
        @($result.Output.Id | Sort-Object) | Should -Be @($one, $two | Sort-Object)
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $result.Errors[0].TargetObject | Should -Be $unknown
        Get-ActiveState $one | Should -Be $Active
        Get-ActiveState $two | Should -Be $Active
    }

    It '<_> refuses a malformed id before any request' -ForEach @('Disable-HubAccessToken', 'Enable-HubAccessToken') {
        $command = $_
        Clear-HubRequestLog
        $err = Get-TerminatingError { & $command -Id $one, 'nope' }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $err.Exception.Message | Should -Match "'nope' is not an access token id"
        @(Get-HubRequestLog).Count | Should -Be 0
    }
}

Describe 'Remove-HubAccessToken' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'remove'
        Add-TestToken -Username $account.Username -Count 8 -LabelPrefix 'rm-' | Out-Null
        Connect-TestAccount $account
        $tokens = @{}
        foreach ($t in Get-HubAccessToken) { $tokens[$t.Label] = $t }

        function Test-OnServer {
            param($Id)
            $null -ne (Get-ServerTokenById $account $Id)
        }
    }

    It 'deletes with -Confirm:$false, and outputs nothing' {
        $id = $tokens['rm-0001'].Id
        Clear-HubRequestLog
        $output = @(Remove-HubAccessToken -Id $id -Confirm:$false)
        $output.Count | Should -Be 0
        Test-OnServer $id | Should -BeFalse
        $log = @(Get-HubRequestLog)
        $log.method | Should -Be @('DELETE')
        $log.path | Should -Be @("/v2/access-tokens/$id")
    }

    It 'deletes with -Force' {
        $id = $tokens['rm-0002'].Id
        Remove-HubAccessToken -Id $id -Force
        Test-OnServer $id | Should -BeFalse
    }

    It 'deletes several ids, given by position' {
        $ids = $tokens['rm-0003'].Id, $tokens['rm-0004'].Id
        Remove-HubAccessToken $ids -Force
        $ids | ForEach-Object { Test-OnServer $_ | Should -BeFalse }
        Test-OnServer $tokens['rm-0005'].Id | Should -BeTrue
    }

    It '-WhatIf<Extra> deletes nothing, sends nothing, and names the label and id' -ForEach @(
        @{ Extra = ''; Splat = @{} }
        @{ Extra = ' with -Force'; Splat = @{ Force = $true } }
    ) {
        $id = $tokens['rm-0005'].Id
        Clear-HubRequestLog
        $text = Get-HostText { Remove-HubAccessToken -Id $tokens['rm-0005'] -WhatIf @Splat }

        @(Get-HubRequestLog).Count | Should -Be 0
        Test-OnServer $id | Should -BeTrue
        $lines = @(Get-WhatIfLine $text)
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match '"Remove"'
        $lines[0] | Should -Match "'rm-0005'"
        $lines[0] | Should -Match $id
    }

    It '-WhatIf with an id typed as text names that id; only a piped or passed token brings its label' {
        $id = $tokens['rm-0005'].Id
        $text = Get-HostText { Remove-HubAccessToken -Id "$id" -WhatIf }

        $lines = @(Get-WhatIfLine $text)
        $lines.Count | Should -Be 1
        $lines[0] | Should -Match "access token $id"
        $lines[0] | Should -Not -Match "'rm-0005'" -Because 'no cache of labels stands behind an id'
    }

    It 'removes nothing under $WhatIfPreference = $true, even with -Force' {
        $id = $tokens['rm-0005'].Id
        Clear-HubRequestLog
        $text = Get-HostText {
            $WhatIfPreference = $true
            Remove-HubAccessToken -Id $id -Force
        }
        @(Get-HubRequestLog).Count | Should -Be 0
        Test-OnServer $id | Should -BeTrue
        @(Get-WhatIfLine $text).Count | Should -Be 1
    }

    It 'refuses a malformed id before any request' {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Remove-HubAccessToken -Id 'nope' -Force }
        $err.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentTransformationError,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidData'
        $err.Exception.Message | Should -Match 'not an access token id'
        @(Get-HubRequestLog).Count | Should -Be 0
        @(Get-ServerToken -Username $account.Username).Count | Should -Be 4
    }

    It 'an unknown id writes one non-terminating AccessTokenNotFound and the other ids are still removed' {
        $unknown = [guid]::NewGuid()
        $six = $tokens['rm-0006'].Id
        $seven = $tokens['rm-0007'].Id
        $reached = $false
        $result = Split-Result @(Remove-HubAccessToken -Id $six, $unknown, $seven -Force -ErrorAction Continue 2>&1)
        $reached = $true

        $reached | Should -BeTrue
        $result.Errors.Count | Should -Be 1
        $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
        $result.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $result.Errors[0].TargetObject | Should -Be $unknown
        "$($result.Errors[0])" | Should -Match $unknown
        Test-OnServer $six | Should -BeFalse
        Test-OnServer $seven | Should -BeFalse
        @(Get-ServerToken -Username $account.Username).token_label | Sort-Object | Should -Be @('rm-0005', 'rm-0008')
    }

    It 'removing the same token twice reports AccessTokenNotFound the second time' {
        $id = $tokens['rm-0008'].Id
        Remove-HubAccessToken -Id $id -Force
        $all = @(Remove-HubAccessToken -Id $id -Force -ErrorAction Continue 2>&1)
        $all.Count | Should -Be 1
        $all[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
    }
}
