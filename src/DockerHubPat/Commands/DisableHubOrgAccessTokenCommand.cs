using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Stops organization access tokens from working without deleting them.</summary>
    [Cmdlet(VerbsLifecycle.Disable, "HubOrgAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubOrgAccessToken))]
    public sealed class DisableHubOrgAccessTokenCommand : HubOrgAccessTokenStateCommand
    {
        internal override bool Active => false;
    }
}
