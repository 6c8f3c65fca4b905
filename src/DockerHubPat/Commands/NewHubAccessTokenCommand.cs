using System;
using System.Collections;
using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>
    /// Creates an access token and saves its secret, which Hub shows only once, into a
    /// SecretManagement vault. Everything that can be checked is checked before the token exists.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class NewHubAccessTokenCommand : HubTokenCmdlet
    {
        /// <summary>The new token's label (1–100 characters).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateTokenLabel]
        public string Label { get; set; } = "";

        /// <summary>The token's scopes. Default repo:public_read, the least privilege.</summary>
        [Parameter]
        [ValidateScope]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[] Scope { get; set; } = { AccessTokenScopes.LeastPrivilege };

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

        /// <summary>The secret's name in the vault; default DockerHub-&lt;username&gt;-&lt;label&gt;.</summary>
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

        /// <inheritdoc />
        protected override void Process()
        {
            var session = ActiveSession;
            var scopes = AccessTokenScopes.Normalize(Scope);
            var expiresAtUtc = ExpiryUtc();
            var secretName = SecretName ?? SecretVault.DefaultSecretName(session.Username, Label);
            if (_secrets != null && !Force && SecretExists(secretName))
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                    $"The vault '{_vault}' already has a secret named '{secretName}', so no token was created for '{Label}'. " +
                    "Pass -Force to overwrite it, or -SecretName to choose another name."),
                    ErrorIds.SecretNameExists, ErrorCategory.ResourceExists, secretName));
                return;
            }

            var target = $"access token '{Label}' with scope {string.Join(", ", scopes)}, "
                + (expiresAtUtc is DateTime e ? $"expiring {e.ToLocalTime():g}" : "never expiring")
                + (_vault is null ? "" : $", secret saved as '{secretName}' in vault '{_vault}'");
            if (!ShouldProcess(target, "Create"))
            {
                return;
            }

            if (!TryCall(Label, (tokens, cancel) => tokens.CreateAsync(Label, scopes, expiresAtUtc, cancel), out var created))
            {
                return;
            }

            TokensChanged();
            // Output first: even if the vault fails and -ErrorAction Stop ends the command at the
            // error, the token with its secret has already gone down the pipeline.
            var notSaved = _secrets is null ? null : SaveSecret(created, secretName);
            WriteObject(created);
            if (notSaved != null)
            {
                WriteError(notSaved);
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

        // The token now exists on Hub and this is the only moment its secret is known: whatever the
        // vault does, the secret stays reachable on the output object and on the error's TargetObject.
        private ErrorRecord? SaveSecret(HubAccessToken token, string secretName)
        {
            var metadata = new Hashtable
            {
                [SecretVault.TokenIdKey] = token.Id.ToString("D"),
                ["Label"] = token.Label,
                ["Scopes"] = string.Join(",", token.Scopes),
                ["HubUri"] = ActiveSession.HubUri.ToString(),
                ["Username"] = token.Username,
            };
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
                var credential = new PSCredential(token.Username, token.Secret);
                if (!_secrets!.Save(_vault!, secretName, credential, metadata, Force))
                {
                    WriteWarning($"The vault '{_vault}' does not store metadata, so '{secretName}' was saved without it; " +
                        "Remove-HubAccessToken -RemoveSecret will not find it by token id.");
                }

                token.Vault = _vault;
                token.SecretName = secretName;
                WriteVerbose($"Saved the secret of {token} as '{secretName}' in vault '{_vault}'.");
                return null;
            }
            catch (SecretVaultException ex)
            {
                var message =
                    $"Access token {token} was created on Docker Hub, but its secret could not be saved in vault '{_vault}': {ex.Message} " +
                    "The secret is only on this command's output object and on this error's TargetObject. Save it now with: " +
                    $"$t = $Error[0].TargetObject; Set-Secret -Name '{secretName.Replace("'", "''")}' -Vault '{_vault!.Replace("'", "''")}' -Secret ([pscredential]::new($t.Username, $t.Secret)) " +
                    $"- or remove the token with Remove-HubAccessToken -Id {token.Id}.";
                return new ErrorRecord(new InvalidOperationException(message, ex), ErrorIds.SecretNotSaved, ErrorCategory.WriteError, token);
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
        }

        private DateTime? ExpiryUtc()
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
