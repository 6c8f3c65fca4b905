using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat
{
    /// <summary>
    /// Calls to Hub that run at the same time, up to a limit, and are finished on the pipeline
    /// thread in the order they were started, so output and errors follow the input even though
    /// the requests overlap. Bulk changes and the detail reads of a listing use it.
    /// </summary>
    internal sealed class OrderedCalls<TItem, TResult>
    {
        private readonly HubCmdlet _cmdlet;
        private readonly Func<int> _limit;
        private readonly Func<TItem, object?> _errorTarget;
        private readonly Action<TItem, TResult> _done;
        private readonly Action? _finished;
        private readonly Queue<(TItem Item, Task<TResult> Task)> _pending = new Queue<(TItem, Task<TResult>)>();

        /// <param name="limit">How many may run at once (read at each start).</param>
        /// <param name="errorTarget">The TargetObject of the error a failed call writes.</param>
        /// <param name="done">On the pipeline thread, with the result of each call that succeeded, in turn.</param>
        /// <param name="finished">On the pipeline thread, after each call, failed or not.</param>
        public OrderedCalls(HubCmdlet cmdlet, Func<int> limit, Func<TItem, object?> errorTarget, Action<TItem, TResult> done, Action? finished = null)
        {
            _cmdlet = cmdlet;
            _limit = limit;
            _errorTarget = errorTarget;
            _done = done;
            _finished = finished;
        }

        public int Started { get; private set; }

        /// <summary>Starts the call once there is room, finishing those at the head of the line meanwhile.</summary>
        public void Start(TItem item, Func<CancellationToken, Task<TResult>> call)
        {
            // A slow head of the line must not let finished results pile up without bound.
            var limit = _limit();
            FinishUntil(() => _pending.Count(p => !p.Task.IsCompleted) < limit && _pending.Count < limit * 8);
            Started++;
            _pending.Enqueue((item, _cmdlet.Start(cancel => Task.Run(() => call(cancel)))));
        }

        /// <summary>Waits for every call and finishes it.</summary>
        public void FinishAll() => FinishUntil(() => _pending.Count == 0);

        // Writes what the running calls report, and finishes those at the head of the line that
        // are done, until there is room for what the caller wants.
        private void FinishUntil(Func<bool> enough)
        {
            while (true)
            {
                _cmdlet.Pump(() => _pending.Count == 0 || _pending.Peek().Task.IsCompleted || enough(), stoppable: true);
                while (_pending.Count > 0 && _pending.Peek().Task.IsCompleted)
                {
                    var (item, task) = _pending.Dequeue();
                    Finish(item, task);
                }

                if (enough())
                {
                    return;
                }
            }
        }

        private void Finish(TItem item, Task<TResult> task)
        {
            _finished?.Invoke();
            if (task.Exception?.GetBaseException() is HubException hub)
            {
                if (HubErrors.StopsPipeline(hub))
                {
                    _cmdlet.CancelAll(); // the others would fail the same way
                }

                _cmdlet.WriteHubError(hub, _errorTarget(item));
                return;
            }

            if (task.IsCanceled)
            {
                throw new System.Management.Automation.PipelineStoppedException();
            }

            _done(item, _cmdlet.Result(task));
        }
    }
}
