#Requires -Version 7.0
<#
.SYNOPSIS
Walks through every DockerHubPat cmdlet once, as a user would, against a Hub emulator.
.DESCRIPTION
Run by `dotnet pwsh ./build.ps1 demo`, which starts the emulator. Token secrets are masked in everything
shown, so the output can be pasted anywhere.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $HubUri,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/DockerHubPat/DockerHubPat.psd1')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

# Every secret the demo has seen; anything shown is scrubbed of them first.
$secrets = [Collections.Generic.List[string]]::new()

function Show-Step {
    param([Parameter(Mandatory)][string] $Comment, [Parameter(Mandatory)][scriptblock] $Step)
    Write-Host ''
    Write-Host "# $Comment" -ForegroundColor DarkGray
    $text = & $Step | Out-String -Width 160
    foreach ($secret in $secrets) { $text = $text.Replace($secret, '********') }
    # Also catches a secret cut short by a table column, which the exact match above would miss.
    $text = $text -replace 'dckr_pat_\S+', 'dckr_pat_********'
    if ($text.Trim()) { Write-Host $text.TrimEnd() }
}

function New-DemoToken {
    param([string] $Label, [string[]] $Scope, [int] $Days)
    $options = @{}
    # Keep the demo from storing secrets in a vault once the module offers that choice.
    if ((Get-Command New-HubAccessToken).Parameters.ContainsKey('NoVault')) { $options.NoVault = $true }
    $token = New-HubAccessToken -Label $Label -Scope $Scope -ExpiresIn (New-TimeSpan -Days $Days) @options
    $secret = $token.Secret
    if ($secret -is [securestring]) { $secret = ConvertFrom-SecureString -SecureString $secret -AsPlainText }
    if ($secret) { $secrets.Add($secret) }
    $token
}

Show-Step 'Load the module from the build output' {
    Import-Module $ModulePath
    Get-Command -Module DockerHubPat | Format-Table CommandType, Name, Version
}

Show-Step 'Sign in as bob, whose account has two-factor authentication' {
    $password = ConvertTo-SecureString 'bob-password-1' -AsPlainText -Force
    # The code bob's authenticator app shows right now (the emulator computes it from bob's seed).
    $code = (Invoke-RestMethod "$($HubUri.TrimEnd('/'))/_emulator/accounts/bob/totp").code
    Connect-HubAccount -Credential (New-Object PSCredential 'bob', $password) -OneTimePassword $code -HubUri $HubUri -PassThru
}

Show-Step 'Create three tokens; only now does the Hub return a secret, and the demo never shows it' {
    $script:build = New-DemoToken -Label 'ci-build' -Scope 'repo:read' -Days 30
    $script:publish = New-DemoToken -Label 'ci-publish' -Scope 'repo:write' -Days 30
    $script:laptop = New-DemoToken -Label 'laptop' -Scope 'repo:admin' -Days 90
    $script:build, $script:publish, $script:laptop | Format-Table Id, Label, Scopes, IsActive, ExpiresAt
}

Show-Step 'List all tokens of the signed-in account' {
    Get-HubAccessToken | Format-Table
}

Show-Step 'Rename a token' {
    Rename-HubAccessToken -Id $script:laptop.Id -NewLabel 'workstation' -PassThru
}

Show-Step 'Disable it: it stays listed, but the Hub refuses it' {
    Disable-HubAccessToken -Id $script:laptop.Id -PassThru
}

Show-Step 'Enable it again' {
    Enable-HubAccessToken -Id $script:laptop.Id -PassThru
}

Show-Step 'Preview removing every CI token' {
    Get-HubAccessToken -Label 'ci-*' | Remove-HubAccessToken -WhatIf
}

Show-Step 'Remove them for real' {
    Get-HubAccessToken -Label 'ci-*' | Remove-HubAccessToken -Confirm:$false
}

Show-Step 'What is left' {
    Get-HubAccessToken
}

Show-Step 'Sign out' {
    Disconnect-HubAccount
}
