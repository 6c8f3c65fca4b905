using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Commands
{
    /// <summary>What Enable- and Disable-HubAccessToken share: they differ only in the state they set.</summary>
    public abstract class HubAccessTokenStateCommand : HubAccessTokenBulkCmdlet<HubAccessToken>
    {
        /// <summary>Outputs each changed token.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal abstract bool Active { get; }

        internal override string Activity => TokenState.Activity(Active, "access tokens");

        internal override bool Confirm(AccessTokenIdentity target) => ShouldProcess(target.Describe(), TokenState.Verb(Active));

        internal override Task<HubAccessToken> ChangeAsync(AccessTokenIdentity target, CancellationToken cancel) =>
            Tokens.UpdateAsync(target.Id, null, Active, cancel);

        internal override void Done(AccessTokenIdentity target, HubAccessToken changed) => TokenState.Done(this, PassThru, changed);
    }

    /// <summary>What Enable- and Disable-HubOrgAccessToken share: they differ only in the state they set.</summary>
    public abstract class HubOrgAccessTokenStateCommand : HubOrgAccessTokenBulkCmdlet<HubOrgAccessToken>
    {
        /// <summary>Outputs each changed token.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        internal abstract bool Active { get; }

        internal override string Activity => TokenState.Activity(Active, "organization access tokens");

        internal override bool Confirm(OrgAccessTokenIdentity target) => ShouldProcess(target.Describe(), TokenState.Verb(Active));

        // Hub changes nothing of an expired token; a piped one is known to be expired without asking.
        internal override Task<HubOrgAccessToken> ChangeAsync(OrgAccessTokenIdentity target, CancellationToken cancel) =>
            target.ExpiresAt is System.DateTime at && at <= System.DateTime.Now
                ? Task.FromException<HubOrgAccessToken>(Hub.OrgAccessTokens.Expired(target.Organization, target.Id, target.Label, at, null))
                : OrgTokens(target.Organization).UpdateAsync(target.Id, new Hub.OrgAccessTokenChange { IsActive = Active }, cancel);

        internal override void Done(OrgAccessTokenIdentity target, HubOrgAccessToken changed) => TokenState.Done(this, PassThru, changed);
    }

    /// <summary>The words and output Enable- and Disable- cmdlets of both token kinds share.</summary>
    internal static class TokenState
    {
        public static string Activity(bool active, string tokens) => (active ? "Enabling " : "Disabling ") + tokens;

        public static string Verb(bool active) => active ? "Enable" : "Disable";

        public static void Done(Cmdlet cmdlet, bool passThru, object changed)
        {
            if (passThru)
            {
                cmdlet.WriteObject(changed);
            }
        }
    }
}
