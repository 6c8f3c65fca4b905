# Test helpers over the vault's process-wide store. The store type comes from the nested extension
# module, which PowerShell loads before this root module.
Set-StrictMode -Version Latest

function Clear-TestVaultStore {
    <#
    .SYNOPSIS
    Forgets the secrets of one vault, or of every vault, in this process.
    #>
    [CmdletBinding()]
    param([string] $VaultName)
    [DockerHubPat.TestVault.MemoryStore]::Clear($VaultName)
}

function Get-TestVaultStoreEntry {
    <#
    .SYNOPSIS
    What the vault holds, bypassing SecretManagement: one object per secret with VaultName, Name,
    Type and Metadata (a hashtable, or $null). Values are left out unless -IncludeValue.
    #>
    [CmdletBinding()]
    param(
        [string] $VaultName,
        [switch] $IncludeValue
    )
    foreach ($vault in [DockerHubPat.TestVault.MemoryStore]::VaultNames()) {
        if ($VaultName -and $vault -ne $VaultName) { continue }
        foreach ($name in [DockerHubPat.TestVault.MemoryStore]::Names($vault)) {
            $entry = [DockerHubPat.TestVault.MemoryStore]::Get($vault, $name)
            if ($null -eq $entry) { continue }
            $result = [ordered]@{
                VaultName = $vault
                Name      = $entry.Name
                Type      = $entry.Type
                Metadata  = if ($entry.Metadata) { $entry.Metadata.Clone() } else { $null }
            }
            if ($IncludeValue) { $result.Value = $entry.Value }
            [pscustomobject] $result
        }
    }
}
