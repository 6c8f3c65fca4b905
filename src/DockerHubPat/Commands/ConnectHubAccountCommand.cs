using System;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Net;
using System.Security;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>Signs in to Docker Hub with the account password (and 2FA code) and keeps the session in memory.</summary>
    [Cmdlet(VerbsCommunications.Connect, "HubAccount")]
    [OutputType(typeof(HubSession))]
    public sealed class ConnectHubAccountCommand : HubCmdlet
    {
        private const string PatPrefix = "dckr_pat_";

        /// <summary>The Docker Hub user name and account password.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Credential]
        [ValidateNotNull]
        public PSCredential Credential { get; set; } = PSCredential.Empty;

        /// <summary>The current code of the account's two-factor authenticator.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? OneTimePassword { get; set; }

        /// <summary>The Docker Hub site.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri HubUri { get; set; } = Input.DefaultHubUri;

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
        protected override void ProcessRecord()
        {
            Uri hubUri;
            try
            {
                hubUri = Input.CheckHubUri(HubUri);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(HubErrors.InvalidArgument(HubErrors.InvalidHubUri, ex.Message, HubUri));
                return;
            }

            var username = Credential.UserName.TrimStart('\\');
            if (string.IsNullOrWhiteSpace(username))
            {
                ThrowTerminatingError(HubErrors.InvalidArgument("HubUsernameMissing", "The credential has no user name; give the Docker Hub user name.", null));
            }

            var password = Credential.GetNetworkCredential().Password;
            if (password.StartsWith(PatPrefix, StringComparison.Ordinal))
            {
                WriteWarning("The password looks like a personal access token. Docker Hub refuses token management " +
                    "to sessions signed in with a token (403), so New-/Get-/Rename-/Enable-/Disable-/Remove-HubAccessToken " +
                    "will fail. Sign in with the account password (and -OneTimePassword when 2FA is on) instead.");
            }

            var client = new HubClient(hubUri, new RetryPolicy
            {
                MaximumRetryCount = MaximumRetryCount,
                Timeout = TimeSpan.FromSeconds(TimeoutSec),
                MaximumRateLimitWait = TimeSpan.FromSeconds(MaximumRateLimitWaitSec),
            });
            WriteVerbose($"Signing in to {hubUri.Host} as {username}.");
            var jwt = SignIn(client, username, password, out var usedTwoFactor);

            // Keep the password (encrypted in memory where the platform allows) only when signing in
            // again needs no human: a 2FA code typed once cannot be typed again by a runbook.
            var session = new HubSession(username, hubUri, jwt, client,
                usedTwoFactor ? null : Credential.Password.Copy(), null);
            HubSession.Current = session;
            WriteVerbose(session.ExpiresAt is DateTime ends
                ? $"Signed in to {hubUri.Host} as {username}; the session ends at {ends:g}."
                : $"Signed in to {hubUri.Host} as {username}.");

            if (PassThru)
            {
                WriteObject(session);
            }
        }

        private string SignIn(HubClient client, string username, string password, out bool usedTwoFactor)
        {
            usedTwoFactor = false;
            try
            {
                var answer = Wait(cancel => client.SignInAsync(username, password, cancel));
                if (answer.Jwt != null)
                {
                    return answer.Jwt;
                }

                usedTwoFactor = true;
                var code = OneTimePassword ?? AskForCode(username);
                if (string.IsNullOrWhiteSpace(code))
                {
                    ThrowTerminatingError(HubErrors.Create(HubErrors.TwoFactorCodeRequired, ErrorCategory.AuthenticationError,
                        $"The Docker Hub account '{username}' has two-factor authentication. Pass the authenticator's current code with -OneTimePassword.",
                        username));
                }

                WriteVerbose("Sending the two-factor code.");
                return Wait(cancel => client.SignInTwoFactorAsync(answer.TwoFactorToken!, code!.Trim(), cancel));
            }
            catch (HubException ex) when (ex.Failure == HubFailure.Unauthorized)
            {
                ThrowTerminatingError(new ErrorRecord(ex, HubErrors.SignInFailed, ErrorCategory.AuthenticationError, username));
                throw; // not reached
            }
            catch (HubException ex)
            {
                ThrowTerminatingError(HubErrors.FromHub(ex, username));
                throw; // not reached
            }
        }

        // Read like a password so the code is neither echoed nor written to a transcript.
        // A host that cannot prompt (-NonInteractive, a runbook host) throws; that means "no code".
        private string? AskForCode(string username)
        {
            var field = new FieldDescription("Code") { Label = "Code" };
            field.SetParameterType(typeof(SecureString));
            try
            {
                var answers = Host.UI.Prompt("Two-factor authentication",
                    $"Enter the current code of the authenticator for Docker Hub account '{username}'.",
                    new Collection<FieldDescription> { field });
                return answers != null && answers.TryGetValue("Code", out var value) && value?.BaseObject is SecureString secure
                    ? new NetworkCredential("", secure).Password
                    : null;
            }
            catch (Exception ex) when (ex is PSInvalidOperationException || ex is HostException
                || ex is NotImplementedException || ex is NotSupportedException || ex is NullReferenceException)
            {
                return null;
            }
        }
    }
}
