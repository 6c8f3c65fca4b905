using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat
{
    /// <summary>
    /// Base of the cmdlets that change many tokens from a pipeline (Enable-, Disable-, Remove-).
    /// It declares -Id and runs the confirm-then-start loop; a subclass supplies the change and
    /// what to write when it is done. Requests run concurrently, up to -ThrottleLimit at once,
    /// because a bulk cleanup is bound by round trips; everything PowerShell sees (ShouldProcess,
    /// output, errors, progress) still happens in order on the pipeline thread.
    /// </summary>
    /// <typeparam name="TTarget">What one change works on: the identity itself, or (for a cmdlet with
    /// more parameters bound by property name) the identity together with them.</typeparam>
    /// <typeparam name="TResult">What a change gives back.</typeparam>
    public abstract class HubBulkChangeCmdlet<TTarget, TResult> : HubTokenCmdlet
    {
        /// <summary>Requests in flight at once. Small enough to stay polite to Hub's rate limit.</summary>
        public const int DefaultThrottleLimit = 6;

        private const int ProgressId = 0x4B1F;

        // Changes in the order they were started; results are written in this order, so output and
        // errors follow the input even though the requests overlap.
        private readonly Queue<Pending> _pending = new Queue<Pending>();
        private int _started;
        private int _finished;

        private sealed class Pending
        {
            public Pending(TTarget target, Task<TResult> task)
            {
                Target = target;
                Task = task;
            }

            public TTarget Target { get; }
            public Task<TResult> Task { get; }
        }

        /// <summary>Ids of the tokens.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public AccessTokenIdentity[] Id { get; set; } = new AccessTokenIdentity[0];

        /// <summary>How many requests to Docker Hub run at the same time.</summary>
        [Parameter]
        [ValidateRange(1, 32)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>What the progress bar calls the work, e.g. "Removing access tokens".</summary>
        internal abstract string Activity { get; }

        /// <summary>The target of one id: what it describes, changes and reports errors about.</summary>
        internal abstract TTarget Target(AccessTokenIdentity id);

        /// <summary>Whether to change the target: ShouldProcess, unless the subclass knows better.</summary>
        internal abstract bool Confirm(TTarget target);

        /// <summary>The change itself; it runs on a worker thread and must not touch the pipeline.</summary>
        internal abstract Task<TResult> ChangeAsync(TTarget target, CancellationToken cancel);

        /// <summary>On the pipeline thread, after the change succeeded.</summary>
        internal abstract void Done(TTarget target, TResult result);

        /// <summary>The TargetObject of an error about the target.</summary>
        internal abstract object? ErrorTarget(TTarget target);

        /// <inheritdoc />
        protected sealed override void Process()
        {
            foreach (var target in Id.Select(Target))
            {
                if (Confirm(target))
                {
                    Start(target);
                }
            }
        }

        /// <inheritdoc />
        protected override void End()
        {
            WriteFinishedUntil(() => _pending.Count == 0);
            if (_started > 1)
            {
                WriteProgress(new ProgressRecord(ProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }

            base.End();
        }

        private void Start(TTarget target)
        {
            // A slow head of the line must not let finished results pile up without bound.
            WriteFinishedUntil(() => _pending.Count(p => !p.Task.IsCompleted) < ThrottleLimit && _pending.Count < ThrottleLimit * 8);
            _started++;
            _pending.Enqueue(new Pending(target, Start(cancel => Task.Run(() => ChangeAsync(target, cancel)))));
        }

        // Writes what the running changes report, and the results of those at the head of the
        // line that finished, until there is room for what the caller wants.
        private void WriteFinishedUntil(Func<bool> enough)
        {
            while (true)
            {
                Pump(() => _pending.Count == 0 || _pending.Peek().Task.IsCompleted || enough(), stoppable: true);
                while (_pending.Count > 0 && _pending.Peek().Task.IsCompleted)
                {
                    Finish(_pending.Dequeue());
                }

                if (enough())
                {
                    return;
                }
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
            if (task.Exception?.GetBaseException() is HubException hub)
            {
                if (HubErrors.StopsPipeline(hub))
                {
                    CancelAll(); // the others would fail the same way
                }

                WriteHubError(hub, ErrorTarget(change.Target));
                return;
            }

            if (task.IsCanceled)
            {
                throw new PipelineStoppedException();
            }

            var result = Result(task);
            TokensChanged();
            Done(change.Target, result);
        }
    }
}
