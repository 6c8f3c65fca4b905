using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubEmulator;

/// <summary>
/// Test-only control routes under <c>/_emulator/</c>. They need no auth and bypass the Hub
/// pipeline (no latency, no rate limit, not logged), so tests can arrange and inspect state
/// without disturbing what they measure.
/// </summary>
internal sealed partial class ControlApi(HubState state, IHostApplicationLifetime lifetime)
{
    public const string Prefix = "/_emulator";
    public const int MaxCount = 10_000;

    public static bool IsControlPath(PathString path) => path.StartsWithSegments(Prefix, StringComparison.Ordinal);

    public void Map(IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "/reset", () =>
        {
            state.Reset();
            return new JsonReply(200, new JsonObject { ["reset"] = true });
        });

        app.MapPost(Prefix + "/accounts", (Delegate)CreateAccountAsync);
        app.MapPost(Prefix + "/accounts/{username}/tokens", SeedTokensAsync);
        // ?secrets=true fills in `token`, so a test can check which secret a vault holds.
        app.MapGet(Prefix + "/accounts/{username}/tokens", (string username, bool? secrets) =>
            state.FindAccount(username) is null
                ? Problem(404, $"no account '{username}'")
                : new JsonReply(200, new JsonArray([.. state.TokensOf(username).Select(t => (JsonNode?)t.ToJson(includeSecret: secrets == true))])));
        app.MapGet(Prefix + "/accounts/{username}/totp", CurrentTotp);
        MapOrganizations(app);

        app.MapGet(Prefix + "/requests", () =>
            new JsonReply(200, new JsonArray([.. state.Log.Snapshot().Select(e => (JsonNode?)e.ToJson())])));
        app.MapDelete(Prefix + "/requests", () =>
        {
            state.Log.Clear();
            return Results.StatusCode(204);
        });

        app.MapPost(Prefix + "/faults", (Delegate)AddFaultAsync);
        app.MapGet(Prefix + "/faults", () => new JsonReply(200, state.Faults.ToJson()));
        app.MapDelete(Prefix + "/faults", () =>
        {
            state.Faults.Clear();
            return Results.StatusCode(204);
        });
        app.MapDelete(Prefix + "/faults/{id}", (string id) =>
            state.Faults.Remove(id) ? Results.StatusCode(204) : Problem(404, $"no fault '{id}'"));

        app.MapGet(Prefix + "/settings", () => new JsonReply(200, state.Settings.ToJson()));
        app.MapPost(Prefix + "/settings", (Delegate)UpdateSettingsAsync);

        app.MapPost(Prefix + "/shutdown", (HttpContext ctx) =>
        {
            // Stop only once the reply is out, so the caller sees a clean answer.
            ctx.Response.OnCompleted(() =>
            {
                lifetime.StopApplication();
                return Task.CompletedTask;
            });
            return new JsonReply(202, new JsonObject { ["stopping"] = true });
        });
    }

    public static JsonReply Problem(int status, string message) => new(status, new JsonObject { ["error"] = message });

    private async Task<IResult> AddFaultAsync(HttpContext ctx)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: false);
        if (!read.Ok)
        {
            return Problem(400, read.Problem!);
        }

        if (!FaultSpec.TryParse(read.Body, out FaultSpec? spec, out string error))
        {
            return Problem(400, error);
        }

        return state.Faults.Add(spec!) is string id
            ? new JsonReply(201, new JsonObject { ["id"] = id })
            : Problem(409, $"at most {FaultPlan.MaxFaults} faults; delete some first");
    }

    private async Task<IResult> UpdateSettingsAsync(HttpContext ctx)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: false);
        if (!read.Ok)
        {
            return Problem(400, read.Problem!);
        }

        return state.TryUpdateSettings(read.Body, out HubSettings updated, out string error)
            ? new JsonReply(200, updated.ToJson())
            : Problem(400, error);
    }

    private async Task<IResult> CreateAccountAsync(HttpContext ctx)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: false);
        if (!read.Ok)
        {
            return Problem(400, read.Problem!);
        }

        if (!SeedParser.TryParseAccount(read.Body, out AccountSpec? spec, out string error))
        {
            return Problem(400, error);
        }

        if (state.FindOrganization(spec!.Username) is not null)
        {
            return Problem(409, $"'{spec.Username}' is already an organization name");
        }

        Account account = state.UpsertAccount(spec);
        return new JsonReply(201, new JsonObject
        {
            ["username"] = account.Username,
            ["uuid"] = account.Uuid,
            ["second_factor"] = account.SecondFactorKind,
        });
    }

    private async Task<IResult> SeedTokensAsync(HttpContext ctx, string username)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: false);
        if (!read.Ok)
        {
            return Problem(400, read.Problem!);
        }

        if (!SeedParser.TryParseTokens(read.Body, out List<TokenSeed> seeds, out string error))
        {
            return Problem(400, error);
        }

        IReadOnlyList<AccessToken>? created = state.SeedTokens(username, seeds);
        if (created is null)
        {
            return Problem(404, $"no account '{username}'");
        }

        // Secrets included on purpose: tests need them to sign in with a PAT.
        return new JsonReply(201, new JsonArray([.. created.Select(t => (JsonNode?)t.ToJson(includeSecret: true))]));
    }

    private IResult CurrentTotp(string username)
    {
        Account? account = state.FindAccount(username);
        if (account is null)
        {
            return Problem(404, $"no account '{username}'");
        }

        if (account.TotpKey is null)
        {
            return Problem(409, $"account '{username}' has no TOTP secret");
        }

        return new JsonReply(200, new JsonObject { ["code"] = Totp.Compute(account.TotpKey, Totp.StepAt(state.Now)) });
    }
}

/// <summary>Parses accounts and token seeds for the control API and the <c>--seed</c> file,
/// so both accept exactly the same shapes.</summary>
internal static class SeedParser
{
    public static bool TryParseAccount(JsonElement obj, out AccountSpec? spec, out string error)
    {
        spec = null;
        if (obj.ValueKind != JsonValueKind.Object)
        {
            error = "an account must be a JSON object";
            return false;
        }

        if (!TryString(obj, "username", required: true, out string? username, out error)
            || !TryString(obj, "password", required: true, out string? password, out error)
            || !TryString(obj, "otp_code", required: false, out string? otpCode, out error)
            || !TryString(obj, "totp_secret", required: false, out string? totpSecret, out error))
        {
            return false;
        }

        if (username!.Length == 0 || username.Contains('/', StringComparison.Ordinal))
        {
            error = "username must be non-empty and contain no '/'";
            return false;
        }

        if (password!.Length == 0)
        {
            error = "password must be non-empty";
            return false;
        }

        byte[]? totpKey = null;
        if (totpSecret is not null && !Base32.TryDecode(totpSecret, out totpKey))
        {
            error = "totp_secret is not valid base32";
            return false;
        }

        if (otpCode is { Length: 0 })
        {
            error = "otp_code must be non-empty when given";
            return false;
        }

        spec = new AccountSpec(username, password, otpCode, totpKey);
        return true;
    }

    /// <summary>Accepts <c>{"count":N,...}</c>, <c>{"tokens":[...]}</c>, or (in seed files) a bare
    /// array of token objects. Tokens without an explicit <c>created_at</c> are spaced one second
    /// apart going back from now, in the order given, so list order is predictable.</summary>
    public static bool TryParseTokens(JsonElement body, out List<TokenSeed> seeds, out string error)
    {
        seeds = [];
        error = "";
        if (body.ValueKind == JsonValueKind.Array)
        {
            return TryParseTokenList(body, seeds, out error);
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            error = "tokens must be an object or an array";
            return false;
        }

        if (body.TryGetProperty("tokens", out JsonElement list))
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                error = "'tokens' must be an array";
                return false;
            }

            return TryParseTokenList(list, seeds, out error);
        }

        if (!body.TryGetProperty("count", out JsonElement countElement)
            || countElement.ValueKind != JsonValueKind.Number
            || !countElement.TryGetInt32(out int count) || count < 1 || count > ControlApi.MaxCount)
        {
            error = $"give either 'tokens' (array) or 'count' (integer 1..{ControlApi.MaxCount})";
            return false;
        }

        if (!TryString(body, "label_prefix", required: false, out string? prefix, out error)
            || !TryParseCommon(body, out TokenSeed template, out error))
        {
            return false;
        }

        prefix ??= "seed-";
        int width = Math.Max(4, count.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        for (int i = 0; i < count; i++)
        {
            string number = (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture).PadLeft(width, '0');
            seeds.Add(template with
            {
                Label = prefix + number,
                CreatedAt = template.CreatedAt?.AddSeconds(-i),
                AgeSeconds = i,
            });
        }

        return true;
    }

    private static bool TryParseTokenList(JsonElement list, List<TokenSeed> seeds, out string error)
    {
        error = "";
        if (list.GetArrayLength() > ControlApi.MaxCount)
        {
            error = $"at most {ControlApi.MaxCount} tokens at once";
            return false;
        }

        int index = 0;
        foreach (JsonElement item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                error = $"tokens[{index}] must be an object";
                return false;
            }

            if (!TryString(item, "token_label", required: true, out string? label, out error)
                || !TryParseCommon(item, out TokenSeed seed, out error))
            {
                error = $"tokens[{index}]: {error}";
                return false;
            }

            seeds.Add(seed with { Label = label!, AgeSeconds = index });
            index++;
        }

        return true;
    }

    /// <summary>Fields shared by both seed forms. Unlike the Hub route, any strings are allowed
    /// for labels and scopes, and times may be in the past: tests need to plant legacy or
    /// expired tokens that the public API would refuse to create.</summary>
    private static bool TryParseCommon(JsonElement obj, out TokenSeed seed, out string error)
    {
        seed = new TokenSeed { Label = "" };
        List<string>? scopes = null;
        if (obj.TryGetProperty("scopes", out JsonElement scopesElement) && scopesElement.ValueKind != JsonValueKind.Null)
        {
            if (scopesElement.ValueKind != JsonValueKind.Array
                || scopesElement.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
            {
                error = "'scopes' must be an array of strings or null (null or absent = token without scopes)";
                return false;
            }

            scopes = [.. scopesElement.EnumerateArray().Select(s => s.GetString()!)];
        }

        bool isActive = true;
        if (obj.TryGetProperty("is_active", out JsonElement active))
        {
            if (active.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                error = "'is_active' must be a boolean";
                return false;
            }

            isActive = active.GetBoolean();
        }

        if (!TryTime(obj, "last_used", out DateTime? lastUsed, out error)
            || !TryTime(obj, "expires_at", out DateTime? expiresAt, out error)
            || !TryTime(obj, "created_at", out DateTime? createdAt, out error)
            || !TryString(obj, "client_id", required: false, out string? clientId, out error)
            || !TryString(obj, "creator_ip", required: false, out string? creatorIp, out error)
            || !TryString(obj, "creator_ua", required: false, out string? creatorUa, out error)
            || !TryString(obj, "generated_by", required: false, out string? generatedBy, out error))
        {
            return false;
        }

        seed = new TokenSeed
        {
            Label = "",
            Scopes = scopes,
            IsActive = isActive,
            LastUsed = lastUsed,
            ExpiresAt = expiresAt,
            CreatedAt = createdAt,
            ClientId = clientId,
            CreatorIp = creatorIp,
            CreatorUa = creatorUa,
            GeneratedBy = generatedBy,
        };
        return true;
    }

    private static bool TryString(JsonElement obj, string name, bool required, out string? value, out string error)
    {
        value = null;
        error = "";
        if (!obj.TryGetProperty(name, out JsonElement element) || (!required && element.ValueKind == JsonValueKind.Null))
        {
            if (required)
            {
                error = $"'{name}' is required";
                return false;
            }

            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"'{name}' must be a string";
            return false;
        }

        value = element.GetString();
        return true;
    }

    public static bool TryTime(JsonElement obj, string name, out DateTime? value, out string error)
    {
        value = null;
        error = "";
        if (!obj.TryGetProperty(name, out JsonElement element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String || !WireTime.TryParseRfc3339(element.GetString()!, out DateTime parsed))
        {
            error = $"'{name}' must be an RFC 3339 date-time such as 2025-01-31T12:00:00.000000Z";
            return false;
        }

        value = parsed;
        return true;
    }
}

/// <summary>The <c>--seed</c> file: <c>{"accounts":[{username, password, otp_code?, totp_secret?,
/// tokens?}]}</c>. Parsed once at start; applied at start and again after every reset.</summary>
internal sealed class SeedFile
{
    private readonly List<(AccountSpec Account, List<TokenSeed> Tokens)> _accounts = [];

    public static SeedFile Load(string path)
    {
        JsonElement root;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(path));
            root = doc.RootElement.Clone();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidDataException($"cannot read seed file '{path}': {ex.Message}", ex);
        }

        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("accounts", out JsonElement accounts)
            || accounts.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("seed file must be an object with an 'accounts' array");
        }

        var seed = new SeedFile();
        int index = 0;
        foreach (JsonElement item in accounts.EnumerateArray())
        {
            if (!SeedParser.TryParseAccount(item, out AccountSpec? spec, out string error))
            {
                throw new InvalidDataException($"accounts[{index}]: {error}");
            }

            if (HubState.DefaultOrganizationNames.Contains(spec!.Username, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"accounts[{index}]: '{spec.Username}' is the name of a default organization");
            }

            List<TokenSeed> tokens = [];
            if (item.TryGetProperty("tokens", out JsonElement tokenElement) && tokenElement.ValueKind != JsonValueKind.Null
                && !SeedParser.TryParseTokens(tokenElement, out tokens, out error))
            {
                throw new InvalidDataException($"accounts[{index}].tokens: {error}");
            }

            seed._accounts.Add((spec!, tokens));
            index++;
        }

        return seed;
    }

    public void ApplyTo(HubState state)
    {
        foreach (var (account, tokens) in _accounts)
        {
            state.UpsertAccount(account);
            state.SeedTokens(account.Username, tokens);
        }
    }
}
