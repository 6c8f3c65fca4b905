using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Forgets the current Docker Hub session of this runspace.</summary>
    [Cmdlet(VerbsCommunications.Disconnect, "HubAccount")]
    [OutputType(typeof(void))]
    public sealed class DisconnectHubAccountCommand : PSCmdlet
    {
        /// <summary>The session to forget; defaults to the current one.</summary>
        [Parameter(ValueFromPipeline = true)]
        [ValidateNotNull]
        public HubSession? Session { get; set; }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var current = RunspaceSession.Of(SessionState.PSVariable);
            if (current is null || (Session != null && !ReferenceEquals(Session, current)))
            {
                // A session held only in a variable is dropped with the variable; nothing to forget here.
                WriteVerbose("That session is not the current one; there is nothing to forget.");
                return;
            }

            RunspaceSession.Set(SessionState.PSVariable, null);
            WriteVerbose($"Forgot the Docker Hub session of {current.Username} on {current.HubUri.Host}.");
        }
    }
}
