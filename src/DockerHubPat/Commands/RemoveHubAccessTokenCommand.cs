using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Commands
{
    /// <summary>Deletes access tokens from Docker Hub for good.</summary>
    [Cmdlet(VerbsCommon.Remove, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveHubAccessTokenCommand : HubAccessTokenBulkCmdlet<bool>
    {
        /// <summary>Removes without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Also removes the vault secret New-HubAccessToken saved for each token (found by its TokenId metadata).</summary>
        [Parameter]
        public SwitchParameter RemoveSecret { get; set; }

        private TokenRemoval? _removal;

        internal override string Activity => "Removing access tokens";

        /// <inheritdoc />
        protected override void Begin()
        {
            base.Begin();
            _removal = new TokenRemoval(this, Force, RemoveSecret);
            _removal.Begin();
        }

        internal override bool Confirm(AccessTokenIdentity target) => _removal!.Confirm(target.Describe());

        internal override async Task<bool> ChangeAsync(AccessTokenIdentity target, CancellationToken cancel)
        {
            await Tokens.DeleteAsync(target.Id, cancel).ConfigureAwait(false);
            return true;
        }

        internal override void Done(AccessTokenIdentity target, bool removed) => _removal!.Removed(target.Id, target.Describe(), target.Id);
    }
}
