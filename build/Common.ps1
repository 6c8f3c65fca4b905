#Requires -Version 7.0
# Shared by build.ps1, build/HelpBuilder.psm1 and tests/TestHelpers.psm1 (which re-exports them), so
# the build never imports anything from tests/. Dot-source it; it keeps no state.

Set-StrictMode -Version Latest

$script:ReadyPattern = 'HubEmulator listening on (?<url>http://\S+)'

function Get-PwshInvocation {
    <#
    .SYNOPSIS
    How to start another copy of the PowerShell that is running this code.
    .DESCRIPTION
    Under `dotnet pwsh` (the local tool) the process is the dotnet host and pwsh.dll is its
    first argument, so the host path alone would not start PowerShell.
    Returns FilePath and the Arguments that must come before any pwsh arguments.
    #>
    [CmdletBinding()]
    param()

    $processPath = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($processPath) -eq 'pwsh') {
        return [pscustomobject]@{ FilePath = $processPath; Arguments = [string[]]@() }
    }
    [pscustomobject]@{ FilePath = $processPath; Arguments = [string[]]@(Join-Path $PSHOME 'pwsh.dll') }
}

function Start-HubEmulator {
    <#
    .SYNOPSIS
    Starts tests/HubEmulator and waits until it says where it listens.
    .OUTPUTS
    An object with Url (no trailing slash), Process, and Startup (lines printed before it was ready).
    #>
    [CmdletBinding()]
    param(
        [string] $EmulatorDll = (Join-Path $PSScriptRoot '../tests/HubEmulator/bin/Release/net10.0/HubEmulator.dll'),
        [int] $Port,
        [int] $LatencyMs,
        [int] $JwtLifetimeSeconds,
        [string] $SeedFile,
        # More arguments for the emulator, such as --forward-proxy (see tests/HubEmulator/README.md).
        [string[]] $ArgumentList = @(),
        # Stop-HubEmulator writes the emulator's stderr (its warnings and errors) here.
        [string] $LogPath,
        [int] $TimeoutSeconds = 30
    )

    $EmulatorDll = [IO.Path]::GetFullPath($EmulatorDll)
    if (-not (Test-Path -LiteralPath $EmulatorDll -PathType Leaf)) {
        throw "Hub emulator not found at '$EmulatorDll'. Run 'dotnet pwsh ./build.ps1 build' first."
    }

    $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
    $psi.ArgumentList.Add($EmulatorDll)
    if ($PSBoundParameters.ContainsKey('Port')) { $psi.ArgumentList.Add('--port'); $psi.ArgumentList.Add("$Port") }
    if ($PSBoundParameters.ContainsKey('LatencyMs')) { $psi.ArgumentList.Add('--latency-ms'); $psi.ArgumentList.Add("$LatencyMs") }
    if ($PSBoundParameters.ContainsKey('JwtLifetimeSeconds')) { $psi.ArgumentList.Add('--jwt-lifetime-seconds'); $psi.ArgumentList.Add("$JwtLifetimeSeconds") }
    if ($SeedFile) { $psi.ArgumentList.Add('--seed'); $psi.ArgumentList.Add([IO.Path]::GetFullPath($SeedFile)) }
    foreach ($argument in $ArgumentList) { $psi.ArgumentList.Add($argument) }
    # The emulator may read appsettings.json from its content root, which defaults to the working directory.
    $psi.WorkingDirectory = Split-Path -Parent $EmulatorDll
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true

    $process = [Diagnostics.Process]::Start($psi)
    # Nothing should ever wait for console input from the emulator.
    $process.StandardInput.Close()
    # Read stderr in the background from the start so a crash message is available for the error below
    # and a chatty emulator can never block on a full pipe.
    $stderr = $process.StandardError.ReadToEndAsync()

    $startup = [Collections.Generic.List[string]]::new()
    $url = $null
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    try {
        while (-not $url) {
            $remaining = [int]($deadline - [DateTime]::UtcNow).TotalMilliseconds
            if ($remaining -le 0) { throw "timed out after $TimeoutSeconds s" }
            $lineTask = $process.StandardOutput.ReadLineAsync()
            if (-not $lineTask.Wait($remaining)) { throw "timed out after $TimeoutSeconds s" }
            $line = $lineTask.Result
            if ($null -eq $line) { throw 'it exited before it was ready' }
            if ($line -match $script:ReadyPattern) {
                $url = $Matches.url.TrimEnd('/')
            }
            else {
                $startup.Add($line)
            }
        }
    }
    catch {
        $why = $_.Exception.Message
        if (-not $process.HasExited) { $process.Kill($true) }
        $process.WaitForExit(5000) | Out-Null
        $exit = if ($process.HasExited) { " (exit code $($process.ExitCode))" } else { '' }
        $err = if ($stderr.Wait(2000)) { $stderr.Result.Trim() } else { '' }
        throw ("Hub emulator '$EmulatorDll' did not start: $why$exit.`n" +
            "--- stdout ---`n$($startup -join "`n")`n--- stderr ---`n$err")
    }

    # Keep draining stdout after the ready line; an undrained pipe would eventually freeze the emulator.
    $process.StandardOutput.BaseStream.CopyToAsync([IO.Stream]::Null) | Out-Null

    [pscustomobject]@{
        PSTypeName = 'DockerHubPat.Tests.HubEmulator'
        Url        = $url
        Process    = $process
        Startup    = $startup.ToArray()
        StdErr     = $stderr
        LogPath    = if ($LogPath) { [IO.Path]::GetFullPath($LogPath) } else { $null }
    }
}

function Stop-HubEmulator {
    <#
    .SYNOPSIS
    Asks the emulator to shut down, and kills it if it is still alive a few seconds later.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [psobject] $Emulator,
        [int] $GraceSeconds = 5
    )
    process {
        if ($null -eq $Emulator) { return }
        $process = $Emulator.Process
        if (-not $process.HasExited) {
            try {
                Invoke-RestMethod -Method Post -Uri "$($Emulator.Url)/_emulator/shutdown" -TimeoutSec $GraceSeconds -Verbose:$false | Out-Null
            }
            catch {
                Write-Verbose "Shutdown request failed, the emulator will be killed: $($_.Exception.Message)"
            }
            if (-not $process.WaitForExit($GraceSeconds * 1000)) {
                Write-Warning "Hub emulator (pid $($process.Id)) ignored the shutdown request; killing it."
                $process.Kill($true)
                $process.WaitForExit(5000) | Out-Null
            }
        }
        $stderr = if ($Emulator.StdErr.Wait(2000)) { $Emulator.StdErr.Result } else { '' }
        if ($Emulator.LogPath) {
            New-Item -ItemType Directory -Force -Path (Split-Path -Parent $Emulator.LogPath) | Out-Null
            Set-Content -LiteralPath $Emulator.LogPath -Value $stderr -Encoding utf8
        }
        if ($stderr.Trim()) { Write-Verbose "Hub emulator stderr:`n$($stderr.Trim())" }
        $process.Dispose()
    }
}
