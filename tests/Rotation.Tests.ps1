# Reset-HubAccessToken and Reset-HubOrgAccessToken against the Hub emulator and the test vaults: one rotation (create → verify →
# store → retire), its defaults, bulk pipelines, and each failure point injected on the emulator or in
# the vault, with the tokens' states on the emulator and the vault's contents checked afterwards.
# The request log and the faults are global, so tests clear them right before acting.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Vaults = & (Join-Path $PSScriptRoot 'SecretManagement/Initialize-TestVault.ps1')

    $script:account = New-TestAccount -Prefix rot
    $script:session = Connect-TestAccount $account -With @{ PassThru = $true }
    # Failure tests use a session that does not retry, so a fault answers once and quickly.
    $script:noRetry = Connect-TestAccount $account -With @{ PassThru = $true; MaximumRetryCount = 0 }
    Connect-TestAccount $account | Out-Null

    function Plain([securestring] $Secret) { [pscredential]::new('x', $Secret).GetNetworkCredential().Password }

    function Add-Fault([hashtable] $Spec) { Invoke-Emulator -Method Post -Path '/_emulator/faults' -Body $Spec | Out-Null }

    function Get-Server([guid] $Id) {
        # The token as the emulator has it, or nothing when it is gone.
        Get-ServerToken -Username $account.Username -IncludeSecret | Where-Object uuid -EQ "$Id"
    }

    function Get-Stored([string] $Name, [string] $Vault = $Vaults.Default) {
        # Secret and metadata as the vault holds them, bypassing SecretManagement.
        Get-TestVaultStoreEntry -VaultName $Vault -IncludeValue | Where-Object Name -EQ $Name
    }

    function New-OldToken([string] $Label, [timespan] $ExpiresIn = (New-TimeSpan -Days 30), [string] $Vault = $Vaults.Default) {
        New-HubAccessToken -Label $Label -Scope repo:read, repo:write -ExpiresIn $ExpiresIn -Vault $Vault
    }

    function Get-Requests {
        @(Get-HubRequestLog | Where-Object path -Like '/v2/*' | ForEach-Object { "$($_.method) $($_.path)" })
    }

    function Test-SignsIn([string] $Secret) {
        (Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $account.Username; secret = $Secret }).Status -eq 200
    }
}

Describe 'Reset-HubAccessToken' {
    AfterAll {
        Disconnect-HubAccount -ErrorAction SilentlyContinue
        $script:Vaults.Restore()
    }

    AfterEach {
        Invoke-Emulator -Method Delete -Path '/_emulator/faults' | Out-Null
    }

    Describe 'One rotation' {
        BeforeAll {
            $script:old = New-OldToken 'rot-one'
            $oldSecret = Plain $old.Secret
            Clear-HubRequestLog
            $script:new = Reset-HubAccessToken -Id $old.Id -Confirm:$false
            $script:requests = Get-Requests
            $script:stored = Get-Stored $old.SecretName
            $script:oldSecret = $oldSecret
        }

        It 'outputs the new token with its secret, where it is saved, and the id it replaced' {
            $new | Should -HaveCount 1
            $new | Should -BeOfType ([DockerHubPat.HubAccessToken])
            $new.Id | Should -Not -Be $old.Id
            $new.ReplacedId | Should -Be $old.Id
            Plain $new.Secret | Should -BeLike 'dckr_pat_*'
            $new.Vault | Should -Be $Vaults.Default
            $new.SecretName | Should -BeExactly $old.SecretName
        }

        It 'copies label and scopes, and gives the new token the old one''s lifetime from now' {
            $new.Label | Should -BeExactly 'rot-one'
            $new.Scopes | Should -Be $old.Scopes
            $new.ExpiresAt | Should -BeGreaterThan (Get-Date).AddDays(30).AddMinutes(-5)
            $new.ExpiresAt | Should -BeLessThan (Get-Date).AddDays(30).AddMinutes(5)
        }

        It 'leaves the new token active and the old one disabled on Hub' {
            (Get-Server $new.Id).is_active | Should -BeTrue
            (Get-Server $old.Id).is_active | Should -BeFalse
        }

        It 'overwrites the old token''s vault secret in place, with Replaces in the metadata' {
            $stored | Should -HaveCount 1
            $stored.Value.GetNetworkCredential().Password | Should -BeExactly (Plain $new.Secret)
            $stored.Value.UserName | Should -BeExactly $account.Username
            $stored.Metadata.TokenId | Should -Be "$($new.Id)"
            $stored.Metadata.Replaces | Should -Be "$($old.Id)"
            $stored.Metadata.Label | Should -BeExactly 'rot-one'
        }

        It 'verified the new secret at /v2/auth/token; it signs in, the old one no longer does' {
            $requests | Should -Contain 'POST /v2/auth/token'
            Test-SignsIn (Plain $new.Secret) | Should -BeTrue
            Test-SignsIn $oldSecret | Should -BeFalse
        }

        It 'reads, creates, verifies and disables in that order, one request each' {
            $requests | Should -Be @(
                "GET /v2/access-tokens/$($old.Id)"
                'POST /v2/access-tokens'
                'POST /v2/auth/token'
                "PATCH /v2/access-tokens/$($old.Id)"
            )
        }
    }

    Describe 'Defaults and parameters' {
        It 'keeps a never-expiring token never-expiring' {
            $old = New-HubAccessToken -Label 'rot-never' -NoVault
            $new = Reset-HubAccessToken -Id $old.Id -NoVault -Confirm:$false
            $new.ExpiresAt | Should -BeNullOrEmpty
            (Get-Server $new.Id).expires_at | Should -BeNullOrEmpty
        }

        It 'caps a lifetime longer than Hub allows at one year from now' {
            $planted = Add-TestToken -Username $account.Username -Token @{
                token_label = 'rot-long'; scopes = @('repo:read')
                created_at = (Get-Date).ToUniversalTime().AddDays(-10).ToString('yyyy-MM-ddTHH:mm:ss.ffffffZ')
                expires_at = (Get-Date).ToUniversalTime().AddYears(2).ToString('yyyy-MM-ddTHH:mm:ss.ffffffZ')
            }
            $new = Reset-HubAccessToken -Id $planted[0].uuid -NoVault -Confirm:$false
            $new.ExpiresAt | Should -BeLessOrEqual (Get-Date).AddYears(1)
            $new.ExpiresAt | Should -BeGreaterThan (Get-Date).AddYears(1).AddDays(-1)
        }

        It 'takes -ExpiresIn instead of the old lifetime' {
            $old = New-OldToken 'rot-in'
            $new = Reset-HubAccessToken -Id $old.Id -ExpiresIn (New-TimeSpan -Days 7) -Confirm:$false
            $new.ExpiresAt | Should -BeLessThan (Get-Date).AddDays(7).AddMinutes(5)
            $new.ExpiresAt | Should -BeGreaterThan (Get-Date).AddDays(7).AddMinutes(-5)
        }

        It '-Predecessor Remove removes the old token and its other vault secrets' {
            $old = New-OldToken 'rot-remove'
            # A copy the user made by hand in another vault, found by its TokenId like the original.
            Set-Secret -Name 'copy-rot-remove' -Vault $Vaults.Other -Secret ([pscredential]::new($account.Username, $old.Secret)) `
                -Metadata @{ TokenId = "$($old.Id)" } -ErrorAction Stop
            $new = Reset-HubAccessToken -Id $old.Id -Predecessor Remove -Confirm:$false
            Get-Server $old.Id | Should -BeNullOrEmpty
            (Get-Server $new.Id).is_active | Should -BeTrue
            Get-Stored 'copy-rot-remove' $Vaults.Other | Should -BeNullOrEmpty
            (Get-Stored $old.SecretName).Metadata.TokenId | Should -Be "$($new.Id)"
        }

        It '-Predecessor Keep leaves the old token active' {
            $old = New-OldToken 'rot-keep'
            Clear-HubRequestLog
            $new = Reset-HubAccessToken -Id $old.Id -Predecessor Keep -Confirm:$false
            (Get-Server $old.Id).is_active | Should -BeTrue
            (Get-Server $new.Id).is_active | Should -BeTrue
            @(Get-Requests) | Should -HaveCount 3
        }

        It 'saves under the default name when the old token has no secret, and -SecretName elsewhere' {
            $planted = Add-TestToken -Username $account.Username -Token @{ token_label = 'rot-nosecret'; scopes = @('repo:read') }
            $new = Reset-HubAccessToken -Id $planted[0].uuid -Confirm:$false
            $new.SecretName | Should -BeExactly "DockerHub-$($account.Username)-rot-nosecret"
            (Get-Stored $new.SecretName).Metadata.Replaces | Should -Be $planted[0].uuid

            $named = Reset-HubAccessToken -Id $new.Id -SecretName 'rot-named' -Vault $Vaults.Other -Confirm:$false
            $named.Vault | Should -Be $Vaults.Other
            (Get-Stored 'rot-named' $Vaults.Other).Metadata.TokenId | Should -Be "$($named.Id)"
        }

        It 'refuses a taken secret name before anything is created' {
            $planted = Add-TestToken -Username $account.Username -Token @{ token_label = 'rot-taken'; scopes = @('repo:read') }
            Set-Secret -Name "DockerHub-$($account.Username)-rot-taken" -Vault $Vaults.Default -Secret 'someone else''s' -ErrorAction Stop
            Clear-HubRequestLog
            $result = Split-Result (Reset-HubAccessToken -Id $planted[0].uuid -Confirm:$false -ErrorAction Continue 2>&1)
            $result.Output | Should -HaveCount 0
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SecretNameExists,*'
            Get-Requests | Should -Not -Contain 'POST /v2/access-tokens'
            (Get-Server $planted[0].uuid).is_active | Should -BeTrue
        }

        It '-WhatIf names the old token and what happens to it, and changes nothing' {
            $old = New-OldToken 'rot-whatif'
            Clear-HubRequestLog
            $text = Get-HostText { $old | Reset-HubAccessToken -Predecessor Remove -WhatIf }
            $text | Should -BeLike "*access token 'rot-whatif' ($($old.Id))*"
            $text | Should -BeLike '*remove the old token*'
            Get-Requests | Should -HaveCount 0
        }

        It 'refuses an expired token for that item and goes on with the next' {
            $expired = Add-TestToken -Username $account.Username -Token @{
                token_label = 'rot-expired'; scopes = @('repo:read')
                created_at = '2020-01-01T00:00:00.000000Z'; expires_at = '2021-01-01T00:00:00.000000Z'
            }
            $fine = New-OldToken 'rot-after-expired'
            Clear-HubRequestLog
            $result = Split-Result ([guid]$expired[0].uuid, $fine.Id | Reset-HubAccessToken -Confirm:$false -ErrorAction Continue 2>&1)
            $result.Errors | Should -HaveCount 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenExpired,*'
            $result.Errors[0].Exception.Message | Should -BeLike '*step 1 of 6*Nothing was changed*'
            $result.Output | Should -HaveCount 1
            $result.Output[0].ReplacedId | Should -Be $fine.Id
            @(Get-Requests | Where-Object { $_ -eq 'POST /v2/access-tokens' }) | Should -HaveCount 1
        }
    }

    Describe 'Tokens that cannot be rotated' {
        It 'refuses a token Hub lists without scopes before anything is created' {
            $planted = Add-TestToken -Username $account.Username -LabelPrefix rot-noscope-
            Clear-HubRequestLog
            $result = Split-Result (Reset-HubAccessToken -Id $planted[0].uuid -Confirm:$false -ErrorAction Continue 2>&1)
            $result.Output | Should -HaveCount 0
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenScopesMissing,*'
            $result.Errors[0].Exception.Message | Should -BeLike '*step 1 of 6*New-HubAccessToken -Label*Nothing was changed*'
            Get-Requests | Should -Be @("GET /v2/access-tokens/$($planted[0].uuid)")
        }
    }

    Describe 'Bulk rotation' {
        It 'rotates a pipeline concurrently, writes results in input order, and goes on past a missing token' {
            $olds = foreach ($i in 1..4) { New-OldToken "rot-bulk-$i" }
            $missing = [guid]::NewGuid()
            $ids = @($olds[0].Id, $olds[1].Id, $missing, $olds[2].Id, $olds[3].Id)
            $result = Split-Result ($ids | Reset-HubAccessToken -ThrottleLimit 3 -Confirm:$false -ErrorAction Continue 2>&1)
            $result.Output.ReplacedId | Should -Be @($olds.Id)
            $result.Errors | Should -HaveCount 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotFound,*'
            $result.Errors[0].TargetObject | Should -Be $missing
            foreach ($old in $olds) { (Get-Server $old.Id).is_active | Should -BeFalse }
            foreach ($new in $result.Output) { (Get-Stored $new.SecretName).Metadata.TokenId | Should -Be "$($new.Id)" }
        }

        It 'takes tokens from Get-HubAccessToken by property name' {
            $old = New-OldToken 'rot-piped'
            $new = Get-HubAccessToken -Label 'rot-piped' -Active | Reset-HubAccessToken -Confirm:$false
            $new.ReplacedId | Should -Be $old.Id
        }
    }

    Describe 'Failure points' {
        It 'verify refused: removes the new token, leaves the old one and its secret untouched, and says so' {
            $old = New-OldToken 'rot-verify'
            Add-Fault @{ method = 'POST'; path = '/v2/auth/token'; kind = 'status'; status = 401; content_type = 'application/json'
                body = '{"errinfo":{},"detail":"Incorrect authentication credentials","message":"unauthorized"}' }
            Clear-HubRequestLog
            $result = Split-Result (Reset-HubAccessToken -Id $old.Id -Confirm:$false -ErrorAction Continue 2>&1)

            $result.Output | Should -HaveCount 0
            $result.Errors | Should -HaveCount 1
            $err = $result.Errors[0]
            $err.FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotVerified,*'
            $err.Exception.Message | Should -BeLike '*step 4 of 6 (verify the new token)*was removed*is unchanged and still active*'
            $err.TargetObject | Should -Be $old.Id

            $created = @(Get-HubRequestLog -Path '/v2/access-tokens' | Where-Object method -EQ POST)
            $created | Should -HaveCount 1
            @(Get-ServerToken -Username $account.Username | Where-Object token_label -EQ 'rot-verify') | Should -HaveCount 1
            (Get-Server $old.Id).is_active | Should -BeTrue
            $stored = Get-Stored $old.SecretName
            $stored.Metadata.TokenId | Should -Be "$($old.Id)"
            $stored.Value.GetNetworkCredential().Password | Should -BeExactly (Plain $old.Secret)
        }

        Context 'vault write fails' {
            BeforeAll {
                # The old token's secret sits in a vault that has since become read-only.
                $script:brokenOld = New-OldToken 'rot-broken' -Vault $Vaults.Default
                $entry = Get-Stored $brokenOld.SecretName
                Set-TestVaultStoreEntry -VaultName $Vaults.ReadOnly -Name 'rot-broken' -Value $entry.Value -Metadata $entry.Metadata
                Remove-Secret -Name $brokenOld.SecretName -Vault $Vaults.Default -ErrorAction Stop
            }

            It 'outputs the new token first, then SecretNotSaved with it as TargetObject; the old token stays active' {
                $result = Split-Result (Reset-HubAccessToken -Id $brokenOld.Id -Confirm:$false -ErrorAction Continue 2>&1)
                $result.Output | Should -HaveCount 1
                $new = $result.Output[0]
                Plain $new.Secret | Should -BeLike 'dckr_pat_*'
                $new.ReplacedId | Should -Be $brokenOld.Id
                $new.Vault | Should -BeNullOrEmpty

                $result.Errors | Should -HaveCount 1
                $err = $result.Errors[0]
                $err.FullyQualifiedErrorId | Should -BeLike 'SecretNotSaved,*'
                $err.TargetObject.Id | Should -Be $new.Id
                Plain $err.TargetObject.Secret | Should -BeExactly (Plain $new.Secret)
                $err.Exception.Message | Should -BeLike '*step 5 of 6 (save the new secret)*works*Set-Secret -Name ''rot-broken''*is unchanged and still active*'
                $err.Exception.Message | Should -Not -BeLike "*$(Plain $new.Secret)*"

                (Get-Server $brokenOld.Id).is_active | Should -BeTrue
                (Get-Server $new.Id).is_active | Should -BeTrue
                (Get-Stored 'rot-broken' $Vaults.ReadOnly).Metadata.TokenId | Should -Be "$($brokenOld.Id)"
            }

            It 'hands the new token to a runbook''s catch block and to -OutVariable under -ErrorAction Stop' {
                $caught = $null
                try {
                    $assigned = Reset-HubAccessToken -Id $brokenOld.Id -Confirm:$false -ErrorAction Stop -OutVariable written
                }
                catch {
                    $caught = $_.TargetObject
                }
                $assigned | Should -BeNullOrEmpty -Because 'the stop ends the assignment; that is why the error carries the token'
                $caught | Should -BeOfType ([DockerHubPat.HubAccessToken])
                Plain $caught.Secret | Should -BeLike 'dckr_pat_*'
                $written | Should -HaveCount 1
                $written[0].Id | Should -Be $caught.Id
                (Get-Server $brokenOld.Id).is_active | Should -BeTrue
            }
        }

        It 'retire fails: the new token is in place and saved; a non-terminating error gives the command to retire the old one' {
            $old = New-OldToken 'rot-retire'
            Add-Fault @{ method = 'PATCH'; path = "/v2/access-tokens/$($old.Id)"; kind = 'status'; status = 503 }
            $result = Split-Result (Reset-HubAccessToken -Id $old.Id -Session $noRetry -Confirm:$false -ErrorAction Continue 2>&1)

            $result.Output | Should -HaveCount 1
            $new = $result.Output[0]
            $new.SecretName | Should -BeExactly $old.SecretName
            $result.Errors | Should -HaveCount 1
            $err = $result.Errors[0]
            $err.FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotRetired,*'
            $err.TargetObject.Id | Should -Be $new.Id
            $err.Exception.Message | Should -BeLike "*step 6 of 6 (disable the old token)*is still active*Disable-HubAccessToken -Id $($old.Id) -Confirm:`$false*"

            (Get-Server $old.Id).is_active | Should -BeTrue
            (Get-Server $new.Id).is_active | Should -BeTrue
            (Get-Stored $old.SecretName).Metadata.TokenId | Should -Be "$($new.Id)"

            # The command in the message finishes the job.
            Disable-HubAccessToken -Id $old.Id -Confirm:$false
            (Get-Server $old.Id).is_active | Should -BeFalse
        }

        It 'create answer lost: never re-sent, investigated as New- does; the old token and its secret are untouched' {
            $old = New-OldToken 'rot-lost'
            Add-Fault @{ method = 'POST'; path = '/v2/access-tokens'; kind = 'drop_after' }
            Clear-HubRequestLog
            $result = Split-Result (Reset-HubAccessToken -Id $old.Id -Session $noRetry -Confirm:$false -ErrorAction Continue 2>&1)

            $result.Output | Should -HaveCount 0
            $result.Errors | Should -HaveCount 1
            $err = $result.Errors[0]
            $err.FullyQualifiedErrorId | Should -BeLike 'AccessTokenCreateUnconfirmed,*'
            $err.Exception.Message | Should -BeLike '*step 3 of 6 (create the new token)*did create 1 token*Remove-HubAccessToken -Id*is unchanged and still active*'

            @(Get-HubRequestLog -Path '/v2/access-tokens' | Where-Object method -EQ POST) | Should -HaveCount 1
            @(Get-HubRequestLog -Path '/v2/auth/token') | Should -HaveCount 0
            (Get-Server $old.Id).is_active | Should -BeTrue
            (Get-Stored $old.SecretName).Metadata.TokenId | Should -Be "$($old.Id)"
        }
    }

    Describe 'Reset-HubOrgAccessToken: the same rotation for organization tokens' {
        BeforeAll {
            $script:org = (New-TestOrganization -Prefix rot -Owner $account.Username -Plan Business).name

            function Get-ServerOat([guid] $Id) { Get-ServerOrgToken -Organization $org | Where-Object id -EQ "$Id" }

            function New-OldOat([string] $Label) {
                New-HubOrgAccessToken -Organization $org -Label $Label -Description "rotated by the tests" `
                    -Repository "$org/app" -RepositoryScope scope-image-pull, scope-image-push -OrganizationScope scope-repository-list `
                    -ExpiresIn (New-TimeSpan -Days 60)
            }
        }

        It 'replaces the token with one of the same label, description and resources, saved in place, verified with the organization as identifier' {
            $old = New-OldOat 'oat-one'
            Clear-HubRequestLog
            $new = Reset-HubOrgAccessToken -Organization $org -Id $old.Id -Confirm:$false
            $requests = Get-Requests

            $new | Should -BeOfType ([DockerHubPat.HubOrgAccessToken])
            $new.ReplacedId | Should -Be $old.Id
            $new.Organization | Should -BeExactly $org
            $new.Label | Should -BeExactly 'oat-one'
            $new.Description | Should -BeExactly 'rotated by the tests'
            (Get-ServerOat $new.Id).description | Should -BeExactly 'rotated by the tests'
            @($new.Resources | ForEach-Object { "$_" }) | Should -Be @($old.Resources | ForEach-Object { "$_" })
            $new.ExpiresAt | Should -BeGreaterThan (Get-Date).AddDays(60).AddMinutes(-5)
            $new.ExpiresAt | Should -BeLessThan (Get-Date).AddDays(60).AddMinutes(5)
            $new.SecretName | Should -BeExactly $old.SecretName

            (Get-ServerOat $old.Id).is_active | Should -BeFalse
            (Get-ServerOat $new.Id).is_active | Should -BeTrue
            $stored = Get-Stored $old.SecretName
            $stored.Value.UserName | Should -BeExactly $org
            $stored.Value.GetNetworkCredential().Password | Should -BeExactly (Plain $new.Secret)
            $stored.Metadata.TokenId | Should -Be "$($new.Id)"
            $stored.Metadata.Replaces | Should -Be "$($old.Id)"
            $stored.Metadata.Kind | Should -BeExactly 'OrganizationAccessToken'
            (Invoke-HubApi -Method Post -Path '/v2/auth/token' -Body @{ identifier = $org; secret = (Plain $new.Secret) }).Status | Should -Be 200

            $requests | Should -Be @(
                "GET /v2/orgs/$org/access-tokens/$($old.Id)"
                "POST /v2/orgs/$org/access-tokens"
                'POST /v2/auth/token'
                "PATCH /v2/orgs/$org/access-tokens/$($old.Id)"
            )
        }

        It 'takes tokens from Get-HubOrgAccessToken, organization included, and names them in -WhatIf' {
            $old = New-OldOat 'oat-piped'
            $text = Get-HostText { Get-HubOrgAccessToken $org -Label 'oat-piped' | Reset-HubOrgAccessToken -WhatIf }
            $text | Should -BeLike "*disable the old token*organization access token 'oat-piped' ($($old.Id)) of '$org'*"
            $new = Get-HubOrgAccessToken $org -Label 'oat-piped' | Reset-HubOrgAccessToken -Predecessor Remove -Confirm:$false
            $new.ReplacedId | Should -Be $old.Id
            Get-ServerOat $old.Id | Should -BeNullOrEmpty
        }

        It 'verify refused: removes the new token and leaves the old one and its secret alone, as for personal tokens' {
            $old = New-OldOat 'oat-verify'
            Add-Fault @{ method = 'POST'; path = '/v2/auth/token'; kind = 'status'; status = 401; content_type = 'application/json'
                body = '{"errinfo":{},"detail":"Incorrect authentication credentials","message":"unauthorized"}' }
            $result = Split-Result (Reset-HubOrgAccessToken $org $old.Id -Confirm:$false -ErrorAction Continue 2>&1)
            $result.Output | Should -HaveCount 0
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'AccessTokenNotVerified,*'
            $result.Errors[0].Exception.Message | Should -BeLike "*step 4 of 6*was removed*of '$org' is unchanged and still active*"
            @(Get-ServerOrgToken -Organization $org | Where-Object label -EQ 'oat-verify') | Should -HaveCount 1
            (Get-ServerOat $old.Id).is_active | Should -BeTrue
            (Get-Stored $old.SecretName).Metadata.TokenId | Should -Be "$($old.Id)"
        }

        It 'vault write fails: the old token stays active, the new one is on the output and on the error' {
            $old = New-OldOat 'oat-broken'
            $entry = Get-Stored $old.SecretName
            Set-TestVaultStoreEntry -VaultName $Vaults.ReadOnly -Name 'oat-broken' -Value $entry.Value -Metadata $entry.Metadata
            Remove-Secret -Name $old.SecretName -Vault $Vaults.Default -ErrorAction Stop
            $result = Split-Result (Reset-HubOrgAccessToken $org $old.Id -Confirm:$false -ErrorAction Continue 2>&1)
            $result.Output | Should -HaveCount 1
            $result.Errors[0].FullyQualifiedErrorId | Should -BeLike 'SecretNotSaved,*'
            $result.Errors[0].TargetObject.Id | Should -Be $result.Output[0].Id
            $result.Errors[0].Exception.Message | Should -BeLike '*`[pscredential`]::new($t.Organization, $t.Secret)*'
            (Get-ServerOat $old.Id).is_active | Should -BeTrue
        }
    }
}
