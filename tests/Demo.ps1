#Requires -Version 7.0
<#
.SYNOPSIS
Walks through the DockerHubPat cmdlets, personal and organization tokens, as a user would, against a Hub emulator, with a vault.
.DESCRIPTION
Run by `dotnet pwsh ./build.ps1 demo`, which starts the emulator. The demo registers a throw-away vault
in a temporary home, saves the new tokens' secrets there, reads one back as a runbook would, and
removes the vault and the home again at the end. Each step prints a '# ' heading, what there is to
see, and one '=> ' line that says what happened. Token secrets are never shown: anything printed is
scrubbed of them first, so the output can be pasted anywhere.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [string] $HubUri,
    [string] $ModulePath = (Join-Path $PSScriptRoot '../out/DockerHubPat/DockerHubPat.psd1')
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$HubUri = $HubUri.TrimEnd('/')

# Every secret the demo has seen; anything shown is scrubbed of them first.
$secrets = [Collections.Generic.List[string]]::new()

function Outcome {
    # The one line a step ends with; Show-Step prints it after whatever else the step shows.
    param([Parameter(Mandatory)][string] $Text)
    [pscustomobject]@{ PSTypeName = 'DockerHubPat.Demo.Outcome'; Text = $Text }
}

function Show-Step {
    param([Parameter(Mandatory)][string] $Comment, [Parameter(Mandatory)][scriptblock] $Step)
    Write-Host ''
    Write-Host "# $Comment" -ForegroundColor DarkGray
    $all = @(& $Step)
    $outcomes = @($all | Where-Object { $_.PSObject.TypeNames -contains 'DockerHubPat.Demo.Outcome' })
    if ($outcomes.Count -ne 1) { throw "Demo step '$Comment' must end with exactly one Outcome line, not $($outcomes.Count)." }
    $shown = @($all | Where-Object { $_.PSObject.TypeNames -notcontains 'DockerHubPat.Demo.Outcome' })
    $text = if ($shown.Count) { ($shown | Out-String -Width 160).Trim() + "`n" } else { '' }
    $text += "=> $($outcomes[0].Text)"
    foreach ($secret in $secrets) { $text = $text.Replace($secret, '********') }
    # Also catches a secret cut short by a table column, which the exact match above would miss.
    $text = $text -replace 'dckr_(pat|oat)_\S+', 'dckr_$1_********'
    Write-Host $text.Trim()
}

function Add-Secret {
    # Remembers a secret for scrubbing; takes a SecureString or a PSCredential.
    param([Parameter(Mandatory)] $Secret)
    if ($Secret -is [pscredential]) { $Secret = $Secret.Password }
    $plain = [pscredential]::new('x', $Secret).GetNetworkCredential().Password
    if ($plain) { $secrets.Add($plain) }
}

function Test-HubSignIn {
    # Signs in at Hub's /v2/auth/token with a credential, as `docker login` would; $true when Hub
    # issued a session. Neither the secret nor Hub's answer is ever shown.
    param([Parameter(Mandatory)][pscredential] $Credential)
    $body = @{ identifier = $Credential.UserName; secret = $Credential.GetNetworkCredential().Password } | ConvertTo-Json
    try {
        $answer = Invoke-RestMethod -Method Post -Uri "$HubUri/v2/auth/token" -Body $body -ContentType 'application/json'
        [bool]$answer.access_token
    }
    catch {
        $false
    }
}

Show-Step 'Load the module from the build output' {
    Import-Module $ModulePath
    $module = Get-Module DockerHubPat
    Get-Command -Module DockerHubPat | Format-Table CommandType, Name, Version
    Outcome "Imported DockerHubPat $($module.Version) with $(@($module.ExportedCmdlets.Keys).Count) cmdlets from $($module.ModuleBase)."
}

Show-Step 'Register a throw-away vault in a temporary home' {
    # The demo's vault comes from the test kit: the in-memory DockerHubPat.TestVault extension, through
    # the real Microsoft.PowerShell.SecretManagement when it is installed, else through the test stand-in.
    $script:Vaults = & (Join-Path $PSScriptRoot 'SecretManagement/Initialize-TestVault.ps1') -Register Default
    $through = if ($script:Vaults.Implementation -eq 'StandIn') {
        'the TEST stand-in for SecretManagement in tests/SecretManagement (this machine has no real SecretManagement)'
    }
    else {
        "Microsoft.PowerShell.SecretManagement $((Get-Module Microsoft.PowerShell.SecretManagement).Version)"
    }
    Outcome "Registered vault '$($script:Vaults.Default)' (in memory, the default) through $through, in the temporary home '$($script:Vaults.Home)'."
}

try {
    Show-Step 'Sign in as bob, whose account has two-factor authentication' {
        $password = ConvertTo-SecureString 'bob-password-1' -AsPlainText -Force
        # The code bob's authenticator app shows right now (the emulator computes it from bob's seed).
        $code = (Invoke-RestMethod "$HubUri/_emulator/accounts/bob/totp").code
        $session = Connect-HubAccount -Credential ([pscredential]::new('bob', $password)) -OneTimePassword $code -HubUri $HubUri -PassThru
        $session
        Outcome "Signed in to $HubUri as $($session.Username) with the password and a 2FA code."
    }

    Show-Step 'Create three tokens; Hub returns each secret once, and it goes straight into the vault' {
        $script:Tokens = [ordered]@{}
        foreach ($new in @(
                @{ Label = 'ci-build'; Scope = 'repo:read'; Days = 30 }
                @{ Label = 'ci-publish'; Scope = 'repo:write'; Days = 30 }
                @{ Label = 'laptop'; Scope = 'repo:admin'; Days = 90 })) {
            $token = New-HubAccessToken -Label $new.Label -Scope $new.Scope -ExpiresIn (New-TimeSpan -Days $new.Days)
            Add-Secret $token.Secret
            $script:Tokens[$new.Label] = $token
        }
        $script:Tokens.Values | Format-Table Label, Scopes, ExpiresAt, Vault, SecretName
        $names = @($script:Tokens.Values | ForEach-Object { $_.SecretName }) -join ', '
        Outcome "Created $($script:Tokens.Count) tokens; their secrets are in vault '$($script:Vaults.Default)' as $names, and none was shown."
    }

    Show-Step 'Read one back the way a runbook would: Get-Secret gives a PSCredential to sign in with' {
        $name = $script:Tokens['ci-build'].SecretName
        Get-SecretInfo -Vault $script:Vaults.Default | Sort-Object Name |
            Format-Table Name, Type, VaultName, @{ Label = 'TokenId'; Expression = { $_.Metadata['TokenId'] } }
        $credential = Get-Secret -Name $name -Vault $script:Vaults.Default
        if ($credential -isnot [pscredential]) { throw "Get-Secret gave a $($credential.GetType().Name), not a PSCredential." }
        Add-Secret $credential
        if (-not (Test-HubSignIn $credential)) { throw "The token saved as '$name' did not sign in at Hub." }
        Outcome "Get-Secret -Name $name gave a PSCredential for $($credential.UserName); its token signed in at $HubUri/v2/auth/token and Hub issued a session."
    }

    Show-Step 'List all tokens of the signed-in account' {
        $all = @(Get-HubAccessToken)
        $all | Format-Table
        Outcome "Hub lists $($all.Count) tokens for bob."
    }

    Show-Step 'Rename a token' {
        $renamed = Rename-HubAccessToken -Id $script:Tokens['laptop'].Id -NewLabel 'workstation' -PassThru
        Outcome "Renamed 'laptop' to '$($renamed.Label)'; its secret keeps its name '$($script:Tokens['laptop'].SecretName)'."
    }

    $laptopCredential = Get-Secret -Name $script:Tokens['laptop'].SecretName -Vault $script:Vaults.Default
    Show-Step 'Disable it: it stays listed, but Hub refuses it' {
        $disabled = Disable-HubAccessToken -Id $script:Tokens['laptop'].Id -PassThru
        $refused = -not (Test-HubSignIn $laptopCredential)
        if (-not $refused) { throw 'Hub still accepts the disabled token.' }
        Outcome "Disabled '$($disabled.Label)' (IsActive $($disabled.IsActive)); signing in with its secret now fails."
    }

    Show-Step 'Enable it again' {
        $enabled = Enable-HubAccessToken -Id $script:Tokens['laptop'].Id -PassThru
        if (-not (Test-HubSignIn $laptopCredential)) { throw 'Hub refuses the enabled token.' }
        Outcome "Enabled '$($enabled.Label)' (IsActive $($enabled.IsActive)); its secret signs in again."
    }

    Show-Step 'Rotate it: a new token that is checked to work replaces it, in the vault too, and the old one goes' {
        $old = $script:Tokens['laptop']
        $new = Reset-HubAccessToken -Id $old.Id -Predecessor Remove -Confirm:$false
        Add-Secret $new.Secret
        $new | Format-Table Label, Id, ReplacedId, ExpiresAt, SecretName
        $credential = Get-Secret -Name $new.SecretName -Vault $script:Vaults.Default
        if (-not (Test-HubSignIn $credential)) { throw "The rotated secret '$($new.SecretName)' does not sign in." }
        if (Test-HubSignIn $laptopCredential) { throw 'Hub still accepts the replaced token.' }
        if (@(Get-HubAccessToken -Id $old.Id -ErrorAction SilentlyContinue).Count) { throw 'The replaced token is still on Hub.' }
        Outcome ("Rotated '$($new.Label)': the new token signed in before the secret '$($new.SecretName)' was overwritten with it; " +
            "the old token is removed and its secret is refused; the new one expires $($new.ExpiresAt.ToString('yyyy-MM-dd')), 90 days on like the old one.")
    }

    Show-Step 'Preview removing every CI token' {
        Get-HubAccessToken -Label 'ci-*' | Remove-HubAccessToken -RemoveSecret -WhatIf
        Outcome "-WhatIf only said what it would do: Hub still lists $(@(Get-HubAccessToken).Count) tokens."
    }

    Show-Step 'Remove them for real, with the secrets saved for them' {
        $ci = @(Get-HubAccessToken -Label 'ci-*')
        $ci | Remove-HubAccessToken -RemoveSecret -Confirm:$false
        $left = @(Get-SecretInfo -Vault $script:Vaults.Default)
        $labels = @($ci | ForEach-Object Label) -join ', '
        Outcome "Removed $($ci.Count) tokens ($labels) from Hub and their secrets from '$($script:Vaults.Default)', which now holds $($left.Count) secret ($(@($left.Name) -join ', '))."
    }

    Show-Step 'What is left' {
        $left = @(Get-HubAccessToken)
        $left | Format-Table
        Outcome "Hub lists $($left.Count) token for bob: $(@($left | ForEach-Object Label) -join ', ')."
    }

    Show-Step 'Organization access tokens: bob is only a member of acme, and Hub lets owners alone manage them' {
        $refused = try { Get-HubOrgAccessToken acme -ErrorAction Stop; $null } catch { $_ }
        if (-not $refused) { throw 'Hub let a member list the organization access tokens of acme.' }
        Outcome "Get-HubOrgAccessToken acme stopped with $($refused.FullyQualifiedErrorId -replace ',.*$'): $(($refused.Exception.Message -split ' Docker Hub says:')[0])"
    }

    Show-Step 'Sign in as alice, an owner of acme: one session serves personal and organization tokens' {
        $password = ConvertTo-SecureString 'alice-password-1' -AsPlainText -Force
        $session = Connect-HubAccount -Credential ([pscredential]::new('alice', $password)) -HubUri $HubUri -PassThru
        Outcome "Signed in to $HubUri as $($session.Username)."
    }

    Show-Step 'List the organization access tokens of acme' {
        $all = @(Get-HubOrgAccessToken acme)
        $all | Format-Table
        $states = $all | Group-Object State | Sort-Object Name | ForEach-Object { "$($_.Count) $($_.Name.ToLowerInvariant())" }
        Outcome "acme has $($all.Count) organization access tokens: $($states -join ', ')."
    }

    Show-Step 'Create a CI token that may pull and push acme/app; its secret goes straight into the vault' {
        $script:CiToken = New-HubOrgAccessToken acme ci-app -Repository acme/app -RepositoryScope scope-image-pull, scope-image-push `
            -Description 'CI builds and pushes the app image' -ExpiresIn (New-TimeSpan -Days 90)
        Add-Secret $script:CiToken.Secret
        $script:CiToken | Format-List Organization, Label, Description, Resources, ExpiresAt, Vault, SecretName
        Outcome "Created '$($script:CiToken.Label)' in acme for $($script:CiToken.Resources -join '; '); its secret is in vault '$($script:CiToken.Vault)' as $($script:CiToken.SecretName)."
    }

    Show-Step 'Use it as a CI job would: docker login --username acme, with the token as the password' {
        $credential = Get-Secret -Name $script:CiToken.SecretName -Vault $script:Vaults.Default
        Add-Secret $credential
        if (-not (Test-HubSignIn $credential)) { throw "The organization token saved as '$($script:CiToken.SecretName)' did not sign in at Hub." }
        Outcome "Get-Secret gave a PSCredential for '$($credential.UserName)'; Hub accepted the token with the organization as the identifier."
    }

    Show-Step 'Free room under the Team plan''s limit of 10 tokens: remove the expired ones' {
        $expired = @(Get-HubOrgAccessToken acme -Expired)
        $expired | Remove-HubOrgAccessToken -Confirm:$false
        Outcome "Removed $($expired.Count) expired token ($(@($expired.Label) -join ', ')); acme now has $(@(Get-HubOrgAccessToken acme).Count) organization access tokens."
    }

    Show-Step 'Sign out' {
        Disconnect-HubAccount
        $after = try { Get-HubAccessToken -ErrorAction Stop; 'a listing' } catch { $_.FullyQualifiedErrorId -replace ',.*$' }
        Outcome "Signed out: the session is forgotten, and Get-HubAccessToken now stops with $after."
    }
}
finally {
    Show-Step 'Remove the throw-away vault and its temporary home' {
        $homePath = $script:Vaults.Home
        $script:Vaults.Restore()
        if (Test-Path -LiteralPath $homePath) { throw "The temporary home '$homePath' is still there." }
        Outcome "Unregistered '$($script:Vaults.Default)' and deleted the temporary home '$homePath'; HOME is '$env:HOME' again."
    }
}
