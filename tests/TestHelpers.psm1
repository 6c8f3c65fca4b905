#Requires -Version 7.0
# Shared by tests/Pester.ps1, bench/ and every *.Tests.ps1 file; the pwsh locator and the emulator's
# start and stop come from build/Common.ps1.
# Keep these functions stateless: each test file re-imports this module with -Force,
# which would throw away any module-scope state that Pester.ps1 relied on.

Set-StrictMode -Version Latest

. (Join-Path $PSScriptRoot '../build/Common.ps1')

function Get-TestHubUri {
    param([string] $HubUri)
    if ($HubUri) { return $HubUri.TrimEnd('/') }
    if (-not $env:DOCKERHUBPAT_TEST_HUB) {
        throw 'DOCKERHUBPAT_TEST_HUB is not set: run the tests through tests/Pester.ps1 (or build.ps1 test), or pass -HubUri.'
    }
    $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
}

function Invoke-Emulator {
    <#
    .SYNOPSIS
    Calls one of the emulator's /_emulator control routes and returns the parsed JSON answer.
    .EXAMPLE
    Invoke-Emulator -Method Post -Path /_emulator/reset
    #>
    [CmdletBinding()]
    param(
        [ValidateSet('Get', 'Post', 'Put', 'Patch', 'Delete')]
        [string] $Method = 'Get',
        [Parameter(Mandatory)]
        [string] $Path,
        # A hashtable or object, sent as JSON.
        [object] $Body,
        [string] $HubUri
    )

    $request = @{
        Method  = $Method
        Uri     = (Get-TestHubUri $HubUri) + '/' + $Path.TrimStart('/')
        # The control routes are only ever called from tests; fail fast rather than hang a run.
        TimeoutSec = 30
    }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $request.Body = ConvertTo-Json -InputObject $Body -Depth 10 -Compress
        $request.ContentType = 'application/json'
    }
    try {
        Invoke-RestMethod @request
    }
    catch {
        # The emulator explains a refusal in the body; without it a test failure only says "400".
        $detail = if ($_.ErrorDetails) { $_.ErrorDetails.Message } else { $_.Exception.Message }
        throw "$Method $($request.Uri) failed: $detail"
    }
}

function ConvertTo-ItemList {
    # The control routes may answer with a bare array or wrap it in an object; callers want the items.
    param($Response, [string[]] $WrapperNames)
    foreach ($name in $WrapperNames) {
        if ($null -ne $Response -and $Response -isnot [array] -and $Response.PSObject.Properties[$name]) {
            return $Response.$name
        }
    }
    $Response
}

function New-TestAccount {
    <#
    .SYNOPSIS
    Creates a uniquely named account on the emulator so test files never share state.
    .OUTPUTS
    Username, Password (plain: a throwaway test account), Credential, OtpCode, TotpSecret.
    #>
    [CmdletBinding()]
    param(
        # Hub usernames are lower-case letters and digits only, so the prefix should be too.
        [ValidatePattern('^[a-z0-9]+$')]
        [string] $Prefix = 'test',
        [string] $Password = ('pw-' + [guid]::NewGuid().ToString('N')),
        # A fixed code the emulator accepts as the second factor.
        [string] $OtpCode,
        # A base32 TOTP seed for accounts that use an authenticator app.
        [string] $TotpSecret,
        [string] $HubUri
    )

    $username = $Prefix + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $body = [ordered]@{ username = $username; password = $Password }
    if ($OtpCode) { $body.otp_code = $OtpCode }
    if ($TotpSecret) { $body.totp_secret = $TotpSecret }
    Invoke-Emulator -Method Post -Path '/_emulator/accounts' -Body $body -HubUri $HubUri | Out-Null

    $secure = ConvertTo-SecureString -String $Password -AsPlainText -Force
    [pscustomobject]@{
        PSTypeName = 'DockerHubPat.Tests.Account'
        Username   = $username
        Password   = $Password
        Credential = [pscredential]::new($username, $secure)
        OtpCode    = $OtpCode
        TotpSecret = $TotpSecret
    }
}

function Add-TestToken {
    <#
    .SYNOPSIS
    Creates tokens directly on the emulator (bypassing the module) and returns them, secrets included.
    .EXAMPLE
    Add-TestToken -Username $account.Username -Count 3 -LabelPrefix 'ci-'
    .EXAMPLE
    Add-TestToken -Username $u -Token @{ token_label = 'old'; is_active = $false; expires_at = '2020-01-01T00:00:00Z' }
    #>
    [CmdletBinding(DefaultParameterSetName = 'Count')]
    param(
        [Parameter(Mandatory)]
        [string] $Username,
        [Parameter(ParameterSetName = 'Count')]
        [ValidateRange(1, 1000)]
        [int] $Count = 1,
        [Parameter(ParameterSetName = 'Count')]
        [string] $LabelPrefix = 'token-',
        # Null lets the emulator pick its default scopes.
        [Parameter(ParameterSetName = 'Count')]
        [string[]] $Scopes,
        # Full control: hashtables with token_label and optionally scopes, is_active, last_used, expires_at, created_at.
        [Parameter(Mandatory, ParameterSetName = 'Tokens')]
        [System.Collections.IDictionary[]] $Token,
        [string] $HubUri
    )

    if ($PSCmdlet.ParameterSetName -eq 'Tokens') {
        $body = @{ tokens = $Token }
    }
    else {
        $body = @{ count = $Count; label_prefix = $LabelPrefix; scopes = $null }
        # Assigned on its own: an if-expression would unroll a single scope into a bare string.
        if ($Scopes) { $body.scopes = $Scopes }
    }
    $path = "/_emulator/accounts/$([uri]::EscapeDataString($Username))/tokens"
    ConvertTo-ItemList (Invoke-Emulator -Method Post -Path $path -Body $body -HubUri $HubUri) 'tokens', 'results'
}

function Get-ServerToken {
    <#
    .SYNOPSIS
    The emulator's own view of an account's tokens: what really is on the server, whatever the module says.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [string] $Username,
        # Fill in each token's secret (`token`), e.g. to check what a rotation saved in a vault.
        [switch] $IncludeSecret,
        [string] $HubUri
    )
    $path = "/_emulator/accounts/$([uri]::EscapeDataString($Username))/tokens"
    if ($IncludeSecret) { $path += '?secrets=true' }
    ConvertTo-ItemList (Invoke-Emulator -Path $path -HubUri $HubUri) 'tokens', 'results'
}

function New-TestOrganization {
    <#
    .SYNOPSIS
    Creates a uniquely named organization on the emulator and returns it (name, uuid, plan, token_limit, owners, members).
    .EXAMPLE
    New-TestOrganization -Owner $owner.Username -Member $member.Username -Plan Business
    #>
    [CmdletBinding()]
    param(
        # Hub organization names are lower-case letters and digits only, 4 to 30 of them.
        [ValidatePattern('^[a-z0-9]{1,18}$')]
        [string] $Prefix = 'org',
        # Team allows 10 organization access tokens, Business 100.
        [ValidateSet('Team', 'Business')]
        [string] $Plan = 'Team',
        # Existing user names.
        [string[]] $Owner = @(),
        [string[]] $Member = @(),
        [string] $HubUri
    )
    $body = [ordered]@{
        name    = $Prefix + [guid]::NewGuid().ToString('N').Substring(0, 12)
        plan    = $Plan.ToLowerInvariant()
        # Wrapped so that one name still travels as a JSON array.
        owners  = @($Owner)
        members = @($Member)
    }
    Invoke-Emulator -Method Post -Path '/_emulator/orgs' -Body $body -HubUri $HubUri
}

function Set-TestOrganization {
    <#
    .SYNOPSIS
    Changes an organization's plan, owners or members on the emulator (only what is given).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [string] $Name,
        [ValidateSet('Team', 'Business')]
        [string] $Plan,
        [string[]] $Owner,
        [string[]] $Member,
        [string] $HubUri
    )
    $body = [ordered]@{}
    if ($Plan) { $body.plan = $Plan.ToLowerInvariant() }
    if ($PSBoundParameters.ContainsKey('Owner')) { $body.owners = @($Owner) }
    if ($PSBoundParameters.ContainsKey('Member')) { $body.members = @($Member) }
    Invoke-Emulator -Method Patch -Path "/_emulator/orgs/$([uri]::EscapeDataString($Name))" -Body $body -HubUri $HubUri
}

function Add-TestOrgToken {
    <#
    .SYNOPSIS
    Creates organization access tokens directly on the emulator (no plan limit, no validation) and
    returns the server's full view of them, secrets (`token`) included.
    .EXAMPLE
    Add-TestOrgToken -Organization $org.name -Count 12 -LabelPrefix 'ci-'
    .EXAMPLE
    Add-TestOrgToken -Organization $org.name -Token @{ label = 'old'; is_active = $false; expires_at = '2020-01-01T00:00:00Z' }
    #>
    [CmdletBinding(DefaultParameterSetName = 'Count')]
    param(
        [Parameter(Mandatory)]
        [string] $Organization,
        [Parameter(ParameterSetName = 'Count')]
        [ValidateRange(1, 1000)]
        [int] $Count = 1,
        [Parameter(ParameterSetName = 'Count')]
        [string] $LabelPrefix = 'oat-',
        # Hashtables with label and optionally description, resources (@{ type; path; scopes }), is_active,
        # created_at, created_by, expires_at (past dates allowed), last_used_at.
        [Parameter(Mandatory, ParameterSetName = 'Tokens')]
        [System.Collections.IDictionary[]] $Token,
        [string] $HubUri
    )
    $body = if ($PSCmdlet.ParameterSetName -eq 'Tokens') { @{ tokens = $Token } }
    else { @{ count = $Count; label_prefix = $LabelPrefix } }
    Invoke-Emulator -Method Post -Path "/_emulator/orgs/$([uri]::EscapeDataString($Organization))/tokens" -Body $body -HubUri $HubUri
}

function Get-ServerOrgToken {
    <#
    .SYNOPSIS
    The emulator's own view of an organization's tokens, newest first: description, resources,
    created_by and the secret (`token`) included, whatever the module says.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [string] $Organization,
        # Only the token with this id.
        [string] $Id,
        [string] $HubUri
    )
    $tokens = Invoke-Emulator -Path "/_emulator/orgs/$([uri]::EscapeDataString($Organization))/tokens" -HubUri $HubUri
    # Invoke-RestMethod hands back a JSON array as one object; enumerate it for the pipeline.
    $tokens | ForEach-Object { $_ } | Where-Object { -not $Id -or $_.id -eq $Id }
}

function Invoke-HubApi {
    <#
    .SYNOPSIS
    One raw request to the emulator's Hub routes, for tests of the emulator itself: never throws on
    an HTTP status, and returns Status, Headers, Content and Json (parsed into ordered hashtables, or
    $null when the body is not JSON).
    .EXAMPLE
    Invoke-HubApi -Method Post -Path '/v2/orgs/acme/access-tokens' -Bearer $jwt -Body @{ label = 'ci' }
    #>
    [CmdletBinding()]
    param(
        [ValidateSet('Get', 'Post', 'Patch', 'Delete')]
        [string] $Method = 'Get',
        # A path such as /v2/orgs/acme/access-tokens?page=2, or an absolute URL (a `next` link).
        [Parameter(Mandatory)]
        [string] $Path,
        # A hashtable or object sent as JSON, or a string sent as it is.
        [object] $Body,
        [string] $Bearer,
        [int] $TimeoutSec = 30,
        [string] $HubUri
    )
    $request = @{
        Method             = $Method
        Uri                = if ($Path -match '^https?://') { $Path } else { (Get-TestHubUri $HubUri) + $Path }
        SkipHttpErrorCheck = $true
        TimeoutSec         = $TimeoutSec
        Verbose            = $false
    }
    if ($Bearer) { $request.Headers = @{ Authorization = "Bearer $Bearer" } }
    if ($PSBoundParameters.ContainsKey('Body')) {
        $request.Body = if ($Body -is [string]) { $Body } else { ConvertTo-Json -InputObject $Body -Depth 10 -Compress }
        $request.ContentType = 'application/json'
    }
    $response = Invoke-WebRequest @request
    $json = $null
    if ($response.Content) {
        # Times stay the strings Hub sent: their exact form is part of what tests check.
        try { $json = ConvertFrom-Json -InputObject $response.Content -AsHashtable -NoEnumerate -DateKind String }
        catch { $json = $null }
    }
    [pscustomobject]@{
        Status  = [int]$response.StatusCode
        Headers = $response.Headers
        Content = $response.Content
        Json    = $json
    }
}

function Get-TestBearer {
    <#
    .SYNOPSIS
    Signs in on the emulator's /v2/users/login (an account without a second factor) and returns the session JWT.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $Username,
        [Parameter(Mandatory)][string] $Password,
        [string] $HubUri
    )
    $answer = Invoke-HubApi -Method Post -Path '/v2/users/login' -Body @{ username = $Username; password = $Password } -HubUri $HubUri
    if ($answer.Status -ne 200) { throw "Sign-in of '$Username' failed with $($answer.Status): $($answer.Content)" }
    $answer.Json.token
}

function Get-HubRequestLog {
    <#
    .SYNOPSIS
    Requests the emulator has served (method, path, query, status, user_agent, ...), oldest first.
    Control routes are never logged, so helpers calling them do not disturb what a test counts.
    .PARAMETER Path
    Only requests whose path matches this wildcard, e.g. '/v2/access-tokens*'.
    #>
    [CmdletBinding()]
    param(
        [string] $Path = '*',
        [string] $HubUri
    )
    ConvertTo-ItemList (Invoke-Emulator -Path '/_emulator/requests' -HubUri $HubUri) 'requests', 'results' |
        Where-Object path -Like $Path
}

function Clear-HubRequestLog {
    [CmdletBinding()]
    param([string] $HubUri)
    Invoke-Emulator -Method Delete -Path '/_emulator/requests' -HubUri $HubUri | Out-Null
}

function Invoke-PwshProcess {
    <#
    .SYNOPSIS
    Runs a new PowerShell (the same one as this) with stdin closed and waits for it.
    .PARAMETER Environment
    Variables to set in the child; a $null value removes the variable.
    .OUTPUTS
    ExitCode, Seconds (wall time), StdOut, StdErr.
    #>
    param(
        [Parameter(Mandatory)][string[]] $Arguments,
        [hashtable] $Environment = @{},
        [string] $WorkingDirectory,
        [int] $TimeoutSeconds = 120
    )
    $pwsh = Get-PwshInvocation
    $psi = [Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
    foreach ($a in @($pwsh.Arguments) + $Arguments) { $psi.ArgumentList.Add($a) }
    foreach ($key in $Environment.Keys) {
        if ($null -eq $Environment[$key]) { $psi.Environment.Remove($key) | Out-Null }
        else { $psi.Environment[$key] = [string]$Environment[$key] }
    }
    if ($WorkingDirectory) { $psi.WorkingDirectory = $WorkingDirectory }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $watch = [Diagnostics.Stopwatch]::StartNew()
    $process = [Diagnostics.Process]::Start($psi)
    try {
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSeconds * 1000)) {
            $process.Kill($true)
            throw "pwsh $($Arguments -join ' ') did not finish within $TimeoutSeconds s. Output so far:`n$($stdout.Result)`n$($stderr.Result)"
        }
        $process.WaitForExit()
        $watch.Stop()
        [pscustomobject]@{
            ExitCode = $process.ExitCode
            Seconds  = $watch.Elapsed.TotalSeconds
            StdOut   = $stdout.Result
            StdErr   = $stderr.Result
        }
    }
    finally {
        $process.Dispose()
    }
}

function Invoke-InFreshPwsh {
    <#
    .SYNOPSIS
    Runs a script block in a new `pwsh -NoProfile -NonInteractive` process that has imported the module.
    .DESCRIPTION
    For behaviour that depends on the host: no prompts possible, stdin closed, a clean session state.
    The script block is sent as text, so it sees none of the caller's variables: pass values through
    -ArgumentList (they travel as CliXml, so pass plain strings rather than SecureStrings or credentials).
    Environment variables, including DOCKERHUBPAT_TEST_HUB, are inherited.
    .OUTPUTS
    Output (deserialized objects), Error and Information (deserialized records), Warning, Verbose and
    Debug (message strings), Terminated (true when it threw), ExitCode, StdOut and StdErr (the raw text of the process).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)]
        [scriptblock] $ScriptBlock,
        [object[]] $ArgumentList = @(),
        [string] $ModulePath = $env:DOCKERHUBPAT_TEST_MODULE,
        [int] $TimeoutSeconds = 120
    )

    $work = Join-Path ([IO.Path]::GetTempPath()) ('dhp-fresh-' + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory -Path $work | Out-Null
    try {
        $files = @{
            Script = Join-Path $work 'script.ps1'
            Args   = Join-Path $work 'args.clixml'
            Result = Join-Path $work 'result.clixml'
            Runner = Join-Path $work 'runner.ps1'
        }
        Set-Content -LiteralPath $files.Script -Value $ScriptBlock.ToString() -Encoding utf8
        # Piped, so the child reads back the arguments one by one rather than a single list.
        $ArgumentList | Export-Clixml -LiteralPath $files.Args -Depth 5
        Set-Content -LiteralPath $files.Runner -Value $script:FreshPwshRunner -Encoding utf8

        $run = Invoke-PwshProcess -TimeoutSeconds $TimeoutSeconds -Arguments @('-NoProfile', '-NonInteractive',
            '-File', $files.Runner, '-ModulePath', "$ModulePath", '-ScriptPath', $files.Script,
            '-ArgsPath', $files.Args, '-ResultPath', $files.Result)
        if (-not (Test-Path -LiteralPath $files.Result)) {
            # Not a result a test should assert on (e.g. the module did not import), so fail loudly.
            throw ("Fresh pwsh failed before it could run the script block (exit code $($run.ExitCode)).`n" +
                "--- stdout ---`n$($run.StdOut)`n--- stderr ---`n$($run.StdErr)")
        }
        $result = Import-Clixml -LiteralPath $files.Result
        $result | Add-Member -NotePropertyName ExitCode -NotePropertyValue $run.ExitCode
        $result | Add-Member -NotePropertyName StdOut -NotePropertyValue $run.StdOut
        $result | Add-Member -NotePropertyName StdErr -NotePropertyValue $run.StdErr
        $result
    }
    finally {
        Remove-Item -LiteralPath $work -Recurse -Force -ErrorAction SilentlyContinue
    }
}

# Runs inside the fresh process. Streams are split after the fact from one merged pipeline so their
# records keep their types; a terminating error is recorded instead of escaping, so callers can assert on it.
$script:FreshPwshRunner = @'
param($ModulePath, $ScriptPath, $ArgsPath, $ResultPath)
$ErrorActionPreference = 'Stop'
if ($ModulePath) { Import-Module $ModulePath }
$ErrorActionPreference = 'Continue'
$arguments = @(Import-Clixml -LiteralPath $ArgsPath)
$block = [scriptblock]::Create((Get-Content -LiteralPath $ScriptPath -Raw))
$result = [ordered]@{
    Output = [Collections.Generic.List[object]]::new()
    Error = [Collections.Generic.List[object]]::new()
    Warning = [Collections.Generic.List[object]]::new()
    Verbose = [Collections.Generic.List[object]]::new()
    Debug = [Collections.Generic.List[object]]::new()
    Information = [Collections.Generic.List[object]]::new()
    Terminated = $false
}
try {
    & $block @arguments *>&1 | ForEach-Object {
        # Warning, verbose and debug records deserialize without a Message property, so keep just the text.
        switch ($_) {
            { $_ -is [Management.Automation.ErrorRecord] } { $result.Error.Add($_); break }
            { $_ -is [Management.Automation.WarningRecord] } { $result.Warning.Add($_.Message); break }
            { $_ -is [Management.Automation.VerboseRecord] } { $result.Verbose.Add($_.Message); break }
            { $_ -is [Management.Automation.DebugRecord] } { $result.Debug.Add($_.Message); break }
            { $_ -is [Management.Automation.InformationRecord] } { $result.Information.Add($_); break }
            default { $result.Output.Add($_) }
        }
    }
}
catch {
    $result.Error.Add($_)
    $result.Terminated = $true
}
[pscustomobject]@{
    Output = $result.Output.ToArray()
    Error = $result.Error.ToArray()
    Warning = $result.Warning.ToArray()
    Verbose = $result.Verbose.ToArray()
    Debug = $result.Debug.ToArray()
    Information = $result.Information.ToArray()
    Terminated = $result.Terminated
} | Export-Clixml -LiteralPath $ResultPath -Depth 5
'@

function Connect-TestAccount {
    # Signs in to the emulator as a test account; extra parameters go to Connect-HubAccount.
    param([Parameter(Mandatory)] $Account, [hashtable] $With = @{}, [string] $HubUri)
    Connect-HubAccount -Credential $Account.Credential -HubUri (Get-TestHubUri $HubUri) @With
}

function Get-TerminatingError {
    # The error record of a command that must stop; fails the test if it completes instead.
    param([Parameter(Mandatory)][scriptblock] $Action)
    try { & $Action | Out-Null }
    catch { return $_ }
    throw 'Expected a terminating error, but the command completed.'
}

function Split-Result {
    # Separates what a command wrote to the output, error and warning streams (run it with 2>&1 3>&1).
    param([object[]] $Items)
    [pscustomobject]@{
        Output   = @($Items | Where-Object { $_ -isnot [Management.Automation.ErrorRecord] -and $_ -isnot [Management.Automation.WarningRecord] })
        Errors   = @($Items | Where-Object { $_ -is [Management.Automation.ErrorRecord] })
        Warnings = @($Items | Where-Object { $_ -is [Management.Automation.WarningRecord] })
    }
}

# A host that keeps what is written to it instead of showing it, so a test can assert on host text
# (WhatIf messages, Out-Host) without that text landing in the test run's output. Prompts go to the
# real host, which in a -NonInteractive run refuses them as it would have anyway.
$script:HostTextCaptureSource = @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Text;

namespace DockerHubPat.Tests
{
    public sealed class HostTextCapture : PSHost
    {
        private readonly PSHost _outer;
        private readonly CapturedHostUI _ui;
        private readonly Guid _id = Guid.NewGuid();
        public HostTextCapture(PSHost outer) { _outer = outer; _ui = new CapturedHostUI(outer.UI); }
        public string Text => _ui.Text.ToString();
        // The module treats a ConsoleHost started with -NonInteractive specially; keep that visible.
        public override string Name => _outer.Name;
        public override Version Version => _outer.Version;
        public override Guid InstanceId => _id;
        public override PSHostUserInterface UI => _ui;
        public override CultureInfo CurrentCulture => _outer.CurrentCulture;
        public override CultureInfo CurrentUICulture => _outer.CurrentUICulture;
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() => throw new NotSupportedException();
        public override void ExitNestedPrompt() => throw new NotSupportedException();
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }

    public sealed class CapturedHostUI : PSHostUserInterface
    {
        private readonly PSHostUserInterface _outer;
        internal readonly StringBuilder Text = new StringBuilder();
        public CapturedHostUI(PSHostUserInterface outer) { _outer = outer; }
        public override PSHostRawUserInterface RawUI => _outer.RawUI;
        public override void Write(string value) => Text.Append(value);
        public override void Write(ConsoleColor foreground, ConsoleColor background, string value) => Text.Append(value);
        public override void WriteLine(string value) => Text.Append(value).Append('\n');
        public override void WriteErrorLine(string value) => Text.Append(value).Append('\n');
        public override void WriteDebugLine(string message) => Text.Append("DEBUG: ").Append(message).Append('\n');
        public override void WriteVerboseLine(string message) => Text.Append("VERBOSE: ").Append(message).Append('\n');
        public override void WriteWarningLine(string message) => Text.Append("WARNING: ").Append(message).Append('\n');
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override string ReadLine() => _outer.ReadLine();
        public override SecureString ReadLineAsSecureString() => _outer.ReadLineAsSecureString();
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            _outer.Prompt(caption, message, descriptions);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            _outer.PromptForCredential(caption, message, userName, targetName);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            _outer.PromptForCredential(caption, message, userName, targetName, allowedCredentialTypes, options);
        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) =>
            _outer.PromptForChoice(caption, message, choices, defaultChoice);
    }
}
'@

function Get-HostText {
    <#
    .SYNOPSIS
    What an action wrote to the host (WhatIf messages, Out-Host, warnings), kept from the console.
    .DESCRIPTION
    The action runs in this runspace, so it sees the caller's variables, modules and session, but as a
    nested pipeline whose host is a HostTextCapture. Its errors are written on to the caller; its
    output is dropped.
    #>
    param([Parameter(Mandatory)][scriptblock] $Action)
    if (-not ('DockerHubPat.Tests.HostTextCapture' -as [type])) { Add-Type -TypeDefinition $script:HostTextCaptureSource }
    $capture = [DockerHubPat.Tests.HostTextCapture]::new($Host)
    $settings = [Management.Automation.PSInvocationSettings]::new()
    $settings.Host = $capture
    $nested = [powershell]::Create([Management.Automation.RunspaceMode]::CurrentRunspace)
    try {
        $null = $nested.AddScript('param($Action) & $Action').AddArgument($Action)
        try { $null = $nested.Invoke($null, $settings) }
        catch [Management.Automation.MethodInvocationException] {
            # Rethrow what the action threw, not the wrapper Invoke() puts around it.
            $inner = $_.Exception.InnerException
            if ($inner -is [Management.Automation.IContainsErrorRecord]) { throw $inner.ErrorRecord }
            throw $inner
        }
        foreach ($record in $nested.Streams.Error) { Write-Error -ErrorRecord $record }
    }
    finally {
        $nested.Dispose()
    }
    $capture.Text
}

function Get-TestTmux {
    <#
    .SYNOPSIS
    Finds tmux, which drives a real console for tests of what a person sees (prompts, tables at 80 columns).
    .DESCRIPTION
    CI starts on a fresh Debian machine with only the .NET SDK, so tmux is installed with apt-get when
    that is possible (root or password-less sudo). Returns Path, or SkipReason when there is no tmux.
    #>
    [CmdletBinding()]
    param()
    if ($IsWindows) {
        return [pscustomobject]@{ Path = $null; SkipReason = 'tmux drives a Unix terminal; console tests run on Linux and macOS' }
    }
    $find = { (Get-Command tmux -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1).Source }
    $path = & $find
    if (-not $path -and (Get-Command apt-get -ErrorAction SilentlyContinue)) {
        $sudo = if ((id -u) -eq '0') { @() } elseif (Get-Command sudo -ErrorAction SilentlyContinue) { @('sudo', '-n') } else { $null }
        if ($null -ne $sudo) {
            $env:DEBIAN_FRONTEND = 'noninteractive'
            & @sudo apt-get update -qq 2>&1 | Out-Null
            & @sudo apt-get install -y -qq tmux 2>&1 | Out-Null
            $path = & $find
        }
    }
    [pscustomobject]@{
        Path       = $path
        SkipReason = if ($path) { $null } else { 'tmux is not installed and apt-get could not install it (no root, no sudo, or no package source)' }
    }
}

function Start-TestConsole {
    <#
    .SYNOPSIS
    Runs a script in an interactive pwsh (no -NonInteractive) in a detached tmux console of the given size.
    .DESCRIPTION
    Each console has its own tmux server, which inherits this process's environment (HOME,
    PSModulePath, DOCKERHUBPAT_TEST_HUB). The pane stays after the script ends so its screen can be read.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][string] $Tmux,
        [Parameter(Mandatory)][string] $Script,
        [ValidateRange(40, 400)][int] $Width = 160,
        [ValidateRange(10, 200)][int] $Height = 50
    )
    $socket = 'dhp-' + [guid]::NewGuid().ToString('N').Substring(0, 12)
    $path = Join-Path ([IO.Path]::GetTempPath()) "$socket.ps1"
    Set-Content -LiteralPath $path -Value $Script -Encoding utf8
    $pwsh = Get-PwshInvocation
    $command = (@($pwsh.FilePath) + $pwsh.Arguments + @('-NoProfile', '-File', $path) | ForEach-Object { "'$($_ -replace "'", "'\''")'" }) -join ' '
    # -u: UTF-8 whatever the locale, so an ellipsis reads back as one.
    & $Tmux -u -L $socket new-session -d -s main -x $Width -y $Height $command ';' set-option -t main remain-on-exit on
    if ($LASTEXITCODE -ne 0) { throw "tmux could not start a console (exit code $LASTEXITCODE)." }
    [pscustomobject]@{ Tmux = $Tmux; Socket = $socket; ScriptPath = $path }
}

function Get-ConsoleScreen {
    # The console's text, with its scrollback. -Joined puts lines the terminal wrapped back together,
    # so a line longer than the console shows as one long line.
    param([Parameter(Mandatory)] $Console, [switch] $Joined)
    $options = @('-p', '-t', 'main', '-S', '-200')
    if ($Joined) { $options += '-J' }
    (& $Console.Tmux -u -L $Console.Socket capture-pane @options) -join "`n"
}

function Wait-ConsoleScreen {
    # Polls the screen until it is -like the pattern, at most $Seconds (clamped to 5..120).
    param([Parameter(Mandatory)] $Console, [Parameter(Mandatory)][string] $Pattern, [int] $Seconds = 60)
    $deadline = [DateTime]::UtcNow.AddSeconds([Math]::Clamp($Seconds, 5, 120))
    while ([DateTime]::UtcNow -lt $deadline) {
        $screen = Get-ConsoleScreen $Console
        if ($screen -like $Pattern) { return $screen }
        Start-Sleep -Milliseconds 200
    }
    throw "The console never showed '$Pattern'. It shows:`n$(Get-ConsoleScreen $Console)"
}

function Send-ConsoleText {
    # Types the text into the console, then presses Enter.
    param([Parameter(Mandatory)] $Console, [Parameter(Mandatory)][string] $Text)
    & $Console.Tmux -L $Console.Socket send-keys -t main -l $Text
    & $Console.Tmux -L $Console.Socket send-keys -t main Enter
}

function Stop-TestConsole {
    param([Parameter(Mandatory)] $Console)
    & $Console.Tmux -L $Console.Socket kill-server 2>$null
    Remove-Item -LiteralPath $Console.ScriptPath -ErrorAction SilentlyContinue
}

Export-ModuleMember -Function Get-PwshInvocation, Start-HubEmulator, Stop-HubEmulator, Invoke-Emulator,
    New-TestAccount, Add-TestToken, Get-ServerToken, Get-HubRequestLog,
    New-TestOrganization, Set-TestOrganization, Add-TestOrgToken, Get-ServerOrgToken, Invoke-HubApi, Get-TestBearer,
    Clear-HubRequestLog, Invoke-InFreshPwsh,
    Invoke-PwshProcess,
    Connect-TestAccount, Get-TerminatingError, Split-Result, Get-HostText,
    Get-TestTmux, Start-TestConsole, Get-ConsoleScreen, Wait-ConsoleScreen, Send-ConsoleText, Stop-TestConsole
