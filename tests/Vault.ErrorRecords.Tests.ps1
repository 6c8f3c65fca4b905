# What the module leaves in $Error when it talks to SecretManagement. Runbooks inspect $Error, so after
# a command it must hold the module's own records only: not the records of SecretManagement calls the
# module answered itself (a vault without metadata support, the second attempt of a failed write, a
# vault that is down while all vaults are searched). Records the user had before are kept.
# Each test clears $Error, leaves one record of its own, runs one command and asserts the exact contents.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    # Every vault, DownVault included: it makes each search over all vaults write an error.
    $script:Vaults = & (Join-Path $PSScriptRoot 'SecretManagement/Initialize-TestVault.ps1')
    $script:Account = New-TestAccount -Prefix 'errrec'
    Connect-TestAccount $script:Account

    function Start-ErrorLog {
        # An empty $Error with one record of the user's, which must survive the command.
        $global:Error.Clear()
        Write-Error -Message 'the user''s own earlier error' -ErrorId 'UserEarlier' -ErrorAction SilentlyContinue
        $global:Error.Count | Should -Be 1
    }

    function Get-ErrorLogIds {
        @($global:Error | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] })
    }
}

AfterAll {
    Disconnect-HubAccount -ErrorAction SilentlyContinue
    $script:Vaults.Restore()
}

Describe '$Error after vault work' {
    It 'holds nothing new after a save to a vault without metadata support' {
        Start-ErrorLog

        $made = New-HubAccessToken -Label 'no-meta-noise' -Vault $Vaults.NoMetadata -WarningAction SilentlyContinue
        $ids = Get-ErrorLogIds

        $made.Vault | Should -Be $Vaults.NoMetadata
        $ids | Should -Be @('UserEarlier')
    }

    It 'holds only SecretNotSaved after a write the vault refused' {
        Start-ErrorLog

        $made = New-HubAccessToken -Label 'refused-write-noise' -Vault $Vaults.ReadOnly -ErrorAction SilentlyContinue
        $ids = Get-ErrorLogIds

        $made.Id | Should -Not -BeNullOrEmpty
        $ids | Should -Be @('SecretNotSaved', 'UserEarlier')
        $global:Error[0].TargetObject.Id | Should -Be $made.Id
    }

    It 'holds nothing new after -RemoveSecret searched every vault, one of them down' {
        $made = New-HubAccessToken -Label 'remove-noise' -Vault $Vaults.Default
        Start-ErrorLog

        Remove-HubAccessToken -Id $made.Id -RemoveSecret -Force
        $ids = Get-ErrorLogIds

        Get-SecretInfo -Name $made.SecretName -Vault $Vaults.Default | Should -BeNullOrEmpty
        $ids | Should -Be @('UserEarlier')
    }

    It 'holds nothing new after a sign-in whose credential was read with every vault searched, one of them down' {
        $name = 'errrec-login-' + [guid]::NewGuid().ToString('N').Substring(0, 8)
        Set-Secret -Name $name -Vault $Vaults.Default -Secret $Account.Credential
        Start-ErrorLog

        $session = Connect-HubAccount -CredentialSecretName $name -HubUri $Hub -PassThru
        $ids = Get-ErrorLogIds

        $session.Username | Should -Be $Account.Username
        $ids | Should -Be @('UserEarlier')
    }
}
