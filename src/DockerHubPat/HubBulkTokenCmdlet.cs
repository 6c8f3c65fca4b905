using System;
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
        private int _inFlight;
        private int _started;
        private int _finished;

        /// <summary>
        /// <para type="description">How many requests to Docker Hub run at the same time.</para>
        /// </summary>
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
            while (_inFlight >= ThrottleLimit)
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

            _inFlight++;
            _started++;
            task.ContinueWith(t => _reporter.Post(_ => Finish(t, id, done)), TaskScheduler.Default);
        }

        /// <inheritdoc />
        protected override void EndProcessing()
        {
            while (_inFlight > 0)
            {
                WriteNext();
            }

            if (_started > 1)
            {
                WriteProgress(new ProgressRecord(ProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }

            base.EndProcessing();
        }

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
        }

        private void Finish(Task<HubAccessToken?> task, Guid id, Action<HubAccessToken?> done)
        {
            _inFlight--;
            _finished++;
            if (_started > 1)
            {
                // The total is what the pipeline has delivered so far: more may still come.
                WriteProgress(new ProgressRecord(ProgressId, Activity, $"{_finished} of {_started}")
                {
                    PercentComplete = _finished * 100 / _started,
                });
            }

            var failure = task.Exception?.GetBaseException();
            if (failure is HubException hub)
            {
                if (HubErrors.StopsPipeline(hub))
                {
                    CancelAll(); // the others would fail the same way
                }

                WriteHubError(hub, id);
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

            done(task.Result);
        }
    }
}
