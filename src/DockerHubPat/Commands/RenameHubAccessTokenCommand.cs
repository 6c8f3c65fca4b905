using System;
using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Changes an access token's label.</summary>
    [Cmdlet(VerbsCommon.Rename, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class RenameHubAccessTokenCommand : HubTokenCmdlet
    {
        /// <summary>The token's id.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [TokenIdTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public Guid Id { get; set; }

        /// <summary>The new label (1–100 characters).</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [ValidateTokenLabel]
        public string NewLabel { get; set; } = "";

        /// <summary>Outputs the renamed token.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void Process()
        {
            if (!ShouldProcess(ActiveSession.Describe(Id), $"Rename to '{NewLabel}'"))
            {
                return;
            }

            HubAccessToken? renamed = null;
            if (TryCall(Id, async (session, cancel) =>
                renamed = await session.Client.UpdateAsync(session, Id, NewLabel, null, cancel).ConfigureAwait(false)) && PassThru)
            {
                WriteObject(renamed);
            }
        }
    }
}
