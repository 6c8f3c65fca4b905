using System;
using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>What Enable- and Disable-HubAccessToken share: they differ only in the state they set.</summary>
    public abstract class HubAccessTokenStateCommand : HubBulkTokenCmdlet
    {
        /// <summary>Ids of the tokens.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [TokenIdTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public Guid[] Id { get; set; } = new Guid[0];

        /// <summary>Outputs each changed token.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal abstract bool Active { get; }

        internal override string Activity => Active ? "Enabling access tokens" : "Disabling access tokens";

        /// <inheritdoc />
        protected override void Process()
        {
            foreach (var id in Id)
            {
                if (ShouldProcess(ActiveSession.Describe(id), Active ? "Enable" : "Disable"))
                {
                    Start(id, async (session, cancel) => await session.Client.UpdateAsync(session, id, null, Active, cancel).ConfigureAwait(false),
                        changed =>
                        {
                            if (PassThru)
                            {
                                WriteObject(changed);
                            }
                        });
                }
            }
        }
    }
}
