using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>
    /// Base of the cmdlets that change many tokens from a pipeline (Enable-, Disable-, Remove-).
    /// Requests run concurrently, up to -ThrottleLimit at once, because a bulk cleanup is bound by
    /// round trips; everything PowerShell sees (ShouldProcess, output, errors, progress) still
    /// happens in order on the pipeline thread.
    /// </summary>
    public abstract class HubBulkTokenCmdlet : HubTokenCmdlet
    {
        /// <summary>Requests in flight at once. Small enough to stay polite to Hub's rate limit.</summary>
        public const int DefaultThrottleLimit = 6;

        private const int ProgressId = 0x4B1F;

        private readonly PipelineReporter _reporter = new PipelineReporter();

        // Changes in the order they were started; results are written in this order, so output and
        // errors follow the input even though the requests overlap.
        private readonly Queue<Pending> _pending = new Queue<Pending>();
        private int _running;
        private int _started;
        private int _finished;

        private sealed class Pending
        {
            public Pending(Guid id, Task<HubAccessToken?> task, Action<HubAccessToken?> done)
            {
                Id = id;
                Task = task;
                Done = done;
            }

            public Guid Id { get; }
            public Task<HubAccessToken?> Task { get; }
            public Action<HubAccessToken?> Done { get; }
        }

        /// <summary>How many requests to Docker Hub run at the same time.</summary>
        [Parameter]
        [ValidateRange(1, 32)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>What the progress bar calls the work, e.g. "Removing access tokens".</summary>
        internal abstract string Activity { get; }

        /// <summary>
        /// Starts the change of one token once a slot is free; <paramref name="done"/> runs on the
        /// pipeline thread when it succeeded.
        /// </summary>
        internal void Start(Guid id, Func<HubSession, CancellationToken, Task<HubAccessToken?>> change, Action<HubAccessToken?> done)
        {
            // A slow head of the line must not let finished results pile up without bound.
            while (_running >= ThrottleLimit || _pending.Count >= ThrottleLimit * 8)
            {
                WriteNext();
            }

            var session = ActiveSession;
            var outer = HubReport.Current;
            HubReport.Current = _reporter;
            Task<HubAccessToken?> task;
            try
            {
                task = Task.Run(() => change(session, Cancellation));
            }
            finally
            {
                HubReport.Current = outer;
            }

            _running++;
            _started++;
            _pending.Enqueue(new Pending(id, task, done));
            task.ContinueWith(_ => _reporter.Post(__ => _running--), TaskScheduler.Default);
        }

        /// <inheritdoc />
        protected override void End()
        {
            while (_pending.Count > 0)
            {
                WriteNext();
            }

            if (_started > 1)
            {
                WriteProgress(new ProgressRecord(ProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }

            base.End();
        }

        // Every started change posts one message when it ends, so this never waits for nothing.
        private void WriteNext()
        {
            Action<Cmdlet> write;
            try
            {
                write = _reporter.Take(Cancellation);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            write(this);
            while (_pending.Count > 0 && _pending.Peek().Task.IsCompleted)
            {
                Finish(_pending.Dequeue());
            }
        }

        private void Finish(Pending change)
        {
            _finished++;
            if (_started > 1)
            {
                // The total is what the pipeline has delivered so far: more may still come.
                WriteProgress(new ProgressRecord(ProgressId, Activity, $"{_finished} of {_started}")
                {
                    PercentComplete = _finished * 100 / _started,
                });
            }

            var task = change.Task;
            var failure = task.Exception?.GetBaseException();
            if (failure is HubException hub)
            {
                if (HubErrors.StopsPipeline(hub))
                {
                    CancelAll(); // the others would fail the same way
                }

                WriteHubError(hub, change.Id);
                return;
            }

            if (task.IsCanceled || failure is OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            if (failure != null)
            {
                throw failure;
            }

            change.Done(task.Result);
        }
    }
}
