using System;
using System.Net;
using System.Text.Json;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    public class AccessTokenJsonTests
    {
        private const string Id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";

        // A get/list item with every field the Hub API lists; the secret is blank as Hub sends it there.
        private const string Listed = """
            {
              "uuid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427",
              "client_id": "HUB",
              "creator_ip": "203.0.113.7",
              "creator_ua": "hub-tool/v0.4.6",
              "created_at": "2021-07-20T12:00:00.123456Z",
              "last_used": "2021-08-01T06:30:15.000001Z",
              "generated_by": "manual",
              "is_active": true,
              "token": "",
              "token_label": "ci pipeline",
              "scopes": ["repo:read", "repo:public_read"],
              "expires_at": "2022-01-31T23:59:59Z"
            }
            """;

        // Parsed the way HubClient parses answers, so a change of serializer options shows up here.
        private static AccessTokenJson Parse(string json) =>
            JsonSerializer.Deserialize<AccessTokenJson>(json) ?? throw new InvalidOperationException("JSON null");

        private static HubAccessToken Map(string json, string username = "alice") =>
            HubAccessToken.FromJson(Parse(json), username);

        private static DateTime Utc(int year, int month, int day, int hour, int minute, int second, long extraTicks = 0) =>
            new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(extraTicks);

        [Fact]
        public void UuidBecomesId()
        {
            Assert.Equal(Guid.Parse(Id), Map(Listed).Id);
        }

        [Fact]
        public void TokenLabelBecomesLabel()
        {
            Assert.Equal("ci pipeline", Map(Listed).Label);
        }

        [Fact]
        public void ScopesKeepHubsValuesAndOrder()
        {
            Assert.Equal(new[] { "repo:read", "repo:public_read" }, Map(Listed).Scopes);
        }

        [Theory]
        [InlineData("true", true)]
        [InlineData("false", false)]
        public void IsActiveIsMapped(string json, bool expected)
        {
            Assert.Equal((bool?)expected, Map($$"""{"uuid":"{{Id}}","is_active":{{json}}}""").IsActive);
        }

        // The spec requires no field; a missing is_active is not taken for "inactive".
        [Theory]
        [InlineData("")]
        [InlineData(",\"is_active\":null")]
        public void IsActiveMissingIsUnknown(string field)
        {
            Assert.Null(Map($$"""{"uuid":"{{Id}}"{{field}}}""").IsActive);
        }

        [Fact]
        public void CreatedAtKeepsMicrosecondsAndIsTheUtcInstant()
        {
            var created = Map(Listed).CreatedAt;

            Assert.NotNull(created);
            Assert.Equal(Utc(2021, 7, 20, 12, 0, 0, 1_234_560), created!.Value.ToUniversalTime());
        }

        [Fact]
        public void TimesAreLocal()
        {
            var token = Map(Listed);

            Assert.Equal(DateTimeKind.Local, token.CreatedAt!.Value.Kind);
            Assert.Equal(DateTimeKind.Local, token.LastUsedAt!.Value.Kind);
            Assert.Equal(DateTimeKind.Local, token.ExpiresAt!.Value.Kind);
        }

        [Fact]
        public void CreatedAtWithAnOffsetIsConvertedToTheSameInstant()
        {
            var token = Map($$"""{"uuid":"{{Id}}","created_at":"2021-07-20T14:00:00.5+02:00"}""");

            Assert.Equal(Utc(2021, 7, 20, 12, 0, 0, 5_000_000), token.CreatedAt!.Value.ToUniversalTime());
        }

        // Hub writes UTC; a time without a zone must not be read as the machine's local time.
        [Fact]
        public void CreatedAtWithoutAZoneIsTakenAsUtc()
        {
            var token = Map($$"""{"uuid":"{{Id}}","created_at":"2021-07-20T12:00:00.000000"}""");

            Assert.Equal(Utc(2021, 7, 20, 12, 0, 0), token.CreatedAt!.Value.ToUniversalTime());
        }

        [Fact]
        public void LastUsedNullMeansNeverUsed()
        {
            var token = Map($$"""{"uuid":"{{Id}}","created_at":"2021-07-20T12:00:00Z","last_used":null}""");

            Assert.Null(token.LastUsedAt);
        }

        [Fact]
        public void LastUsedIsMapped()
        {
            Assert.Equal(Utc(2021, 8, 1, 6, 30, 15, 10), Map(Listed).LastUsedAt!.Value.ToUniversalTime());
        }

        [Fact]
        public void ExpiresAtAbsentMeansNeverExpires()
        {
            Assert.Null(Map($$"""{"uuid":"{{Id}}"}""").ExpiresAt);
        }

        [Fact]
        public void ExpiresAtNullMeansNeverExpires()
        {
            Assert.Null(Map($$"""{"uuid":"{{Id}}","expires_at":null}""").ExpiresAt);
        }

        [Fact]
        public void ExpiresAtIsMapped()
        {
            Assert.Equal(Utc(2022, 1, 31, 23, 59, 59), Map(Listed).ExpiresAt!.Value.ToUniversalTime());
        }

        [Fact]
        public void CreatorIpIsMapped()
        {
            Assert.Equal("203.0.113.7", Map(Listed).CreatorIp);
        }

        [Fact]
        public void CreatorUaBecomesCreatorUserAgent()
        {
            Assert.Equal("hub-tool/v0.4.6", Map(Listed).CreatorUserAgent);
        }

        [Fact]
        public void GeneratedByIsMapped()
        {
            Assert.Equal("manual", Map(Listed).GeneratedBy);
        }

        [Fact]
        public void ClientIdIsMapped()
        {
            Assert.Equal("HUB", Map(Listed).ClientId);
        }

        // Hub's answer does not name the owner; the session's user is the only source.
        [Theory]
        [InlineData("alice")]
        [InlineData("bob")]
        public void UsernameComesFromTheArgument(string username)
        {
            Assert.Equal(username, Map(Listed, username).Username);
        }

        // Tokens made without scopes by old clients come without the key (hub-tool#187).
        [Fact]
        public void ScopesAbsentBecomeAnEmptyArray()
        {
            var token = Map($$"""{"uuid":"{{Id}}","token_label":"old"}""");

            Assert.NotNull(token.Scopes);
            Assert.Empty(token.Scopes);
        }

        [Fact]
        public void ScopesNullBecomeAnEmptyArray()
        {
            var token = Map($$"""{"uuid":"{{Id}}","scopes":null}""");

            Assert.NotNull(token.Scopes);
            Assert.Empty(token.Scopes);
        }

        [Fact]
        public void BlankTokenOfAListedItemIsNoSecret()
        {
            Assert.Null(Map(Listed).Secret);
        }

        [Fact]
        public void AbsentTokenIsNoSecret()
        {
            Assert.Null(Map($$"""{"uuid":"{{Id}}"}""").Secret);
        }

        [Fact]
        public void CreateAnswerCarriesTheSecretAsAReadOnlySecureString()
        {
            var token = Map($$"""{"uuid":"{{Id}}","token_label":"ci","token":"dckr_pat_x","scopes":["repo:read"]}""");

            Assert.NotNull(token.Secret);
            Assert.True(token.Secret!.IsReadOnly());
            Assert.Equal("dckr_pat_x".Length, token.Secret.Length);
            Assert.Equal("dckr_pat_x", new NetworkCredential("", token.Secret).Password);
        }

        [Fact]
        public void ToStringNamesLabelAndIdButNeverTheSecret()
        {
            const string secret = "dckr_pat_Zq8sW3x1Yk0aBcDeFgHiJkLmNoP";
            var token = Map($$"""{"uuid":"{{Id}}","token_label":"ci","token":"{{secret}}"}""");

            var text = token.ToString();

            Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            Assert.DoesNotContain("dckr_pat", text, StringComparison.Ordinal);
            Assert.Contains("ci", text, StringComparison.Ordinal);
            Assert.Contains(Id, text, StringComparison.OrdinalIgnoreCase);
        }

        [Theory]
        [InlineData("""{"token_label":"no id"}""")]
        [InlineData("""{"uuid":null}""")]
        [InlineData("""{"uuid":""}""")]
        [InlineData("""{"uuid":"not-a-guid"}""")]
        [InlineData("""{"uuid":"1b4e28ba-2fa1-11d2-883f"}""")]
        public void MissingOrMalformedUuidIsAnInvalidResponse(string json)
        {
            var ex = Assert.Throws<HubException>(() => Map(json));

            Assert.Equal(HubFailure.InvalidResponse, ex.Failure);
            Assert.Contains("uuid", ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("created_at")]
        [InlineData("last_used")]
        [InlineData("expires_at")]
        public void UnparseableDateIsAnInvalidResponseNamingTheField(string field)
        {
            var ex = Assert.Throws<HubException>(() => Map($$"""{"uuid":"{{Id}}","{{field}}":"the day before yesterday"}"""));

            Assert.Equal(HubFailure.InvalidResponse, ex.Failure);
            Assert.Contains(field, ex.Message, StringComparison.Ordinal);
            Assert.Contains("the day before yesterday", ex.Message, StringComparison.Ordinal);
        }

        private const string Page = """
            {
              "count": 3,
              "next": "https://hub.docker.com/v2/access-tokens?page=2&page_size=2",
              "previous": null,
              "active_count": 2,
              "results": [
                {"uuid": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", "token_label": "one", "is_active": true, "token": "",
                 "created_at": "2021-07-20T12:00:00.000000Z", "last_used": null, "scopes": ["repo:admin"]},
                {"uuid": "6f9619ff-8b86-d011-b42d-00c04fc964ff", "token_label": "two", "is_active": false, "token": "",
                 "created_at": "2021-07-21T12:00:00.000000Z", "last_used": null}
              ]
            }
            """;

        [Fact]
        public void PageEnvelopeIsMapped()
        {
            var page = JsonSerializer.Deserialize<PageJson<AccessTokenJson>>(Page)!;

            Assert.Equal(3, page.Count);
            Assert.Equal("https://hub.docker.com/v2/access-tokens?page=2&page_size=2", page.Next);
            Assert.Null(page.Previous);
            Assert.Equal(2, page.ActiveCount);
            Assert.NotNull(page.Results);
            Assert.Equal(2, page.Results!.Count);
        }

        [Fact]
        public void PageResultsMapToTokens()
        {
            var page = JsonSerializer.Deserialize<PageJson<AccessTokenJson>>(Page)!;

            var first = HubAccessToken.FromJson(page.Results![0], "alice");
            var second = HubAccessToken.FromJson(page.Results[1], "alice");

            Assert.Equal(Guid.Parse(Id), first.Id);
            Assert.Equal("one", first.Label);
            Assert.True(first.IsActive);
            Assert.Equal(new[] { "repo:admin" }, first.Scopes);
            Assert.Equal(Guid.Parse("6f9619ff-8b86-d011-b42d-00c04fc964ff"), second.Id);
            Assert.Equal("two", second.Label);
            Assert.False(second.IsActive);
            Assert.Empty(second.Scopes);
        }

        // A body as the real Hub sends it: last page, keys in Hub's order.
        [Fact]
        public void ObservedLastPageHasNoNextLink()
        {
            var page = JsonSerializer.Deserialize<PageJson<AccessTokenJson>>(
                $$"""{"results":[{"uuid":"{{Id}}","token":""}],"active_count":0,"count":1,"next":null,"previous":null}""")!;

            Assert.Equal(1, page.Count);
            Assert.Equal(0, page.ActiveCount);
            Assert.Null(page.Next);
            Assert.Null(page.Previous);
            Assert.Single(page.Results!);
        }
    }
}
