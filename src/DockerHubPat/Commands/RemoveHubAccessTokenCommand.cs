using System;
using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Deletes access tokens from Docker Hub for good.</summary>
    [Cmdlet(VerbsCommon.Remove, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveHubAccessTokenCommand : HubBulkTokenCmdlet
    {
        /// <summary>Ids of the tokens.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [TokenIdTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public Guid[] Id { get; set; } = new Guid[0];

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

        /// <inheritdoc />
        protected override void Process()
        {
            foreach (var id in Id)
            {
                if (!Confirmed(id))
                {
                    continue;
                }

                Start(id, async (session, cancel) =>
                    {
                        await session.Client.DeleteAsync(session, id, cancel).ConfigureAwait(false);
                        return null;
                    },
                    _ =>
                    {
                        if (RemoveSecret)
                        {
                            RemoveSecrets(id);
                        }
                    });
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
        private bool Confirmed(Guid id)
        {
            var target = ActiveSession.Describe(id) + (RemoveSecret ? " and its vault secret" : "");
            if (Force && !WhatIfRequested())
            {
                WriteVerbose($"Removing {target}.");
                return true;
            }

            return ShouldProcess(target, "Remove");
        }

        private bool WhatIfRequested() =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
                ? LanguagePrimitives.IsTrue(bound)
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
