# Unattended sign-in with Connect-HubAccount: the credential from DOCKER_HUB_USERNAME and
# DOCKER_HUB_PASSWORD, HubCredentialMissing instead of a prompt in a host that cannot prompt, and
# two-factor codes computed from a TOTP seed (-TotpSecret), including a session that signs in again
# by itself when its token expires. Behaviour that depends on the host runs in a fresh
# `pwsh -NonInteractive` (Invoke-InFreshPwsh), whose time limit also catches a process that waits
# for input. (-CredentialSecretName and -TotpSecretName need a vault and are tested with the vaults.)
#
# The emulator is shared with every other test file: the environment variables and the emulator's
# JWT lifetime are put back after each test that changes them.

BeforeAll {
    Import-Module $env:DOCKERHUBPAT_TEST_MODULE -Force
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force

    $script:Hub = $env:DOCKERHUBPAT_TEST_HUB.TrimEnd('/')
    $script:Seed = 'JBSWY3DPEHPK3PXP'
    $script:SavedEnvironment = @{
        DOCKER_HUB_USERNAME = $env:DOCKER_HUB_USERNAME
        DOCKER_HUB_PASSWORD = $env:DOCKER_HUB_PASSWORD
    }

    function Restore-HubEnvironment {
        foreach ($name in $script:SavedEnvironment.Keys) {
            [Environment]::SetEnvironmentVariable($name, $script:SavedEnvironment[$name])
        }
    }

    function Clear-HubEnvironment {
        $env:DOCKER_HUB_USERNAME = $null
        $env:DOCKER_HUB_PASSWORD = $null
    }

    function ConvertTo-Secure([string] $Text) {
        # An empty SecureString cannot come from ConvertTo-SecureString, so build it by hand.
        $secure = [securestring]::new()
        foreach ($c in $Text.ToCharArray()) { $secure.AppendChar($c) }
        $secure.MakeReadOnly()
        $secure
    }

    function Get-SignInPath {
        @(Get-HubRequestLog -Path '/v2/users/*') | ForEach-Object { "$($_.path) $($_.status)" }
    }
}

AfterAll {
    Restore-HubEnvironment
    Disconnect-HubAccount
}

Describe 'The credential from DOCKER_HUB_USERNAME and DOCKER_HUB_PASSWORD' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'envcred'
        Add-TestToken -Username $account.Username -Count 1 -LabelPrefix 'env-' | Out-Null
    }

    AfterEach {
        Restore-HubEnvironment
    }

    It 'signs in a non-interactive process with neither -Credential nor a prompt' {
        $env:DOCKER_HUB_USERNAME = $account.Username
        $env:DOCKER_HUB_PASSWORD = $account.Password
        Clear-HubRequestLog

        $result = Invoke-InFreshPwsh -TimeoutSeconds 90 -ArgumentList $script:Hub {
            param($Hub)
            $session = Connect-HubAccount -HubUri $Hub -PassThru -Verbose
            $session.Username
            $session.RenewsItself
            @(Get-HubAccessToken).Label
        }

        $result.Terminated | Should -BeFalse -Because "$($result.Error | Out-String)"
        @($result.Error).Count | Should -Be 0
        $result.Output | Should -Be @($account.Username, $true, 'env-0001')
        ($result.Verbose -join "`n") | Should -Match 'DOCKER_HUB_USERNAME'
        ($result.Verbose -join "`n") | Should -Not -Match ([regex]::Escape($account.Password))
        Get-SignInPath | Should -Be @('/v2/users/login 200')
    }

    It 'signs in this process from the environment too' {
        $env:DOCKER_HUB_USERNAME = $account.Username
        $env:DOCKER_HUB_PASSWORD = $account.Password
        $session = Connect-HubAccount -HubUri $script:Hub -PassThru
        $session.Username | Should -Be $account.Username
        @(Get-HubAccessToken -Session $session).Label | Should -Be @('env-0001')
    }

    It 'prefers -Credential over the environment' {
        $other = New-TestAccount -Prefix 'envother'
        $env:DOCKER_HUB_USERNAME = $other.Username
        $env:DOCKER_HUB_PASSWORD = 'not-the-password'
        Clear-HubRequestLog

        $session = Connect-HubAccount -Credential $account.Credential -HubUri $script:Hub -PassThru

        $session.Username | Should -Be $account.Username
        Get-SignInPath | Should -Be @('/v2/users/login 200')
    }

    Context 'nothing gives a credential, in a non-interactive process' {
        BeforeAll {
            Clear-HubEnvironment
            Clear-HubRequestLog
            $result = Invoke-InFreshPwsh -TimeoutSeconds 60 -ArgumentList $script:Hub {
                param($Hub)
                Connect-HubAccount -HubUri $Hub
                'still running'
            }
            $requests = @(Get-HubRequestLog)
            Restore-HubEnvironment
        }

        It 'fails at once with HubCredentialMissing (AuthenticationError), naming the ways to give one' {
            $result.Terminated | Should -BeTrue
            $result.Output | Should -Not -Contain 'still running'
            @($result.Error).Count | Should -Be 1
            $err = $result.Error[0]
            $err.FullyQualifiedErrorId | Should -BeLike 'HubCredentialMissing,*'
            [Management.Automation.ErrorCategory]$err.ErrorCategory_Category | Should -Be 'AuthenticationError'
            $err.Exception.Message | Should -Match '-Credential'
            $err.Exception.Message | Should -Match 'DOCKER_HUB_USERNAME'
            $err.Exception.Message | Should -Match 'DOCKER_HUB_PASSWORD'
        }

        It 'sends nothing to Docker Hub' {
            $requests.Count | Should -Be 0
        }

        It 'does not start a prompt: nothing of the credential prompt is written' {
            # A host that cannot prompt must not be asked to (Connect-HubAccount: "a prompt, when the host
            # is interactive"); a runbook's output would otherwise show a prompt nobody can answer.
            "$($result.StdOut)" -match 'Docker Hub sign-in|user name and account password|User:' |
                Should -BeFalse -Because "stdout of the non-interactive process was: '$("$($result.StdOut)".Trim())'"
        }
    }

    It 'asks for no two-factor code either in a non-interactive process: HubTwoFactorCodeRequired, no prompt text' {
        $twoFactor = New-TestAccount -Prefix 'envnocode' -TotpSecret $script:Seed
        $env:DOCKER_HUB_USERNAME = $twoFactor.Username
        $env:DOCKER_HUB_PASSWORD = $twoFactor.Password
        Clear-HubRequestLog

        $result = Invoke-InFreshPwsh -TimeoutSeconds 60 -ArgumentList $script:Hub {
            param($Hub)
            Connect-HubAccount -HubUri $Hub
            'still running'
        }

        $result.Terminated | Should -BeTrue
        $result.Output | Should -Not -Contain 'still running'
        $result.Error[0].FullyQualifiedErrorId | Should -BeLike 'HubTwoFactorCodeRequired,*'
        $result.Error[0].Exception.Message | Should -Match '-TotpSecret'
        $result.StdOut | Should -Not -Match 'Enter the current code'
        Get-SignInPath | Should -Be @('/v2/users/login 401')
    }

    It 'fails with HubCredentialMissing when only <Only> is set' -ForEach @(
        @{ Only = 'DOCKER_HUB_USERNAME' }
        @{ Only = 'DOCKER_HUB_PASSWORD' }
    ) {
        Clear-HubEnvironment
        Clear-HubRequestLog

        $result = Invoke-InFreshPwsh -TimeoutSeconds 60 -ArgumentList $script:Hub, $Only, $account.Username, $account.Password {
            param($Hub, $Only, $User, $Password)
            if ($Only -eq 'DOCKER_HUB_USERNAME') { $env:DOCKER_HUB_USERNAME = $User } else { $env:DOCKER_HUB_PASSWORD = $Password }
            Connect-HubAccount -HubUri $Hub
        }

        $result.Terminated | Should -BeTrue
        $result.Error[0].FullyQualifiedErrorId | Should -BeLike 'HubCredentialMissing,*'
        $result.Error[0].Exception.Message | Should -Not -Match ([regex]::Escape($account.Password))
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'reports a wrong password from the environment as HubSignInFailed, without the password' {
        $env:DOCKER_HUB_USERNAME = $account.Username
        $env:DOCKER_HUB_PASSWORD = 'wrong-env-password'
        $err = Get-TerminatingError { Connect-HubAccount -HubUri $script:Hub }
        $err.FullyQualifiedErrorId | Should -BeLike 'HubSignInFailed,*'
        "$err" | Should -Not -Match 'wrong-env-password'
    }
}

Describe 'A host that can prompt' {
    # The other side of "prompt only when the host is interactive": a runspace whose host answers
    # prompts. The host records what it was asked, so the test sees whether a prompt happened.
    BeforeAll {
        Add-Type -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace DockerHubPatSignInTests
{
    public sealed class AnsweringHost : PSHost
    {
        private readonly AnsweringUI _ui;
        private readonly Guid _id = Guid.NewGuid();
        public AnsweringHost(PSCredential credential, string code) { _ui = new AnsweringUI(credential, code); }
        public List<string> Asked { get { return _ui.Asked; } }
        public override string Name { get { return "DockerHubPatAnsweringHost"; } }
        public override Version Version { get { return new Version(1, 0); } }
        public override Guid InstanceId { get { return _id; } }
        public override PSHostUserInterface UI { get { return _ui; } }
        public override CultureInfo CurrentCulture { get { return CultureInfo.CurrentCulture; } }
        public override CultureInfo CurrentUICulture { get { return CultureInfo.CurrentUICulture; } }
        public override void SetShouldExit(int exitCode) { }
        public override void EnterNestedPrompt() { throw new NotSupportedException(); }
        public override void ExitNestedPrompt() { throw new NotSupportedException(); }
        public override void NotifyBeginApplication() { }
        public override void NotifyEndApplication() { }
    }

    public sealed class AnsweringUI : PSHostUserInterface
    {
        private readonly PSCredential _credential;
        private readonly string _code;
        public readonly List<string> Asked = new List<string>();
        public AnsweringUI(PSCredential credential, string code) { _credential = credential; _code = code; }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName)
        {
            Asked.Add("credential:" + userName);
            return _credential;
        }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options)
        {
            return PromptForCredential(caption, message, userName, targetName);
        }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions)
        {
            var answers = new Dictionary<string, PSObject>();
            foreach (var field in descriptions)
            {
                Asked.Add("field:" + field.Name);
                var secure = new SecureString();
                foreach (var c in _code ?? "") { secure.AppendChar(c); }
                answers[field.Name] = PSObject.AsPSObject(secure);
            }
            return answers;
        }

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) { return defaultChoice; }
        public override PSHostRawUserInterface RawUI { get { return null; } }
        public override string ReadLine() { throw new NotSupportedException(); }
        public override SecureString ReadLineAsSecureString() { throw new NotSupportedException(); }
        public override void Write(string value) { }
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) { }
        public override void WriteLine(string value) { }
        public override void WriteErrorLine(string value) { }
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) { }
    }
}
'@

        function Invoke-WithAnsweringHost {
            # Runs Connect-HubAccount (with $Parameters) in a runspace of a host that answers prompts.
            param($PromptHost, [hashtable] $Parameters)
            $runspace = [runspacefactory]::CreateRunspace($PromptHost)
            $runspace.Open()
            $ps = [powershell]::Create()
            $ps.Runspace = $runspace
            try {
                $null = $ps.AddScript({
                        param($ModulePath, $Parameters)
                        Import-Module $ModulePath
                        Connect-HubAccount @Parameters -PassThru
                    }).AddArgument($env:DOCKERHUBPAT_TEST_MODULE).AddArgument($Parameters)
                $output = @($ps.Invoke())
                [pscustomobject]@{ Output = $output; Errors = @($ps.Streams.Error) }
            }
            finally {
                $ps.Dispose()
                $runspace.Dispose()
            }
        }

        $account = New-TestAccount -Prefix 'prompt'
        $totp = New-TestAccount -Prefix 'prompttotp' -TotpSecret $script:Seed
    }

    AfterEach {
        Restore-HubEnvironment
    }

    It 'asks for the credential when nothing else gives one, and signs in with the answer' {
        Clear-HubEnvironment
        $answering = [DockerHubPatSignInTests.AnsweringHost]::new($account.Credential, $null)
        Clear-HubRequestLog

        $run = Invoke-WithAnsweringHost $answering @{ HubUri = $script:Hub }

        $run.Errors | Should -BeNullOrEmpty
        $run.Output[0].Username | Should -Be $account.Username
        @($answering.Asked) | Should -Be @('credential:')
        Get-SignInPath | Should -Be @('/v2/users/login 200')
    }

    It 'offers DOCKER_HUB_USERNAME as the user name when only it is set' {
        Clear-HubEnvironment
        $env:DOCKER_HUB_USERNAME = $account.Username
        $answering = [DockerHubPatSignInTests.AnsweringHost]::new($account.Credential, $null)

        $run = Invoke-WithAnsweringHost $answering @{ HubUri = $script:Hub }

        $run.Output[0].Username | Should -Be $account.Username
        @($answering.Asked) | Should -Be @("credential:$($account.Username)")
    }

    It 'does not ask when the environment gives the credential' {
        $env:DOCKER_HUB_USERNAME = $account.Username
        $env:DOCKER_HUB_PASSWORD = $account.Password
        $answering = [DockerHubPatSignInTests.AnsweringHost]::new($null, $null)

        $run = Invoke-WithAnsweringHost $answering @{ HubUri = $script:Hub }

        $run.Errors | Should -BeNullOrEmpty
        $run.Output[0].Username | Should -Be $account.Username
        @($answering.Asked) | Should -BeNullOrEmpty
    }

    It 'does not ask for a code when -TotpSecret gives the seed' {
        $answering = [DockerHubPatSignInTests.AnsweringHost]::new($null, '000000')
        $run = Invoke-WithAnsweringHost $answering @{ HubUri = $script:Hub; Credential = $totp.Credential; TotpSecret = (ConvertTo-Secure $script:Seed) }
        $run.Errors | Should -BeNullOrEmpty
        $run.Output[0].Username | Should -Be $totp.Username
        @($answering.Asked) | Should -BeNullOrEmpty
    }

    It 'asks for the two-factor code when no seed or code is given, and sends the answer' {
        $code = (Invoke-Emulator -Path "/_emulator/accounts/$($totp.Username)/totp").code
        $answering = [DockerHubPatSignInTests.AnsweringHost]::new($null, $code)
        Clear-HubRequestLog

        $run = Invoke-WithAnsweringHost $answering @{ HubUri = $script:Hub; Credential = $totp.Credential }

        $run.Errors | Should -BeNullOrEmpty
        $run.Output[0].Username | Should -Be $totp.Username
        @($answering.Asked) | Should -Be @('field:Code')
        Get-SignInPath | Should -Be @('/v2/users/login 401', '/v2/users/2fa-login 200')
    }
}

Describe 'A wrong two-factor code at a real console (tmux)' {
    # A person at an interactive console types the user name and password once; a mistyped code is
    # asked for again (up to three codes), not the whole sign-in.
    BeforeAll {
        $found = Get-TestTmux
        $script:Tmux = $found.Path
        $script:SkipReason = $found.SkipReason

        function Get-TotpCode([string] $Seed, [long] $Step) {
            # RFC 6238 (SHA-1, 6 digits, 30 s), to find codes the emulator would accept.
            $alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
            $bits = -join ($Seed.ToUpperInvariant().TrimEnd('=').ToCharArray() | ForEach-Object { [Convert]::ToString($alphabet.IndexOf($_), 2).PadLeft(5, '0') })
            $key = [byte[]]@(for ($i = 0; $i + 8 -le $bits.Length; $i += 8) { [Convert]::ToByte($bits.Substring($i, 8), 2) })
            $counter = [BitConverter]::GetBytes($Step)
            if ([BitConverter]::IsLittleEndian) { [array]::Reverse($counter) }
            $hash = [Security.Cryptography.HMACSHA1]::new($key).ComputeHash($counter)
            $offset = $hash[-1] -band 0xf
            $value = (($hash[$offset] -band 0x7f) -shl 24) -bor ($hash[$offset + 1] -shl 16) -bor ($hash[$offset + 2] -shl 8) -bor $hash[$offset + 3]
            ($value % 1000000).ToString('000000')
        }

        function Get-WrongCode([string] $Seed) {
            # Not the code of any step the emulator accepts now or while the test types.
            $step = [long][Math]::Floor([DateTimeOffset]::UtcNow.ToUnixTimeSeconds() / 30)
            $accepted = @(-2..3 | ForEach-Object { Get-TotpCode $Seed ($step + $_) })
            @('000000', '111111', '222222', '333333', '444444', '555555', '666666', '777777') | Where-Object { $_ -notin $accepted } | Select-Object -First 1
        }

        function Start-SignInConsole($Account) {
            $module = $env:DOCKERHUBPAT_TEST_MODULE -replace "'", "''"
            $hub = $script:Hub -replace "'", "''"
            Start-TestConsole -Tmux $script:Tmux -Script @"
Import-Module '$module'
`$env:DOCKER_HUB_USERNAME = `$null
`$env:DOCKER_HUB_PASSWORD = `$null
'DHP-READY'
try {
    `$session = Connect-HubAccount -HubUri '$hub' -PassThru -ErrorAction Stop
    "DHP-RESULT signed in as `$(`$session.Username)"
}
catch { "DHP-RESULT `$(`$_.FullyQualifiedErrorId)" }
'DHP-DONE'
"@
        }

        function Enter-Credential($Console, $Account) {
            $null = Wait-ConsoleScreen $Console '*DHP-READY*'
            Clear-HubRequestLog
            $null = Wait-ConsoleScreen $Console '*User:*'
            Send-ConsoleText $Console $Account.Username
            $null = Wait-ConsoleScreen $Console '*Password for user*'
            Send-ConsoleText $Console $Account.Password
        }

        function Get-Count([string] $Text, [string] $Part) {
            ([regex]::Matches($Text, [regex]::Escape($Part))).Count
        }

        $script:Account = New-TestAccount -Prefix 'retrycode' -TotpSecret $script:Seed
    }

    BeforeEach {
        if ($SkipReason) { Set-ItResult -Skipped -Because $SkipReason }
    }

    It 'asks for the code again after a wrong one, and signs in with the right one; the credential is asked once' {
        $console = Start-SignInConsole $Account
        try {
            Enter-Credential $console $Account
            $null = Wait-ConsoleScreen $console '*Enter the current code of the authenticator*Code:*'
            $wrong = Get-WrongCode $script:Seed
            Send-ConsoleText $console $wrong
            $null = Wait-ConsoleScreen $console '*did not accept that code*try 2 of 3*Code:*'
            $right = (Invoke-Emulator -Path "/_emulator/accounts/$($Account.Username)/totp").code
            Send-ConsoleText $console $right
            $screen = Wait-ConsoleScreen $console '*DHP-DONE*'
        }
        finally { Stop-TestConsole $console }

        $screen | Should -BeLike "*DHP-RESULT signed in as $($Account.Username)*"
        Get-Count $screen 'Password for user' | Should -Be 1
        Get-Count $screen 'Code:' | Should -Be 2
        $screen | Should -Not -BeLike "*$wrong*" -Because 'codes are read masked'
        $screen | Should -Not -BeLike "*$right*" -Because 'codes are read masked'
        Get-SignInPath | Should -Be @('/v2/users/login 401', '/v2/users/2fa-login 401', '/v2/users/2fa-login 200')
    }

    It 'gives up after three wrong codes with HubSignInFailed, still without asking for the password again' {
        $console = Start-SignInConsole $Account
        try {
            Enter-Credential $console $Account
            $wrong = Get-WrongCode $script:Seed
            foreach ($try in 1..3) {
                $null = Wait-ConsoleScreen $console $(if ($try -eq 1) { '*Code:*' } else { "*try $try of 3*Code:*" })
                Send-ConsoleText $console $wrong
            }
            $screen = Wait-ConsoleScreen $console '*DHP-DONE*'
        }
        finally { Stop-TestConsole $console }

        $screen | Should -BeLike '*DHP-RESULT HubSignInFailed,*'
        Get-Count $screen 'Password for user' | Should -Be 1
        Get-Count $screen 'Code:' | Should -Be 3
        Get-SignInPath | Should -Be @('/v2/users/login 401', '/v2/users/2fa-login 401', '/v2/users/2fa-login 401', '/v2/users/2fa-login 401')
    }
}

Describe 'A wrong -OneTimePassword' {
    It 'fails at once with HubSignInFailed: a code given as a parameter is not asked for again' {
        $account = New-TestAccount -Prefix 'wrongotp' -OtpCode '246810'
        Clear-HubRequestLog
        $err = Get-TerminatingError { Connect-HubAccount -Credential $account.Credential -OneTimePassword '135791' -HubUri $script:Hub }
        $err.FullyQualifiedErrorId | Should -BeLike 'HubSignInFailed,*'
        Get-SignInPath | Should -Be @('/v2/users/login 401', '/v2/users/2fa-login 401')
    }
}

Describe 'A two-factor seed (-TotpSecret)' {
    BeforeAll {
        $totp = New-TestAccount -Prefix 'totpseed' -TotpSecret $script:Seed
        Add-TestToken -Username $totp.Username -Count 1 -LabelPrefix 'totp-' | Out-Null
        $plain = New-TestAccount -Prefix 'totpplain'
    }

    AfterEach {
        Restore-HubEnvironment
    }

    It 'signs in a TOTP account in a non-interactive process with no prompt' {
        Clear-HubRequestLog
        $result = Invoke-InFreshPwsh -TimeoutSeconds 90 -ArgumentList $script:Hub, $totp.Username, $totp.Password, $script:Seed {
            param($Hub, $User, $Password, $Seed)
            $credential = [pscredential]::new($User, (ConvertTo-SecureString $Password -AsPlainText -Force))
            $session = Connect-HubAccount -Credential $credential -TotpSecret (ConvertTo-SecureString $Seed -AsPlainText -Force) -HubUri $Hub -PassThru
            $session.Username
            $session.RenewsItself
            @(Get-HubAccessToken).Label
        }

        $result.Terminated | Should -BeFalse -Because "$($result.Error | Out-String)"
        $result.Output | Should -Be @($totp.Username, $true, 'totp-0001')
        # The password step asked for the second factor, and the computed code was accepted.
        Get-SignInPath | Should -Be @('/v2/users/login 401', '/v2/users/2fa-login 200')
    }

    It 'signs in fully unattended: environment credential plus -TotpSecret' {
        $env:DOCKER_HUB_USERNAME = $totp.Username
        $env:DOCKER_HUB_PASSWORD = $totp.Password
        $result = Invoke-InFreshPwsh -TimeoutSeconds 90 -ArgumentList $script:Hub, $script:Seed {
            param($Hub, $Seed)
            (Connect-HubAccount -HubUri $Hub -TotpSecret (ConvertTo-SecureString $Seed -AsPlainText -Force) -PassThru).Username
        }
        $result.Terminated | Should -BeFalse -Because "$($result.Error | Out-String)"
        $result.Output | Should -Be @($totp.Username)
    }

    It 'accepts the seed as authenticator apps show it: "<Form>"' -ForEach @(
        @{ Form = 'jbsw y3dp ehpk 3pxp' }
        @{ Form = 'JBSW Y3DP EHPK 3PXP' }
        @{ Form = 'jbswy3dpehpk3pxp' }
        @{ Form = 'JBSW-Y3DP-EHPK-3PXP' }
        @{ Form = 'JBSWY3DPEHPK3PXP====' }
    ) {
        Clear-HubRequestLog
        $session = Connect-HubAccount -Credential $totp.Credential -TotpSecret (ConvertTo-Secure $Form) -HubUri $script:Hub -PassThru
        $session.Username | Should -Be $totp.Username
        Get-SignInPath | Should -Be @('/v2/users/login 401', '/v2/users/2fa-login 200')
        @(Get-HubAccessToken -Session $session).Label | Should -Be @('totp-0001')
    }

    It 'refuses a seed that is not base32 ("<Seed>") with HubTotpSecretInvalid before any request' -ForEach @(
        @{ Seed = '0189' }
        @{ Seed = 'JBSWY3DPEHPK3PX1' }
        @{ Seed = 'not a seed!' }
        @{ Seed = '   ' }
        @{ Seed = '' }
    ) {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Connect-HubAccount -Credential $totp.Credential -TotpSecret (ConvertTo-Secure $Seed) -HubUri $script:Hub }
        $err.FullyQualifiedErrorId | Should -BeLike 'HubTotpSecretInvalid,*'
        $err.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err.Exception.Message | Should -Match 'base32'
        if ($Seed.Trim()) { "$err" | Should -Not -Match ([regex]::Escape($Seed)) }
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'refuses a bad seed before any request even for an account without 2FA' {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Connect-HubAccount -Credential $plain.Credential -TotpSecret (ConvertTo-Secure '0189') -HubUri $script:Hub }
        $err.FullyQualifiedErrorId | Should -BeLike 'HubTotpSecretInvalid,*'
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'fails with HubSignInFailed when the seed is valid base32 but not the account''s' {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Connect-HubAccount -Credential $totp.Credential -TotpSecret (ConvertTo-Secure 'GEZDGNBVGY3TQOJQ') -HubUri $script:Hub }
        $err.FullyQualifiedErrorId | Should -BeLike 'HubSignInFailed,*'
        Get-SignInPath | Should -Be @('/v2/users/login 401', '/v2/users/2fa-login 401')
    }

    It 'refuses -TotpSecret together with -OneTimePassword (HubTwoFactorParameterConflict) before any request' {
        Clear-HubRequestLog
        $err = Get-TerminatingError { Connect-HubAccount -Credential $totp.Credential -TotpSecret (ConvertTo-Secure $script:Seed) -OneTimePassword '123456' -HubUri $script:Hub }
        $err.FullyQualifiedErrorId | Should -BeLike 'HubTwoFactorParameterConflict,*'
        @(Get-HubRequestLog).Count | Should -Be 0
    }

    It 'is not used for an account without 2FA: the password alone signs in' {
        Clear-HubRequestLog
        $session = Connect-HubAccount -Credential $plain.Credential -TotpSecret (ConvertTo-Secure $script:Seed) -HubUri $script:Hub -PassThru
        $session.Username | Should -Be $plain.Username
        Get-SignInPath | Should -Be @('/v2/users/login 200')
    }

    It 'makes a session that renews itself, unlike one signed in with a typed code' {
        $withSeed = Connect-HubAccount -Credential $totp.Credential -TotpSecret (ConvertTo-Secure $script:Seed) -HubUri $script:Hub -PassThru
        $withSeed.RenewsItself | Should -BeTrue
        $code = (Invoke-Emulator -Path "/_emulator/accounts/$($totp.Username)/totp").code
        $typed = Connect-HubAccount -Credential $totp.Credential -OneTimePassword $code -HubUri $script:Hub -PassThru
        $typed.RenewsItself | Should -BeFalse
    }
}

Describe 'A TOTP session after its token expired' {
    BeforeAll {
        $account = New-TestAccount -Prefix 'totprenew' -TotpSecret $script:Seed
        Add-TestToken -Username $account.Username -Count 2 -LabelPrefix 'renew-' | Out-Null
    }

    BeforeEach {
        $savedLifetime = (Invoke-Emulator -Path '/_emulator/settings').jwt_lifetime_seconds
    }

    AfterEach {
        # The emulator is shared by every test file: always put the lifetime back.
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body @{ jwt_lifetime_seconds = $savedLifetime } | Out-Null
    }

    It 'signs in again by itself, computing a new code, and the token cmdlets keep working' {
        Invoke-Emulator -Method Post -Path '/_emulator/settings' -Body @{ jwt_lifetime_seconds = 3 } | Out-Null
        $session = Connect-HubAccount -Credential $account.Credential -TotpSecret (ConvertTo-Secure $script:Seed) -HubUri $script:Hub -PassThru
        $firstExpiry = $session.ExpiresAt
        $firstExpiry | Should -BeLessOrEqual (Get-Date).AddSeconds(4)

        Start-Sleep -Seconds 4
        $firstExpiry | Should -BeLessThan (Get-Date) -Because 'the session token has expired by now'
        Clear-HubRequestLog

        $labels = @(Get-HubAccessToken -Session $session -ErrorAction Stop).Label

        $labels | Sort-Object | Should -Be @('renew-0001', 'renew-0002')
        $log = @(Get-HubRequestLog)
        @($log | Where-Object path -Like '/v2/users/*' | ForEach-Object { "$($_.path) $($_.status)" }) |
            Should -Be @('/v2/users/login 401', '/v2/users/2fa-login 200')
        $log[-1].path | Should -Be '/v2/access-tokens'
        $log[-1].status | Should -Be 200
        $session.ExpiresAt | Should -BeGreaterThan $firstExpiry
    }

    It 'finds the emulator''s JWT lifetime put back by the test above' {
        # The BeforeEach of this test read the setting after the AfterEach of the test above ran.
        $savedLifetime | Should -BeGreaterThan 3
    }
}
