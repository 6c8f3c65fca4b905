using System;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Hub
{
    /// <summary>
    /// One pause shared by every request of a session: when Hub says "slow down", all concurrent
    /// workers wait together instead of each hammering it and collecting its own 429.
    /// </summary>
    internal sealed class RateGate
    {
        private readonly object _lock = new object();
        private DateTimeOffset _openAt = DateTimeOffset.MinValue;

        /// <summary>Closes the gate for <paramref name="wait"/>; false when it was already closed at least that long.</summary>
        public bool PauseFor(TimeSpan wait)
        {
            var until = DateTimeOffset.UtcNow + RetryPolicy.ForTimer(wait);
            lock (_lock)
            {
                if (until <= _openAt)
                {
                    return false;
                }

                _openAt = until;
                return true;
            }
        }

        /// <summary>How long the gate stays closed from now (zero or less when open).</summary>
        public TimeSpan ClosedFor()
        {
            lock (_lock)
            {
                return _openAt - DateTimeOffset.UtcNow;
            }
        }

        public async Task WaitAsync(CancellationToken cancel)
        {
            while (true)
            {
                TimeSpan wait;
                lock (_lock)
                {
                    wait = _openAt - DateTimeOffset.UtcNow;
                }

                if (wait <= TimeSpan.Zero)
                {
                    return;
                }

                await Task.Delay(RetryPolicy.ForTimer(wait), cancel).ConfigureAwait(false);
            }
        }
    }
}
