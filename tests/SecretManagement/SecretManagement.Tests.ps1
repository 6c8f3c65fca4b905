# Self-tests of the TEST-ONLY SecretManagement stand-in and of DockerHubPat.TestVault.
# They pin the documented contract that DockerHubPat's own tests rely on. Run them with
#   dotnet pwsh -NoProfile -c "Import-Module ~/.nuget/packages/pester/5.7.1/tools/Pester.psd1; Invoke-Pester tests/SecretManagement -Output Detailed"
# Always against the stand-in: several checks name its ErrorIds, which the real module may not share.

BeforeAll {
    Set-StrictMode -Version Latest
    $script:Init = Join-Path $PSScriptRoot 'Initialize-TestVault.ps1'
    $script:Vaults = & $script:Init -Implementation StandIn

    function New-TestCredential([string] $User = 'hubuser', [string] $Password = 'dckr_pat_secret1') {
        [pscredential]::new($User, (ConvertTo-SecureString -String $Password -AsPlainText -Force))
    }

    # Runs a command with -ErrorAction Stop and returns the error record it stops with ($null if none).
    function Get-StopError([scriptblock] $Command) {
        try { $null = & $Command; $null }
        catch { $_ }
    }
}

AfterAll {
    if ($script:Vaults) { $script:Vaults.Restore() }
}

Describe 'Initialize-TestVault.ps1' {
    It 'points HOME at a temp folder and keeps the registry there' {
        $env:HOME | Should -Be $Vaults.Home
        $Vaults.Home | Should -BeLike "$([IO.Path]::GetTempPath().TrimEnd('/\'))*"
        $Vaults.Implementation | Should -Be 'StandIn'
        if (-not $IsWindows) {
            $file = Join-Path $Vaults.Home '.secretmanagement/secretvaultregistry/vaultinfo.json'
            Test-Path -LiteralPath $file | Should -BeTrue
            $json = Get-Content -Raw -LiteralPath $file | ConvertFrom-Json -AsHashtable
            $json.DefaultVaultName | Should -Be 'TestVault'
            @($json.Vaults.Keys) | Should -Contain 'BrokenVault'
            $json.Vaults.BrokenVault.VaultParameters.FailOnWrite | Should -BeTrue
        }
    }

    It 'returns the vault names by role' {
        $Vaults.Default | Should -Be 'TestVault'
        $Vaults.Other | Should -Be 'OtherVault'
        $Vaults.ReadOnly | Should -Be 'BrokenVault'
        $Vaults.NoMetadata | Should -Be 'NoMetaVault'
        $Vaults.Unavailable | Should -Be 'DownVault'
        $Vaults.Names | Should -Be @('TestVault', 'OtherVault', 'BrokenVault', 'NoMetaVault', 'DownVault')
    }

    It 'leaves the SecretManagement commands, not the vault functions, in the session' {
        foreach ($name in 'Set-Secret', 'Get-Secret', 'Get-SecretInfo', 'Remove-Secret', 'Test-SecretVault', 'Set-SecretInfo') {
            (Get-Command -Name $name).Source | Should -Be 'Microsoft.PowerShell.SecretManagement'
        }
        (Get-Command -Name Clear-TestVaultStore).Source | Should -Be 'DockerHubPat.TestVault'
    }

    It 'can be called again in the same process and starts from empty vaults' {
        Set-Secret -Name leftover -Secret 'x' -ErrorAction Stop
        $again = & $Init -Implementation StandIn
        $again.Home | Should -Be $Vaults.Home
        Get-TestVaultStoreEntry | Should -BeNullOrEmpty
        @(Get-SecretVault).Count | Should -Be 5
    }
}

Describe 'Command contract' {
    It 'exports exactly the documented commands' {
        $names = (Get-Module Microsoft.PowerShell.SecretManagement).ExportedCommands.Keys | Sort-Object
        $names | Should -Be (@('Get-Secret', 'Get-SecretInfo', 'Get-SecretVault', 'Register-SecretVault', 'Remove-Secret',
                'Set-Secret', 'Set-SecretInfo', 'Set-SecretVaultDefault', 'Test-SecretVault', 'Unlock-SecretVault', 'Unregister-SecretVault') | Sort-Object)
    }

    It '<Command> has the parameter sets <Sets>' -ForEach @(
        @{ Command = 'Set-Secret'; Sets = 'ObjectParameterSet', 'SecretInfoParameterSet', 'SecureStringParameterSet'; Default = 'SecureStringParameterSet' }
        @{ Command = 'Get-Secret'; Sets = 'InfoParameterSet', 'NameParameterSet'; Default = 'NameParameterSet' }
        @{ Command = 'Remove-Secret'; Sets = 'InfoParameterSet', 'NameParameterSet'; Default = 'NameParameterSet' }
        @{ Command = 'Set-SecretInfo'; Sets = 'InfoParameterSet', 'NameParameterSet'; Default = 'NameParameterSet' }
        @{ Command = 'Set-SecretVaultDefault'; Sets = 'ClearParameterSet', 'NameParameterSet', 'SecretVaultParameterSet'; Default = 'NameParameterSet' }
        @{ Command = 'Unregister-SecretVault'; Sets = 'NameParameterSet', 'SecretVaultParameterSet'; Default = 'NameParameterSet' }
    ) {
        $info = Get-Command $Command
        @($info.ParameterSets.Name | Sort-Object) | Should -Be @($Sets)
        $info.DefaultParameterSet | Should -Be $Default
    }

    It 'takes Name and Vault by position' {
        Set-Secret positional -Secret 'p' -Vault OtherVault -ErrorAction Stop
        Get-Secret positional OtherVault -AsPlainText | Should -Be 'p'
        Remove-Secret positional OtherVault -ErrorAction Stop
    }

    It 'makes Remove-Secret need both -Name and -Vault' {
        $set = (Get-Command Remove-Secret).ParameterSets | Where-Object Name -eq 'NameParameterSet'
        ($set.Parameters | Where-Object Name -eq 'Name').IsMandatory | Should -BeTrue
        ($set.Parameters | Where-Object Name -eq 'Vault').IsMandatory | Should -BeTrue
    }

    It 'knows the documented secret types' {
        [enum]::GetNames([Microsoft.PowerShell.SecretManagement.SecretType]) | Sort-Object |
            Should -Be (@('ByteArray', 'Hashtable', 'PSCredential', 'SecureString', 'String', 'Unknown') | Sort-Object)
    }
}

Describe 'Vault registration' {
    It 'lists SecretVaultInfo objects with the documented properties' {
        $vault = Get-SecretVault -Name BrokenVault
        $vault | Should -BeOfType ([Microsoft.PowerShell.SecretManagement.SecretVaultInfo])
        $vault.Name | Should -Be 'BrokenVault'
        $vault.ModuleName | Should -Be 'DockerHubPat.TestVault'
        $vault.ModulePath | Should -Be $Vaults.VaultModulePath
        $vault.Description | Should -Not -BeNullOrEmpty
        $vault.VaultParameters['FailOnWrite'] | Should -BeTrue
        $vault.IsDefault | Should -BeFalse
        (Get-SecretVault -Name TestVault).IsDefault | Should -BeTrue
    }

    It 'filters vault names with wildcards and reports a missing plain name' {
        (Get-SecretVault -Name 'No*').Name | Should -Be 'NoMetaVault'
        Get-SecretVault -Name 'Nothing*' | Should -BeNullOrEmpty
        $err = Get-StopError { Get-SecretVault -Name NoSuchVault -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultNotFound,*'
    }

    It 'refuses a second vault of the same name unless -AllowClobber' {
        $err = Get-StopError { Register-SecretVault -Name OtherVault -ModuleName $Vaults.VaultModulePath -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'RegisterSecretVaultNameInUse,*'
        Register-SecretVault -Name OtherVault -ModuleName $Vaults.VaultModulePath -AllowClobber -Description 'again' -ErrorAction Stop
        (Get-SecretVault OtherVault).Description | Should -Be 'again'
    }

    It 'refuses a module without a nested extension module (ModuleName.Extension)' {
        $dir = Join-Path $TestDrive 'NotAVault'
        $null = New-Item -ItemType Directory -Path $dir
        Set-Content -LiteralPath (Join-Path $dir 'NotAVault.psm1') -Value 'function Get-Nothing {}'
        $err = Get-StopError { Register-SecretVault -Name Bad -ModuleName $dir -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'RegisterSecretVaultCommandFailed,*'
        $err.Exception.Message | Should -BeLike 'Could not find a SecretManagement extension implementing script module.*'
        Get-SecretVault -Name Bad -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'refuses metadata for a vault module without metadata support' {
        # A minimal vault whose Set-Secret has no -Metadata and which has no Set-SecretInfo.
        $root = Join-Path $TestDrive 'PlainVault'
        $null = New-Item -ItemType Directory -Path (Join-Path $root 'PlainVault.Extension')
        Set-Content -LiteralPath (Join-Path $root 'PlainVault.psd1') -Value "@{ ModuleVersion = '1.0'; NestedModules = @('PlainVault.Extension/PlainVault.Extension.psm1'); FunctionsToExport = @() }"
        Set-Content -LiteralPath (Join-Path $root 'PlainVault.Extension/PlainVault.Extension.psm1') -Value @'
function Get-Secret { param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters) }
function Get-SecretInfo { param([string] $Filter, [string] $VaultName, [hashtable] $AdditionalParameters) }
function Set-Secret { param([string] $Name, [object] $Secret, [string] $VaultName, [hashtable] $AdditionalParameters) $global:PlainVaultWrites++ }
function Remove-Secret { param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters) }
function Test-SecretVault { param([string] $VaultName, [hashtable] $AdditionalParameters) $true }
'@
        Register-SecretVault -Name PlainVault -ModuleName $root -ErrorAction Stop
        try {
            $err = Get-StopError { Set-Secret -Name m -Secret 'x' -Vault PlainVault -Metadata @{ TokenId = '1' } -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretMetadataCommandNotSupported,*'
            $err.CategoryInfo.Category | Should -Be 'NotImplemented'
            $err.Exception.Message | Should -Be 'Cannot store secret m. Vault PlainVault does not support secret metadata.'
            $err = Get-StopError { Set-SecretInfo -Name m -Vault PlainVault -Metadata @{ TokenId = '1' } -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretInfoMetadataCommandNotSupported,*'
            Set-Secret -Name m -Secret 'x' -Vault PlainVault -ErrorAction Stop
            Test-SecretVault -Name PlainVault | Should -BeTrue
            $warnings = Unlock-SecretVault -Name PlainVault -Password (ConvertTo-SecureString 'pw' -AsPlainText -Force) 3>&1
            "$warnings" | Should -BeLike "*'PlainVault'*does not support the Unlock-SecretVault function*"
        }
        finally {
            Unregister-SecretVault -Name PlainVault
        }
    }

    It 'refuses the reserved Verbose vault parameter' {
        $err = Get-StopError { Register-SecretVault -Name VerboseVault -ModuleName $Vaults.VaultModulePath -VaultParameters @{ Verbose = $true } -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'RegisterSecretVaultInvalidVaultParameters,*'
    }

    It 'returns the new vault with -PassThru and takes the module name as the default vault name' {
        $info = Register-SecretVault -ModuleName $Vaults.VaultModulePath -PassThru -ErrorAction Stop
        $info.Name | Should -Be 'DockerHubPat.TestVault'
        $info.IsDefault | Should -BeFalse
        Unregister-SecretVault -Name $info.Name
    }

    It 'finds the vault module by name on PSModulePath too' {
        Register-SecretVault -Name ByName -ModuleName DockerHubPat.TestVault -ErrorAction Stop
        (Get-SecretVault -Name ByName).ModulePath | Should -Be $Vaults.VaultModulePath
        Set-Secret -Name byname -Secret 'n' -Vault ByName -ErrorAction Stop
        Get-Secret -Name byname -Vault ByName -AsPlainText | Should -Be 'n'
        Unregister-SecretVault -Name ByName
    }

    It 'moves and clears the default vault' {
        Set-SecretVaultDefault -Name OtherVault
        (Get-SecretVault | Where-Object IsDefault).Name | Should -Be 'OtherVault'
        Get-SecretVault -Name TestVault | Set-SecretVaultDefault
        (Get-SecretVault | Where-Object IsDefault).Name | Should -Be 'TestVault'
        Set-SecretVaultDefault -ClearDefault
        Get-SecretVault | Where-Object IsDefault | Should -BeNullOrEmpty
        Set-SecretVaultDefault TestVault
        (Get-SecretVault -Name TestVault).IsDefault | Should -BeTrue
    }

    It 'makes the first vault registered the default one, and unregistering the default leaves none' {
        Get-SecretVault | Unregister-SecretVault
        Get-SecretVault | Should -BeNullOrEmpty
        Register-SecretVault -Name First -ModuleName $Vaults.VaultModulePath -ErrorAction Stop
        Register-SecretVault -Name Second -ModuleName $Vaults.VaultModulePath -ErrorAction Stop
        (Get-SecretVault -Name First).IsDefault | Should -BeTrue
        (Get-SecretVault -Name Second).IsDefault | Should -BeFalse
        Unregister-SecretVault -Name First
        Get-SecretVault | Where-Object IsDefault | Should -BeNullOrEmpty
        Unregister-SecretVault -Name 'Sec*'
        $null = & $Init -Implementation StandIn
        @(Get-SecretVault).Count | Should -Be 5
    }
}

Describe 'Test-SecretVault' {
    It 'returns $true for a working vault' {
        Test-SecretVault -Name TestVault | Should -BeTrue
    }

    It 'returns $false with the vault''s error for an unavailable vault' {
        $result = Test-SecretVault -Name DownVault -ErrorVariable testErrors -ErrorAction SilentlyContinue
        $result | Should -BeFalse
        $result | Should -BeOfType ([bool])
        $testErrors.Count | Should -BeGreaterThan 0
        "$($testErrors[0])" | Should -BeLike '*DownVault is unavailable*'
    }

    It 'tests every matching vault, from the pipeline too' {
        $results = Get-SecretVault | Test-SecretVault -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 5
        @($results | Where-Object { -not $_ }).Count | Should -Be 1
        @(Test-SecretVault -Name '*Vault' -ErrorAction SilentlyContinue).Count | Should -Be 5
    }

    It 'writes the documented verbose lines' {
        $verbose = Test-SecretVault -Name TestVault -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $verbose.Message | Should -Contain 'Invoking command Test-SecretVault on module DockerHubPat.TestVault.Extension'
        $verbose.Message | Should -Contain 'Vault TestVault succeeded validation test'
    }
}

Describe 'Set-Secret and Get-Secret' {
    BeforeEach { Clear-TestVaultStore }

    It 'stores a PSCredential with metadata in the default vault and gives it back' {
        $created = Get-Date
        Set-Secret -Name 'hub/token' -Secret (New-TestCredential) -Metadata @{ TokenId = 'abc'; Created = $created; Count = 1 } -ErrorAction Stop
        $secret = Get-Secret -Name 'hub/token' -ErrorAction Stop
        $secret | Should -BeOfType ([pscredential])
        $secret.UserName | Should -Be 'hubuser'
        $secret.GetNetworkCredential().Password | Should -Be 'dckr_pat_secret1'

        $info = Get-SecretInfo -Name 'hub/token' -Vault TestVault
        $info | Should -BeOfType ([Microsoft.PowerShell.SecretManagement.SecretInformation])
        $info.Type | Should -Be ([Microsoft.PowerShell.SecretManagement.SecretType]::PSCredential)
        $info.VaultName | Should -Be 'TestVault'
        $info.Metadata['TokenId'] | Should -Be 'abc'
        $info.Metadata['Count'] | Should -Be 1
        $info.Metadata['Count'] | Should -BeOfType ([int])
        $info.Metadata['Created'] | Should -BeOfType ([datetime])
        $info.Metadata['Created'] | Should -Be $created
    }

    It 'returns string and SecureString secrets as SecureString unless -AsPlainText' {
        'text' | Set-Secret -Name plain -ErrorAction Stop
        'piped' | ConvertTo-SecureString -AsPlainText -Force | Set-Secret -Name secure -ErrorAction Stop
        Get-Secret plain | Should -BeOfType ([securestring])
        Get-Secret plain -AsPlainText | Should -Be 'text'
        Get-Secret secure | Should -BeOfType ([securestring])
        Get-Secret secure -AsPlainText | Should -Be 'piped'
        (Get-SecretInfo plain -Vault TestVault).Type | Should -Be 'String'
        (Get-SecretInfo secure -Vault TestVault).Type | Should -Be 'SecureString'
    }

    It 'returns a byte[] secret whole' {
        Set-Secret -Name blob -Secret ([byte[]] (1, 2, 3)) -ErrorAction Stop
        $blob = Get-Secret blob
        , $blob | Should -BeOfType ([byte[]])
        $blob | Should -Be @(1, 2, 3)
        (Get-SecretInfo blob -Vault TestVault).Type | Should -Be 'ByteArray'
    }

    It 'returns hashtable entries that are strings as SecureString unless -AsPlainText' {
        Set-Secret -Name table -Secret @{ user = 'u'; token = 't'; cred = (New-TestCredential) } -ErrorAction Stop
        $table = Get-Secret table
        $table | Should -BeOfType ([hashtable])
        $table.user | Should -BeOfType ([securestring])
        $table.cred | Should -BeOfType ([pscredential])
        (Get-Secret table -AsPlainText).token | Should -Be 't'
    }

    It 'accepts only the documented secret types' {
        $err = Get-StopError { Set-Secret -Name number -Secret 42 -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretInvalidSecretType,*'
        $err = Get-StopError { Set-Secret -Name nested -Secret @{ inner = @{ a = 'b' } } -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretInvalidSecretType,*'
        Get-TestVaultStoreEntry | Should -BeNullOrEmpty
    }

    It 'overwrites an existing secret, but not with -NoClobber' {
        Set-Secret -Name dup -Secret 'one' -ErrorAction Stop
        Set-Secret -Name dup -Secret 'two' -ErrorAction Stop
        Get-Secret dup -AsPlainText | Should -Be 'two'
        $err = Get-StopError { Set-Secret -Name dup -Secret 'three' -NoClobber -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretNoClobber,*'
        $err.CategoryInfo.Category | Should -Be 'ResourceExists'
        $err.Exception.Message | Should -Be 'A secret with name dup already exists in vault TestVault.'
        Get-Secret dup -AsPlainText | Should -Be 'two'
        Set-Secret -Name fresh -Secret 'new' -NoClobber -ErrorAction Stop
        Get-Secret fresh -AsPlainText | Should -Be 'new'
    }

    It 'refuses metadata values that are not string, int or DateTime: <Case>' -ForEach @(
        @{ Case = 'hashtable'; Value = @{ a = 1 } }
        @{ Case = 'array'; Value = @('a', 'b') }
        @{ Case = 'long'; Value = [long] 5 }
        @{ Case = 'bool'; Value = $true }
        @{ Case = 'null'; Value = $null }
    ) {
        $err = Get-StopError { Set-Secret -Name meta -Secret 'x' -Metadata @{ Bad = $Value } -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretInvalidMetadata,*'
        $err.Exception | Should -BeOfType ([System.ArgumentException])
        $err.Exception.Message | Should -BeLike '*string, int or DateTime*'
        Get-TestVaultStoreEntry | Should -BeNullOrEmpty
    }

    It 'fails on a read-only vault (FailOnWrite)' {
        $err = Get-StopError { Set-Secret -Name ro -Secret 'x' -Vault BrokenVault -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretInvalidOperation,*'
        $err.Exception.Message | Should -Be 'Unable to add secret ro to vault BrokenVault'
        $err.Exception.InnerException.Message | Should -BeLike '*read-only*'
        Get-TestVaultStoreEntry -VaultName BrokenVault | Should -BeNullOrEmpty
    }

    It 'holds a secret put there by Set-TestVaultStoreEntry although it refuses writes (BrokenVault)' {
        $credential = [pscredential]::new('u', (ConvertTo-SecureString 'p' -AsPlainText -Force))
        Set-TestVaultStoreEntry -VaultName BrokenVault -Name planted -Value $credential -Metadata @{ TokenId = 'a' }
        (Get-Secret -Name planted -Vault BrokenVault).GetNetworkCredential().Password | Should -BeExactly 'p'
        (Get-SecretInfo -Name planted -Vault BrokenVault).Metadata['TokenId'] | Should -BeExactly 'a'
        $err = Get-StopError { Set-Secret -Name planted -Secret $credential -Vault BrokenVault -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretInvalidOperation,*'
    }

    It 'fails on a vault that refuses metadata (NoMetadata), and stores without metadata' {
        $err = Get-StopError { Set-Secret -Name nm -Secret 'x' -Vault NoMetaVault -Metadata @{ TokenId = 'a' } -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretInvalidOperation,*'
        $err.Exception.InnerException.Message | Should -BeLike '*does not support secret metadata*'
        Get-TestVaultStoreEntry -VaultName NoMetaVault | Should -BeNullOrEmpty
        Set-Secret -Name nm -Secret 'x' -Vault NoMetaVault -ErrorAction Stop
        (Get-SecretInfo -Name nm -Vault NoMetaVault).Metadata | Should -BeNullOrEmpty
    }

    It 'fails on an unavailable vault' {
        $err = Get-StopError { Set-Secret -Name down -Secret 'x' -Vault DownVault -ErrorAction Stop }
        $err.Exception.InnerException.Message | Should -BeLike '*unavailable*'
        $err = Get-StopError { Get-Secret -Name down -Vault DownVault -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'GetSecretInvalidOperation,*'
        $err.Exception.Message | Should -Be 'Unable to get secret down from vault DownVault'
    }

    It 'reports a vault that is not registered' {
        $err = Get-StopError { Set-Secret -Name x -Secret 'x' -Vault NoSuchVault -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SecretVaultNotFound,*'
        $err.Exception.Message | Should -Be 'Vault NoSuchVault does not exist in registry.'
    }

    It 'fails clearly without -Vault when there is no default vault' {
        Set-SecretVaultDefault -ClearDefault
        try {
            $err = Get-StopError { Set-Secret -Name x -Secret 'x' -ErrorAction Stop }
            $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretFailNoDefaultVault,*'
            $err.Exception.Message | Should -Be 'Unable to set secret because no vault was provided and there is no default vault designated.'
        }
        finally {
            Set-SecretVaultDefault -Name TestVault
        }
    }

    It 'reports a missing secret as GetSecretNotFound' {
        $err = Get-StopError { Get-Secret -Name missing -Vault TestVault -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'GetSecretNotFound,*'
        $err.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err.Exception | Should -BeOfType ([System.Management.Automation.ItemNotFoundException])
        $err.Exception.Message | Should -Be 'The secret missing was not found.'
    }

    It 'searches the default vault first, then every other vault' {
        Set-Secret -Name both -Secret 'default' -Vault TestVault -ErrorAction Stop
        Set-Secret -Name both -Secret 'other' -Vault OtherVault -ErrorAction Stop
        Set-Secret -Name onlyother -Secret 'found' -Vault OtherVault -ErrorAction Stop
        Get-Secret both -AsPlainText | Should -Be 'default'
        # DownVault is searched on the way and reports its failure, but the search goes on.
        Get-Secret onlyother -AsPlainText -ErrorVariable searchErrors -ErrorAction SilentlyContinue | Should -Be 'found'
        @($searchErrors | Where-Object { "$_" -like '*DownVault*' }).Count | Should -Be 1
    }

    It 'treats wildcard characters in -Name literally' {
        Set-Secret -Name 'abc' -Secret 'x' -ErrorAction Stop
        $err = Get-StopError { Get-Secret -Name 'a*' -Vault TestVault -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'GetSecretNotFound,*'
    }

    It 'follows the caller''s $ErrorActionPreference like a compiled cmdlet' {
        $ErrorActionPreference = 'Stop'
        { Get-Secret -Name missing -Vault TestVault } | Should -Throw -ErrorId 'GetSecretNotFound,Get-Secret'
    }

    It 'writes nothing with -WhatIf' {
        Set-Secret -Name whatif -Secret 'x' -WhatIf
        Get-TestVaultStoreEntry | Should -BeNullOrEmpty
    }

    It 'copies a secret to another vault with -SecretInfo, metadata included' {
        Set-Secret -Name copyme -Secret (New-TestCredential) -Metadata @{ TokenId = 'c' } -ErrorAction Stop
        Get-SecretInfo -Name copyme -Vault TestVault | Set-Secret -Vault OtherVault -ErrorAction Stop
        (Get-Secret copyme -Vault OtherVault).GetNetworkCredential().Password | Should -Be 'dckr_pat_secret1'
        (Get-SecretInfo copyme -Vault OtherVault).Metadata['TokenId'] | Should -Be 'c'
    }

    It 'passes -Verbose on to the vault' {
        $verbose = Set-Secret -Name loud -Secret 'x' -Verbose -ErrorAction Stop 4>&1
        @($verbose | Where-Object { "$_" -like 'DockerHubPat.TestVault: stored String secret loud*' }).Count | Should -Be 1
    }
}

Describe 'Get-SecretInfo, Set-SecretInfo and Remove-Secret' {
    BeforeEach {
        Clear-TestVaultStore
        Set-Secret -Name 'hub/a' -Secret 'a' -Metadata @{ TokenId = '1' } -ErrorAction Stop
        Set-Secret -Name 'hub/b' -Secret 'b' -ErrorAction Stop
        Set-Secret -Name 'other' -Secret 'o' -Vault OtherVault -ErrorAction Stop
    }

    It 'lists every secret of every vault by default, with an error for the unavailable one' {
        $all = Get-SecretInfo -ErrorVariable infoErrors -ErrorAction SilentlyContinue
        @($all.Name | Sort-Object) | Should -Be @('hub/a', 'hub/b', 'other')
        $infoErrors.Count | Should -Be 1
        $infoErrors[0].FullyQualifiedErrorId | Should -BeLike 'GetSecretInfoInvalidOperation,*'
        $infoErrors[0].Exception.Message | Should -Be 'Unable to get secret information from vault DownVault'
    }

    It 'filters by -Name wildcard and -Vault' {
        @((Get-SecretInfo -Name 'hub/*' -Vault TestVault).Name) | Should -Be @('hub/a', 'hub/b')
        (Get-SecretInfo -Name '*' -Vault OtherVault).Name | Should -Be 'other'
        Get-SecretInfo -Name 'nothing*' -Vault TestVault | Should -BeNullOrEmpty
    }

    It 'gives read-only metadata, and none for a secret stored without it' {
        $info = Get-SecretInfo -Name 'hub/a' -Vault TestVault
        { $info.Metadata.Add('x', 1) } | Should -Throw
        (Get-SecretInfo -Name 'hub/b' -Vault TestVault).Metadata | Should -BeNullOrEmpty
    }

    It 'pipes SecretInformation into Get-Secret and Remove-Secret' {
        Get-SecretInfo -Name 'hub/a' -Vault TestVault | Get-Secret -AsPlainText | Should -Be 'a'
        Get-SecretInfo -Name 'hub/*' -Vault TestVault | Remove-Secret
        Get-SecretInfo -Name 'hub/*' -Vault TestVault | Should -BeNullOrEmpty
    }

    It 'removes a secret by -Name and -Vault, and fails for a missing one' {
        Remove-Secret -Name 'hub/b' -Vault TestVault -ErrorAction Stop
        Get-SecretInfo -Name 'hub/b' -Vault TestVault | Should -BeNullOrEmpty
        $err = Get-StopError { Remove-Secret -Name 'hub/b' -Vault TestVault -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'RemoveSecretInvalidOperation,*'
        $err.Exception.Message | Should -Be 'Unable to remove secret hub/b from vault TestVault'
    }

    It 'replaces metadata with Set-SecretInfo, by name or from the pipeline' {
        Set-SecretInfo -Name 'hub/b' -Metadata @{ TokenId = '2' } -ErrorAction Stop
        (Get-SecretInfo -Name 'hub/b' -Vault TestVault).Metadata['TokenId'] | Should -Be '2'
        Get-SecretInfo -Name 'hub/a' -Vault TestVault | Set-SecretInfo -Metadata @{ Label = 'x' } -ErrorAction Stop
        $metadata = (Get-SecretInfo -Name 'hub/a' -Vault TestVault).Metadata
        $metadata['Label'] | Should -Be 'x'
        $metadata.ContainsKey('TokenId') | Should -BeFalse
    }

    It 'refuses bad metadata and vaults without metadata support in Set-SecretInfo' {
        $err = Get-StopError { Set-SecretInfo -Name 'hub/b' -Metadata @{ Bad = @(1) } -ErrorAction Stop }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretInfoInvalidMetadata,*'
        Set-Secret -Name nm -Secret 'x' -Vault NoMetaVault -ErrorAction Stop
        $err = Get-StopError { Set-SecretInfo -Name nm -Vault NoMetaVault -Metadata @{ TokenId = '3' } -ErrorAction Stop }
        $err.Exception.InnerException.Message | Should -BeLike '*does not support secret metadata*'
    }
}

Describe 'DockerHubPat.TestVault store' {
    It 'keeps secrets in process memory, shared with the runspace SecretManagement runs vaults in' {
        Clear-TestVaultStore
        Set-Secret -Name shared -Secret (New-TestCredential -Password 'dckr_pat_memoryonly') -Vault OtherVault -ErrorAction Stop
        $entry = Get-TestVaultStoreEntry -VaultName OtherVault -IncludeValue
        $entry.Name | Should -Be 'shared'
        $entry.Type | Should -Be 'PSCredential'
        $entry.Value.GetNetworkCredential().Password | Should -Be 'dckr_pat_memoryonly'
    }

    It 'never writes a secret under the test home' {
        Set-Secret -Name ondisk -Secret 'dckr_pat_never_on_disk' -ErrorAction Stop
        $hits = Get-ChildItem -LiteralPath $Vaults.Home -Recurse -File -Force |
            Select-String -SimpleMatch 'dckr_pat_never_on_disk' -List
        $hits | Should -BeNullOrEmpty
    }

    It 'hands out copies: disposing a returned SecureString leaves the stored one intact' {
        Set-Secret -Name keep -Secret 'kept' -ErrorAction Stop
        (Get-Secret keep).Dispose()
        Get-Secret keep -AsPlainText | Should -Be 'kept'
    }
}

Describe 'No vault registered' {
    AfterAll { $null = & $Init -Implementation StandIn }

    It 'makes Set-Secret warn and fail, and Get-Secret report not found' {
        Get-SecretVault | Unregister-SecretVault
        $err = Get-StopError { Set-Secret -Name x -Secret 'x' -ErrorAction Stop -WarningVariable noVaultWarning -WarningAction SilentlyContinue }
        $err.FullyQualifiedErrorId | Should -BeLike 'SetSecretFailNoDefaultVault,*'
        $err = Get-StopError { Get-Secret -Name x -ErrorAction Stop -WarningAction SilentlyContinue }
        $err.FullyQualifiedErrorId | Should -BeLike 'GetSecretNotFound,*'
        $warnings = Set-Secret -Name x -Secret 'x' -ErrorAction SilentlyContinue 3>&1
        "$warnings" | Should -BeLike 'There are currently no extension vaults registered.*'
    }
}

Describe 'Password-protected vaults (locked, as SecretStore is in a new session)' {
    BeforeAll {
        $script:Vaults = & $Init -Implementation StandIn -Register Default, Other, SecretStore
        $script:VaultPassword = ConvertTo-SecureString 'open-sesame' -AsPlainText -Force
        $script:WrongPassword = ConvertTo-SecureString 'not-it' -AsPlainText -Force
        $script:LockedMessage = 'A valid password is required to access the Microsoft.PowerShell.SecretStore vault.*Unlock-SecretStore*'
        Set-SecretStoreConfiguration -Authentication Password -Password $VaultPassword -Interaction None -PasswordTimeout 900 -Confirm:$false
        Set-Secret -Name kept -Secret 'kept-value' -Vault SecretStore -ErrorAction Stop
        Protect-TestVault -VaultName OtherVault -Password $VaultPassword -Interaction None
    }
    AfterAll { $script:Vaults = & $Init -Implementation StandIn }
    BeforeEach {
        Lock-TestVault -VaultName SecretStore
        Lock-TestVault -VaultName OtherVault
    }

    It 'reports the SecretStore configuration: Password, 900 s, Interaction None' {
        Unlock-SecretStore -Password $VaultPassword
        $config = Get-SecretStoreConfiguration
        $config.Scope | Should -Be 'CurrentUser'
        $config.Authentication | Should -Be 'Password'
        $config.PasswordTimeout | Should -Be 900
        $config.Interaction | Should -Be 'None'
    }

    It 'Test-SecretVault answers False and writes "A valid password is required" while locked' {
        $result = Test-SecretVault -Name SecretStore -ErrorVariable testErrors -ErrorAction SilentlyContinue
        $result | Should -BeFalse
        $testErrors | Should -HaveCount 1
        "$($testErrors[0])" | Should -BeLike $LockedMessage
        $testErrors[0].Exception | Should -BeOfType ([Microsoft.PowerShell.SecretManagement.PasswordRequiredException])
    }

    It 'refuses reads and writes without prompting when the vault does not allow prompting' {
        $err = Get-StopError { Get-Secret -Name kept -Vault SecretStore -ErrorAction Stop }
        $err.Exception | Should -BeOfType ([Microsoft.PowerShell.SecretManagement.PasswordRequiredException])
        "$err" | Should -BeLike $LockedMessage
        $err = Get-StopError { Set-Secret -Name other -Secret 'x' -Vault SecretStore -ErrorAction Stop }
        "$err" | Should -BeLike $LockedMessage
        $err = Get-StopError { Get-SecretInfo -Vault SecretStore -ErrorAction Stop }
        "$err" | Should -BeLike $LockedMessage
    }

    It 'names Unlock-SecretVault for a locked vault that is not SecretStore' {
        $err = Get-StopError { Get-Secret -Name x -Vault OtherVault -ErrorAction Stop }
        "$err" | Should -BeLike 'A valid password is required to access the OtherVault vault.*Unlock-SecretVault -Name OtherVault*'
    }

    It 'stays locked after a wrong password (<Command>)' -ForEach @(
        @{ Command = 'Unlock-SecretVault' }
        @{ Command = 'Unlock-SecretStore' }
    ) {
        $err = Get-StopError {
            if ($Command -eq 'Unlock-SecretStore') { Unlock-SecretStore -Password $WrongPassword -ErrorAction Stop }
            else { Unlock-SecretVault -Name SecretStore -Password $WrongPassword -ErrorAction Stop }
        }
        "$err" | Should -BeLike '*password*'
        Test-SecretVault -Name SecretStore -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'works after <Command> with the right password' -ForEach @(
        @{ Command = 'Unlock-SecretVault' }
        @{ Command = 'Unlock-SecretStore' }
    ) {
        if ($Command -eq 'Unlock-SecretStore') { Unlock-SecretStore -Password $VaultPassword -ErrorAction Stop }
        else { Unlock-SecretVault -Name SecretStore -Password $VaultPassword -ErrorAction Stop }
        Test-SecretVault -Name SecretStore | Should -BeTrue
        Get-Secret -Name kept -Vault SecretStore -AsPlainText -ErrorAction Stop | Should -Be 'kept-value'
    }

    It 'unlocks for the PasswordTimeout window only (Unlock-SecretStore -PasswordTimeout 1)' {
        Unlock-SecretStore -Password $VaultPassword -PasswordTimeout 1
        Test-SecretVault -Name SecretStore | Should -BeTrue
        Start-Sleep -Milliseconds 1500
        Test-SecretVault -Name SecretStore -ErrorAction SilentlyContinue | Should -BeFalse
    }

    It 'keeps one store per user: the vault name does not matter' {
        Unlock-SecretStore -Password $VaultPassword
        Register-SecretVault -Name SecondName -ModuleName (Join-Path $PSScriptRoot 'Microsoft.PowerShell.SecretStore') -ErrorAction Stop
        try { Get-Secret -Name kept -Vault SecondName -AsPlainText -ErrorAction Stop | Should -Be 'kept-value' }
        finally { Unregister-SecretVault -Name SecondName }
    }

    It 'keeps only a hash of the vault password, and no secret on disk' {
        $hits = Get-ChildItem -LiteralPath $Vaults.Home -Recurse -File -Force | Select-String -SimpleMatch 'open-sesame' -List
        $hits | Should -BeNullOrEmpty
    }

    Context 'in a fresh non-interactive pwsh, with a vault that allows prompting' {
        It 'writes the prompt, then fails: the host cannot read a password' {
            $pwsh = [Environment]::ProcessPath
            [string[]] $pre = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -ne 'pwsh') { Join-Path $PSHOME 'pwsh.dll' }
            $script = Join-Path $TestDrive 'noninteractive.ps1'
            Set-Content -LiteralPath $script -Value @"
`$v = & '$Init' -Implementation StandIn -Register Default
Protect-TestVault -VaultName TestVault -Password (ConvertTo-SecureString 'pw' -AsPlainText -Force)
try { Get-Secret -Name x -Vault TestVault -ErrorAction Stop } catch { 'FAILED: ' + `$_.Exception.InnerException.InnerException.Message }
`$v.Restore()
"@
            $output = & $pwsh @pre -NoProfile -NonInteractive -File $script 2>&1 | Out-String
            $output | Should -BeLike '*Vault TestVault requires a password.*Enter password:*'
            $output | Should -BeLike '*FAILED: PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.*'
        }
    }
}
