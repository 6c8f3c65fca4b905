using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Stops access tokens from working without deleting them.</summary>
    [Cmdlet(VerbsLifecycle.Disable, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class DisableHubAccessTokenCommand : HubAccessTokenStateCommand
    {
        internal override bool Active => false;
    }
}
