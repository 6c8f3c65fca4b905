# DockerHubPat in a session with another binary module that uses a different Flurl.Http.
# tests/OldFlurl is such a module: built against Flurl.Http 2.4.2 and loaded the ordinary way into
# PowerShell's default load context. Each case runs in a fresh pwsh, since the load order is the point.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:ModulePath = $env:DOCKERHUBPAT_TEST_MODULE
    # build.ps1 builds it with the module, in the same configuration as the emulator tests use.
    $script:OldFlurl = Join-Path $PSScriptRoot 'OldFlurl/bin/Release/netstandard2.0/OldFlurl.dll'
    if (-not (Test-Path -LiteralPath $script:OldFlurl)) {
        throw "The test module '$script:OldFlurl' is missing. Run 'dotnet pwsh ./build.ps1 build' first."
    }

    $script:Account = New-TestAccount -Prefix 'iso' -HubUri $script:Hub
    Add-TestToken -Username $script:Account.Username -Count 2 -LabelPrefix 'iso-' -HubUri $script:Hub | Out-Null
    $script:ServerIds = @(Get-ServerToken -Username $script:Account.Username -HubUri $script:Hub |
            ForEach-Object uuid | Sort-Object)

    # Both modules' work, as steps the cases below put in different orders. They write what they saw
    # as strings, so a failure message shows it.
    $script:Steps = @'
param($Hub, $Username, $Password, $ModulePath, $OldFlurl)
$ErrorActionPreference = 'Stop'
function Use-DockerHubPat {
    $credential = [pscredential]::new($Username, (ConvertTo-SecureString $Password -AsPlainText -Force))
    Connect-HubAccount -Credential $credential -HubUri $Hub
    'hub:' + ((Get-HubAccessToken | ForEach-Object { $_.Id.ToString() } | Sort-Object) -join ',')
}
function Use-OldFlurl {
    $page = Get-OldFlurlPage -BaseUri $Hub -PathSegment '_emulator', 'settings'
    $settings = $page.Body | ConvertFrom-Json
    'old:' + $page.FlurlHttpVersion + ':' + ($null -ne $settings)
}
'@
    function Invoke-Steps {
        # -OldFlurlFirst: the fresh pwsh starts with the other module instead of DockerHubPat.
        param([Parameter(Mandatory)][string] $Script, [switch] $OldFlurlFirst)
        $block = [scriptblock]::Create($script:Steps + "`n" + $Script)
        $modulePath = if ($OldFlurlFirst) { $script:OldFlurl } else { $script:ModulePath }
        Invoke-InFreshPwsh -TimeoutSeconds 120 -ModulePath $modulePath -ScriptBlock $block -ArgumentList @(
            $script:Hub, $script:Account.Username, $script:Account.Password, $script:ModulePath, $script:OldFlurl)
    }

    function Get-Failure($Run) {
        "errors:`n$(@($Run.Error | ForEach-Object { "$_" }) -join "`n")`nstderr:`n$($Run.StdErr)"
    }

    $script:HubLine = 'hub:' + ($script:ServerIds -join ',')
    $script:OldLine = 'old:2.4.2.0:True'
}

Describe 'DockerHubPat beside a module built against Flurl.Http 2.4.2' {
    It 'both work when DockerHubPat loads first' {
        $run = Invoke-Steps @'
Use-DockerHubPat
Import-Module $OldFlurl
Use-OldFlurl
Use-DockerHubPat
'@
        $run.Error | Should -BeNullOrEmpty -Because (Get-Failure $run)
        $run.Output | Should -Be @($script:HubLine, $script:OldLine, $script:HubLine)
    }

    It 'both work when the other module loads first' {
        $run = Invoke-Steps -OldFlurlFirst @'
Use-OldFlurl
Import-Module $ModulePath
Use-DockerHubPat
Use-OldFlurl
'@
        $run.Error | Should -BeNullOrEmpty -Because (Get-Failure $run)
        $run.Output | Should -Be @($script:OldLine, $script:HubLine, $script:OldLine)
    }

    It 'still works after Remove-Module and Import-Module, plain and with -Force' {
        $run = Invoke-Steps -OldFlurlFirst @'
Import-Module $ModulePath
Use-DockerHubPat
Remove-Module DockerHubPat
'removed:' + @(Get-Command Get-HubAccessToken -ErrorAction SilentlyContinue).Count
Import-Module $ModulePath
Use-DockerHubPat
Import-Module $ModulePath -Force
Use-DockerHubPat
Use-OldFlurl
'@
        $run.Error | Should -BeNullOrEmpty -Because (Get-Failure $run)
        $run.Output | Should -Be @($script:HubLine, 'removed:0', $script:HubLine, $script:HubLine, $script:OldLine)
    }

    It 'keeps type names, views, help and completion after a forced re-import' {
        $run = Invoke-Steps @'
Import-Module $ModulePath -Force
$null = Use-DockerHubPat
$token = @(Get-HubAccessToken)[0]
'is:' + ($token -is [DockerHubPat.HubAccessToken])
'type:' + [DockerHubPat.HubAccessToken].FullName
'view:' + (@(Get-FormatData -TypeName DockerHubPat.HubAccessToken).Count -gt 0)
'table:' + (($token | Format-Table | Out-String) -match 'Label')
'help:' + ((Get-Help Get-HubAccessToken).Synopsis -notmatch '^\s*Get-HubAccessToken')
$line = 'Get-HubAccessToken -Label '
'complete:' + ((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.Count -gt 0)
'@
        $run.Error | Should -BeNullOrEmpty -Because (Get-Failure $run)
        $run.Output | Should -Be @('is:True', 'type:DockerHubPat.HubAccessToken', 'view:True', 'table:True',
            'help:True', 'complete:True')
    }
}

Describe 'The load context of its own' {
    It 'holds DockerHubPat, Flurl, Flurl.Http and Otp.NET, and the default context none of them' {
        # Signing in with an authenticator seed works the code out with Otp.NET, so all four are loaded.
        $seed = 'JBSWY3DPEHPK3PXP'
        $totp = New-TestAccount -Prefix 'isototp' -TotpSecret $seed -HubUri $script:Hub
        $run = Invoke-InFreshPwsh -TimeoutSeconds 120 -ArgumentList $script:Hub, $totp.Username, $totp.Password, $seed {
            param($Hub, $Username, $Password, $Seed)
            $ErrorActionPreference = 'Stop'
            $credential = [pscredential]::new($Username, (ConvertTo-SecureString $Password -AsPlainText -Force))
            Connect-HubAccount -Credential $credential -TotpSecret (ConvertTo-SecureString $Seed -AsPlainText -Force) -HubUri $Hub
            $null = Get-HubAccessToken
            foreach ($assembly in [AppDomain]::CurrentDomain.GetAssemblies()) {
                $name = $assembly.GetName().Name
                if ($name -in 'DockerHubPat', 'Flurl', 'Flurl.Http', 'Otp.NET') {
                    $context = [Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly)
                    '{0}:{1}' -f $name, $(if ($context -eq [Runtime.Loader.AssemblyLoadContext]::Default) { 'default' } else { $context.Name })
                }
            }
        }
        $run.Error | Should -BeNullOrEmpty -Because (Get-Failure $run)
        $own = 'DockerHubPat ' + [IO.Path]::GetFullPath((Join-Path (Split-Path -Parent $script:ModulePath) 'DockerHubPat.dll'))
        $expected = "DockerHubPat:$own", "Flurl:$own", "Flurl.Http:$own", "Otp.NET:$own"
        @($run.Output | Sort-Object) | Should -Be @($expected | Sort-Object) -Because 'each is loaded once, and only there'
    }

    It 'is named for every library in dependencies/ that PowerShell 7 does not provide itself' {
        # A new package reference must be added to ModuleLoadContext's list, or PowerShell 7 would load
        # it into the default context, where it could meet another module's copy again.
        $run = Invoke-Steps @'
$moduleBase = (Get-Module DockerHubPat).ModuleBase
$platform = ([AppContext]::GetData('TRUSTED_PLATFORM_ASSEMBLIES') -split [IO.Path]::PathSeparator) |
    ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_) }
$isolated = [DockerHubPat.LoadContext.ModuleLoadContext]::IsolatedAssemblyNames
foreach ($dll in Get-ChildItem -LiteralPath (Join-Path $moduleBase 'dependencies') -Filter '*.dll') {
    $name = [Reflection.AssemblyName]::GetAssemblyName($dll.FullName).Name
    if ($name -notin $isolated -and $name -notin $platform) { "unaccounted:$name" }
    if ($name -in $isolated) { "isolated:$name" }
}
'@
        $run.Error | Should -BeNullOrEmpty -Because (Get-Failure $run)
        @($run.Output | Sort-Object) | Should -Be @('isolated:Flurl', 'isolated:Flurl.Http', 'isolated:Otp.NET' | Sort-Object)
    }
}
