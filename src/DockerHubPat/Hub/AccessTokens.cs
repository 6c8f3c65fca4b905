using System;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Flurl;

namespace DockerHubPat.Hub
{
    /// <summary>An account's personal access tokens: the /v2/access-tokens routes and their JSON.</summary>
    internal sealed class AccessTokens : HubTokenRoutes<HubAccessToken>
    {
        /// <summary>Hub's largest page size: fewest round trips for a full listing.</summary>
        public const int PageSize = 100;

        public AccessTokens(HubClient client, IHubCredentials credentials)
            : base(client, credentials)
        {
        }

        /// <summary>A fresh listing of every token, read page by page.</summary>
        public HubListing<HubAccessToken> List() =>
            new HubListing<HubAccessToken>("token list", Client.HubUri,
                Collection().SetQueryParam("page", 1).SetQueryParam("page_size", PageSize).ToUri(),
                (url, cancel) => ReadPageAsync<AccessTokenJson>(url, "list access tokens", Map, cancel), t => t.Id);

        public Task<HubAccessToken> GetAsync(Guid id, CancellationToken cancel) =>
            SendAsync<AccessTokenJson>(new HubRequest(HttpMethod.Get, Item(id), $"get access token {id}"), 200, Map, cancel);

        /// <summary>Creates a token; its Secret is set. A create whose answer was lost is never sent again.</summary>
        /// <param name="existing">A token with the same label known to exist before (the one a rotation replaces).</param>
        public Task<HubAccessToken> CreateAsync(string label, string[] scopes, DateTime? expiresAtUtc, CancellationToken cancel,
            Guid? existing = null)
        {
            var body = new CreateAccessTokenJson
            {
                TokenLabel = label,
                Scopes = scopes,
                ExpiresAt = expiresAtUtc is DateTime at ? HubTime.Format(at) : null,
            };
            var request = new HubRequest(HttpMethod.Post, Collection(), $"create access token '{label}'", body);
            return CreateAsync<AccessTokenJson>(request, label, Map, List, cancel, existing);
        }

        public Task<HubAccessToken> UpdateAsync(Guid id, string? label, bool? isActive, CancellationToken cancel) =>
            ChangeAsync<AccessTokenJson>(new HubRequest(Patch, Item(id), $"update access token {id}",
                new PatchAccessTokenJson { TokenLabel = label, IsActive = isActive }), id, Map,
                t => (label is null || t.Label == label) && (isActive is null || t.IsActive == isActive), GetAsync, cancel);

        public Task DeleteAsync(Guid id, CancellationToken cancel) => DeleteAsync(Item(id), $"remove access token {id}", cancel);

        private HubAccessToken Map(AccessTokenJson json) => HubAccessToken.FromJson(json, Credentials.Username);

        private Url Collection() => Client.Route("v2", "access-tokens");

        private Url Item(Guid id) => Client.Route("v2", "access-tokens", id.ToString("D"));
    }
}
