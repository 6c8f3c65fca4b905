using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    /// <summary>
    /// Spec leniency where it costs nothing: counts are JSON numbers (1.0 is 1), an entry without
    /// is_active is of unknown state, and one unreadable entry costs that entry, not the listing.
    /// </summary>
    public class LenientListingTests
    {
        private const string Id = "1b4e28ba-2fa1-11d2-883f-0016d3cca427";
        private const string OtherId = "6f9619ff-8b86-d011-b42d-00c04fc964ff";

        private static PageJson<JsonElement> Envelope(string json) => JsonSerializer.Deserialize<PageJson<JsonElement>>(json)!;

        private static HubPage<HubAccessToken> Page(string json)
        {
            var envelope = Envelope(json);
            return HubPage<HubAccessToken>.Read<AccessTokenJson>(envelope.Results!, j => HubAccessToken.FromJson(j, "alice"),
                envelope.Count, envelope.Next, "list access tokens");
        }

        [Theory]
        [InlineData("1", 1L)]
        [InlineData("1.0", 1L)]
        [InlineData("2e2", 200L)]
        [InlineData("0", 0L)]
        [InlineData("-3", 0L)]
        [InlineData("1e300", (long)int.MaxValue)]
        [InlineData("1.5", null)]
        [InlineData("\"3\"", null)]
        [InlineData("null", null)]
        [InlineData("{\"n\": 1}", null)]
        [InlineData("[1, 2]", null)]
        public void CountsAreAnyJsonNumberClampedOrUnknown(string count, long? expected)
        {
            var page = Envelope($$"""{"count": {{count}}, "total": {{count}}, "active_count": {{count}}, "results": [], "next": null}""");

            Assert.Equal(expected, page.Count);
            Assert.Equal(expected, page.Total);
            Assert.Equal(expected, page.ActiveCount);
            Assert.Empty(page.Results!);
        }

        [Fact]
        public void AnEntryWithoutIsActiveIsOfUnknownState()
        {
            var page = Page($$"""{"count": 1, "results": [{"uuid": "{{Id}}", "token_label": "a"}]}""");

            var token = Assert.Single(page.Items);
            Assert.Null(token.IsActive);
            Assert.Equal("Unknown", token.State);
            Assert.Empty(page.Unreadable);
        }

        [Fact]
        public void AnUnknownStateMatchesNeitherActiveNorInactive()
        {
            var token = HubAccessToken.FromJson(new AccessTokenJson { Uuid = Id }, "alice");

            Assert.False(new TokenFilter { IsActive = true }.Matches(token, DateTime.Now));
            Assert.False(new TokenFilter { IsActive = false }.Matches(token, DateTime.Now));
            Assert.True(TokenFilter.None.Matches(token, DateTime.Now));
        }

        [Theory]
        [InlineData("\"not a token\"", "it is a JSON string, not an object", null)]
        [InlineData("42", "it is a JSON number, not an object", null)]
        [InlineData("null", "it is a JSON null, not an object", null)]
        [InlineData("{\"token_label\": \"no id\"}", "'uuid' is not valid", null)]
        [InlineData("{\"uuid\": \"" + OtherId + "\", \"is_active\": \"yes\"}", "its field 'is_active' is not what the API describes", OtherId)]
        [InlineData("{\"uuid\": \"" + OtherId + "\", \"created_at\": \"soon\"}", "'created_at' is not valid", OtherId)]
        public void OneUnreadableEntryCostsOnlyThatEntry(string entry, string why, string? id)
        {
            var page = Page($$"""{"count": 3, "results": [{"uuid": "{{Id}}"}, {{entry}}, {"uuid": "{{Id.Replace('1', '2')}}"}]}""");

            Assert.Equal(2, page.Items.Count);
            var unreadable = Assert.Single(page.Unreadable);
            Assert.Equal(HubFailure.InvalidResponse, unreadable.Error.Failure);
            Assert.Contains(why, unreadable.Error.Message, StringComparison.Ordinal);
            Assert.Contains("Docker Hub's answer to list access tokens has an entry that cannot be read (entry 2 of 3", unreadable.Error.Message, StringComparison.Ordinal);
            Assert.Contains("the rest of the list was read", unreadable.Error.Message, StringComparison.Ordinal);
            Assert.Equal(id is null ? (Guid?)null : Guid.Parse(id), unreadable.Id);
        }

        [Fact]
        public async Task TheListingGivesEachUnreadableEntryOnceOverAllReadings()
        {
            var bad = "\"garbled\"";
            var answers = new Queue<string>(new[]
            {
                // The count changes between the pages, so the list is read a second time.
                $$"""{"count": 3, "next": "https://hub.example/v2/t?page=2", "results": [{"uuid": "{{Id}}"}, {{bad}}]}""",
                $$"""{"count": 2, "next": null, "results": [{"uuid": "{{OtherId}}"}]}""",
                $$"""{"count": 2, "next": "https://hub.example/v2/t?page=2", "results": [{"uuid": "{{Id}}"}, {{bad}}]}""",
                $$"""{"count": 2, "next": null, "results": [{"uuid": "{{OtherId}}"}]}""",
            });
            var listing = new HubListing<HubAccessToken>("token list", new Uri("https://hub.example/"), new Uri("https://hub.example/v2/t?page=1"),
                (_, __) => Task.FromResult(Read(answers.Dequeue())), t => t.Id);

            var items = await listing.ReadAllAsync(CancellationToken.None);

            Assert.Equal(2, listing.Reading);
            Assert.Equal(new[] { Guid.Parse(Id), Guid.Parse(OtherId) }, items.Select(t => t.Id));
            Assert.Single(listing.TakeUnreadable());
            Assert.Empty(listing.TakeUnreadable());
            Assert.Equal(1, listing.UnreadableCount);

            static HubPage<HubAccessToken> Read(string json)
            {
                var envelope = Envelope(json);
                return HubPage<HubAccessToken>.Read<AccessTokenJson>(envelope.Results!, j => HubAccessToken.FromJson(j, "alice"),
                    envelope.Count, envelope.Next, "list access tokens");
            }
        }

        // Without a count, page sizes must not pass for a changing list (which would read it 20 times).
        [Fact]
        public async Task PagesWithoutACountAreReadOnce()
        {
            var pages = new Dictionary<string, HubPage<Guid>>
            {
                ["https://hub.example/v2/t?page=1"] = new HubPage<Guid>(new[] { Guid.NewGuid(), Guid.NewGuid() }, null, "https://hub.example/v2/t?page=2"),
                ["https://hub.example/v2/t?page=2"] = new HubPage<Guid>(new[] { Guid.NewGuid() }, null, null),
            };
            var asked = 0;
            var listing = new HubListing<Guid>("thing list", new Uri("https://hub.example/"), new Uri("https://hub.example/v2/t?page=1"),
                (url, _) =>
                {
                    asked++;
                    return Task.FromResult(pages[url.AbsoluteUri]);
                }, g => g);

            var items = await listing.ReadAllAsync(CancellationToken.None);

            Assert.Equal(3, items.Count);
            Assert.Equal(2, asked);
            Assert.Equal(1, listing.Reading);
            Assert.Null(listing.Count);
            Assert.False(listing.KeptChanging);
        }

        [Theory]
        [InlineData("{\"count\": 1, \"results\": [", "JSON that stop before it is complete")]
        [InlineData("{\"count\": 1, \"results\": [{\"uuid\": \"x\"", "JSON that stop before it is complete")]
        [InlineData("{\"count\": 1,, }", "malformed JSON")]
        [InlineData("{\"count\": 1} trailing", "malformed JSON")]
        [InlineData("{\"results\": \"none\"}", "well-formed JSON whose 'results' is not what the API describes")]
        [InlineData("[1, 2]", "well-formed JSON")]
        public void AFailedReadSaysWhatTheBodyIs(string body, string shape)
        {
            var failure = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize<PageJson<JsonElement>>(body));

            Assert.Contains(shape, HubClient.Shape(body, failure), StringComparison.Ordinal);
        }
    }
}
