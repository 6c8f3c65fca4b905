using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HubEmulator;

/// <summary>Control routes for organizations and their tokens, in the style of the account routes:
/// tests arrange state directly (any owners, past dates, inactive tokens) and read back what the
/// server holds, secrets included.</summary>
internal sealed partial class ControlApi
{
    private void MapOrganizations(IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "/orgs", (Delegate)CreateOrganizationAsync);
        app.MapGet(Prefix + "/orgs", () =>
            new JsonReply(200, new JsonArray([.. state.Organizations().Select(o => (JsonNode?)o.ToJson())])));
        app.MapGet(Prefix + "/orgs/{name}", (string name) =>
            state.FindOrganization(name) is Organization org ? new JsonReply(200, org.ToJson()) : NoOrganization(name));
        app.MapPatch(Prefix + "/orgs/{name}", UpdateOrganizationAsync);
        app.MapPost(Prefix + "/orgs/{name}/tokens", SeedOrgTokensAsync);
        app.MapGet(Prefix + "/orgs/{name}/tokens", (string name) =>
            state.FindOrganization(name) is null
                ? NoOrganization(name)
                : new JsonReply(200, new JsonArray([.. state.OrgTokensOf(name).Select(t => (JsonNode?)t.ToControlJson())])));
    }

    private static JsonReply NoOrganization(string name) => Problem(404, $"no organization '{name}'");

    private async Task<IResult> CreateOrganizationAsync(HttpContext ctx)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: false);
        if (!read.Ok)
        {
            return Problem(400, read.Problem!);
        }

        JsonElement body = read.Body;
        if (!OrgSeedParser.CheckFields(body, ["name", "plan", "owners", "members"], out string error)
            || !JsonFields.TryString(body, "name", out string? name, out error))
        {
            return Problem(400, error);
        }

        if (name is null || !OrgSeedParser.IsOrganizationName(name))
        {
            return Problem(400, "'name' is required: 4 to 30 lower-case letters and digits, as Hub namespaces are");
        }

        // Hub keeps users and organizations in one namespace, and /v2/auth/token tells them apart by name.
        if (state.FindAccount(name) is not null)
        {
            return Problem(409, $"'{name}' is already a user name");
        }

        var org = new Organization { Name = name, Uuid = Guid.NewGuid().ToString() };
        if (!TryApplyOrganizationFields(body, org, out org, out error))
        {
            return Problem(400, error);
        }

        return new JsonReply(201, state.UpsertOrganization(org).ToJson());
    }

    private async Task<IResult> UpdateOrganizationAsync(HttpContext ctx, string name)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: false);
        if (!read.Ok)
        {
            return Problem(400, read.Problem!);
        }

        if (!OrgSeedParser.CheckFields(read.Body, ["plan", "owners", "members"], out string error))
        {
            return Problem(400, error);
        }

        string? failure = null;
        Organization? updated = state.UpdateOrganization(name, org =>
        {
            if (TryApplyOrganizationFields(read.Body, org, out Organization changed, out string why))
            {
                return changed;
            }

            failure = why;
            return org;
        });
        return updated is null ? NoOrganization(name) : failure is not null ? Problem(400, failure) : new JsonReply(200, updated.ToJson());
    }

    /// <summary><c>plan</c>, <c>owners</c> and <c>members</c> as given, the rest kept. Owners and
    /// members must be existing accounts; someone listed as both is an owner.</summary>
    private bool TryApplyOrganizationFields(JsonElement body, Organization org, out Organization updated, out string error)
    {
        updated = org;
        if (!JsonFields.TryString(body, "plan", out string? planName, out error))
        {
            return false;
        }

        OrgPlan plan = org.Plan;
        if (planName is not null && !Organization.TryParsePlan(planName, out plan))
        {
            error = "'plan' must be \"team\" (10 tokens) or \"business\" (100 tokens)";
            return false;
        }

        if (!TryUsernames(body, "owners", org.Owners, out List<string> owners, out error)
            || !TryUsernames(body, "members", org.Members, out List<string> members, out error))
        {
            return false;
        }

        updated = org with { Plan = plan, Owners = owners, Members = [.. members.Where(m => !owners.Contains(m))] };
        return true;
    }

    private bool TryUsernames(JsonElement body, string field, IReadOnlyList<string> current, out List<string> names, out string error)
    {
        names = [.. current];
        error = "";
        if (!body.TryGetProperty(field, out JsonElement list) || list.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (list.ValueKind != JsonValueKind.Array || list.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
        {
            error = $"'{field}' must be an array of user names";
            return false;
        }

        names = [.. list.EnumerateArray().Select(e => e.GetString()!).Distinct(StringComparer.Ordinal)];
        if (names.FirstOrDefault(n => state.FindAccount(n) is null) is string unknown)
        {
            error = $"'{field}': no account '{unknown}'";
            return false;
        }

        return true;
    }

    private async Task<IResult> SeedOrgTokensAsync(HttpContext ctx, string name)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: false);
        if (!read.Ok)
        {
            return Problem(400, read.Problem!);
        }

        if (!OrgSeedParser.TryParseTokens(read.Body, out List<OrgTokenSeed> seeds, out string error))
        {
            return Problem(400, error);
        }

        IReadOnlyList<OrgAccessToken>? created = state.SeedOrgTokens(name, seeds);
        return created is null
            ? NoOrganization(name)
            : new JsonReply(201, new JsonArray([.. created.Select(t => (JsonNode?)t.ToControlJson())]));
    }
}

/// <summary>Organization token seeds for the control API. Nothing is validated against Hub's
/// rules here (labels, paths, scopes, dates), so tests can plant what the API would refuse.</summary>
internal static partial class OrgSeedParser
{
    private static readonly string[] TokenFields =
        ["label", "description", "resources", "is_active", "created_at", "created_by", "expires_at", "last_used_at"];

    public static bool IsOrganizationName(string name) => OrganizationName().IsMatch(name);

    public static bool CheckFields(JsonElement body, string[] allowed, out string error)
    {
        error = "";
        foreach (JsonProperty property in body.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                error = $"unknown field '{property.Name}'; allowed: {string.Join(", ", allowed)}";
                return false;
            }
        }

        return true;
    }

    /// <summary><c>{"tokens":[...]}</c> or <c>{"count":N,"label_prefix":...,+ token fields}</c>; as
    /// for personal tokens, those without <c>created_at</c> are one second apart, first = newest.</summary>
    public static bool TryParseTokens(JsonElement body, out List<OrgTokenSeed> seeds, out string error)
    {
        seeds = [];
        if (body.TryGetProperty("tokens", out JsonElement list))
        {
            if (!CheckFields(body, ["tokens"], out error))
            {
                return false;
            }

            if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > ControlApi.MaxCount)
            {
                error = $"'tokens' must be an array of at most {ControlApi.MaxCount} objects";
                return false;
            }

            int index = 0;
            foreach (JsonElement item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object || !CheckFields(item, TokenFields, out error)
                    || !TryParseToken(item, required: true, out OrgTokenSeed seed, out error))
                {
                    error = $"tokens[{index}]: {(error.Length > 0 ? error : "must be an object")}";
                    return false;
                }

                seeds.Add(seed with { AgeSeconds = index++ });
            }

            return true;
        }

        if (!CheckFields(body, [.. TokenFields.Where(f => f != "label"), "count", "label_prefix"], out error)
            || !JsonFields.TryInt(body, "count", 1, ControlApi.MaxCount, out int? count, out error)
            || !JsonFields.TryString(body, "label_prefix", out string? prefix, out error)
            || !TryParseToken(body, required: false, out OrgTokenSeed template, out error))
        {
            return false;
        }

        if (count is null)
        {
            error = $"give either 'tokens' (array) or 'count' (integer 1..{ControlApi.MaxCount})";
            return false;
        }

        prefix ??= "oat-";
        int width = Math.Max(4, count.Value.ToString(CultureInfo.InvariantCulture).Length);
        for (int i = 0; i < count; i++)
        {
            seeds.Add(template with
            {
                Label = prefix + (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(width, '0'),
                CreatedAt = template.CreatedAt?.AddSeconds(-i),
                AgeSeconds = i,
            });
        }

        return true;
    }

    private static bool TryParseToken(JsonElement obj, bool required, out OrgTokenSeed seed, out string error)
    {
        seed = new OrgTokenSeed { Label = "" };
        if (!JsonFields.TryString(obj, "label", out string? label, out error)
            || !JsonFields.TryString(obj, "description", out string? description, out error)
            || !JsonFields.TryString(obj, "created_by", out string? createdBy, out error)
            || !JsonFields.TryBool(obj, "is_active", out bool? isActive, out error)
            || !SeedParser.TryTime(obj, "created_at", out DateTime? createdAt, out error)
            || !SeedParser.TryTime(obj, "expires_at", out DateTime? expiresAt, out error)
            || !SeedParser.TryTime(obj, "last_used_at", out DateTime? lastUsedAt, out error)
            || !TryResources(obj, out List<OrgTokenResource>? resources, out error))
        {
            return false;
        }

        if (required && label is null)
        {
            error = "'label' is required";
            return false;
        }

        seed = new OrgTokenSeed
        {
            Label = label ?? "",
            Description = description ?? "",
            Resources = resources,
            IsActive = isActive ?? true,
            CreatedAt = createdAt,
            CreatedBy = createdBy,
            ExpiresAt = expiresAt,
            LastUsedAt = lastUsedAt,
        };
        return true;
    }

    /// <summary>Absent or null: the default (pull on every repository of the organization).</summary>
    private static bool TryResources(JsonElement obj, out List<OrgTokenResource>? resources, out string error)
    {
        resources = null;
        error = "";
        if (!obj.TryGetProperty("resources", out JsonElement list) || list.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (list.ValueKind != JsonValueKind.Array)
        {
            error = "'resources' must be an array of {type, path, scopes}";
            return false;
        }

        resources = [];
        foreach (JsonElement item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object
                || !item.TryGetProperty("type", out JsonElement type) || type.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("path", out JsonElement path) || path.ValueKind != JsonValueKind.String
                || !item.TryGetProperty("scopes", out JsonElement scopes) || scopes.ValueKind != JsonValueKind.Array
                || scopes.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
            {
                error = "each resource needs 'type' and 'path' (strings) and 'scopes' (array of strings)";
                return false;
            }

            resources.Add(new OrgTokenResource(type.GetString()!, path.GetString()!, [.. scopes.EnumerateArray().Select(s => s.GetString()!)]));
        }

        return true;
    }

    [GeneratedRegex("^[a-z0-9]{4,30}$", RegexOptions.CultureInvariant)]
    private static partial Regex OrganizationName();
}
