# Help coverage of the built module: what Get-Help shows for every exported cmdlet and for the
# about_DockerHubPat topic. The cmdlets and their parameters are read from the module itself
# (Get-Command), never from a list kept here, so a new cmdlet or parameter without help fails a test.
# No Hub request is made: nothing here needs the emulator.

BeforeDiscovery {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    $script:CmdletNames = @(Get-Command -Module DockerHubPat -CommandType Cmdlet, Function | ForEach-Object Name)
}

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:ModuleCommands = @(Get-Command -Module DockerHubPat -CommandType Cmdlet, Function | ForEach-Object Name)

    # Parameters PowerShell adds itself: documented in about_CommonParameters, not in the module's help.
    # -WhatIf and -Confirm are left out too (the help builder gives them standard text).
    $script:NotOurs = @([Management.Automation.PSCmdlet]::CommonParameters) +
        @([Management.Automation.PSCmdlet]::OptionalCommonParameters)

    function Get-Text {
        # Get-Help gives descriptions as arrays of objects with a Text property; flatten to one string.
        param($Value)
        if ($null -eq $Value) { return '' }
        (@($Value) | ForEach-Object { if ($_ -is [string]) { $_ } elseif ($_.PSObject.Properties['Text']) { $_.Text } else { "$_" } }) -join "`n"
    }

    function Get-ParameterHelpText {
        param([Parameter(Mandatory)] $Help, [Parameter(Mandatory)][string] $Name)
        $entry = @($Help.parameters.parameter) | Where-Object { $_ -and $_.name -eq $Name } | Select-Object -First 1
        if (-not $entry) { return '' }
        (Get-Text $entry.description).Trim()
    }

    function Test-PipelineWithModuleCommand {
        # True when the code holds a pipeline of two or more commands with a DockerHubPat cmdlet in it,
        # i.e. something is piped into one of them or from one of them. The code is parsed, not grepped,
        # so a '|' inside a string or a -join '|' does not count.
        param([string] $Code, [string[]] $ModuleCommands)
        $errors = $null
        $ast = [Management.Automation.Language.Parser]::ParseInput($Code, [ref]$null, [ref]$errors)
        $pipelines = $ast.FindAll({
                param($node)
                $node -is [Management.Automation.Language.PipelineAst] -and $node.PipelineElements.Count -gt 1
            }, $true)
        foreach ($pipeline in $pipelines) {
            foreach ($element in $pipeline.PipelineElements) {
                if ($element -is [Management.Automation.Language.CommandAst] -and $ModuleCommands -contains $element.GetCommandName()) {
                    return $true
                }
            }
        }
        $false
    }
}

Describe 'The module exports commands to document' {
    It 'has exported commands (so the per-cmdlet tests below are not vacuous)' {
        $script:ModuleCommands.Count | Should -BeGreaterOrEqual 8
    }
}

Describe 'Get-Help <_> -Full' -ForEach $script:CmdletNames {
    BeforeAll {
        $name = $_
        $command = Get-Command -Name $name -Module DockerHubPat
        $help = Get-Help -Name $name -Full
    }

    It 'comes from the module''s help file, not from PowerShell''s generated stub' {
        # Without a help file Get-Help invents a synopsis from the syntax and has no description.
        $help.PSObject.TypeNames | Should -Contain 'MamlCommandHelpInfo#FullView'
        $help.Synopsis.Trim() | Should -Not -BeLike "$name *[[]*"
    }

    It 'has a synopsis' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim().Length | Should -BeGreaterThan 10
    }

    It 'has a description' {
        (Get-Text $help.description).Trim().Length | Should -BeGreaterThan 20
    }

    It 'describes every parameter of the cmdlet' {
        $ours = @($command.Parameters.Keys | Where-Object { $script:NotOurs -notcontains $_ })
        # Guards against reading no parameters at all; Get-HubAccount, like Get-AzContext, takes none.
        if ($name -ne 'Get-HubAccount') { $ours.Count | Should -BeGreaterThan 0 }
        $undocumented = @($ours | Where-Object { -not (Get-ParameterHelpText -Help $help -Name $_) })
        $undocumented | Should -BeNullOrEmpty -Because "every parameter of $name needs a description in docs/en-US/$name.md (missing: $($undocumented -join ', '))"
    }

    It 'describes -WhatIf and -Confirm when the cmdlet has them' {
        foreach ($risk in 'WhatIf', 'Confirm') {
            if ($command.Parameters.ContainsKey($risk)) {
                Get-ParameterHelpText -Help $help -Name $risk | Should -Not -BeNullOrEmpty -Because "$name has -$risk"
            }
        }
    }

    It 'has no help for a parameter the cmdlet does not have' {
        $stale = @(@($help.parameters.parameter) | Where-Object { $_ -and -not $command.Parameters.ContainsKey($_.name) } | ForEach-Object name)
        $stale | Should -BeNullOrEmpty
    }

    It 'has at least two examples, each with code and an explanation' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) {
            "$($example.code)".Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title)"
            (Get-Text $example.remarks).Trim() | Should -Not -BeNullOrEmpty -Because "$($example.title) needs an explanation"
        }
    }

    It 'has an example that pipes into or out of a DockerHubPat cmdlet' {
        $piped = @(@($help.examples.example) | Where-Object { Test-PipelineWithModuleCommand -Code "$($_.code)" -ModuleCommands $script:ModuleCommands })
        $piped.Count | Should -BeGreaterOrEqual 1 -Because "the examples of $name should show it in a pipeline with the module's cmdlets"
    }

    It 'has syntax for every parameter set' {
        @($help.syntax.syntaxItem).Count | Should -Be @($command.ParameterSets).Count
    }
}

Describe 'The pipeline-example check itself' {
    # Guards the helper above: a false positive would make the per-cmdlet test pass vacuously.
    It 'accepts <Code>' -ForEach @(
        @{ Code = 'Get-HubAccessToken | Remove-HubAccessToken -Force' }
        @{ Code = "Import-Csv x.csv | Enable-HubAccessToken" }
        @{ Code = "Get-HubAccessToken -Label 'ci-*' |`n    Where-Object IsActive" }
    ) {
        Test-PipelineWithModuleCommand -Code $Code -ModuleCommands $script:ModuleCommands | Should -BeTrue
    }

    It 'rejects <Code>' -ForEach @(
        @{ Code = 'Get-HubAccessToken -Label ci' }
        @{ Code = "Get-Process | Sort-Object Name" }
        @{ Code = "Get-HubAccessToken -Label 'a|b'" }
        @{ Code = "Write-Output ('x' -join '|'); Get-HubAccessToken" }
    ) {
        Test-PipelineWithModuleCommand -Code $Code -ModuleCommands $script:ModuleCommands | Should -BeFalse
    }
}

Describe 'The ErrorIds of sign-in and filtering in the cmdlet help' {
    # Scripts test these ids (the about topic shows how); the help of the cmdlet that raises one should
    # name it, as its NOTES do for the cmdlet's other errors.
    It 'Get-Help <Command> -Full names <ErrorIds>' -ForEach @(
        @{ Command = 'Get-HubAccessToken'; ErrorIds = @('AccessTokenFilterConflict') }
        @{ Command = 'Connect-HubAccount'; ErrorIds = @('HubCredentialMissing', 'HubTotpSecretInvalid', 'HubTwoFactorParameterConflict') }
    ) {
        $text = Get-Help -Name $Command -Full | Out-String -Width 200
        $missing = @($ErrorIds | Where-Object { $text -notmatch "\b$_\b" })
        $missing | Should -BeNullOrEmpty -Because "$Command raises them, but its help does not name: $($missing -join ', ')"
    }
}

Describe 'Get-Help about_DockerHubPat' {
    BeforeAll {
        $about = Get-Help about_DockerHubPat | Out-String
    }

    It 'exists and is the module''s topic' {
        $about | Should -Not -BeNullOrEmpty
        $about -match 'about_DockerHubPat' | Should -BeTrue
        $about.Length | Should -BeGreaterThan 2000
    }

    It 'names every exported cmdlet' {
        foreach ($name in $script:ModuleCommands) {
            $about -match [regex]::Escape($name) | Should -BeTrue -Because "about_DockerHubPat should name $name"
        }
    }

    It 'covers <Topic>' -ForEach @(
        @{ Topic = 'signing in'; Words = 'Connect-HubAccount', 'password', 'SIGNING IN' }
        @{ Topic = 'two-factor authentication'; Words = 'two-factor', '2FA', '-OneTimePassword', 'HubTwoFactorCodeRequired' }
        @{ Topic = 'vaults'; Words = 'VAULTS', 'SecretManagement', 'Get-Secret', '-NoVault', '-Vault' }
        @{ Topic = 'runbooks'; Words = 'runbook', 'NonInteractive', '-Force' }
        @{ Topic = 'rotation'; Words = 'ROTATION', 'Rotate', 'Reset-HubAccessToken', '-Predecessor', 'TargetObject', 'AccessTokenNotVerified' }
        @{ Topic = 'errors'; Words = 'ERRORS', 'ErrorId', 'FullyQualifiedErrorId', 'HubNotConnected', 'AccessTokenNotFound', 'HubUnauthorized' }
    ) {
        foreach ($word in $Words) {
            $about -match [regex]::Escape($word) | Should -BeTrue -Because "about_DockerHubPat should mention '$word' when it covers $Topic"
        }
    }

    It 'describes unattended sign-in for runbooks: <Word>' -ForEach @(
        # What a runbook author needs to sign in without a human; all of it exists in Connect-HubAccount.
        @{ Word = '-TotpSecret' }
        @{ Word = 'DOCKER_HUB_USERNAME' }
        @{ Word = 'DOCKER_HUB_PASSWORD' }
        @{ Word = '-CredentialSecretName' }
    ) {
        $about -match [regex]::Escape($Word) | Should -BeTrue -Because "a runbook author reads about_DockerHubPat to sign in without a human, and Connect-HubAccount has $Word"
    }

    It 'lists the ErrorIds of unattended sign-in and filtering in ERRORS' {
        $ids = 'HubCredentialMissing', 'HubTotpSecretInvalid', 'HubTwoFactorParameterConflict', 'AccessTokenFilterConflict'
        $missing = @($ids | Where-Object { $about -notmatch "\b$_\b" })
        $missing | Should -BeNullOrEmpty -Because "the ERRORS section says 'The ErrorIds are:' and the module raises these too; missing: $($missing -join ', ')"
    }
}
