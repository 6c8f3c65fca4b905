# TEST-ONLY SecretManagement extension vault for DockerHubPat's tests. Secrets live in process memory only.
# Laid out as the SecretManagement design notes describe: the five vault functions come from the nested
# module '<ModuleName>.Extension', which this manifest loads but does not export, so they never hide the
# SecretManagement commands of the same names. Works with the real module and with the stand-in beside it.
@{
    RootModule        = 'DockerHubPat.TestVault.psm1'
    NestedModules     = @('DockerHubPat.TestVault.Extension/DockerHubPat.TestVault.Extension.psd1')
    ModuleVersion     = '1.0.0'
    GUID              = 'b7e1c4d2-3a9f-4f61-8d0e-2c5a7b9e6f13'
    Author            = 'DockerHubPat tests'
    Description       = 'TEST-ONLY in-memory SecretManagement extension vault (VaultParameters: FailOnWrite, Unavailable, NoMetadata).'
    PowerShellVersion = '7.0'
    # Test helpers only; the vault functions stay inside the nested module.
    FunctionsToExport = @('Clear-TestVaultStore', 'Get-TestVaultStoreEntry', 'Set-TestVaultStoreEntry', 'Protect-TestVault', 'Lock-TestVault')
    CmdletsToExport   = @()
    VariablesToExport = @()
    AliasesToExport   = @()
    PrivateData       = @{ PSData = @{ Tags = @('SecretManagement', 'TestOnly') } }
}
