using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>
    /// What New-HubAccessToken and New-HubOrgAccessToken share: the expiry, and the vault that
    /// takes the secret Hub shows only once. Everything that can be checked is checked before the
    /// token exists, and once it exists its secret is never lost.
    /// </summary>
    public abstract class HubNewTokenCmdlet : HubTokenCmdlet
    {
        /// <summary>When the token stops working; at least 5 minutes ahead.</summary>
        [Parameter]
        public DateTime ExpiresAt { get; set; }

        /// <summary>How long the token works from now; at least 5 minutes.</summary>
        [Parameter]
        public TimeSpan ExpiresIn { get; set; }

        /// <summary>The SecretManagement vault for the secret; the default vault when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VaultCompleter))]
        public string? Vault { get; set; }

        /// <summary>The secret's name in the vault; a name built from the owner and the label when omitted.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? SecretName { get; set; }

        /// <summary>Overwrites a secret of the same name in the vault.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Keeps the secret only on the output object; no vault is used.</summary>
        [Parameter]
        public SwitchParameter NoVault { get; set; }

        private TokenSecrets? _secrets;

        /// <summary>Whether Hub lets the token live at most a year.</summary>
        internal virtual bool LivesAtMostAYear => false;

        /// <inheritdoc />
        protected override void Begin()
        {
            CheckExpiry();
            base.Begin();

            // Before any token exists: a vault that is missing must stop us, and a locked one must be
            // unlocked (its own prompt, where the host can show one) or stop us, not strand a secret.
            _secrets = TokenSecrets.Open(this, Vault, NoVault);
        }

        /// <summary>
        /// Whether the token may be created: the secret's name is free in the vault (else an error
        /// is written), and the user confirms <paramref name="token"/> ("access token 'ci' with …").
        /// </summary>
        internal bool ConfirmCreate(string token, string label, string secretName, DateTime? expiresAtUtc)
        {
            if (_secrets != null && !Force && _secrets.Contains(_secrets.Vault, secretName))
            {
                WriteError(TokenSecrets.NameTaken(_secrets.Vault, secretName, $"no token was created for '{label}'"));
                return false;
            }

            var target = token + ", "
                + (expiresAtUtc is DateTime e ? $"expiring {e.ToLocalTime():g}" : "never expiring")
                + (_secrets is null ? "" : $", secret saved as '{secretName}' in vault '{_secrets.Vault}'");
            return ShouldProcess(target, "Create");
        }

        /// <summary>
        /// Sends the create for <paramref name="label"/>. Ctrl+C cannot take back a request Hub may
        /// already be working on, so stopping here warns with the command that looks for the token.
        /// </summary>
        internal bool TryCreate<T>(string label, string? organization, Func<AccessTokens, CancellationToken, Task<T>> call, out T created)
        {
            try
            {
                return TryCall(label, call, out created);
            }
            catch (PipelineStoppedException)
            {
                var warning = $"Stopped while Docker Hub was creating the token '{label}': it may have been created, with a secret nobody has. " +
                    $"Look with: {HubErrors.LookFor(organization, label)}, and remove what it finds.";

                // A stopping pipeline takes no more records, but the host still shows a warning.
                if (Stopping)
                {
                    Host.UI.WriteWarningLine(warning);
                }
                else
                {
                    WriteWarning(warning);
                }

                throw;
            }
        }

        /// <summary>
        /// Writes the new token, after saving its secret in the vault. The token now exists on Hub
        /// and this is the only moment its secret is known: whatever the vault does, the secret stays
        /// reachable on the output object and on the error's TargetObject.
        /// </summary>
        /// <param name="removeCommand">The command that removes the token, for the error when the vault fails.</param>
        internal void WriteCreated(IHubToken token, string secretName, string removeCommand)
        {
            TokensChanged();
            // Output first: even if the vault fails and -ErrorAction Stop ends the command at the
            // error, the token with its secret has already gone down the pipeline.
            var notSaved = _secrets?.Save(token, _secrets.Vault, secretName, Force,
                $"Access token {token} was created on Docker Hub", $"or remove the token with {removeCommand}.");
            WriteObject(token);
            if (notSaved != null)
            {
                WriteError(notSaved);
            }
        }

        private void CheckExpiry() => ExpiryInput.Check(this, ExpiresAt, ExpiresIn, LivesAtMostAYear);

        /// <summary>
        /// The expiry the user asked for, in UTC; null for a token that never expires. Checked again
        /// for each token, as -ExpiresIn counts from the moment the token is sent.
        /// </summary>
        internal DateTime? ExpiryUtc() => ExpiryInput.Given(this, ExpiresAt, ExpiresIn, LivesAtMostAYear);
    }
}
