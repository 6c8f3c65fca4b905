# The module as a user gets it: the built folder is published to a repository, installed from there into
# a clean PowerShell that has never seen the build output, imported by name and used against the emulator.
# Every PSResourceGet call runs in a child process with its own home, so the user's registered
# repositories and installed modules are never read or written.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:ModuleDir = Split-Path -Parent $env:DOCKERHUBPAT_TEST_MODULE
    # The source manifest is the one place the version lives; the package must carry that one.
    $script:ManifestVersion = [version](Import-PowerShellDataFile -LiteralPath (Join-Path $PSScriptRoot '../module/DockerHubPat.psd1')).ModuleVersion

    function Get-UserRepositoryStore {
        # The file PSResourceGet keeps the user's repositories in, as bytes, or $null when there is none.
        $file = Join-Path ([Environment]::GetFolderPath('LocalApplicationData')) 'PSResourceGet/PSResourceRepository.xml'
        if (Test-Path -LiteralPath $file) { [IO.File]::ReadAllBytes($file) } else { $null }
    }

    function Invoke-IsolatedPwsh {
        <#
        Runs a script in `pwsh -NoProfile -NonInteractive` with a home of its own. Values travel in
        environment variables, so nothing secret is on a command line another user could list.
        Returns ExitCode, StdOut, StdErr.
        #>
        param(
            [Parameter(Mandatory)][string] $Name,
            [Parameter(Mandatory)][string] $Script,
            [hashtable] $Environment = @{},
            [int] $TimeoutSeconds = 180
        )
        $childHome = Join-Path $TestDrive "$Name-home"
        New-Item -ItemType Directory -Force -Path $childHome | Out-Null
        $scriptPath = Join-Path $TestDrive "$Name.ps1"
        Set-Content -LiteralPath $scriptPath -Value $Script -Encoding utf8

        # HOME and the XDG folders decide where PowerShell and PSResourceGet keep per-user state on
        # Linux and macOS; the Windows ones are set too so a Windows run is no less isolated for them.
        $state = @{
            HOME = $childHome; USERPROFILE = $childHome
            XDG_DATA_HOME = Join-Path $childHome 'data'; XDG_CONFIG_HOME = Join-Path $childHome 'config'
            XDG_CACHE_HOME = Join-Path $childHome 'cache'
            LOCALAPPDATA = Join-Path $childHome 'localappdata'; APPDATA = Join-Path $childHome 'appdata'
            # The child must find the module only where the package put it.
            DOCKERHUBPAT_TEST_MODULE = $null
        }
        foreach ($key in $Environment.Keys) { $state[$key] = $Environment[$key] }
        # PSResourceGet writes some per-user files relative to the working directory; keep them in the child's home.
        $run = Invoke-PwshProcess -Arguments '-NoProfile', '-NonInteractive', '-File', $scriptPath `
            -Environment $state -WorkingDirectory $childHome -TimeoutSeconds $TimeoutSeconds
        # Escape codes would end up in failure messages, and Pester's XML report cannot hold them.
        $clean = { param($text) $text -replace '\x1b\[[0-9;]*[A-Za-z]', '' -replace '[\x00-\x08\x0b\x0c\x0e-\x1f]', '' }
        [pscustomobject]@{ ExitCode = $run.ExitCode; StdOut = & $clean $run.StdOut; StdErr = & $clean $run.StdErr }
    }

    # Both children register the same folder under a name of their own, and unregister it again:
    # harmless in their private homes, and it keeps them from leaving a trace should a platform
    # ignore the home they were given.
    $script:RegisterRepository = @'
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'
Import-Module Microsoft.PowerShell.PSResourceGet
$repository = 'DockerHubPatTest-' + [guid]::NewGuid().ToString('N')
Register-PSResourceRepository -Name $repository -Uri $env:DHP_TEST_REPOSITORY -Trusted
'@

    $script:PublishScript = @'

try { Publish-PSResource -Path $env:DHP_TEST_MODULE_DIR -Repository $repository }
finally { Unregister-PSResourceRepository -Name $repository }
'@

    # Saved rather than installed: Save-PSResource writes only where it is told to, on every platform.
    $script:InstallScript = @'

# -IncludeXml leaves the metadata Get-InstalledPSResource reads, as an install would.
try {
    Save-PSResource -Name DockerHubPat -Repository $repository -Path $env:DHP_TEST_INSTALL_DIR -TrustRepository -IncludeXml
    # What a user searching the repository sees, before anything is imported.
    $byCommand = @(Find-PSResource -CommandName Get-HubAccessToken -Repository $repository)
    $listed = Find-PSResource -Name DockerHubPat -Repository $repository
}
finally { Unregister-PSResourceRepository -Name $repository }

$manifestPath = (Get-ChildItem -LiteralPath $env:DHP_TEST_INSTALL_DIR -Recurse -Filter DockerHubPat.psd1 | Select-Object -First 1).FullName
$checked = Test-ModuleManifest -Path $manifestPath -ErrorVariable manifestErrors -WarningVariable manifestWarnings -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
Import-Module DockerHubPat
$module = Get-Module DockerHubPat
$password = ConvertTo-SecureString -String $env:DHP_TEST_PASSWORD -AsPlainText -Force
Connect-HubAccount -Credential ([pscredential]::new($env:DHP_TEST_USERNAME, $password)) -HubUri $env:DHP_TEST_HUB
$tokens = @(Get-HubAccessToken)
[ordered]@{
    version = $module.Version.ToString()
    moduleBase = $module.ModuleBase
    installed = @(Get-InstalledPSResource -Name DockerHubPat -Path $env:DHP_TEST_INSTALL_DIR | ForEach-Object { $_.Version.ToString() })
    tokens = @($tokens | ForEach-Object { [ordered]@{ id = $_.Id.ToString(); label = $_.Label } })
    foundByCommand = @($byCommand | ForEach-Object { [ordered]@{ names = @($_.Names); module = $_.ParentResource.Name; version = $_.ParentResource.Version.ToString() } })
    listedTags = @($listed.Tags)
    listedReleaseNotes = $listed.ReleaseNotes
    manifestPath = $manifestPath
    manifestProblems = @(@($manifestErrors) + @($manifestWarnings) | ForEach-Object { "$_" })
    manifestChecked = $null -ne $checked
} | ConvertTo-Json -Depth 4 | Set-Content -LiteralPath $env:DHP_TEST_RESULT -Encoding utf8
'@
}

Describe 'The published package' {
    BeforeAll {
        $script:RepoDir = Join-Path $TestDrive 'repository'
        $script:InstallDir = Join-Path $TestDrive 'modules'
        $script:ResultPath = Join-Path $TestDrive 'result.json'
        New-Item -ItemType Directory -Path $script:RepoDir, $script:InstallDir | Out-Null
        $script:StoreBefore = Get-UserRepositoryStore

        $script:Published = Invoke-IsolatedPwsh -Name 'publish' -Environment @{
            DHP_TEST_REPOSITORY = $script:RepoDir
            DHP_TEST_MODULE_DIR = $script:ModuleDir
        } -Script ($script:RegisterRepository + $script:PublishScript)

        $script:Account = New-TestAccount -Prefix 'pkg' -HubUri $script:Hub
        Add-TestToken -Username $script:Account.Username -Count 3 -LabelPrefix 'pkg-' -HubUri $script:Hub | Out-Null
        $script:ServerTokens = @(Get-ServerToken -Username $script:Account.Username -HubUri $script:Hub)

        Clear-HubRequestLog -HubUri $script:Hub
        $script:Installed = Invoke-IsolatedPwsh -Name 'install' -Environment @{
            DHP_TEST_REPOSITORY = $script:RepoDir
            DHP_TEST_INSTALL_DIR = $script:InstallDir
            DHP_TEST_RESULT = $script:ResultPath
            DHP_TEST_HUB = $script:Hub
            DHP_TEST_USERNAME = $script:Account.Username
            DHP_TEST_PASSWORD = $script:Account.Password
            # Only this folder: no other copy of DockerHubPat can satisfy an import by name.
            PSModulePath = $script:InstallDir
        } -Script ($script:RegisterRepository + $script:InstallScript)

        $script:Requests = @(Get-HubRequestLog -HubUri $script:Hub)
        $script:Result = if (Test-Path -LiteralPath $script:ResultPath) {
            Get-Content -Raw -LiteralPath $script:ResultPath | ConvertFrom-Json
        }
        # The manifest as it is in the package, which is what a gallery shows.
        $script:Manifest = Import-PowerShellDataFile -LiteralPath $script:Result.manifestPath

        function Get-PackageEntryText {
            param([Parameter(Mandatory)][string] $Entry)
            $zip = [IO.Compression.ZipFile]::OpenRead(@(Get-ChildItem -LiteralPath $script:RepoDir -Filter '*.nupkg')[0].FullName)
            try {
                $item = $zip.GetEntry($Entry)
                if ($null -eq $item) { return $null }
                $reader = [IO.StreamReader]::new($item.Open())
                try { $reader.ReadToEnd() } finally { $reader.Dispose() }
            }
            finally { $zip.Dispose() }
        }
    }

    It 'is made by Publish-PSResource from the built folder' {
        $script:Published.ExitCode | Should -Be 0 -Because "publishing said:`n$($script:Published.StdOut)`n$($script:Published.StdErr)"
        $nupkg = @(Get-ChildItem -LiteralPath $script:RepoDir -Filter '*.nupkg')
        # NuGet always writes at least three version parts: 1.2 becomes 1.2.0.
        $v = $script:ManifestVersion
        $nugetVersion = '{0}.{1}.{2}' -f $v.Major, $v.Minor, [Math]::Max(0, $v.Build)
        if ($v.Revision -gt 0) { $nugetVersion += ".$($v.Revision)" }
        $nupkg.Name | Should -Be "DockerHubPat.$nugetVersion.nupkg"
    }

    It 'installs in a clean PowerShell and works there' {
        $script:Installed.ExitCode | Should -Be 0 -Because "the clean PowerShell said:`n$($script:Installed.StdOut)`n$($script:Installed.StdErr)"
        $script:Result | Should -Not -BeNullOrEmpty
    }

    It 'is the version in the manifest' {
        [version]$script:Result.version | Should -Be $script:ManifestVersion
        @($script:Result.installed).Count | Should -Be 1
        [version]$script:Result.installed[0] | Should -Be $script:ManifestVersion
    }

    It 'sends that version to Hub from the installed assembly' {
        $script:Requests.Count | Should -BeGreaterThan 0
        $agents = @($script:Requests.user_agent | Sort-Object -Unique)
        $agents.Count | Should -Be 1
        $agents[0] | Should -BeLike "DockerHubPat/$($script:ManifestVersion)*"
    }

    It 'is imported by name from where it was installed, not from the build output' {
        $base = [IO.Path]::GetFullPath($script:Result.moduleBase)
        $base | Should -BeLike ([IO.Path]::GetFullPath($script:InstallDir) + '*')
        $base | Should -Not -Be ([IO.Path]::GetFullPath($script:ModuleDir))
    }

    It 'lists the tokens that are on the server' {
        $script:ServerTokens.Count | Should -Be 3
        $got = @($script:Result.tokens | ForEach-Object { "$($_.id) $($_.label)" } | Sort-Object)
        $want = @($script:ServerTokens | ForEach-Object { "$($_.uuid) $($_.token_label)" } | Sort-Object)
        $got | Should -Be $want
    }

    It 'ships the LICENSE file, MIT as the manifest says' {
        $license = Get-Content -Raw -LiteralPath (Join-Path $PSScriptRoot '../LICENSE')
        $license | Should -Match '^MIT License'
        $license | Should -Match 'Copyright \(c\) \d{4} DockerHubPat contributors'
        $script:Manifest.Copyright | Should -Match 'MIT'
        Get-PackageEntryText 'LICENSE' | Should -BeExactly $license
        $installed = Join-Path (Split-Path -Parent $script:Result.manifestPath) 'LICENSE'
        Get-Content -Raw -LiteralPath $installed | Should -BeExactly $license
    }

    It 'is tagged for both editions and the three platforms, beside its own tags' {
        $tags = @($script:Manifest.PrivateData.PSData.Tags)
        foreach ($tag in 'PSEdition_Core', 'PSEdition_Desktop', 'Windows', 'Linux', 'MacOS', 'Docker', 'DockerHub', 'AccessToken') {
            $tags | Should -Contain $tag
            @($script:Result.listedTags) | Should -Contain $tag
        }
    }

    It "carries this version's CHANGELOG.md section as its release notes" {
        $changelog = @(Get-Content -LiteralPath (Join-Path $PSScriptRoot '../CHANGELOG.md'))
        $heading = [array]::FindIndex([string[]]$changelog, [Predicate[string]] { param($l) $l -match "^## \[$([regex]::Escape("$script:ManifestVersion"))\]" })
        $heading | Should -BeGreaterThan -1 -Because 'CHANGELOG.md needs a section for the manifest version'
        $next = [array]::FindIndex([string[]]$changelog, $heading + 1, [Predicate[string]] { param($l) $l -match '^## ' })
        $section = $changelog[($heading + 1)..($(if ($next -lt 0) { $changelog.Count } else { $next }) - 1)]
        $want = ($section -join "`n").Trim()

        $want | Should -Not -BeNullOrEmpty
        $script:Manifest.PrivateData.PSData.ReleaseNotes | Should -BeExactly $want
        ($script:Result.listedReleaseNotes -replace '\r\n', "`n").Trim() | Should -BeExactly $want
        $script:Manifest.PrivateData.PSData.ReleaseNotes | Should -Not -Match 'Unreleased'
    }

    It 'names no project, license or help address (the project has none yet)' {
        $psData = $script:Manifest.PrivateData.PSData
        $psData.ProjectUri | Should -BeNullOrEmpty
        $psData.LicenseUri | Should -BeNullOrEmpty
        $script:Manifest.HelpInfoURI | Should -BeNullOrEmpty
        $nuspec = Get-PackageEntryText 'DockerHubPat.nuspec'
        $nuspec | Should -Not -Match '<(projectUrl|licenseUrl)>'
    }

    It 'is found by Find-PSResource -CommandName Get-HubAccessToken' {
        @($script:Result.foundByCommand).Count | Should -Be 1
        $found = $script:Result.foundByCommand[0]
        $found.module | Should -Be 'DockerHubPat'
        [version]$found.version | Should -Be $script:ManifestVersion
        @($found.names) | Should -Contain 'Get-HubAccessToken'
    }

    It 'passes Test-ModuleManifest without an error or a warning' {
        $script:Result.manifestChecked | Should -BeTrue
        @($script:Result.manifestProblems) | Should -BeNullOrEmpty
    }

    It "leaves the user's PSResourceGet repositories as they were" {
        $after = Get-UserRepositoryStore
        if ($null -eq $script:StoreBefore) {
            $after | Should -BeNullOrEmpty
        }
        else {
            [Convert]::ToBase64String($after) | Should -Be ([Convert]::ToBase64String($script:StoreBefore))
        }
    }
}
