@{
    RootModule        = 'Microsoft.PowerShell.SecretStore.Extension.psm1'
    # The vault behaviour is DockerHubPat.TestVault's, pointed at the single SecretStore store.
    NestedModules     = @('../../DockerHubPat.TestVault/DockerHubPat.TestVault.Extension/DockerHubPat.TestVault.Extension.psd1')
    ModuleVersion     = '1.0.6'
    GUID              = '8e5d1b37-6a2c-4c9f-a0e4-3b7f9d2c6e15'
    Author            = 'DockerHubPat tests'
    Description       = 'The SecretManagement functions of the Microsoft.PowerShell.SecretStore stand-in.'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-Secret', 'Get-SecretInfo', 'Set-Secret', 'Set-SecretInfo', 'Remove-Secret', 'Test-SecretVault', 'Unlock-SecretVault')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
