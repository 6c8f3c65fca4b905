# TEST-ONLY stand-in for Microsoft.PowerShell.SecretStore (published on the PowerShell Gallery only),
# written from its public documentation; see ../README.md. Its secrets live in DockerHubPat.TestVault's
# in-memory store, in one store per process (the real one keeps one per user, on disk).
@{
    RootModule           = 'Microsoft.PowerShell.SecretStore.psm1'
    NestedModules        = @('Microsoft.PowerShell.SecretStore.Extension/Microsoft.PowerShell.SecretStore.Extension.psd1')
    # The version of the real module whose documentation this follows.
    ModuleVersion        = '1.0.6'
    GUID                 = '2c4e7a91-0d3b-4f58-b6a2-9e1f7c3d5a80'
    Author               = 'DockerHubPat tests'
    Description          = 'TEST-ONLY stand-in for Microsoft.PowerShell.SecretStore, written from its public documentation.'
    PowerShellVersion    = '7.0'
    CompatiblePSEditions = @('Core')
    FunctionsToExport    = @('Get-SecretStoreConfiguration', 'Set-SecretStoreConfiguration', 'Unlock-SecretStore')
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        DockerHubPatStandIn = $true
        PSData              = @{ Tags = @('SecretManagement', 'TestOnly') }
    }
}
