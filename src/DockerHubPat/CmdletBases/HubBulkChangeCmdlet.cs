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
    /// It runs the confirm-then-start loop; a subclass declares the parameters that name the
    /// targets (<see cref="HubAccessTokenBulkCmdlet{TResult}"/>, <see cref="HubOrgAccessTokenBulkCmdlet{TResult}"/>)
    /// and supplies the change and what to write when it is done. Requests run concurrently, up to -ThrottleLimit at once,
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

        private OrderedCalls<TTarget, TResult>? _changes;
        private BulkProgress? _progress;

        // Changes run in the order they were started; results are written in this order.
        private OrderedCalls<TTarget, TResult> Changes => _changes ??= new OrderedCalls<TTarget, TResult>(this, () => ThrottleLimit, ErrorTarget,
            (target, result) =>
            {
                TokensChanged();
                Done(target, result);
            },
            Finished);

        private BulkProgress Progress => _progress ??= new BulkProgress(ProgressId, Activity);

        /// <summary>How many requests to Docker Hub run at the same time.</summary>
        [Parameter]
        [ValidateRange(1, 32)]
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>What the progress bar calls the work, e.g. "Removing access tokens".</summary>
        internal abstract string Activity { get; }

        /// <summary>The targets of the current input: what each describes, changes and reports errors about.</summary>
        internal abstract IEnumerable<TTarget> Targets();

        /// <summary>Whether to change the target: ShouldProcess, unless the subclass knows better.</summary>
        internal abstract bool Confirm(TTarget target);

        /// <summary>The change itself; it runs on a worker thread and must not touch the pipeline.</summary>
        internal abstract Task<TResult> ChangeAsync(TTarget target, CancellationToken cancel);

        /// <summary>On the pipeline thread, after the change succeeded.</summary>
        internal abstract void Done(TTarget target, TResult result);

        /// <summary>The TargetObject of an error about the target.</summary>
        internal abstract object? ErrorTarget(TTarget target);

        /// <summary>The token object the target was piped as, if it was one: it may carry its listing's total.</summary>
        internal abstract IHubToken? Token(TTarget target);

        /// <inheritdoc />
        protected sealed override void Process()
        {
            foreach (var target in Targets())
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
            Changes.FinishAll();
            if (Progress.Completed() is ProgressRecord done)
            {
                WriteProgress(done);
            }

            base.End();
        }

        private void Start(TTarget target)
        {
            Progress.Started(Token(target)?.ListingTotal);
            Changes.Start(target, cancel => ChangeAsync(target, cancel));
        }

        private void Finished()
        {
            if (Progress.Finished() is ProgressRecord progress)
            {
                WriteProgress(progress);
            }
        }
    }
}
