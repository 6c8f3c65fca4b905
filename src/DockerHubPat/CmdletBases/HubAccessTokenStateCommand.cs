using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Commands
{
    /// <summary>What Enable- and Disable-HubAccessToken share: they differ only in the state they set.</summary>
    public abstract class HubAccessTokenStateCommand : HubBulkChangeCmdlet<AccessTokenIdentity, HubAccessToken>
    {
        /// <summary>Outputs each changed token.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal abstract bool Active { get; }

        internal override string Activity => Active ? "Enabling access tokens" : "Disabling access tokens";

        internal override AccessTokenIdentity Target(AccessTokenIdentity id) => id;

        internal override object? ErrorTarget(AccessTokenIdentity target) => target.Id;

        internal override bool Confirm(AccessTokenIdentity target) => ShouldProcess(target.Describe(), Active ? "Enable" : "Disable");

        internal override Task<HubAccessToken> ChangeAsync(AccessTokenIdentity target, CancellationToken cancel) =>
            Tokens.UpdateAsync(target.Id, null, Active, cancel);

        internal override void Done(AccessTokenIdentity target, HubAccessToken changed)
        {
            if (PassThru)
            {
                WriteObject(changed);
            }
        }
    }
}
