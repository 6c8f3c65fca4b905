# TEST-ONLY stand-in for Microsoft.PowerShell.SecretManagement (the real module is published on the
# PowerShell Gallery only). Written from the public documentation; see ../README.md.
# Never ship this: it exists so DockerHubPat's tests can run where the Gallery cannot be reached.
@{
    RootModule           = 'Microsoft.PowerShell.SecretManagement.psm1'
    # The version of the real module whose documentation this follows.
    ModuleVersion        = '1.1.2'
    GUID                 = '6f3b2a0e-52c1-4c8e-9a55-0c7d8e4b1f27'
    Author               = 'DockerHubPat tests'
    Description          = 'TEST-ONLY stand-in for Microsoft.PowerShell.SecretManagement, written from its public documentation.'
    PowerShellVersion    = '7.0'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('Microsoft.PowerShell.SecretManagement.format.ps1xml')
    FunctionsToExport    = @(
        'Register-SecretVault', 'Unregister-SecretVault', 'Get-SecretVault', 'Set-SecretVaultDefault', 'Test-SecretVault',
        'Unlock-SecretVault', 'Set-Secret', 'Get-Secret', 'Get-SecretInfo', 'Set-SecretInfo', 'Remove-Secret'
    )
    CmdletsToExport      = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        # Lets tests and tools tell this stand-in from the real module.
        DockerHubPatStandIn = $true
        PSData              = @{ Tags = @('SecretManagement', 'TestOnly') }
    }
}
