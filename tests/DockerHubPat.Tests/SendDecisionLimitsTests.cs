using System;
using System.Globalization;
using System.Net.Http;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    /// <summary>
    /// The send loop's limits as tables: the floor and the caps on rate-limit waits, the cap on what
    /// a 5xx may ask, sign-ins never re-sent after a 429, creates re-sent only when they never left,
    /// changes that may have applied, and pacing by X-RateLimit-Remaining.
    /// </summary>
    public class SendDecisionLimitsTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

        private static readonly RetryPolicy Policy = new RetryPolicy
        {
            MaximumRetryCount = 2,
            MaximumRateLimitWait = TimeSpan.FromSeconds(100),
            BaseDelay = TimeSpan.FromMilliseconds(400),
        };

        private static SendOutcome Outcome(string method, int? status, bool withCredentials = true, string? retryAfter = null,
            string? rateLimitReset = null, bool notSent = false, string? hubSays = null) =>
            new SendOutcome
            {
                Method = new HttpMethod(method),
                Repeatable = method != "POST" || !withCredentials,
                WithCredentials = withCredentials,
                Status = status,
                NoAnswer = status is null
                    ? notSent ? HubException.Unsent("Could not connect to Docker Hub.", null) : new HubException(HubFailure.Unavailable, "Could not reach Docker Hub.")
                    : null,
                RetryAfter = retryAfter,
                RateLimitReset = rateLimitReset,
                HubSays = hubSays,
                What = "do it",
                Username = "alice",
            };

        private static string Unix(double secondsFromNow) => Now.AddSeconds(secondsFromNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        // A 429 that asks for no wait, or for a moment already past, still waits 1–1.5 s.
        [Theory]
        [InlineData("0", null)]
        [InlineData("0.2", null)]
        [InlineData(null, -30)]
        [InlineData(null, 0)]
        public void A429ThatAsksForNoWaitWaitsTheFloor(string? retryAfter, int? resetFromNow)
        {
            var reset = resetFromNow is int r ? Unix(r) : null;
            var decision = SendDecision.Decide(Outcome("GET", 429, retryAfter: retryAfter, rateLimitReset: reset), AttemptState.First, Policy, Now);

            Assert.Equal(NextStep.WaitForRateLimit, decision.Step);
            Assert.InRange(decision.Delay.TotalSeconds, 1.0, 1.5);
            Assert.Equal(decision.Delay, decision.State.RateLimitWaited);
            Assert.Equal(1, decision.State.RateLimitAnswers);
        }

        // waited so far, expected step: the floor counts toward the cap
        [Theory]
        [InlineData(98.5, "WaitForRateLimit")]
        [InlineData(99.6, "Fail")]
        [InlineData(100, "Fail")]
        public void TheFloorCountsTowardTheCap(double waited, string step)
        {
            var state = new AttemptState(0, false, false, TimeSpan.FromSeconds(waited), 1);
            var decision = SendDecision.Decide(Outcome("GET", 429, retryAfter: "0"), state, Policy, Now);

            Assert.Equal(Enum.Parse<NextStep>(step), decision.Step);
        }

        // 429 answers so far, expected step
        [Theory]
        [InlineData(0, "WaitForRateLimit")]
        [InlineData(RetryPolicy.MaximumRateLimitAnswers - 1, "WaitForRateLimit")]
        [InlineData(RetryPolicy.MaximumRateLimitAnswers, "Fail")]
        public void ARequestAbsorbsOnlySoMany429s(int answers, string step)
        {
            var state = new AttemptState(0, false, false, TimeSpan.FromSeconds(answers), answers);
            var decision = SendDecision.Decide(Outcome("GET", 429, retryAfter: "1"), state, Policy, Now);

            Assert.Equal(Enum.Parse<NextStep>(step), decision.Step);
            if (decision.Step == NextStep.Fail)
            {
                Assert.Equal(HubFailure.RateLimited, decision.Failure!.Failure);
                Assert.Contains($"answered 429 {answers + 1} times", decision.Failure.Message);
            }
        }

        // Retry-After of a 503, expected step, expected delay in seconds (-1: the backoff)
        [Theory]
        [InlineData("7", "Retry", 7)]
        [InlineData("60", "Retry", 60)]
        [InlineData("61", "Fail", 0)]
        [InlineData("3600", "Fail", 0)]
        [InlineData("40000000", "Fail", 0)]
        [InlineData("1e300", "Fail", 0)]
        [InlineData("0", "Retry", -1)]
        [InlineData(null, "Retry", -1)]
        public void AWaitA5xxAsksForIsCapped(string? retryAfter, string step, double delay)
        {
            var decision = SendDecision.Decide(Outcome("GET", 503, retryAfter: retryAfter), AttemptState.First, Policy, Now);

            Assert.Equal(Enum.Parse<NextStep>(step), decision.Step);
            if (decision.Step == NextStep.Fail)
            {
                Assert.Equal(HubFailure.Unavailable, decision.Failure!.Failure);
                Assert.Contains("asks to wait", decision.Failure.Message);
            }
            else if (delay < 0)
            {
                Assert.InRange(decision.Delay.TotalMilliseconds, 200, 400);
            }
            else
            {
                Assert.Equal(TimeSpan.FromSeconds(delay), decision.Delay);
            }
        }

        [Fact]
        public void AnAbsurdWaitIsSaidInWords()
        {
            var decision = SendDecision.Decide(Outcome("GET", 503, retryAfter: "40000000"), AttemptState.First, Policy, Now);

            Assert.Contains("more than a year", decision.Failure!.Message);
        }

        // Retry-After of a 429 to a sign-in: never waited out, never sent again
        [Theory]
        [InlineData(null)]
        [InlineData("0")]
        [InlineData("5")]
        public void A429ToASignInFailsAtOnceAsALockOut(string? retryAfter)
        {
            var decision = SendDecision.Decide(Outcome("POST", 429, withCredentials: false, retryAfter: retryAfter,
                hubSays: "Too many failed login attempts. Try again later."), AttemptState.First, Policy, Now);

            Assert.Equal(NextStep.Fail, decision.Step);
            Assert.Equal(HubFailure.SignInLocked, decision.Failure!.Failure);
            Assert.Contains("temporarily locked against sign-ins", decision.Failure.Message);
            Assert.Contains("Too many failed login attempts", decision.Failure.Message);
        }

        [Fact]
        public void A429WithCredentialsIsStillARateLimit()
        {
            Assert.Equal(NextStep.WaitForRateLimit, SendDecision.Decide(Outcome("POST", 429), AttemptState.First, Policy, Now).Step);
        }

        // retries so far, expected step: a create that never left is sent again, and only then called safe
        [Theory]
        [InlineData(0, "Retry")]
        [InlineData(2, "Fail")]
        public void ACreateThatNeverReachedHubIsRetried(int retries, string step)
        {
            var decision = SendDecision.Decide(Outcome("POST", null, notSent: true), new AttemptState(retries, false, false, TimeSpan.Zero), Policy, Now);

            Assert.Equal(Enum.Parse<NextStep>(step), decision.Step);
            Assert.False(decision.State.MaybeApplied);
            if (decision.Step == NextStep.Fail)
            {
                Assert.Equal(HubFailure.Unavailable, decision.Failure!.Failure);
                Assert.Contains("never reached Docker Hub", decision.Failure.Message);
                Assert.Contains("safe to run the command again", decision.Failure.Message);
            }
        }

        [Fact]
        public void ACreateWithoutAnAnswerThatMayHaveLeftIsNeverSafe()
        {
            var decision = SendDecision.Decide(Outcome("POST", null), AttemptState.First, Policy, Now);

            Assert.Equal(HubFailure.OutcomeUnknown, decision.Failure!.Failure);
            Assert.DoesNotContain("safe", decision.Failure.Message);
        }

        // method, an earlier attempt may have applied, this one never left, expected "may have been applied"
        [Theory]
        [InlineData("PATCH", true, false, true)]
        [InlineData("DELETE", true, false, true)]
        [InlineData("DELETE", true, true, true)]
        [InlineData("PATCH", false, true, false)]
        [InlineData("GET", true, false, false)]
        public void AChangeThatFailsAfterAnAttemptThatMayHaveAppliedSaysSo(string method, bool maybeApplied, bool notSent, bool says)
        {
            var decision = SendDecision.Decide(Outcome(method, null, notSent: notSent), new AttemptState(2, maybeApplied, false, TimeSpan.Zero), Policy, Now);

            Assert.Equal(NextStep.Fail, decision.Step);
            Assert.Equal(says, decision.Failure!.MaybeApplied);
            Assert.Equal(says, decision.Failure.Message.Contains("may have been applied"));
        }

        [Fact]
        public void AnAttemptThatNeverLeftDoesNotMarkTheRequestAsMaybeApplied()
        {
            var decision = SendDecision.Decide(Outcome("DELETE", null, notSent: true), AttemptState.First, Policy, Now);

            Assert.Equal(NextStep.Retry, decision.Step);
            Assert.False(decision.State.MaybeApplied);
        }

        // X-RateLimit-Remaining, reset from now (s), others in flight, expected pause in seconds (null: none)
        [Theory]
        [InlineData("0", 10, 0, 10.25)]
        [InlineData("5", 10, 5, 10.25)]
        [InlineData("6", 10, 5, null)]
        [InlineData("100", 10, 0, null)]
        [InlineData("0", -5, 0, 0.25)] // a reset already past: the window has turned
        [InlineData("0", 1000, 0, 100.0)] // never more than the rate-limit cap
        [InlineData(null, 10, 0, null)]
        [InlineData("many", 10, 0, null)]
        public void PacingHoldsBackWhenTheRequestsInFlightUseUpTheWindow(string? remaining, int resetFromNow, int inFlight, double? pause)
        {
            var decided = SendDecision.Pace(remaining, Unix(resetFromNow), inFlight, Policy, Now);

            Assert.Equal(pause is double p ? TimeSpan.FromSeconds(p) : (TimeSpan?)null, decided);
        }

        [Fact]
        public void PacingWithoutAResetDoesNotPause()
        {
            Assert.Null(SendDecision.Pace("0", null, 0, Policy, Now));
        }

        // a wait in seconds, what a timer gets
        [Theory]
        [InlineData(-1, 0)]
        [InlineData(5, 5)]
        [InlineData(86400 * 400, 86400)]
        public void EveryWaitIsClampedBeforeATimer(double seconds, double timer)
        {
            Assert.Equal(TimeSpan.FromSeconds(timer), RetryPolicy.ForTimer(TimeSpan.FromSeconds(seconds)));
        }

        [Theory]
        [InlineData("40000000")]
        [InlineData("1e300")]
        [InlineData("Fri, 01 Jan 9999 00:00:00 GMT")]
        public void AWaitReadFromAHeaderIsAtMostAYear(string header)
        {
            Assert.Equal(RetryPolicy.Absurd, RetryPolicy.RequestedWait(header, null, null, Now));
        }
    }
}
