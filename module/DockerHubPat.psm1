# Loads the compiled module. On PowerShell 7 it goes into a load context of its own, where Flurl,
# Flurl.Http and Otp.NET come from the dependencies folder, so other modules' copies of those libraries,
# of any version and loaded before or after this one, never meet ours (see the README's Compatibility
# section). Windows PowerShell has no load contexts: there the module's initializer resolves its named
# dependencies from the same folder, for the module alone.

$binaryModule = Join-Path $PSScriptRoot 'DockerHubPat.dll'
$assembly = if ($PSEdition -eq 'Core') {
    # The loader lives in the default context, shared by every copy of DockerHubPat in the session.
    if (-not ('DockerHubPat.LoadContext.ModuleLoadContext' -as [type])) {
        # LoadFrom, not Add-Type: the same default context, without Add-Type's start-up cost.
        $null = [Reflection.Assembly]::LoadFrom((Join-Path $PSScriptRoot 'DockerHubPat.LoadContext.dll'))
    }
    [DockerHubPat.LoadContext.ModuleLoadContext]::LoadModule($binaryModule)
}
else {
    [Reflection.Assembly]::LoadFrom($binaryModule)
}

# 'Import-Module DockerHubPat -Force' leaves the cmdlets' module from the last import behind, and importing
# the same assembly again would then hand back that one without its cmdlets in this scope.
$stale = (Get-Module -All).Where({ $_.ImplementingAssembly -eq $assembly })
if ($stale) { Remove-Module -ModuleInfo $stale -Force }
# Module-qualified, so a proxy function named Import-Module never decides how the module loads.
$binary = Microsoft.PowerShell.Core\Import-Module -Assembly $assembly -PassThru
Export-ModuleMember -Cmdlet @($binary.ExportedCmdlets.Keys)
