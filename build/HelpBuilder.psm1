#Requires -Version 7.0
<#
Turns the cmdlet help written as Markdown (docs/en-US/<Verb>-<Noun>.md) into the MAML file that
Get-Help reads for a binary module (<Module>.dll-Help.xml), and copies the about_*.help.txt topics.

The Markdown gives the words; the built module gives the facts (parameter sets, types, mandatory,
position, pipeline input, aliases, wildcards), so the help cannot drift from the code. Anything
missing or stale fails the build: a cmdlet without a .md file, a parameter without a section, a
section for a parameter that does not exist, fewer than two examples.

Markdown shape (headings inside ``` fences are code, not headings):

    # Get-HubAccessToken
    ## SYNOPSIS            one paragraph
    ## DESCRIPTION         paragraphs
    ## EXAMPLES
    ### Example 1: title   a ```powershell fence first, then explanation paragraphs
    ## PARAMETERS
    ### -Label             paragraphs; a last paragraph 'Default value: <text>' fills "Default value"
    ## INPUTS
    ### System.Guid        paragraphs (### None when nothing can be piped)
    ## OUTPUTS
    ### DockerHubPat.HubAccessToken   paragraphs
    ## NOTES               paragraphs
    ## RELATED LINKS       one link a line: a name (about_DockerHubPat) or [text](https://...)

A paragraph is a run of non-blank lines, joined with spaces; a run of '- ' list items keeps one
item a line. Text is copied as written (no inline Markdown is interpreted), because Get-Help shows
plain text. Further fences in an example (sample output) are kept verbatim after the code.
Common parameters are never documented; -WhatIf and -Confirm get standard text unless the file
has a section for them.
#>

Set-StrictMode -Version Latest

. (Join-Path $PSScriptRoot 'Common.ps1')

$script:Sections = 'SYNOPSIS', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS'

$script:Ns = @{
    msh     = 'http://msh'
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
    MSHelp  = 'http://msdn.microsoft.com/mshelp'
}

# Used when a .md file has no section of its own for these two.
$script:RiskParameterText = @{
    WhatIf  = 'Shows what the cmdlet would do, without doing it.'
    Confirm = 'Asks for confirmation before each change.'
}

function New-MamlHelp {
    <#
    .SYNOPSIS
    Builds <Module>.dll-Help.xml from the Markdown help and the built module's cmdlet metadata.
    .DESCRIPTION
    Reads each exported cmdlet's metadata in a child PowerShell (so the freshly built assembly is
    never loaded into the calling session), merges it with <SourcePath>/<Verb>-<Noun>.md, writes the
    MAML file to OutputPath and copies every about_*.help.txt there. Throws, listing every problem,
    when help is missing or does not match the cmdlets.
    .EXAMPLE
    New-MamlHelp -ModuleManifest out/DockerHubPat/DockerHubPat.psd1 -SourcePath docs/en-US -OutputPath out/DockerHubPat/en-US
    .OUTPUTS
    System.IO.FileInfo for the MAML file and each copied about topic.
    #>
    [CmdletBinding()]
    [OutputType([System.IO.FileInfo])]
    param(
        # The psd1 of the BUILT module (next to its dll), not the source manifest.
        [Parameter(Mandatory)]
        [string] $ModuleManifest,

        # The folder with the <Verb>-<Noun>.md files and about_*.help.txt.
        [Parameter(Mandatory)]
        [string] $SourcePath,

        # Where DockerHubPat.dll-Help.xml and the about topics go, normally <module folder>/en-US.
        [Parameter(Mandatory)]
        [string] $OutputPath
    )

    $ModuleManifest = (Resolve-Path -LiteralPath $ModuleManifest -ErrorAction Stop).ProviderPath
    $SourcePath = (Resolve-Path -LiteralPath $SourcePath -ErrorAction Stop).ProviderPath

    $module = Get-ModuleCommandMetadata -ModuleManifest $ModuleManifest
    if (@($module.Commands).Count -eq 0) { throw "The module '$ModuleManifest' exports no cmdlets." }

    $problems = [Collections.Generic.List[string]]::new()
    $docs = [ordered]@{}
    foreach ($command in $module.Commands) {
        $file = Join-Path $SourcePath "$($command.Name).md"
        if (-not (Test-Path -LiteralPath $file -PathType Leaf)) {
            $problems.Add("$($command.Name): no help file '$file'.")
            continue
        }
        try {
            $doc = ConvertFrom-HelpMarkdown -Path $file
        }
        catch {
            $problems.Add("$($command.Name): $($_.Exception.Message)")
            continue
        }
        Test-HelpAgainstCommand -Doc $doc -Command $command -Problems $problems
        $docs[$command.Name] = $doc
    }

    $known = @($module.Commands.Name)
    foreach ($extra in Get-ChildItem -LiteralPath $SourcePath -Filter '*.md' -File) {
        if ($extra.BaseName -notin $known) {
            $problems.Add("$($extra.Name): '$($extra.BaseName)' is not a cmdlet of the module.")
        }
    }

    if ($problems.Count -gt 0) {
        throw "The help in '$SourcePath' is incomplete:`n  " + ($problems -join "`n  ")
    }

    $null = New-Item -ItemType Directory -Path $OutputPath -Force
    $mamlPath = Join-Path (Resolve-Path -LiteralPath $OutputPath).ProviderPath "$($module.AssemblyName)-Help.xml"
    Write-MamlFile -Path $mamlPath -Commands $module.Commands -Docs $docs
    Get-Item -LiteralPath $mamlPath

    foreach ($about in Get-ChildItem -LiteralPath $SourcePath -Filter 'about_*.help.txt' -File) {
        Copy-Item -LiteralPath $about.FullName -Destination $OutputPath -PassThru
    }
}

function Get-ModuleCommandMetadata {
    # Runs in a child pwsh: importing a dll into this session would pin that build of it for the
    # session's lifetime, and a later build could not be loaded again.
    param([string] $ModuleManifest)

    $child = {
        param([string] $Manifest)
        $ErrorActionPreference = 'Stop'
        $module = Import-Module -Name $Manifest -PassThru
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters +
            [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $commands = foreach ($cmdlet in $module.ExportedCmdlets.Values | Sort-Object Name) {
            $sets = foreach ($set in $cmdlet.ParameterSets) {
                [pscustomobject]@{
                    Name       = $set.Name
                    IsDefault  = $set.IsDefault
                    Parameters = @(foreach ($p in $set.Parameters) {
                            if ($p.Name -in 'WhatIf', 'Confirm' -or $p.Name -notin $common) {
                                [pscustomobject]@{
                                    Name                = $p.Name
                                    IsMandatory         = $p.IsMandatory
                                    Position            = if ($p.Position -ge 0) { $p.Position } else { $null }
                                    ByValue             = $p.ValueFromPipeline
                                    ByPropertyName      = $p.ValueFromPipelineByPropertyName
                                    ByRemainingArgument = $p.ValueFromRemainingArguments
                                }
                            }
                        })
                }
            }
            $parameters = foreach ($p in $cmdlet.Parameters.Values) {
                if ($p.Name -in $common -and $p.Name -notin 'WhatIf', 'Confirm') { continue }
                $type = $p.ParameterType
                $underlying = [Nullable]::GetUnderlyingType($type)
                if ($underlying) { $type = $underlying }
                # ValidateSet, or an attribute of the module that exposes ValidValues the same way (ValidateScope).
                $validateSet = $p.Attributes | Where-Object { $_.PSObject.Properties['ValidValues'] } | Select-Object -First 1
                [pscustomobject]@{
                    Name             = $p.Name
                    TypeFullName     = $type.FullName
                    TypeName         = $type.Name
                    IsSwitch         = $p.SwitchParameter
                    IsArray          = $type.IsArray
                    Aliases          = @($p.Aliases)
                    SupportsWildcard = [bool]($p.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] })
                    ValidValues      = @(if ($validateSet) { $validateSet.ValidValues })
                    IsDynamic        = $p.IsDynamic
                }
            }
            [pscustomobject]@{
                Name          = $cmdlet.Name
                Verb          = $cmdlet.Verb
                Noun          = $cmdlet.Noun
                ParameterSets = @($sets)
                Parameters    = @($parameters)
            }
        }
        [pscustomobject]@{
            # Get-Help looks for <the cmdlets' dll>-Help.xml; the root module may be a script that loads it.
            AssemblyName = [IO.Path]::GetFileName(@($module.ExportedCmdlets.Values)[0].ImplementingType.Assembly.Location)
            Commands     = @($commands)
        } | ConvertTo-Json -Depth 8 -Compress
    }

    # The script block travels as text; the manifest path as a literal inside it.
    $literal = "'" + ($ModuleManifest -replace "'", "''") + "'"
    $command = "& { $child } $literal"
    $encoded = [Convert]::ToBase64String([Text.Encoding]::Unicode.GetBytes($command))

    $pwsh = Get-PwshInvocation
    $arguments = @($pwsh.Arguments) + '-NoProfile', '-NonInteractive', '-OutputFormat', 'Text', '-EncodedCommand', $encoded
    $output = & $pwsh.FilePath @arguments 2>&1
    $exitCode = $LASTEXITCODE
    $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
    $lines = @($output | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$_" })
    # The JSON is the last line; a warning printed while importing may come before it.
    $json = $lines | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1
    if ($exitCode -ne 0 -or $errors.Count -gt 0 -or -not $json) {
        throw "Could not read the cmdlets of '$ModuleManifest' (exit code $exitCode): $((@($errors) + $lines) -join "`n")"
    }
    $json | ConvertFrom-Json
}


function ConvertFrom-HelpMarkdown {
    # Reads one <Verb>-<Noun>.md into plain objects; throws when its shape is wrong.
    param([string] $Path)

    $lines = (Get-Content -Raw -LiteralPath $Path) -replace "`r`n", "`n" -split "`n"
    $name = $null
    $sections = [ordered]@{}
    $section = $null
    $sub = $null
    $inFence = $false
    foreach ($line in $lines) {
        if ($line -match '^\s*```') { $inFence = -not $inFence }
        if (-not $inFence -and $line -match '^(#{1,3})\s+(.+?)\s*$') {
            $level = $Matches[1].Length
            $title = $Matches[2]
            if ($level -eq 1) {
                if ($null -ne $name) { throw "has a second '# ' heading ('$title')." }
                $name = $title
                continue
            }
            if ($level -eq 2) {
                $key = $title.ToUpperInvariant()
                if ($key -notin $script:Sections) { throw "has an unknown section '## $title'; the sections are: $($script:Sections -join ', ')." }
                if ($sections.Contains($key)) { throw "has '## $title' twice." }
                $section = [pscustomobject]@{ Lines = [Collections.Generic.List[string]]::new(); Subs = [Collections.Generic.List[object]]::new() }
                $sections[$key] = $section
                $sub = $null
                continue
            }
            if ($null -eq $section) { throw "has '### $title' before any '## ' section." }
            $sub = [pscustomobject]@{ Title = $title; Lines = [Collections.Generic.List[string]]::new() }
            $section.Subs.Add($sub)
            continue
        }
        if ($null -ne $sub) { $sub.Lines.Add($line) }
        elseif ($null -ne $section) { $section.Lines.Add($line) }
        elseif ($line.Trim()) { throw "has text before the first '## ' section: '$line'." }
    }
    if ($inFence) { throw 'has a ``` fence that is never closed.' }

    $expected = [IO.Path]::GetFileNameWithoutExtension($Path)
    if ($name -ne $expected) { throw "starts with '# $name'; it must be '# $expected'." }
    $missing = @($script:Sections | Where-Object { -not $sections.Contains($_) })
    if ($missing) { throw "has no section $(($missing | ForEach-Object { "'## $_'" }) -join ', ')." }
    foreach ($key in 'SYNOPSIS', 'DESCRIPTION', 'NOTES', 'RELATED LINKS') {
        if ($sections[$key].Subs.Count -gt 0) { throw "has a '### ' heading inside '## $key'." }
    }
    foreach ($key in 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS') {
        if (@(ConvertTo-Block $sections[$key].Lines).Count -gt 0) { throw "has text in '## $key' outside its '### ' entries." }
    }

    $synopsis = @(ConvertTo-Block $sections['SYNOPSIS'].Lines)
    if ($synopsis.Count -ne 1 -or $synopsis[0].Kind -ne 'para') { throw "'## SYNOPSIS' must be one paragraph." }
    $description = @(ConvertTo-Paragraph $sections['DESCRIPTION'].Lines 'DESCRIPTION')
    if ($description.Count -eq 0) { throw "'## DESCRIPTION' is empty." }

    $examples = foreach ($e in $sections['EXAMPLES'].Subs) {
        $blocks = @(ConvertTo-Block $e.Lines)
        if ($blocks.Count -eq 0 -or $blocks[0].Kind -ne 'code') { throw "example '$($e.Title)' must start with a code fence." }
        # Later fences (sample output) stay verbatim among the explanation paragraphs.
        [pscustomobject]@{
            Title   = $e.Title
            Code    = $blocks[0].Text
            Remarks = @($blocks | Select-Object -Skip 1 | ForEach-Object Text)
        }
    }

    $parameters = [ordered]@{}
    foreach ($p in $sections['PARAMETERS'].Subs) {
        if ($p.Title -notmatch '^-(\w+)$') { throw "'### $($p.Title)' under PARAMETERS must be '### -ParameterName'." }
        $pName = $Matches[1]
        if ($parameters.Contains($pName)) { throw "documents -$pName twice." }
        $paras = [Collections.Generic.List[string]]::new()
        foreach ($text in ConvertTo-Paragraph $p.Lines "-$pName") { $paras.Add($text) }
        $default = $null
        if ($paras.Count -gt 0 -and $paras[-1] -match '^Default value:\s*(.+)$') {
            $default = $Matches[1]
            $paras.RemoveAt($paras.Count - 1)
        }
        if ($paras.Count -eq 0) { throw "the section for -$pName has no description." }
        $parameters[$pName] = [pscustomobject]@{ Name = $pName; Description = @($paras); DefaultValue = $default }
    }

    [pscustomobject]@{
        Name        = $name
        Path        = $Path
        Synopsis    = $synopsis[0].Text
        Description = $description
        Examples    = @($examples)
        Parameters  = $parameters
        Inputs      = @(ConvertTo-TypeEntry $sections['INPUTS'].Subs 'INPUTS')
        Outputs     = @(ConvertTo-TypeEntry $sections['OUTPUTS'].Subs 'OUTPUTS')
        Notes       = @(ConvertTo-Paragraph $sections['NOTES'].Lines 'NOTES')
        Links       = @(ConvertTo-Link $sections['RELATED LINKS'].Lines)
    }
}

function ConvertTo-Block {
    # Splits lines into paragraphs and ``` code fences.
    param([string[]] $Lines)

    $para = [Collections.Generic.List[string]]::new()
    $code = $null
    $flush = {
        if ($para.Count -gt 0) {
            $isList = $para[0] -match '^\s*([-*]|\d+\.)\s'
            $text = if ($isList) {
                # One item a line; continuation lines join the item above.
                (($para -join "`n") -replace '\n\s+(?![-*]\s|\d+\.\s)', ' ')
            }
            else { ($para | ForEach-Object Trim) -join ' ' }
            [pscustomobject]@{ Kind = 'para'; Text = $text }
            $para.Clear()
        }
    }
    foreach ($line in $Lines) {
        if ($null -ne $code) {
            if ($line -match '^\s*```\s*$') {
                [pscustomobject]@{ Kind = 'code'; Text = ($code -join "`n").TrimEnd() }
                $code = $null
            }
            else { $code.Add($line) }
            continue
        }
        if ($line -match '^\s*```') {
            & $flush
            $code = [Collections.Generic.List[string]]::new()
            continue
        }
        if ($line.Trim()) { $para.Add($line.TrimEnd()) } else { & $flush }
    }
    & $flush
}

function ConvertTo-Paragraph {
    param([string[]] $Lines, [string] $Where)
    foreach ($block in ConvertTo-Block $Lines) {
        if ($block.Kind -ne 'para') { throw "code fences belong in examples, not in $Where." }
        $block.Text
    }
}

function ConvertTo-TypeEntry {
    param([object[]] $Subs, [string] $Where)
    foreach ($s in $Subs) {
        [pscustomobject]@{ Type = $s.Title; Description = @(ConvertTo-Paragraph $s.Lines "$Where '$($s.Title)'") }
    }
}

function ConvertTo-Link {
    param([string[]] $Lines)
    foreach ($line in $Lines) {
        $text = ($line.Trim() -replace '^[-*]\s+', '')
        if (-not $text) { continue }
        if ($text -match '^\[(?<text>[^\]]+)\]\((?<uri>[^)]*)\)$') {
            [pscustomobject]@{ Text = $Matches.text; Uri = $Matches.uri }
        }
        else { [pscustomobject]@{ Text = $text; Uri = '' } }
    }
}

function Test-HelpAgainstCommand {
    param($Doc, $Command, [Collections.Generic.List[string]] $Problems)

    if ($Doc.Examples.Count -lt 2) {
        $Problems.Add("$($Command.Name): has $($Doc.Examples.Count) example(s); at least two are needed.")
    }
    foreach ($p in $Command.Parameters) {
        if ($p.Name -in $script:RiskParameterText.Keys) { continue }
        if (-not $Doc.Parameters.Contains($p.Name)) {
            $Problems.Add("$($Command.Name): parameter -$($p.Name) has no '### -$($p.Name)' section.")
        }
    }
    foreach ($documented in $Doc.Parameters.Keys) {
        $actual = $Command.Parameters | Where-Object Name -EQ $documented
        if (-not $actual) {
            $Problems.Add("$($Command.Name): '### -$documented' documents a parameter the cmdlet does not have.")
        }
        elseif ($actual.Name -cne $documented) {
            $Problems.Add("$($Command.Name): '### -$documented' must be spelled '### -$($actual.Name)'.")
        }
    }
}

function Write-MamlFile {
    param([string] $Path, [object[]] $Commands, $Docs)

    $settings = [System.Xml.XmlWriterSettings]::new()
    $settings.Indent = $true
    $settings.IndentChars = '  '
    $settings.Encoding = [System.Text.UTF8Encoding]::new($false)
    $writer = [System.Xml.XmlWriter]::Create($Path, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', $script:Ns.msh)
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($prefix in 'maml', 'command', 'dev', 'MSHelp') {
            $writer.WriteAttributeString('xmlns', $prefix, $null, $script:Ns[$prefix])
        }
        foreach ($command in $Commands) {
            Write-MamlCommand -Writer $writer -Command $command -Doc $Docs[$command.Name]
        }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally {
        $writer.Dispose()
    }
}

function Write-MamlCommand {
    param([System.Xml.XmlWriter] $Writer, $Command, $Doc)

    $w = $Writer
    $ns = $script:Ns
    $w.WriteStartElement('command', 'command', $ns.command)

    $w.WriteStartElement('command', 'details', $ns.command)
    $w.WriteElementString('command', 'name', $ns.command, $Command.Name)
    $w.WriteElementString('command', 'verb', $ns.command, $Command.Verb)
    $w.WriteElementString('command', 'noun', $ns.command, $Command.Noun)
    Write-Para $w 'maml' 'description' $Doc.Synopsis
    $w.WriteEndElement()

    Write-Para $w 'maml' 'description' $Doc.Description

    $documented = @($Doc.Parameters.Keys)
    # Documented parameters in the file's order, then -WhatIf and -Confirm.
    $ordered = @(
        foreach ($name in $documented) { $Command.Parameters | Where-Object Name -EQ $name }
        foreach ($name in $script:RiskParameterText.Keys | Sort-Object -Descending) {
            if ($name -notin $documented) { $Command.Parameters | Where-Object Name -EQ $name }
        }
    )

    $w.WriteStartElement('command', 'syntax', $ns.command)
    $sets = @($Command.ParameterSets | Sort-Object { -not $_.IsDefault }, Name)
    foreach ($set in $sets) {
        $w.WriteStartElement('command', 'syntaxItem', $ns.command)
        $w.WriteElementString('maml', 'name', $ns.maml, $Command.Name)
        # ForEach-Object, not $ordered.Name: strict mode refuses .Name on the empty list of a cmdlet without parameters.
        $inSet = @($set.Parameters | Where-Object Name -In @($ordered | ForEach-Object Name))
        $sorted = @(
            $inSet | Where-Object { $null -ne $_.Position } | Sort-Object Position
            $inSet | Where-Object { $null -eq $_.Position -and $_.IsMandatory -and $_.Name -notin 'WhatIf', 'Confirm' }
            foreach ($p in $ordered) {
                $setParameter = $inSet | Where-Object Name -EQ $p.Name
                if ($setParameter -and $null -eq $setParameter.Position -and -not $setParameter.IsMandatory) { $setParameter }
            }
        )
        foreach ($setParameter in $sorted) {
            $meta = $Command.Parameters | Where-Object Name -EQ $setParameter.Name
            Write-MamlParameter -Writer $w -Meta $meta -Sets @($setParameter) -Doc $Doc.Parameters[$meta.Name] -InSyntax
        }
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'parameters', $ns.command)
    foreach ($meta in $ordered) {
        $inSets = @($Command.ParameterSets | ForEach-Object { $_.Parameters | Where-Object Name -EQ $meta.Name })
        Write-MamlParameter -Writer $w -Meta $meta -Sets $inSets -Doc $Doc.Parameters[$meta.Name]
    }
    $w.WriteEndElement()

    foreach ($kind in @(
            @{ List = 'inputTypes'; Item = 'inputType'; Entries = $Doc.Inputs },
            @{ List = 'returnValues'; Item = 'returnValue'; Entries = $Doc.Outputs })) {
        $w.WriteStartElement('command', $kind.List, $ns.command)
        foreach ($entry in $kind.Entries) {
            $w.WriteStartElement('command', $kind.Item, $ns.command)
            $w.WriteStartElement('dev', 'type', $ns.dev)
            $w.WriteElementString('maml', 'name', $ns.maml, $entry.Type)
            $w.WriteEndElement()
            Write-Para $w 'maml' 'description' $entry.Description
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }

    $w.WriteStartElement('maml', 'alertSet', $ns.maml)
    $w.WriteStartElement('maml', 'alert', $ns.maml)
    foreach ($text in $Doc.Notes) { $w.WriteElementString('maml', 'para', $ns.maml, $text) }
    $w.WriteEndElement()
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'examples', $ns.command)
    foreach ($example in $Doc.Examples) {
        $w.WriteStartElement('command', 'example', $ns.command)
        $w.WriteElementString('maml', 'title', $ns.maml, "--------- $($example.Title) ---------")
        $w.WriteElementString('dev', 'code', $ns.dev, $example.Code)
        # The empty paragraph puts a blank line between this example and the next one's title.
        Write-Para $w 'dev' 'remarks' (@($example.Remarks) + '')
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteStartElement('command', 'relatedLinks', $ns.command)
    foreach ($link in $Doc.Links) {
        $w.WriteStartElement('maml', 'navigationLink', $ns.maml)
        $w.WriteElementString('maml', 'linkText', $ns.maml, $link.Text)
        $w.WriteElementString('maml', 'uri', $ns.maml, $link.Uri)
        $w.WriteEndElement()
    }
    $w.WriteEndElement()

    $w.WriteEndElement()
}

function Write-MamlParameter {
    # One command:parameter. $Sets holds this parameter's entry in each set it belongs to (one in syntax).
    param([System.Xml.XmlWriter] $Writer, $Meta, [object[]] $Sets, $Doc, [switch] $InSyntax)

    $w = $Writer
    $ns = $script:Ns
    $positions = @($Sets | Where-Object { $null -ne $_.Position } | ForEach-Object Position)
    $byValue = [bool]($Sets | Where-Object ByValue)
    $byName = [bool]($Sets | Where-Object ByPropertyName)
    $pipeline = switch ($true) {
        ($byValue -and $byName) { 'True (ByValue, ByPropertyName)'; break }
        $byValue { 'True (ByValue)'; break }
        $byName { 'True (ByPropertyName)'; break }
        default { 'False' }
    }
    $required = @($Sets | Where-Object IsMandatory).Count -eq $Sets.Count -and $Sets.Count -gt 0
    $aliases = @($Meta.Aliases)

    $w.WriteStartElement('command', 'parameter', $ns.command)
    $w.WriteAttributeString('required', $required.ToString().ToLowerInvariant())
    $w.WriteAttributeString('variableLength', $Meta.IsArray.ToString().ToLowerInvariant())
    $w.WriteAttributeString('globbing', $Meta.SupportsWildcard.ToString().ToLowerInvariant())
    $w.WriteAttributeString('pipelineInput', $pipeline)
    $w.WriteAttributeString('position', $(if ($positions.Count -gt 0) { [string]$positions[0] } else { 'named' }))
    $w.WriteAttributeString('aliases', $(if ($aliases.Count -gt 0) { $aliases -join ', ' } else { 'none' }))
    $w.WriteElementString('maml', 'name', $ns.maml, $Meta.Name)

    $description = if ($Doc) { $Doc.Description } else { $script:RiskParameterText[$Meta.Name] }
    if (-not $InSyntax) { Write-Para $w 'maml' 'description' $description }

    if ($InSyntax -and @($Meta.ValidValues).Count -gt 0) {
        $w.WriteStartElement('command', 'parameterValueGroup', $ns.command)
        foreach ($value in $Meta.ValidValues) {
            $w.WriteStartElement('command', 'parameterValue', $ns.command)
            $w.WriteAttributeString('required', 'false')
            $w.WriteAttributeString('variableLength', 'false')
            $w.WriteString($value)
            $w.WriteEndElement()
        }
        $w.WriteEndElement()
    }
    elseif (-not ($InSyntax -and $Meta.IsSwitch)) {
        $w.WriteStartElement('command', 'parameterValue', $ns.command)
        $w.WriteAttributeString('required', (-not $Meta.IsSwitch).ToString().ToLowerInvariant())
        $w.WriteAttributeString('variableLength', $Meta.IsArray.ToString().ToLowerInvariant())
        $w.WriteString($Meta.TypeName)
        $w.WriteEndElement()
    }

    $w.WriteStartElement('dev', 'type', $ns.dev)
    $w.WriteElementString('maml', 'name', $ns.maml, $Meta.TypeFullName)
    $w.WriteElementString('maml', 'uri', $ns.maml, '')
    $w.WriteEndElement()

    $default = if ($Doc -and $Doc.DefaultValue) { $Doc.DefaultValue } elseif ($Meta.IsSwitch) { 'False' } else { 'None' }
    $w.WriteElementString('dev', 'defaultValue', $ns.dev, $default)
    $w.WriteEndElement()
}

function Write-Para {
    # <prefix:name> holding one maml:para per paragraph.
    param([System.Xml.XmlWriter] $Writer, [string] $Prefix, [string] $Name, [string[]] $Paragraphs)
    $Writer.WriteStartElement($Prefix, $Name, $script:Ns[$Prefix])
    foreach ($text in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:Ns.maml, $text) }
    $Writer.WriteEndElement()
}

Export-ModuleMember -Function New-MamlHelp
