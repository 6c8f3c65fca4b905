#Requires -Version 7.4
<#
.SYNOPSIS
The bench's baseline: the same token work done the way a careful user scripts it today, with Invoke-RestMethod.
.DESCRIPTION
Signs in once (POST /v2/users/login), lists every token 100 to a page following `next` until it is null,
and for RemoveByLabel deletes the tokens whose label matches -Label, one after another.
Only the work is timed. Writes one line of JSON to stdout:
  seconds, listed (tokens the listing returned), failed (deletes that ended in an error; -1 when the
  sign-in or the listing failed), errors (the first few messages), ids (List only: the ids listed, for
  the bench to check against the server)
The password is read from the environment variable named by -PasswordVariable, never from the command line.
.EXAMPLE
$env:BENCH_HUB_PASSWORD = 'pw'; ./bench/Baseline.ps1 -Action RemoveByLabel -HubUri http://127.0.0.1:5000 -Username dave
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [ValidateSet('List', 'RemoveByLabel')]
    [string] $Action,
    [Parameter(Mandatory)]
    [string] $HubUri,
    [Parameter(Mandatory)]
    [string] $Username,
    [string] $Label = 'bench-*',
    [string] $PasswordVariable = 'BENCH_HUB_PASSWORD'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# Progress records cost time per call and nobody watches them here; the module run turns them off too.
$ProgressPreference = 'SilentlyContinue'

$password = [Environment]::GetEnvironmentVariable($PasswordVariable)
if (-not $password) { throw "Set the password in the environment variable $PasswordVariable." }
$HubUri = $HubUri.TrimEnd('/')

# What a careful user passes to every call: retries for a lost answer, a 5xx and a 429. PowerShell 7.4+
# waits as long as a 429's Retry-After asks, so the baseline gets through a rate limit as the module does.
$retry = @{ MaximumRetryCount = 5; RetryIntervalSec = 2 }
$errors = [Collections.Generic.List[string]]::new()
$listed = [Collections.Generic.List[object]]::new()
$failed = 0

$stopwatch = [Diagnostics.Stopwatch]::StartNew()
try {
    # One session for every call: it keeps one HttpClient, so connections are reused as the module's are.
    # Without it each call would open a new connection, a handicap a careful user would not accept.
    # -SessionVariable makes it: the WebRequestSession type cannot be named before its module loads.
    $login = @{ username = $Username; password = $password } | ConvertTo-Json -Compress
    $jwt = (Invoke-RestMethod -Method Post -Uri "$HubUri/v2/users/login" -Body $login -ContentType 'application/json' -SessionVariable web @retry).token
    $web.Headers['Authorization'] = "Bearer $jwt"

    $next = "$HubUri/v2/access-tokens?page=1&page_size=100"
    while ($next) {
        $page = Invoke-RestMethod -Uri $next -WebSession $web @retry
        foreach ($token in $page.results) { $listed.Add($token) }
        $next = $page.next
    }

    if ($Action -eq 'RemoveByLabel') {
        foreach ($token in $listed) {
            if ($token.token_label -notlike $Label) { continue }
            # One failure must not stop the rest, so each delete is tried on its own.
            try {
                Invoke-RestMethod -Method Delete -Uri "$HubUri/v2/access-tokens/$($token.uuid)" -WebSession $web @retry | Out-Null
            }
            catch {
                $failed++
                if ($errors.Count -lt 5) { $errors.Add("$($token.uuid): $($_.Exception.Message)") }
            }
        }
    }
}
catch {
    # Sign-in or listing failed: nothing after it ran, which the bench reports as a failed run.
    $failed = -1
    $errors.Add($_.Exception.Message)
}
$stopwatch.Stop()

[ordered]@{
    seconds = $stopwatch.Elapsed.TotalSeconds
    listed  = $listed.Count
    failed  = $failed
    errors  = $errors.ToArray()
    ids     = if ($Action -eq 'List') { @($listed | ForEach-Object { [string]$_.uuid }) } else { @() }
} | ConvertTo-Json -Compress
