#Requires -Version 7.0
<#
TEST-ONLY stand-in for Microsoft.PowerShell.SecretStore's own commands, written from its public
documentation (command reference, README, design notes) and the output users quoted in its public issues.

One store per process, in memory: a new process is a new session, so the store starts locked once it
has a password. Unlike the real module, a store that was never configured needs no password (the real
one asks for a new password on first use); give it one with
  Set-SecretStoreConfiguration -Authentication Password -Password $pw -Interaction Prompt -Confirm:$false
#>
Set-StrictMode -Version Latest

$script:Store = 'Microsoft.PowerShell.SecretStore'

function Assert-StoreUnlocked([securestring] $Password, [System.Management.Automation.PSCmdlet] $Cmdlet) {
    # Configuration changes need the store unlocked: by -Password, an open unlock window, or the prompt.
    $locks = [DockerHubPat.TestVault.VaultLocks]
    if ($locks::IsUnlocked($script:Store)) { return }
    if ($Password) {
        if ($locks::TryUnlock($script:Store, $Password, $null)) { return }
        throw [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new('The provided password is incorrect for the Microsoft.PowerShell.SecretStore module vault.')
    }
    if (-not $locks::AllowsPrompt($script:Store)) {
        throw [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new("A valid password is required to access the Microsoft.PowerShell.SecretStore vault.`nUse the Unlock-SecretStore cmdlet to provide the required password to access the store.")
    }
    if (-not $locks::PromptAndUnlock($script:Store, $script:Store, $Cmdlet.Host.UI)) {
        throw [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new('Unable to unlock Microsoft.PowerShell.SecretStore vault. Password is invalid.')
    }
}

function Get-SecretStoreConfiguration {
    [CmdletBinding()]
    param()
    try { Assert-StoreUnlocked -Cmdlet $PSCmdlet }
    catch { $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($_.Exception, 'GetSecretStoreConfigurationFailed', 'NotSpecified', $null)) }
    [DockerHubPat.TestVault.VaultLocks]::Configuration($script:Store)
}

function Set-SecretStoreConfiguration {
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'High')]
    param(
        [ValidateSet('CurrentUser')] [string] $Scope = 'CurrentUser',
        [ValidateSet('Password', 'None')] [string] $Authentication,
        [ValidateRange(1, [int]::MaxValue)] [int] $PasswordTimeout,
        [ValidateSet('Prompt', 'None')] [string] $Interaction,
        [securestring] $Password
    )
    $locks = [DockerHubPat.TestVault.VaultLocks]
    $current = $locks::Configuration($script:Store)
    $timeout = if ($PSBoundParameters.ContainsKey('PasswordTimeout')) { $PasswordTimeout } else { $current.PasswordTimeout }
    $prompt = if ($Interaction) { $Interaction -eq 'Prompt' } else { $current.Interaction -eq 'Prompt' }
    if (-not $PSCmdlet.ShouldProcess('SecretStore module local store', 'Changes local store configuration')) { return }
    try {
        if ($current.Authentication -eq 'Password') { Assert-StoreUnlocked -Password $Password -Cmdlet $PSCmdlet }
        if ($Authentication -eq 'None') { $locks::Forget($script:Store); return }
        if ($current.Authentication -eq 'None' -and $Authentication -eq 'Password') {
            if (-not $Password) { throw [System.Management.Automation.PSArgumentException]::new('A password is required when the store is configured for password authentication: use the Password parameter.') }
            # A new password is in effect for this session, as after the real module's password prompt.
            $locks::Protect($script:Store, $Password, $prompt, $timeout)
            $null = $locks::TryUnlock($script:Store, $Password, $null)
            return
        }
        $locks::Configure($script:Store, $prompt, $timeout)
    }
    catch [System.Management.Automation.PSArgumentException] {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($_.Exception, 'SetSecretStoreConfigurationPasswordRequired', 'InvalidArgument', $null))
    }
    catch {
        $PSCmdlet.ThrowTerminatingError([System.Management.Automation.ErrorRecord]::new($_.Exception, 'SetSecretStoreConfigurationFailed', 'NotSpecified', $null))
    }
}

function Unlock-SecretStore {
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)] [securestring] $Password,
        [ValidateRange(1, [int]::MaxValue)] [int] $PasswordTimeout
    )
    $timeout = if ($PSBoundParameters.ContainsKey('PasswordTimeout')) { [int] $PasswordTimeout } else { $null }
    if (-not [DockerHubPat.TestVault.VaultLocks]::TryUnlock($script:Store, $Password, $timeout)) {
        $PSCmdlet.WriteError([System.Management.Automation.ErrorRecord]::new(
                [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new('The provided password is incorrect for the Microsoft.PowerShell.SecretStore module vault.'),
                'UnlockSecretStoreFailed', 'InvalidOperation', $null))
    }
}

Export-ModuleMember -Function 'Get-SecretStoreConfiguration', 'Set-SecretStoreConfiguration', 'Unlock-SecretStore'
