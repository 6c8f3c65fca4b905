using System;
using System.Collections;
using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>
    /// Where the secrets of new tokens go, for every command that creates a token. What can be
    /// checked is checked before a token exists: the vault (missing, locked, broken) and the
    /// name. Once a token exists its secret is never lost: whatever the vault does, the secret
    /// stays on the output object and on the error's TargetObject.
    /// </summary>
    internal sealed class TokenSecrets
    {
        // Added to every reason the vault cannot take the secret, before any token exists.
        private const string NoVaultAdvice =
            "No token was created. Choose another vault with -Vault, or pass -NoVault to keep the secret only on the output object.";

        private readonly HubTokenCmdlet _cmdlet;

        private TokenSecrets(HubTokenCmdlet cmdlet, SecretVault vaults, string vault)
        {
            _cmdlet = cmdlet;
            Vaults = vaults;
            Vault = vault;
        }

        /// <summary>SecretManagement, through the caller's host.</summary>
        public SecretVault Vaults { get; }

        /// <summary>The vault new secrets go to unless a secret of the token they replace lives elsewhere.</summary>
        public string Vault { get; }

        /// <summary>
        /// The command's vault, checked and unlocked (its own prompt, where the host can show one)
        /// before any token exists; null with -NoVault. Anything wrong ends the command.
        /// </summary>
        public static TokenSecrets? Open(HubTokenCmdlet cmdlet, string? vault, bool noVault)
        {
            if (noVault)
            {
                if (cmdlet.IsBound("Vault") || cmdlet.IsBound("SecretName"))
                {
                    throw HubCmdlet.Terminate(HubErrors.InvalidArgument(ErrorIds.SecretNoVaultConflict,
                        "-NoVault cannot be combined with -Vault or -SecretName.", null));
                }

                return null;
            }

            try
            {
                var vaults = new SecretVault(cmdlet);
                var resolved = vaults.Resolve(vault);
                cmdlet.WriteVerbose($"New token secrets go to the SecretManagement vault '{resolved}'.");
                return new TokenSecrets(cmdlet, vaults, resolved);
            }
            catch (SecretVaultException ex)
            {
                throw HubCmdlet.Terminate(HubErrors.FromVault(ex, vault, NoVaultAdvice));
            }
        }

        /// <summary>Whether the vault has a secret of that name; a vault that fails to answer ends the command.</summary>
        public bool Contains(string vault, string secretName)
        {
            try
            {
                return Vaults.Contains(vault, secretName);
            }
            catch (SecretVaultException ex)
            {
                throw HubCmdlet.Terminate(HubErrors.FromVault(ex, vault));
            }
        }

        /// <summary>The error for a secret name that is taken; <paramref name="notDone"/> says what was therefore not done.</summary>
        public static ErrorRecord NameTaken(string vault, string secretName, string notDone) =>
            new ErrorRecord(new InvalidOperationException(
                $"The vault '{vault}' already has a secret named '{secretName}', so {notDone}. " +
                "Pass -Force to overwrite it, or -SecretName to choose another name."),
                ErrorIds.SecretNameExists, ErrorCategory.ResourceExists, secretName);

        /// <summary>
        /// Saves the new token's secret as a PSCredential (sign-in name, secret) with the token's
        /// metadata and <paramref name="more"/>. Returns null when it is saved, else the SecretNotSaved error
        /// whose TargetObject is the token. <paramref name="created"/> describes the token's state,
        /// <paramref name="otherwise"/> what else the user can do than save it.
        /// </summary>
        public ErrorRecord? Save(IHubToken token, string vault, string secretName, bool overwrite,
            string created, string otherwise, Hashtable? more = null)
        {
            var metadata = token.SecretMetadata(_cmdlet.ActiveSession.HubUri);
            foreach (DictionaryEntry entry in more ?? new Hashtable())
            {
                metadata[entry.Key] = entry.Value;
            }

            try
            {
                if (!Vaults.Save(vault, secretName, new PSCredential(token.SignInName, token.Secret), metadata, overwrite))
                {
                    _cmdlet.WriteWarning($"The vault '{vault}' does not store metadata, so '{secretName}' was saved without it; " +
                        "it cannot be found by its token id later (-RemoveSecret, rotation).");
                }

                token.SavedAs(vault, secretName);
                _cmdlet.WriteVerbose($"Saved the secret of {token} as '{secretName}' in vault '{vault}'.");
                return null;
            }
            catch (SecretVaultException ex)
            {
                var message =
                    $"{created}, but its secret could not be saved in vault '{vault}': {ex.Message} " +
                    "The secret is only on this command's output object and on this error's TargetObject. Save it now with: " +
                    $"$t = $Error[0].TargetObject; Set-Secret -Name '{Quote(secretName)}' -Vault '{Quote(vault)}' " +
                    $"-Secret ([pscredential]::new($t.{token.SignInNameProperty}, $t.Secret)) - {otherwise}";
                return new ErrorRecord(new InvalidOperationException(message, ex), ErrorIds.SecretNotSaved, ErrorCategory.WriteError, token);
            }
        }

        /// <summary>
        /// Removes the secrets saved for a token that is gone from Hub (found by TokenId, in
        /// <paramref name="vault"/> or every vault). Returns null, or the error that says what is
        /// left; <paramref name="gone"/> says what happened to the token.
        /// </summary>
        public static ErrorRecord? RemoveAll(Cmdlet cmdlet, SecretVault vaults, Guid tokenId, string? vault, string gone, object? target)
        {
            try
            {
                foreach (var (found, name) in vaults.FindByTokenId(tokenId, vault))
                {
                    vaults.Remove(found, name);
                    cmdlet.WriteVerbose($"Removed the secret '{name}' of token {tokenId} from vault '{found}'.");
                }

                return null;
            }
            catch (SecretVaultException ex)
            {
                return new ErrorRecord(new InvalidOperationException($"{gone}, but its vault secret was not: {ex.Message}", ex),
                    ex.ErrorId, ex.Category, target);
            }
        }

        /// <summary>Text for a single-quoted PowerShell string.</summary>
        public static string Quote(string text) => text.Replace("'", "''");
    }
}
