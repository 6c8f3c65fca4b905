# TEST-ONLY: SecretStore's extension functions. Each hands the call to DockerHubPat.TestVault's function
# of the same name with the SecretStore store, whose messages and prompt are SecretStore's own.
Set-StrictMode -Version Latest

function Add-SecretStore([hashtable] $AdditionalParameters) {
    $parameters = if ($AdditionalParameters) { $AdditionalParameters.Clone() } else { @{} }
    $parameters['Store'] = 'Microsoft.PowerShell.SecretStore'
    $parameters
}

function Get-Secret {
    [CmdletBinding()]
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    DockerHubPat.TestVault.Extension\Get-Secret -Name $Name -VaultName $VaultName -AdditionalParameters (Add-SecretStore $AdditionalParameters)
}

function Get-SecretInfo {
    [CmdletBinding()]
    param([string] $Filter, [string] $VaultName, [hashtable] $AdditionalParameters)
    DockerHubPat.TestVault.Extension\Get-SecretInfo -Filter $Filter -VaultName $VaultName -AdditionalParameters (Add-SecretStore $AdditionalParameters)
}

function Set-Secret {
    [CmdletBinding()]
    param([string] $Name, [object] $Secret, [string] $VaultName, [hashtable] $AdditionalParameters, [hashtable] $Metadata)
    DockerHubPat.TestVault.Extension\Set-Secret -Name $Name -Secret $Secret -VaultName $VaultName -AdditionalParameters (Add-SecretStore $AdditionalParameters) -Metadata $Metadata
}

function Set-SecretInfo {
    [CmdletBinding()]
    param([string] $Name, [hashtable] $Metadata, [string] $VaultName, [hashtable] $AdditionalParameters)
    DockerHubPat.TestVault.Extension\Set-SecretInfo -Name $Name -Metadata $Metadata -VaultName $VaultName -AdditionalParameters (Add-SecretStore $AdditionalParameters)
}

function Remove-Secret {
    [CmdletBinding()]
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    DockerHubPat.TestVault.Extension\Remove-Secret -Name $Name -VaultName $VaultName -AdditionalParameters (Add-SecretStore $AdditionalParameters)
}

function Test-SecretVault {
    [CmdletBinding()]
    param([string] $VaultName, [hashtable] $AdditionalParameters)
    DockerHubPat.TestVault.Extension\Test-SecretVault -VaultName $VaultName -AdditionalParameters (Add-SecretStore $AdditionalParameters)
}

function Unlock-SecretVault {
    [CmdletBinding()]
    param([securestring] $Password, [string] $VaultName, [hashtable] $AdditionalParameters)
    DockerHubPat.TestVault.Extension\Unlock-SecretVault -Password $Password -VaultName $VaultName -AdditionalParameters (Add-SecretStore $AdditionalParameters)
}

Export-ModuleMember -Function 'Get-Secret', 'Get-SecretInfo', 'Set-Secret', 'Set-SecretInfo', 'Remove-Secret', 'Test-SecretVault', 'Unlock-SecretVault'
