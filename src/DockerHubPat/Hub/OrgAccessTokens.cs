using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Flurl;

namespace DockerHubPat.Hub
{
    /// <summary>What a new organization access token gets.</summary>
    internal sealed class OrgAccessTokenSpec
    {
        public string Label { get; set; } = "";
        public string? Description { get; set; }
        public IReadOnlyList<HubOrgAccessTokenResource> Resources { get; set; } = new HubOrgAccessTokenResource[0];
        public DateTime? ExpiresAtUtc { get; set; }
    }

    /// <summary>What a change of an organization access token sets; null leaves a field as it is.</summary>
    internal sealed class OrgAccessTokenChange
    {
        public string? Label { get; set; }
        public string? Description { get; set; }

        /// <summary>Replaces all of the token's resources.</summary>
        public IReadOnlyList<HubOrgAccessTokenResource>? Resources { get; set; }
        public bool? IsActive { get; set; }

        public bool IsEmpty => Label is null && Description is null && Resources is null && IsActive is null;
    }

    /// <summary>
    /// One organization's access tokens: the /v2/orgs/{org}/access-tokens routes and their JSON.
    /// Hub answers 403 both to a user who is not an owner and to a create over the plan's token
    /// limit, and 404 both to an unknown organization and an unknown token; they are told apart
    /// here, so the user hears which it was.
    /// </summary>
    internal sealed class OrgAccessTokens : HubTokenRoutes<HubOrgAccessToken>
    {
        /// <summary>Hub's largest page size (its default is 10): fewest round trips for a full listing.</summary>
        public const int PageSize = 100;

        private readonly Action<string>? _answered;

        /// <param name="answered">Told the organization's name whenever Hub answered for it (tab completion offers those).</param>
        public OrgAccessTokens(HubClient client, IHubCredentials credentials, string organization, Action<string>? answered = null)
            : base(client, credentials)
        {
            Organization = organization;
            _answered = answered;
        }

        public string Organization { get; }

        /// <summary>A fresh listing of every token of the organization, read page by page. Hub's list has no resources and no description.</summary>
        public HubListing<HubOrgAccessToken> List()
        {
            var first = Collection().SetQueryParam("page", 1).SetQueryParam("page_size", PageSize).ToUri();
            return new HubListing<HubOrgAccessToken>($"token list of organization '{Organization}'", Client.HubUri, first,
                (url, cancel) => ReadPageAsync(url, first, cancel), t => t.Id);
        }

        public Task<HubOrgAccessToken> GetAsync(Guid id, CancellationToken cancel) =>
            SendAsync<OrgAccessTokenJson>(new HubRequest(HttpMethod.Get, Item(id), $"get organization access token {id} of '{Organization}'"), 200, Map, cancel);

        /// <summary>Creates a token; its Secret is set. A create whose answer was lost is never sent again.</summary>
        /// <param name="existing">A token with the same label known to exist before (the one a rotation replaces).</param>
        public async Task<HubOrgAccessToken> CreateAsync(OrgAccessTokenSpec spec, CancellationToken cancel, Guid? existing = null)
        {
            var body = new CreateOrgAccessTokenJson
            {
                Label = spec.Label,
                Description = spec.Description,
                Resources = spec.Resources.Select(r => r.ToJson()).ToArray(),
                ExpiresAt = spec.ExpiresAtUtc is DateTime at ? HubTime.Format(at) : null,
            };
            var request = new HubRequest(HttpMethod.Post, Collection(), $"create organization access token '{spec.Label}' in '{Organization}'", body);
            try
            {
                return await CreateAsync<OrgAccessTokenJson>(request, spec.Label, Map, List, cancel, existing).ConfigureAwait(false);
            }
            catch (HubException ex) when (ex.Failure == HubFailure.TokenLimitReached)
            {
                throw await ExplainLimitAsync(ex, cancel).ConfigureAwait(false);
            }
            catch (HubException ex) when (ex.Failure == HubFailure.OutcomeUnknown || ex.Failure == HubFailure.SecretMissing)
            {
                throw InOrganization(ex);
            }
        }

        public async Task<HubOrgAccessToken> UpdateAsync(Guid id, OrgAccessTokenChange change, CancellationToken cancel)
        {
            var body = new PatchOrgAccessTokenJson
            {
                Label = change.Label,
                Description = change.Description,
                Resources = change.Resources?.Select(r => r.ToJson()).ToArray(),
                IsActive = change.IsActive,
            };
            try
            {
                // Replaced resources cannot be compared back, so such a change is never called applied.
                return await ChangeAsync<OrgAccessTokenJson>(new HubRequest(Patch, Item(id), $"update organization access token {id} of '{Organization}'", body),
                    id, Map, t => change.Resources is null && (change.Label is null || t.Label == change.Label)
                        && (change.Description is null || t.Description == change.Description) && (change.IsActive is null || t.IsActive == change.IsActive),
                    GetAsync, cancel).ConfigureAwait(false);
            }
            catch (HubException ex) when (ex.Failure == HubFailure.InvalidRequest)
            {
                throw await ExplainRefusedChangeAsync(id, ex, cancel).ConfigureAwait(false);
            }
        }

        public async Task DeleteAsync(Guid id, CancellationToken cancel)
        {
            await DeleteAsync(Item(id), $"remove organization access token {id} of '{Organization}'", cancel).ConfigureAwait(false);
            _answered?.Invoke(Organization);
        }

        protected override HubException Failure(HubAnswer answer, string what)
        {
            var failure = HubClient.Failure(answer, what);
            var said = HubErrorBody.Parse(answer.Body).Text ?? "";
            var hubSays = said.Length == 0 ? "" : $" Docker Hub says: {said.TrimEnd('.')}.";
            var user = Credentials.Username;
            switch (failure.Failure)
            {
                case HubFailure.NotFound when Mentions(said, "organization"):
                    return OrganizationNotFound(answer.Status, hubSays);
                case HubFailure.PermissionDenied when Mentions(said, "limit"):
                    return InOrganization(new HubException(HubFailure.TokenLimitReached,
                        $"Docker Hub refused to {what}: the organization has reached its plan's limit of organization access tokens (403 Forbidden).{hubSays}", answer.Status));
                case HubFailure.PermissionDenied when !Mentions(said, "token issued from"):
                    return InOrganization(new HubException(HubFailure.NotOrganizationOwner,
                        $"Docker Hub refused to let '{user}' {what} (403 Forbidden): '{user}' is not an owner of the organization '{Organization}'. " +
                        "Only the organization's owners, its company's owners, and members of a custom role with the permission to manage " +
                        $"organization access tokens may manage them.{hubSays}", answer.Status));
                default:
                    return InOrganization(failure);
            }
        }

        private async Task<HubPage<HubOrgAccessToken>> ReadPageAsync(Uri url, Uri first, CancellationToken cancel)
        {
            try
            {
                return await ReadPageAsync<OrgAccessTokenJson>(url, $"list the organization access tokens of '{Organization}'", Map, cancel).ConfigureAwait(false);
            }
            catch (HubException ex) when (ex.Failure == HubFailure.NotFound && url == first)
            {
                // The list of an organization is not found only when the organization is not.
                throw OrganizationNotFound(404, "");
            }
        }

        private HubException OrganizationNotFound(int status, string hubSays) =>
            InOrganization(new HubException(HubFailure.OrganizationNotFound,
                $"Docker Hub has no organization '{Organization}' ({status} Not Found); check the name.{hubSays}", status));

        // Hub answers 400 to any change of an expired token (it may only be deleted); say so instead of Hub's field message.
        private async Task<HubException> ExplainRefusedChangeAsync(Guid id, HubException refused, CancellationToken cancel)
        {
            HubOrgAccessToken token;
            try
            {
                token = await GetAsync(id, cancel).ConfigureAwait(false);
            }
            catch (HubException)
            {
                return refused;
            }

            return token.ExpiresAt is DateTime at && token.HasExpiredBy(DateTime.Now) ? Expired(Organization, id, token.Label, at, refused) : refused;
        }

        /// <summary>The failure of a change of an expired token, which Hub only deletes.</summary>
        public static HubException Expired(string organization, Guid id, string? label, DateTime expiresAt, HubException? refused) =>
            new HubException(HubFailure.TokenExpired,
                $"The organization access token {(label is null ? "" : $"'{label}' ")}({id}) of '{organization}' expired on {expiresAt:g}, " +
                "and Docker Hub does not change an expired token: it can only be deleted.", refused?.StatusCode, refused?.FieldErrors, refused)
                .InOrganization(organization);

        // The limit counts expired and deactivated tokens too; say how many of each there are.
        private async Task<HubException> ExplainLimitAsync(HubException limit, CancellationToken cancel)
        {
            IReadOnlyList<HubOrgAccessToken> all;
            try
            {
                all = await List().ReadAllAsync(cancel).ConfigureAwait(false);
            }
            catch (HubException)
            {
                return limit;
            }

            var now = DateTime.Now;
            var expired = all.Count(t => t.HasExpiredBy(now));
            var inactive = all.Count(t => t.IsActive == false && !t.HasExpiredBy(now));
            return limit.WithMessage(limit.Message +
                $" '{Organization}' has {all.Count} organization access tokens: {expired} expired and {inactive} deactivated, " +
                "which count toward the limit until they are deleted.");
        }

        private HubException InOrganization(HubException ex) => ex.InOrganization(Organization);

        private static bool Mentions(string text, string word) => text.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0;

        private HubOrgAccessToken Map(OrgAccessTokenJson json)
        {
            _answered?.Invoke(Organization);
            return HubOrgAccessToken.FromJson(json, Organization);
        }

        private Url Collection() => Client.Route("v2", "orgs", Organization, "access-tokens");

        private Url Item(Guid id) => Client.Route("v2", "orgs", Organization, "access-tokens", id.ToString("D"));
    }
}
