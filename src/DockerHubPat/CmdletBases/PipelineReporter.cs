using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>Queues what the protocol layer reports until the pipeline thread can write it.</summary>
    internal sealed class PipelineReporter : IHubReporter, IDisposable
    {
        // One id for the module's waits, so a new wait replaces the last one on screen.
        private const int WaitActivityId = 0x4B1D;

        private readonly BlockingCollection<Action<Cmdlet>> _queue = new BlockingCollection<Action<Cmdlet>>();

        public void Verbose(string message) => Post(c => c.WriteVerbose(message));

        public void Waiting(string reason, TimeSpan wait) => Post(c =>
        {
            var record = new ProgressRecord(WaitActivityId, reason,
                wait > TimeSpan.Zero ? $"Resuming in {Math.Ceiling(wait.TotalSeconds)} s" : "Resumed");
            if (wait > TimeSpan.Zero)
            {
                record.SecondsRemaining = (int)Math.Ceiling(wait.TotalSeconds);
            }
            else
            {
                record.RecordType = ProgressRecordType.Completed;
            }

            c.WriteProgress(record);
        });

        public void Complete() => _queue.CompleteAdding();

        public IEnumerable<Action<Cmdlet>> Pending() => _queue.GetConsumingEnumerable();

        /// <summary>The next thing to write; blocks until there is one.</summary>
        public Action<Cmdlet> Take(CancellationToken cancel) => _queue.Take(cancel);

        public void Dispose() => _queue.Dispose();

        public void Post(Action<Cmdlet> write)
        {
            try
            {
                _queue.Add(write);
            }
            catch (InvalidOperationException)
            {
                // The call already finished; a late message has no one to show it to.
            }
        }
    }
}
