using System;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Flurl;

namespace DockerHubPat.Hub
{
    /// <summary>
    /// What the routes of personal and organization access tokens do alike: read a list page,
    /// create without ever sending a create twice, delete. The subclasses give the routes and the JSON.
    /// </summary>
    internal abstract class HubTokenRoutes<TToken> where TToken : class, IHubToken
    {
        protected HubTokenRoutes(HubClient client, IHubCredentials credentials)
        {
            Client = client;
            Credentials = credentials;
        }

        protected HubClient Client { get; }

        protected IHubCredentials Credentials { get; }

        protected Task<HubAnswer> SendAsync(HubRequest request, CancellationToken cancel) => Client.SendAsync(request, Credentials, cancel);

        /// <summary>A non-success answer as a failure; the organization routes tell their 403s and 404s apart.</summary>
        protected virtual HubException Failure(HubAnswer answer, string what) => HubClient.Failure(answer, what);

        protected T Expect<T>(HubAnswer answer, int status, string what) where T : class =>
            answer.Status == status ? HubClient.Expect<T>(answer, status, what) : throw Failure(answer, what);

        /// <summary>Sends the request and maps its answer.</summary>
        protected async Task<TToken> SendAsync<TJson>(HubRequest request, int status, Func<TJson, TToken> map, CancellationToken cancel) where TJson : class =>
            map(Expect<TJson>(await SendAsync(request, cancel).ConfigureAwait(false), status, request.What));

        /// <param name="what">"list access tokens": what the request does, for messages.</param>
        protected async Task<HubPage<TToken>> ReadPageAsync<TJson>(Uri url, string what, Func<TJson, TToken> map, CancellationToken cancel) where TJson : class
        {
            var request = new HubRequest(HttpMethod.Get, new Url(url), what);
            var page = Expect<PageJson<JsonElement>>(await SendAsync(request, cancel).ConfigureAwait(false), 200, request.What);
            if (page.Results is null)
            {
                throw new HubException(HubFailure.InvalidResponse, $"Docker Hub's answer to {what} has no 'results'.", 200);
            }

            // Personal tokens say `count`, organization tokens `total`.
            return HubPage<TToken>.Read(page.Results, map, page.Count ?? page.Total, page.Next, what);
        }

        /// <summary>
        /// Creates a token; its Secret is set. Any 2xx whose body is a token is success; a create
        /// that may have reached Hub is never sent twice: when its answer is lost or cannot be
        /// read, <paramref name="listing"/> is read to find what it made (see <see cref="Unconfirmed"/>).
        /// </summary>
        /// <param name="existing">A token with the same label known to exist before (the one a rotation
        /// replaces): never taken for what a lost create made.</param>
        protected Task<TToken> CreateAsync<TJson>(HubRequest request, string label, Func<TJson, TToken> map,
            Func<HubListing<TToken>> listing, CancellationToken cancel, Guid? existing = null) where TJson : class =>
            Unconfirmed.CreateAsync(Client, Credentials, request, label,
                answer => map(HubClient.Read<TJson>(answer, request.What)),
                token => (token.Id, token.Secret != null),
                Failure,
                async c => (await listing().ReadAllAsync(c).ConfigureAwait(false))
                    .Where(t => t.Id != existing).Select(t => new ListedToken(t.Id, t.Label, t.CreatedAt?.ToUniversalTime())),
                cancel);

        /// <summary>
        /// Sends a change (PATCH) of token <paramref name="id"/>. When it fails after an earlier
        /// attempt may have made it, one read settles it: success when the token is as
        /// <paramref name="applied"/> wants, else the failure says how it is.
        /// </summary>
        protected async Task<TToken> ChangeAsync<TJson>(HubRequest request, Guid id, Func<TJson, TToken> map, Func<TToken, bool> applied,
            Func<Guid, CancellationToken, Task<TToken>> get, CancellationToken cancel) where TJson : class
        {
            try
            {
                return await SendAsync(request, 200, map, cancel).ConfigureAwait(false);
            }
            catch (HubException ex) when (ex.MaybeApplied)
            {
                return await Unconfirmed.SettleChangeAsync(ex, c => get(id, c), applied,
                    t => $"token {id} is labelled '{t.Label}' and {(t.IsActive is bool active ? (active ? "active" : "inactive") : "of unknown state")}", cancel).ConfigureAwait(false);
            }
        }

        protected async Task DeleteAsync(Url item, string what, CancellationToken cancel)
        {
            var request = new HubRequest(HttpMethod.Delete, item, what);
            var answer = await SendAsync(request, cancel).ConfigureAwait(false);

            // The spec says 204; the legacy route answered 202, so any 2xx is success.
            if (answer.Status < 200 || answer.Status > 299)
            {
                throw Failure(answer, request.What);
            }
        }

        protected static HttpMethod Patch { get; } = new HttpMethod("PATCH");
    }
}
