using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Makes access tokens usable again.</summary>
    [Cmdlet(VerbsLifecycle.Enable, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class EnableHubAccessTokenCommand : HubAccessTokenStateCommand
    {
        internal override bool Active => true;
    }
}
