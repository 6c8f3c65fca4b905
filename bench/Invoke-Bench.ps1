#Requires -Version 7.4
<#
.SYNOPSIS
Times DockerHubPat against a plain Invoke-RestMethod script (Baseline.ps1) on a Hub emulator.
.DESCRIPTION
`dotnet pwsh ./build.ps1 bench` runs this after a build; README.md beside it explains the scenarios
and the JSON. Prints one table row per scenario and writes OutputDirectory/bench-<UTC time>.json and
OutputDirectory/latest.json. Exit code 0 when every measured run was verified on the server (all
tokens listed, all matching tokens removed and no others, no failed item), 1 otherwise.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $ModulePath,
    [Parameter(Mandatory)]
    [string] $EmulatorDll,
    [Parameter(Mandatory)]
    [string] $OutputDirectory,
    [int] $LatencyMs = 25,
    [int] $TokenCount = 1000,
    [int] $RemoveCount = 300,
    [int] $RateLimitPerMinute = 200,
    [int] $ImportRuns = 5
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../tests/TestHelpers.psm1') -Force

$ModulePath = [IO.Path]::GetFullPath($ModulePath)
$PasswordVariable = 'BENCH_HUB_PASSWORD'
$PageSize = 100
# Tokens beside the ones to remove that do not match the label: a removal that deletes them, or that
# skips the filtering, shows up in the check afterwards.
$KeepCount = 10
$RemoveLabel = 'bench-*'

function Get-LoadAverage {
    # Other work on the machine skews every timing; Linux says how much there was, elsewhere this is null.
    if (Test-Path -LiteralPath '/proc/loadavg') { [double]((Get-Content -LiteralPath '/proc/loadavg' -Raw) -split ' ')[0] }
}

function Get-Median([double[]] $Values) {
    $sorted = @($Values | Sort-Object)
    $mid = [int][Math]::Floor($sorted.Count / 2)
    if ($sorted.Count % 2) { $sorted[$mid] } else { ($sorted[$mid - 1] + $sorted[$mid]) / 2 }
}

function Measure-Import {
    $bare = @('-NoProfile', '-c', 'exit')
    $import = @('-NoProfile', '-c', "Import-Module '$($ModulePath.Replace("'", "''"))'")
    # The first start after a build reads everything from disk; both sides get one such start, untimed.
    foreach ($warmUp in $bare, $import) {
        $run = Invoke-PwshProcess $warmUp -TimeoutSeconds 300
        if ($run.ExitCode -ne 0) { throw "pwsh $($warmUp -join ' ') failed ($($run.ExitCode)): $($run.StdErr)" }
    }
    $bareTimes = [Collections.Generic.List[double]]::new()
    $importTimes = [Collections.Generic.List[double]]::new()
    # Interleaved, so a machine that gets busier or quieter during the runs affects both alike.
    for ($i = 0; $i -lt $ImportRuns; $i++) {
        $bareTimes.Add((Invoke-PwshProcess $bare -TimeoutSeconds 300).Seconds)
        $run = Invoke-PwshProcess $import -TimeoutSeconds 300
        if ($run.ExitCode -ne 0) { throw "Import-Module failed ($($run.ExitCode)): $($run.StdErr)" }
        $importTimes.Add($run.Seconds)
    }
    [pscustomobject]@{
        Bare   = Get-Median $bareTimes
        Import = Get-Median $importTimes
        Runs   = [ordered]@{
            bare_s   = @($bareTimes | ForEach-Object { [Math]::Round($_, 4) })
            import_s = @($importTimes | ForEach-Object { [Math]::Round($_, 4) })
        }
    }
}

function New-BenchAccount {
    # A reset gives every measurement the same start: empty request log, fresh rate window, default settings.
    param([hashtable[]] $Seeds)
    Invoke-Emulator -Method Post -Path '/_emulator/reset' -HubUri $Hub | Out-Null
    $account = New-TestAccount -Prefix 'bench' -HubUri $Hub
    foreach ($seed in $Seeds) {
        Invoke-Emulator -Method Post -Path "/_emulator/accounts/$($account.Username)/tokens" -Body $seed -HubUri $Hub | Out-Null
    }
    $account
}

function Set-EmulatorSetting {
    # False when the emulator has no settings route yet (an unknown control route answers 404).
    param([hashtable] $Settings)
    $answer = Invoke-WebRequest -Method Post -Uri "$Hub/_emulator/settings" -Body ($Settings | ConvertTo-Json -Compress) `
        -ContentType 'application/json' -SkipHttpErrorCheck -TimeoutSec 30
    if ($answer.StatusCode -in 404, 405) { return $false }
    if ($answer.StatusCode -ne 200) { throw "POST /_emulator/settings answered $($answer.StatusCode): $($answer.Content)" }
    $true
}

function Invoke-Work {
    <#
    Runs one side's script in a fresh pwsh against the account and returns what it reported plus the
    requests the emulator logged for it.
    #>
    param([ValidateSet('DockerHubPat', 'Baseline')][string] $Side, [string] $Action, $Account, [int] $TimeoutSeconds)
    $common = @('-Action', $Action, '-HubUri', $Hub, '-Username', $Account.Username, '-Label', $RemoveLabel,
        '-PasswordVariable', $PasswordVariable)
    $arguments = if ($Side -eq 'DockerHubPat') {
        @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'WithModule.ps1')) + $common + @('-ModulePath', $ModulePath)
    }
    else {
        @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Baseline.ps1')) + $common
    }
    Clear-HubRequestLog -HubUri $Hub
    $run = Invoke-PwshProcess $arguments -Environment @{ $PasswordVariable = $Account.Password } -TimeoutSeconds $TimeoutSeconds
    $log = @(Get-HubRequestLog -HubUri $Hub)

    $line = @($run.StdOut -split "`r?`n" | Where-Object { $_.StartsWith('{') }) | Select-Object -Last 1
    $report = if ($line) { $line | ConvertFrom-Json } else { $null }
    if ($run.ExitCode -ne 0 -or -not $report) {
        $report = [pscustomobject]@{
            seconds = $null; listed = 0; failed = -1; ids = @()
            errors  = @("pwsh exited with $($run.ExitCode): $($run.StdErr.Trim()) $($run.StdOut.Trim())")
        }
    }
    [pscustomobject]@{
        Seconds     = $report.seconds
        Listed      = $report.listed
        Failed      = $report.failed
        Ids         = @($report.ids)
        Errors      = @($report.errors)
        Requests    = $log.Count
        RateLimited = @($log | Where-Object status -EQ 429).Count
        # "DELETE /v2/access-tokens/{id} 204" -> count: shows where two sides' request counts differ.
        ByKind      = Get-RequestKind $log
    }
}

function Get-RequestKind {
    param([object[]] $Log)
    $kinds = [ordered]@{}
    $Log | Group-Object { '{0} {1} {2}' -f $_.method, ($_.path -replace '[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}', '{id}'), $_.status } |
        Sort-Object Name | ForEach-Object { $kinds[$_.Name] = $_.Count }
    $kinds
}

function Test-Listing {
    # The side must have returned exactly the account's tokens, each once.
    param($Result, $Account)
    $server = @(Get-ServerToken -Username $Account.Username -HubUri $Hub | ForEach-Object { [string]$_.uuid } | Sort-Object)
    $listed = @($Result.Ids | Sort-Object)
    $problems = @()
    if ($server.Count -ne $TokenCount) { $problems += "the server holds $($server.Count) tokens, expected $TokenCount" }
    if ($Result.Failed -ne 0) { $problems += 'it reported an error' }
    if (($listed -join ',') -ne ($server -join ',')) { $problems += "it listed $($listed.Count) tokens, not the server's $($server.Count)" }
    $problems
}

function Test-Removal {
    # Every matching token gone, every other one still there; what is left counts as failed items.
    param($Result, $Account)
    $left = @(Get-ServerToken -Username $Account.Username -HubUri $Hub)
    $leftMatching = @($left | Where-Object token_label -Like $RemoveLabel).Count
    $leftOthers = @($left | Where-Object token_label -NotLike $RemoveLabel).Count
    $Result | Add-Member -NotePropertyName FailedItems -NotePropertyValue $leftMatching
    $problems = @()
    if ($leftMatching -gt 0) { $problems += "$leftMatching of $RemoveCount matching tokens are still on the server" }
    if ($leftOthers -ne $KeepCount) { $problems += "$($KeepCount - $leftOthers) tokens that did not match were removed" }
    if ($Result.Failed -ne 0) { $problems += "it reported $($Result.Failed) failures: $(@($Result.Errors)[0])" }
    $problems
}

function Measure-Scenario {
    # Both sides on identical fresh accounts; DockerHubPat first, then the baseline.
    param([string] $Action, [hashtable[]] $Seeds, [hashtable] $Settings, [int] $TimeoutSeconds)
    $sides = [ordered]@{}
    foreach ($side in 'DockerHubPat', 'Baseline') {
        $account = New-BenchAccount -Seeds $Seeds
        if ($Settings -and -not (Set-EmulatorSetting $Settings)) { return $null }
        Write-Host "  $side ..." -ForegroundColor DarkGray
        $result = Invoke-Work -Side $side -Action $Action -Account $account -TimeoutSeconds $TimeoutSeconds
        $problems = @(if ($Action -eq 'List') { Test-Listing $result $account } else { Test-Removal $result $account })
        $result | Add-Member -NotePropertyName Problems -NotePropertyValue $problems
        $sides[$side] = $result
    }
    $sides
}

function New-Row {
    param([string] $Id, [string] $Scenario, $Module, $Baseline, [string] $Note)
    $moduleSeconds = if ($Module -and $null -ne $Module.Seconds) { [Math]::Round($Module.Seconds, 4) } else { $null }
    $baselineSeconds = if ($Baseline -and $null -ne $Baseline.Seconds) { [Math]::Round($Baseline.Seconds, 4) } else { $null }
    $ratio = if ($moduleSeconds -gt 0 -and $null -ne $baselineSeconds) { [Math]::Round($baselineSeconds / $moduleSeconds, 2) } else { $null }
    [ordered]@{
        id                    = $Id
        scenario              = $Scenario
        dockerhubpat_s        = $moduleSeconds
        baseline_s            = $baselineSeconds
        ratio                 = $ratio
        requests_dockerhubpat = if ($Module) { $Module.Requests } else { $null }
        requests_baseline     = if ($Baseline) { $Baseline.Requests } else { $null }
        note                  = if ($Note) { $Note } else { $null }
    }
}

function Add-SideDetail {
    # What the table leaves out, per side: 429s, failed items, the check's findings, error messages.
    param($Row, $Sides)
    foreach ($name in $Sides.Keys) {
        $side = $Sides[$name]
        $Row["$($name.ToLowerInvariant())_detail"] = [ordered]@{
            rate_limited_requests = $side.RateLimited
            requests_by_kind      = $side.ByKind
            failed_items          = if ($side.PSObject.Properties['FailedItems']) { $side.FailedItems } else { $null }
            reported_failures     = $side.Failed
            verified              = $side.Problems.Count -eq 0
            problems              = $side.Problems
            errors                = @($side.Errors)
        }
    }
}

$started = [DateTimeOffset]::UtcNow
$loadAtStart = Get-LoadAverage
$version = (Import-PowerShellDataFile -LiteralPath $ModulePath).ModuleVersion
$rows = [Collections.Generic.List[object]]::new()
$settingsRoute = $null
$emulatorSettings = $null

New-Item -ItemType Directory -Force -Path $OutputDirectory | Out-Null
$emulator = Start-HubEmulator -EmulatorDll $EmulatorDll -LatencyMs $LatencyMs `
    -LogPath (Join-Path $OutputDirectory 'emulator.log')
try {
    $Hub = $emulator.Url
    Write-Host "Hub emulator: $Hub (latency $LatencyMs ms per Hub request)"
    $current = Invoke-WebRequest -Uri "$Hub/_emulator/settings" -SkipHttpErrorCheck -TimeoutSec 30
    if ($current.StatusCode -eq 200) { $emulatorSettings = $current.Content | ConvertFrom-Json }

    # The emulator's own first requests pay for its JIT; make sure neither side does.
    $warm = New-BenchAccount -Seeds @(@{ count = 3; label_prefix = 'warm-' })
    $jwt = (Invoke-RestMethod -Method Post -Uri "$Hub/v2/users/login" -ContentType 'application/json' `
            -Body (@{ username = $warm.Username; password = $warm.Password } | ConvertTo-Json)).token
    $page = Invoke-RestMethod -Uri "$Hub/v2/access-tokens?page=1&page_size=$PageSize" -Headers @{ Authorization = "Bearer $jwt" }
    Invoke-RestMethod -Method Delete -Uri "$Hub/v2/access-tokens/$($page.results[0].uuid)" -Headers @{ Authorization = "Bearer $jwt" } | Out-Null

    Write-Host "(a) cold Import-Module, median of $ImportRuns" -ForegroundColor Cyan
    $import = Measure-Import
    $row = New-Row -Id 'import' -Scenario 'Import-Module (cold)' `
        -Module ([pscustomobject]@{ Seconds = $import.Import - $import.Bare; Requests = 0 }) `
        -Baseline ([pscustomobject]@{ Seconds = $import.Bare; Requests = 0 }) `
        -Note 'DockerHubPat: pwsh -c Import-Module minus a bare pwsh start; baseline: the bare start'
    $row.runs = $import.Runs
    $rows.Add($row)

    # Time-outs only catch a hung run: twice the latency plus a generous allowance per request.
    $perRequest = ($LatencyMs + 100) * 2 / 1000
    Write-Host "(b) list $TokenCount tokens" -ForegroundColor Cyan
    $sides = Measure-Scenario -Action List -Seeds @(@{ count = $TokenCount; label_prefix = 'list-' }) `
        -TimeoutSeconds ([int](300 + $perRequest * $TokenCount))
    $row = New-Row -Id 'list' -Scenario "List $TokenCount tokens" -Module $sides.DockerHubPat -Baseline $sides.Baseline
    Add-SideDetail $row $sides
    $rows.Add($row)

    $removeSeeds = @(
        @{ count = $RemoveCount; label_prefix = 'bench-' }
        @{ count = $KeepCount; label_prefix = 'keep-' }
    )
    # Sign-in, every page of the account, one delete per matching token: the least any client can send.
    $needed = 1 + [int][Math]::Ceiling(($RemoveCount + $KeepCount) / $PageSize) + $RemoveCount

    Write-Host "(c) remove $RemoveCount tokens" -ForegroundColor Cyan
    $sides = Measure-Scenario -Action RemoveByLabel -Seeds $removeSeeds -TimeoutSeconds ([int](300 + $perRequest * $needed))
    $row = New-Row -Id 'remove' -Scenario "Remove $RemoveCount tokens" -Module $sides.DockerHubPat -Baseline $sides.Baseline
    $row.requests_needed = $needed
    Add-SideDetail $row $sides
    $rows.Add($row)

    Write-Host "(d) remove $RemoveCount tokens at $RateLimitPerMinute requests/minute" -ForegroundColor Cyan
    # The theoretical minimum under the emulator's limiter: it allows $RateLimitPerMinute requests per
    # fixed 60-second window, so the requests beyond the first window's allowance cannot start before
    # the next window opens:  60 * floor((needed - 1) / limit)  seconds (minimum_s). Latency is left out.
    # For a limiter that refills evenly instead, the bound would be (needed - limit) / (limit / 60)
    # seconds; it is recorded as even_flow_minimum_s for comparison.
    $perSecond = $RateLimitPerMinute / 60
    $evenFlowMinimum = [Math]::Max(0, $needed - $RateLimitPerMinute) / $perSecond
    $minimum = 60 * [int][Math]::Floor(($needed - 1) / $RateLimitPerMinute)
    $sides = Measure-Scenario -Action RemoveByLabel -Seeds $removeSeeds `
        -Settings @{ rate_limit_per_minute = $RateLimitPerMinute; latency_ms = $LatencyMs } `
        -TimeoutSeconds ([int](300 + 2 * $minimum + $perRequest * $needed))
    $scenario = "Remove $RemoveCount at $RateLimitPerMinute/min"
    if ($null -eq $sides) {
        $row = New-Row -Id 'remove-rate-limited' -Scenario $scenario -Note 'skipped: the emulator has no POST /_emulator/settings yet'
        $row.skipped = $true
        $settingsRoute = $false
    }
    else {
        $settingsRoute = $true
        $row = New-Row -Id 'remove-rate-limited' -Scenario $scenario -Module $sides.DockerHubPat -Baseline $sides.Baseline `
            -Note 'failed items must be 0 on both sides'
        $row.skipped = $false
        $row.failed_items_dockerhubpat = $sides.DockerHubPat.FailedItems
        $row.failed_items_baseline = $sides.Baseline.FailedItems
        Add-SideDetail $row $sides
    }
    $row.requests_needed = $needed
    $row.minimum_s = $minimum
    $row.even_flow_minimum_s = [Math]::Round($evenFlowMinimum, 3)
    $rows.Add($row)
}
finally {
    Stop-HubEmulator $emulator
}

$problems = @(foreach ($row in $rows) {
        foreach ($side in 'dockerhubpat', 'baseline') {
            if ($row.Contains("${side}_detail") -and -not $row["${side}_detail"].verified) {
                "$($row.scenario), $side`: $($row["${side}_detail"].problems -join '; ')"
            }
        }
    })

$seconds = { param($s) if ($null -eq $s) { '' } else { '{0:0.000}' -f $s } }
$table = foreach ($row in $rows) {
    $failed = if ($row.Contains('failed_items_dockerhubpat')) { "$($row.failed_items_dockerhubpat) / $($row.failed_items_baseline)" } else { '' }
    [pscustomobject][ordered]@{
        'Scenario'                   = $row.scenario
        'DockerHubPat (s)'           = & $seconds $row.dockerhubpat_s
        'Baseline (s)'               = & $seconds $row.baseline_s
        'Ratio (baseline/DockerHubPat)' = if ($null -eq $row.ratio) { '' } else { '{0:0.00}' -f $row.ratio }
        'Requests (DockerHubPat)'    = $row.requests_dockerhubpat
        'Requests (baseline)'        = $row.requests_baseline
        'Failed items (DockerHubPat / baseline)' = $failed
        '429s (DockerHubPat / baseline)' = if ($row.Contains('dockerhubpat_detail') -and $row.id -eq 'remove-rate-limited') {
            "$($row.dockerhubpat_detail.rate_limited_requests) / $($row.baseline_detail.rate_limited_requests)"
        } else { '' }
        'Minimum (s)'                = if ($row.Contains('minimum_s')) { & $seconds $row.minimum_s } else { '' }
    }
}
$table | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
foreach ($row in $rows | Where-Object { $_.note }) { Write-Host "$($row.scenario): $($row.note)" -ForegroundColor DarkGray }

$report = [ordered]@{
    format         = 1
    started_at     = $started.ToString('o')
    finished_at    = [DateTimeOffset]::UtcNow.ToString('o')
    module_version = $version
    machine        = [ordered]@{
        processor_count = [Environment]::ProcessorCount
        os              = [Runtime.InteropServices.RuntimeInformation]::OSDescription
        architecture    = [Runtime.InteropServices.RuntimeInformation]::OSArchitecture.ToString()
        powershell      = $PSVersionTable.PSVersion.ToString()
        dotnet          = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        load_average_1m = [ordered]@{ start = $loadAtStart; end = Get-LoadAverage }
    }
    settings       = [ordered]@{
        latency_ms            = $LatencyMs
        token_count           = $TokenCount
        remove_count          = $RemoveCount
        keep_count            = $KeepCount
        rate_limit_per_minute = $RateLimitPerMinute
        import_runs           = $ImportRuns
        page_size             = $PageSize
    }
    emulator       = [ordered]@{ settings_route = $settingsRoute; settings_at_start = $emulatorSettings }
    verified       = $problems.Count -eq 0
    problems       = $problems
    rows           = $rows
}
$json = $report | ConvertTo-Json -Depth 8
$path = Join-Path $OutputDirectory ('bench-{0:yyyyMMdd-HHmmss}Z.json' -f $started.UtcDateTime)
Set-Content -LiteralPath $path -Value $json -Encoding utf8
Set-Content -LiteralPath (Join-Path $OutputDirectory 'latest.json') -Value $json -Encoding utf8
Write-Host "Results: $path" -ForegroundColor Green

if ($problems.Count -gt 0) {
    Write-Host 'The check after the runs found problems, so these timings do not compare like with like:' -ForegroundColor Red
    $problems | ForEach-Object { Write-Host "  $_" -ForegroundColor Red }
    exit 1
}
exit 0
