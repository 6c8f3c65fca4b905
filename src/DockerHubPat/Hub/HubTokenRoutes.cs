using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
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
        // Hub's clock and ours may differ a little when looking for what a lost create made.
        private static readonly TimeSpan CreateClockSkew = TimeSpan.FromMinutes(2);

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
            var page = Expect<PageJson<TJson>>(await SendAsync(request, cancel).ConfigureAwait(false), 200, request.What);
            if (page.Results is null)
            {
                throw new HubException(HubFailure.InvalidResponse, $"Docker Hub's answer to {what} has no 'results'.", 200);
            }

            // Personal tokens say `count`, organization tokens `total`.
            return new HubPage<TToken>(page.Results.Select(map).ToList(), page.Count ?? page.Total ?? page.Results.Count, page.Next);
        }

        /// <summary>
        /// Creates a token; its Secret is set. A second token would be made and the first one's
        /// secret is gone either way, so a create is never sent twice: when its answer is lost,
        /// <paramref name="listing"/> is read to find what it made, and the failure says so.
        /// </summary>
        /// <param name="existing">A token with the same label known to exist before (the one a rotation
        /// replaces): never taken for what a lost create made.</param>
        protected async Task<TToken> CreateAsync<TJson>(HubRequest request, string label, Func<TJson, TToken> map,
            Func<HubListing<TToken>> listing, CancellationToken cancel, Guid? existing = null) where TJson : class
        {
            var started = DateTime.UtcNow;
            try
            {
                var answer = await SendAsync(request, cancel).ConfigureAwait(false);
                try
                {
                    return map(Expect<TJson>(answer, 201, request.What));
                }
                catch (HubException unreadable) when (unreadable.Failure == HubFailure.InvalidResponse && answer.Status == 201)
                {
                    throw new HubException(HubFailure.OutcomeUnknown, unreadable.Message, 201);
                }
            }
            catch (HubException ex) when (ex.Failure == HubFailure.OutcomeUnknown)
            {
                throw await ExplainLostCreateAsync(label, started, existing, ex, listing(), cancel).ConfigureAwait(false);
            }
        }

        private static async Task<HubException> ExplainLostCreateAsync(string label, DateTime startedUtc, Guid? existing, HubException lost,
            HubListing<TToken> listing, CancellationToken cancel)
        {
            var since = startedUtc - CreateClockSkew;
            IReadOnlyList<TToken> all;
            try
            {
                all = await listing.ReadAllAsync(cancel).ConfigureAwait(false);
            }
            catch (HubException check)
            {
                return HubException.LostCreate(
                    $"{lost.Message} Whether Docker Hub created the token is unknown, and checking failed too ({check.Message}). " +
                    $"A token labelled '{label}' made by the lost request has a secret nobody can read, so remove it.",
                    new Guid[0], true, lost);
            }

            var found = all.Where(t => t.Label == label && t.CreatedAt?.ToUniversalTime() >= since && t.Id != existing).Select(t => t.Id).ToList();
            return found.Count == 0
                ? HubException.LostCreate($"{lost.Message} No token labelled '{label}' was created, so it is safe to run the command again.", found, false, lost)
                : HubException.LostCreate(
                    $"{lost.Message} Docker Hub did create {found.Count} token(s) labelled '{label}' ({string.Join(", ", found)}), " +
                    "but its secret was in the lost answer and cannot be recovered.", found, false, lost);
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
