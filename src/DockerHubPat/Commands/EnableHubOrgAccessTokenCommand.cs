using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Makes organization access tokens usable again.</summary>
    [Cmdlet(VerbsLifecycle.Enable, "HubOrgAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubOrgAccessToken))]
    public sealed class EnableHubOrgAccessTokenCommand : HubOrgAccessTokenStateCommand
    {
        internal override bool Active => true;
    }
}
