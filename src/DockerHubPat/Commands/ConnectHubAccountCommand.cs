using System;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>
    /// Signs in to Docker Hub with the account password (and 2FA) and keeps the session in memory.
    /// The credential comes from -Credential, a vault, the environment, or a prompt, in that order.
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "HubAccount", DefaultParameterSetName = CredentialSet)]
    [OutputType(typeof(HubSession))]
    public sealed class ConnectHubAccountCommand : HubCmdlet
    {
        private const string CredentialSet = "Credential";
        private const string VaultSet = "Vault";
        private const string PatPrefix = "dckr_pat_";
        private const string UsernameVariable = "DOCKER_HUB_USERNAME";
        private const string PasswordVariable = "DOCKER_HUB_PASSWORD";

        /// <summary>The Docker Hub user name and account password.</summary>
        [Parameter(ParameterSetName = CredentialSet, Position = 0)]
        [Credential]
        [ValidateNotNull]
        public PSCredential? Credential { get; set; }

        /// <summary>The name of a SecretManagement secret holding the credential (a PSCredential).</summary>
        [Parameter(ParameterSetName = VaultSet, Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string? CredentialSecretName { get; set; }

        /// <summary>The vault of -CredentialSecretName and -TotpSecretName; all vaults are searched when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VaultCompleter))]
        public string? Vault { get; set; }

        /// <summary>The current code of the account's two-factor authenticator.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OneTimePassword { get; set; }

        /// <summary>The account's two-factor seed (base32), to compute codes without a human.</summary>
        [Parameter]
        [ValidateNotNull]
        public SecureString? TotpSecret { get; set; }

        /// <summary>The name of a SecretManagement secret holding the two-factor seed.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? TotpSecretName { get; set; }

        /// <summary>The Docker Hub site.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri HubUri { get; set; } = Input.DefaultHubUri;

        /// <summary>A proxy server for every request of the session, instead of .NET's default (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri? Proxy { get; set; }

        /// <summary>The proxy's user name and password.</summary>
        [Parameter]
        [Credential]
        [ValidateNotNull]
        public PSCredential? ProxyCredential { get; set; }

        /// <summary>Signs in to the proxy as the current user (Windows sign-in, Kerberos or NTLM).</summary>
        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>Outputs the session.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>How often a request that got no answer, a 5xx or a 408 is retried.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaximumRetryCount { get; set; } = RetryPolicy.DefaultMaximumRetryCount;

        /// <summary>Seconds one attempt of a request may take.</summary>
        [Parameter]
        [ValidateRange(1, 600)]
        public int TimeoutSec { get; set; } = RetryPolicy.DefaultTimeoutSec;

        /// <summary>Seconds one request may wait in total for Docker Hub's rate limit before it fails.</summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public int MaximumRateLimitWaitSec { get; set; } = RetryPolicy.DefaultMaximumRateLimitWaitSec;

        /// <inheritdoc />
        protected override void Process()
        {
            var hubUri = CheckInput();
            var proxy = CheckProxy();
            var credential = ResolveCredential();
            var totp = ResolveTotp();
            var username = (credential.UserName ?? "").TrimStart('\\');
            if (string.IsNullOrWhiteSpace(username))
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubUsernameMissing, "The credential has no user name; give the Docker Hub user name.", null));
            }

            if (credential.Password.Length == 0)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubPasswordMissing,
                    $"The credential for '{username}' has an empty password; give the Docker Hub account password.", username));
            }

            var password = credential.GetNetworkCredential().Password;
            var client = new HubClient(hubUri, new RetryPolicy
            {
                MaximumRetryCount = MaximumRetryCount,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                MaximumRateLimitWait = TimeSpan.FromSeconds(MaximumRateLimitWaitSec),
            }, proxy);
            WriteVerbose($"Signing in to {hubUri.Host} as {username}{(proxy is null ? "" : $" through the proxy {proxy}")}.");
            var (jwt, usedTwoFactor) = SignIn(client, username, password, totp);
            WarnOfTokenSession(password, jwt);

            // The password is kept (as a SecureString) only when signing in again needs no human:
            // a code typed once cannot be typed again by a runbook, a TOTP seed can make a new one.
            var renewable = !usedTwoFactor || totp != null;
            var session = new HubSession(username, hubUri, jwt, client,
                renewable ? credential.Password.Copy() : null,
                totp is null ? null : (Func<string?>)totp.Code);
            RunspaceSession.Set(SessionState.PSVariable, session);
            WriteVerbose(session.ExpiresAt is DateTime ends
                ? $"Signed in to {hubUri.Host} as {username}; the session token ends at {ends:g}{(renewable ? " and is renewed automatically" : "")}."
                : $"Signed in to {hubUri.Host} as {username}.");

            if (PassThru)
            {
                WriteObject(session);
            }
        }

        private Uri CheckInput()
        {
            var twoFactorSources = (OneTimePassword is null ? 0 : 1) + (TotpSecret is null ? 0 : 1) + (TotpSecretName is null ? 0 : 1);
            if (twoFactorSources > 1)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubTwoFactorParameterConflict,
                    "Give only one of -OneTimePassword, -TotpSecret and -TotpSecretName.", null));
            }

            try
            {
                return Input.CheckHubUri(HubUri);
            }
            catch (ArgumentException ex)
            {
                // The address as given may carry a password; the error keeps only what may be shown.
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubUriInvalid, ex.Message, Input.Shown(HubUri)));
            }
        }

        // Invoke-RestMethod's rules: a proxy credential needs a proxy, and one kind of credential only.
        private HubProxy? CheckProxy()
        {
            if (ProxyCredential != null && ProxyUseDefaultCredentials)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubProxyParameterConflict,
                    "Give either -ProxyCredential or -ProxyUseDefaultCredentials, not both.", null));
            }

            if (Proxy is null)
            {
                return (ProxyCredential != null || ProxyUseDefaultCredentials)
                    ? throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubProxyParameterConflict,
                        "-ProxyCredential and -ProxyUseDefaultCredentials need -Proxy, the proxy they sign in to.", null))
                    : null;
            }

            try
            {
                return new HubProxy(Input.CheckProxyUri(Proxy), ProxyCredential?.GetNetworkCredential(), ProxyUseDefaultCredentials);
            }
            catch (ArgumentException ex)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubProxyInvalid, ex.Message, null));
            }
        }

        private PSCredential ResolveCredential()
        {
            // [pscredential]::Empty is PowerShell's "no credential", as functions pass it on by default.
            if (Credential != null && Credential != PSCredential.Empty)
            {
                return Credential;
            }

            if (CredentialSecretName != null)
            {
                var secret = ReadSecret(CredentialSecretName);
                if (secret is PSCredential stored)
                {
                    return stored;
                }

                throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubCredentialSecretInvalid,
                    $"The secret '{CredentialSecretName}' is a {secret.GetType().Name}, not a PSCredential. Store the Docker Hub user name and password as one: " +
                    "Set-Secret -Name <name> -Secret (Get-Credential).", CredentialSecretName));
            }

            var user = Environment.GetEnvironmentVariable(UsernameVariable);
            var fromEnvironment = Environment.GetEnvironmentVariable(PasswordVariable);
            if (!string.IsNullOrEmpty(user) && !string.IsNullOrEmpty(fromEnvironment))
            {
                WriteVerbose($"Using the credential in ${UsernameVariable} and ${PasswordVariable}.");
                return new PSCredential(user, SecureText.From(fromEnvironment!));
            }

            var asked = Ask(() => Host.UI.PromptForCredential("Docker Hub sign-in",
                "Enter the Docker Hub user name and account password (not an access token).", user ?? "", ""));
            if (asked != null)
            {
                return asked;
            }

            throw Terminate(HubErrors.Create(ErrorIds.HubCredentialMissing, ErrorCategory.AuthenticationError,
                $"No Docker Hub credential was given. Pass -Credential or -CredentialSecretName, or set the environment variables {UsernameVariable} and {PasswordVariable}.", null));
        }

        private TotpGenerator? ResolveTotp()
        {
            SecureString? seed = TotpSecret;
            if (TotpSecretName != null)
            {
                seed = ReadSecret(TotpSecretName) switch
                {
                    SecureString secure => secure,
                    string text => SecureText.From(text),
                    _ => null,
                };
                if (seed is null)
                {
                    throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubTotpSecretInvalid,
                        $"The secret '{TotpSecretName}' must be a string or SecureString holding the base32 two-factor seed.", TotpSecretName));
                }
            }

            if (seed is null)
            {
                return null;
            }

            try
            {
                return new TotpGenerator(seed);
            }
            catch (FormatException ex)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.HubTotpSecretInvalid, ex.Message, null));
            }
        }

        private object ReadSecret(string name)
        {
            try
            {
                return new SecretVault(this).Read(name, Vault);
            }
            catch (SecretVaultException ex)
            {
                throw Terminate(HubErrors.FromVault(ex, name));
            }
        }

        // The code comes from -OneTimePassword, the seed, or a prompt, which must run on the pipeline thread.
        private (string Jwt, bool UsedTwoFactor) SignIn(HubClient client, string username, string password, TotpGenerator? totp)
        {
            try
            {
                // -OneTimePassword and a seed give one code; a refused one fails as before. A person is asked again.
                return Wait(cancel => client.SignInAsync(username, password,
                    (attempt, _) => OneTimePassword != null || totp != null
                        ? Task.FromResult<string?>(attempt > 1 ? null : OneTimePassword ?? totp!.Code())
                        : OnPipelineThread(() => AskForCode(username, attempt)),
                    cancel));
            }
            catch (HubException ex)
            {
                client.CloseConnections();
                throw Terminate(ex.Failure == HubFailure.Unauthorized
                    ? new ErrorRecord(ex, ErrorIds.HubSignInFailed, ErrorCategory.AuthenticationError, username)
                    : HubErrors.FromHub(ex, username));
            }
        }

        // Hub marks a session made from a token in its JWT; the prefix catches it even where it does not.
        private void WarnOfTokenSession(string password, string jwt)
        {
            if (password.StartsWith(PatPrefix, StringComparison.Ordinal) || Jwt.IsFromAccessToken(jwt))
            {
                WriteWarning("This session was signed in with a personal access token, not the account password. Docker Hub refuses " +
                    "token management to such sessions (403), so New-/Get-/Rename-/Enable-/Disable-/Remove-HubAccessToken " +
                    "will fail. Sign in with the account password (and -OneTimePassword when 2FA is on) instead.");
            }
        }

        // Read like a password so the code is neither echoed nor written to a transcript.
        private string? AskForCode(string username, int attempt)
        {
            var field = new FieldDescription("Code") { Label = "Code" };
            field.SetParameterType(typeof(SecureString));
            var message = attempt == 1
                ? $"Enter the current code of the authenticator for Docker Hub account '{username}'."
                : $"Docker Hub did not accept that code. Enter the current code of the authenticator for '{username}' (try {attempt} of {HubClient.MaximumCodeTries}).";
            var answers = Ask(() => Host.UI.Prompt("Two-factor authentication", message, new Collection<FieldDescription> { field }));
            return answers != null && answers.TryGetValue("Code", out var value) && value?.BaseObject is SecureString secure
                ? SecureText.Read(secure)
                : null;
        }

        // A host that cannot prompt (-NonInteractive, a runbook host) throws; that means "no answer".
        // The console host prints a credential prompt's caption before it throws, so in a console
        // started with -NonInteractive the prompt is not even begun.
        private T? Ask<T>(Func<T> prompt) where T : class
        {
            if (!InteractiveHost.CanPrompt(Host))
            {
                return null;
            }

            try
            {
                return prompt();
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException
                || ex is NotImplementedException || ex is NotSupportedException || ex is NullReferenceException)
            {
                return null;
            }
        }
    }
}
