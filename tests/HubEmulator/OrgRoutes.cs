using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HubEmulator;

/// <summary>The organization access token routes (spec tag <c>org-access-tokens</c>) and the
/// rules the docs give for them (REFERENCE §4, §4.1). Where the spec is silent the stricter
/// reading is taken, as for the personal-token routes.</summary>
internal sealed partial class HubRoutes
{
    private const string OrgsPrefix = "/v2/orgs/";
    private const string OrgTokensSegment = "/access-tokens";
    private const int MaxDescriptionLength = 200;
    private const int MaxRepositoryResources = 50;
    private const string PublicRepositories = "*/*/public";
    private const string ExpiredCannotChange = "This access token has expired; an expired token can only be deleted.";

    /// <summary><c>/v2/orgs/{name}/access-tokens</c> and <c>/v2/orgs/{org_name}/access-tokens/{id}</c>,
    /// one segment each, nothing after.</summary>
    private static bool IsOrgTokenPath(string path)
    {
        if (!path.StartsWith(OrgsPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        string[] rest = path[OrgsPrefix.Length..].Split('/');
        return rest.Length is 2 or 3 && rest[0].Length > 0 && "/" + rest[1] == OrgTokensSegment
            && (rest.Length == 2 || rest[2].Length > 0);
    }

    private void MapOrgTokens(IEndpointRouteBuilder app)
    {
        // The spec names the segment {name} on the collection and {org_name} on the item (and
        // forgets to declare {name}); the names do not reach the wire.
        app.MapGet("/v2/orgs/{name}/access-tokens", (Delegate)ListOrgTokens);
        app.MapPost("/v2/orgs/{name}/access-tokens", (Delegate)CreateOrgTokenAsync);
        app.MapGet("/v2/orgs/{org_name}/access-tokens/{access_token_id}", (Delegate)GetOrgToken);
        app.MapPatch("/v2/orgs/{org_name}/access-tokens/{access_token_id}", (Delegate)PatchOrgTokenAsync);
        app.MapDelete("/v2/orgs/{org_name}/access-tokens/{access_token_id}", (Delegate)DeleteOrgToken);
    }

    /// <summary>Bearer first (401/403 as on the PAT routes), then the organization (404), then
    /// ownership (403): only owners manage OATs.</summary>
    private bool TryAuthorizeOwner(HttpContext ctx, string orgName, out Account account, out Organization org,
        out IResult failure)
    {
        org = null!;
        if (!TryAuthorize(ctx, out account, out failure))
        {
            return false;
        }

        if (state.FindOrganization(orgName) is not Organization found)
        {
            failure = HubReplies.Error(404, $"Organization '{orgName}' not found.");
            return false;
        }

        if (!found.IsOwner(account.Username))
        {
            failure = HubReplies.Error(403,
                $"User '{account.Username}' is not an owner of organization '{orgName}'; only organization owners can manage organization access tokens.");
            return false;
        }

        org = found;
        return true;
    }

    private IResult ListOrgTokens(HttpContext ctx, string name)
    {
        if (!TryAuthorizeOwner(ctx, name, out _, out _, out IResult failure))
        {
            return failure;
        }

        List<OrgAccessToken> all = state.OrgTokensOf(name);
        if (!TryReadPage(ctx.Request, all.Count, out Page page, out IResult bad))
        {
            return bad;
        }

        // The spec's envelope: "total", not the PAT list's "count", and no "active_count".
        return new JsonReply(200, new JsonObject
        {
            ["total"] = all.Count,
            ["next"] = page.NextUrl,
            ["previous"] = page.PreviousUrl,
            ["results"] = new JsonArray([.. all.Skip(page.Skip).Take(page.Size).Select(t => (JsonNode?)t.ToListJson())]),
        });
    }

    private async Task<IResult> CreateOrgTokenAsync(HttpContext ctx, string name)
    {
        if (!TryAuthorizeOwner(ctx, name, out Account account, out Organization org, out IResult failure))
        {
            return failure;
        }

        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: true);
        if (!read.Ok)
        {
            return HubReplies.BodyProblem(read);
        }

        JsonElement body = read.Body;
        var errors = new FieldErrors();
        string? label = JsonInput.RequiredString(body, "label", errors, MaxLabelLength);
        string description = ReadDescription(body, errors) ?? "";
        List<OrgTokenResource>? resources = body.TryGetProperty("resources", out JsonElement resourcesElement)
            ? ReadResources(resourcesElement, name, errors)
            : Required(errors, "resources");
        DateTime? expiresAt = ReadOrgExpiry(body, errors);
        if (errors.Any)
        {
            return HubReplies.ValueError(errors);
        }

        switch (state.CreateOrgToken(name, account.Username, label!, description, resources!, expiresAt,
                    out OrgAccessToken? token, out int existing))
        {
            case OrgTokenCreate.Created:
                return new JsonReply(201, token!.ToCreateJson());
            case OrgTokenCreate.LimitReached:
                // 403, not 400: the request is well formed, the plan does not allow it. The text
                // names the limit and what frees room, since Hub counts tokens users think are gone.
                string plan = org.Plan == OrgPlan.Business ? "Business" : "Team";
                return HubReplies.Error(403,
                    $"Organization '{name}' has reached the limit of {org.TokenLimit} organization access tokens for its {plan} plan ({existing} exist). Expired and deactivated tokens count until they are deleted.");
            default:
                // Removed between the ownership check and the insert.
                return HubReplies.Error(404, $"Organization '{name}' not found.");
        }
    }

    private IResult GetOrgToken(HttpContext ctx, string org_name, string access_token_id)
    {
        if (!TryAuthorizeOwner(ctx, org_name, out _, out _, out IResult failure))
        {
            return failure;
        }

        return state.FindOrgToken(org_name, access_token_id) is OrgAccessToken token
            ? new JsonReply(200, token.ToDetailJson())
            : OrgTokenNotFound();
    }

    private async Task<IResult> PatchOrgTokenAsync(HttpContext ctx, string org_name, string access_token_id)
    {
        if (!TryAuthorizeOwner(ctx, org_name, out _, out _, out IResult failure))
        {
            return failure;
        }

        if (state.FindOrgToken(org_name, access_token_id) is not OrgAccessToken current)
        {
            return OrgTokenNotFound();
        }

        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: true);
        if (!read.Ok)
        {
            return HubReplies.BodyProblem(read);
        }

        JsonElement body = read.Body;
        var errors = new FieldErrors();
        bool any = false;
        string? label = null;
        if (body.TryGetProperty("label", out JsonElement labelElement))
        {
            any = true;
            label = JsonInput.CheckString(labelElement, "label", errors, MaxLabelLength);
        }

        string? description = body.TryGetProperty("description", out _) ? ReadDescription(body, errors) : null;
        any |= description is not null;
        List<OrgTokenResource>? resources = null;
        if (body.TryGetProperty("resources", out JsonElement resourcesElement))
        {
            any = true;
            resources = ReadResources(resourcesElement, org_name, errors);
        }

        bool? isActive = null;
        if (body.TryGetProperty("is_active", out JsonElement activeElement))
        {
            any = true;
            isActive = JsonInput.ReadBoolean(activeElement, "is_active", errors);
        }

        if (!any && !errors.Any)
        {
            errors.Add("non_field_errors", "Give at least one of label, description, resources, is_active.");
        }

        // The docs: "an expired token can only be deleted" — so it can be neither activated nor edited.
        if (!errors.Any && current.IsExpiredAt(state.UtcNow))
        {
            errors.Add(isActive == true ? "is_active" : "non_field_errors", ExpiredCannotChange);
        }

        if (errors.Any)
        {
            return HubReplies.ValueError(errors);
        }

        OrgAccessToken? updated = state.UpdateOrgToken(org_name, access_token_id, t => t with
        {
            Label = label ?? t.Label,
            Description = description ?? t.Description,
            Resources = resources ?? t.Resources,
            IsActive = isActive ?? t.IsActive,
        });
        return updated is null ? OrgTokenNotFound() : new JsonReply(200, updated.ToDetailJson());
    }

    private IResult DeleteOrgToken(HttpContext ctx, string org_name, string access_token_id)
    {
        if (!TryAuthorizeOwner(ctx, org_name, out _, out _, out IResult failure))
        {
            return failure;
        }

        return state.DeleteOrgToken(org_name, access_token_id) ? Results.StatusCode(204) : OrgTokenNotFound();
    }

    private static JsonReply OrgTokenNotFound() => HubReplies.Error(404, "Access token not found.");

    private static List<OrgTokenResource>? Required(FieldErrors errors, string field)
    {
        errors.Add(field, "This field is required.");
        return null;
    }

    /// <summary>Optional; an empty string clears it (Docker's Terraform provider always sends one).</summary>
    private static string? ReadDescription(JsonElement body, FieldErrors errors)
    {
        if (!body.TryGetProperty("description", out JsonElement element))
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            errors.Add("description", element.ValueKind == JsonValueKind.Null ? "This field may not be null." : "Not a valid string.");
            return null;
        }

        string text = element.GetString()!;
        if (text.EnumerateRunes().Count() > MaxDescriptionLength)
        {
            errors.Add("description", $"Ensure this field has no more than {MaxDescriptionLength} characters.");
            return null;
        }

        return text;
    }

    /// <summary>Nullable in the spec (null = never expires). The docs allow at most one year ahead
    /// and, strictly read, nothing already past.</summary>
    private DateTime? ReadOrgExpiry(JsonElement body, FieldErrors errors)
    {
        if (!body.TryGetProperty("expires_at", out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.String || !WireTime.TryParseRfc3339(element.GetString()!, out DateTime parsed))
        {
            errors.Add("expires_at", "Datetime has wrong format. Use RFC 3339, such as 2025-01-31T12:00:00Z.");
            return null;
        }

        DateTime now = state.UtcNow;
        if (parsed <= now)
        {
            errors.Add("expires_at", "Expiration date must be in the future.");
            return null;
        }

        if (parsed > now.AddYears(1))
        {
            errors.Add("expires_at", "Expiration date must be at most one year from now.");
            return null;
        }

        return parsed;
    }

    /// <summary>At least one resource; at most 50 repositories and one organization entry; each
    /// with a known type, a path of the right form for this organization, and <c>scope-</c>
    /// values. Unknown <c>scope-…</c> names pass: Docker adds scopes over time.</summary>
    private static List<OrgTokenResource>? ReadResources(JsonElement element, string orgName, FieldErrors errors)
    {
        const string field = "resources";
        if (element.ValueKind != JsonValueKind.Array)
        {
            errors.Add(field, element.ValueKind == JsonValueKind.Null
                ? "This field may not be null."
                : $"Expected a list of items but got type \"{JsonInput.KindName(element.ValueKind)}\".");
            return null;
        }

        if (element.GetArrayLength() == 0)
        {
            errors.Add(field, "This list may not be empty.");
            return null;
        }

        var result = new List<OrgTokenResource>();
        int before = errors.Count;
        int index = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            if (ReadResource(item, orgName, $"resources[{index}]", errors) is OrgTokenResource resource)
            {
                if (result.Any(r => r.Type == resource.Type && r.Path == resource.Path))
                {
                    errors.Add(field, $"resources[{index}]: duplicate path \"{resource.Path}\".");
                }

                result.Add(resource);
            }

            index++;
        }

        int repositories = result.Count(r => r.Type == OrgTokenResource.RepositoryType);
        if (repositories > MaxRepositoryResources)
        {
            errors.Add(field, $"A token can have at most {MaxRepositoryResources} repository resources; {repositories} were given.");
        }

        if (result.Count(r => r.Type == OrgTokenResource.OrganizationType) > 1)
        {
            errors.Add(field, "A token can have only one organization resource.");
        }

        return errors.Count == before ? result : null;
    }

    private static OrgTokenResource? ReadResource(JsonElement item, string orgName, string where, FieldErrors errors)
    {
        const string field = "resources";
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, $"{where}: expected an object with type, path and scopes.");
            return null;
        }

        string? type = ResourceString(item, "type", where, errors);
        string? path = ResourceString(item, "path", where, errors);
        List<string>? scopes = ResourceScopes(item, where, errors);
        if (type is null || path is null || scopes is null)
        {
            return null;
        }

        switch (type)
        {
            case OrgTokenResource.RepositoryType:
                if (!IsRepositoryPath(path, orgName))
                {
                    errors.Add(field,
                        $"{where}: \"{path}\" is not a repository path of this organization; use \"{orgName}/<repository>\", \"{orgName}/*\" or \"{PublicRepositories}\".");
                    return null;
                }

                if (path == PublicRepositories && scopes.Any(s => s != "scope-image-pull"))
                {
                    errors.Add(field, $"{where}: \"{PublicRepositories}\" allows only scope-image-pull.");
                    return null;
                }

                break;
            case OrgTokenResource.OrganizationType:
                if (path != orgName)
                {
                    errors.Add(field, $"{where}: the path of an organization resource must be the organization name \"{orgName}\".");
                    return null;
                }

                break;
            default:
                errors.Add(field, $"{where}: \"{type}\" is not a valid choice; use TYPE_REPO or TYPE_ORG.");
                return null;
        }

        return new OrgTokenResource(type, path, scopes);
    }

    private static string? ResourceString(JsonElement item, string name, string where, FieldErrors errors)
    {
        if (!item.TryGetProperty(name, out JsonElement value) || value.ValueKind != JsonValueKind.String
            || value.GetString()!.Length == 0)
        {
            errors.Add("resources", $"{where}.{name}: a non-empty string is required.");
            return null;
        }

        return value.GetString();
    }

    private static List<string>? ResourceScopes(JsonElement item, string where, FieldErrors errors)
    {
        if (!item.TryGetProperty("scopes", out JsonElement scopes) || scopes.ValueKind != JsonValueKind.Array
            || scopes.GetArrayLength() == 0)
        {
            errors.Add("resources", $"{where}.scopes: a non-empty list of scopes is required.");
            return null;
        }

        var result = new List<string>();
        foreach (JsonElement scope in scopes.EnumerateArray())
        {
            if (scope.ValueKind != JsonValueKind.String || !ScopePattern().IsMatch(scope.GetString()!))
            {
                errors.Add("resources", $"{where}.scopes: {scope.GetRawText()} is not a valid scope; scopes look like \"scope-image-pull\".");
                return null;
            }

            result.Add(scope.GetString()!);
        }

        return result;
    }

    private static bool IsRepositoryPath(string path, string orgName)
    {
        if (path == PublicRepositories)
        {
            return true;
        }

        int slash = path.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0 || path[..slash] != orgName)
        {
            return false;
        }

        string repository = path[(slash + 1)..];
        return repository == "*" || RepositoryName().IsMatch(repository);
    }

    // Hub repository names: 2-255 lower-case letters, digits and single separators (. _ -) between them.
    [GeneratedRegex("^(?=.{2,255}$)[a-z0-9]+(?:[._-][a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex RepositoryName();

    [GeneratedRegex("^scope-[a-z0-9]+(?:[_-][a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ScopePattern();
}
