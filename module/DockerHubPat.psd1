@{
    RootModule           = 'DockerHubPat.psm1'
    # The one place the version lives: build.ps1 stamps it into the assembly and the User-Agent.
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0f3c2e-8d4a-4f6b-9a57-2f1d6c9e4b31'
    Author               = 'DockerHubPat contributors'
    CompanyName          = 'DockerHubPat'
    Copyright            = '(c) DockerHubPat contributors. MIT License.'
    Description          = 'Manage Docker Hub personal and organization access tokens from PowerShell: create, list, change, enable, disable and remove them, in pipelines and runbooks.'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('DockerHubPat.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Connect-HubAccount'
        'Disconnect-HubAccount'
        'Get-HubAccount'
        'Get-HubAccessToken'
        'New-HubAccessToken'
        'Rename-HubAccessToken'
        'Enable-HubAccessToken'
        'Disable-HubAccessToken'
        'Remove-HubAccessToken'
        'Get-HubOrgAccessToken'
        'New-HubOrgAccessToken'
        'Set-HubOrgAccessToken'
        'Enable-HubOrgAccessToken'
        'Disable-HubOrgAccessToken'
        'Remove-HubOrgAccessToken'
        'Reset-HubAccessToken'
        'Reset-HubOrgAccessToken'
        'Get-HubAccessTokenSecret'
        'Remove-HubAccessTokenSecret'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags                       = @('Docker', 'DockerHub', 'AccessToken', 'PAT', 'OAT', 'Security',
                'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS')
            # build.ps1 writes this version's section of CHANGELOG.md here.
            ReleaseNotes               = ''
            # ProjectUri, LicenseUri and HelpInfoURI are left out until the project has a public address.
            # Optional: used only to save secrets; never imported at load (-NoVault works without it).
            ExternalModuleDependencies = @('Microsoft.PowerShell.SecretManagement')
        }
    }
}
