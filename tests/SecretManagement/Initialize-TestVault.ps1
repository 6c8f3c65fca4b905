#Requires -Version 7.0
<#
.SYNOPSIS
Isolates SecretManagement for this test process and registers DockerHubPat's in-memory test vaults.

.DESCRIPTION
One call does, for the whole process:
 1. Points HOME (and LOCALAPPDATA on Windows) at a temp folder, so the vault registry that
    SecretManagement keeps under the user's home is a throw-away one. Later calls in the same process
    reuse that folder.
 2. Chooses the implementation: the real Microsoft.PowerShell.SecretManagement when one is installed
    outside tests/ (with -Implementation Auto, the default), else the TEST-ONLY stand-in in this folder,
    whose folder it then puts first on PSModulePath.
 3. Imports it and the test vault helpers (Clear-TestVaultStore, Get-TestVaultStoreEntry) globally.
 4. Unregisters every vault of the temp registry, empties the in-memory test vaults (unless -KeepSecrets),
    and registers, by path, five vaults of tests/SecretManagement/DockerHubPat.TestVault:
      TestVault    the default vault
      OtherVault   a second, ordinary vault
      BrokenVault  VaultParameters FailOnWrite = $true: writes fail (read-only vault)
      NoMetaVault  VaultParameters NoMetadata = $true: secret metadata is refused
      DownVault    VaultParameters Unavailable = $true: every call fails, Test-SecretVault is $false
    and, only when asked for with -Register SecretStore, the Microsoft.PowerShell.SecretStore stand-in in
    this folder as vault SecretStore (for locked-vault tests; its commands are imported globally too).

Returns an object with the vault names (Default, Other, ReadOnly, NoMetadata, Unavailable, SecretStore; Names lists
the ones this call registered),
Implementation ('StandIn' or 'Real'), Home, RegistryPath, VaultModulePath, and a Restore() method that
unregisters the test vaults, removes the modules from the session and puts HOME and PSModulePath back.

The real module may fix its registry path when it is imported, so it must not be imported in this
process before the first call: the script stops with an error rather than touch a real registry.

.EXAMPLE
BeforeAll { $script:Vaults = & "$PSScriptRoot/SecretManagement/Initialize-TestVault.ps1" }
AfterAll  { $script:Vaults.Restore() }
#>
[CmdletBinding()]
param(
    # Folder to use as HOME; a new folder under the temp directory by default.
    [string] $HomePath,

    # Auto: the real module when it is installed, else the stand-in.
    [ValidateSet('Auto', 'StandIn', 'Real')]
    [string] $Implementation = 'Auto',

    # Which test vaults to register, by role; all five by default. DownVault (Unavailable) makes every
    # search over all vaults (Get-Secret or Get-SecretInfo without -Vault) write an error, so leave it out
    # where that noise is not wanted.
    [ValidateSet('Default', 'Other', 'ReadOnly', 'NoMetadata', 'Unavailable', 'SecretStore')]
    [string[]] $Register = @('Default', 'Other', 'ReadOnly', 'NoMetadata', 'Unavailable'),

    # Only isolate and import; register no vault.
    [switch] $NoRegister,

    # Keep the secrets that earlier tests left in the in-memory test vaults.
    [switch] $KeepSecrets
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$moduleName = 'Microsoft.PowerShell.SecretManagement'
$standInRoot = [IO.Path]::GetFullPath($PSScriptRoot)
$standInPath = Join-Path $standInRoot $moduleName
$vaultModulePath = Join-Path $standInRoot 'DockerHubPat.TestVault'
$secretStorePath = Join-Path $standInRoot 'Microsoft.PowerShell.SecretStore'
$slotName = 'DockerHubPat.Tests.SecretManagementIsolation'
$pathSeparator = [IO.Path]::PathSeparator

function Test-IsStandIn($Module) {
    $Module.ModuleBase.StartsWith($standInRoot, [StringComparison]::OrdinalIgnoreCase) -or
        ($Module.PrivateData -is [hashtable] -and $Module.PrivateData.ContainsKey('DockerHubPatStandIn'))
}

# What this process had before the first call; kept for Restore().
$state = [AppDomain]::CurrentDomain.GetData($slotName)
$firstCall = $null -eq $state
if ($firstCall) {
    $state = @{
        OriginalHome         = $env:HOME
        OriginalLocalAppData = $env:LOCALAPPDATA
        OriginalPSModulePath = $env:PSModulePath
        Home                 = $null
        CreatedHome          = $false
        Implementation       = $null
    }
}

# Which SecretManagement: the one already loaded decides; else the request, else what is installed.
$loaded = Get-Module -Name $moduleName | Select-Object -First 1
if ($loaded) {
    $loadedKind = if (Test-IsStandIn $loaded) { 'StandIn' } else { 'Real' }
    if ($Implementation -ne 'Auto' -and $Implementation -ne $loadedKind) {
        throw "$moduleName ($loadedKind, from $($loaded.ModuleBase)) is already loaded in this process; start a fresh process to use -Implementation $Implementation."
    }
    if ($loadedKind -eq 'Real' -and $firstCall) {
        throw "The real $moduleName was imported before Initialize-TestVault.ps1 pointed HOME at a temp folder, so it may be using your own vault registry. Run the tests in a fresh process, and call this script before anything uses SecretManagement."
    }
    $chosen = $loadedKind
}
else {
    $real = Get-Module -ListAvailable -Name $moduleName | Where-Object { -not (Test-IsStandIn $_) } |
        Sort-Object Version -Descending | Select-Object -First 1
    $chosen = switch ($Implementation) {
        'StandIn' { 'StandIn' }
        'Real' {
            if (-not $real) { throw "-Implementation Real: no $moduleName is installed outside $standInRoot." }
            'Real'
        }
        default { if ($real) { 'Real' } else { 'StandIn' } }
    }
}

# The SecretManagement types stay loaded after Remove-Module: never mix the two implementations in one process.
$loadedType = 'Microsoft.PowerShell.SecretManagement.SecretInformation' -as [type]
if ($loadedType -and -not $loaded) {
    $typesKind = if ([string]::IsNullOrEmpty($loadedType.Assembly.Location)) { 'StandIn' } else { 'Real' }
    if ($typesKind -ne $chosen) {
        if ($Implementation -ne 'Auto') {
            throw "This process already holds the $typesKind SecretManagement types; start a fresh process to use -Implementation $Implementation."
        }
        $chosen = $typesKind
    }
}

# 1. A throw-away home for the vault registry.
if ($HomePath) {
    $HomePath = [IO.Path]::GetFullPath($HomePath)
    if ($state.Home -and $state.Home -ne $HomePath -and $chosen -eq 'Real' -and $loaded) {
        throw "The real $moduleName already uses '$($state.Home)' in this process; it cannot move to '$HomePath'."
    }
}
elseif ($state.Home) {
    $HomePath = $state.Home
}
else {
    $HomePath = Join-Path ([IO.Path]::GetTempPath()) ('dockerhubpat-secrets-' + [guid]::NewGuid().ToString('N'))
    $state.CreatedHome = $true
}
$null = New-Item -ItemType Directory -Force -Path $HomePath
$env:HOME = $HomePath
if ($IsWindows) {
    $env:LOCALAPPDATA = Join-Path $HomePath 'AppData/Local'
    $null = New-Item -ItemType Directory -Force -Path $env:LOCALAPPDATA
    $registryDirectory = Join-Path $env:LOCALAPPDATA 'Microsoft/PowerShell/secretmanagement/secretvaultregistry'
}
else {
    $registryDirectory = Join-Path $HomePath '.secretmanagement/secretvaultregistry'
}
$state.Home = $HomePath
$state.Implementation = $chosen
[AppDomain]::CurrentDomain.SetData($slotName, $state)

# 2 and 3. Module path and imports. With the real module only the vault is ours, and it is registered
# by path, so PSModulePath stays as it is.
if ($chosen -eq 'StandIn') {
    $entries = @($env:PSModulePath -split [regex]::Escape($pathSeparator) | Where-Object { $_ -and $_ -ne $standInRoot })
    $env:PSModulePath = (@($standInRoot) + $entries) -join $pathSeparator
    if (-not $loaded) { Import-Module -Name $standInPath -Global }
}
elseif (-not $loaded) {
    Import-Module -Name $moduleName -Global
}
if (-not (Get-Module -Name DockerHubPat.TestVault)) {
    Import-Module -Name $vaultModulePath -Global
}
if ('SecretStore' -in $Register -and -not $NoRegister -and -not (Get-Module -Name Microsoft.PowerShell.SecretStore)) {
    Import-Module -Name $secretStorePath -Global
}

# 4. A clean registry and clean vaults, then the test vaults.
foreach ($vault in @(Microsoft.PowerShell.SecretManagement\Get-SecretVault)) {
    Microsoft.PowerShell.SecretManagement\Unregister-SecretVault -Name $vault.Name -Confirm:$false
}
if (-not $KeepSecrets) { DockerHubPat.TestVault\Clear-TestVaultStore }

$vaults = [ordered]@{
    Default     = 'TestVault'
    Other       = 'OtherVault'
    ReadOnly    = 'BrokenVault'
    NoMetadata  = 'NoMetaVault'
    Unavailable = 'DownVault'
    SecretStore = 'SecretStore'
}
if (-not $NoRegister) {
    $registrations = [ordered]@{
        Default     = @{ Name = $vaults.Default; VaultParameters = @{}; DefaultVault = $true; Description = 'DockerHubPat test vault (default)' }
        Other       = @{ Name = $vaults.Other; VaultParameters = @{}; Description = 'DockerHubPat test vault' }
        ReadOnly    = @{ Name = $vaults.ReadOnly; VaultParameters = @{ FailOnWrite = $true }; Description = 'DockerHubPat test vault: read-only' }
        NoMetadata  = @{ Name = $vaults.NoMetadata; VaultParameters = @{ NoMetadata = $true }; Description = 'DockerHubPat test vault: no metadata support' }
        Unavailable = @{ Name = $vaults.Unavailable; VaultParameters = @{ Unavailable = $true }; Description = 'DockerHubPat test vault: unavailable' }
        SecretStore = @{ Name = $vaults.SecretStore; VaultParameters = @{}; Description = 'TEST-ONLY Microsoft.PowerShell.SecretStore stand-in' }
    }
    foreach ($role in $registrations.Keys) {
        if ($role -notin $Register) { continue }
        $registration = $registrations[$role]
        $modulePath = if ($role -eq 'SecretStore') { $secretStorePath } else { $vaultModulePath }
        Microsoft.PowerShell.SecretManagement\Register-SecretVault -ModuleName $modulePath -AllowClobber -Confirm:$false @registration
    }
    # The registry must have landed in the temp home; otherwise undo and stop before anything else runs.
    # (-and and -or bind equally in PowerShell, hence the brackets.)
    $landed = (@($Register).Count -eq 0) -or ((Test-Path -LiteralPath $registryDirectory) -and
        @(Get-ChildItem -LiteralPath $registryDirectory -File -ErrorAction SilentlyContinue).Count -gt 0)
    if (-not $landed) {
        foreach ($name in $vaults.Values) {
            Microsoft.PowerShell.SecretManagement\Unregister-SecretVault -Name $name -Confirm:$false -ErrorAction SilentlyContinue
        }
        throw "$moduleName did not write its vault registry under '$registryDirectory'; the test vaults were unregistered again. It may not honour HOME/LOCALAPPDATA: use -Implementation StandIn."
    }
}

$result = [pscustomobject]@{
    Default         = $vaults.Default
    Other           = $vaults.Other
    ReadOnly        = $vaults.ReadOnly
    NoMetadata      = $vaults.NoMetadata
    Unavailable     = $vaults.Unavailable
    SecretStore     = $vaults.SecretStore
    # The vaults registered by this call (all five unless -Register or -NoRegister said otherwise).
    Names           = [string[]] @(if (-not $NoRegister) { foreach ($role in $vaults.Keys) { if ($role -in $Register) { $vaults[$role] } } })
    Implementation  = $chosen
    Home            = $HomePath
    RegistryPath    = $registryDirectory
    VaultModulePath = $vaultModulePath
}
$result | Add-Member -MemberType ScriptMethod -Name Restore -Value {
    # Undo the isolation: unregister the test vaults, unload the modules, restore the environment.
    $slot = 'DockerHubPat.Tests.SecretManagementIsolation'
    $saved = [AppDomain]::CurrentDomain.GetData($slot)
    if ($null -eq $saved) { return }
    if (Get-Module -Name Microsoft.PowerShell.SecretManagement) {
        foreach ($name in 'TestVault', 'OtherVault', 'BrokenVault', 'NoMetaVault', 'DownVault', 'SecretStore') {
            Microsoft.PowerShell.SecretManagement\Unregister-SecretVault -Name $name -Confirm:$false -ErrorAction SilentlyContinue
        }
    }
    if (Get-Module -Name DockerHubPat.TestVault) { DockerHubPat.TestVault\Clear-TestVaultStore }
    Remove-Module -Name Microsoft.PowerShell.SecretManagement, Microsoft.PowerShell.SecretStore, DockerHubPat.TestVault -Force -ErrorAction SilentlyContinue
    $env:HOME = $saved.OriginalHome
    $env:LOCALAPPDATA = $saved.OriginalLocalAppData
    $env:PSModulePath = $saved.OriginalPSModulePath
    if ($saved.CreatedHome -and $saved.Home -and (Test-Path -LiteralPath $saved.Home)) {
        Remove-Item -LiteralPath $saved.Home -Recurse -Force -ErrorAction SilentlyContinue
    }
    [AppDomain]::CurrentDomain.SetData($slot, $null)
}
$result
