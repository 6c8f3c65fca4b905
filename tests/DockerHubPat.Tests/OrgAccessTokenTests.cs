using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;
using Flurl.Http.Testing;
using Xunit;

namespace DockerHubPat.Tests
{
    /// <summary>Organization access tokens: the JSON mapping, the input checks, and the routes against a fake wire.</summary>
    public class OrgAccessTokenTests : IDisposable
    {
        private const string Id = "a7a5ef25-8889-43a0-8cc7-f2a94268e861";
        private const string Collection = "https://hub.example/v2/orgs/acme/access-tokens";

        private readonly HttpTest _http = new HttpTest();
        private readonly HubClient _client = new HubClient(new Uri("https://hub.example/"), new RetryPolicy
        {
            MaximumRetryCount = 2,
            BaseDelay = TimeSpan.FromMilliseconds(1),
            MaximumRateLimitWait = TimeSpan.FromSeconds(5),
        });

        private readonly List<string> _answered = new List<string>();

        public void Dispose() => _http.Dispose();

        private sealed class Credentials : IHubCredentials
        {
            public string Username => "alice";

            public Task<string> BearerAsync(CancellationToken cancel) => Task.FromResult("jwt-1");

            public Task<bool> RenewAsync(string refused, CancellationToken cancel) => Task.FromResult(false);
        }

        private OrgAccessTokens Acme => new OrgAccessTokens(_client, new Credentials(), "acme", _answered.Add);

        // A GET answer with every field Hub sends; times with the organization routes' short fractions.
        private const string Full = """
            {
              "id": "a7a5ef25-8889-43a0-8cc7-f2a94268e861",
              "label": "ci-pull",
              "description": "CI pulls the app image",
              "created_by": "alice",
              "is_active": true,
              "created_at": "2026-01-02T03:04:05Z",
              "expires_at": "2026-04-02T03:04:05.5Z",
              "last_used_at": null,
              "resources": [
                { "type": "TYPE_REPO", "path": "acme/app", "scopes": ["scope-image-pull", "scope-image-push"] },
                { "type": "TYPE_ORG", "path": "acme", "scopes": ["scope-repository-list"] },
                { "type": "TYPE_NEW", "path": "acme/x", "scopes": ["scope-new"] }
              ]
            }
            """;

        private static HubOrgAccessToken Map(string json) =>
            HubOrgAccessToken.FromJson(JsonSerializer.Deserialize<OrgAccessTokenJson>(json), "acme");

        private static object Entry(string id = Id, string label = "ci", bool active = true, string? expires = null) => new
        {
            id,
            label,
            created_by = "alice",
            is_active = active,
            created_at = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"),
            expires_at = expires,
            last_used_at = (string?)null,
        };

        private static object Page(long total, string? next, params object[] results) => new { total, next, previous = (string?)null, results };

        [Fact]
        public void MapsEveryField()
        {
            var token = Map(Full);

            Assert.Equal(Guid.Parse(Id), token.Id);
            Assert.Equal("acme", token.Organization);
            Assert.Equal("ci-pull", token.Label);
            Assert.Equal("CI pulls the app image", token.Description);
            Assert.Equal("alice", token.CreatedBy);
            Assert.True(token.IsActive);
            Assert.Equal(new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), token.CreatedAt!.Value.ToUniversalTime());
            Assert.Equal(new DateTime(2026, 4, 2, 3, 4, 5, 500, DateTimeKind.Utc), token.ExpiresAt!.Value.ToUniversalTime());
            Assert.Null(token.LastUsedAt);
            Assert.Null(token.Secret);
            Assert.Equal("acme: ci-pull (a7a5ef25-8889-43a0-8cc7-f2a94268e861)", token.ToString());
        }

        [Fact]
        public void MapsHubsResourceTypesToTheUsersWordsAndKeepsUnknownOnes()
        {
            var resources = Map(Full).Resources!;

            Assert.Equal(new[] { "Repository", "Organization", "TYPE_NEW" }, resources.Select(r => r.Type));
            Assert.Equal(new[] { "acme/app", "acme", "acme/x" }, resources.Select(r => r.Path));
            Assert.Equal(new[] { "scope-image-pull", "scope-image-push" }, resources[0].Scopes);
        }

        [Fact]
        public void AListEntryHasNoResourcesAndNoDescriptionRatherThanEmptyOnes()
        {
            var token = Map("""{"id":"a7a5ef25-8889-43a0-8cc7-f2a94268e861","label":"x","created_by":"alice","is_active":false,"created_at":"2026-01-02T03:04:05Z","expires_at":"2020-01-01T00:00:00Z","last_used_at":"2026-01-03T00:00:00.123456Z"}""");

            Assert.Null(token.Resources);
            Assert.Null(token.Description);
            Assert.True(token.IsExpired);
            Assert.Equal("Expired", token.State);
            Assert.NotNull(token.LastUsedAt);
        }

        [Theory]
        [InlineData(true, null, "Active")]
        [InlineData(false, null, "Inactive")]
        [InlineData(true, "2000-01-01T00:00:00Z", "Expired")]
        [InlineData(false, "2999-01-01T00:00:00Z", "Inactive")]
        public void StateSaysWhetherTheTokenWorks(bool active, string? expires, string state)
        {
            var json = JsonSerializer.Serialize(Entry(active: active, expires: expires));
            Assert.Equal(state, Map(json).State);
        }

        [Fact]
        public void TheCreateAnswerGivesTheSecretAndNoCreator()
        {
            var token = Map("""{"id":"a7a5ef25-8889-43a0-8cc7-f2a94268e861","label":"x","is_active":true,"created_at":"2026-01-02T03:04:05Z","expires_at":null,"last_used_at":null,"token":"dckr_oat_secret","resources":[]}""");

            Assert.Equal("dckr_oat_secret", SecureText.Read(token.Secret!));
            Assert.Null(token.CreatedBy);
            Assert.Empty(token.Resources!);
            Assert.DoesNotContain("dckr_oat", token.ToString());
        }

        [Theory]
        [InlineData("""{"label":"x"}""", "id")]
        [InlineData("""{"id":"nope","label":"x"}""", "id")]
        [InlineData("""{"id":"a7a5ef25-8889-43a0-8cc7-f2a94268e861","created_at":"yesterday"}""", "created_at")]
        public void AnUnreadableFieldIsAnInvalidResponseNamingIt(string json, string field)
        {
            var ex = Assert.Throws<HubException>(() => Map(json));

            Assert.Equal(HubFailure.InvalidResponse, ex.Failure);
            Assert.Contains($"'{field}'", ex.Message);
        }

        [Theory]
        [InlineData("Repository", "TYPE_REPO")]
        [InlineData("repository", "TYPE_REPO")]
        [InlineData("TYPE_REPO", "TYPE_REPO")]
        [InlineData("Organization", "TYPE_ORG")]
        [InlineData("type_org", "TYPE_ORG")]
        public void ResourceTypesGoToHubInHubsWords(string type, string hub)
        {
            var json = new HubOrgAccessTokenResource(type, "acme/app", new[] { "scope-image-pull" }).ToJson();

            Assert.Equal(hub, json.Type);
            Assert.Equal("""{"type":"TYPE_REPO","path":"acme/app","scopes":["scope-image-pull"]}""",
                JsonSerializer.Serialize(new HubOrgAccessTokenResource("Repository", "acme/app", new[] { "scope-image-pull" }).ToJson()));
        }

        // Input checks: every one fails before any request, with the ErrorId the cmdlet reports.

        private static IReadOnlyList<HubOrgAccessTokenResource>? Resources(string[]? repository = null, string[]? repositoryScope = null,
            string[]? organizationScope = null, HubOrgAccessTokenResource[]? resource = null, List<string>? warnings = null) =>
            OrgTokenInput.Resources("acme", repository, repositoryScope, organizationScope, resource, (warnings ?? new List<string>()).Add);

        [Fact]
        public void RepositoriesBecomeOneResourceEachWithTheRepositoryScopes()
        {
            var resources = Resources(new[] { "acme/app", "Acme/*", "*/*/public" }, new[] { "scope-image-pull" }, new[] { "scope-repository-list" })!;

            Assert.Equal(new[] { "Repository acme/app", "Repository acme/*", "Repository */*/public", "Organization acme" },
                resources.Select(r => $"{r.Type} {r.Path}"));
            Assert.All(resources.Take(3), r => Assert.Equal(new[] { "scope-image-pull" }, r.Scopes));
            Assert.Equal(new[] { "scope-repository-list" }, resources[3].Scopes);
        }

        [Fact]
        public void RepositoriesWithoutScopesGetTheLeastPrivilege()
        {
            Assert.Equal(new[] { "scope-image-pull" }, Resources(new[] { "acme/app" })!.Single().Scopes);
        }

        [Fact]
        public void NothingGivenIsNullAndRequiredRefusesIt()
        {
            Assert.Null(Resources());
            var ex = Assert.Throws<TokenInputException>(() => OrgTokenInput.Required(Resources(), "acme"));
            Assert.Equal(ErrorIds.AccessTokenResourceInvalid, ex.ErrorId);
        }

        [Theory]
        [InlineData("app")]
        [InlineData("acme/app/extra")]
        [InlineData("acme/")]
        [InlineData("acme/App Name")]
        [InlineData("*/*")]
        [InlineData("globex/app")]
        public void ARepositoryPathThatIsNotOrgRepoOrgStarOrPublicIsRefused(string path)
        {
            var ex = Assert.Throws<TokenInputException>(() => Resources(new[] { path }));

            Assert.Equal(ErrorIds.AccessTokenResourceInvalid, ex.ErrorId);
            Assert.Contains(path, ex.Message);
        }

        [Fact]
        public void MoreThanFiftyRepositoriesAreRefused()
        {
            var paths = Enumerable.Range(1, 51).Select(i => $"acme/app{i}").ToArray();

            Assert.Equal(50, Resources(paths.Take(50).ToArray())!.Count);
            var ex = Assert.Throws<TokenInputException>(() => Resources(paths));
            Assert.Contains("at most 50", ex.Message);
        }

        [Fact]
        public void RepositoryScopeWithoutRepositoryIsRefused()
        {
            Assert.Throws<TokenInputException>(() => Resources(repositoryScope: new[] { "scope-image-push" }));
        }

        [Fact]
        public void TheSamePathTwiceIsRefused()
        {
            var ex = Assert.Throws<TokenInputException>(() => Resources(new[] { "acme/app" },
                resource: new[] { new HubOrgAccessTokenResource("Repository", "acme/app", new[] { "scope-image-push" }) }));
            Assert.Contains("more than once", ex.Message);
        }

        [Fact]
        public void PublicRepositoriesAllowOnlyPull()
        {
            Assert.Throws<TokenInputException>(() => Resources(new[] { "*/*/public" }, new[] { "scope-image-push" }));
        }

        [Fact]
        public void AnOrganizationResourceIsTheTokensOrganization()
        {
            var filled = Resources(resource: new[] { new HubOrgAccessTokenResource("Organization", "", new[] { "scope-member-read" }) })!;
            Assert.Equal("acme", filled.Single().Path);
            Assert.Throws<TokenInputException>(() => Resources(resource: new[] { new HubOrgAccessTokenResource("Organization", "globex", new[] { "scope-member-read" }) }));
            Assert.Throws<TokenInputException>(() => Resources(new[] { "acme/app" }, organizationScope: new[] { "scope-member-read" },
                resource: new[] { new HubOrgAccessTokenResource("Organization", "acme", new[] { "scope-group-read" }) }));
        }

        [Fact]
        public void AnUnknownScopeIsSentWithAWarningAndAScopeWithoutThePrefixIsRefused()
        {
            var warnings = new List<string>();
            var resources = Resources(new[] { "acme/app" }, new[] { "scope-image-sign" }, warnings: warnings)!;

            Assert.Equal(new[] { "scope-image-sign" }, resources.Single().Scopes);
            Assert.Single(warnings);
            Assert.Contains("scope-image-sign", warnings[0]);

            var ex = Assert.Throws<TokenInputException>(() => Resources(new[] { "acme/app" }, new[] { "image-push" }));
            Assert.Contains("did you mean scope-image-push", ex.Message);
        }

        [Fact]
        public void AResourceWithoutScopesOrOfAnUnknownTypeIsRefused()
        {
            Assert.Throws<TokenInputException>(() => Resources(resource: new[] { new HubOrgAccessTokenResource("Repository", "acme/app", new string[0]) }));
            Assert.Throws<TokenInputException>(() => Resources(resource: new[] { new HubOrgAccessTokenResource("Team", "acme/app", new[] { "scope-image-pull" }) }));
        }

        [Theory]
        [InlineData(200, false)]
        [InlineData(201, true)]
        public void ADescriptionHasAtMost200Characters(int length, bool refused)
        {
            var check = Record.Exception(() => OrgTokenInput.CheckDescription(new string('d', length)));
            Assert.Equal(refused, check is TokenInputException { ErrorId: ErrorIds.AccessTokenDescriptionInvalid });
        }

        // The routes, against a fake wire.

        [Fact]
        public async Task ListsEveryPageWithPageSize100AndReadsTotal()
        {
            var second = Collection + "?page=2&page_size=100";
            _http.RespondWithJson(Page(3, second, Entry(label: "a"), Entry(Guid.NewGuid().ToString(), "b")))
                .RespondWithJson(Page(3, null, Entry(Guid.NewGuid().ToString(), "c")));

            var listing = Acme.List();
            var all = await listing.ReadAllAsync(CancellationToken.None);

            Assert.Equal(new[] { "a", "b", "c" }, all.Select(t => t.Label));
            Assert.Equal(3, listing.Count);
            Assert.All(all, t => Assert.Equal("acme", t.Organization));
            _http.ShouldHaveCalled(Collection).WithQueryParam("page", 1).WithQueryParam("page_size", 100).Times(1);
            _http.ShouldHaveCalled(second).Times(1);
            Assert.Contains("acme", _answered);
        }

        [Fact]
        public async Task CreatesWithHubsFieldsAndNeverSendsACreateTwice()
        {
            _http.SimulateTimeout().RespondWithJson(Page(1, null, Entry(label: "ci")));

            var ex = await Assert.ThrowsAsync<HubException>(() => Acme.CreateAsync(new OrgAccessTokenSpec
            {
                Label = "ci",
                Resources = new[] { new HubOrgAccessTokenResource("Repository", "acme/app", new[] { "scope-image-pull" }) },
            }, CancellationToken.None));

            Assert.Equal(HubFailure.OutcomeUnknown, ex.Failure);
            Assert.Equal("acme", ex.Organization);
            Assert.Equal(new[] { Guid.Parse(Id) }, ex.CreatedTokenIds);
            _http.ShouldHaveCalled(Collection).WithVerb(HttpMethod.Post).Times(1);
            _http.ShouldHaveCalled(Collection).WithVerb(HttpMethod.Post)
                .WithRequestBody("""{"label":"ci","resources":[{"type":"TYPE_REPO","path":"acme/app","scopes":["scope-image-pull"]}]}""");
            _http.ShouldHaveCalled(Collection).WithVerb(HttpMethod.Get).Times(1);
        }

        [Fact]
        public async Task ANotOwner403SaysSoAndWhoMayManageTokens()
        {
            _http.RespondWithJson(new { detail = "User 'bob' is not an owner of organization 'acme'.", message = "forbidden" }, 403);

            var ex = await Assert.ThrowsAsync<HubException>(() => Acme.GetAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.Equal(HubFailure.NotOrganizationOwner, ex.Failure);
            Assert.Contains("'alice' is not an owner of the organization 'acme'", ex.Message);
            Assert.Contains("Only the organization's owners", ex.Message);
        }

        [Fact]
        public async Task APersonalTokenSession403StaysTheTokenSessionFailure()
        {
            _http.RespondWithJson(new { message = "token issued from personal access token is not allowed", errinfo = new { } }, 403);

            var ex = await Assert.ThrowsAsync<HubException>(() => Acme.List().ReadAllAsync(CancellationToken.None));

            Assert.Equal(HubFailure.TokenSessionRefused, ex.Failure);
        }

        [Fact]
        public async Task ThePlanLimitSaysHowManyTokensThereAreAndHowManyAreExpiredOrInactive()
        {
            _http.RespondWithJson(new { detail = "Organization 'acme' has reached the limit of 10 organization access tokens for its Team plan (10 exist)." }, 403)
                .RespondWithJson(Page(3, null, Entry(label: "a", expires: "2020-01-01T00:00:00Z"), Entry(Guid.NewGuid().ToString(), "b", active: false),
                    Entry(Guid.NewGuid().ToString(), "c")));

            var ex = await Assert.ThrowsAsync<HubException>(() => Acme.CreateAsync(new OrgAccessTokenSpec
            {
                Label = "ci",
                Resources = new[] { new HubOrgAccessTokenResource("Repository", "acme/app", new[] { "scope-image-pull" }) },
            }, CancellationToken.None));

            Assert.Equal(HubFailure.TokenLimitReached, ex.Failure);
            Assert.Equal("acme", ex.Organization);
            Assert.Contains("'acme' has 3 organization access tokens: 1 expired and 1 deactivated", ex.Message);
            _http.ShouldHaveCalled(Collection).WithVerb(HttpMethod.Post).Times(1);
        }

        [Theory]
        [InlineData("""{"detail":"Organization 'acme' not found."}""", HubFailure.OrganizationNotFound)]
        [InlineData("""{"detail":"Access token not found."}""", HubFailure.NotFound)]
        public async Task A404IsAnUnknownOrganizationOrAnUnknownToken(string body, HubFailure failure)
        {
            _http.RespondWith(body, 404);

            var ex = await Assert.ThrowsAsync<HubException>(() => Acme.GetAsync(Guid.Parse(Id), CancellationToken.None));

            Assert.Equal(failure, ex.Failure);
        }

        [Fact]
        public async Task A404OnTheFirstPageOfTheListIsAnUnknownOrganization()
        {
            _http.RespondWith("""{"detail":"Not found."}""", 404);

            var ex = await Assert.ThrowsAsync<HubException>(() => Acme.List().ReadAllAsync(CancellationToken.None));

            Assert.Equal(HubFailure.OrganizationNotFound, ex.Failure);
            Assert.Contains("no organization 'acme'", ex.Message);
        }

        [Fact]
        public async Task AChangeOfAnExpiredTokenSaysItCanOnlyBeDeleted()
        {
            _http.RespondWith("""{"fields":{"is_active":["An expired token cannot be activated."]},"text":"Invalid request"}""", 400)
                .RespondWithJson(Entry(expires: "2020-01-01T00:00:00Z"));

            var ex = await Assert.ThrowsAsync<HubException>(() => Acme.UpdateAsync(Guid.Parse(Id), new OrgAccessTokenChange { IsActive = true }, CancellationToken.None));

            Assert.Equal(HubFailure.TokenExpired, ex.Failure);
            Assert.Contains("can only be deleted", ex.Message);
            _http.ShouldHaveCalled($"{Collection}/{Id}").WithVerb(new HttpMethod("PATCH")).WithRequestBody("""{"is_active":true}""").Times(1);
        }

        [Fact]
        public async Task ARefusedChangeOfATokenThatHasNotExpiredKeepsHubsWords()
        {
            _http.RespondWith("""{"fields":{"label":["too long"]},"text":"Invalid request"}""", 400).RespondWithJson(Entry());

            var ex = await Assert.ThrowsAsync<HubException>(() => Acme.UpdateAsync(Guid.Parse(Id), new OrgAccessTokenChange { Label = "x" }, CancellationToken.None));

            Assert.Equal(HubFailure.InvalidRequest, ex.Failure);
            Assert.Contains("too long", ex.Message);
        }

        [Fact]
        public async Task AChangeSendsOnlyWhatIsGivenAndResourcesReplaceAll()
        {
            _http.RespondWithJson(Entry());

            await Acme.UpdateAsync(Guid.Parse(Id), new OrgAccessTokenChange
            {
                Description = "",
                Resources = new[] { new HubOrgAccessTokenResource("Organization", "acme", new[] { "scope-member-read" }) },
            }, CancellationToken.None);

            _http.ShouldHaveCalled($"{Collection}/{Id}")
                .WithRequestBody("""{"description":"","resources":[{"type":"TYPE_ORG","path":"acme","scopes":["scope-member-read"]}]}""");
        }

        [Fact]
        public async Task ADeleteWhoseAnswerWasLostIsDoneWhenTheRetryFindsNothing()
        {
            _http.SimulateException(new HttpRequestException("reset")).RespondWith("""{"detail":"Access token not found."}""", 404);

            await Acme.DeleteAsync(Guid.Parse(Id), CancellationToken.None);

            _http.ShouldHaveCalled($"{Collection}/{Id}").WithVerb(HttpMethod.Delete).Times(2);
        }
    }
}
