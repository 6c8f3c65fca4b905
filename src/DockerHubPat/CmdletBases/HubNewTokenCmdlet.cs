using System;
using System.Collections;
using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>
    /// What New-HubAccessToken and New-HubOrgAccessToken share: the expiry, and the vault that
    /// takes the secret Hub shows only once. Everything that can be checked is checked before the
    /// token exists, and once it exists its secret is never lost.
    /// </summary>
    public abstract class HubNewTokenCmdlet : HubTokenCmdlet
    {
        /// <summary>When the token stops working; must be in the future.</summary>
        [Parameter]
        public DateTime ExpiresAt { get; set; }

        /// <summary>How long the token works from now.</summary>
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

        // Added to every reason the vault cannot take the secret, before any token exists.
        private const string NoVaultAdvice =
            "No token was created. Choose another vault with -Vault, or pass -NoVault to keep the secret only on the output object.";

        private SecretVault? _secrets;
        private string? _vault;

        /// <summary>Whether Hub lets the token live at most a year.</summary>
        internal virtual bool LivesAtMostAYear => false;

        /// <inheritdoc />
        protected override void Begin()
        {
            CheckExpiry();
            base.Begin();
            if (NoVault)
            {
                if (IsBound(nameof(Vault)) || IsBound(nameof(SecretName)))
                {
                    throw Terminate(HubErrors.InvalidArgument(ErrorIds.SecretNoVaultConflict,
                        "-NoVault cannot be combined with -Vault or -SecretName.", null));
                }

                return;
            }

            // Before any token exists: a vault that is missing must stop us, and a locked one must be
            // unlocked (its own prompt, where the host can show one) or stop us, not strand a secret.
            try
            {
                _secrets = new SecretVault(Host);
                _vault = _secrets.Resolve(Vault);
                WriteVerbose($"New token secrets go to the SecretManagement vault '{_vault}'.");
            }
            catch (SecretVaultException ex)
            {
                throw Terminate(HubErrors.FromVault(ex, Vault, NoVaultAdvice));
            }
        }

        /// <summary>
        /// Whether the token may be created: the secret's name is free in the vault (else an error
        /// is written), and the user confirms <paramref name="token"/> ("access token 'ci' with …").
        /// </summary>
        internal bool ConfirmCreate(string token, string label, string secretName, DateTime? expiresAtUtc)
        {
            if (_secrets != null && !Force && SecretExists(secretName))
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                    $"The vault '{_vault}' already has a secret named '{secretName}', so no token was created for '{label}'. " +
                    "Pass -Force to overwrite it, or -SecretName to choose another name."),
                    ErrorIds.SecretNameExists, ErrorCategory.ResourceExists, secretName));
                return false;
            }

            var target = token + ", "
                + (expiresAtUtc is DateTime e ? $"expiring {e.ToLocalTime():g}" : "never expiring")
                + (_vault is null ? "" : $", secret saved as '{secretName}' in vault '{_vault}'");
            return ShouldProcess(target, "Create");
        }

        /// <summary>
        /// Writes the new token, after saving its secret in the vault. The token now exists on Hub
        /// and this is the only moment its secret is known: whatever the vault does, the secret stays
        /// reachable on the output object and on the error's TargetObject.
        /// </summary>
        /// <param name="credential">What the vault keeps; its user name is the output object's <paramref name="userProperty"/>.</param>
        /// <param name="metadata">What the vault keeps beside the secret; TokenId, Label, HubUri, CreatedAt and ExpiresAt are added.</param>
        /// <param name="saved">Records the vault and secret name on the token.</param>
        /// <param name="removeCommand">The command that removes the token, for the error when the vault fails.</param>
        internal void WriteCreated(IHubToken token, object output, PSCredential credential, string userProperty, Hashtable metadata, string secretName,
            Action<string, string> saved, string removeCommand)
        {
            TokensChanged();
            // Output first: even if the vault fails and -ErrorAction Stop ends the command at the
            // error, the token with its secret has already gone down the pipeline.
            var notSaved = _secrets is null ? null : SaveSecret(token, output, credential, userProperty, metadata, secretName, saved, removeCommand);
            WriteObject(output);
            if (notSaved != null)
            {
                WriteError(notSaved);
            }
        }

        private ErrorRecord? SaveSecret(IHubToken token, object output, PSCredential credential, string userProperty, Hashtable metadata, string secretName,
            Action<string, string> saved, string removeCommand)
        {
            metadata[SecretVault.TokenIdKey] = token.Id.ToString("D");
            metadata["Label"] = token.Label;
            metadata["HubUri"] = ActiveSession.HubUri.ToString();
            if (token.CreatedAt is DateTime created)
            {
                metadata["CreatedAt"] = created;
            }

            if (token.ExpiresAt is DateTime expires)
            {
                metadata["ExpiresAt"] = expires;
            }

            try
            {
                if (!_secrets!.Save(_vault!, secretName, credential, metadata, Force))
                {
                    WriteWarning($"The vault '{_vault}' does not store metadata, so '{secretName}' was saved without it; " +
                        "Remove-HubAccessToken -RemoveSecret will not find it by token id.");
                }

                saved(_vault!, secretName);
                WriteVerbose($"Saved the secret of {output} as '{secretName}' in vault '{_vault}'.");
                return null;
            }
            catch (SecretVaultException ex)
            {
                var message =
                    $"Access token {output} was created on Docker Hub, but its secret could not be saved in vault '{_vault}': {ex.Message} " +
                    "The secret is only on this command's output object and on this error's TargetObject. Save it now with: " +
                    $"$t = $Error[0].TargetObject; Set-Secret -Name '{secretName.Replace("'", "''")}' -Vault '{_vault!.Replace("'", "''")}' " +
                    $"-Secret ([pscredential]::new($t.{userProperty}, $t.Secret)) - or remove the token with {removeCommand}.";
                return new ErrorRecord(new InvalidOperationException(message, ex), ErrorIds.SecretNotSaved, ErrorCategory.WriteError, output);
            }
        }

        private bool SecretExists(string secretName)
        {
            try
            {
                return _secrets!.Contains(_vault!, secretName);
            }
            catch (SecretVaultException ex)
            {
                throw Terminate(HubErrors.FromVault(ex, _vault));
            }
        }

        private void CheckExpiry()
        {
            if (IsBound(nameof(ExpiresAt)) && IsBound(nameof(ExpiresIn)))
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenExpiryInvalid,
                    "Give either -ExpiresAt or -ExpiresIn, not both.", null));
            }

            if (IsBound(nameof(ExpiresIn)) && ExpiresIn <= TimeSpan.Zero)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenExpiryInvalid,
                    $"-ExpiresIn must be a positive time span; '{ExpiresIn}' is not.", ExpiresIn));
            }

            if (IsBound(nameof(ExpiresAt)) && ToUtc(ExpiresAt) <= DateTime.UtcNow)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenExpiryInvalid,
                    $"-ExpiresAt {ExpiresAt:g} is not in the future.", ExpiresAt));
            }

            if (LivesAtMostAYear && ExpiryUtc() is DateTime at && at > DateTime.UtcNow.AddYears(1))
            {
                var given = IsBound(nameof(ExpiresIn)) ? $"-ExpiresIn {ExpiresIn}" : $"-ExpiresAt {ExpiresAt:g}";
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenExpiryInvalid,
                    $"{given} is more than one year ahead; Docker Hub lets this kind of token live at most a year. " +
                    "Leave out -ExpiresAt and -ExpiresIn for a token that never expires.", IsBound(nameof(ExpiresIn)) ? (object)ExpiresIn : ExpiresAt));
            }
        }

        /// <summary>The expiry the user asked for, in UTC; null for a token that never expires.</summary>
        internal DateTime? ExpiryUtc()
        {
            if (IsBound(nameof(ExpiresIn)))
            {
                return DateTime.UtcNow + ExpiresIn;
            }

            return IsBound(nameof(ExpiresAt)) ? ToUtc(ExpiresAt) : (DateTime?)null;
        }

        // A date typed at the prompt ('2027-01-31') has no kind; PowerShell users mean local time.
        private static DateTime ToUtc(DateTime value) =>
            value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Local).ToUniversalTime();
    }
}
