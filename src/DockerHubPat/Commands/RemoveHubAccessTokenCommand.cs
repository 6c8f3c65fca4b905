using System;
using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Deletes access tokens from Docker Hub for good.</summary>
    [Cmdlet(VerbsCommon.Remove, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveHubAccessTokenCommand : HubTokenCmdlet
    {
        /// <summary>Ids of the tokens.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [TokenIdTransformation]
        public Guid[] Id { get; set; } = new Guid[0];

        /// <summary>Removes without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            foreach (var id in Id)
            {
                if (!Confirmed(id))
                {
                    continue;
                }

                TryCall(id, (session, cancel) => session.Client.DeleteAsync(session, id, cancel));
            }
        }

        // -Force skips the prompt but not -WhatIf, so a dry run stays a dry run.
        private bool Confirmed(Guid id)
        {
            var target = ActiveSession.Describe(id);
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
