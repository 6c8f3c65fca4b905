#Requires -Version 7.0
<#
.SYNOPSIS
Runs the Pester tests against a built module and one shared Hub emulator.
.DESCRIPTION
build.ps1 runs this in a fresh pwsh so the freshly built DockerHubPat.dll is the one loaded.
Test files get the emulator URL in DOCKERHUBPAT_TEST_HUB and the manifest path in DOCKERHUBPAT_TEST_MODULE.
Writes { passed, failed, skipped, ... } as JSON to -ResultPath and the NUnit XML beside it.
Exit code: 0 when the run passed, 1 otherwise.
.EXAMPLE
dotnet pwsh tests/Pester.ps1 -Path tests/Smoke.Tests.ps1
#>
[CmdletBinding()]
param(
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/DockerHubPat/DockerHubPat.psd1'),
    [string] $EmulatorDll = (Join-Path $PSScriptRoot 'HubEmulator/bin/Release/net10.0/HubEmulator.dll'),
    [string] $ResultPath = (Join-Path $PSScriptRoot '../out/testresults/pester.json'),
    # Test files to run; all of tests/*.Tests.ps1 by default.
    [string[]] $Path = (Join-Path $PSScriptRoot '*.Tests.ps1')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

function Get-PesterManifest {
    # Restore puts Pester in the NuGet global packages folder, which can be moved by config or NUGET_PACKAGES.
    $listing = & dotnet nuget locals global-packages --list
    if ($LASTEXITCODE -ne 0) { throw "'dotnet nuget locals global-packages --list' failed with exit code $LASTEXITCODE." }
    $folder = "$listing" -replace '^\s*global-packages:\s*', ''
    $manifest = Join-Path $folder.Trim() 'pester/5.7.1/tools/Pester.psd1'
    if (-not (Test-Path -LiteralPath $manifest)) {
        throw "Pester 5.7.1 not found at '$manifest'. Run 'dotnet restore DockerHubPat.sln' first."
    }
    $manifest
}

$ModulePath = [IO.Path]::GetFullPath($ModulePath)
$ResultPath = [IO.Path]::GetFullPath($ResultPath)
$resultDir = Split-Path -Parent $ResultPath
if (-not (Test-Path -LiteralPath $ModulePath)) {
    throw "Module manifest not found at '$ModulePath'. Run 'dotnet pwsh ./build.ps1 build' first."
}
New-Item -ItemType Directory -Force -Path $resultDir | Out-Null
# A stale file from an earlier run must never pass for this run's counts.
Remove-Item -LiteralPath $ResultPath -Force -ErrorAction SilentlyContinue

Import-Module (Get-PesterManifest) -RequiredVersion 5.7.1 -Force
Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

$emulator = Start-HubEmulator -EmulatorDll $EmulatorDll -LogPath (Join-Path $resultDir 'emulator.log')
try {
    Write-Host "Hub emulator: $($emulator.Url)"
    $env:DOCKERHUBPAT_TEST_HUB = $emulator.Url
    $env:DOCKERHUBPAT_TEST_MODULE = $ModulePath

    $config = New-PesterConfiguration
    $config.Run.Path = $Path
    $config.Run.PassThru = $true
    $config.Output.Verbosity = 'Detailed'
    $config.TestResult.Enabled = $true
    $config.TestResult.OutputFormat = 'NUnitXml'
    $config.TestResult.OutputPath = Join-Path $resultDir 'pester.nunit.xml'
    # Everything the run shows is also recorded, so a test that lets host text escape (a 'What if:'
    # line not caught by Get-HostText) can be found below. The file goes once it has been read.
    $transcript = Join-Path $resultDir 'pester-host.txt'
    Start-Transcript -LiteralPath $transcript -UseMinimalHeader | Out-Null
    try {
        # Strict mode would leak from this script into every test file; they get PowerShell's defaults instead.
        $run = & { Set-StrictMode -Off; Invoke-Pester -Configuration $config }
    }
    finally {
        Stop-Transcript | Out-Null
    }
}
finally {
    Stop-HubEmulator $emulator
}

$stray = @(Get-Content -LiteralPath $transcript | Where-Object { $_ -like 'What if:*' })
Remove-Item -LiteralPath $transcript -Force
if ($stray.Count) {
    Write-Host "$($stray.Count) 'What if:' line(s) reached the console; a test should catch them with Get-HostText and check them:" -ForegroundColor Red
    $stray | ForEach-Object { Write-Host "  $_" -ForegroundColor Red }
}

function Test-HasFailedTest($Block) {
    @($Block.Tests | Where-Object Result -eq 'Failed').Count -gt 0 -or
        @($Block.Blocks | Where-Object { Test-HasFailedTest $_ }).Count -gt 0
}

# A file that does not load, or an AfterAll that throws after its tests passed, fails no It block,
# so each counts as one failure here. A BeforeAll that throws already fails every test it guards.
$silentBlocks = @($run.FailedBlocks | Where-Object { -not (Test-HasFailedTest $_) }).Count
$counts = [ordered]@{
    passed           = $run.PassedCount
    failed           = $run.FailedCount + $run.FailedContainersCount + $silentBlocks + [int]($stray.Count -gt 0)
    # Inconclusive tests neither passed nor failed: report them with the skipped ones.
    skipped          = $run.SkippedCount + $run.InconclusiveCount
    notRun           = $run.NotRunCount
    total            = $run.TotalCount
    failedBlocks     = $run.FailedBlocksCount
    failedContainers = $run.FailedContainersCount
    result           = if ($stray.Count) { 'Failed' } else { $run.Result }
    strayWhatIfLines = $stray.Count
}
$counts | ConvertTo-Json | Set-Content -LiteralPath $ResultPath -Encoding utf8
# The suite's one-line summary, in the words of build.ps1's closing line but naming the suite.
Write-Host ("Pester: {0} passed, {1} failed, {2} skipped" -f $counts.passed, $counts.failed, $counts.skipped)

exit $(if ($counts.result -eq 'Passed' -and $counts.passed -gt 0) { 0 } else { 1 })
