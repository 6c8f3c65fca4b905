# The smallest end-to-end check: the built folder imports and a real sign-in round-trips through the emulator.
BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
}

Describe 'DockerHubPat module' {
    It 'is imported from the built folder' {
        $module = Get-Module DockerHubPat
        $module | Should -Not -BeNullOrEmpty
        $module.ModuleBase | Should -Be (Split-Path -Parent $env:DOCKERHUBPAT_TEST_MODULE)
    }

    It 'exports the cmdlet <_>' -ForEach @(
        'Connect-HubAccount', 'Disconnect-HubAccount', 'Get-HubAccount', 'Get-HubAccessToken', 'New-HubAccessToken',
        'Rename-HubAccessToken', 'Enable-HubAccessToken', 'Disable-HubAccessToken', 'Remove-HubAccessToken',
        'Get-HubAccessTokenSecret', 'Remove-HubAccessTokenSecret'
    ) {
        Get-Command -Name $_ -Module DockerHubPat -CommandType Cmdlet -ErrorAction SilentlyContinue |
            Should -Not -BeNullOrEmpty
    }
}

Describe 'Connect-HubAccount' {
    AfterAll {
        # Leave no session behind for the next file, even if the sign-in test failed half way.
        if (Get-Command Disconnect-HubAccount -ErrorAction SilentlyContinue) {
            Disconnect-HubAccount -ErrorAction SilentlyContinue
        }
    }

    It 'signs in to the emulator and returns the session' {
        $account = New-TestAccount
        $session = Connect-HubAccount -Credential $account.Credential -HubUri $env:DOCKERHUBPAT_TEST_HUB -PassThru
        $session.Username | Should -Be $account.Username
    }
}
