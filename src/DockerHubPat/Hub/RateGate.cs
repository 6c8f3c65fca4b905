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

        public void PauseFor(TimeSpan wait)
        {
            var until = DateTimeOffset.UtcNow + wait;
            lock (_lock)
            {
                if (until > _openAt)
                {
                    _openAt = until;
                }
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

                await Task.Delay(wait, cancel).ConfigureAwait(false);
            }
        }
    }
}
