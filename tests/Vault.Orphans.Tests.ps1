# Orphaned secrets: the vault secrets New-HubAccessToken saved whose token no longer exists on Hub.
# - Remove-HubAccessToken without -RemoveSecret notes in the verbose stream that the secret is still there,
#   without searching (or prompting for) a locked vault.
# - Get-HubAccessTokenSecret [-Orphaned] finds this module's secrets by their TokenId metadata, only those
#   of the session's account and Hub, and Remove-HubAccessTokenSecret removes them (-WhatIf removes nothing).
#
# Real HTTP against the emulator and the test vaults of tests/SecretManagement. Vault contents are read
# back with Get-SecretInfo -Vault (never over all vaults) or, for a locked vault, Get-TestVaultStoreEntry.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:InitializeTestVault = Join-Path $PSScriptRoot 'SecretManagement/Initialize-TestVault.ps1'
    $script:Vaults = & $script:InitializeTestVault -Register Default, Other

    function Get-SecretNames {
        # The names of the secrets of one vault, sorted.
        param([Parameter(Mandatory)][string] $Vault)
        @(Get-SecretInfo -Vault $Vault -ErrorAction Stop | ForEach-Object Name | Sort-Object)
    }

    function Remove-OnHubOnly {
        # What the Hub page or Remove-HubAccessToken without -RemoveSecret does: the token goes, the secret stays.
        param([Parameter(Mandatory)] $Token)
        Remove-HubAccessToken -Id $Token.Id -Force
    }
}

AfterAll {
    Disconnect-HubAccount -ErrorAction SilentlyContinue
    $script:Vaults.Restore()
}

Describe 'Get-HubAccessTokenSecret and Remove-HubAccessTokenSecret' {
    BeforeAll {
        $script:Other = New-TestAccount -Prefix 'orphb'
        $otherSession = Connect-TestAccount $script:Other -With @{ PassThru = $true }
        $script:Account = New-TestAccount -Prefix 'orpha'
        Connect-TestAccount $script:Account | Out-Null
        $user = $script:Account.Username

        $script:Live = New-HubAccessToken -Label 'live'
        $script:Gone = New-HubAccessToken -Label 'gone'
        $script:GoneOther = New-HubAccessToken -Label 'gone-elsewhere' -Vault $Vaults.Other
        Remove-OnHubOnly $script:Gone
        Remove-OnHubOnly $script:GoneOther

        # Another account's orphan, in the same vault: never this session's to call an orphan.
        $theirs = New-HubAccessToken -Label 'theirs' -Session $otherSession
        Remove-HubAccessToken -Id $theirs.Id -Session $otherSession -Force
        # Same user name, another Hub: its token cannot be checked here.
        Set-Secret -Name "DockerHub-$user-elsewhere" -Vault $Vaults.Default -Secret ([pscredential]::new($user, (ConvertTo-SecureString 'x' -AsPlainText -Force))) `
            -Metadata @{ TokenId = [guid]::NewGuid().ToString(); Label = 'elsewhere'; Username = $user; HubUri = 'https://hub.docker.com/' }
        # An organization token's secret (Kind and Organization say so): the personal token list cannot judge it.
        Set-Secret -Name "DockerHub-acme-ci" -Vault $Vaults.Default -Secret ([pscredential]::new('acme', (ConvertTo-SecureString 'x' -AsPlainText -Force))) `
            -Metadata @{ TokenId = [guid]::NewGuid().ToString(); Label = 'ci'; Username = $user; HubUri = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/') + '/'
                Kind = 'OrganizationAccessToken'; Organization = 'acme' }
        # Not saved by this module at all.
        Set-Secret -Name 'unrelated' -Vault $Vaults.Default -Secret 'not a token'

        $script:AllNames = @{
            Default = Get-SecretNames $Vaults.Default
            Other   = Get-SecretNames $Vaults.Other
        }
    }

    It 'lists this account''s secrets with -Orphaned true only for tokens gone from Hub' {
        $found = @(Get-HubAccessTokenSecret)

        $found | ForEach-Object { $_ | Should -BeOfType ([DockerHubPat.HubAccessTokenSecret]) }
        @($found | ForEach-Object { "$($_.Vault)/$($_.Name)/$($_.Orphaned)" } | Sort-Object) | Should -Be @(
            "$($Vaults.Other)/$($GoneOther.SecretName)/True"
            "$($Vaults.Default)/$($Gone.SecretName)/True"
            "$($Vaults.Default)/$($Live.SecretName)/False"
        ) -Because 'another account''s and another Hub''s secrets, and secrets without TokenId, are not this session''s'
        $entry = $found | Where-Object TokenId -EQ $Gone.Id
        $entry.Label | Should -Be 'gone'
        $entry.Username | Should -Be $Account.Username
        $entry.HubUri.GetLeftPart('Authority') | Should -Be $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
        "$entry" | Should -Be "secret '$($Gone.SecretName)' in vault '$($Vaults.Default)'"
    }

    It '-Orphaned outputs only the secrets whose token is gone; -Vault limits the search' {
        @(Get-HubAccessTokenSecret -Orphaned | ForEach-Object TokenId | Sort-Object) |
            Should -Be @(@($Gone.Id, $GoneOther.Id) | Sort-Object)
        @(Get-HubAccessTokenSecret -Orphaned -Vault $Vaults.Other).TokenId | Should -Be @($GoneOther.Id)
    }

    It 'shows Vault, Name, Orphaned and Label in an 80-column table' {
        $table = Get-HubAccessTokenSecret -Orphaned -Vault $Vaults.Other | Format-Table | Out-String -Width 80
        $table | Should -Match 'Vault\s+Name\s+Orphaned\s+Label'
        # Long names are cut with an ellipsis so the label stays in view.
        $table | Should -Match ([regex]::Escape($GoneOther.SecretName.Substring(0, 30)) + '\S*\s+True\s+gone-elsewhere')
        $table -split "`n" | ForEach-Object { $_.TrimEnd().Length | Should -BeLessOrEqual 80 }
    }

    It '-WhatIf names each orphaned secret and removes nothing' {
        $text = Get-HostText { Get-HubAccessTokenSecret -Orphaned | Remove-HubAccessTokenSecret -WhatIf }

        @($text -split "`n" | Where-Object { $_ -like 'What if:*' }) | Should -HaveCount 2
        $text | Should -BeLike "*secret '$($Gone.SecretName)' in vault '$($Vaults.Default)', saved for access token 'gone' ($($Gone.Id)), which no longer exists on Docker Hub*"
        Get-SecretNames $Vaults.Default | Should -Be $AllNames.Default
        Get-SecretNames $Vaults.Other | Should -Be $AllNames.Other
    }

    It 'removes the orphaned secrets, and only those' {
        Get-HubAccessTokenSecret -Orphaned | Remove-HubAccessTokenSecret -Confirm:$false

        Get-SecretNames $Vaults.Default | Should -Be @($AllNames.Default | Where-Object { $_ -ne $Gone.SecretName })
        Get-SecretNames $Vaults.Other | Should -Be @($AllNames.Other | Where-Object { $_ -ne $GoneOther.SecretName })
        Get-HubAccessTokenSecret -Orphaned | Should -BeNullOrEmpty
        @(Get-HubAccessTokenSecret).TokenId | Should -Be @($Live.Id)
        # The other account still finds its own orphan.
        (Get-HubAccessTokenSecret -Orphaned -Session $otherSession).Label | Should -Be 'theirs'
    }

    It 'asks before removing (ConfirmImpact High); -Force removes without asking' {
        $command = Get-Command Remove-HubAccessTokenSecret
        $command.ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false).ConfirmImpact |
            Should -Be 'High'
        $made = New-HubAccessToken -Label 'forced'
        Remove-OnHubOnly $made

        Get-HubAccessTokenSecret -Orphaned | Remove-HubAccessTokenSecret -Force

        Get-SecretNames $Vaults.Default | Should -Not -Contain $made.SecretName
    }
}

Describe 'Remove-HubAccessToken without -RemoveSecret' {
    BeforeAll {
        $script:Account = New-TestAccount -Prefix 'orphv'
        Connect-TestAccount $script:Account | Out-Null
    }

    It 'notes in the verbose stream the secrets it leaves behind, naming secret and vault' {
        $one = New-HubAccessToken -Label 'left-1'
        $two = New-HubAccessToken -Label 'left-2' -Vault $Vaults.Other

        $verbose = @($one, $two | Remove-HubAccessToken -Force -Verbose 4>&1 | ForEach-Object Message)

        $verbose | Where-Object { $_ -like "The secret '$($one.SecretName)' in vault '$($Vaults.Default)' was saved for access token 'left-1' ($($one.Id)) and is still there*" } |
            Should -HaveCount 1
        $verbose | Where-Object { $_ -like "The secret '$($two.SecretName)' in vault '$($Vaults.Other)'*is still there*Get-HubAccessTokenSecret -Orphaned*" } |
            Should -HaveCount 1
        Get-SecretNames $Vaults.Default | Should -Contain $one.SecretName
        Get-SecretNames $Vaults.Other | Should -Contain $two.SecretName
    }

    It 'says nothing about secrets with -RemoveSecret, which removes them' {
        $made = New-HubAccessToken -Label 'removed-with'
        $verbose = @(Remove-HubAccessToken -Id $made -Force -RemoveSecret -Verbose 4>&1 | ForEach-Object Message)
        $verbose | Where-Object { $_ -like '*is still there*' } | Should -BeNullOrEmpty
        Get-SecretNames $Vaults.Default | Should -Not -Contain $made.SecretName
    }
}

Describe 'Locked vaults where nobody can answer (fresh pwsh -NonInteractive)' {
    It 'the verbose note skips a locked vault without a prompt; Get-HubAccessTokenSecret reports it with SecretVaultLocked and lists the rest' {
        $account = New-TestAccount -Prefix 'orphl'
        $result = Invoke-InFreshPwsh -ArgumentList $account.Username, $account.Password, $InitializeTestVault {
            param($User, $Password, $Init)
            $vaults = & $Init -Register Default, Other
            Connect-HubAccount -Credential ([pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))) -HubUri $env:DOCKERHUBPAT_TEST_HUB
            $open = New-HubAccessToken -Label 'in-open-vault'
            $locked = New-HubAccessToken -Label 'in-locked-vault' -Vault $vaults.Other
            # SecretStore's default: a password, and a prompt when a locked vault is read.
            Protect-TestVault -VaultName $vaults.Other -Password (ConvertTo-SecureString 'vault-pw' -AsPlainText -Force)
            Remove-HubAccessToken -Id $open.Id, $locked.Id -Force -Verbose
            Write-Output ([pscustomobject]@{ Step = 'listed'; Found = @(Get-HubAccessTokenSecret -Orphaned -ErrorAction Continue | ForEach-Object Name) })
            Write-Output ([pscustomobject]@{ Step = 'stored'; Found = @(Get-TestVaultStoreEntry -VaultName $vaults.Other | ForEach-Object Name) })
            Write-Output ([pscustomobject]@{ Step = 'names'; Found = @($open.SecretName, $locked.SecretName) })
        }

        $result.Terminated | Should -BeFalse -Because ($result.Error | Out-String)
        $result.StdOut | Should -Not -BeLike '*requires a password*' -Because 'a verbose note or a listing never starts a prompt that nobody can answer'
        $names = ($result.Output | Where-Object Step -EQ 'names').Found
        $result.Verbose | Where-Object { $_ -like "The secret '$($names[0])' in vault 'TestVault'*is still there*" } | Should -HaveCount 1
        $result.Verbose | Where-Object { $_ -like "*vault 'OtherVault' is locked, so it was not searched*" } | Should -HaveCount 1
        ($result.Output | Where-Object Step -EQ 'listed').Found | Should -Be @($names[0])
        ($result.Output | Where-Object Step -EQ 'stored').Found | Should -Be @($names[1]) -Because 'the locked vault keeps its secret'
        @($result.Error | Where-Object { $_.FullyQualifiedErrorId -like 'SecretVaultLocked,*' }) | Should -HaveCount 1
    }
}
