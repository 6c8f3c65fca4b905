using System;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>
    /// Carries what work on other threads wants written (verbose messages, progress, a prompt) to
    /// the pipeline thread, the only one PowerShell lets write. The queue holds only such writes;
    /// that a task has ended is a separate signal, not a message.
    /// </summary>
    internal sealed class PipelinePump : IHubReporter, IDisposable
    {
        // One id for the module's waits, so a new wait replaces the last one on screen.
        private const int WaitActivityId = 0x4B1D;

        private readonly ConcurrentQueue<Action<Cmdlet>> _writes = new ConcurrentQueue<Action<Cmdlet>>();
        private readonly SemaphoreSlim _signal = new SemaphoreSlim(0);

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

        /// <summary>Queues a write for the pipeline thread.</summary>
        public void Post(Action<Cmdlet> write)
        {
            _writes.Enqueue(write);
            _signal.Release();
        }

        /// <summary>Wakes the pump when <paramref name="task"/> ends, so it can look at it.</summary>
        public void Watch(Task task) => task.ContinueWith(_ => _signal.Release(), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

        /// <summary>
        /// On the pipeline thread: writes what was posted until <paramref name="done"/> is true,
        /// sleeping in between. Writes posted before a watched task ended are written before it is seen ended.
        /// </summary>
        public void RunUntil(Cmdlet cmdlet, Func<bool> done, CancellationToken cancel)
        {
            while (true)
            {
                // Looked at before draining: whatever a task posted before it ended is then in the queue.
                var finished = done();
                while (_writes.TryDequeue(out var write))
                {
                    write(cmdlet);
                }

                if (finished)
                {
                    return;
                }

                _signal.Wait(cancel);
            }
        }

        public void Dispose() => _signal.Dispose();
    }
}
