@{
    RootModule        = 'DockerHubPat.TestVault.Extension.psm1'
    ModuleVersion     = '1.0.0'
    GUID              = '0d4f8a6b-91c2-47e3-b5a8-6e2f1c9d7a40'
    Author            = 'DockerHubPat tests'
    Description       = 'The SecretManagement functions of DockerHubPat.TestVault.'
    PowerShellVersion = '7.0'
    FunctionsToExport = @('Get-Secret', 'Get-SecretInfo', 'Set-Secret', 'Set-SecretInfo', 'Remove-Secret', 'Test-SecretVault', 'Unregister-SecretVault', 'Unlock-SecretVault')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
}
