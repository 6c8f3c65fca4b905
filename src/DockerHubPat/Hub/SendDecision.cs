using System;
using System.Globalization;
using System.Net.Http;

namespace DockerHubPat.Hub
{
    /// <summary>What the send loop does after one attempt.</summary>
    internal enum NextStep
    {
        /// <summary>Hand the answer to the caller (which maps a failure status to an exception).</summary>
        Return,
        /// <summary>Hub may have done it already: an earlier attempt's answer was lost. Report success.</summary>
        ReturnDone,
        /// <summary>Send again after <see cref="SendDecision.Delay"/>.</summary>
        Retry,
        /// <summary>Pause every request of the session for <see cref="SendDecision.Delay"/>, then send again.</summary>
        WaitForRateLimit,
        /// <summary>Sign in again and send again; when that is not possible, throw <see cref="SendDecision.Failure"/>.</summary>
        Renew,
        /// <summary>Throw <see cref="SendDecision.Failure"/>.</summary>
        Fail,
    }

    /// <summary>One attempt's result as the decision sees it: a status and the wait headers, or no answer at all.</summary>
    internal sealed class SendOutcome
    {
        public HttpMethod Method { get; set; } = HttpMethod.Get;

        /// <summary>A request that changes nothing twice when sent twice (everything but a token create).</summary>
        public bool Repeatable { get; set; } = true;

        /// <summary>Whether the request carried the session's bearer (a 401 can then be renewed).</summary>
        public bool WithCredentials { get; set; }

        /// <summary>The HTTP status, or null when no answer came (<see cref="NoAnswer"/> says why).</summary>
        public int? Status { get; set; }

        public HubException? NoAnswer { get; set; }

        /// <summary>The request provably never reached Hub (the connection was refused before anything was sent).</summary>
        public bool NotSent => NoAnswer?.NotSent == true;

        /// <summary>A change to an existing thing, which an attempt whose answer was lost may have made.</summary>
        public bool Changes => Method.Method == "PATCH" || Method.Method == "DELETE" || Method.Method == "PUT";

        /// <summary>A password or 2FA code is sent (a POST without the session's bearer): never re-sent after a 429.</summary>
        public bool SignIn => Method == HttpMethod.Post && !WithCredentials;

        /// <summary>Hub's own words about a refusal (never read from a 2xx body, which may hold a secret).</summary>
        public string? HubSays { get; set; }

        public string? RetryAfter { get; set; }
        public string? XRetryAfter { get; set; }
        public string? RateLimitReset { get; set; }

        /// <summary>"remove access token …", for messages.</summary>
        public string What { get; set; } = "";

        /// <summary>The account, for messages.</summary>
        public string? Username { get; set; }
    }

    /// <summary>What happened so far to one logical request; each decision returns the next state.</summary>
    internal readonly struct AttemptState
    {
        public AttemptState(int retries, bool maybeApplied, bool renewed, TimeSpan rateLimitWaited, int rateLimitAnswers = 0)
        {
            Retries = retries;
            MaybeApplied = maybeApplied;
            Renewed = renewed;
            RateLimitWaited = rateLimitWaited;
            RateLimitAnswers = rateLimitAnswers;
        }

        public static AttemptState First => default;

        /// <summary>Retries after no answer, a 5xx or a 408 (rate-limit waits do not count).</summary>
        public int Retries { get; }

        /// <summary>An earlier attempt may have reached Hub although its answer was lost.</summary>
        public bool MaybeApplied { get; }

        public bool Renewed { get; }

        public TimeSpan RateLimitWaited { get; }

        /// <summary>429 answers this request has had.</summary>
        public int RateLimitAnswers { get; }

        /// <param name="reachedHub">False when the attempt provably never reached Hub.</param>
        public AttemptState Retried(bool reachedHub = true) =>
            new AttemptState(Retries + 1, MaybeApplied || reachedHub, Renewed, RateLimitWaited, RateLimitAnswers);

        public AttemptState RenewedOnce() => new AttemptState(Retries, MaybeApplied, true, RateLimitWaited, RateLimitAnswers);

        public AttemptState Waited(TimeSpan wait) => new AttemptState(Retries, MaybeApplied, Renewed, RateLimitWaited + wait, RateLimitAnswers + 1);
    }

    /// <summary>
    /// The rules of the send loop as one pure function of (outcome, state, policy, now): waits out
    /// 429s up to the policy's total (each wait at least a second, at most a few answers), retries
    /// what is safe to retry (waiting what a 5xx asks, within a cap), renews a refused session
    /// once, never re-sends a create that may have reached Hub nor a password after a 429, and
    /// takes a 404 on a retried delete as done.
    /// </summary>
    internal sealed class SendDecision
    {
        private SendDecision(NextStep step, AttemptState state, TimeSpan delay = default, HubException? failure = null, string? reason = null)
        {
            Step = step;
            State = state;
            Delay = delay;
            Failure = failure;
            Reason = reason;
        }

        public NextStep Step { get; }

        /// <summary>The state for the next attempt.</summary>
        public AttemptState State { get; }

        public TimeSpan Delay { get; }

        public HubException? Failure { get; }

        /// <summary>Why a retry happens, for the verbose message.</summary>
        public string? Reason { get; }

        public static SendDecision Decide(SendOutcome outcome, AttemptState state, RetryPolicy policy, DateTimeOffset now)
        {
            if (outcome.Status is null)
            {
                return NoAnswer(outcome, state, policy);
            }

            var status = outcome.Status.Value;
            if (status == 429)
            {
                return outcome.SignIn ? SignInRefused(outcome, state) : RateLimited(outcome, state, policy, now);
            }

            if ((status >= 500 || status == 408) && (!outcome.Repeatable || state.Retries < policy.MaximumRetryCount))
            {
                if (!outcome.Repeatable)
                {
                    return Fail(state, new HubException(HubFailure.OutcomeUnknown, $"Docker Hub answered {status} to the request to {outcome.What}.", status));
                }

                var asked = RetryPolicy.RequestedWait(outcome.RetryAfter, null, null, now);
                if (asked > RetryPolicy.MaximumServerWait)
                {
                    return Fail(state, new HubException(HubFailure.Unavailable,
                        $"Docker Hub answered {status} to the request to {outcome.What} and asks to wait {Seconds(asked.Value)} before trying again, " +
                        $"more than the {RetryPolicy.MaximumServerWait.TotalSeconds:0} s this module waits for Hub to recover.{Said(outcome)}", status));
                }

                var next = state.Retried();
                var backoff = policy.Backoff(next.Retries);
                return new SendDecision(NextStep.Retry, next, asked > backoff ? asked.Value : backoff, reason: $"Docker Hub answered {status}");
            }

            if (status == 401 && outcome.WithCredentials)
            {
                var refused = new HubException(HubFailure.Unauthorized,
                    $"Docker Hub no longer accepts the session of '{outcome.Username}' (401 Unauthorized, trying to {outcome.What}); it has expired or was revoked.", 401);
                return state.Renewed ? Fail(state, refused) : new SendDecision(NextStep.Renew, state.RenewedOnce(), failure: refused);
            }

            // An earlier attempt may have deleted it before its answer was lost.
            if (status == 404 && outcome.Method == HttpMethod.Delete && state.MaybeApplied)
            {
                return new SendDecision(NextStep.ReturnDone, state);
            }

            return new SendDecision(NextStep.Return, state);
        }

        /// <summary>
        /// How long to hold back the session's next requests after an answer, so a bulk run stays
        /// inside Hub's rate limit instead of collecting 429s: when the requests already in flight
        /// will use up what X-RateLimit-Remaining leaves, wait until X-RateLimit-Reset (at most the
        /// policy's rate-limit wait). Null when there is room, or the headers say nothing usable.
        /// </summary>
        public static TimeSpan? Pace(string? remaining, string? reset, int othersInFlight, RetryPolicy policy, DateTimeOffset now)
        {
            if (!long.TryParse(remaining?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var left) || left > othersInFlight)
            {
                return null;
            }

            // The reset is a whole-second unix time; a little beyond it, the window has surely turned.
            var untilReset = RetryPolicy.RequestedWait(null, null, reset, now);
            if (untilReset is null)
            {
                return null;
            }

            var wait = untilReset.Value + PaceMargin;
            return wait > policy.MaximumRateLimitWait ? policy.MaximumRateLimitWait : wait;
        }

        private static readonly TimeSpan PaceMargin = TimeSpan.FromMilliseconds(250);

        private static SendDecision NoAnswer(SendOutcome outcome, AttemptState state, RetryPolicy policy)
        {
            var failure = outcome.NoAnswer ?? new HubException(HubFailure.Unavailable, $"Docker Hub did not answer the request to {outcome.What}.");

            // A create is sent again only when the attempt provably never reached Hub.
            if (!outcome.Repeatable && !outcome.NotSent)
            {
                return Fail(state, new HubException(HubFailure.OutcomeUnknown, $"Docker Hub did not answer the request to {outcome.What}.", null, null, failure));
            }

            if (state.Retries >= policy.MaximumRetryCount)
            {
                if (outcome.NotSent && !state.MaybeApplied)
                {
                    return Fail(state, failure.WithMessage(failure.Message + " The request never reached Docker Hub, so nothing was changed, and it is safe to run the command again."));
                }

                return Fail(state, state.MaybeApplied && outcome.Changes ? failure.MaybeAppliedBefore() : failure);
            }

            var next = state.Retried(reachedHub: !outcome.NotSent);
            return new SendDecision(NextStep.Retry, next, policy.Backoff(next.Retries), reason: failure.Message);
        }

        private static SendDecision RateLimited(SendOutcome outcome, AttemptState state, RetryPolicy policy, DateTimeOffset now)
        {
            var asked = RetryPolicy.RequestedWait(outcome.RetryAfter, outcome.XRetryAfter, outcome.RateLimitReset, now) ?? RetryPolicy.UnspecifiedRateLimitWait;

            // "Retry-After: 0", or a reset already past by our clock, would re-send at once, forever.
            var wait = asked >= RetryPolicy.MinimumRateLimitWait ? asked : policy.RateLimitFloor();
            if (state.RateLimitAnswers >= RetryPolicy.MaximumRateLimitAnswers)
            {
                return Fail(state, new HubException(HubFailure.RateLimited,
                    $"Docker Hub's rate limit stopped the request to {outcome.What}: it answered 429 {state.RateLimitAnswers + 1} times, " +
                    $"after waits of {state.RateLimitWaited.TotalSeconds:0} s in all.", 429));
            }

            if (state.RateLimitWaited + wait > policy.MaximumRateLimitWait)
            {
                return Fail(state, new HubException(HubFailure.RateLimited,
                    $"Docker Hub's rate limit stopped the request to {outcome.What}: it asks to wait {Seconds(wait)} more, and this request already waited " +
                    $"{state.RateLimitWaited.TotalSeconds:0} s of the {policy.MaximumRateLimitWait.TotalSeconds:0} s allowed.", 429));
            }

            return new SendDecision(NextStep.WaitForRateLimit, state.Waited(wait), wait);
        }

        // A 429 to a sign-in is most often Hub locking the account after failed attempts, and it
        // sends no Retry-After then; sending the password again would only prolong the lock.
        private static SendDecision SignInRefused(SendOutcome outcome, AttemptState state) =>
            Fail(state, new HubException(HubFailure.SignInLocked,
                $"Docker Hub refused to {outcome.What} (429 Too Many Requests): the account is temporarily locked against sign-ins, " +
                $"usually after too many failed attempts.{Said(outcome)} The password was not sent again; try again later.", 429));

        private static string Said(SendOutcome outcome) => string.IsNullOrEmpty(outcome.HubSays) ? "" : " Docker Hub says: " + outcome.HubSays;

        private static string Seconds(TimeSpan wait) =>
            wait >= RetryPolicy.Absurd ? "more than a year" : $"{wait.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";

        private static SendDecision Fail(AttemptState state, HubException failure) => new SendDecision(NextStep.Fail, state, failure: failure);
    }
}
