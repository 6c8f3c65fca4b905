#Requires -Version 7.4
<#
.SYNOPSIS
The bench's DockerHubPat side: the work of bench/Baseline.ps1, done with the module's cmdlets.
.DESCRIPTION
Imports the module first, outside the timing (the bench's import row measures that on its own), then
times Connect-HubAccount once and either Get-HubAccessToken (List) or
Get-HubAccessToken -Label <pattern> | Remove-HubAccessToken -Confirm:$false (RemoveByLabel).
Writes one line of JSON to stdout with the same fields as Baseline.ps1.
The password is read from the environment variable named by -PasswordVariable, never from the command line.
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
    [Parameter(Mandatory)]
    [string] $ModulePath,
    [string] $Label = 'bench-*',
    [string] $PasswordVariable = 'BENCH_HUB_PASSWORD'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# The same as the baseline: no progress records, which the module writes while it waits for a rate limit.
$ProgressPreference = 'SilentlyContinue'

$password = [Environment]::GetEnvironmentVariable($PasswordVariable)
if (-not $password) { throw "Set the password in the environment variable $PasswordVariable." }
Import-Module $ModulePath
$credential = [pscredential]::new($Username, (ConvertTo-SecureString -String $password -AsPlainText -Force))

$errors = [Collections.Generic.List[string]]::new()
$listed = @()
$listErrors = @()
$removeErrors = @()
$failed = 0
$stopwatch = [Diagnostics.Stopwatch]::StartNew()
try {
    Connect-HubAccount -Credential $credential -HubUri $HubUri
    # Errors are collected rather than shown, as the baseline's try/catch does.
    if ($Action -eq 'List') {
        $listed = @(Get-HubAccessToken -ErrorAction SilentlyContinue -ErrorVariable listErrors)
    }
    else {
        Get-HubAccessToken -Label $Label -ErrorAction SilentlyContinue -ErrorVariable listErrors |
            Remove-HubAccessToken -Confirm:$false -ErrorAction SilentlyContinue -ErrorVariable removeErrors
    }
}
catch {
    $failed = -1
    $errors.Add($_.Exception.Message)
}
$stopwatch.Stop()

if ($failed -ge 0) {
    # A listing error leaves tokens untried, like the baseline's failed listing: the run as a whole failed.
    $failed = if (@($listErrors).Count -gt 0) { -1 } else { @($removeErrors).Count }
    foreach ($record in @(@($listErrors) + @($removeErrors) | Select-Object -First 5)) { $errors.Add("$record") }
}

[ordered]@{
    seconds = $stopwatch.Elapsed.TotalSeconds
    listed  = $listed.Count
    failed  = $failed
    errors  = $errors.ToArray()
    ids     = @($listed | ForEach-Object { $_.Id.ToString() })
} | ConvertTo-Json -Compress
