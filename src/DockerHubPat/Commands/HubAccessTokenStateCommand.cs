using System;
using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>What Enable- and Disable-HubAccessToken share: they differ only in the state they set.</summary>
    public abstract class HubAccessTokenStateCommand : HubTokenCmdlet
    {
        /// <summary>Ids of the tokens.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [TokenIdTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public Guid[] Id { get; set; } = new Guid[0];

        /// <summary>Outputs each changed token.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal abstract bool Active { get; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var action = Active ? "Enable" : "Disable";
            foreach (var id in Id)
            {
                if (!ShouldProcess(ActiveSession.Describe(id), action))
                {
                    continue;
                }

                HubAccessToken? changed = null;
                if (TryCall(id, async (session, cancel) =>
                    changed = await session.Client.UpdateAsync(session, id, null, Active, cancel).ConfigureAwait(false)) && PassThru)
                {
                    WriteObject(changed);
                }
            }
        }
    }
}
