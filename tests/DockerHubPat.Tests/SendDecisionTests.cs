using System;
using System.Net.Http;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    /// <summary>
    /// The send loop's rules as a table: one attempt's outcome and the request's history in, the
    /// next step out. A fixed "now" keeps every expected wait exact.
    /// </summary>
    public class SendDecisionTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

        private static readonly RetryPolicy Policy = new RetryPolicy
        {
            MaximumRetryCount = 2,
            MaximumRateLimitWait = TimeSpan.FromSeconds(100),
            BaseDelay = TimeSpan.FromMilliseconds(400),
        };

        private static SendOutcome Outcome(string method, int? status, bool withCredentials = true, string? retryAfter = null) =>
            new SendOutcome
            {
                Method = new HttpMethod(method),
                Repeatable = method != "POST" || !withCredentials,
                WithCredentials = withCredentials,
                Status = status,
                NoAnswer = status is null ? new HubException(HubFailure.Unavailable, "Could not reach Docker Hub.") : null,
                RetryAfter = retryAfter,
                What = "do it",
                Username = "alice",
            };

        private static AttemptState After(int retries = 0, bool maybeApplied = false, bool renewed = false, double waitedSeconds = 0) =>
            new AttemptState(retries, maybeApplied, renewed, TimeSpan.FromSeconds(waitedSeconds));

        // Steps are named as text: xunit's public test methods cannot take the module's internal enum.
        // method, status (0 = no answer), credentials, retries so far, expected step, expected failure when it fails
        [Theory]
        [InlineData("GET", 200, true, 0, "Return", null)]
        [InlineData("GET", 404, true, 0, "Return", null)]
        [InlineData("GET", 400, true, 0, "Return", null)]
        [InlineData("GET", 403, true, 0, "Return", null)]
        [InlineData("GET", 503, true, 0, "Retry", null)]
        [InlineData("GET", 500, true, 1, "Retry", null)]
        [InlineData("GET", 408, true, 0, "Retry", null)]
        [InlineData("GET", 502, true, 2, "Return", null)] // retries used up: the caller maps the 502
        [InlineData("GET", 0, true, 0, "Retry", null)]
        [InlineData("GET", 0, true, 2, "Fail", HubFailure.Unavailable)]
        [InlineData("PATCH", 503, true, 0, "Retry", null)]
        [InlineData("DELETE", 0, true, 1, "Retry", null)]
        [InlineData("POST", 201, true, 0, "Return", null)]
        [InlineData("POST", 503, true, 0, "Fail", HubFailure.OutcomeUnknown)] // a create is never re-sent
        [InlineData("POST", 408, true, 0, "Fail", HubFailure.OutcomeUnknown)]
        [InlineData("POST", 0, true, 0, "Fail", HubFailure.OutcomeUnknown)]
        [InlineData("POST", 503, false, 0, "Retry", null)] // a sign-in changes nothing on Hub
        [InlineData("POST", 0, false, 0, "Retry", null)]
        [InlineData("POST", 401, false, 0, "Return", null)] // a refused password is the caller's to read
        [InlineData("GET", 401, true, 0, "Renew", HubFailure.Unauthorized)]
        [InlineData("POST", 401, true, 0, "Renew", HubFailure.Unauthorized)]
        public void DecidesTheNextStep(string method, int status, bool withCredentials, int retries, string step, HubFailure? failure)
        {
            var decision = SendDecision.Decide(Outcome(method, status == 0 ? (int?)null : status, withCredentials), After(retries), Policy, Now);

            Assert.Equal(Enum.Parse<NextStep>(step), decision.Step);
            Assert.Equal(failure, decision.Failure?.Failure);
        }

        [Theory]
        [InlineData(0, 1)]
        [InlineData(1, 2)]
        public void ARetryCountsAndMarksTheRequestAsMaybeApplied(int retries, int after)
        {
            var decision = SendDecision.Decide(Outcome("DELETE", 503), After(retries), Policy, Now);

            Assert.Equal(NextStep.Retry, decision.Step);
            Assert.Equal(after, decision.State.Retries);
            Assert.True(decision.State.MaybeApplied);
        }

        [Theory]
        [InlineData(1, 200, 400)]
        [InlineData(2, 400, 800)]
        public void ARetryWaitsTheJitteredBackoff(int retriesAfter, int minMs, int maxMs)
        {
            var decision = SendDecision.Decide(Outcome("GET", 500), After(retriesAfter - 1), Policy, Now);

            Assert.InRange(decision.Delay.TotalMilliseconds, minMs, maxMs);
        }

        [Fact]
        public void ARetryAfterA5xxWaitsWhatRetryAfterAsks()
        {
            var decision = SendDecision.Decide(Outcome("GET", 503, retryAfter: "7"), After(), Policy, Now);

            Assert.Equal(NextStep.Retry, decision.Step);
            Assert.Equal(TimeSpan.FromSeconds(7), decision.Delay);
            Assert.Contains("503", decision.Reason);
        }

        [Fact]
        public void NoAnswerIsRetriedWithTheTransportsReason()
        {
            var decision = SendDecision.Decide(Outcome("GET", null), After(), Policy, Now);

            Assert.Equal("Could not reach Docker Hub.", decision.Reason);
        }

        [Fact]
        public void NoAnswerToACreateKeepsTheTransportFailureInside()
        {
            var outcome = Outcome("POST", null);
            var decision = SendDecision.Decide(outcome, After(), Policy, Now);

            Assert.Same(outcome.NoAnswer, decision.Failure!.InnerException);
            Assert.Contains("do it", decision.Failure.Message);
        }

        [Fact]
        public void NoAnswerAfterTheLastRetryFailsWithTheTransportFailureItself()
        {
            var outcome = Outcome("GET", null);
            var decision = SendDecision.Decide(outcome, After(retries: 2), Policy, Now);

            Assert.Same(outcome.NoAnswer, decision.Failure);
        }

        // waited so far, Retry-After, expected step, waited afterwards
        [Theory]
        [InlineData(0, "30", "WaitForRateLimit", 30)]
        [InlineData(60, "40", "WaitForRateLimit", 100)] // exactly the cap is still allowed
        [InlineData(61, "40", "Fail", 61)]
        [InlineData(0, "101", "Fail", 0)]
        [InlineData(0, null, "WaitForRateLimit", 10)] // no header: the unspecified wait
        public void A429WaitsUntilTheTotalWouldPassTheCap(double waited, string? retryAfter, string step, double waitedAfter)
        {
            var decision = SendDecision.Decide(Outcome("GET", 429, retryAfter: retryAfter), After(waitedSeconds: waited), Policy, Now);

            Assert.Equal(Enum.Parse<NextStep>(step), decision.Step);
            Assert.Equal(TimeSpan.FromSeconds(waitedAfter), decision.State.RateLimitWaited);
            if (step == nameof(NextStep.Fail))
            {
                Assert.Equal(HubFailure.RateLimited, decision.Failure!.Failure);
                Assert.Equal(429, decision.Failure.StatusCode);
                Assert.Contains("100 s allowed", decision.Failure.Message);
            }
            else
            {
                Assert.Equal(TimeSpan.FromSeconds(waitedAfter - waited), decision.Delay);
            }
        }

        [Fact]
        public void A429WaitIsNotARetry()
        {
            var decision = SendDecision.Decide(Outcome("POST", 429), After(retries: 2), Policy, Now);

            Assert.Equal(NextStep.WaitForRateLimit, decision.Step);
            Assert.Equal(2, decision.State.Retries);
        }

        [Fact]
        public void A429AsksForItsWaitInTheOtherHeadersToo()
        {
            var outcome = Outcome("GET", 429);
            outcome.XRetryAfter = Now.AddSeconds(12).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

            Assert.Equal(TimeSpan.FromSeconds(12), SendDecision.Decide(outcome, After(), Policy, Now).Delay);
        }

        [Fact]
        public void A401IsRenewedOnceThenFails()
        {
            var first = SendDecision.Decide(Outcome("GET", 401), After(), Policy, Now);
            var second = SendDecision.Decide(Outcome("GET", 401), first.State, Policy, Now);

            Assert.Equal(NextStep.Renew, first.Step);
            Assert.True(first.State.Renewed);
            Assert.Equal(NextStep.Fail, second.Step);
            Assert.Equal(HubFailure.Unauthorized, second.Failure!.Failure);
            Assert.Contains("'alice'", second.Failure.Message);
            Assert.DoesNotContain("Connect-HubAccount", second.Failure.Message);
        }

        // maybe applied before, expected step
        [Theory]
        [InlineData(true, "ReturnDone")]
        [InlineData(false, "Return")]
        public void A404OnADeleteIsDoneOnlyWhenAnEarlierAttemptMayHaveDeletedIt(bool maybeApplied, string step)
        {
            Assert.Equal(Enum.Parse<NextStep>(step), SendDecision.Decide(Outcome("DELETE", 404), After(1, maybeApplied), Policy, Now).Step);
        }

        [Theory]
        [InlineData("GET")]
        [InlineData("PATCH")]
        public void A404AfterARetryOfAnythingButADeleteIsStillNotFound(string method)
        {
            Assert.Equal(NextStep.Return, SendDecision.Decide(Outcome(method, 404), After(1, true), Policy, Now).Step);
        }
    }
}
