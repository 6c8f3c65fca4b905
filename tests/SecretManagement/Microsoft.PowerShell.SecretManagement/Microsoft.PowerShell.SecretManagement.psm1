#Requires -Version 7.0
<#
TEST-ONLY stand-in for Microsoft.PowerShell.SecretManagement.

Written from the module's public documentation (command reference and design notes), not from its code.
It keeps the documented command contract: names, parameters, parameter sets, pipeline input, output types,
the vault registry under the user's home, and delegation of every secret operation to the registered
vault's '<ModuleName>.Extension' nested module, which runs in a separate runspace as in the real module.
See ../README.md for what differs from the real module.

Every failure is written as a NON-terminating error, even where the real module may stop the command:
callers that need to stop must use -ErrorAction Stop (or $ErrorActionPreference = 'Stop', which these
functions take from their caller as compiled cmdlets do), and that works the same against both.
#>

Set-StrictMode -Version Latest

if (-not ('Microsoft.PowerShell.SecretManagement.SecretInformation' -as [type])) {
    Add-Type -TypeDefinition (Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot 'SecretManagementTypes.cs'))
}

$script:RequiredFunctions = @('Get-Secret', 'Get-SecretInfo', 'Set-Secret', 'Remove-Secret', 'Test-SecretVault')
$script:OptionalFunctions = @('Set-SecretInfo', 'Unregister-SecretVault', 'Unlock-SecretVault')
$script:RunspaceSlot = 'Microsoft.PowerShell.SecretManagement.StandIn.ExtensionRunspaces'
$script:ExtensionCache = @{}
$script:NoVaultsWarning = 'There are currently no extension vaults registered. At least one vault must be registered before SecretManagement can add or retrieve secrets. You can download SecretManagement extension vault modules from PowerShellGallery. https://aka.ms/SecretManagementVaults'

#region Errors

function New-SecretError {
    param(
        [Parameter(Mandatory)] [string] $Message,
        [Parameter(Mandatory)] [string] $ErrorId,
        [System.Management.Automation.ErrorCategory] $Category = 'InvalidOperation',
        [object] $TargetObject,
        [Exception] $InnerException,
        [type] $ExceptionType = [System.Management.Automation.PSInvalidOperationException]
    )
    # A locked vault's own error is what users see, as quoted in SecretStore's issues:
    # "Get-Secret: A valid password is required to access the Microsoft.PowerShell.SecretStore vault."
    for ($cause = $InnerException; $cause; $cause = $cause.InnerException) {
        if ($cause -is [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]) {
            return [System.Management.Automation.ErrorRecord]::new($cause, $ErrorId, $Category, $TargetObject)
        }
    }
    $exception = if ($InnerException) { $ExceptionType::new($Message, $InnerException) } else { $ExceptionType::new($Message) }
    [System.Management.Automation.ErrorRecord]::new($exception, $ErrorId, $Category, $TargetObject)
}

function Get-VaultNotFoundError([string] $VaultName) {
    New-SecretError -Message "Vault $VaultName does not exist in registry." -ErrorId 'SecretVaultNotFound' `
        -Category ObjectNotFound -TargetObject $VaultName -ExceptionType ([System.Management.Automation.ItemNotFoundException])
}

#endregion

#region Registry

function Get-RegistryDirectory {
    if ($IsWindows) {
        $localAppData = $env:LOCALAPPDATA
        if (-not $localAppData) { $localAppData = [Environment]::GetFolderPath('LocalApplicationData') }
        return Join-Path $localAppData 'Microsoft/PowerShell/secretmanagement/secretvaultregistry'
    }
    # Read HOME on every call (the automatic $HOME is fixed at start-up) so tests can point it elsewhere.
    $homeDir = $env:HOME
    if (-not $homeDir) { $homeDir = [Environment]::GetFolderPath('UserProfile') }
    Join-Path $homeDir '.secretmanagement/secretvaultregistry'
}

function Get-RegistryFilePath { Join-Path (Get-RegistryDirectory) 'vaultinfo.json' }

function Read-VaultRegistry {
    # Returns @{ DefaultVaultName = <string or ''>; Vaults = <ordered dictionary, name -> entry hashtable> }.
    $path = Get-RegistryFilePath
    $registry = @{ DefaultVaultName = ''; Vaults = [ordered]@{} }
    if (-not (Test-Path -LiteralPath $path -PathType Leaf)) { return $registry }
    $text = Get-Content -Raw -LiteralPath $path
    if ([string]::IsNullOrWhiteSpace($text)) { return $registry }
    $data = ConvertFrom-Json -InputObject $text -AsHashtable -Depth 20
    if ($data.ContainsKey('DefaultVaultName') -and $data.DefaultVaultName) { $registry.DefaultVaultName = [string] $data.DefaultVaultName }
    if ($data.ContainsKey('Vaults') -and $data.Vaults) {
        foreach ($name in @($data.Vaults.Keys | Sort-Object)) {
            $entry = $data.Vaults[$name]
            $parameters = @{}
            if ($entry.ContainsKey('VaultParameters') -and $entry.VaultParameters) {
                foreach ($key in $entry.VaultParameters.Keys) { $parameters[$key] = $entry.VaultParameters[$key] }
            }
            $registry.Vaults[$name] = @{
                Name            = [string] $name
                ModuleName      = [string] $entry.ModuleName
                ModulePath      = [string] $entry.ModulePath
                Description     = if ($entry.ContainsKey('Description')) { [string] $entry.Description } else { '' }
                VaultParameters = $parameters
            }
        }
    }
    $registry
}

function Write-VaultRegistry($Registry) {
    $directory = Get-RegistryDirectory
    if (-not (Test-Path -LiteralPath $directory)) { $null = New-Item -ItemType Directory -Force -Path $directory }
    $vaults = [ordered]@{}
    foreach ($name in $Registry.Vaults.Keys) {
        $entry = $Registry.Vaults[$name]
        $vaults[$name] = [ordered]@{
            ModuleName      = $entry.ModuleName
            ModulePath      = $entry.ModulePath
            Description     = $entry.Description
            VaultParameters = $entry.VaultParameters
        }
    }
    $json = [ordered]@{ Vaults = $vaults; DefaultVaultName = $Registry.DefaultVaultName } | ConvertTo-Json -Depth 20
    $path = Get-RegistryFilePath
    $temp = "$path.$PID.tmp"
    Set-Content -LiteralPath $temp -Value $json -Encoding utf8NoBOM
    Move-Item -LiteralPath $temp -Destination $path -Force
}

function Find-VaultEntry($Registry, [string] $Name) {
    # Vault names are matched case-insensitively, like the keys of the registry.
    foreach ($key in $Registry.Vaults.Keys) {
        if ([string]::Equals($key, $Name, [StringComparison]::OrdinalIgnoreCase)) { return $Registry.Vaults[$key] }
    }
    $null
}

function Test-IsDefaultVault($Registry, [string] $Name) {
    [bool] $Registry.DefaultVaultName -and [string]::Equals($Registry.DefaultVaultName, $Name, [StringComparison]::OrdinalIgnoreCase)
}

function ConvertTo-VaultInfo($Registry, $Entry) {
    [Microsoft.PowerShell.SecretManagement.SecretVaultInfo]::new(
        $Entry.Name, $Entry.ModuleName, $Entry.ModulePath, $Entry.Description,
        [hashtable] $Entry.VaultParameters, (Test-IsDefaultVault $Registry $Entry.Name))
}

function Get-VaultSearchOrder($Registry) {
    # The default vault first, then every other vault by name.
    $default = if ($Registry.DefaultVaultName) { Find-VaultEntry $Registry $Registry.DefaultVaultName }
    if ($default) { $default }
    foreach ($entry in $Registry.Vaults.Values) {
        if (-not $default -or $entry.Name -ne $default.Name) { $entry }
    }
}

function Resolve-VaultName($Registry, [string[]] $Name, $Cmdlet) {
    # Matches names or wildcard patterns against the registry; writes an error for each plain name not registered.
    if (-not $Name) { return @($Registry.Vaults.Values) }
    $found = [ordered]@{}
    foreach ($pattern in $Name) {
        $hit = $false
        $wildcard = [WildcardPattern]::new($pattern, [System.Management.Automation.WildcardOptions]::IgnoreCase)
        foreach ($entry in $Registry.Vaults.Values) {
            if ($wildcard.IsMatch($entry.Name)) { $found[$entry.Name] = $entry; $hit = $true }
        }
        if (-not $hit -and -not [WildcardPattern]::ContainsWildcardCharacters($pattern)) {
            $Cmdlet.WriteError((Get-VaultNotFoundError $pattern))
        }
    }
    @($found.Values)
}

#endregion

#region Extension vault hosting

function Get-ExtensionRunspace {
    # Like the real module (1.1 and later), extension vaults run in a dedicated runspace, so a vault
    # cannot rely on the caller's session state. It shares the caller's host, so a vault that must be
    # unlocked prompts where the caller sees it, and fails where the host cannot prompt (-NonInteractive).
    # One per host and process, so re-importing this module reuses it.
    $runspaces = [AppDomain]::CurrentDomain.GetData($script:RunspaceSlot)
    if ($null -eq $runspaces) {
        $runspaces = [System.Collections.Concurrent.ConcurrentDictionary[guid, runspace]]::new()
        [AppDomain]::CurrentDomain.SetData($script:RunspaceSlot, $runspaces)
    }
    $runspace = $null
    if (-not $runspaces.TryGetValue($Host.InstanceId, [ref] $runspace) -or $runspace.RunspaceStateInfo.State -ne 'Opened') {
        $state = [initialsessionstate]::CreateDefault2()
        if ($IsWindows) { $state.ExecutionPolicy = 'Bypass' }
        $runspace = [runspacefactory]::CreateRunspace($Host, $state)
        $runspace.Name = 'SecretManagementExtensions'
        $runspace.Open()
        $runspaces[$Host.InstanceId] = $runspace
    }
    $runspace
}

# Both scripts below run in the extension runspace and catch every terminating error themselves,
# handing it back in $Holder: an exception caught on this side would also land in the caller's
# -ErrorVariable, next to the error this module writes for it.
$script:ExtensionLoader = {
    param([string] $ModulePath, [string] $ModuleName, [string[]] $CommandNames, [hashtable] $Holder)
    Set-StrictMode -Off
    try {
        $module = Get-Module -Name $ModuleName | Where-Object { $_.ModuleBase -eq $ModulePath } | Select-Object -First 1
        if (-not $module) {
            $target = $ModulePath
            foreach ($extension in '.psd1', '.psm1', '.dll') {
                $candidate = Join-Path $ModulePath "$ModuleName$extension"
                if (Test-Path -LiteralPath $candidate -PathType Leaf) { $target = $candidate; break }
            }
            $module = Import-Module -Name $target -PassThru -Force -ErrorAction Stop -WarningAction SilentlyContinue |
                Where-Object Name -eq $ModuleName | Select-Object -First 1
        }
        if (-not $module) { throw "Module '$ModuleName' was not found in '$ModulePath'." }
        $extensionModule = $module.NestedModules | Where-Object Name -eq "$ModuleName.Extension" | Select-Object -First 1
        $commands = @{}
        if ($extensionModule) {
            foreach ($commandName in $CommandNames) {
                if ($extensionModule.ExportedCommands.ContainsKey($commandName)) {
                    $commands[$commandName] = $extensionModule.ExportedCommands[$commandName]
                }
            }
        }
        $Holder.Result = [pscustomobject]@{ HasExtension = [bool] $extensionModule; Commands = $commands }
    }
    catch {
        $Holder.Failure = $_.Exception
    }
}

# '&' runs the function in its own module's scope, where its private helpers live.
$script:ExtensionInvoker = {
    param($ExtensionCommand, [hashtable] $Arguments, [hashtable] $Holder)
    try { & $ExtensionCommand @Arguments }
    catch { $Holder.Failure = $_.Exception }
}

function Get-VaultExtension($Entry) {
    # Loads the vault module in the extension runspace and describes its extension commands.
    # A module that cannot be loaded gives an object whose LoadError says why.
    $runspace = Get-ExtensionRunspace
    $key = '{0}|{1}|{2}' -f $runspace.InstanceId, $Entry.ModulePath, $Entry.ModuleName
    if ($script:ExtensionCache.ContainsKey($key)) { return $script:ExtensionCache[$key] }

    $holder = @{ Result = $null; Failure = $null }
    $ps = [powershell]::Create()
    try {
        $ps.Runspace = $runspace
        $null = $ps.AddScript($script:ExtensionLoader.ToString()).
            AddArgument($Entry.ModulePath).AddArgument($Entry.ModuleName).
            AddArgument([string[]] ($script:RequiredFunctions + $script:OptionalFunctions)).AddArgument($holder)
        $null = $ps.Invoke()
        if (-not $holder.Failure -and -not $holder.Result -and $ps.Streams.Error.Count -gt 0) { $holder.Failure = $ps.Streams.Error[0].Exception }
    }
    finally {
        $ps.Dispose()
    }
    if ($holder.Failure -or -not $holder.Result) {
        $reason = if ($holder.Failure) { $holder.Failure.Message } else { 'the module could not be loaded.' }
        return [pscustomobject]@{
            LoadError                = [System.Management.Automation.PSInvalidOperationException]::new(
                "Could not load and retrieve module information for module: $($Entry.ModuleName) with error : $reason", $holder.Failure)
            HasExtension             = $false
            Commands                 = @{}
            Missing                  = $script:RequiredFunctions
            SetSecretAcceptsMetadata = $false
        }
    }
    $commands = $holder.Result.Commands
    $setSecret = $null
    if ($commands.ContainsKey('Set-Secret')) { $setSecret = $commands['Set-Secret'] }
    $extension = [pscustomobject]@{
        LoadError                = $null
        HasExtension             = $holder.Result.HasExtension
        Commands                 = $commands
        Missing                  = @($script:RequiredFunctions | Where-Object { -not $commands.ContainsKey($_) })
        SetSecretAcceptsMetadata = [bool] ($setSecret -and $setSecret.Parameters.ContainsKey('Metadata'))
    }
    if ($extension.HasExtension -and $extension.Missing.Count -eq 0) { $script:ExtensionCache[$key] = $extension }
    $extension
}

function Get-AdditionalParameters($Entry, [bool] $Verbose) {
    $parameters = @{}
    foreach ($key in $Entry.VaultParameters.Keys) { $parameters[$key] = $Entry.VaultParameters[$key] }
    if ($Verbose) { $parameters['Verbose'] = $true }
    $parameters
}

function Invoke-VaultExtension {
    # Runs one extension command for one vault. Returns Output (objects as written, never enumerated),
    # Errors (non-terminating error records) and Failure (the exception that stopped it, if any).
    param(
        [Parameter(Mandatory)] $Entry,
        [Parameter(Mandatory)] [string] $Command,
        [hashtable] $Parameters = @{},
        [bool] $VerboseOn,
        $Extension
    )
    if (-not $Extension) { $Extension = Get-VaultExtension $Entry }
    $output = [System.Collections.Generic.List[object]]::new()
    $errors = @()
    if ($Extension.LoadError) {
        return [pscustomobject]@{ Output = $output; Errors = $errors; Failure = $Extension.LoadError }
    }
    if (-not $Extension.Commands.ContainsKey($Command)) {
        $failure = [System.Management.Automation.PSNotSupportedException]::new(
            "The extension vault module $($Entry.ModuleName).Extension does not implement $Command.")
        return [pscustomobject]@{ Output = $output; Errors = $errors; Failure = $failure }
    }
    $arguments = @{ VaultName = $Entry.Name; AdditionalParameters = (Get-AdditionalParameters $Entry $VerboseOn) }
    foreach ($key in $Parameters.Keys) { $arguments[$key] = $Parameters[$key] }

    $holder = @{ Failure = $null }
    $ps = [powershell]::Create()
    try {
        $ps.Runspace = Get-ExtensionRunspace
        $null = $ps.AddScript($script:ExtensionInvoker.ToString()).
            AddArgument($Extension.Commands[$Command]).AddArgument($arguments).AddArgument($holder)
        foreach ($item in $ps.Invoke()) {
            if ($null -eq $item) { continue }
            $base = $item.psobject.BaseObject
            if ($base -is [System.Management.Automation.PSCustomObject]) { $output.Add($item) } else { $output.Add($base) }
        }
        $errors = @($ps.Streams.Error)
        foreach ($record in $ps.Streams.Verbose) { Write-Verbose $record.Message }
        foreach ($record in $ps.Streams.Warning) { Write-Warning $record.Message }
    }
    finally {
        $ps.Dispose()
    }
    [pscustomobject]@{ Output = $output; Errors = $errors; Failure = $holder.Failure }
}

function Test-ExtensionFailed($Result) {
    # Older extension vaults report failure by writing $false instead of an error.
    $null -ne $Result.Failure -or
        ($Result.Output.Count -gt 0 -and $Result.Output[$Result.Output.Count - 1] -is [bool] -and -not $Result.Output[$Result.Output.Count - 1])
}

function Get-FailureException($Result, [string] $Fallback) {
    if ($Result.Failure) { return $Result.Failure }
    if ($Result.Errors.Count -gt 0) { return $Result.Errors[0].Exception }
    [System.Management.Automation.PSInvalidOperationException]::new($Fallback)
}

#endregion

#region Secret values

function Get-SecretTypeName($Value) {
    if ($Value -is [string]) { return 'String' }
    if ($Value -is [securestring]) { return 'SecureString' }
    if ($Value -is [pscredential]) { return 'PSCredential' }
    if ($Value -is [byte[]]) { return 'ByteArray' }
    if ($Value -is [hashtable]) { return 'Hashtable' }
    'Unknown'
}

function Test-SecretValue($Value) {
    # Returns an error message when the value is not one of the documented secret types, else $null.
    $supported = 'byte[], String, SecureString, PSCredential, Hashtable'
    $type = Get-SecretTypeName $Value
    if ($type -eq 'Unknown') {
        $actual = if ($null -eq $Value) { 'null' } else { $Value.GetType().FullName }
        return "The secret object type $actual is not supported. Supported types are $supported."
    }
    if ($type -eq 'Hashtable') {
        foreach ($key in $Value.Keys) {
            $entryType = Get-SecretTypeName $Value[$key]
            if ($entryType -in 'Unknown', 'Hashtable') {
                return "The object type for Hashtable entry '$key' is not supported. Supported types are byte[], string, SecureString, PSCredential."
            }
        }
    }
    $null
}

function Test-MetadataValue([hashtable] $Metadata) {
    # Returns an error message for the first value that is not a string, int or DateTime, else $null.
    foreach ($key in $Metadata.Keys) {
        $value = $Metadata[$key]
        if ($null -ne $value) { $value = $value.psobject.BaseObject }
        if ($value -isnot [string] -and $value -isnot [int] -and $value -isnot [datetime]) {
            $actual = if ($null -eq $value) { 'null' } else { $value.GetType().FullName }
            return "Metadata entry '$key' has type $actual. Secret metadata values must be of type string, int or DateTime."
        }
    }
    $null
}

function ConvertTo-ReturnedSecret($Value, [bool] $AsPlainText) {
    # Strings and SecureStrings come back as SecureString unless -AsPlainText, also inside hashtables.
    # Values are returned behind a unary comma so that a byte[] is not enumerated on the way out.
    if ($Value -is [string]) {
        if ($AsPlainText) { return $Value }
        return ConvertTo-SecureString -String $Value -AsPlainText -Force
    }
    if ($Value -is [securestring]) {
        if ($AsPlainText) { return (ConvertFrom-SecureString -SecureString $Value -AsPlainText) }
        return $Value
    }
    if ($Value -is [hashtable]) {
        $copy = @{}
        foreach ($key in $Value.Keys) {
            $item = $Value[$key]
            if ($item -is [string] -or $item -is [securestring]) { $item = ConvertTo-ReturnedSecret $item $AsPlainText }
            $copy[$key] = $item
        }
        return $copy
    }
    , $Value
}

#endregion

#region Caller preferences

function Import-CallerPreference {
    # Dot-source this first in every public command. Compiled cmdlets, like the real module's, follow the
    # caller's $ErrorActionPreference (and the other preference variables); functions of a script module
    # would see only the global ones. Explicit -ErrorAction/-Verbose/... still win.
    param([Parameter(Mandatory)] [System.Management.Automation.PSCmdlet] $Cmdlet)
    $preferences = @{
        ErrorActionPreference = 'ErrorAction'
        WarningPreference     = 'WarningAction'
        InformationPreference = 'InformationAction'
        VerbosePreference     = 'Verbose'
        DebugPreference       = 'Debug'
        ConfirmPreference     = 'Confirm'
        WhatIfPreference      = 'WhatIf'
    }
    foreach ($pair in $preferences.GetEnumerator()) {
        if ($Cmdlet.MyInvocation.BoundParameters.ContainsKey($pair.Value)) { continue }
        $callerVariable = $Cmdlet.SessionState.PSVariable.Get($pair.Key)
        if ($callerVariable) { Set-Variable -Name $pair.Key -Value $callerVariable.Value -Scope 0 -WhatIf:$false -Confirm:$false }
    }
}

#endregion

#region Vault registration commands

function Register-SecretVault {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Position = 0)]
        [string] $Name,

        [Parameter(Mandatory, Position = 1)]
        [string] $ModuleName,

        [hashtable] $VaultParameters,

        [switch] $DefaultVault,

        [switch] $AllowClobber,

        [switch] $PassThru,

        [string] $Description
    )
    . Import-CallerPreference $PSCmdlet

    # Find the module: a path (absolute or relative to the current location) or a name on PSModulePath.
    $moduleBase = $null
    $resolvedName = $null
    $looksLikePath = $ModuleName.IndexOfAny([char[]] '/\') -ge 0 -or $ModuleName.StartsWith('.') -or
        [IO.Path]::IsPathRooted($ModuleName)
    if ($looksLikePath) {
        $full = $PSCmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($ModuleName)
        if (Test-Path -LiteralPath $full -PathType Container) {
            $moduleBase = $full.TrimEnd([char[]] '/\')
            $resolvedName = Split-Path -Leaf $moduleBase
        }
        elseif (Test-Path -LiteralPath $full -PathType Leaf) {
            $moduleBase = Split-Path -Parent $full
            $resolvedName = [IO.Path]::GetFileNameWithoutExtension($full)
        }
    }
    else {
        $available = Get-Module -ListAvailable -Name $ModuleName | Sort-Object Version -Descending | Select-Object -First 1
        if ($available) {
            $moduleBase = $available.ModuleBase
            $resolvedName = $available.Name
        }
    }
    if (-not $moduleBase) {
        $PSCmdlet.WriteError((New-SecretError -ErrorId 'RegisterSecretVaultCannotFindModule' -Category ObjectNotFound -TargetObject $ModuleName `
                    -Message "Could not load and retrieve module information for module: $ModuleName with error : The specified module '$ModuleName' was not loaded because no valid module file was found in any module directory."))
        return
    }
    if (-not $Name) { $Name = $resolvedName }

    if ([WildcardPattern]::ContainsWildcardCharacters($Name)) {
        $PSCmdlet.WriteError((New-SecretError -ErrorId 'RegisterSecretVaultInvalidName' -Category InvalidArgument -TargetObject $Name `
                    -ExceptionType ([System.Management.Automation.PSArgumentException]) -Message "Vault name $Name cannot contain wildcard characters."))
        return
    }
    if ($VaultParameters -and @($VaultParameters.Keys | Where-Object { $_ -eq 'Verbose' }).Count -gt 0) {
        $PSCmdlet.WriteError((New-SecretError -ErrorId 'RegisterSecretVaultInvalidVaultParameters' -Category InvalidArgument -TargetObject $Name `
                    -ExceptionType ([System.Management.Automation.PSArgumentException]) `
                    -Message "The 'Verbose' entry is reserved by SecretManagement and cannot be used in VaultParameters."))
        return
    }

    $registry = Read-VaultRegistry
    $existing = Find-VaultEntry $registry $Name
    if ($existing -and -not $AllowClobber) {
        $PSCmdlet.WriteError((New-SecretError -ErrorId 'RegisterSecretVaultNameInUse' -Category ResourceExists -TargetObject $Name `
                    -Message "Provided Name $Name is already used by a registered vault. Use the AllowClobber parameter to replace it."))
        return
    }

    $entry = @{
        Name            = $Name
        ModuleName      = $resolvedName
        ModulePath      = $moduleBase
        Description     = $Description
        VaultParameters = if ($VaultParameters) { $VaultParameters.Clone() } else { @{} }
    }

    # The module must carry a '<ModuleName>.Extension' nested module with the required functions.
    $extension = Get-VaultExtension $entry
    if ($extension.LoadError) {
        $PSCmdlet.WriteError((New-SecretError -ErrorId 'RegisterSecretVaultCannotLoadModule' -Category ObjectNotFound -TargetObject $Name `
                    -Message $extension.LoadError.Message -InnerException $extension.LoadError.InnerException))
        return
    }
    if (-not $extension.HasExtension -or $extension.Missing.Count -gt 0) {
        $detail = if (-not $extension.HasExtension) {
            "The module has no nested module named $resolvedName.Extension."
        }
        else {
            "The nested module $resolvedName.Extension does not export: $($extension.Missing -join ', ')."
        }
        $PSCmdlet.WriteError((New-SecretError -ErrorId 'RegisterSecretVaultCommandFailed' -Category ObjectNotFound -TargetObject $Name `
                    -Message "Could not find a SecretManagement extension implementing script module. $detail"))
        return
    }

    if (-not $PSCmdlet.ShouldProcess($Name, 'Register module as a SecretManagement extension vault for current user')) { return }

    if ($existing) { $registry.Vaults.Remove($existing.Name) }
    $registry.Vaults[$Name] = $entry
    # The first vault registered becomes the default one.
    if ($DefaultVault -or -not $registry.DefaultVaultName -or $registry.Vaults.Count -eq 1) { $registry.DefaultVaultName = $Name }
    Write-VaultRegistry $registry

    if ($PassThru) { ConvertTo-VaultInfo $registry $entry }
}

function Unregister-SecretVault {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'NameParameterSet')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'NameParameterSet')]
        [SupportsWildcards()]
        [string[]] $Name,

        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName, ParameterSetName = 'SecretVaultParameterSet')]
        [Microsoft.PowerShell.SecretManagement.SecretVaultInfo] $SecretVault
    )
    begin { . Import-CallerPreference $PSCmdlet }
    process {
        $registry = Read-VaultRegistry
        $names = if ($PSCmdlet.ParameterSetName -eq 'SecretVaultParameterSet') { @($SecretVault.Name) } else { $Name }
        foreach ($entry in (Resolve-VaultName $registry $names $PSCmdlet)) {
            if (-not $PSCmdlet.ShouldProcess($entry.Name, 'Unregister vault from SecretManagement for current user')) { continue }
            # Let the vault clean up first, when it offers Unregister-SecretVault; a failure there does not block.
            $extension = Get-VaultExtension $entry
            if ($extension.LoadError) {
                Write-Warning "Could not run Unregister-SecretVault on vault $($entry.Name): $($extension.LoadError.Message)"
            }
            elseif ($extension.Commands.ContainsKey('Unregister-SecretVault')) {
                $result = Invoke-VaultExtension -Entry $entry -Command 'Unregister-SecretVault' -Extension $extension -VerboseOn ($VerbosePreference -ne 'SilentlyContinue')
                if ($result.Failure) { Write-Warning "Vault $($entry.Name) Unregister-SecretVault failed: $($result.Failure.Message)" }
            }
            $registry.Vaults.Remove($entry.Name)
            if (Test-IsDefaultVault $registry $entry.Name) { $registry.DefaultVaultName = '' }
            Write-VaultRegistry $registry
        }
    }
}

function Get-SecretVault {
    [CmdletBinding()]
    [OutputType([Microsoft.PowerShell.SecretManagement.SecretVaultInfo])]
    param(
        [Parameter(Position = 0)]
        [SupportsWildcards()]
        [string[]] $Name
    )
    . Import-CallerPreference $PSCmdlet
    $registry = Read-VaultRegistry
    foreach ($entry in (Resolve-VaultName $registry $Name $PSCmdlet)) { ConvertTo-VaultInfo $registry $entry }
}

function Set-SecretVaultDefault {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'NameParameterSet')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'NameParameterSet')]
        [string] $Name,

        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName, ParameterSetName = 'SecretVaultParameterSet')]
        [Microsoft.PowerShell.SecretManagement.SecretVaultInfo] $SecretVault,

        [Parameter(Mandatory, ParameterSetName = 'ClearParameterSet')]
        [switch] $ClearDefault
    )
    begin { . Import-CallerPreference $PSCmdlet }
    process {
        $registry = Read-VaultRegistry
        if ($PSCmdlet.ParameterSetName -eq 'ClearParameterSet') {
            if ($ClearDefault -and $PSCmdlet.ShouldProcess('SecretManagement vault registry', 'Clear the default vault')) {
                $registry.DefaultVaultName = ''
                Write-VaultRegistry $registry
            }
            return
        }
        $target = if ($PSCmdlet.ParameterSetName -eq 'SecretVaultParameterSet') { $SecretVault.Name } else { $Name }
        $entry = Find-VaultEntry $registry $target
        if (-not $entry) { $PSCmdlet.WriteError((Get-VaultNotFoundError $target)); return }
        if ($PSCmdlet.ShouldProcess($entry.Name, 'Set vault as default')) {
            $registry.DefaultVaultName = $entry.Name
            Write-VaultRegistry $registry
        }
    }
}

function Test-SecretVault {
    [CmdletBinding()]
    [OutputType([bool])]
    param(
        [Parameter(Position = 1, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [SupportsWildcards()]
        [string[]] $Name
    )
    begin { . Import-CallerPreference $PSCmdlet }
    process {
        $registry = Read-VaultRegistry
        if ($registry.Vaults.Count -eq 0) { Write-Warning $script:NoVaultsWarning; return }
        foreach ($entry in (Resolve-VaultName $registry $Name $PSCmdlet)) {
            Write-Verbose "Invoking command Test-SecretVault on module $($entry.ModuleName).Extension"
            $passed = $false
            $result = Invoke-VaultExtension -Entry $entry -Command 'Test-SecretVault' -VerboseOn ($VerbosePreference -ne 'SilentlyContinue')
            # The vault writes its own diagnostics as errors; pass them on.
            foreach ($record in $result.Errors) { $PSCmdlet.WriteError($record) }
            if ($result.Failure) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'TestSecretVaultInvalidOperation' -TargetObject $entry.Name `
                            -Message "Unable to run Test-SecretVault on vault $($entry.Name)" -InnerException $result.Failure))
            }
            elseif ($result.Output.Count -gt 0) {
                # The vault's verdict is the one boolean it writes last.
                $last = $result.Output[$result.Output.Count - 1]
                $passed = $last -is [bool] -and $last
            }
            if ($passed) { Write-Verbose "Vault $($entry.Name) succeeded validation test" }
            else { Write-Verbose "Vault $($entry.Name) failed validation test" }
            $passed
        }
    }
}

function Unlock-SecretVault {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [string] $Name,

        [Parameter(Mandatory, Position = 1)]
        [securestring] $Password
    )
    . Import-CallerPreference $PSCmdlet
    $registry = Read-VaultRegistry
    $entry = Find-VaultEntry $registry $Name
    if (-not $entry) { $PSCmdlet.WriteError((Get-VaultNotFoundError $Name)); return }
    $extension = Get-VaultExtension $entry
    if (-not $extension.LoadError -and -not $extension.Commands.ContainsKey('Unlock-SecretVault')) {
        Write-Warning "Cannot unlock extension vault '$($entry.Name)': The vault does not support the Unlock-SecretVault function."
        return
    }
    $result = Invoke-VaultExtension -Entry $entry -Command 'Unlock-SecretVault' -Parameters @{ Password = $Password } -Extension $extension -VerboseOn ($VerbosePreference -ne 'SilentlyContinue')
    foreach ($record in $result.Errors) { $PSCmdlet.WriteError($record) }
    if (Test-ExtensionFailed $result) {
        $PSCmdlet.WriteError((New-SecretError -ErrorId 'UnlockSecretVaultInvalidOperation' -TargetObject $entry.Name `
                    -Message "Unable to unlock vault $($entry.Name)" `
                    -InnerException (Get-FailureException $result "The vault $($entry.Name) reported failure.")))
    }
}

#endregion

#region Secret commands

function Set-Secret {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'SecureStringParameterSet')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'SecureStringParameterSet')]
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'ObjectParameterSet')]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'ObjectParameterSet')]
        [object] $Secret,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'SecureStringParameterSet')]
        [securestring] $SecureStringSecret,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'SecretInfoParameterSet')]
        [Microsoft.PowerShell.SecretManagement.SecretInformation] $SecretInfo,

        [Parameter(Position = 1, ParameterSetName = 'SecureStringParameterSet')]
        [Parameter(Position = 1, ParameterSetName = 'ObjectParameterSet')]
        [Parameter(Mandatory, Position = 1, ParameterSetName = 'SecretInfoParameterSet')]
        [string] $Vault,

        [Parameter(Position = 2, ParameterSetName = 'SecureStringParameterSet')]
        [Parameter(Position = 2, ParameterSetName = 'ObjectParameterSet')]
        [hashtable] $Metadata,

        [switch] $NoClobber
    )
    begin { . Import-CallerPreference $PSCmdlet }
    process {
        $verbose = $VerbosePreference -ne 'SilentlyContinue'
        $registry = Read-VaultRegistry

        # Work out the name, the value and the metadata to store.
        switch ($PSCmdlet.ParameterSetName) {
            'SecureStringParameterSet' { $secretName = $Name; $value = $SecureStringSecret; $secretMetadata = $Metadata }
            'ObjectParameterSet' {
                # Assigned, not returned from an if-expression, which would enumerate a byte[].
                $secretName = $Name; $value = $null; $secretMetadata = $Metadata
                if ($null -ne $Secret) { $value = $Secret.psobject.BaseObject }
            }
            'SecretInfoParameterSet' {
                # Copy a secret described by Get-SecretInfo from its vault into -Vault, metadata included.
                $secretName = $SecretInfo.Name
                $sourceEntry = Find-VaultEntry $registry $SecretInfo.VaultName
                if (-not $sourceEntry) { $PSCmdlet.WriteError((Get-VaultNotFoundError $SecretInfo.VaultName)); return }
                $read = Invoke-VaultExtension -Entry $sourceEntry -Command 'Get-Secret' -Parameters @{ Name = $secretName } -VerboseOn $verbose
                if ($read.Failure -or $read.Output.Count -eq 0) {
                    $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretGetSourceSecretFailed' -TargetObject $secretName `
                                -Message "Unable to get secret $secretName from vault $($SecretInfo.VaultName)" -InnerException $read.Failure))
                    return
                }
                $value = $read.Output[0]
                $secretMetadata = $null
                if ($SecretInfo.Metadata -and $SecretInfo.Metadata.Count -gt 0) {
                    $secretMetadata = @{}
                    foreach ($pair in $SecretInfo.Metadata.GetEnumerator()) { $secretMetadata[$pair.Key] = $pair.Value }
                }
            }
        }

        # Pick the vault: -Vault, else the default vault.
        if ($registry.Vaults.Count -eq 0) { Write-Warning $script:NoVaultsWarning }
        if ($Vault) {
            if ([WildcardPattern]::ContainsWildcardCharacters($Vault)) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInvalidVaultName' -Category InvalidArgument -TargetObject $Vault `
                            -ExceptionType ([System.Management.Automation.PSArgumentException]) -Message "Vault name $Vault cannot contain wildcard characters."))
                return
            }
            $entry = Find-VaultEntry $registry $Vault
            if (-not $entry) { $PSCmdlet.WriteError((Get-VaultNotFoundError $Vault)); return }
        }
        else {
            $entry = if ($registry.DefaultVaultName) { Find-VaultEntry $registry $registry.DefaultVaultName }
            if (-not $entry) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretFailNoDefaultVault' -Category InvalidOperation -TargetObject $secretName `
                            -Message 'Unable to set secret because no vault was provided and there is no default vault designated.'))
                return
            }
        }

        # Check the value and the metadata before the vault sees them.
        $problem = Test-SecretValue $value
        if ($problem) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInvalidSecretType' -Category InvalidArgument -TargetObject $secretName `
                        -ExceptionType ([System.Management.Automation.PSArgumentException]) -Message $problem))
            return
        }
        if ($null -ne $secretMetadata) {
            $problem = Test-MetadataValue $secretMetadata
            if ($problem) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInvalidMetadata' -Category InvalidArgument -TargetObject $secretName `
                            -ExceptionType ([System.Management.Automation.PSArgumentException]) -Message "Cannot store secret $secretName. $problem"))
                return
            }
        }

        $extension = Get-VaultExtension $entry
        if ($extension.LoadError) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInvalidOperation' -TargetObject $secretName `
                        -Message "Unable to add secret $secretName to vault $($entry.Name)" -InnerException $extension.LoadError))
            return
        }

        # Metadata goes to the vault's Set-Secret when it takes -Metadata, else through its Set-SecretInfo.
        $hasMetadata = $null -ne $secretMetadata -and $secretMetadata.Count -gt 0
        if ($hasMetadata -and -not $extension.SetSecretAcceptsMetadata -and -not $extension.Commands.ContainsKey('Set-SecretInfo')) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretMetadataCommandNotSupported' -Category NotImplemented -TargetObject $secretName `
                        -ExceptionType ([System.Management.Automation.PSNotSupportedException]) `
                        -Message "Cannot store secret $secretName. Vault $($entry.Name) does not support secret metadata."))
            return
        }

        if (-not $PSCmdlet.ShouldProcess("Vault: $($entry.Name), Secret: $secretName", 'Write secret to vault and override any existing secret of the same name')) { return }

        if ($NoClobber) {
            # As documented, the existing secret is looked up through the vault's own Get-Secret.
            $lookup = Invoke-VaultExtension -Entry $entry -Command 'Get-Secret' -Parameters @{ Name = $secretName } -Extension $extension -VerboseOn $verbose
            if ($lookup.Failure) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInvalidOperation' -TargetObject $secretName `
                            -Message "Unable to add secret $secretName to vault $($entry.Name)" -InnerException $lookup.Failure))
                return
            }
            if ($lookup.Output.Count -gt 0) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretNoClobber' -Category ResourceExists -TargetObject $secretName `
                            -Message "A secret with name $secretName already exists in vault $($entry.Name)."))
                return
            }
        }

        $parameters = @{ Name = $secretName; Secret = $value }
        if ($hasMetadata -and $extension.SetSecretAcceptsMetadata) { $parameters['Metadata'] = $secretMetadata }
        $result = Invoke-VaultExtension -Entry $entry -Command 'Set-Secret' -Parameters $parameters -Extension $extension -VerboseOn $verbose
        if (Test-ExtensionFailed $result) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInvalidOperation' -TargetObject $secretName `
                        -Message "Unable to add secret $secretName to vault $($entry.Name)" `
                        -InnerException (Get-FailureException $result "The vault $($entry.Name) reported failure.")))
            return
        }
        foreach ($record in $result.Errors) { $PSCmdlet.WriteError($record) }

        if ($hasMetadata -and -not $extension.SetSecretAcceptsMetadata) {
            $infoResult = Invoke-VaultExtension -Entry $entry -Command 'Set-SecretInfo' -Parameters @{ Name = $secretName; Metadata = $secretMetadata } -Extension $extension -VerboseOn $verbose
            if (Test-ExtensionFailed $infoResult) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretMetadataFailed' -TargetObject $secretName `
                            -Message "Cannot add secret metadata $secretName to vault $($entry.Name)" `
                            -InnerException (Get-FailureException $infoResult "The vault $($entry.Name) reported failure.")))
                return
            }
        }
        Write-Verbose "Secret $secretName was successfully added to vault $($entry.Name)."
    }
}

function Get-Secret {
    [CmdletBinding(DefaultParameterSetName = 'NameParameterSet')]
    [OutputType([object])]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'NameParameterSet')]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [Parameter(Position = 1, ParameterSetName = 'NameParameterSet')]
        [string] $Vault,

        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'InfoParameterSet')]
        [Microsoft.PowerShell.SecretManagement.SecretInformation] $InputObject,

        [switch] $AsPlainText
    )
    begin { . Import-CallerPreference $PSCmdlet }
    process {
        $verbose = $VerbosePreference -ne 'SilentlyContinue'
        $registry = Read-VaultRegistry
        if ($PSCmdlet.ParameterSetName -eq 'InfoParameterSet') { $secretName = $InputObject.Name; $vaultName = $InputObject.VaultName }
        else { $secretName = $Name; $vaultName = $Vault }

        if ($registry.Vaults.Count -eq 0) { Write-Warning $script:NoVaultsWarning }
        if ($vaultName) {
            $entry = Find-VaultEntry $registry $vaultName
            if (-not $entry) { $PSCmdlet.WriteError((Get-VaultNotFoundError $vaultName)); return }
            $entries = @($entry)
        }
        else {
            $entries = @(Get-VaultSearchOrder $registry)
        }

        # The name is taken literally: wildcard characters are not patterns here.
        foreach ($entry in $entries) {
            $result = Invoke-VaultExtension -Entry $entry -Command 'Get-Secret' -Parameters @{ Name = $secretName } -VerboseOn $verbose
            if ($result.Failure) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'GetSecretInvalidOperation' -TargetObject $secretName `
                            -Message "Unable to get secret $secretName from vault $($entry.Name)" -InnerException $result.Failure))
                continue
            }
            foreach ($record in $result.Errors) { $PSCmdlet.WriteError($record) }
            if ($result.Output.Count -gt 0 -and $null -ne $result.Output[0]) {
                Write-Verbose "Secret $secretName was successfully retrieved from vault $($entry.Name)."
                # Written whole: a byte[] secret must come back as one object.
                $PSCmdlet.WriteObject((ConvertTo-ReturnedSecret $result.Output[0] $AsPlainText.IsPresent), $false)
                return
            }
        }
        $PSCmdlet.WriteError((New-SecretError -ErrorId 'GetSecretNotFound' -Category ObjectNotFound -TargetObject $secretName `
                    -ExceptionType ([System.Management.Automation.ItemNotFoundException]) -Message "The secret $secretName was not found."))
    }
}

function Get-SecretInfo {
    [CmdletBinding()]
    [OutputType([Microsoft.PowerShell.SecretManagement.SecretInformation])]
    param(
        [Parameter(Position = 0)]
        [SupportsWildcards()]
        [string] $Name,

        [Parameter(Position = 1)]
        [string] $Vault
    )
    . Import-CallerPreference $PSCmdlet
    $verbose = $VerbosePreference -ne 'SilentlyContinue'
    $registry = Read-VaultRegistry
    $filter = if ([string]::IsNullOrEmpty($Name)) { '*' } else { $Name }
    if ($registry.Vaults.Count -eq 0) { Write-Warning $script:NoVaultsWarning; return }
    if ($Vault) {
        $entry = Find-VaultEntry $registry $Vault
        if (-not $entry) { $PSCmdlet.WriteError((Get-VaultNotFoundError $Vault)); return }
        $entries = @($entry)
    }
    else {
        $entries = @($registry.Vaults.Values)
    }
    foreach ($entry in $entries) {
        $result = Invoke-VaultExtension -Entry $entry -Command 'Get-SecretInfo' -Parameters @{ Filter = $filter } -VerboseOn $verbose
        if ($result.Failure) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'GetSecretInfoInvalidOperation' -TargetObject $entry.Name `
                        -Message "Unable to get secret information from vault $($entry.Name)" -InnerException $result.Failure))
            continue
        }
        foreach ($record in $result.Errors) { $PSCmdlet.WriteError($record) }
        foreach ($item in $result.Output) {
            # Vaults may write the array whole; pass on each SecretInformation.
            foreach ($info in @($item)) {
                if ($info -is [Microsoft.PowerShell.SecretManagement.SecretInformation]) { $info }
            }
        }
    }
}

function Set-SecretInfo {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'NameParameterSet')]
    param(
        [Parameter(Mandatory, Position = 0, ParameterSetName = 'NameParameterSet')]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [Parameter(Mandatory, Position = 1, ValueFromPipeline)]
        [hashtable] $Metadata,

        [Parameter(Position = 2, ParameterSetName = 'NameParameterSet')]
        [string] $Vault,

        [Parameter(Mandatory, ValueFromPipeline, ParameterSetName = 'InfoParameterSet')]
        [Microsoft.PowerShell.SecretManagement.SecretInformation] $InputObject
    )
    begin { . Import-CallerPreference $PSCmdlet }
    process {
        $verbose = $VerbosePreference -ne 'SilentlyContinue'
        $registry = Read-VaultRegistry
        if ($PSCmdlet.ParameterSetName -eq 'InfoParameterSet') { $secretName = $InputObject.Name; $vaultName = $InputObject.VaultName }
        else { $secretName = $Name; $vaultName = $Vault }

        if ($vaultName) {
            $entry = Find-VaultEntry $registry $vaultName
            if (-not $entry) { $PSCmdlet.WriteError((Get-VaultNotFoundError $vaultName)); return }
        }
        else {
            $entry = if ($registry.DefaultVaultName) { Find-VaultEntry $registry $registry.DefaultVaultName }
            if (-not $entry) {
                $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInfoFailNoDefaultVault' -TargetObject $secretName `
                            -Message 'Unable to set secret metadata because no vault was provided and there is no default vault designated.'))
                return
            }
        }
        $problem = Test-MetadataValue $Metadata
        if ($problem) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInfoInvalidMetadata' -Category InvalidArgument -TargetObject $secretName `
                        -ExceptionType ([System.Management.Automation.PSArgumentException]) -Message "Cannot set secret metadata $secretName. $problem"))
            return
        }
        $extension = Get-VaultExtension $entry
        if ($extension.LoadError) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInfoInvalidOperation' -TargetObject $secretName `
                        -Message "Cannot set secret metadata $secretName in vault $($entry.Name)" -InnerException $extension.LoadError))
            return
        }
        if (-not $extension.Commands.ContainsKey('Set-SecretInfo')) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInfoMetadataCommandNotSupported' -Category NotImplemented -TargetObject $secretName `
                        -ExceptionType ([System.Management.Automation.PSNotSupportedException]) `
                        -Message "Cannot set secret metadata $secretName. Vault $($entry.Name) does not support secret metadata."))
            return
        }
        if (-not $PSCmdlet.ShouldProcess("Vault: $($entry.Name), Secret: $secretName", 'Set secret metadata')) { return }
        $result = Invoke-VaultExtension -Entry $entry -Command 'Set-SecretInfo' -Parameters @{ Name = $secretName; Metadata = $Metadata } -Extension $extension -VerboseOn $verbose
        if (Test-ExtensionFailed $result) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'SetSecretInfoInvalidOperation' -TargetObject $secretName `
                        -Message "Cannot set secret metadata $secretName in vault $($entry.Name)" `
                        -InnerException (Get-FailureException $result "The vault $($entry.Name) reported failure.")))
            return
        }
        foreach ($record in $result.Errors) { $PSCmdlet.WriteError($record) }
    }
}

function Remove-Secret {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'NameParameterSet')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'NameParameterSet')]
        [ValidateNotNullOrEmpty()]
        [string] $Name,

        [Parameter(Mandatory, Position = 1, ParameterSetName = 'NameParameterSet')]
        [ValidateNotNullOrEmpty()]
        [string] $Vault,

        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ParameterSetName = 'InfoParameterSet')]
        [Microsoft.PowerShell.SecretManagement.SecretInformation] $InputObject
    )
    begin { . Import-CallerPreference $PSCmdlet }
    process {
        $verbose = $VerbosePreference -ne 'SilentlyContinue'
        $registry = Read-VaultRegistry
        if ($PSCmdlet.ParameterSetName -eq 'InfoParameterSet') { $secretName = $InputObject.Name; $vaultName = $InputObject.VaultName }
        else { $secretName = $Name; $vaultName = $Vault }

        $entry = Find-VaultEntry $registry $vaultName
        if (-not $entry) { $PSCmdlet.WriteError((Get-VaultNotFoundError $vaultName)); return }
        if (-not $PSCmdlet.ShouldProcess("Vault: $($entry.Name), Secret: $secretName", 'Remove secret by name from vault')) { return }
        $result = Invoke-VaultExtension -Entry $entry -Command 'Remove-Secret' -Parameters @{ Name = $secretName } -VerboseOn $verbose
        if (Test-ExtensionFailed $result) {
            $PSCmdlet.WriteError((New-SecretError -ErrorId 'RemoveSecretInvalidOperation' -TargetObject $secretName `
                        -Message "Unable to remove secret $secretName from vault $($entry.Name)" `
                        -InnerException (Get-FailureException $result "The vault $($entry.Name) reported failure.")))
            return
        }
        foreach ($record in $result.Errors) { $PSCmdlet.WriteError($record) }
        Write-Verbose "Secret $secretName was successfully removed from vault $($entry.Name)."
    }
}

#endregion

#region Tab completion (vault names)

$vaultNameCompleter = {
    param($commandName, $parameterName, $wordToComplete)
    foreach ($name in (Read-VaultRegistry).Vaults.Keys) {
        if ($name -like "$wordToComplete*") { [System.Management.Automation.CompletionResult]::new($name) }
    }
}
foreach ($command in 'Set-Secret', 'Get-Secret', 'Get-SecretInfo', 'Set-SecretInfo', 'Remove-Secret') {
    Register-ArgumentCompleter -CommandName $command -ParameterName Vault -ScriptBlock $vaultNameCompleter
}
foreach ($command in 'Get-SecretVault', 'Unregister-SecretVault', 'Set-SecretVaultDefault', 'Test-SecretVault', 'Unlock-SecretVault') {
    Register-ArgumentCompleter -CommandName $command -ParameterName Name -ScriptBlock $vaultNameCompleter
}

#endregion

Export-ModuleMember -Function @(
    'Register-SecretVault', 'Unregister-SecretVault', 'Get-SecretVault', 'Set-SecretVaultDefault', 'Test-SecretVault',
    'Unlock-SecretVault', 'Set-Secret', 'Get-Secret', 'Get-SecretInfo', 'Set-SecretInfo', 'Remove-Secret'
)
