using System;
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
                _secrets = new SecretVault(_cmdlet.Host);
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
            if (_force && !WhatIfRequested())
            {
                _cmdlet.WriteVerbose($"Removing {description}.");
                return true;
            }

            return _cmdlet.ShouldProcess(description, "Remove");
        }

        /// <summary>After Hub confirmed the delete: a secret of a token that still works must not vanish.</summary>
        public void Removed(Guid id, object errorTarget)
        {
            if (!_removeSecret)
            {
                return;
            }

            _secrets ??= new SecretVault(_cmdlet.Host);
            if (TokenSecrets.RemoveAll(_cmdlet, _secrets, id, null, $"Access token {id} was removed from Docker Hub", errorTarget) is ErrorRecord left)
            {
                _cmdlet.WriteError(left);
            }
        }

        private bool WhatIfRequested() =>
            _cmdlet.MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
                ? LanguagePrimitives.IsTrue(bound)
                : LanguagePrimitives.IsTrue(_cmdlet.GetVariableValue("WhatIfPreference"));
    }
}
