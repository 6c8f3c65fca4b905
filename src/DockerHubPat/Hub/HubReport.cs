using System;
using System.Threading;

namespace DockerHubPat.Hub
{
    /// <summary>Where the protocol layer tells the user what it is doing (retries, waits).</summary>
    internal interface IHubReporter
    {
        void Verbose(string message);

        /// <summary>A wait starts; a zero wait means it ended.</summary>
        void Waiting(string reason, TimeSpan wait);
    }

    /// <summary>
    /// The reporter of the cmdlet call in progress. It flows with the async calls (AsyncLocal), so
    /// the protocol layer needs no PowerShell types and the cmdlet writes on its own thread.
    /// </summary>
    internal static class HubReport
    {
        private static readonly AsyncLocal<IHubReporter?> CurrentReporter = new AsyncLocal<IHubReporter?>();

        public static IHubReporter? Current
        {
            get => CurrentReporter.Value;
            set => CurrentReporter.Value = value;
        }

        public static void Verbose(string message) => Current?.Verbose(message);

        public static void Waiting(string reason, TimeSpan wait) => Current?.Waiting(reason, wait);
    }
}
