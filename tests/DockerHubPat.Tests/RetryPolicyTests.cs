using System;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    /// <summary>
    /// How long a 429 (or 503) asks to wait, in every header form Hub has used, the
    /// retry backoff, and the rate gate all workers of a session share. A fixed "now" keeps every
    /// expected wait exact.
    /// </summary>
    public class RetryPolicyTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

        private static string Unix(DateTimeOffset at) => at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        [Theory]
        [InlineData("5", 5.0)]
        [InlineData("0", 0.0)]
        [InlineData("1.5", 1.5)]
        [InlineData(" 7 ", 7.0)]
        [InlineData("60", 60.0)]
        public void RetryAfterSecondsIsThatWait(string header, double seconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), RetryPolicy.RequestedWait(header, null, null, Now));
        }

        [Fact]
        public void RetryAfterHttpDateIsTheTimeUntilThen()
        {
            Assert.Equal(TimeSpan.FromSeconds(30), RetryPolicy.RequestedWait("Wed, 01 Jan 2025 12:00:30 GMT", null, null, Now));
        }

        [Fact]
        public void RetryAfterHttpDateInThePastIsNoWait()
        {
            Assert.Equal(TimeSpan.Zero, RetryPolicy.RequestedWait("Wed, 01 Jan 2025 11:59:00 GMT", null, null, Now));
        }

        [Fact]
        public void RetryAfterGivenAsUnixTimeIsReadAsAPointInTime()
        {
            Assert.Equal(TimeSpan.FromSeconds(42), RetryPolicy.RequestedWait(Unix(Now.AddSeconds(42)), null, null, Now));
        }

        [Fact]
        public void XRetryAfterUnixTimeInTheFutureIsTheTimeUntilThen()
        {
            Assert.Equal(TimeSpan.FromSeconds(7), RetryPolicy.RequestedWait(null, Unix(Now.AddSeconds(7)), null, Now));
        }

        [Fact]
        public void XRetryAfterUnixTimeInThePastIsNoWait()
        {
            Assert.Equal(TimeSpan.Zero, RetryPolicy.RequestedWait(null, Unix(Now.AddSeconds(-30)), null, Now));
        }

        [Fact]
        public void XRetryAfterWithFractionalUnixTimeKeepsTheFraction()
        {
            var value = (Now.ToUnixTimeMilliseconds() / 1000.0 + 2.5).ToString("0.0", CultureInfo.InvariantCulture);
            Assert.Equal(TimeSpan.FromSeconds(2.5), RetryPolicy.RequestedWait(null, value, null, Now));
        }

        [Fact]
        public void XRateLimitResetAloneIsTheTimeUntilTheWindowEnds()
        {
            Assert.Equal(TimeSpan.FromSeconds(15), RetryPolicy.RequestedWait(null, null, Unix(Now.AddSeconds(15)), Now));
        }

        [Fact]
        public void XRateLimitResetInThePastIsNoWait()
        {
            Assert.Equal(TimeSpan.Zero, RetryPolicy.RequestedWait(null, null, Unix(Now.AddMinutes(-5)), Now));
        }

        [Fact]
        public void RetryAfterComesFirst()
        {
            var wait = RetryPolicy.RequestedWait("3", Unix(Now.AddSeconds(100)), Unix(Now.AddSeconds(200)), Now);
            Assert.Equal(TimeSpan.FromSeconds(3), wait);
        }

        [Fact]
        public void XRetryAfterComesBeforeXRateLimitReset()
        {
            var wait = RetryPolicy.RequestedWait(null, Unix(Now.AddSeconds(4)), Unix(Now.AddSeconds(200)), Now);
            Assert.Equal(TimeSpan.FromSeconds(4), wait);
        }

        [Fact]
        public void AnUnreadableRetryAfterFallsBackToTheNextHeader()
        {
            Assert.Equal(TimeSpan.FromSeconds(9), RetryPolicy.RequestedWait("soon", Unix(Now.AddSeconds(9)), null, Now));
            Assert.Equal(TimeSpan.FromSeconds(11), RetryPolicy.RequestedWait("soon", "later", Unix(Now.AddSeconds(11)), Now));
        }

        [Theory]
        [InlineData("soon")]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("-5")]
        [InlineData("NaN")]
        [InlineData("5 seconds")]
        [InlineData("Too Many Requests (HAP429).")]
        public void GarbageIsNoAnswer(string header)
        {
            Assert.Null(RetryPolicy.RequestedWait(header, null, null, Now));
            Assert.Null(RetryPolicy.RequestedWait(null, header, null, Now));
            Assert.Null(RetryPolicy.RequestedWait(null, null, header, Now));
        }

        [Fact]
        public void NoHeaderIsNoAnswer()
        {
            Assert.Null(RetryPolicy.RequestedWait(null, null, null, Now));
        }

        // A header from a broken proxy, or a reset time given in milliseconds (as some APIs do),
        // must not crash the request: any answer is fine except an exception.
        [Theory]
        [InlineData("1735732800000")]
        [InlineData("99999999999999999999")]
        [InlineData("Infinity")]
        public void AbsurdNumbersDoNotThrow(string header)
        {
            var waits = new[]
            {
                RetryPolicy.RequestedWait(header, null, null, Now),
                RetryPolicy.RequestedWait(null, header, null, Now),
                RetryPolicy.RequestedWait(null, null, header, Now),
            };
            Assert.All(waits, wait => Assert.True(wait is null || wait.Value >= TimeSpan.Zero));
        }

        [Theory]
        [InlineData(1, 500)]
        [InlineData(2, 1000)]
        [InlineData(3, 2000)]
        [InlineData(4, 4000)]
        [InlineData(5, 8000)]
        [InlineData(6, 15000)]
        [InlineData(10, 15000)]
        [InlineData(1000, 15000)]
        [InlineData(int.MaxValue, 15000)]
        public void BackoffStaysWithinHalfAStepAndAStep(int retry, int stepMs)
        {
            var policy = new RetryPolicy();
            for (var i = 0; i < 500; i++)
            {
                var delay = policy.Backoff(retry).TotalMilliseconds;
                Assert.InRange(delay, stepMs / 2.0, stepMs);
            }
        }

        [Fact]
        public void BackoffGrowsWithEachRetryUntilTheCap()
        {
            var policy = new RetryPolicy();
            var samples = Enumerable.Range(1, 5)
                .Select(retry => Enumerable.Range(0, 300).Select(_ => policy.Backoff(retry)).ToList())
                .ToList();

            // Steps 0.5, 1, 2, 4, 8 s: with equal jitter the least wait of a retry is the most of the one before.
            for (var i = 1; i < samples.Count; i++)
            {
                Assert.True(samples[i].Min() >= samples[i - 1].Max(), $"retry {i + 1} waited less than retry {i}");
            }

            // From the 6th retry on, the step is the 15 s cap.
            foreach (var retry in new[] { 6, 7, 12, 30 })
            {
                for (var i = 0; i < 100; i++)
                {
                    Assert.InRange(policy.Backoff(retry), TimeSpan.FromSeconds(7.5), TimeSpan.FromSeconds(15));
                }
            }
        }

        [Fact]
        public void BackoffIsJittered()
        {
            var policy = new RetryPolicy();
            var distinct = Enumerable.Range(0, 50).Select(_ => policy.Backoff(3)).Distinct().Count();
            Assert.True(distinct > 1, "workers that failed together would retry together");
        }

        [Fact]
        public void BackoffFollowsTheBaseDelay()
        {
            var policy = new RetryPolicy { BaseDelay = TimeSpan.FromMilliseconds(100) };
            for (var i = 0; i < 200; i++)
            {
                Assert.InRange(policy.Backoff(3).TotalMilliseconds, 200, 400);
            }
        }

        [Fact]
        public void BackoffForRetryZeroOrLessIsTheFirstStep()
        {
            var policy = new RetryPolicy();
            Assert.InRange(policy.Backoff(0).TotalMilliseconds, 250, 500);
            Assert.InRange(policy.Backoff(-3).TotalMilliseconds, 250, 500);
        }

        [Fact]
        public void DefaultsAreTheDocumentedOnes()
        {
            var policy = new RetryPolicy();
            Assert.Equal(4, policy.MaximumRetryCount);
            Assert.Equal(TimeSpan.FromSeconds(30), policy.Timeout);
            Assert.Equal(TimeSpan.FromSeconds(300), policy.MaximumRateLimitWait);
            Assert.True(RetryPolicy.UnspecifiedRateLimitWait > TimeSpan.Zero);
        }
    }

    /// <summary>The pause every request of a session honours after a 429.</summary>
    public class RateGateTests
    {
        // With a cancelled token, WaitAsync returns at once when the gate is open and is cancelled
        // when it is closed: a way to look at the gate without waiting on a clock.
        private static bool IsClosed(RateGate gate)
        {
            var task = gate.WaitAsync(new CancellationToken(true));
            if (task.IsCompletedSuccessfully)
            {
                return false;
            }

            Assert.True(task.IsCanceled || task.IsFaulted, "a closed gate with a cancelled token must not wait");
            return true;
        }

        [Fact]
        public void ANewGateIsOpen()
        {
            Assert.False(IsClosed(new RateGate()));
        }

        [Fact]
        public void PauseForClosesTheGate()
        {
            var gate = new RateGate();
            gate.PauseFor(TimeSpan.FromMinutes(10));
            Assert.True(IsClosed(gate));
        }

        [Fact]
        public void AZeroOrNegativePauseLeavesTheGateOpen()
        {
            var gate = new RateGate();
            gate.PauseFor(TimeSpan.Zero);
            gate.PauseFor(TimeSpan.FromSeconds(-5));
            Assert.False(IsClosed(gate));
        }

        [Fact]
        public void AShorterPauseNeverShortensALongerOne()
        {
            var gate = new RateGate();
            gate.PauseFor(TimeSpan.FromMinutes(10));
            gate.PauseFor(TimeSpan.FromMilliseconds(1));
            gate.PauseFor(TimeSpan.Zero);
            Thread.Sleep(50);

            Assert.True(IsClosed(gate), "the 10-minute pause must still hold");
        }

        [Fact]
        public void ALongerPauseExtendsAShorterOne()
        {
            var gate = new RateGate();
            gate.PauseFor(TimeSpan.FromMilliseconds(1));
            gate.PauseFor(TimeSpan.FromMinutes(10));
            Thread.Sleep(50);

            Assert.True(IsClosed(gate));
        }

        [Fact]
        public async Task TheGateOpensWhenThePauseHasPassed()
        {
            var gate = new RateGate();
            gate.PauseFor(TimeSpan.FromMilliseconds(100));

            var waiters = Enumerable.Range(0, 5).Select(_ => gate.WaitAsync(CancellationToken.None)).ToArray();
            var all = Task.WhenAll(waiters);

            // A hang guard, not a timing assertion.
            Assert.Same(all, await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(30))));
            Assert.False(IsClosed(gate));
        }

        [Fact]
        public async Task WaitingCanBeCancelled()
        {
            var gate = new RateGate();
            gate.PauseFor(TimeSpan.FromMinutes(10));
            using var cancel = new CancellationTokenSource();
            var waiting = gate.WaitAsync(cancel.Token);
            Assert.False(waiting.IsCompleted);

            cancel.Cancel();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        }
    }
}
