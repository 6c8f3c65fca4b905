using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Commands
{
    /// <summary>Deletes access tokens from Docker Hub for good.</summary>
    [Cmdlet(VerbsCommon.Remove, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveHubAccessTokenCommand : HubBulkChangeCmdlet<AccessTokenIdentity, bool>
    {
        /// <summary>Removes without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Also removes the vault secret New-HubAccessToken saved for each token (found by its TokenId metadata).</summary>
        [Parameter]
        public SwitchParameter RemoveSecret { get; set; }

        private SecretVault? _secrets;

        internal override string Activity => "Removing access tokens";

        /// <inheritdoc />
        protected override void Begin()
        {
            base.Begin();
            if (!RemoveSecret)
            {
                return;
            }

            // Before any token is deleted: a locked vault asks for its password now (or stops the
            // command where nobody can answer), not halfway through a pipeline of deletes.
            try
            {
                _secrets = new SecretVault(Host);
                _secrets.UnlockLocked();
            }
            catch (SecretVaultException ex) when (ex.ErrorId == ErrorIds.SecretVaultLocked)
            {
                throw Terminate(HubErrors.FromVault(ex, null));
            }
            catch (SecretVaultException)
            {
                // Anything else (no SecretManagement at all) is reported per token after its delete.
            }
        }

        internal override AccessTokenIdentity Target(AccessTokenIdentity id) => id;

        internal override object? ErrorTarget(AccessTokenIdentity target) => target.Id;

        internal override async Task<bool> ChangeAsync(AccessTokenIdentity target, CancellationToken cancel)
        {
            await Tokens.DeleteAsync(target.Id, cancel).ConfigureAwait(false);
            return true;
        }

        internal override void Done(AccessTokenIdentity target, bool removed)
        {
            if (RemoveSecret)
            {
                RemoveSecrets(target.Id);
            }
        }

        // Only after Hub confirmed the delete: a secret of a token that still works must not vanish.
        private void RemoveSecrets(Guid id)
        {
            try
            {
                _secrets ??= new SecretVault(Host);
                foreach (var (vault, name) in _secrets.FindByTokenId(id))
                {
                    _secrets.Remove(vault, name);
                    WriteVerbose($"Removed the secret '{name}' of access token {id} from vault '{vault}'.");
                }
            }
            catch (SecretVaultException ex)
            {
                WriteError(new ErrorRecord(new InvalidOperationException(
                    $"Access token {id} was removed from Docker Hub, but its vault secret was not: {ex.Message}", ex),
                    ex.ErrorId, ex.Category, id));
            }
        }

        // -Force skips the prompt but not -WhatIf, so a dry run stays a dry run.
        internal override bool Confirm(AccessTokenIdentity target)
        {
            var description = target.Describe() + (RemoveSecret ? " and its vault secret" : "");
            if (Force && !WhatIfRequested())
            {
                WriteVerbose($"Removing {description}.");
                return true;
            }

            return ShouldProcess(description, "Remove");
        }

        private bool WhatIfRequested() =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
                ? LanguagePrimitives.IsTrue(bound)
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
