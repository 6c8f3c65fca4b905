using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Flurl;

namespace DockerHubPat.Hub
{
    /// <summary>An account's personal access tokens: the /v2/access-tokens routes and their JSON.</summary>
    internal sealed class AccessTokens
    {
        /// <summary>Hub's largest page size: fewest round trips for a full listing.</summary>
        public const int PageSize = 100;

        // Hub's clock and ours may differ a little when looking for what a lost create made.
        private static readonly TimeSpan CreateClockSkew = TimeSpan.FromMinutes(2);

        private readonly HubClient _client;
        private readonly IHubCredentials _credentials;

        public AccessTokens(HubClient client, IHubCredentials credentials)
        {
            _client = client;
            _credentials = credentials;
        }

        /// <summary>A fresh listing of every token, read page by page.</summary>
        public HubListing<HubAccessToken> List() =>
            new HubListing<HubAccessToken>("token list", _client.HubUri,
                Collection().SetQueryParam("page", 1).SetQueryParam("page_size", PageSize).ToUri(), ReadPageAsync, t => t.Id);

        public async Task<HubAccessToken> GetAsync(Guid id, CancellationToken cancel)
        {
            var request = new HubRequest(HttpMethod.Get, Item(id), $"get access token {id}");
            return Map(HubClient.Expect<AccessTokenJson>(await SendAsync(request, cancel).ConfigureAwait(false), 200, request.What));
        }

        /// <summary>Creates a token; its Secret is set. A create whose answer was lost is never sent again (see below).</summary>
        public async Task<HubAccessToken> CreateAsync(string label, string[] scopes, DateTime? expiresAtUtc, CancellationToken cancel)
        {
            var body = new CreateAccessTokenJson
            {
                TokenLabel = label,
                Scopes = scopes,
                ExpiresAt = expiresAtUtc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            };
            var request = new HubRequest(HttpMethod.Post, Collection(), $"create access token '{label}'", body);
            var started = DateTime.UtcNow;
            try
            {
                var answer = await SendAsync(request, cancel).ConfigureAwait(false);
                try
                {
                    return Map(HubClient.Expect<AccessTokenJson>(answer, 201, request.What));
                }
                catch (HubException unreadable) when (unreadable.Failure == HubFailure.InvalidResponse && answer.Status == 201)
                {
                    throw new HubException(HubFailure.OutcomeUnknown, unreadable.Message, 201);
                }
            }
            catch (HubException ex) when (ex.Failure == HubFailure.OutcomeUnknown)
            {
                throw await ExplainLostCreateAsync(label, started, ex, cancel).ConfigureAwait(false);
            }
        }

        public async Task<HubAccessToken> UpdateAsync(Guid id, string? label, bool? isActive, CancellationToken cancel)
        {
            var request = new HubRequest(new HttpMethod("PATCH"), Item(id), $"update access token {id}",
                new PatchAccessTokenJson { TokenLabel = label, IsActive = isActive });
            return Map(HubClient.Expect<AccessTokenJson>(await SendAsync(request, cancel).ConfigureAwait(false), 200, request.What));
        }

        public async Task DeleteAsync(Guid id, CancellationToken cancel)
        {
            var request = new HubRequest(HttpMethod.Delete, Item(id), $"remove access token {id}");
            var answer = await SendAsync(request, cancel).ConfigureAwait(false);

            // The spec says 204; the legacy route answered 202, so any 2xx is success.
            if (answer.Status < 200 || answer.Status > 299)
            {
                throw HubClient.Failure(answer, request.What);
            }
        }

        // A second token would be made and the first one's secret is gone either way, so a create
        // is never sent twice. Instead, look for what the lost request made and say so.
        private async Task<HubException> ExplainLostCreateAsync(string label, DateTime startedUtc, HubException lost, CancellationToken cancel)
        {
            var since = startedUtc - CreateClockSkew;
            IReadOnlyList<HubAccessToken> all;
            try
            {
                all = await List().ReadAllAsync(cancel).ConfigureAwait(false);
            }
            catch (HubException check)
            {
                return HubException.LostCreate(
                    $"{lost.Message} Whether Docker Hub created the token is unknown, and checking failed too ({check.Message}). " +
                    $"A token labelled '{label}' made by the lost request has a secret nobody can read, so remove it.",
                    new Guid[0], true, lost);
            }

            var found = all.Where(t => t.Label == label && t.CreatedAt?.ToUniversalTime() >= since).Select(t => t.Id).ToList();
            return found.Count == 0
                ? HubException.LostCreate($"{lost.Message} No token labelled '{label}' was created, so it is safe to run the command again.", found, false, lost)
                : HubException.LostCreate(
                    $"{lost.Message} Docker Hub did create {found.Count} token(s) labelled '{label}' ({string.Join(", ", found)}), " +
                    "but its secret was in the lost answer and cannot be recovered.", found, false, lost);
        }

        private async Task<HubPage<HubAccessToken>> ReadPageAsync(Uri url, CancellationToken cancel)
        {
            var request = new HubRequest(HttpMethod.Get, new Url(url), "list access tokens");
            var page = HubClient.Expect<PageJson<AccessTokenJson>>(await SendAsync(request, cancel).ConfigureAwait(false), 200, request.What);
            if (page.Results is null)
            {
                throw new HubException(HubFailure.InvalidResponse, "Docker Hub's token list has no 'results'.", 200);
            }

            return new HubPage<HubAccessToken>(page.Results.Select(Map).ToList(), page.Count ?? page.Results.Count, page.Next);
        }

        private Task<HubAnswer> SendAsync(HubRequest request, CancellationToken cancel) => _client.SendAsync(request, _credentials, cancel);

        private HubAccessToken Map(AccessTokenJson json) => HubAccessToken.FromJson(json, _credentials.Username);

        private Url Collection() => _client.Route("v2", "access-tokens");

        private Url Item(Guid id) => _client.Route("v2", "access-tokens", id.ToString("D"));
    }
}
