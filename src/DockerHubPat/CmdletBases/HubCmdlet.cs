using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>
    /// Base of every cmdlet that talks to Hub: Ctrl+C cancels the request in flight, work on other
    /// threads writes through one pump, and Hub failures become ErrorRecords with the module's ErrorIds.
    /// </summary>
    public abstract class HubCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource _stopping = new CancellationTokenSource();
        private readonly PipelinePump _pump = new PipelinePump();

        /// <summary>Cancelled when the user presses Ctrl+C.</summary>
        protected CancellationToken Cancellation => _stopping.Token;

        /// <inheritdoc />
        protected override void StopProcessing() => _stopping.Cancel();

        // Subclasses write Begin/Process/End, so anything below them can end the command with
        // `throw Terminate(record)` and still return a value on every other path.
        /// <inheritdoc />
        protected sealed override void BeginProcessing() => Run(Begin);

        /// <inheritdoc />
        protected sealed override void ProcessRecord() => Run(Process);

        /// <inheritdoc />
        protected sealed override void EndProcessing() => Run(End);

        /// <summary>BeginProcessing of this cmdlet.</summary>
        protected virtual void Begin()
        {
        }

        /// <summary>ProcessRecord of this cmdlet.</summary>
        protected virtual void Process()
        {
        }

        /// <summary>EndProcessing of this cmdlet.</summary>
        protected virtual void End()
        {
        }

        /// <summary>The exception that, thrown from Begin/Process/End, ends the command with this error.</summary>
        internal static Exception Terminate(ErrorRecord record) => new TerminatingError(record);

        /// <summary>Whether the user gave the parameter (a default value does not count).</summary>
        internal bool IsBound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        /// <summary>Whether -WhatIf is in effect, given to this command or inherited through $WhatIfPreference.</summary>
        internal bool WhatIfRequested() =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
                ? LanguagePrimitives.IsTrue(bound)
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));

        /// <summary>Whether WriteVerbose reaches anyone, so work done only for a verbose message can be skipped.</summary>
        internal bool VerboseWanted()
        {
            if (MyInvocation.BoundParameters.TryGetValue("Verbose", out var bound))
            {
                return LanguagePrimitives.IsTrue(bound);
            }

            return LanguagePrimitives.TryConvertTo<ActionPreference>(GetVariableValue("VerbosePreference"), out var preference)
                && preference != ActionPreference.SilentlyContinue && preference != ActionPreference.Ignore;
        }

        /// <summary>Cancels every request of this command, as Ctrl+C does.</summary>
        internal void CancelAll() => _stopping.Cancel();

        /// <inheritdoc />
        public void Dispose()
        {
            // A command that ends early (an error under -ErrorAction Stop) leaves work in flight;
            // it must see that nobody will pump for it again.
            _stopping.Cancel();
            _stopping.Dispose();
            _pump.Dispose();
        }

        /// <summary>
        /// Starts a Hub call with this command's pump as the Hub layer's reporter; the call's
        /// messages wait in the pump until the pipeline thread writes them.
        /// </summary>
        internal Task<T> Start<T>(Func<CancellationToken, Task<T>> call)
        {
            var outer = HubReport.Current;
            HubReport.Current = _pump;
            try
            {
                var task = call(Cancellation);
                _pump.Watch(task);
                return task;
            }
            finally
            {
                HubReport.Current = outer;
            }
        }

        /// <summary>Writes what the started calls posted until <paramref name="done"/>; Ctrl+C stops the wait when <paramref name="stoppable"/>.</summary>
        internal void Pump(Func<bool> done, bool stoppable)
        {
            try
            {
                _pump.RunUntil(this, done, stoppable ? Cancellation : CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>The result of a finished call; its own exception, stack trace kept, when it failed.</summary>
        internal T Result<T>(Task<T> task)
        {
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Runs a Hub call, writing its messages and progress on the pipeline thread while it runs.</summary>
        internal T Wait<T>(Func<CancellationToken, Task<T>> call)
        {
            var task = Start(call);
            Pump(() => task.IsCompleted, stoppable: false);
            return Result(task);
        }

        /// <summary>
        /// Runs <paramref name="ask"/> on the pipeline thread for a call that waits while the pump runs
        /// (a prompt, a vault). When <paramref name="cancel"/> fires first, the task is cancelled and
        /// <paramref name="ask"/> never runs: a stopped command pumps no more. Once it runs, it finishes.
        /// </summary>
        internal Task<T> OnPipelineThread<T>(Func<T> ask, CancellationToken cancel = default)
        {
            var answer = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
            var cancelled = cancel.Register(() => answer.TrySetCanceled());
            _pump.Post(_ =>
            {
                // After this, a cancellation can no longer claim the answer of an ask that ran.
                cancelled.Dispose();
                if (answer.Task.IsCompleted)
                {
                    return;
                }

                try
                {
                    answer.SetResult(ask());
                }
                catch (Exception ex)
                {
                    answer.SetException(ex);
                }
            });
            return answer.Task;
        }

        /// <summary>
        /// Reports a failed call for one item: terminating when every later item would fail the
        /// same way (the session is refused), otherwise non-terminating so a bulk pipeline goes on.
        /// </summary>
        internal void WriteHubError(HubException ex, object? target)
        {
            var record = HubErrors.FromHub(ex, target);
            // Hub's own text ("Not found.") does not say what was missing.
            if (ex.Failure == HubFailure.NotFound && target is Guid id)
            {
                record.ErrorDetails = new ErrorDetails($"No access token with id {id} exists on this Docker Hub account.");
            }
            else if (ex.Failure == HubFailure.NotFound && target is OrgAccessTokenIdentity token)
            {
                record.ErrorDetails = new ErrorDetails($"No organization access token with id {token.Id} exists in the organization '{token.Organization}'.");
            }

            if (HubErrors.StopsPipeline(ex))
            {
                throw Terminate(record);
            }

            WriteError(record);
        }

        private void Run(Action step)
        {
            try
            {
                step();
            }
            catch (TerminatingError stop)
            {
                ThrowTerminatingError(stop.Record);
            }
        }

        private sealed class TerminatingError : Exception
        {
            public TerminatingError(ErrorRecord record)
                : base(record.Exception.Message) => Record = record;

            public ErrorRecord Record { get; }
        }
    }

    /// <summary>Base of the token cmdlets: they all work on a session.</summary>
    public abstract class HubTokenCmdlet : HubCmdlet
    {
        /// <summary>The session to use, as returned by Connect-HubAccount -PassThru; defaults to the session Connect-HubAccount last opened in this runspace.</summary>
        [Parameter]
        [ValidateNotNull]
        public HubSession? Session { get; set; }

        private HubSession? _resolved;

        /// <summary>Fails before any pipeline input is read when there is no session.</summary>
        protected override void Begin() => _ = ActiveSession;

        /// <summary>The -Session given, else this runspace's current one; a terminating error when there is none.</summary>
        internal HubSession ActiveSession => _resolved ??= Session ?? RunspaceSession.Of(SessionState.PSVariable)
            ?? throw Terminate(HubErrors.Create(ErrorIds.HubNotConnected, ErrorCategory.AuthenticationError,
                "There is no Docker Hub session. Run Connect-HubAccount first, or pass -Session.", null));

        /// <summary>The session's tokens on Hub.</summary>
        internal AccessTokens Tokens => ActiveSession.Tokens;

        /// <summary>An organization's tokens on Hub, through the session.</summary>
        internal OrgAccessTokens OrgTokens(string organization) => ActiveSession.OrgTokens(OrgTokenInput.OrganizationName(organization));

        /// <summary>Calls Hub for one item; on failure reports it and returns false.</summary>
        internal bool TryCall<T>(object? target, Func<AccessTokens, CancellationToken, Task<T>> call, out T result)
        {
            var tokens = Tokens;
            try
            {
                result = Wait(cancel => call(tokens, cancel));
                return true;
            }
            catch (HubException ex)
            {
                WriteHubError(ex, target);
                result = default!;
                return false;
            }
        }

        /// <summary>A token changed on Hub: tab completion must list again.</summary>
        internal void TokensChanged() => TokenCompleter.Forget(ActiveSession);
    }
}
