<#
TEST-ONLY SecretManagement extension vault functions for DockerHubPat's tests.

The function names and parameters are the extension contract from the SecretManagement design notes:
each takes -VaultName and -AdditionalParameters (the vault's registered VaultParameters, plus Verbose when
the caller asked for it). SecretManagement calls them; nothing else should.

Secrets are kept in memory only, in a static .NET dictionary shared by the whole process, because
SecretManagement runs extension functions in a runspace of its own: test code in another runspace still
sees the same store through the helpers of the parent module. Nothing is ever written to disk.

VaultParameters that change behaviour, for tests:
  FailOnWrite = $true   writes (Set-Secret, Set-SecretInfo, Remove-Secret) fail: the vault is read-only
  Unavailable = $true   every call fails and Test-SecretVault returns $false with an error
  NoMetadata  = $true   the vault refuses secret metadata, like a vault without metadata support
  Store       = <name>  the in-memory store to use instead of the vault's own (the SecretStore stand-in's)

A vault can also be password-protected, like SecretStore (Protect-TestVault in the parent module): while it
is locked, Test-SecretVault throws PasswordRequiredException, and reads and writes either prompt through
the caller's host ("Vault <name> requires a password." / "Enter password:") or, when the vault does not
allow prompting, throw PasswordRequiredException. Unlock-SecretVault unlocks it for its PasswordTimeout.
#>

Set-StrictMode -Version Latest

if (-not ('DockerHubPat.TestVault.VaultLocks' -as [type])) {
    Add-Type -TypeDefinition (Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot '../VaultStore.cs'))
}

#region Helpers

function Test-VaultFlag([hashtable] $AdditionalParameters, [string] $Flag) {
    if ($null -eq $AdditionalParameters -or -not $AdditionalParameters.ContainsKey($Flag)) { return $false }
    $value = $AdditionalParameters[$Flag]
    if ($value -is [string]) { return $value -in 'true', '1', 'yes', 'on', '$true' }
    [bool] $value
}

function Set-VerboseFromParameters([hashtable] $AdditionalParameters) {
    # SecretManagement passes the caller's -Verbose as AdditionalParameters.Verbose.
    if ($AdditionalParameters -and $AdditionalParameters.ContainsKey('Verbose') -and $AdditionalParameters['Verbose']) { 'Continue' }
    else { 'SilentlyContinue' }
}

function New-VaultError {
    param(
        [string] $Message,
        [string] $ErrorId,
        [System.Management.Automation.ErrorCategory] $Category = 'InvalidOperation',
        [type] $ExceptionType = [System.InvalidOperationException],
        [object] $TargetObject
    )
    [System.Management.Automation.ErrorRecord]::new($ExceptionType::new($Message), $ErrorId, $Category, $TargetObject)
}

function Assert-VaultAvailable([string] $VaultName, [hashtable] $AdditionalParameters) {
    if (Test-VaultFlag $AdditionalParameters 'Unavailable') {
        throw (New-VaultError -ErrorId 'TestVaultUnavailable' -Category ConnectionError -TargetObject $VaultName `
                -Message "Vault $VaultName is unavailable: the test vault was registered with VaultParameters Unavailable = `$true.")
    }
}

function New-PasswordRequired([string] $Message) {
    # The type SecretStore throws; SecretManagement defines it, so callers can recognise a locked vault.
    [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new($Message)
}

$script:SecretStore = 'Microsoft.PowerShell.SecretStore'

function Get-StoreName([string] $VaultName, [hashtable] $AdditionalParameters) {
    # The store behind the vault: its own, or the one named by VaultParameters Store (the SecretStore
    # stand-in passes its single per-user store this way).
    if ($AdditionalParameters -and $AdditionalParameters['Store']) { return [string] $AdditionalParameters['Store'] }
    $VaultName
}

function Get-LockedMessage([string] $VaultName, [string] $Store) {
    if ($Store -eq $script:SecretStore) {
        return "A valid password is required to access the Microsoft.PowerShell.SecretStore vault.`nUse the Unlock-SecretStore cmdlet to provide the required password to access the store."
    }
    "A valid password is required to access the $VaultName vault.`nUse Unlock-SecretVault -Name $VaultName -Password <password> to provide the required password to access the vault."
}

function Get-InvalidPasswordMessage([string] $VaultName, [string] $Store) {
    if ($Store -eq $script:SecretStore) { return 'Unable to unlock Microsoft.PowerShell.SecretStore vault. Password is invalid.' }
    "Unable to unlock vault $VaultName. Password is invalid."
}

function Assert-VaultUnlocked([string] $VaultName, [hashtable] $AdditionalParameters, [System.Management.Automation.PSCmdlet] $Cmdlet) {
    # Like SecretStore: a locked vault prompts through the caller's host when it allows prompting.
    $store = Get-StoreName $VaultName $AdditionalParameters
    if ([DockerHubPat.TestVault.VaultLocks]::IsUnlocked($store)) { return }
    if (-not [DockerHubPat.TestVault.VaultLocks]::AllowsPrompt($store)) { throw (New-PasswordRequired (Get-LockedMessage $VaultName $store)) }
    if (-not [DockerHubPat.TestVault.VaultLocks]::PromptAndUnlock($store, $VaultName, $Cmdlet.Host.UI)) {
        throw (New-PasswordRequired (Get-InvalidPasswordMessage $VaultName $store))
    }
}

function Assert-VaultWritable([string] $VaultName, [string] $Name, [hashtable] $AdditionalParameters) {
    if (Test-VaultFlag $AdditionalParameters 'FailOnWrite') {
        throw (New-VaultError -ErrorId 'TestVaultReadOnly' -Category PermissionDenied -TargetObject $Name `
                -ExceptionType ([System.UnauthorizedAccessException]) `
                -Message "Vault $VaultName is read-only: cannot change secret $Name (the test vault was registered with VaultParameters FailOnWrite = `$true).")
    }
}

function Assert-MetadataSupported([string] $VaultName, [string] $Name, [hashtable] $AdditionalParameters) {
    if (Test-VaultFlag $AdditionalParameters 'NoMetadata') {
        throw (New-VaultError -ErrorId 'TestVaultMetadataNotSupported' -Category NotImplemented -TargetObject $Name `
                -ExceptionType ([System.NotSupportedException]) `
                -Message "Vault $VaultName does not support secret metadata: cannot store metadata for secret $Name.")
    }
}

function Get-SecretKind($Value) {
    if ($Value -is [string]) { return 'String' }
    if ($Value -is [securestring]) { return 'SecureString' }
    if ($Value -is [pscredential]) { return 'PSCredential' }
    if ($Value -is [byte[]]) { return 'ByteArray' }
    if ($Value -is [hashtable]) { return 'Hashtable' }
    'Unknown'
}

function Copy-SecretValue($Value) {
    # Callers get copies, so disposing a returned SecureString never damages the stored one.
    if ($null -eq $Value) { return $null }
    $Value = $Value.psobject.BaseObject
    if ($Value -is [securestring]) { $copy = $Value.Copy(); $copy.MakeReadOnly(); return $copy }
    if ($Value -is [pscredential]) { return [pscredential]::new($Value.UserName, (Copy-SecretValue $Value.Password)) }
    if ($Value -is [byte[]]) { return , ([byte[]] $Value.Clone()) }
    if ($Value -is [hashtable]) {
        $copy = @{}
        foreach ($key in $Value.Keys) { $copy[$key] = Copy-SecretValue $Value[$key] }
        return $copy
    }
    $Value
}

function ConvertTo-StoredMetadata([string] $VaultName, [string] $Name, [hashtable] $Metadata) {
    # Like the documented minimum for metadata: string, int and DateTime values only.
    $copy = @{}
    foreach ($key in $Metadata.Keys) {
        $value = $Metadata[$key]
        if ($null -ne $value) { $value = $value.psobject.BaseObject }
        if ($value -isnot [string] -and $value -isnot [int] -and $value -isnot [datetime]) {
            $actual = if ($null -eq $value) { 'null' } else { $value.GetType().FullName }
            throw (New-VaultError -ErrorId 'TestVaultInvalidMetadata' -Category InvalidArgument -TargetObject $Name `
                    -ExceptionType ([System.ArgumentException]) `
                    -Message "Vault $VaultName cannot store metadata '$key' of secret ${Name}: values must be string, int or DateTime, not $actual.")
        }
        $copy[$key] = $value
    }
    $copy
}

#endregion

#region SecretManagement extension functions

function Get-Secret {
    [CmdletBinding()]
    param(
        [string] $Name,
        [string] $VaultName,
        [hashtable] $AdditionalParameters
    )
    $VerbosePreference = Set-VerboseFromParameters $AdditionalParameters
    Assert-VaultAvailable $VaultName $AdditionalParameters
    Assert-VaultUnlocked $VaultName $AdditionalParameters $PSCmdlet
    $entry = [DockerHubPat.TestVault.MemoryStore]::Get((Get-StoreName $VaultName $AdditionalParameters), $Name)
    if ($null -eq $entry) {
        Write-Verbose "DockerHubPat.TestVault: no secret $Name in vault $VaultName."
        return
    }
    # One object, even for a byte[] secret. (Write-Output -NoEnumerate (...) would wrap it in a List.)
    $copy = Copy-SecretValue $entry.Value
    $PSCmdlet.WriteObject($copy, $false)
}

function Get-SecretInfo {
    [CmdletBinding()]
    param(
        [string] $Filter,
        [string] $VaultName,
        [hashtable] $AdditionalParameters
    )
    $VerbosePreference = Set-VerboseFromParameters $AdditionalParameters
    Assert-VaultAvailable $VaultName $AdditionalParameters
    Assert-VaultUnlocked $VaultName $AdditionalParameters $PSCmdlet
    if ([string]::IsNullOrEmpty($Filter)) { $Filter = '*' }
    $pattern = [WildcardPattern]::new($Filter, [System.Management.Automation.WildcardOptions]::IgnoreCase)
    foreach ($name in [DockerHubPat.TestVault.MemoryStore]::Names((Get-StoreName $VaultName $AdditionalParameters))) {
        if (-not $pattern.IsMatch($name)) { continue }
        $entry = [DockerHubPat.TestVault.MemoryStore]::Get((Get-StoreName $VaultName $AdditionalParameters), $name)
        if ($null -eq $entry) { continue }
        $type = [Microsoft.PowerShell.SecretManagement.SecretType] $entry.Type
        if ($null -ne $entry.Metadata) {
            [Microsoft.PowerShell.SecretManagement.SecretInformation]::new($entry.Name, $type, $VaultName, [hashtable] $entry.Metadata.Clone())
        }
        else {
            [Microsoft.PowerShell.SecretManagement.SecretInformation]::new($entry.Name, $type, $VaultName)
        }
    }
}

function Set-Secret {
    [CmdletBinding()]
    param(
        [string] $Name,
        [object] $Secret,
        [string] $VaultName,
        [hashtable] $AdditionalParameters,
        [hashtable] $Metadata
    )
    $VerbosePreference = Set-VerboseFromParameters $AdditionalParameters
    Assert-VaultAvailable $VaultName $AdditionalParameters
    Assert-VaultUnlocked $VaultName $AdditionalParameters $PSCmdlet
    Assert-VaultWritable $VaultName $Name $AdditionalParameters
    $storedMetadata = $null
    if ($Metadata -and $Metadata.Count -gt 0) {
        Assert-MetadataSupported $VaultName $Name $AdditionalParameters
        $storedMetadata = ConvertTo-StoredMetadata $VaultName $Name $Metadata
    }
    $kind = Get-SecretKind $Secret
    if ($kind -eq 'Unknown') {
        $actual = if ($null -eq $Secret) { 'null' } else { $Secret.GetType().FullName }
        throw (New-VaultError -ErrorId 'TestVaultInvalidSecretType' -Category InvalidArgument -TargetObject $Name `
                -ExceptionType ([System.ArgumentException]) `
                -Message "Vault $VaultName cannot store secret ${Name} of type $actual.")
    }
    # A write replaces the whole secret: value and metadata.
    $stored = [DockerHubPat.TestVault.StoredSecret]::new($Name, (Copy-SecretValue $Secret), $kind, $storedMetadata)
    [DockerHubPat.TestVault.MemoryStore]::Set((Get-StoreName $VaultName $AdditionalParameters), $stored)
    Write-Verbose "DockerHubPat.TestVault: stored $kind secret $Name in vault $VaultName."
}

function Set-SecretInfo {
    [CmdletBinding()]
    param(
        [string] $Name,
        [hashtable] $Metadata,
        [string] $VaultName,
        [hashtable] $AdditionalParameters
    )
    $VerbosePreference = Set-VerboseFromParameters $AdditionalParameters
    Assert-VaultAvailable $VaultName $AdditionalParameters
    Assert-VaultUnlocked $VaultName $AdditionalParameters $PSCmdlet
    Assert-MetadataSupported $VaultName $Name $AdditionalParameters
    Assert-VaultWritable $VaultName $Name $AdditionalParameters
    $entry = [DockerHubPat.TestVault.MemoryStore]::Get((Get-StoreName $VaultName $AdditionalParameters), $Name)
    if ($null -eq $entry) {
        throw (New-VaultError -ErrorId 'TestVaultSecretNotFound' -Category ObjectNotFound -TargetObject $Name `
                -ExceptionType ([System.Management.Automation.ItemNotFoundException]) `
                -Message "The secret $Name was not found in vault $VaultName.")
    }
    $storedMetadata = if ($Metadata) { ConvertTo-StoredMetadata $VaultName $Name $Metadata } else { @{} }
    [DockerHubPat.TestVault.MemoryStore]::Set((Get-StoreName $VaultName $AdditionalParameters),
        [DockerHubPat.TestVault.StoredSecret]::new($entry.Name, $entry.Value, $entry.Type, $storedMetadata))
    Write-Verbose "DockerHubPat.TestVault: replaced the metadata of secret $Name in vault $VaultName."
}

function Remove-Secret {
    [CmdletBinding()]
    param(
        [string] $Name,
        [string] $VaultName,
        [hashtable] $AdditionalParameters
    )
    $VerbosePreference = Set-VerboseFromParameters $AdditionalParameters
    Assert-VaultAvailable $VaultName $AdditionalParameters
    Assert-VaultUnlocked $VaultName $AdditionalParameters $PSCmdlet
    Assert-VaultWritable $VaultName $Name $AdditionalParameters
    if (-not [DockerHubPat.TestVault.MemoryStore]::Remove((Get-StoreName $VaultName $AdditionalParameters), $Name)) {
        throw (New-VaultError -ErrorId 'TestVaultSecretNotFound' -Category ObjectNotFound -TargetObject $Name `
                -ExceptionType ([System.Management.Automation.ItemNotFoundException]) `
                -Message "The secret $Name was not found in vault $VaultName.")
    }
    Write-Verbose "DockerHubPat.TestVault: removed secret $Name from vault $VaultName."
}

function Test-SecretVault {
    [CmdletBinding()]
    param(
        [string] $VaultName,
        [hashtable] $AdditionalParameters
    )
    $VerbosePreference = Set-VerboseFromParameters $AdditionalParameters
    if (Test-VaultFlag $AdditionalParameters 'Unavailable') {
        Write-Error -ErrorId 'TestVaultUnavailable' -Category ConnectionError -TargetObject $VaultName `
            -Message "Vault $VaultName is unavailable: the test vault was registered with VaultParameters Unavailable = `$true."
        return $false
    }
    # Never prompts, like SecretStore's: a locked vault fails the test.
    $store = Get-StoreName $VaultName $AdditionalParameters
    if (-not [DockerHubPat.TestVault.VaultLocks]::IsUnlocked($store)) { throw (New-PasswordRequired (Get-LockedMessage $VaultName $store)) }
    $true
}

function Unlock-SecretVault {
    [CmdletBinding()]
    param(
        [securestring] $Password,
        [string] $VaultName,
        [hashtable] $AdditionalParameters
    )
    $VerbosePreference = Set-VerboseFromParameters $AdditionalParameters
    $store = Get-StoreName $VaultName $AdditionalParameters
    if (-not [DockerHubPat.TestVault.VaultLocks]::TryUnlock($store, $Password, $null)) {
        throw (New-PasswordRequired (Get-InvalidPasswordMessage $VaultName $store))
    }
    Write-Verbose "DockerHubPat.TestVault: vault $VaultName unlocked for $([DockerHubPat.TestVault.VaultLocks]::Configuration($store).PasswordTimeout) seconds."
}

function Unregister-SecretVault {
    [CmdletBinding()]
    param(
        [string] $VaultName,
        [hashtable] $AdditionalParameters
    )
    # Like a real store, the secrets outlive the registration; tests clear them with Clear-TestVaultStore.
    Write-Verbose "DockerHubPat.TestVault: vault $VaultName unregistered; its in-memory secrets are kept."
}

#endregion

Export-ModuleMember -Function 'Get-Secret', 'Get-SecretInfo', 'Set-Secret', 'Set-SecretInfo', 'Remove-Secret', 'Test-SecretVault', 'Unregister-SecretVault', 'Unlock-SecretVault'
