# The SecretManagement vault behaviour of DockerHubPat against the Hub emulator and the test vaults of
# tests/SecretManagement: New-HubAccessToken saving each new token's secret (default vault, -Vault,
# -SecretName, -Force, -NoVault, the checks made before anything is created, failing vaults),
# Remove-HubAccessToken -RemoveSecret, Connect-HubAccount -CredentialSecretName/-TotpSecretName, and
# the secret never appearing in any output stream.
#
# Works with the stand-in and with a real Microsoft.PowerShell.SecretManagement: vault contents are read
# back only through the public Get-Secret/Get-SecretInfo (always with -Vault, because DownVault makes every
# search over all vaults write an error), and errors are matched on DockerHubPat's own ErrorIds.
# Every assertion about a refusal also checks the emulator: no POST /v2/access-tokens in the request log
# and no such token on the account. The request log is global, so tests clear it right before the action.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:InitializeTestVault = Join-Path $PSScriptRoot 'SecretManagement/Initialize-TestVault.ps1'
    $script:Vaults = & $script:InitializeTestVault
    # The emulator's fixed TOTP seed for carol, reused for our own TOTP account.
    $script:TotpSeed = 'JBSWY3DPEHPK3PXP'

    function ConvertFrom-SecretString {
        param([Parameter(Mandatory)][securestring] $Secret)
        [pscredential]::new('x', $Secret).GetNetworkCredential().Password
    }

    function Get-TokenCreateRequest {
        # Every POST /v2/access-tokens the emulator has seen since the log was last cleared.
        @(Get-HubRequestLog -Path '/v2/access-tokens' | Where-Object method -EQ 'POST')
    }

    function Get-ServerTokenByLabel {
        param([Parameter(Mandatory)] $Account, [Parameter(Mandatory)][string] $Label)
        @(Get-ServerToken -Username $Account.Username | Where-Object token_label -EQ $Label)
    }

    function Get-VaultSecretInfo {
        # The SecretInformation of one secret in one vault (exact name), or nothing.
        param([Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $Vault)
        @(Get-SecretInfo -Name ([WildcardPattern]::Escape($Name)) -Vault $Vault -ErrorAction Stop |
                Where-Object Name -EQ $Name)
    }

    function Get-SecretMetadata {
        # The metadata of one secret as a hashtable (empty when it has none: $null or an empty dictionary).
        param([Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $Vault)
        $info = @(Get-VaultSecretInfo -Name $Name -Vault $Vault)
        if ($info.Count -ne 1) { throw "Expected one secret '$Name' in vault '$Vault', found $($info.Count)." }
        $table = @{}
        if ($null -ne $info[0].Metadata) {
            foreach ($key in $info[0].Metadata.Keys) { $table[$key] = $info[0].Metadata[$key] }
        }
        $table
    }

    function Get-StoredPassword {
        # The password of a PSCredential secret, read through Get-Secret.
        param([Parameter(Mandatory)][string] $Name, [Parameter(Mandatory)][string] $Vault)
        $secret = Get-Secret -Name $Name -Vault $Vault -ErrorAction Stop
        $secret | Should -BeOfType ([pscredential])
        $secret.GetNetworkCredential().Password
    }

    function Get-ReadableVault {
        # The registered test vaults that answer (DownVault does not).
        @($script:Vaults.Default, $script:Vaults.Other, $script:Vaults.ReadOnly, $script:Vaults.NoMetadata)
    }

    function Find-SecretByName {
        # Every secret of that exact name in any answering test vault.
        param([Parameter(Mandatory)][string] $Name)
        foreach ($vault in Get-ReadableVault) { Get-VaultSecretInfo -Name $Name -Vault $vault }
    }

    function Assert-NothingCreated {
        # The refusal left no trace on Hub: no create request since the log was cleared, no such token.
        param([Parameter(Mandatory)] $Account, [Parameter(Mandatory)][string] $Label)
        Get-TokenCreateRequest | Should -HaveCount 0 -Because 'nothing may be created on Hub before the vault checks pass'
        Get-ServerTokenByLabel -Account $Account -Label $Label | Should -HaveCount 0
    }

    function Get-PrintedText {
        # Everything a person or a log could see of the captured records and objects.
        param([object[]] $Items)
        $texts = foreach ($item in $Items) {
            if ($null -eq $item) { continue }
            $item | Out-String -Width 500
            "$item"
            $item | Format-List * -Force | Out-String -Width 500
            if ($item -is [Management.Automation.ErrorRecord]) {
                $item.Exception.ToString()
                if ($item.ErrorDetails) { $item.ErrorDetails.Message }
                "$($item.TargetObject)"
                $item.CategoryInfo | Out-String -Width 500
            }
            elseif ($item -is [Management.Automation.InformationRecord]) {
                "$($item.MessageData)"
            }
            elseif ($item -is [DockerHubPat.HubAccessToken]) {
                $item | Format-Table * | Out-String -Width 500
                $item | ConvertTo-Json -Depth 3
            }
        }
        $texts -join "`n"
    }
}

AfterAll {
    Disconnect-HubAccount -ErrorAction SilentlyContinue
    $script:Vaults.Restore()
}

Describe 'New-HubAccessToken saves the new secret in a vault' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'vaultnew'
        Connect-TestAccount $account
    }

    Context 'the default vault' {
        It 'stores a PSCredential of the Hub user name and the token secret, and says where on the output' {
            Clear-HubRequestLog
            $made = New-HubAccessToken -Label 'default-vault' -Scope 'repo:read'

            $made | Should -HaveCount 1
            $made.Vault | Should -Be $Vaults.Default
            $made.SecretName | Should -BeExactly "DockerHub-$($account.Username)-default-vault"
            $made.Secret | Should -BeOfType ([securestring])
            $plain = ConvertFrom-SecretString $made.Secret
            $plain | Should -BeLike 'dckr_pat_*'

            $stored = Get-Secret -Name $made.SecretName -Vault $Vaults.Default -ErrorAction Stop
            $stored | Should -BeOfType ([pscredential])
            $stored.UserName | Should -BeExactly $account.Username
            $stored.GetNetworkCredential().Password | Should -BeExactly $plain
            (Get-VaultSecretInfo -Name $made.SecretName -Vault $Vaults.Default).Type | Should -Be 'PSCredential'

            Get-TokenCreateRequest | Should -HaveCount 1
            $server = @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($made.Id)")
            $server | Should -HaveCount 1
            $server[0].token_label | Should -BeExactly 'default-vault'

            # The stored secret is the real token: Hub accepts it as this user's password.
            $body = @{ username = $stored.UserName; password = $stored.GetNetworkCredential().Password } | ConvertTo-Json
            $login = Invoke-RestMethod -Method Post -Uri "$script:Hub/v2/users/login" -Body $body -ContentType 'application/json'
            $login.token | Should -Not -BeNullOrEmpty
        }

        It 'stores only in the default vault' {
            $made = New-HubAccessToken -Label 'only-default'
            $found = @(Find-SecretByName -Name $made.SecretName)
            $found | Should -HaveCount 1
            $found[0].VaultName | Should -Be $Vaults.Default
        }

        It 'writes the metadata TokenId, Label, Scopes, HubUri, Username, CreatedAt and ExpiresAt' {
            $made = New-HubAccessToken -Label 'with-meta' -Scope 'repo:write' -ExpiresIn (New-TimeSpan -Days 30)
            $meta = Get-SecretMetadata -Name $made.SecretName -Vault $made.Vault
            $server = @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($made.Id)")[0]

            $meta['TokenId'] | Should -Be "$($made.Id)"
            [guid] $meta['TokenId'] | Should -Be ([guid] $server.uuid)
            $meta['Label'] | Should -BeExactly 'with-meta'
            @("$($meta['Scopes'])" -split ',') | Should -Be @($made.Scopes)
            @("$($meta['Scopes'])" -split ',') | Should -Be @('repo:write')
            "$($meta['HubUri'])".TrimEnd('/') | Should -Be $script:Hub
            $meta['Username'] | Should -BeExactly $account.Username
            $meta['CreatedAt'] | Should -BeOfType ([datetime])
            $meta['ExpiresAt'] | Should -BeOfType ([datetime])
            [math]::Abs(($meta['CreatedAt'].ToUniversalTime() - $made.CreatedAt.ToUniversalTime()).TotalSeconds) | Should -BeLessThan 1
            [math]::Abs(($meta['ExpiresAt'].ToUniversalTime() - $made.ExpiresAt.ToUniversalTime()).TotalSeconds) | Should -BeLessThan 1
            $serverExpiry = if ($server.expires_at -is [datetime]) { $server.expires_at.ToUniversalTime() }
            else { [DateTimeOffset]::Parse($server.expires_at, [Globalization.CultureInfo]::InvariantCulture).UtcDateTime }
            [math]::Abs(($meta['ExpiresAt'].ToUniversalTime() - $serverExpiry).TotalSeconds) | Should -BeLessThan 1
        }

        It 'writes no ExpiresAt for a token that never expires' {
            $made = New-HubAccessToken -Label 'no-expiry'
            $meta = Get-SecretMetadata -Name $made.SecretName -Vault $made.Vault
            $meta['TokenId'] | Should -Be "$($made.Id)"
            $meta.ContainsKey('ExpiresAt') | Should -BeFalse
        }

        It 'names the secret DockerHub-{username}-{label}: label <Label> gives <Expected>' -ForEach @(
            @{ Label = 'ci deploy'; Expected = 'ci_deploy' }
            @{ Label = 'team/app:prod'; Expected = 'team_app_prod' }
            @{ Label = 'a.b_c-d'; Expected = 'a.b_c-d' }
            @{ Label = 'x*y?[z]'; Expected = 'x_y__z_' }
            @{ Label = "quote's @home"; Expected = 'quote_s__home' }
        ) {
            $made = New-HubAccessToken -Label $Label
            $expectedName = "DockerHub-$($account.Username)-$Expected"
            $made.SecretName | Should -BeExactly $expectedName
            $made.Label | Should -BeExactly $Label
            Get-VaultSecretInfo -Name $expectedName -Vault $Vaults.Default | Should -HaveCount 1
            (Get-SecretMetadata -Name $expectedName -Vault $Vaults.Default)['Label'] | Should -BeExactly $Label
        }

        It 'gives each piped label its own secret' {
            $made = @('piped-one', 'piped-two' | New-HubAccessToken)
            $made | Should -HaveCount 2
            $made.SecretName | Should -Be @("DockerHub-$($account.Username)-piped-one", "DockerHub-$($account.Username)-piped-two")
            foreach ($token in $made) {
                Get-StoredPassword -Name $token.SecretName -Vault $Vaults.Default | Should -BeExactly (ConvertFrom-SecretString $token.Secret)
                (Get-SecretMetadata -Name $token.SecretName -Vault $Vaults.Default)['TokenId'] | Should -Be "$($token.Id)"
            }
        }
    }

    Context '-Vault and -SecretName' {
        It 'saves into the vault named by -Vault, under the name given in -SecretName' {
            $name = "custom-$($account.Username)"
            $made = New-HubAccessToken -Label 'in-other' -Vault $Vaults.Other -SecretName $name

            $made.Vault | Should -Be $Vaults.Other
            $made.SecretName | Should -BeExactly $name
            Get-StoredPassword -Name $name -Vault $Vaults.Other | Should -BeExactly (ConvertFrom-SecretString $made.Secret)
            (Get-SecretMetadata -Name $name -Vault $Vaults.Other)['TokenId'] | Should -Be "$($made.Id)"
            Get-VaultSecretInfo -Name $name -Vault $Vaults.Default | Should -HaveCount 0
            Get-VaultSecretInfo -Name "DockerHub-$($account.Username)-in-other" -Vault $Vaults.Other | Should -HaveCount 0
        }

        It 'matches the -Vault name whatever its case' {
            $made = New-HubAccessToken -Label 'other-case' -Vault $Vaults.Other.ToUpperInvariant()
            $made.SecretName | Should -Not -BeNullOrEmpty
            Get-VaultSecretInfo -Name $made.SecretName -Vault $Vaults.Other | Should -HaveCount 1
        }

        It 'takes -SecretName from piped objects' {
            $rows = @(
                [pscustomobject]@{ Label = 'row-a'; SecretName = "row-a-$($account.Username)" }
                [pscustomobject]@{ Label = 'row-b'; SecretName = "row-b-$($account.Username)" }
            )
            $made = @($rows | New-HubAccessToken -Vault $Vaults.Other)
            $made.SecretName | Should -Be $rows.SecretName
            foreach ($token in $made) {
                Get-StoredPassword -Name $token.SecretName -Vault $Vaults.Other | Should -BeExactly (ConvertFrom-SecretString $token.Secret)
            }
        }

        It 'completes -Vault from the registered vaults: <Line>' -ForEach @(
            @{ Line = 'New-HubAccessToken -Label x -Vault Oth'; Expected = @('OtherVault') }
            @{ Line = 'New-HubAccessToken -Label x -Vault oth'; Expected = @('OtherVault') }
            @{ Line = 'New-HubAccessToken -Label x -Vault '; Expected = @('BrokenVault', 'DownVault', 'NoMetaVault', 'OtherVault', 'TestVault') }
            @{ Line = 'Connect-HubAccount -CredentialSecretName x -Vault Te'; Expected = @('TestVault') }
        ) {
            $completion = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
            @($completion.CompletionMatches.CompletionText | Sort-Object) | Should -Be $Expected

            $direct = [System.Management.Automation.CommandCompletion]::CompleteInput($Line, $Line.Length, $null)
            @($direct.CompletionMatches.CompletionText | Sort-Object) | Should -Be $Expected
        }
    }

    Context 'a secret of that name already exists' {
        It 'creates nothing and writes SecretNameExists when the default name is taken' {
            $name = "DockerHub-$($account.Username)-taken"
            Set-Secret -Name $name -Secret 'older value' -Vault $Vaults.Default -ErrorAction Stop
            Clear-HubRequestLog

            $result = Split-Result @(New-HubAccessToken -Label 'taken' -ErrorAction Continue 2>&1)

            $result.Output | Should -HaveCount 0
            $result.Errors | Should -HaveCount 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SecretNameExists,*'
            $result.Errors[0].CategoryInfo.Category | Should -Be 'ResourceExists'
            $result.Errors[0].Exception.Message | Should -BeLike "*$name*"
            $result.Errors[0].Exception.Message | Should -BeLike '*-Force*'
            Assert-NothingCreated -Account $account -Label 'taken'
            Get-Secret -Name $name -Vault $Vaults.Default -AsPlainText -ErrorAction Stop | Should -BeExactly 'older value'
        }

        It 'creates nothing when the -SecretName is taken in the -Vault' {
            $name = "taken-other-$($account.Username)"
            Set-Secret -Name $name -Secret 'keep me' -Vault $Vaults.Other -ErrorAction Stop
            Clear-HubRequestLog

            $result = Split-Result @(New-HubAccessToken -Label 'taken-other' -Vault $Vaults.Other -SecretName $name -ErrorAction Continue 2>&1)

            $result.Output | Should -HaveCount 0
            @($result.Errors.FullyQualifiedErrorId) | Should -BeLike 'SecretNameExists,*'
            Assert-NothingCreated -Account $account -Label 'taken-other'
            Get-Secret -Name $name -Vault $Vaults.Other -AsPlainText -ErrorAction Stop | Should -BeExactly 'keep me'
        }

        It 'stops only the taken label when labels are piped' {
            $taken = "DockerHub-$($account.Username)-pipe-taken"
            Set-Secret -Name $taken -Secret 'pipe old' -Vault $Vaults.Default -ErrorAction Stop
            Clear-HubRequestLog

            $result = Split-Result @('pipe-free', 'pipe-taken', 'pipe-free2' | New-HubAccessToken -ErrorAction Continue 2>&1)

            $result.Output.Label | Should -Be @('pipe-free', 'pipe-free2')
            $result.Errors | Should -HaveCount 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SecretNameExists,*'
            Get-TokenCreateRequest | Should -HaveCount 2
            Get-ServerTokenByLabel -Account $account -Label 'pipe-taken' | Should -HaveCount 0
            Get-Secret -Name $taken -Vault $Vaults.Default -AsPlainText -ErrorAction Stop | Should -BeExactly 'pipe old'
        }

        It 'does not look at other vaults: the same name in another vault is no obstacle' {
            $name = "elsewhere-$($account.Username)"
            Set-Secret -Name $name -Secret 'in the default vault' -Vault $Vaults.Default -ErrorAction Stop

            $made = New-HubAccessToken -Label 'elsewhere' -Vault $Vaults.Other -SecretName $name

            $made.Vault | Should -Be $Vaults.Other
            Get-StoredPassword -Name $name -Vault $Vaults.Other | Should -BeExactly (ConvertFrom-SecretString $made.Secret)
            Get-Secret -Name $name -Vault $Vaults.Default -AsPlainText -ErrorAction Stop | Should -BeExactly 'in the default vault'
        }

        It 'overwrites the secret with -Force' {
            $name = "DockerHub-$($account.Username)-forced"
            Set-Secret -Name $name -Secret 'to be replaced' -Vault $Vaults.Default -ErrorAction Stop
            Clear-HubRequestLog

            $made = New-HubAccessToken -Label 'forced' -Force

            $made.SecretName | Should -BeExactly $name
            Get-TokenCreateRequest | Should -HaveCount 1
            Get-StoredPassword -Name $name -Vault $Vaults.Default | Should -BeExactly (ConvertFrom-SecretString $made.Secret)
            (Get-SecretMetadata -Name $name -Vault $Vaults.Default)['TokenId'] | Should -Be "$($made.Id)"
        }

        It 'replaces an older token''s secret with -Force (rotation)' {
            $first = New-HubAccessToken -Label 'rotated'
            $second = New-HubAccessToken -Label 'rotated' -Force

            $second.SecretName | Should -BeExactly $first.SecretName
            Get-StoredPassword -Name $second.SecretName -Vault $Vaults.Default | Should -BeExactly (ConvertFrom-SecretString $second.Secret)
            (Get-SecretMetadata -Name $second.SecretName -Vault $Vaults.Default)['TokenId'] | Should -Be "$($second.Id)"
            Get-ServerTokenByLabel -Account $account -Label 'rotated' | Should -HaveCount 2
        }
    }

    Context 'the vault is not usable: nothing is created' {
        It 'stops with SecretVaultUnavailable when the vault does not pass Test-SecretVault (DownVault)' {
            Clear-HubRequestLog
            $err = Get-TerminatingError { New-HubAccessToken -Label 'to-down' -Vault $Vaults.Unavailable }
            $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultUnavailable,*'
            $err.Exception.Message | Should -BeLike "*$($Vaults.Unavailable)*"
            Assert-NothingCreated -Account $account -Label 'to-down'
        }

        It 'stops with SecretVaultNotFound for an unknown -Vault' {
            Clear-HubRequestLog
            $err = Get-TerminatingError { New-HubAccessToken -Label 'to-nowhere' -Vault 'NoSuchVault' }
            $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultNotFound,*'
            $err.Exception.Message | Should -BeLike '*NoSuchVault*'
            Assert-NothingCreated -Account $account -Label 'to-nowhere'
        }

        It 'stops on the first of several piped labels, before any is created' {
            Clear-HubRequestLog
            $err = Get-TerminatingError { 'down-a', 'down-b' | New-HubAccessToken -Vault $Vaults.Unavailable }
            $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultUnavailable,*'
            Get-TokenCreateRequest | Should -HaveCount 0
            Get-ServerTokenByLabel -Account $account -Label 'down-a' | Should -HaveCount 0
        }

        It 'stops with SecretVaultUnavailable when the default vault is down' {
            Set-SecretVaultDefault -Name $Vaults.Unavailable -ErrorAction Stop
            try {
                Clear-HubRequestLog
                $err = Get-TerminatingError { New-HubAccessToken -Label 'default-down' }
                $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultUnavailable,*'
                Assert-NothingCreated -Account $account -Label 'default-down'
            }
            finally {
                Set-SecretVaultDefault -Name $Vaults.Default -ErrorAction Stop
            }
        }

        It 'stops with SecretVaultNotFound when no vault is the default' {
            Set-SecretVaultDefault -ClearDefault -ErrorAction Stop
            try {
                Clear-HubRequestLog
                $err = Get-TerminatingError { New-HubAccessToken -Label 'no-default' }
                $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultNotFound,*'
                $err.Exception.Message | Should -BeLike '*-Vault*'
                $err.Exception.Message | Should -BeLike '*-NoVault*'
                Assert-NothingCreated -Account $account -Label 'no-default'
            }
            finally {
                Set-SecretVaultDefault -Name $Vaults.Default -ErrorAction Stop
            }
        }

        It 'checks the vault even for -WhatIf, and -WhatIf creates and saves nothing' {
            Clear-HubRequestLog
            $err = Get-TerminatingError { New-HubAccessToken -Label 'whatif-down' -Vault $Vaults.Unavailable -WhatIf }
            $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultUnavailable,*'

            $box = @{}
            $text = Get-HostText { $box.Made = @(New-HubAccessToken -Label 'whatif-ok' -WhatIf) }
            $box.Made | Should -HaveCount 0
            $whatIf = @($text -split '\r?\n' | Where-Object { $_ -like 'What if:*' })
            $whatIf | Should -HaveCount 1
            $whatIf[0] | Should -Match "'whatif-ok'.*'DockerHub-$($account.Username)-whatif-ok' in vault '$($Vaults.Default)'"
            Assert-NothingCreated -Account $account -Label 'whatif-ok'
            Find-SecretByName -Name "DockerHub-$($account.Username)-whatif-ok" | Should -HaveCount 0
        }

        It 'refuses -NoVault together with -Vault or -SecretName (SecretNoVaultConflict)' {
            Clear-HubRequestLog
            (Get-TerminatingError { New-HubAccessToken -Label 'conflict' -NoVault -Vault $Vaults.Other }).FullyQualifiedErrorId |
                Should -BeLike 'SecretNoVaultConflict,*'
            (Get-TerminatingError { New-HubAccessToken -Label 'conflict' -NoVault -SecretName 'x' }).FullyQualifiedErrorId |
                Should -BeLike 'SecretNoVaultConflict,*'
            Assert-NothingCreated -Account $account -Label 'conflict'
        }
    }

    Context 'no vault is registered' {
        BeforeAll {
            # Same process, same temp home: register nothing, keep the secrets of the other tests.
            & $script:InitializeTestVault -NoRegister -KeepSecrets | Out-Null
        }
        AfterAll {
            $script:Vaults = & $script:InitializeTestVault -KeepSecrets
        }

        It 'stops with SecretVaultNotFound, naming Register-SecretVault and -NoVault' {
            @(Get-SecretVault) | Should -HaveCount 0
            Clear-HubRequestLog

            $err = Get-TerminatingError { New-HubAccessToken -Label 'no-vaults' }

            $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultNotFound,*'
            $err.Exception.Message | Should -BeLike '*Register-SecretVault*'
            $err.Exception.Message | Should -BeLike '*-NoVault*'
            Assert-NothingCreated -Account $account -Label 'no-vaults'
        }

        It 'still creates the token with -NoVault' {
            Clear-HubRequestLog
            $made = New-HubAccessToken -Label 'no-vaults-novault' -NoVault
            $made.Secret | Should -BeOfType ([securestring])
            ConvertFrom-SecretString $made.Secret | Should -BeLike 'dckr_pat_*'
            $made.Vault | Should -BeNullOrEmpty
            $made.SecretName | Should -BeNullOrEmpty
            Get-TokenCreateRequest | Should -HaveCount 1
            Get-ServerTokenByLabel -Account $account -Label 'no-vaults-novault' | Should -HaveCount 1
        }
    }

    Context '-NoVault' {
        It 'skips the vault entirely: works while the default vault is down and saves nothing' {
            Set-SecretVaultDefault -Name $Vaults.Unavailable -ErrorAction Stop
            try {
                Clear-HubRequestLog
                $result = Split-Result @(New-HubAccessToken -Label 'skip-vault' -NoVault -ErrorAction Continue 2>&1 3>&1)
            }
            finally {
                Set-SecretVaultDefault -Name $Vaults.Default -ErrorAction Stop
            }
            $result.Errors | Should -HaveCount 0
            $result.Warnings | Should -HaveCount 0
            $result.Output | Should -HaveCount 1
            $made = $result.Output[0]
            ConvertFrom-SecretString $made.Secret | Should -BeLike 'dckr_pat_*'
            $made.Vault | Should -BeNullOrEmpty
            $made.SecretName | Should -BeNullOrEmpty
            Get-TokenCreateRequest | Should -HaveCount 1
            Get-ServerTokenByLabel -Account $account -Label 'skip-vault' | Should -HaveCount 1
            Find-SecretByName -Name "DockerHub-$($account.Username)-skip-vault" | Should -HaveCount 0
        }

        It 'needs no SecretManagement at all (fresh process without it); without -NoVault it stops with SecretManagementNotInstalled' {
            # A module path without the stand-in, nor any other copy of SecretManagement.
            $separator = [IO.Path]::PathSeparator
            $standIn = [IO.Path]::GetFullPath((Join-Path $PSScriptRoot 'SecretManagement')).TrimEnd([IO.Path]::DirectorySeparatorChar)
            $entries = @($env:PSModulePath -split [regex]::Escape($separator) | Where-Object {
                    $_ -and [IO.Path]::GetFullPath($_).TrimEnd([IO.Path]::DirectorySeparatorChar) -ne $standIn -and
                    -not (Test-Path -LiteralPath (Join-Path $_ 'Microsoft.PowerShell.SecretManagement'))
                })
            $freshAccount = New-TestAccount -Prefix 'vaultfresh'
            $savedPath = $env:PSModulePath
            $env:PSModulePath = $entries -join $separator
            try {
                Clear-HubRequestLog
                $run = Invoke-InFreshPwsh -ArgumentList $script:Hub, $freshAccount.Username, $freshAccount.Password {
                    param($HubUri, $Username, $Password)
                    $ErrorActionPreference = 'Stop'
                    # A copy installed where pwsh always looks (an all-users path) would still be found
                    # by module auto-loading; switch that off so the module really cannot be reached.
                    $installed = @(Get-Module -ListAvailable -Name Microsoft.PowerShell.SecretManagement)
                    $credential = [pscredential]::new($Username, (ConvertTo-SecureString $Password -AsPlainText -Force))
                    if ($installed) { $PSModuleAutoLoadingPreference = 'None' }
                    Connect-HubAccount -Credential $credential -HubUri $HubUri

                    $made = New-HubAccessToken -Label 'fresh-novault' -NoVault
                    $plain = [pscredential]::new('x', $made.Secret).GetNetworkCredential().Password
                    $loadedAfterNoVault = [bool](Get-Module -Name Microsoft.PowerShell.SecretManagement)

                    $refused = $null
                    try { New-HubAccessToken -Label 'fresh-needs-vault' | Out-Null }
                    catch { $refused = $_ }
                    # The same failure told to Connect-HubAccount must not suggest New-HubAccessToken's -NoVault.
                    $connectRefused = $null
                    try { Connect-HubAccount -CredentialSecretName 'hub-login' -HubUri $HubUri }
                    catch { $connectRefused = $_ }

                    [pscustomobject]@{
                        InstalledElsewhere = $installed.Count
                        LoadedAfterNoVault = $loadedAfterNoVault
                        Id                 = "$($made.Id)"
                        SecretIsPat        = $plain.StartsWith('dckr_pat_')
                        Vault              = $made.Vault
                        SecretName         = $made.SecretName
                        ErrorId            = if ($refused) { $refused.FullyQualifiedErrorId } else { $null }
                        Category           = if ($refused) { "$($refused.CategoryInfo.Category)" } else { $null }
                        Message            = if ($refused) { $refused.Exception.Message } else { $null }
                        ConnectErrorId     = if ($connectRefused) { $connectRefused.FullyQualifiedErrorId } else { $null }
                        ConnectMessage     = if ($connectRefused) { $connectRefused.Exception.Message } else { $null }
                    }
                }
            }
            finally {
                $env:PSModulePath = $savedPath
            }

            $run.Terminated | Should -BeFalse -Because ($run.Error | Out-String)
            $run.Output | Should -HaveCount 1
            $answer = $run.Output[0]
            $answer.LoadedAfterNoVault | Should -BeFalse
            $answer.SecretIsPat | Should -BeTrue
            $answer.Vault | Should -BeNullOrEmpty
            $answer.SecretName | Should -BeNullOrEmpty

            $answer.ErrorId | Should -BeLike 'SecretManagementNotInstalled,*'
            $answer.Message | Should -BeLike '*Microsoft.PowerShell.SecretManagement*'
            $answer.Message | Should -BeLike '*Install-*'
            $answer.Message | Should -BeLike '*-NoVault*'
            $answer.ConnectErrorId | Should -BeLike 'SecretManagementNotInstalled,*'
            $answer.ConnectMessage | Should -BeLike '*Install-*'
            $answer.ConnectMessage | Should -Not -BeLike '*NoVault*'

            $server = @(Get-ServerToken -Username $freshAccount.Username)
            $server.token_label | Should -Be @('fresh-novault')
            "$($server[0].uuid)" | Should -Be $answer.Id
            Get-TokenCreateRequest | Should -HaveCount 1 -Because 'only the -NoVault token may have been created'
        }
    }
}

Describe 'New-HubAccessToken when the vault cannot store everything' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'vaultfail'
        Connect-TestAccount $account
    }

    Context 'a vault without metadata support (NoMetaVault)' {
        It 'stores the secret without metadata and warns' {
            Clear-HubRequestLog
            $result = Split-Result @(New-HubAccessToken -Label 'no-meta' -Vault $Vaults.NoMetadata -ErrorAction Continue 2>&1 3>&1)

            $result.Errors | Should -HaveCount 0
            $result.Warnings | Should -HaveCount 1
            $result.Warnings[0].Message | Should -BeLike "*$($Vaults.NoMetadata)*"
            $result.Warnings[0].Message | Should -BeLike '*metadata*'
            $result.Output | Should -HaveCount 1
            $made = $result.Output[0]
            $made.Vault | Should -Be $Vaults.NoMetadata
            $made.SecretName | Should -BeExactly "DockerHub-$($account.Username)-no-meta"

            $stored = Get-Secret -Name $made.SecretName -Vault $Vaults.NoMetadata -ErrorAction Stop
            $stored | Should -BeOfType ([pscredential])
            $stored.UserName | Should -BeExactly $account.Username
            $stored.GetNetworkCredential().Password | Should -BeExactly (ConvertFrom-SecretString $made.Secret)
            (Get-SecretMetadata -Name $made.SecretName -Vault $Vaults.NoMetadata).Count | Should -Be 0
            Get-TokenCreateRequest | Should -HaveCount 1
        }
    }

    Context 'a vault whose write fails after the token was created (BrokenVault)' {
        BeforeAll {
            Clear-HubRequestLog
            $result = Split-Result @(New-HubAccessToken -Label 'broken write' -Vault $Vaults.ReadOnly -ErrorAction Continue 2>&1)
            $made = $result.Output | Select-Object -First 1
            $err = $result.Errors | Select-Object -First 1
            $secretName = "DockerHub-$($account.Username)-broken_write"
            $creates = Get-TokenCreateRequest
        }

        It 'still outputs the token with its secret' {
            $result.Output | Should -HaveCount 1
            $made.Secret | Should -BeOfType ([securestring])
            ConvertFrom-SecretString $made.Secret | Should -BeLike 'dckr_pat_*'
            $made.Vault | Should -BeNullOrEmpty
            $made.SecretName | Should -BeNullOrEmpty
        }

        It 'created the token on Hub once' {
            $creates | Should -HaveCount 1
            $server = @(Get-ServerTokenByLabel -Account $account -Label 'broken write')
            $server | Should -HaveCount 1
            "$($server[0].uuid)" | Should -Be "$($made.Id)"
        }

        It 'saved nothing in the broken vault' {
            Get-VaultSecretInfo -Name $secretName -Vault $Vaults.ReadOnly | Should -HaveCount 0
        }

        It 'writes one non-terminating SecretNotSaved error, category WriteError' {
            $result.Errors | Should -HaveCount 1
            $err.FullyQualifiedErrorId | Should -BeLike 'SecretNotSaved,*'
            $err.CategoryInfo.Category | Should -Be 'WriteError'
        }

        It 'has the token, secret included, as the error''s TargetObject' {
            $err.TargetObject | Should -BeOfType ([DockerHubPat.HubAccessToken])
            $err.TargetObject.Id | Should -Be $made.Id
            $err.TargetObject.Username | Should -BeExactly $account.Username
            ConvertFrom-SecretString $err.TargetObject.Secret | Should -BeExactly (ConvertFrom-SecretString $made.Secret)
        }

        It 'shows a Set-Secret command that saves the secret, and never the secret' {
            $message = $err.Exception.Message
            $message | Should -BeLike "*Set-Secret -Name '$secretName' -Vault '$($Vaults.ReadOnly)'*"
            $message | Should -BeLike '*TargetObject*'
            $message | Should -Not -BeLike "*$(ConvertFrom-SecretString $made.Secret)*"
            $message | Should -Not -BeLike '*dckr_pat_*'
        }

        It 'the command in the message works (into a writable vault, with the token as $t)' {
            $command = [regex]::Match($err.Exception.Message, 'Set-Secret -Name ''(?:[^'']|'''')*'' -Vault ''(?:[^'']|'''')*'' -Secret \(\[pscredential\]::new\(\$t\.Username, \$t\.Secret\)\)').Value
            $command | Should -Not -BeNullOrEmpty -Because $err.Exception.Message

            $parseErrors = $null
            [System.Management.Automation.Language.Parser]::ParseInput($command, [ref] $null, [ref] $parseErrors) | Out-Null
            $parseErrors | Should -HaveCount 0

            # BrokenVault stays read-only, so the same command is pointed at a writable vault.
            $redirected = $command.Replace("-Vault '$($Vaults.ReadOnly)'", "-Vault '$($Vaults.Other)'")
            $t = $err.TargetObject
            & ([scriptblock]::Create($redirected + ' -ErrorAction Stop'))

            $stored = Get-Secret -Name $secretName -Vault $Vaults.Other -ErrorAction Stop
            $stored | Should -BeOfType ([pscredential])
            $stored.UserName | Should -BeExactly $account.Username
            $stored.GetNetworkCredential().Password | Should -BeExactly (ConvertFrom-SecretString $made.Secret)

            # The same from the output object.
            $fromOutput = "output-$secretName"
            Set-Secret -Name $fromOutput -Vault $Vaults.Other -Secret ([pscredential]::new($made.Username, $made.Secret)) -ErrorAction Stop
            Get-StoredPassword -Name $fromOutput -Vault $Vaults.Other | Should -BeExactly (ConvertFrom-SecretString $made.Secret)
        }

        It 'keeps the secret on the error record with -ErrorAction Stop' {
            Clear-HubRequestLog
            $stop = Get-TerminatingError { New-HubAccessToken -Label 'broken-stop' -Vault $Vaults.ReadOnly -ErrorAction Stop }
            $stop.FullyQualifiedErrorId | Should -BeLike 'SecretNotSaved,*'
            $stop.TargetObject | Should -BeOfType ([DockerHubPat.HubAccessToken])
            ConvertFrom-SecretString $stop.TargetObject.Secret | Should -BeLike 'dckr_pat_*'
            $server = @(Get-ServerTokenByLabel -Account $account -Label 'broken-stop')
            $server | Should -HaveCount 1
            "$($server[0].uuid)" | Should -Be "$($stop.TargetObject.Id)"
        }
    }
}

Describe 'The secret never appears in any output stream' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'vaultleak'
        Connect-TestAccount $account
    }

    It 'is in no captured text when saving to <Vault> (<Case>)' -ForEach @(
        @{ Vault = 'TestVault'; Case = 'saved' }
        @{ Vault = 'NoMetaVault'; Case = 'saved without metadata, with a warning' }
        @{ Vault = 'BrokenVault'; Case = 'the failure path' }
    ) {
        $label = "leak-$($Vault.ToLowerInvariant())"
        $all = @(New-HubAccessToken -Label $label -Vault $Vault -Verbose -Debug -InformationAction Continue `
                -WarningAction Continue -ErrorAction Continue 2>&1 3>&1 4>&1 5>&1 6>&1)
        $made = @($all | Where-Object { $_ -is [DockerHubPat.HubAccessToken] })
        $made | Should -HaveCount 1
        $plain = ConvertFrom-SecretString $made[0].Secret
        $plain | Should -BeLike 'dckr_pat_*'
        @($all | Where-Object { $_ -is [Management.Automation.VerboseRecord] }) | Should -Not -BeNullOrEmpty
        if ($Vault -eq 'BrokenVault') {
            @($all | Where-Object { $_ -is [Management.Automation.ErrorRecord] }).FullyQualifiedErrorId | Should -BeLike 'SecretNotSaved,*'
        }
        if ($Vault -eq 'NoMetaVault') {
            @($all | Where-Object { $_ -is [Management.Automation.WarningRecord] }) | Should -HaveCount 1
        }

        $printed = Get-PrintedText $all
        $printed | Should -Match ([regex]::Escape($label))
        $printed | Should -Not -Match ([regex]::Escape($plain))
        $printed | Should -Not -Match 'dckr_pat_'

        # Nor in what the vault shows without reading the secret.
        $info = Get-SecretInfo -Vault $Vault -ErrorAction Stop | Format-List * -Force | Out-String -Width 500
        $info | Should -Not -Match ([regex]::Escape($plain))
    }
}

Describe 'Remove-HubAccessToken -RemoveSecret' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'vaultrm'
        Connect-TestAccount $account
    }

    It 'removes the secret stored for the token, found by TokenId whatever its name and vault' {
        $name = "rm-custom-$($account.Username)"
        $made = New-HubAccessToken -Label 'rm-custom' -Vault $Vaults.Other -SecretName $name
        Get-VaultSecretInfo -Name $name -Vault $Vaults.Other | Should -HaveCount 1
        Clear-HubRequestLog

        $result = Split-Result @(Remove-HubAccessToken -Id $made.Id -RemoveSecret -Force -ErrorAction Continue 2>&1)

        $result.Errors | Should -HaveCount 0
        @(Get-HubRequestLog -Path "/v2/access-tokens/$($made.Id)" | Where-Object method -EQ 'DELETE').status | Should -Be @(204)
        @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($made.Id)") | Should -HaveCount 0
        Get-VaultSecretInfo -Name $name -Vault $Vaults.Other | Should -HaveCount 0
    }

    It 'removes every secret that carries the token''s id, in every vault' {
        $made = New-HubAccessToken -Label 'rm-copied'
        # A copy the user made by hand, metadata included, under another name in another vault.
        $copy = "rm-copy-$($account.Username)"
        Set-Secret -Name $copy -Vault $Vaults.Other -Secret ([pscredential]::new($made.Username, $made.Secret)) `
            -Metadata @{ TokenId = "$($made.Id)"; Label = 'rm-copied' } -ErrorAction Stop

        $result = Split-Result @(Remove-HubAccessToken -Id $made.Id -RemoveSecret -Force -ErrorAction Continue 2>&1)

        $result.Errors | Should -HaveCount 0
        @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($made.Id)") | Should -HaveCount 0
        Get-VaultSecretInfo -Name $made.SecretName -Vault $Vaults.Default | Should -HaveCount 0
        Get-VaultSecretInfo -Name $copy -Vault $Vaults.Other | Should -HaveCount 0
    }

    It 'leaves the secret in the vault without -RemoveSecret' {
        $made = New-HubAccessToken -Label 'rm-keep-secret'
        Remove-HubAccessToken -Id $made.Id -Force

        @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($made.Id)") | Should -HaveCount 0
        Get-StoredPassword -Name $made.SecretName -Vault $Vaults.Default | Should -BeExactly (ConvertFrom-SecretString $made.Secret)
        (Get-SecretMetadata -Name $made.SecretName -Vault $Vaults.Default)['TokenId'] | Should -Be "$($made.Id)"
    }

    It 'keeps the secret when Hub did not delete the token' {
        $made = New-HubAccessToken -Label 'rm-refused'
        Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body @{
            method = 'DELETE'; path = "/v2/access-tokens/$($made.Id)"; kind = 'status'; status = 400; count = 1
        } | Out-Null
        try {
            $result = Split-Result @(Remove-HubAccessToken -Id $made.Id -RemoveSecret -Force -ErrorAction Continue 2>&1)
        }
        finally {
            Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
        }

        $result.Errors | Should -Not -BeNullOrEmpty
        @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($made.Id)") | Should -HaveCount 1
        Get-StoredPassword -Name $made.SecretName -Vault $Vaults.Default | Should -BeExactly (ConvertFrom-SecretString $made.Secret)
    }

    It 'removes nothing with -WhatIf' {
        $made = New-HubAccessToken -Label 'rm-whatif'
        Clear-HubRequestLog
        $text = Get-HostText { Remove-HubAccessToken -Id $made -RemoveSecret -Force -WhatIf }
        $whatIf = @($text -split '\r?\n' | Where-Object { $_ -like 'What if:*' })
        $whatIf | Should -HaveCount 1
        $whatIf[0] | Should -Match "'rm-whatif' \($($made.Id)\) and its vault secret"
        @(Get-HubRequestLog -Path '/v2/access-tokens/*' | Where-Object method -EQ 'DELETE') | Should -HaveCount 0
        @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($made.Id)") | Should -HaveCount 1
        Get-VaultSecretInfo -Name $made.SecretName -Vault $Vaults.Default | Should -HaveCount 1
    }

    It 'leaves a secret that -Force has since given to a newer token' {
        $old = New-HubAccessToken -Label 'rm-rotate'
        $new = New-HubAccessToken -Label 'rm-rotate' -Force
        $new.SecretName | Should -BeExactly $old.SecretName

        Remove-HubAccessToken -Id $old.Id -RemoveSecret -Force

        @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($old.Id)") | Should -HaveCount 0
        Get-StoredPassword -Name $new.SecretName -Vault $Vaults.Default | Should -BeExactly (ConvertFrom-SecretString $new.Secret)
        (Get-SecretMetadata -Name $new.SecretName -Vault $Vaults.Default)['TokenId'] | Should -Be "$($new.Id)"
    }

    It 'leaves a secret saved without metadata (NoMetaVault) alone' {
        $made = New-HubAccessToken -Label 'rm-nometa' -Vault $Vaults.NoMetadata -WarningAction SilentlyContinue
        $made.Vault | Should -Be $Vaults.NoMetadata

        $result = Split-Result @(Remove-HubAccessToken -Id $made.Id -RemoveSecret -Force -ErrorAction Continue 2>&1)

        $result.Errors | Should -HaveCount 0
        @(Get-ServerToken -Username $account.Username | Where-Object uuid -EQ "$($made.Id)") | Should -HaveCount 0
        Get-VaultSecretInfo -Name $made.SecretName -Vault $Vaults.NoMetadata | Should -HaveCount 1
    }

    It 'Get-HubAccessToken -Label ''ci-*'' | Remove-HubAccessToken -RemoveSecret -Confirm:$false removes those secrets and no others' {
        # An account of its own, so the account holds only this test's tokens.
        $account = New-TestAccount -Prefix 'vaultpipe'
        Connect-TestAccount $account
        $user = $account.Username
        $ciOne = New-HubAccessToken -Label 'ci-one'
        $ciTwo = New-HubAccessToken -Label 'ci-two' -Vault $Vaults.Other -SecretName "pipeline-ci-two-$user"
        $ciThree = New-HubAccessToken -Label 'ci-three' -Scope 'repo:read'
        $keep = New-HubAccessToken -Label 'keep-me'
        # A ci- token made elsewhere, so no secret of it exists anywhere.
        Add-TestToken -Username $user -Token @(@{ token_label = 'ci-planted'; scopes = @('repo:read') }) | Out-Null
        # Secrets that are not the module's or belong to no removed token.
        Set-Secret -Name "unrelated-plain-$user" -Secret 'plain text' -Vault $Vaults.Default -ErrorAction Stop
        Set-Secret -Name "unrelated-meta-$user" -Secret $account.Credential -Vault $Vaults.Other `
            -Metadata @{ TokenId = [guid]::NewGuid().ToString('D'); Label = 'ci-one' } -ErrorAction Stop
        $ciNames = @(
            @{ Name = $ciOne.SecretName; Vault = $Vaults.Default }
            @{ Name = $ciTwo.SecretName; Vault = $Vaults.Other }
            @{ Name = $ciThree.SecretName; Vault = $Vaults.Default }
        )
        foreach ($secret in $ciNames) { Get-VaultSecretInfo @secret | Should -HaveCount 1 }
        Clear-HubRequestLog

        $result = Split-Result @(Get-HubAccessToken -Label 'ci-*' | Remove-HubAccessToken -RemoveSecret -Confirm:$false -ErrorAction Continue 2>&1)

        $result.Errors | Should -HaveCount 0
        @(Get-HubRequestLog -Path '/v2/access-tokens/*' | Where-Object method -EQ 'DELETE') | Should -HaveCount 4
        @(Get-ServerToken -Username $user).token_label | Should -Be @('keep-me')
        foreach ($secret in $ciNames) { Get-VaultSecretInfo @secret | Should -HaveCount 0 -Because "$($secret.Name) belonged to a removed token" }
        Get-StoredPassword -Name $keep.SecretName -Vault $Vaults.Default | Should -BeExactly (ConvertFrom-SecretString $keep.Secret)
        Get-Secret -Name "unrelated-plain-$user" -Vault $Vaults.Default -AsPlainText -ErrorAction Stop | Should -BeExactly 'plain text'
        Get-VaultSecretInfo -Name "unrelated-meta-$user" -Vault $Vaults.Other | Should -HaveCount 1
    }
}

Describe 'Connect-HubAccount with secrets from the vault' {
    AfterAll {
        Disconnect-HubAccount -ErrorAction SilentlyContinue
    }

    It 'signs in with the PSCredential in -CredentialSecretName (default vault, no -Vault)' {
        $account = New-TestAccount -Prefix 'vaultcred'
        $name = "hub-login-$($account.Username)"
        Set-Secret -Name $name -Secret $account.Credential -Vault $Vaults.Default -ErrorAction Stop
        Clear-HubRequestLog

        $session = Connect-HubAccount -CredentialSecretName $name -HubUri $script:Hub -PassThru

        $session.Username | Should -BeExactly $account.Username
        $log = @(Get-HubRequestLog -Path '/v2/users/*')
        $log.path | Should -Be @('/v2/users/login')
        $log[0].status | Should -Be 200
        # The session works for token management.
        (New-HubAccessToken -Label 'from-vault-cred' -NoVault).Username | Should -BeExactly $account.Username
    }

    It 'reads -CredentialSecretName from the vault named by -Vault' {
        $account = New-TestAccount -Prefix 'vaultcredv'
        $name = "hub-login-$($account.Username)"
        Set-Secret -Name $name -Secret $account.Credential -Vault $Vaults.Other -ErrorAction Stop
        Clear-HubRequestLog

        $session = Connect-HubAccount -CredentialSecretName $name -Vault $Vaults.Other -HubUri $script:Hub -PassThru

        $session.Username | Should -BeExactly $account.Username
        @(Get-HubRequestLog -Path '/v2/users/login').status | Should -Be @(200)
    }

    It 'finds -CredentialSecretName in a non-default vault without -Vault, though a registered vault is down' {
        # Connect-HubAccount's help: "When omitted, SecretManagement searches every registered vault,
        # the default vault first." DownVault is registered throughout this file, as a broken vault can be.
        $account = New-TestAccount -Prefix 'vaultcreds'
        $name = "hub-login-$($account.Username)"
        Set-Secret -Name $name -Secret $account.Credential -Vault $Vaults.Other -ErrorAction Stop
        Clear-HubRequestLog

        $session = Connect-HubAccount -CredentialSecretName $name -HubUri $script:Hub -PassThru

        $session.Username | Should -BeExactly $account.Username
        @(Get-HubRequestLog -Path '/v2/users/login').status | Should -Be @(200)
    }

    It 'does not look outside -Vault' {
        $account = New-TestAccount -Prefix 'vaultcredx'
        $name = "hub-login-$($account.Username)"
        Set-Secret -Name $name -Secret $account.Credential -Vault $Vaults.Other -ErrorAction Stop
        Clear-HubRequestLog

        $err = Get-TerminatingError { Connect-HubAccount -CredentialSecretName $name -Vault $Vaults.Default -HubUri $script:Hub }

        $err.FullyQualifiedErrorId | Should -BeLike 'SecretNotFound,*'
        $err.Exception.Message | Should -BeLike "*$name*"
        @(Get-HubRequestLog -Path '/v2/users/*') | Should -HaveCount 0
    }

    It 'refuses a -CredentialSecretName secret that is not a PSCredential (HubCredentialSecretInvalid)' {
        $name = 'not-a-credential-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Set-Secret -Name $name -Secret 'just a password' -Vault $Vaults.Default -ErrorAction Stop
        Clear-HubRequestLog

        $err = Get-TerminatingError { Connect-HubAccount -CredentialSecretName $name -Vault $Vaults.Default -HubUri $script:Hub }

        $err.FullyQualifiedErrorId | Should -BeLike 'HubCredentialSecretInvalid,*'
        $err.Exception.Message | Should -BeLike "*$name*"
        $err.Exception.Message | Should -Not -BeLike '*just a password*'
        @(Get-HubRequestLog -Path '/v2/users/*') | Should -HaveCount 0
    }

    It 'computes the 2FA code from the seed in -TotpSecretName' {
        $account = New-TestAccount -Prefix 'vaulttotp' -TotpSecret $script:TotpSeed
        $name = "hub-totp-$($account.Username)"
        Set-Secret -Name $name -Secret $script:TotpSeed -Vault $Vaults.Default -ErrorAction Stop
        Clear-HubRequestLog

        $session = Connect-HubAccount -Credential $account.Credential -TotpSecretName $name -HubUri $script:Hub -PassThru

        $session.Username | Should -BeExactly $account.Username
        $log = @(Get-HubRequestLog -Path '/v2/users/*')
        $log.path | Should -Be @('/v2/users/login', '/v2/users/2fa-login')
        $log.status | Should -Be @(401, 200)
    }

    It 'signs in to a 2FA account with both the credential and the seed from -Vault' {
        $account = New-TestAccount -Prefix 'vaultboth' -TotpSecret $script:TotpSeed
        $credentialName = "hub-login-$($account.Username)"
        $totpName = "hub-totp-$($account.Username)"
        Set-Secret -Name $credentialName -Secret $account.Credential -Vault $Vaults.Other -ErrorAction Stop
        Set-Secret -Name $totpName -Secret $script:TotpSeed -Vault $Vaults.Other -ErrorAction Stop
        Clear-HubRequestLog

        $session = Connect-HubAccount -CredentialSecretName $credentialName -TotpSecretName $totpName -Vault $Vaults.Other -HubUri $script:Hub -PassThru

        $session.Username | Should -BeExactly $account.Username
        @(Get-HubRequestLog -Path '/v2/users/*').status | Should -Be @(401, 200)
        (New-HubAccessToken -Label 'from-vault-2fa' -NoVault).Username | Should -BeExactly $account.Username
    }
}
