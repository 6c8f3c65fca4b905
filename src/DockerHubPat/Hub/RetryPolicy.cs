using System;
using System.Globalization;

namespace DockerHubPat.Hub
{
    /// <summary>How hard a client tries before giving up; the cmdlet layer sets it from the user's parameters.</summary>
    internal sealed class RetryPolicy
    {
        public const int DefaultMaximumRetryCount = 4;
        public const int DefaultTimeoutSec = 30;
        public const int DefaultMaximumRateLimitWaitSec = 300;

        /// <summary>Retries of a request that got no answer, a 5xx or a 408 (not counting waits for 429).</summary>
        public int MaximumRetryCount { get; set; } = DefaultMaximumRetryCount;

        /// <summary>How long one attempt may take.</summary>
        public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(DefaultTimeoutSec);

        /// <summary>The most one request waits in total for Hub's rate limit before it fails.</summary>
        public TimeSpan MaximumRateLimitWait { get; set; } = TimeSpan.FromSeconds(DefaultMaximumRateLimitWaitSec);

        /// <summary>First backoff step; doubles each retry.</summary>
        public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

        private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(15);

        /// <summary>Used when a 429 names no wait: Hub's edge asks for 60 s, its API usually less.</summary>
        public static readonly TimeSpan UnspecifiedRateLimitWait = TimeSpan.FromSeconds(10);

        /// <summary>The least a 429 makes a request wait, whatever it asks (plus up to half of it in jitter).</summary>
        public static readonly TimeSpan MinimumRateLimitWait = TimeSpan.FromSeconds(1);

        /// <summary>The 429 answers one request may absorb before it fails, however short the waits.</summary>
        public const int MaximumRateLimitAnswers = 8;

        /// <summary>The longest wait a 5xx may ask for (Retry-After); a longer one fails the request at once.</summary>
        public static readonly TimeSpan MaximumServerWait = TimeSpan.FromSeconds(60);

        /// <summary>Any wait read from a header is at most this: longer than any cap, short enough for every timer.</summary>
        public static readonly TimeSpan Absurd = TimeSpan.FromDays(365);

        // Task.Delay takes at most int.MaxValue milliseconds (24.8 days).
        private static readonly TimeSpan LongestTimer = TimeSpan.FromDays(1);

        private static readonly double MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

        [ThreadStatic] private static Random? _random;

        /// <summary>
        /// Exponential backoff with "equal jitter": half the step is fixed, half random, so workers
        /// that failed together do not retry together.
        /// </summary>
        public TimeSpan Backoff(int retry)
        {
            var step = Math.Min(BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Max(0, retry - 1)), MaxBackoff.TotalMilliseconds);
            return TimeSpan.FromMilliseconds(step / 2 + Random().NextDouble() * step / 2);
        }

        /// <summary>The rate-limit floor with jitter, so workers refused together do not all come back together.</summary>
        public TimeSpan RateLimitFloor() => TimeSpan.FromMilliseconds(MinimumRateLimitWait.TotalMilliseconds * (1 + Random().NextDouble() / 2));

        /// <summary>A wait as a timer can take it: never negative, never beyond a day.</summary>
        public static TimeSpan ForTimer(TimeSpan wait) => wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestTimer ? LongestTimer : wait;

        private static Random Random() => _random ??= new Random(Guid.NewGuid().GetHashCode());

        /// <summary>
        /// The wait a 429 (or 503) asks for, at most <see cref="Absurd"/>. The current spec says `Retry-After` in seconds; the
        /// 2025 spec said `X-Retry-After` as a unix time; `X-RateLimit-Reset` is a unix time. Each is
        /// read defensively: a small number is seconds, a large one a unix time, and a date is a date.
        /// </summary>
        public static TimeSpan? RequestedWait(string? retryAfter, string? xRetryAfter, string? rateLimitReset, DateTimeOffset now)
        {
            return Parse(retryAfter, now) ?? Parse(xRetryAfter, now) ?? Parse(rateLimitReset, now);
        }

        private static TimeSpan? Parse(string? value, DateTimeOffset now)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                return null;
            }

            value = value!.Trim();
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0)
            {
                // Beyond any real wait: long enough that the request fails at the cap, not with an overflow.
                if (double.IsInfinity(number) || number > MaxUnixSeconds)
                {
                    return Absurd;
                }

                // Anything past 2001-09-09 as a unix time is a point in time, not a wait.
                var wait = number >= 1_000_000_000
                    ? DateTimeOffset.FromUnixTimeMilliseconds((long)(number * 1000)) - now
                    : TimeSpan.FromSeconds(Math.Min(number, Absurd.TotalSeconds));
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Absurd ? Absurd : wait;
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var wait = date - now;
                return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > Absurd ? Absurd : wait;
            }

            return null;
        }
    }
}
