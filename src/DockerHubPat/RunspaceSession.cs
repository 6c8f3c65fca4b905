using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>
    /// The current session of one runspace: the one Connect-HubAccount opened there, used when a
    /// cmdlet gets no -Session. It is kept in a variable of that runspace's global scope, so each
    /// runspace (ForEach-Object -Parallel, Start-ThreadJob, a hosted runspace) has its own, and
    /// PowerShell's reset of a runspace it reuses for the next -Parallel item forgets it. A static
    /// field or a table keyed by the Runspace would survive that reset and hand one item's session
    /// to the next.
    /// </summary>
    internal sealed class RunspaceSession
    {
        private const string Name = "DockerHubPatSession";
        private const string Variable = "global:" + Name;

        // Only this runspace's pipeline thread reads and writes it; volatile for the nested pipelines it starts.
        private volatile HubSession? _session;

        private RunspaceSession()
        {
        }

        /// <summary>What Get-Variable shows: the account, never the session token.</summary>
        public override string ToString() => _session is HubSession session ? $"{session} (Get-HubAccount)" : "(not connected)";

        /// <summary>The current session of the runspace these variables belong to, or null.</summary>
        internal static HubSession? Of(PSVariableIntrinsics variables) => (variables.GetValue(Variable) as RunspaceSession)?._session;

        /// <summary>
        /// The current session of the runspace running this thread, for code that has no cmdlet's
        /// session state (an argument completer). A runspace refuses SessionStateProxy calls while
        /// its pipeline runs, so the variable is read by a script in that pipeline instead (with
        /// Get-Variable, which a user's Set-StrictMode does not turn into an error when it is missing).
        /// </summary>
        internal static HubSession? OfThisRunspace()
        {
            var value = ScriptBlock.Create($"Get-Variable -Name {Name} -Scope Global -ValueOnly -ErrorAction Ignore").InvokeReturnAsIs();
            return (((value as PSObject)?.BaseObject ?? value) as RunspaceSession)?._session;
        }

        /// <summary>
        /// Makes <paramref name="session"/> the runspace's current session (null: none). The session
        /// it replaces closes its connections; held in a variable, it opens new ones when next used.
        /// </summary>
        internal static void Set(PSVariableIntrinsics variables, HubSession? session)
        {
            var holder = variables.GetValue(Variable) as RunspaceSession;
            if (holder is null)
            {
                if (session is null)
                {
                    return;
                }

                holder = new RunspaceSession();
                variables.Set(Variable, holder);
                variables.Get(Variable).Description = "The current Docker Hub session of this runspace (Connect-HubAccount); Get-HubAccount shows it.";
            }

            var replaced = holder._session;
            holder._session = session;
            if (replaced != null && !ReferenceEquals(replaced, session))
            {
                replaced.Client.CloseConnections();
            }
        }
    }
}
