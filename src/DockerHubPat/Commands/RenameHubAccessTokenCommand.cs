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
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public AccessTokenIdentity Id { get; set; } = null!;

        /// <summary>The new label: 1–100 characters, one line of text.</summary>
        [Parameter(Mandatory = true, Position = 1)]
        [TokenLabelTransformation]
        [ValidateTokenLabel]
        public string NewLabel { get; set; } = "";

        /// <summary>Outputs the renamed token.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void Process()
        {
            if (!ShouldProcess(Id.Describe(), $"Rename to '{NewLabel}'")
                || !TryCall(Id.Id, (tokens, cancel) => tokens.UpdateAsync(Id.Id, NewLabel, null, cancel), out var renamed))
            {
                return;
            }

            TokensChanged();
            if (PassThru)
            {
                WriteObject(renamed);
            }
        }
    }
}
