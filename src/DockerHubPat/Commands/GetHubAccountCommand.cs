using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>
    /// Shows the current Docker Hub session of this runspace: who is signed in, where, until when,
    /// and whether it renews itself. Like Get-AzContext, it outputs nothing (and no error) when
    /// there is no session, so `if (-not (Get-HubAccount)) { Connect-HubAccount }` reads naturally.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HubAccount")]
    [OutputType(typeof(HubSession))]
    public sealed class GetHubAccountCommand : PSCmdlet
    {
        /// <inheritdoc />
        protected override void EndProcessing()
        {
            if (RunspaceSession.Of(SessionState.PSVariable) is HubSession session)
            {
                WriteObject(session);
            }
            else
            {
                WriteVerbose("This runspace has no Docker Hub session. Run Connect-HubAccount.");
            }
        }
    }
}
