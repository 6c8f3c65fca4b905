using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;
using Flurl.Http.Testing;
using Xunit;

namespace DockerHubPat.Tests
{
    /// <summary>
    /// The whole client — send loop, routes, JSON, listing — against Flurl's own fake of the wire
    /// (HttpTest), which answers each request in turn with what the test scripted.
    /// </summary>
    public class HubClientTests : IDisposable
    {
        private const string Id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
        private const string Tokens = "https://hub.example/v2/access-tokens";

        private readonly HttpTest _http = new HttpTest();
        private readonly Credentials _credentials = new Credentials();
        private readonly HubClient _client = new HubClient(new Uri("https://hub.example/"), new RetryPolicy
        {
            MaximumRetryCount = 2,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaximumRateLimitWait = TimeSpan.FromSeconds(5),
            Timeout = TimeSpan.FromSeconds(1), // also the shortest wait before a lost create is looked for again
        });

        public void Dispose() => _http.Dispose();

        /// <summary>Hands out "jwt-1", and "jwt-2" after a renewal, unless told renewal needs a human.</summary>
        private sealed class Credentials : IHubCredentials
        {
            public string Bearer { get; private set; } = "jwt-1";
            public bool CanRenew { get; set; } = true;
            public int Renewals { get; private set; }
            public string Username => "alice";

            public Task<string> BearerAsync(CancellationToken cancel) => Task.FromResult(Bearer);

            public Task<bool> RenewAsync(string refused, CancellationToken cancel)
            {
                Renewals++;
                if (CanRenew)
                {
                    Bearer = "jwt-2";
                }

                return Task.FromResult(CanRenew);
            }
        }

        private AccessTokens Personal => new AccessTokens(_client, _credentials);

        private static object Token(string id = Id, string label = "ci", string secret = "") => new
        {
            uuid = id,
            token_label = label,
            is_active = true,
            token = secret,
            scopes = new[] { "repo:read" },
            created_at = DateTime.UtcNow.ToString("o"),
        };

        private static object Page(long count, string? next, params object[] results) => new { count, next, previous = (string?)null, results };

        [Fact]
        public async Task GetsAToken()
        {
            _http.RespondWithJson(Token(label: "laptop"));

            var token = await Personal.GetAsync(Guid.Parse(Id), CancellationToken.None);

            Assert.Equal("laptop", token.Label);
            Assert.Equal("alice", token.Username);
            _http.ShouldHaveCalled($"{Tokens}/{Id}").WithVerb(HttpMethod.Get).WithOAuthBearerToken("jwt-1")
                .WithHeader("User-Agent", HubClient.UserAgent).Times(1);
        }

        [Fact]
        public async Task RetriesAGetAfter5xxAndNoAnswer()
        {
            _http.RespondWith("busy", 503).SimulateException(new HttpRequestException("reset")).RespondWithJson(Token());

            await Personal.GetAsync(Guid.Parse(Id), CancellationToken.None);

            _http.ShouldHaveCalled($"{Tokens}/{Id}").Times(3);
        }

        [Fact]
        public async Task GivesUpAfterTheLastRetryWithHubsStatus()
        {
            _http.RespondWith("busy", 503).RespondWith("busy", 503).RespondWith("still busy", 502);

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.GetAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.Equal(HubFailure.Unavailable, ex.Failure);
            Assert.Equal(502, ex.StatusCode);
            _http.ShouldHaveMadeACall().Times(3);
        }

        [Fact]
        public async Task NoAnswerAfterTheLastRetryIsUnavailable()
        {
            _http.SimulateTimeout().SimulateTimeout().SimulateTimeout();

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.GetAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.Equal(HubFailure.Unavailable, ex.Failure);
            Assert.Contains("did not answer", ex.Message);
        }

        [Fact]
        public async Task WaitsOutA429AndSendsAgain()
        {
            _http.RespondWith("slow down", 429, new { Retry_After = "0" }).RespondWithJson(Token());

            await Personal.GetAsync(Guid.Parse(Id), CancellationToken.None);

            _http.ShouldHaveMadeACall().Times(2);
        }

        [Fact]
        public async Task A429AskingForMoreThanTheCapFailsWithoutWaiting()
        {
            _http.RespondWith("slow down", 429, new { Retry_After = "60" });

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.GetAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.Equal(HubFailure.RateLimited, ex.Failure);
            _http.ShouldHaveMadeACall().Times(1);
        }

        [Fact]
        public async Task RenewsARefusedSessionOnceAndSendsWithTheNewBearer()
        {
            _http.RespondWith("expired", 401).RespondWithJson(Token());

            await Personal.GetAsync(Guid.Parse(Id), CancellationToken.None);

            Assert.Equal(1, _credentials.Renewals);
            _http.ShouldHaveMadeACall().WithOAuthBearerToken("jwt-1").Times(1);
            _http.ShouldHaveMadeACall().WithOAuthBearerToken("jwt-2").Times(1);
        }

        [Fact]
        public async Task ASessionThatCannotBeRenewedIsUnauthorized()
        {
            _credentials.CanRenew = false;
            _http.RespondWith("expired", 401);

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.GetAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.Equal(HubFailure.Unauthorized, ex.Failure);
            _http.ShouldHaveMadeACall().Times(1);
        }

        [Fact]
        public async Task NeverSendsACreateTwiceAndSaysWhatTheLostRequestMade()
        {
            var made = Guid.NewGuid().ToString();
            _http.ForCallsTo(Tokens).WithVerb(HttpMethod.Post).RespondWith("bad gateway", 502);
            _http.ForCallsTo($"{Tokens}?*").WithVerb(HttpMethod.Get).RespondWithJson(Page(2, null, Token(made, "ci"), Token(label: "other")));

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.CreateAsync("ci", new[] { "repo:read" }, null, CancellationToken.None));

            Assert.Equal(HubFailure.OutcomeUnknown, ex.Failure);
            Assert.Equal(new[] { Guid.Parse(made) }, ex.CreatedTokenIds);
            Assert.Contains("did create 1 token(s) labelled 'ci'", ex.Message);
            _http.ShouldHaveCalled(Tokens).WithVerb(HttpMethod.Post).Times(1);
            _http.ShouldHaveCalled(Tokens).WithVerb(HttpMethod.Post).WithHeader("Connection", "close");
        }

        [Fact]
        public async Task ALostCreateThatShowsNothingOnTwoLooksIsUnknownNeverSafe()
        {
            _http.ForCallsTo(Tokens).WithVerb(HttpMethod.Post).SimulateTimeout();
            _http.ForCallsTo($"{Tokens}?*").WithVerb(HttpMethod.Get).RespondWithJson(Page(0, null));

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.CreateAsync("ci", new[] { "repo:read" }, null, CancellationToken.None));

            Assert.Empty(ex.CreatedTokenIds);
            Assert.True(ex.CreateCheckFailed);
            Assert.Contains("unknown", ex.Message);
            Assert.DoesNotContain("safe", ex.Message);
            _http.ShouldHaveCalled($"{Tokens}?*").WithVerb(HttpMethod.Get).Times(2);
        }

        [Fact]
        public async Task ALostCreateThatShowsOnTheSecondLookIsNamed()
        {
            var made = Guid.NewGuid().ToString();
            _http.ForCallsTo(Tokens).WithVerb(HttpMethod.Post).SimulateTimeout();
            _http.ForCallsTo($"{Tokens}?*").WithVerb(HttpMethod.Get).RespondWithJson(Page(0, null)).RespondWithJson(Page(1, null, Token(made, "ci")));

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.CreateAsync("ci", new[] { "repo:read" }, null, CancellationToken.None));

            Assert.Equal(new[] { Guid.Parse(made) }, ex.CreatedTokenIds);
        }

        [Fact]
        public async Task ACreateWhoseConnectionWasRefusedIsSentAgainAndOnlyThenCalledSafe()
        {
            var refused = new HttpRequestException("Connection refused", new SocketException((int)SocketError.ConnectionRefused));
            _http.SimulateException(refused).SimulateException(refused).SimulateException(refused);

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.CreateAsync("ci", new[] { "repo:read" }, null, CancellationToken.None));

            Assert.Equal(HubFailure.Unavailable, ex.Failure);
            Assert.Contains("never reached Docker Hub", ex.Message);
            Assert.Contains("safe to run the command again", ex.Message);
            _http.ShouldHaveCalled(Tokens).WithVerb(HttpMethod.Post).Times(3);
        }

        [Fact]
        public async Task ACreateAnswered200IsASuccessWithItsSecret()
        {
            _http.RespondWithJson(Token(secret: "dckr_pat_x"), 200);

            var token = await Personal.CreateAsync("ci", new[] { "repo:read" }, null, CancellationToken.None);

            Assert.NotNull(token.Secret);
        }

        [Fact]
        public async Task ACreateWithAnEmptySecretNamesTheTokenItMade()
        {
            _http.RespondWithJson(Token(secret: ""), 201);

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.CreateAsync("ci", new[] { "repo:read" }, null, CancellationToken.None));

            Assert.Equal(HubFailure.SecretMissing, ex.Failure);
            Assert.Equal(new[] { Guid.Parse(Id) }, ex.CreatedTokenIds);
            Assert.Contains(Id, ex.Message);
        }

        [Theory]
        [InlineData(200)]
        [InlineData(201)]
        [InlineData(202)]
        public async Task A2xxCreateThatCannotBeReadIsLookedInto(int status)
        {
            var made = Guid.NewGuid().ToString();
            _http.ForCallsTo(Tokens).WithVerb(HttpMethod.Post).RespondWith("{\"uuid\":", status);
            _http.ForCallsTo($"{Tokens}?*").WithVerb(HttpMethod.Get).RespondWithJson(Page(1, null, Token(made, "ci")));

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.CreateAsync("ci", new[] { "repo:read" }, null, CancellationToken.None));

            Assert.Equal(HubFailure.OutcomeUnknown, ex.Failure);
            Assert.Equal(new[] { Guid.Parse(made) }, ex.CreatedTokenIds);
        }

        [Fact]
        public async Task APatchThatFailedAfterAnEarlierAttemptIsSettledByOneGet()
        {
            _http.ForCallsTo($"{Tokens}/{Id}").WithVerb("PATCH").RespondWith("busy", 503);
            _http.ForCallsTo($"{Tokens}/{Id}").WithVerb(HttpMethod.Get).RespondWithJson(Token(label: "renamed"));

            var token = await Personal.UpdateAsync(Guid.Parse(Id), "renamed", null, CancellationToken.None);

            Assert.Equal("renamed", token.Label);
            _http.ShouldHaveCalled($"{Tokens}/{Id}").WithVerb("PATCH").Times(3);
            _http.ShouldHaveCalled($"{Tokens}/{Id}").WithVerb(HttpMethod.Get).Times(1);
        }

        [Fact]
        public async Task APatchThatFailedAndDidNotApplySaysHowTheTokenIs()
        {
            _http.ForCallsTo($"{Tokens}/{Id}").WithVerb("PATCH").RespondWith("busy", 503);
            _http.ForCallsTo($"{Tokens}/{Id}").WithVerb(HttpMethod.Get).RespondWithJson(Token(label: "ci"));

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.UpdateAsync(Guid.Parse(Id), "renamed", null, CancellationToken.None));

            Assert.Equal(HubFailure.Unavailable, ex.Failure);
            Assert.Contains("may have been applied", ex.Message);
            Assert.Contains("shows it was not", ex.Message);
            Assert.Contains("labelled 'ci'", ex.Message);
        }

        [Fact]
        public async Task ADeleteThatFailedAfterARetrySaysItMayHaveBeenApplied()
        {
            _http.RespondWith("busy", 503).RespondWith("busy", 503).RespondWith("busy", 503);

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.DeleteAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.True(ex.MaybeApplied);
            Assert.Contains("may have been applied", ex.Message);
        }

        [Fact]
        public async Task A503AskingForAnHourFailsAtOnce()
        {
            _http.RespondWith("busy", 503, new { Retry_After = "3600" });

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.GetAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.Equal(HubFailure.Unavailable, ex.Failure);
            _http.ShouldHaveMadeACall().Times(1);
        }

        [Fact]
        public async Task A429ToASignInNeverSendsThePasswordAgain()
        {
            _http.RespondWith("""{"detail":"Too many failed login attempts. Try again later."}""", 429);

            var ex = await Assert.ThrowsAsync<HubException>(() => _client.SignInAsync("alice", "pw", null, CancellationToken.None));

            Assert.Equal(HubFailure.SignInLocked, ex.Failure);
            Assert.Contains("Too many failed login attempts", ex.Message);
            _http.ShouldHaveMadeACall().Times(1);
        }

        [Fact]
        public async Task ALostCreateOfASuccessorDoesNotTakeTheTokenItReplacesForWhatItMade()
        {
            var made = Guid.NewGuid().ToString();
            _http.ForCallsTo(Tokens).WithVerb(HttpMethod.Post).RespondWith("bad gateway", 502);
            _http.ForCallsTo($"{Tokens}?*").WithVerb(HttpMethod.Get).RespondWithJson(Page(2, null, Token(made, "ci"), Token(Id, "ci")));

            var ex = await Assert.ThrowsAsync<HubException>(() =>
                Personal.CreateAsync("ci", new[] { "repo:read" }, null, CancellationToken.None, existing: Guid.Parse(Id)));

            Assert.Equal(new[] { Guid.Parse(made) }, ex.CreatedTokenIds);
        }

        [Theory]
        [InlineData(200, true)]
        [InlineData(401, false)]
        public async Task VerifiesATokenSecretAtAuthTokenWithoutASession(int status, bool accepted)
        {
            _http.RespondWith(status == 200 ? "{\"access_token\":\"jwt-x\"}" : "{\"detail\":\"Incorrect authentication credentials\"}", status);

            Assert.Equal(accepted, await _client.AcceptsSecretAsync("acme", SecureText.From("dckr_oat_x"), CancellationToken.None));

            _http.ShouldHaveCalled("https://hub.example/v2/auth/token").WithVerb(HttpMethod.Post)
                .WithRequestJson(new { identifier = "acme", secret = "dckr_oat_x" }).WithoutHeader("Authorization").Times(1);
        }

        [Fact]
        public async Task AVerificationHubCannotAnswerFailsAfterItsRetries()
        {
            _http.RespondWith("busy", 503).RespondWith("busy", 503).RespondWith("busy", 503);

            var ex = await Assert.ThrowsAsync<HubException>(() => _client.AcceptsSecretAsync("alice", SecureText.From("dckr_pat_x"), CancellationToken.None));

            Assert.Equal(HubFailure.Unavailable, ex.Failure);
            Assert.DoesNotContain("dckr_pat_x", ex.Message);
            _http.ShouldHaveMadeACall().Times(3);
        }

        [Fact]
        public async Task ADeleteWhoseAnswerWasLostIsDoneWhenTheRetryFindsNothing()
        {
            _http.SimulateException(new HttpRequestException("reset")).RespondWith("", 404);

            await Personal.DeleteAsync(Guid.Parse(Id), CancellationToken.None);

            _http.ShouldHaveCalled($"{Tokens}/{Id}").WithVerb(HttpMethod.Delete).Times(2);
        }

        [Fact]
        public async Task ADeleteOfAnUnknownTokenIsNotFound()
        {
            _http.RespondWith("""{"detail":"Not found."}""", 404);

            var ex = await Assert.ThrowsAsync<HubException>(() => Personal.DeleteAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.Equal(HubFailure.NotFound, ex.Failure);
        }

        [Fact]
        public async Task ListsEveryPageThroughHubsNextLinks()
        {
            var second = Guid.NewGuid().ToString();
            _http.RespondWithJson(Page(2, $"{Tokens}?page=2&page_size=100", Token()))
                .RespondWithJson(Page(2, null, Token(second, "two")));

            var all = await Personal.List().ReadAllAsync(CancellationToken.None);

            Assert.Equal(new[] { "ci", "two" }, all.Select(t => t.Label));
            _http.ShouldHaveCalled(Tokens).WithQueryParam("page", 1).WithQueryParam("page_size", AccessTokens.PageSize).Times(1);
            _http.ShouldHaveCalled(Tokens).WithQueryParam("page", 2).Times(1);
        }

        [Fact]
        public async Task SignsInWithTheTwoFactorCodeWhenHubAsksForIt()
        {
            _http.RespondWith("""{"detail":"Require secondary authentication on MFA enabled account","login_2fa_token":"challenge"}""", 401)
                .RespondWithJson(new { token = "jwt" });

            var (jwt, usedTwoFactor) = await _client.SignInAsync("alice", "pw", (_, _) => Task.FromResult<string?>(" 123456 "), CancellationToken.None);

            Assert.Equal("jwt", jwt);
            Assert.True(usedTwoFactor);
            _http.ShouldHaveCalled("https://hub.example/v2/users/2fa-login").WithRequestJson(new { login_2fa_token = "challenge", code = "123456" });
        }

        [Fact]
        public async Task ARefusedCodeIsAskedForAgainWithTheSameChallengeNotThePassword()
        {
            _http.RespondWith("""{"detail":"Require secondary authentication on MFA enabled account","login_2fa_token":"challenge"}""", 401)
                .RespondWith("""{"detail":"Invalid code"}""", 401)
                .RespondWithJson(new { token = "jwt" });
            var asked = new List<int>();

            var (jwt, _) = await _client.SignInAsync("alice", "pw",
                (attempt, _) => { asked.Add(attempt); return Task.FromResult<string?>(attempt == 1 ? "111111" : "222222"); }, CancellationToken.None);

            Assert.Equal("jwt", jwt);
            Assert.Equal(new[] { 1, 2 }, asked);
            _http.ShouldHaveCalled("https://hub.example/v2/users/login").Times(1);
            _http.ShouldHaveCalled("https://hub.example/v2/users/2fa-login").WithRequestJson(new { login_2fa_token = "challenge", code = "222222" }).Times(1);
        }

        [Fact]
        public async Task ThreeRefusedCodesFailAsUnauthorized()
        {
            _http.RespondWith("""{"login_2fa_token":"challenge"}""", 401)
                .RespondWith("""{"detail":"Invalid code"}""", 401)
                .RespondWith("""{"detail":"Invalid code"}""", 401)
                .RespondWith("""{"detail":"Invalid code"}""", 401);
            var asked = 0;

            var ex = await Assert.ThrowsAsync<HubException>(() => _client.SignInAsync("alice", "pw",
                (_, _) => { asked++; return Task.FromResult<string?>("111111"); }, CancellationToken.None));

            Assert.Equal(HubFailure.Unauthorized, ex.Failure);
            Assert.Equal(HubClient.MaximumCodeTries, asked);
            _http.ShouldHaveCalled("https://hub.example/v2/users/2fa-login").Times(HubClient.MaximumCodeTries);
        }

        [Fact]
        public async Task ASourceWithNoOtherCodeEndsWithTheRefusalNotTwoFactorRequired()
        {
            _http.RespondWith("""{"login_2fa_token":"challenge"}""", 401)
                .RespondWith("""{"detail":"Invalid code"}""", 401);

            var ex = await Assert.ThrowsAsync<HubException>(() => _client.SignInAsync("alice", "pw",
                (attempt, _) => Task.FromResult<string?>(attempt == 1 ? "111111" : null), CancellationToken.None));

            Assert.Equal(HubFailure.Unauthorized, ex.Failure);
            _http.ShouldHaveCalled("https://hub.example/v2/users/2fa-login").Times(1);
        }

        [Fact]
        public async Task ATwoFactorAccountWithoutACodeIsTwoFactorRequired()
        {
            _http.RespondWith("""{"login_2fa_token":"challenge"}""", 401);

            var ex = await Assert.ThrowsAsync<HubException>(() => _client.SignInAsync("alice", "pw", null, CancellationToken.None));

            Assert.Equal(HubFailure.TwoFactorRequired, ex.Failure);
            _http.ShouldHaveMadeACall().Times(1);
        }

        [Fact]
        public async Task AWrongPasswordIsUnauthorizedAndNotRetried()
        {
            _http.RespondWith("""{"detail":"Incorrect authentication credentials"}""", 401);

            var ex = await Assert.ThrowsAsync<HubException>(() => _client.SignInAsync("alice", "pw", null, CancellationToken.None));

            Assert.Equal(HubFailure.Unauthorized, ex.Failure);
            Assert.DoesNotContain("pw", ex.Message);
        }

        [Fact]
        public async Task ClosedConnectionsOpenAgainForTheNextRequest()
        {
            _http.RespondWithJson(Token()).RespondWithJson(Token());
            await Personal.GetAsync(Guid.Parse(Id), CancellationToken.None);

            _client.CloseConnections();
            await Personal.GetAsync(Guid.Parse(Id), CancellationToken.None);

            _http.ShouldHaveMadeACall().Times(2);
        }
    }
}
