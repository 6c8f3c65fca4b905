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

function Set-TestVaultStoreEntry {
    <#
    .SYNOPSIS
    Puts a secret into a vault's store, bypassing SecretManagement and the vault's own checks: a
    secret saved before the vault became read-only (BrokenVault), for example.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $VaultName,
        [Parameter(Mandatory)] [string] $Name,
        [Parameter(Mandatory)] [pscredential] $Value,
        [hashtable] $Metadata
    )
    $stored = [DockerHubPat.TestVault.StoredSecret]::new($Name, $Value, 'PSCredential', $Metadata)
    [DockerHubPat.TestVault.MemoryStore]::Set((Get-TestVaultStoreName $VaultName), $stored)
}

function Get-TestVaultStoreName([string] $VaultName) {
    # The SecretStore stand-in keeps one store per user whatever the vault is called; the test vault one per vault.
    $vault = Microsoft.PowerShell.SecretManagement\Get-SecretVault -Name $VaultName -ErrorAction SilentlyContinue | Select-Object -First 1
    if ($vault -and $vault.ModuleName -eq 'Microsoft.PowerShell.SecretStore') { return 'Microsoft.PowerShell.SecretStore' }
    $VaultName
}

function Protect-TestVault {
    <#
    .SYNOPSIS
    Puts a password on a test vault, as SecretStore's default configuration does, and leaves it locked
    (as it is in a new session). -Interaction None makes it fail instead of prompting while locked.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [string] $VaultName,
        [Parameter(Mandatory)] [securestring] $Password,
        [ValidateSet('Prompt', 'None')] [string] $Interaction = 'Prompt',
        [ValidateRange(1, 86400)] [int] $PasswordTimeout = 900
    )
    [DockerHubPat.TestVault.VaultLocks]::Protect($VaultName, $Password, $Interaction -eq 'Prompt', $PasswordTimeout)
}

function Lock-TestVault {
    <#
    .SYNOPSIS
    Ends the unlock window of a password-protected test vault (or of the SecretStore stand-in, by its
    registered vault name), as a new session or the end of its PasswordTimeout would.
    #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $VaultName)
    [DockerHubPat.TestVault.VaultLocks]::Lock((Get-TestVaultStoreName $VaultName))
}
