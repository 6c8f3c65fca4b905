using System;
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
        public AttemptState(int retries, bool maybeApplied, bool renewed, TimeSpan rateLimitWaited)
        {
            Retries = retries;
            MaybeApplied = maybeApplied;
            Renewed = renewed;
            RateLimitWaited = rateLimitWaited;
        }

        public static AttemptState First => default;

        /// <summary>Retries after no answer, a 5xx or a 408 (rate-limit waits do not count).</summary>
        public int Retries { get; }

        /// <summary>An earlier attempt may have reached Hub although its answer was lost.</summary>
        public bool MaybeApplied { get; }

        public bool Renewed { get; }

        public TimeSpan RateLimitWaited { get; }

        public AttemptState Retried() => new AttemptState(Retries + 1, true, Renewed, RateLimitWaited);

        public AttemptState RenewedOnce() => new AttemptState(Retries, MaybeApplied, true, RateLimitWaited);

        public AttemptState Waited(TimeSpan wait) => new AttemptState(Retries, MaybeApplied, Renewed, RateLimitWaited + wait);
    }

    /// <summary>
    /// The rules of the send loop as one pure function of (outcome, state, policy, now): waits out
    /// 429s up to the policy's total, retries what is safe to retry, renews a refused session
    /// once, never re-sends a create, and takes a 404 on a retried delete as done.
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
                return RateLimited(outcome, state, policy, now);
            }

            if ((status >= 500 || status == 408) && (!outcome.Repeatable || state.Retries < policy.MaximumRetryCount))
            {
                if (!outcome.Repeatable)
                {
                    return Fail(state, new HubException(HubFailure.OutcomeUnknown, $"Docker Hub answered {status} to the request to {outcome.What}.", status));
                }

                var asked = RetryPolicy.RequestedWait(outcome.RetryAfter, null, null, now);
                var next = state.Retried();
                return new SendDecision(NextStep.Retry, next, asked ?? policy.Backoff(next.Retries), reason: $"Docker Hub answered {status}");
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

        private static SendDecision NoAnswer(SendOutcome outcome, AttemptState state, RetryPolicy policy)
        {
            var failure = outcome.NoAnswer ?? new HubException(HubFailure.Unavailable, $"Docker Hub did not answer the request to {outcome.What}.");
            if (!outcome.Repeatable)
            {
                return Fail(state, new HubException(HubFailure.OutcomeUnknown, $"Docker Hub did not answer the request to {outcome.What}.", null, null, failure));
            }

            if (state.Retries >= policy.MaximumRetryCount)
            {
                return Fail(state, failure);
            }

            var next = state.Retried();
            return new SendDecision(NextStep.Retry, next, policy.Backoff(next.Retries), reason: failure.Message);
        }

        private static SendDecision RateLimited(SendOutcome outcome, AttemptState state, RetryPolicy policy, DateTimeOffset now)
        {
            var wait = RetryPolicy.RequestedWait(outcome.RetryAfter, outcome.XRetryAfter, outcome.RateLimitReset, now) ?? RetryPolicy.UnspecifiedRateLimitWait;
            if (state.RateLimitWaited + wait > policy.MaximumRateLimitWait)
            {
                return Fail(state, new HubException(HubFailure.RateLimited,
                    $"Docker Hub's rate limit stopped the request to {outcome.What}: it asks to wait {wait.TotalSeconds:0} s more, and this request already waited " +
                    $"{state.RateLimitWaited.TotalSeconds:0} s of the {policy.MaximumRateLimitWait.TotalSeconds:0} s allowed.", 429));
            }

            return new SendDecision(NextStep.WaitForRateLimit, state.Waited(wait), wait);
        }

        private static SendDecision Fail(AttemptState state, HubException failure) => new SendDecision(NextStep.Fail, state, failure: failure);
    }
}
