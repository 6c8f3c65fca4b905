using System.Globalization;
using System.Text.Json.Nodes;

namespace HubEmulator;

/// <summary>Hub plans that offer organization access tokens, with the token limits the docs give
/// (expired and deactivated tokens count until they are deleted).</summary>
internal enum OrgPlan
{
    Team,
    Business,
}

internal sealed record Organization
{
    public required string Name { get; init; }
    public required string Uuid { get; init; }
    public OrgPlan Plan { get; init; } = OrgPlan.Team;
    public IReadOnlyList<string> Owners { get; init; } = [];
    public IReadOnlyList<string> Members { get; init; } = [];

    public int TokenLimit => Plan == OrgPlan.Business ? 100 : 10;

    public string PlanName => Plan == OrgPlan.Business ? "business" : "team";

    public static bool TryParsePlan(string text, out OrgPlan plan)
    {
        plan = text switch { "team" => OrgPlan.Team, "business" => OrgPlan.Business, _ => (OrgPlan)(-1) };
        return plan >= 0;
    }

    public bool IsOwner(string username) => Owners.Contains(username, StringComparer.Ordinal);

    public JsonObject ToJson() => new()
    {
        ["name"] = Name,
        ["uuid"] = Uuid,
        ["plan"] = PlanName,
        ["token_limit"] = TokenLimit,
        ["owners"] = Strings(Owners),
        ["members"] = Strings(Members),
    };

    public static JsonArray Strings(IEnumerable<string> items) => new([.. items.Select(s => (JsonNode?)JsonValue.Create(s))]);
}

internal sealed record OrgTokenResource(string Type, string Path, IReadOnlyList<string> Scopes)
{
    public const string RepositoryType = "TYPE_REPO";
    public const string OrganizationType = "TYPE_ORG";

    public JsonObject ToJson() => new()
    {
        ["type"] = Type,
        ["path"] = Path,
        ["scopes"] = Organization.Strings(Scopes),
    };
}

/// <summary>An organization access token. Immutable for the same reason as <see cref="AccessToken"/>.</summary>
internal sealed record OrgAccessToken
{
    public required string Id { get; init; }
    public required string Organization { get; init; }
    public required string Secret { get; init; }
    public required string Label { get; init; }
    public string Description { get; init; } = "";
    public IReadOnlyList<OrgTokenResource> Resources { get; init; } = [];
    public bool IsActive { get; init; } = true;
    public required DateTime CreatedAt { get; init; }
    public string CreatedBy { get; init; } = "";
    public DateTime? ExpiresAt { get; init; }
    public DateTime? LastUsedAt { get; init; }

    public bool IsExpiredAt(DateTime now) => ExpiresAt is DateTime expires && expires <= now;

    public bool IsUsableAt(DateTime now) => IsActive && !IsExpiredAt(now);

    /// <summary>A list entry: the spec's <c>orgAccessToken</c> and nothing more, so no
    /// <c>description</c> and no <c>resources</c> (a client must GET one token for those).</summary>
    public JsonObject ToListJson() => new()
    {
        ["id"] = Id,
        ["label"] = Label,
        ["created_by"] = CreatedBy,
        ["is_active"] = IsActive,
        ["created_at"] = OatTime.Format(CreatedAt),
        ["expires_at"] = OatTime.FormatOrNull(ExpiresAt),
        ["last_used_at"] = OatTime.FormatOrNull(LastUsedAt),
    };

    /// <summary>GET and PATCH answers: the list entry plus <c>resources</c>, and the
    /// <c>description</c> that Hub returns here although the spec's schema omits it.</summary>
    public JsonObject ToDetailJson()
    {
        JsonObject obj = ToListJson();
        obj.Insert(2, "description", Description);
        obj["resources"] = ResourcesJson();
        return obj;
    }

    /// <summary>The create answer as the spec lists it: the secret, no <c>created_by</c> (the
    /// docs once said otherwise, docker/docs#24406) and no <c>description</c>.</summary>
    public JsonObject ToCreateJson() => new()
    {
        ["id"] = Id,
        ["label"] = Label,
        ["is_active"] = IsActive,
        ["created_at"] = OatTime.Format(CreatedAt),
        ["expires_at"] = OatTime.FormatOrNull(ExpiresAt),
        ["last_used_at"] = OatTime.FormatOrNull(LastUsedAt),
        ["token"] = Secret,
        ["resources"] = ResourcesJson(),
    };

    /// <summary>Everything the server holds, secret included: for the control routes only.</summary>
    public JsonObject ToControlJson()
    {
        JsonObject obj = ToDetailJson();
        obj.Insert(1, "organization", Organization);
        obj["token"] = Secret;
        return obj;
    }

    private JsonArray ResourcesJson() => new([.. Resources.Select(r => (JsonNode?)r.ToJson())]);

    public static int NewestFirst(OrgAccessToken a, OrgAccessToken b)
    {
        int byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Id, b.Id);
    }
}

/// <summary>The OAT routes belong to Hub's newer services, whose times are RFC 3339 with only the
/// fractional digits needed (none, or up to six), unlike the fixed six of the PAT routes; a client
/// that parses one fixed layout fails here as it would against Hub.</summary>
internal static class OatTime
{
    public static string Format(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture);

    public static JsonNode? FormatOrNull(DateTime? utc) => utc is DateTime value ? JsonValue.Create(Format(value)) : null;
}

/// <summary>An organization token to plant through the control API; unset times resolve when
/// applied, as for <see cref="TokenSeed"/>.</summary>
internal sealed record OrgTokenSeed
{
    public required string Label { get; init; }
    public string Description { get; init; } = "";
    public IReadOnlyList<OrgTokenResource>? Resources { get; init; }
    public bool IsActive { get; init; } = true;
    public DateTime? CreatedAt { get; init; }
    public int AgeSeconds { get; init; }
    public string? CreatedBy { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public DateTime? LastUsedAt { get; init; }
}

/// <summary>Why a create was refused by the organization's state rather than by its input.</summary>
internal enum OrgTokenCreate
{
    Created,
    NoOrganization,
    LimitReached,
}

internal sealed partial class HubState
{
    public const string OatPrefix = "dckr_oat_";

    /// <summary>Names an account may not take, in a seed file or otherwise: Hub has one namespace.</summary>
    public static readonly string[] DefaultOrganizationNames = ["acme", "globex"];

    private readonly Dictionary<string, Organization> _orgs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OrgAccessToken> _orgTokens = new(StringComparer.Ordinal);

    /// <summary>The organizations every run starts with (README "Default organizations").</summary>
    private void AddDefaultOrganizations()
    {
        DateTime now = UtcNow;
        UpsertOrganization(new Organization
        {
            Name = "acme",
            Uuid = StableUuid("org:acme"),
            Plan = OrgPlan.Team,
            Owners = ["alice"],
            Members = ["bob"],
        });
        UpsertOrganization(new Organization
        {
            Name = "globex",
            Uuid = StableUuid("org:globex"),
            Plan = OrgPlan.Business,
            Owners = ["alice", "carol"],
        });

        OrgTokenResource Pull(string path) => new(OrgTokenResource.RepositoryType, path, ["scope-image-pull"]);
        SeedOrgTokens("acme",
        [
            new OrgTokenSeed
            {
                Label = "ci-pull", Description = "CI pulls the app image", Resources = [Pull("acme/app")],
                CreatedAt = now.AddDays(-20), LastUsedAt = now.AddHours(-3), ExpiresAt = now.AddDays(70),
            },
            new OrgTokenSeed
            {
                Label = "deploy",
                Description = "Release job pushes every acme image",
                Resources =
                [
                    new(OrgTokenResource.RepositoryType, "acme/*", ["scope-image-pull", "scope-image-push"]),
                    new(OrgTokenResource.OrganizationType, "acme", ["scope-repository-list"]),
                ],
                CreatedAt = now.AddDays(-40),
            },
            new OrgTokenSeed
            {
                Label = "legacy-ci", Resources = [Pull("acme/*")], IsActive = false,
                CreatedAt = now.AddDays(-200), LastUsedAt = now.AddDays(-150),
            },
            new OrgTokenSeed
            {
                Label = "old-release", Resources = [Pull("*/*/public")], CreatedAt = now.AddDays(-400),
                ExpiresAt = now.AddDays(-35),
            },
        ]);
    }

    public Organization UpsertOrganization(Organization org)
    {
        lock (_gate)
        {
            // A replaced organization starts without tokens, as a new account does.
            if (_orgs.ContainsKey(org.Name))
            {
                foreach (string id in _orgTokens.Values.Where(t => t.Organization == org.Name).Select(t => t.Id).ToList())
                {
                    _orgTokens.Remove(id);
                }
            }

            _orgs[org.Name] = org;
            return org;
        }
    }

    /// <summary>Null when the organization does not exist; applies <paramref name="change"/> atomically.</summary>
    public Organization? UpdateOrganization(string name, Func<Organization, Organization> change)
    {
        lock (_gate)
        {
            if (!_orgs.TryGetValue(name, out Organization? org))
            {
                return null;
            }

            Organization updated = change(org);
            _orgs[name] = updated;
            return updated;
        }
    }

    public Organization? FindOrganization(string name)
    {
        lock (_gate)
        {
            return _orgs.GetValueOrDefault(name);
        }
    }

    public List<Organization> Organizations()
    {
        lock (_gate)
        {
            return [.. _orgs.Values.OrderBy(o => o.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>Null when the organization does not exist. Seeds ignore the plan limit, so tests
    /// can arrange an organization at or over it.</summary>
    public IReadOnlyList<OrgAccessToken>? SeedOrgTokens(string orgName, IReadOnlyList<OrgTokenSeed> seeds)
    {
        lock (_gate)
        {
            if (!_orgs.TryGetValue(orgName, out Organization? org))
            {
                return null;
            }

            DateTime now = UtcNow;
            var created = new List<OrgAccessToken>(seeds.Count);
            foreach (OrgTokenSeed seed in seeds)
            {
                var token = new OrgAccessToken
                {
                    Id = Guid.NewGuid().ToString(),
                    Organization = orgName,
                    Secret = NewSecret(OatPrefix),
                    Label = seed.Label,
                    Description = seed.Description,
                    Resources = seed.Resources
                        ?? [new OrgTokenResource(OrgTokenResource.RepositoryType, orgName + "/*", ["scope-image-pull"])],
                    IsActive = seed.IsActive,
                    CreatedAt = WireTime.TruncateToMicroseconds(seed.CreatedAt ?? now.AddSeconds(-seed.AgeSeconds)),
                    CreatedBy = seed.CreatedBy ?? org.Owners.FirstOrDefault() ?? "",
                    ExpiresAt = seed.ExpiresAt is DateTime e ? WireTime.TruncateToMicroseconds(e) : null,
                    LastUsedAt = seed.LastUsedAt is DateTime u ? WireTime.TruncateToMicroseconds(u) : null,
                };
                _orgTokens[token.Id] = token;
                created.Add(token);
            }

            return created;
        }
    }

    /// <summary>Creates a token unless the organization is at its plan's limit; the count and the
    /// insert happen under one lock so concurrent creates cannot overshoot it.</summary>
    public OrgTokenCreate CreateOrgToken(string orgName, string createdBy, string label, string description,
        IReadOnlyList<OrgTokenResource> resources, DateTime? expiresAt, out OrgAccessToken? token, out int existing)
    {
        lock (_gate)
        {
            token = null;
            existing = 0;
            if (!_orgs.TryGetValue(orgName, out Organization? org))
            {
                return OrgTokenCreate.NoOrganization;
            }

            existing = _orgTokens.Values.Count(t => t.Organization == orgName);
            if (existing >= org.TokenLimit)
            {
                return OrgTokenCreate.LimitReached;
            }

            token = new OrgAccessToken
            {
                Id = Guid.NewGuid().ToString(),
                Organization = orgName,
                Secret = NewSecret(OatPrefix),
                Label = label,
                Description = description,
                Resources = resources,
                CreatedAt = UtcNow,
                CreatedBy = createdBy,
                ExpiresAt = expiresAt,
            };
            _orgTokens[token.Id] = token;
            return OrgTokenCreate.Created;
        }
    }

    public List<OrgAccessToken> OrgTokensOf(string orgName)
    {
        lock (_gate)
        {
            List<OrgAccessToken> tokens = [.. _orgTokens.Values.Where(t => t.Organization == orgName)];
            tokens.Sort(OrgAccessToken.NewestFirst);
            return tokens;
        }
    }

    /// <summary>A token of another organization is reported exactly like a missing one.</summary>
    public OrgAccessToken? FindOrgToken(string orgName, string id)
    {
        lock (_gate)
        {
            return _orgTokens.TryGetValue(id, out OrgAccessToken? token) && token.Organization == orgName ? token : null;
        }
    }

    /// <summary>Null when the token is gone (deleted meanwhile, or never there).</summary>
    public OrgAccessToken? UpdateOrgToken(string orgName, string id, Func<OrgAccessToken, OrgAccessToken> change)
    {
        lock (_gate)
        {
            if (!_orgTokens.TryGetValue(id, out OrgAccessToken? token) || token.Organization != orgName)
            {
                return null;
            }

            OrgAccessToken updated = change(token);
            _orgTokens[id] = updated;
            return updated;
        }
    }

    public bool DeleteOrgToken(string orgName, string id)
    {
        lock (_gate)
        {
            return _orgTokens.TryGetValue(id, out OrgAccessToken? token) && token.Organization == orgName && _orgTokens.Remove(id);
        }
    }

    /// <summary>Callers hold the gate. An OAT signs in with its organization's name as the
    /// identifier; it must belong to that organization, be active and not expired. Use is stamped.</summary>
    private SignIn CheckOrgCredentials(Organization org, string secret, DateTime now)
    {
        if (secret.StartsWith(OatPrefix, StringComparison.Ordinal))
        {
            foreach (OrgAccessToken token in _orgTokens.Values)
            {
                if (token.Organization == org.Name && Account.FixedEquals(token.Secret, secret))
                {
                    if (!token.IsUsableAt(now))
                    {
                        break;
                    }

                    OrgAccessToken used = token with { LastUsedAt = now };
                    _orgTokens[token.Id] = used;
                    return new SignIn(SignInKind.OrganizationAccessToken, null, null, org, used);
                }
            }
        }

        return new SignIn(SignInKind.Rejected, null, null);
    }
}
