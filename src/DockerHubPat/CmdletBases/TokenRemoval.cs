using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>
    /// What Remove-HubAccessToken and Remove-HubOrgAccessToken share: the confirmation that -Force
    /// skips, and -RemoveSecret, which removes the secrets New- saved for each removed token.
    /// </summary>
    internal sealed class TokenRemoval
    {
        private readonly HubCmdlet _cmdlet;
        private readonly bool _force;
        private readonly bool _removeSecret;
        private SecretVault? _secrets;
        private ILookup<Guid, SavedSecret>? _saved;

        public TokenRemoval(HubCmdlet cmdlet, bool force, bool removeSecret)
        {
            _cmdlet = cmdlet;
            _force = force;
            _removeSecret = removeSecret;
        }

        /// <summary>
        /// Before any token is deleted: a locked vault asks for its password now (or stops the
        /// command where nobody can answer), not halfway through a pipeline of deletes.
        /// </summary>
        public void Begin()
        {
            if (!_removeSecret)
            {
                return;
            }

            try
            {
                _secrets = new SecretVault(_cmdlet);
                _secrets.UnlockLocked();
            }
            catch (SecretVaultException ex) when (ex.ErrorId == ErrorIds.SecretVaultLocked)
            {
                throw HubCmdlet.Terminate(HubErrors.FromVault(ex, null));
            }
            catch (SecretVaultException)
            {
                // Anything else (no SecretManagement at all) is reported per token after its delete.
            }
        }

        // -Force skips the prompt but not -WhatIf, so a dry run stays a dry run.
        public bool Confirm(string description)
        {
            description += _removeSecret ? " and its vault secret" : "";
            if (_force && !_cmdlet.WhatIfRequested())
            {
                _cmdlet.WriteVerbose($"Removing {description}.");
                return true;
            }

            return _cmdlet.ShouldProcess(description, "Remove");
        }

        /// <summary>
        /// After Hub confirmed the delete: with -RemoveSecret the token's secrets go (a secret of a token
        /// that still works must not vanish, hence only now); without it, a verbose note names them.
        /// </summary>
        public void Removed(Guid id, string description, object errorTarget)
        {
            if (_removeSecret)
            {
                RemoveSecrets(id, errorTarget);
            }
            else if (_cmdlet.VerboseWanted())
            {
                NoteSecretsLeft(id, description);
            }
        }

        private void RemoveSecrets(Guid id, object errorTarget)
        {
            _secrets ??= new SecretVault(_cmdlet);
            if (TokenSecrets.RemoveAll(_cmdlet, _secrets, id, null, $"Access token {id} was removed from Docker Hub", errorTarget) is ErrorRecord left)
            {
                _cmdlet.WriteError(left);
            }
        }

        // Without -RemoveSecret the secret stays, which is easy to forget: say so where the user
        // asked to hear details. Nobody asked to unlock a vault for that, so a locked one is skipped.
        private void NoteSecretsLeft(Guid id, string description)
        {
            try
            {
                foreach (var secret in SavedSecrets(id))
                {
                    _cmdlet.WriteVerbose($"The secret '{secret.Name}' in vault '{secret.Vault}' was saved for {description} and is still there. " +
                        $"Remove it with: Remove-Secret -Name '{secret.Name.Replace("'", "''")}' -Vault '{secret.Vault.Replace("'", "''")}' " +
                        "- or with Get-HubAccessTokenSecret -Orphaned | Remove-HubAccessTokenSecret, or add -RemoveSecret next time.");
                }
            }
            catch (SecretVaultException)
            {
                // No SecretManagement: no secrets were saved with it either.
            }
        }

        // One sweep of the vaults for the whole command, however many tokens it removes. With
        // -RemoveSecret, Begin already unlocked the locked vaults (or stopped).
        private IEnumerable<SavedSecret> SavedSecrets(Guid id)
        {
            if (_saved is null)
            {
                _secrets ??= new SecretVault(_cmdlet);
                _saved = _secrets.FindSaved(null, unlock: false, out var notSearched).ToLookup(s => s.TokenId);
                foreach (var vault in notSearched)
                {
                    _cmdlet.WriteVerbose(vault.Message);
                }
            }

            return _saved[id];
        }
    }
}
