#Requires -Version 7.0
<#
.SYNOPSIS
Builds, tests and demonstrates the DockerHubPat module.
.DESCRIPTION
  build  restore, compile the module with the manifest's version, assemble out/DockerHubPat/, build the emulator
         and the test module tests/OldFlurl
  test   build, then the xunit tests and the Pester tests; ends with 'Tests: N passed, N failed, N skipped'
  demo   build, then run tests/Demo.ps1 against a fresh Hub emulator, with a throw-away vault it registers
         in a temporary home and removes again
  package  build, then publish the module folder to a throw-away local repository and keep the nupkg
           as out/DockerHubPat.<version>.nupkg, ready for Publish-PSResource -NupkgPath
  bench  build, then time DockerHubPat against a plain Invoke-RestMethod script on a Hub emulator
         (see bench/README.md); -LatencyMs, -TokenCount, -RemoveCount and -RateLimitPerMinute shape it
.EXAMPLE
dotnet tool restore; dotnet pwsh ./build.ps1 test
.EXAMPLE
dotnet pwsh ./build.ps1 bench -LatencyMs 50 -RateLimitPerMinute 120
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('build', 'test', 'demo', 'package', 'bench')]
    [string] $Task = 'build',
    [string] $Configuration = 'Release',
    # bench only: the emulator's delay before answering each Hub request.
    [ValidateRange(0, 10000)]
    [int] $LatencyMs = 25,
    # bench only: tokens in the account the listing scenario reads.
    [ValidateRange(1, 10000)]
    [int] $TokenCount = 1000,
    # bench only: tokens the removal scenarios delete.
    [ValidateRange(1, 10000)]
    [int] $RemoveCount = 300,
    # bench only: the emulator's rate limit during the rate-limited removal.
    [ValidateRange(1, 100000)]
    [int] $RateLimitPerMinute = 200
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# Exit codes are checked by hand so a failing xunit run can still be followed by Pester.
$PSNativeCommandUseErrorActionPreference = $false

$Root = $PSScriptRoot
$ModuleSource = Join-Path $Root 'module'
$ModuleOut = Join-Path $Root 'out/DockerHubPat'
$ResultsDir = Join-Path $Root 'out/testresults'
$ModuleProject = Join-Path $Root 'src/DockerHubPat/DockerHubPat.csproj'
$LoaderProject = Join-Path $Root 'src/DockerHubPat.LoadContext/DockerHubPat.LoadContext.csproj'
$EmulatorProject = Join-Path $Root 'tests/HubEmulator/HubEmulator.csproj'
# A binary module built against an older Flurl.Http, for tests/Isolation.Tests.ps1.
$OldFlurlProject = Join-Path $Root 'tests/OldFlurl/OldFlurl.csproj'
$UnitTestProject = Join-Path $Root 'tests/DockerHubPat.Tests/DockerHubPat.Tests.csproj'
$EmulatorDll = Join-Path $Root "tests/HubEmulator/bin/$Configuration/net10.0/HubEmulator.dll"
# Read from the manifest by the build task; the tests are built with the same version.
$Version = $null

. (Join-Path $Root 'build/Common.ps1')

function Invoke-Native {
    # Output goes to the host so callers' return values stay clean.
    param([Parameter(Mandatory)][string] $Command, [string[]] $Arguments)
    Write-Host "> $Command $($Arguments -join ' ')" -ForegroundColor DarkGray
    & $Command @Arguments | Out-Host
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

function Invoke-FreshPwsh {
    # A new process loads the DockerHubPat.dll just built, never one an earlier build left in this session.
    # It shares this console, so its colours and progress show as they happen.
    param([string[]] $Arguments)
    $pwsh = Get-PwshInvocation
    $psi = [Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
    foreach ($a in @($pwsh.Arguments) + $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $process = [Diagnostics.Process]::Start($psi)
    $process.WaitForExit()
    $process.ExitCode
}

function Get-ModuleVersion {
    $manifest = Join-Path $ModuleSource 'DockerHubPat.psd1'
    if (-not (Test-Path -LiteralPath $manifest)) { throw "Module manifest '$manifest' is missing." }
    (Import-PowerShellDataFile -LiteralPath $manifest).ModuleVersion
}

function Copy-ModuleAssembly {
    # DockerHubPat.dll and its loader go at the top of the module folder; every library it needs goes
    # into dependencies/, which only the module's own resolvers read (see module/DockerHubPat.psm1).
    # The csproj keeps PowerShellStandard.Library out of the output (ExcludeAssets=runtime), so every
    # other dll there is a runtime dependency.
    $targetDir = Join-Path $Root "src/DockerHubPat/bin/$Configuration/netstandard2.0"
    $loaderDir = Join-Path $Root "src/DockerHubPat.LoadContext/bin/$Configuration/net8.0"
    $dependencies = Join-Path $ModuleOut 'dependencies'
    New-Item -ItemType Directory -Path $dependencies | Out-Null
    # The pdbs give line numbers in stack traces from the module's own code.
    $own = (Join-Path $targetDir 'DockerHubPat.dll'), (Join-Path $targetDir 'DockerHubPat.pdb'),
        (Join-Path $loaderDir 'DockerHubPat.LoadContext.dll'), (Join-Path $loaderDir 'DockerHubPat.LoadContext.pdb')
    Copy-Item -LiteralPath $own -Destination $ModuleOut
    Get-ChildItem -LiteralPath $targetDir -Filter '*.dll' | Where-Object Name -ne 'DockerHubPat.dll' |
        Copy-Item -Destination $dependencies
}

function Copy-ModuleSource {
    # module/ holds only what ships as is; help sources live in docs/ and Build-Help turns them into MAML.
    Copy-Item -Path (Join-Path $ModuleSource '*') -Destination $ModuleOut -Recurse
}

function Get-ReleaseNotes {
    # The body of CHANGELOG.md's '## [<version>]' section, up to the next '## ' heading.
    param([Parameter(Mandatory)][string] $Path, [Parameter(Mandatory)][string] $Version)
    $lines = @(Get-Content -LiteralPath $Path)
    $heading = '^##\s+\[' + [regex]::Escape($Version) + '\]'
    $start = @(0..($lines.Count - 1) | Where-Object { $lines[$_] -match $heading })
    if ($start.Count -ne 1) {
        throw "CHANGELOG.md has $($start.Count) sections for version $Version, expected one: rename '## [Unreleased]' to '## [$Version] - <date>' when raising the version."
    }
    $body = foreach ($line in $lines[($start[0] + 1)..($lines.Count - 1)]) {
        if ($line -match '^##\s') { break }
        $line
    }
    $notes = ($body -join "`n").Trim()
    if (-not $notes) { throw "CHANGELOG.md's section for version $Version is empty." }
    $notes
}

function Update-BuiltManifest {
    # What a gallery reads from the manifest but the source does not repeat: this version's CHANGELOG.md
    # section as ReleaseNotes (into the ReleaseNotes = '' placeholder, so CHANGELOG.md stays the one place
    # they are written), and a PSCommand_/PSCmdlet_ tag per exported cmdlet, which is what
    # Find-PSResource -CommandName matches in a repository that does not compute them itself.
    $manifest = Join-Path $ModuleOut 'DockerHubPat.psd1'
    $data = Import-PowerShellDataFile -LiteralPath $manifest
    $notes = Get-ReleaseNotes -Path (Join-Path $Root 'CHANGELOG.md') -Version $Version
    $commandTags = @(foreach ($cmdlet in $data.CmdletsToExport) { "PSCommand_$cmdlet"; "PSCmdlet_$cmdlet" }) + 'PSIncludes_Cmdlet'
    $quote = { param($text) "'" + [Management.Automation.Language.CodeGeneration]::EscapeSingleQuotedStringContent($text) + "'" }

    $text = Get-Content -Raw -LiteralPath $manifest
    $edits = @(
        @{ Pattern = [regex]"(?m)^(\s*ReleaseNotes\s*=\s*)''"; Value = { param($m) $m.Groups[1].Value + (& $quote $notes) } }
        @{ Pattern = [regex]'(?s)(\bTags\s*=\s*@\()([^)]*)\)'; Value = { param($m) $m.Groups[1].Value + $m.Groups[2].Value.TrimEnd() + ', ' + (($commandTags | ForEach-Object { & $quote $_ }) -join ', ') + ')' } }
    )
    foreach ($edit in $edits) {
        if ($edit.Pattern.Matches($text).Count -ne 1) { throw "build.ps1 expects one match of '$($edit.Pattern)' in the manifest." }
        $text = $edit.Pattern.Replace($text, [Text.RegularExpressions.MatchEvaluator]$edit.Value, 1)
    }
    # With a BOM, Windows PowerShell 5.1 reads the notes as UTF-8 rather than the ANSI code page.
    Set-Content -LiteralPath $manifest -Value $text -NoNewline -Encoding utf8BOM

    $built = (Import-PowerShellDataFile -LiteralPath $manifest).PrivateData.PSData
    if ($built.ReleaseNotes -cne $notes -or
        (Compare-Object @($built.Tags) (@($data.PrivateData.PSData.Tags) + $commandTags) -SyncWindow 0)) {
        throw "The release notes or tags in '$manifest' do not read back as written."
    }
}

function Build-Help {
    # Needs the assembled module: the cmdlets' real parameters are checked against the Markdown.
    $helpSource = Join-Path $Root 'docs/en-US'
    $builder = Join-Path $Root 'build/HelpBuilder.psm1'
    if (-not (Test-Path -LiteralPath $helpSource) -or -not (Test-Path -LiteralPath $builder)) { return }
    Import-Module $builder -Force
    New-MamlHelp -ModuleManifest (Join-Path $ModuleOut 'DockerHubPat.psd1') -SourcePath $helpSource `
        -OutputPath (Join-Path $ModuleOut 'en-US') | ForEach-Object { Write-Host "Help: $($_.Name)" -ForegroundColor DarkGray }
}

function Invoke-BuildTask {
    # Quiet: restore and build show their warnings, errors and summary, not every project they touch.
    Invoke-Native dotnet 'restore', (Join-Path $Root 'DockerHubPat.sln'), '--verbosity', 'quiet'
    $script:Version = Get-ModuleVersion
    Invoke-Native dotnet 'build', $ModuleProject, '-c', $Configuration, "-p:Version=$Version", '--no-restore', '--nologo', '--verbosity', 'quiet'
    Invoke-Native dotnet 'build', $LoaderProject, '-c', $Configuration, "-p:Version=$Version", '--no-restore', '--nologo', '--verbosity', 'quiet'

    if (Test-Path -LiteralPath $ModuleOut) { Remove-Item -LiteralPath $ModuleOut -Recurse -Force }
    New-Item -ItemType Directory -Path $ModuleOut | Out-Null
    Copy-ModuleSource
    Update-BuiltManifest
    Copy-Item -LiteralPath (Join-Path $Root 'LICENSE') -Destination $ModuleOut
    Copy-ModuleAssembly
    Build-Help

    Invoke-Native dotnet 'build', $EmulatorProject, '-c', $Configuration, '--no-restore', '--nologo', '--verbosity', 'quiet'
    Invoke-Native dotnet 'build', $OldFlurlProject, '-c', $Configuration, '--no-restore', '--nologo', '--verbosity', 'quiet'
    Write-Host "Module $Version is in $ModuleOut" -ForegroundColor Green
}

function Invoke-UnitTests {
    # Counts from the trx file, or $null when the run left none (the test project did not build).
    $trx = Join-Path $ResultsDir 'xunit.trx'
    Write-Host "> dotnet test $UnitTestProject" -ForegroundColor DarkGray
    & dotnet test $UnitTestProject -c $Configuration --no-restore "-p:Version=$Version" `
        --logger 'trx;LogFileName=xunit.trx' --results-directory $ResultsDir | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not (Test-Path -LiteralPath $trx)) { return $null }
    # VSTest's counters: skipped tests are 'notExecuted'; errors, timeouts and aborts are failures too.
    $c = ([xml](Get-Content -Raw -LiteralPath $trx)).TestRun.ResultSummary.Counters
    $run = [pscustomobject]@{
        passed  = [int]$c.passed
        failed  = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted
        skipped = [int]$c.notExecuted
        # A test host that crashed can leave a trx without a failure in it.
        result  = if ($exitCode -eq 0) { 'Passed' } else { 'Failed' }
    }
    # The suite's one-line summary, worded like tests/Pester.ps1's.
    Write-Host ("xunit: {0} passed, {1} failed, {2} skipped" -f $run.passed, $run.failed, $run.skipped)
    $run
}

function Invoke-PesterTests {
    # Counts from tests/Pester.ps1's JSON file, or $null when it crashed before writing one.
    $json = Join-Path $ResultsDir 'pester.json'
    $exitCode = Invoke-FreshPwsh '-NoProfile', '-NonInteractive', '-File', (Join-Path $Root 'tests/Pester.ps1'),
        '-ModulePath', (Join-Path $ModuleOut 'DockerHubPat.psd1'), '-EmulatorDll', $EmulatorDll, '-ResultPath', $json
    # tests/Pester.ps1 ends with the suite's summary line; the exit code matters only when it wrote none.
    if (-not (Test-Path -LiteralPath $json)) {
        Write-Host "Pester exited with $exitCode and wrote no results." -ForegroundColor Red
        return $null
    }
    Get-Content -Raw -LiteralPath $json | ConvertFrom-Json
}

function Invoke-TestTask {
    Invoke-BuildTask
    if (Test-Path -LiteralPath $ResultsDir) { Remove-Item -LiteralPath $ResultsDir -Recurse -Force }
    New-Item -ItemType Directory -Path $ResultsDir | Out-Null

    $runs = [ordered]@{ xunit = Invoke-UnitTests; Pester = Invoke-PesterTests }
    $total = [ordered]@{ passed = 0; failed = 0; skipped = 0 }
    $ok = $true
    foreach ($name in $runs.Keys) {
        $run = $runs[$name]
        if ($null -eq $run) {
            Write-Host "$name left no results: it crashed or did not build." -ForegroundColor Red
            $ok = $false
            continue
        }
        foreach ($key in @($total.Keys)) { $total[$key] += [int]$run.$key }
        if ($run.passed + $run.failed + $run.skipped -eq 0) {
            Write-Host "$name found no tests." -ForegroundColor Red
            $ok = $false
        }
        elseif ($run.failed -eq 0 -and $run.result -ne 'Passed') {
            Write-Host "$name failed without a failing test: see its output above." -ForegroundColor Red
            $ok = $false
        }
    }
    Write-Host "Test results are in $ResultsDir"
    Write-Host "Tests: $($total.passed) passed, $($total.failed) failed, $($total.skipped) skipped"
    if (-not $ok -or $total.failed -gt 0) { exit 1 }
}

function Invoke-DemoTask {
    Invoke-BuildTask
    $emulator = Start-HubEmulator -EmulatorDll $EmulatorDll
    try {
        $exitCode = Invoke-FreshPwsh '-NoProfile', '-File', (Join-Path $Root 'tests/Demo.ps1'),
            '-HubUri', $emulator.Url, '-ModulePath', (Join-Path $ModuleOut 'DockerHubPat.psd1')
        if ($exitCode -ne 0) { throw "The demo failed with exit code $exitCode." }
    }
    finally {
        Stop-HubEmulator $emulator
    }
}

function Get-RepositoryStoreState {
    # PSResourceGet keeps the registered repositories in this per-user file and writes it on any of its
    # calls, even a Get-; the package task puts back exactly what it found, absence included.
    $dir = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet'
    $file = Join-Path $dir 'PSResourceRepository.xml'
    [pscustomobject]@{
        Directory        = $dir
        File             = $file
        DirectoryExisted = Test-Path -LiteralPath $dir
        Bytes            = if (Test-Path -LiteralPath $file) { [IO.File]::ReadAllBytes($file) } else { $null }
    }
}

function Restore-RepositoryStoreState {
    param([Parameter(Mandatory)] $State)
    if ($null -eq $State.Bytes) {
        Remove-Item -LiteralPath $State.File -Force -ErrorAction SilentlyContinue
        if (-not $State.DirectoryExisted -and (Test-Path -LiteralPath $State.Directory) -and
            -not (Get-ChildItem -LiteralPath $State.Directory -Force)) {
            Remove-Item -LiteralPath $State.Directory -Force
        }
        return
    }
    # Unregistering rewrites the XML in PSResourceGet's own layout; the user's bytes are what counts.
    $now = if (Test-Path -LiteralPath $State.File) { [IO.File]::ReadAllBytes($State.File) } else { $null }
    if ($null -eq $now -or -not [Linq.Enumerable]::SequenceEqual([byte[]]$now, [byte[]]$State.Bytes)) {
        [IO.File]::WriteAllBytes($State.File, $State.Bytes)
    }
}

function Invoke-PackageTask {
    Invoke-BuildTask
    Import-Module Microsoft.PowerShell.PSResourceGet -ErrorAction Stop
    $outDir = Join-Path $Root 'out'
    # Unique, so neither a repository the user registered nor a concurrent package run is ever touched.
    $repoName = 'DockerHubPat-package-' + [guid]::NewGuid().ToString('N')
    $repoDir = Join-Path $outDir $repoName
    $store = Get-RepositoryStoreState
    New-Item -ItemType Directory -Path $repoDir | Out-Null
    try {
        Register-PSResourceRepository -Name $repoName -Uri $repoDir -Trusted
        Write-Host "> Publish-PSResource -Path $ModuleOut -Repository $repoName" -ForegroundColor DarkGray
        Publish-PSResource -Path $ModuleOut -Repository $repoName
        $built = @(Get-ChildItem -LiteralPath $repoDir -Filter 'DockerHubPat.*.nupkg')
        if ($built.Count -ne 1) { throw "Publish-PSResource left $($built.Count) DockerHubPat packages in '$repoDir', expected one." }
        # A prerelease tag would follow the version, so only the start of the name is certain.
        if (-not $built[0].Name.StartsWith("DockerHubPat.$Version", [StringComparison]::OrdinalIgnoreCase)) {
            throw "Publish-PSResource named the package '$($built[0].Name)', which does not carry the manifest's version $Version."
        }
        $nupkg = Join-Path $outDir $built[0].Name
        Move-Item -LiteralPath $built[0].FullName -Destination $nupkg -Force
    }
    finally {
        Unregister-PSResourceRepository -Name $repoName -ErrorAction SilentlyContinue
        Restore-RepositoryStoreState $store
        Remove-Item -LiteralPath $repoDir -Recurse -Force -ErrorAction SilentlyContinue
    }
    Write-Host "Package: $nupkg" -ForegroundColor Green
}

function Invoke-BenchTask {
    Invoke-BuildTask
    $bench = @{
        ModulePath         = Join-Path $ModuleOut 'DockerHubPat.psd1'
        EmulatorDll        = $EmulatorDll
        OutputDirectory    = Join-Path $Root 'out/bench'
        LatencyMs          = $LatencyMs
        TokenCount         = $TokenCount
        RemoveCount        = $RemoveCount
        RateLimitPerMinute = $RateLimitPerMinute
    }
    # Run in this process: the bench starts a fresh pwsh for every measurement, so no module is loaded here.
    & (Join-Path $Root 'bench/Invoke-Bench.ps1') @bench
    # Set by the bench's own exit, which says whether the check after the runs found the work done.
    if ($LASTEXITCODE -ne 0) { exit 1 }
}

switch ($Task) {
    'build' { Invoke-BuildTask }
    'test' { Invoke-TestTask }
    'demo' { Invoke-DemoTask }
    'package' { Invoke-PackageTask }
    'bench' { Invoke-BenchTask }
}
