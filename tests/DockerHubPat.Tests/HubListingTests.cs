using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    /// <summary>
    /// The one listing every caller uses, driven by scripted pages: paging, the same-site check on
    /// `next`, loop detection, and reading again when the list changes while it is read.
    /// </summary>
    public class HubListingTests
    {
        private static readonly Uri Hub = new Uri("https://hub.example/");
        private static readonly Uri First = new Uri("https://hub.example/v2/things?page=1");

        private static string PageUrl(int n) => $"https://hub.example/v2/things?page={n}";

        private static Guid Item(int n) => new Guid(n, 0, 0, new byte[8]);

        /// <summary>Answers each request with the next scripted step for that page, and records what was asked.</summary>
        private sealed class Script
        {
            private readonly Dictionary<string, Queue<Func<HubPage<Guid>>>> _answers = new Dictionary<string, Queue<Func<HubPage<Guid>>>>();

            public List<string> Asked { get; } = new List<string>();

            public Script On(string url, Func<HubPage<Guid>> answer)
            {
                if (!_answers.TryGetValue(url, out var queue))
                {
                    _answers[url] = queue = new Queue<Func<HubPage<Guid>>>();
                }

                queue.Enqueue(answer);
                return this;
            }

            public Script On(string url, long count, string? next, params int[] items) =>
                On(url, () => new HubPage<Guid>(items.Select(Item).ToList(), count, next));

            public HubListing<Guid> Listing() =>
                new HubListing<Guid>("thing list", Hub, First, (url, _) =>
                {
                    Asked.Add(url.AbsoluteUri);
                    var queue = _answers[url.AbsoluteUri];
                    return Task.FromResult((queue.Count > 1 ? queue.Dequeue() : queue.Peek())());
                }, g => g);
        }

        private static async Task<List<IReadOnlyList<Guid>>> Pages(HubListing<Guid> listing)
        {
            var pages = new List<IReadOnlyList<Guid>>();
            while (await listing.NextAsync(CancellationToken.None) is IReadOnlyList<Guid> page)
            {
                pages.Add(page);
            }

            return pages;
        }

        [Fact]
        public async Task FollowsNextUntilTheLastPage()
        {
            var script = new Script()
                .On(PageUrl(1), 5, PageUrl(2), 1, 2)
                .On(PageUrl(2), 5, PageUrl(3), 3, 4)
                .On(PageUrl(3), 5, null, 5);
            var listing = script.Listing();

            var pages = await Pages(listing);

            Assert.Equal(new[] { 2, 2, 1 }, pages.Select(p => p.Count));
            Assert.Equal(Enumerable.Range(1, 5).Select(Item), pages.SelectMany(p => p));
            Assert.Equal(new[] { PageUrl(1), PageUrl(2), PageUrl(3) }, script.Asked);
            Assert.Equal(3, listing.Pages);
            Assert.Equal(1, listing.Reading);
            Assert.Equal(5, listing.Listed);
            Assert.False(listing.KeptChanging);
        }

        [Fact]
        public async Task TellsWhetherMoreFollowsAndHowFarItGot()
        {
            var listing = new Script().On(PageUrl(1), 3, PageUrl(2), 1, 2).On(PageUrl(2), 3, null, 3).Listing();

            await listing.NextAsync(CancellationToken.None);
            Assert.True(listing.HasMore);
            Assert.Equal(2, listing.Listed);
            Assert.Equal(3, listing.Count);

            await listing.NextAsync(CancellationToken.None);
            Assert.False(listing.HasMore);
            Assert.Null(await listing.NextAsync(CancellationToken.None));
        }

        [Fact]
        public async Task AnEmptyListIsOnePageWithNothing()
        {
            var pages = await Pages(new Script().On(PageUrl(1), 0, null).Listing());

            Assert.Empty(Assert.Single(pages));
        }

        [Theory]
        [InlineData("https://elsewhere.example/v2/things?page=2")]
        [InlineData("http://hub.example/v2/things?page=2")]
        [InlineData("https://hub.example:8443/v2/things?page=2")]
        [InlineData("/v2/things?page=2")]
        public async Task RefusesANextLinkToAnotherSite(string next)
        {
            var listing = new Script().On(PageUrl(1), 4, next, 1, 2).Listing();

            var ex = await Assert.ThrowsAsync<HubException>(() => listing.NextAsync(CancellationToken.None));

            Assert.Equal(HubFailure.InvalidResponse, ex.Failure);
            Assert.Contains(next, ex.Message);
        }

        [Fact]
        public async Task ANextLinkOnTheSameSiteInAnotherLetterCaseIsFollowed()
        {
            var script = new Script().On(PageUrl(1), 2, "HTTPS://HUB.EXAMPLE/v2/things?page=2", 1).On(PageUrl(2), 2, null, 2);

            Assert.Equal(2, (await Pages(script.Listing())).Count);
        }

        [Fact]
        public async Task StopsAtALinkBackToAPageAlreadySentAfterGivingThatPagesItems()
        {
            var listing = new Script()
                .On(PageUrl(1), 6, PageUrl(2), 1, 2)
                .On(PageUrl(2), 6, PageUrl(3), 3, 4)
                .On(PageUrl(3), 6, PageUrl(2), 5, 6)
                .Listing();

            await listing.NextAsync(CancellationToken.None);
            await listing.NextAsync(CancellationToken.None);
            Assert.Equal(new[] { Item(5), Item(6) }, await listing.NextAsync(CancellationToken.None));
            var ex = await Assert.ThrowsAsync<HubException>(() => listing.NextAsync(CancellationToken.None));

            Assert.Equal(HubFailure.InvalidResponse, ex.Failure);
            Assert.Contains("thing list links back", ex.Message);
        }

        [Fact]
        public async Task ReadsAgainWhenTheCountChangesAndSkipsWhatItAlreadyGave()
        {
            // Items 1 and 2 were removed after the first page: page 2 now starts at item 5.
            var script = new Script()
                .On(PageUrl(1), 6, PageUrl(2), 1, 2)
                .On(PageUrl(1), 4, PageUrl(2), 3, 4)
                .On(PageUrl(2), 4, null, 5, 6);
            var listing = script.Listing();

            var pages = await Pages(listing);

            Assert.Equal(new[] { 1, 2, 5, 6, 3, 4 }.Select(Item), pages.SelectMany(p => p));
            Assert.Equal(new[] { PageUrl(1), PageUrl(2), PageUrl(1), PageUrl(2) }, script.Asked);
            Assert.Equal(2, listing.Reading);
        }

        [Theory]
        [InlineData(HubFailure.NotFound)]
        [InlineData(HubFailure.InvalidRequest)]
        public async Task ReadsAgainWhenALinkedPageNoLongerExists(HubFailure failure)
        {
            var script = new Script()
                .On(PageUrl(1), 4, PageUrl(2), 1, 2)
                .On(PageUrl(1), 2, null, 3, 4)
                .On(PageUrl(2), () => throw new HubException(failure, "gone"));
            var listing = script.Listing();

            var pages = await Pages(listing);

            Assert.Equal(new[] { 1, 2, 3, 4 }.Select(Item), pages.SelectMany(p => p));
            Assert.Contains(pages, p => p.Count == 0);
            Assert.Equal(2, listing.Reading);
        }

        [Theory]
        [InlineData(HubFailure.NotFound)]
        [InlineData(HubFailure.Unavailable)]
        public async Task AFailureOnTheFirstPageIsTheCallersToReport(HubFailure failure)
        {
            var listing = new Script().On(PageUrl(1), () => throw new HubException(failure, "no")).Listing();

            Assert.Equal(failure, (await Assert.ThrowsAsync<HubException>(() => listing.NextAsync(CancellationToken.None))).Failure);
        }

        [Fact]
        public async Task AFailureOtherThanAShrunkListOnALaterPageIsTheCallersToReport()
        {
            var listing = new Script()
                .On(PageUrl(1), 4, PageUrl(2), 1, 2)
                .On(PageUrl(2), () => throw new HubException(HubFailure.Unavailable, "down"))
                .Listing();

            await listing.NextAsync(CancellationToken.None);

            Assert.Equal(HubFailure.Unavailable, (await Assert.ThrowsAsync<HubException>(() => listing.NextAsync(CancellationToken.None))).Failure);
        }

        [Fact]
        public async Task GivesUpAfterTheMostReadingsAndSaysSo()
        {
            var count = 100;
            var script = new Script().On(PageUrl(2), () => new HubPage<Guid>(new Guid[0], count--, null));
            script.On(PageUrl(1), () => new HubPage<Guid>(new[] { Item(1) }, count--, PageUrl(2)));
            var listing = script.Listing();

            await Pages(listing);

            Assert.True(listing.KeptChanging);
            Assert.Equal(HubListing<Guid>.MaxReadings, listing.Reading);
            Assert.Equal(HubListing<Guid>.MaxReadings * 2, script.Asked.Count);
        }

        [Fact]
        public async Task ReadAllGathersEveryItemOnce()
        {
            var script = new Script()
                .On(PageUrl(1), 3, PageUrl(2), 1, 2)
                .On(PageUrl(1), 2, PageUrl(2), 2, 3)
                .On(PageUrl(2), 2, null, 3);

            Assert.Equal(new[] { 1, 2, 3 }.Select(Item), await script.Listing().ReadAllAsync(CancellationToken.None));
        }

        [Fact]
        public async Task ACallerThatHasEnoughStopsWithoutFurtherRequests()
        {
            var script = new Script().On(PageUrl(1), 4, PageUrl(2), 1, 2).On(PageUrl(2), 4, null, 3, 4);

            await script.Listing().NextAsync(CancellationToken.None);

            Assert.Single(script.Asked);
        }
    }
}
