using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubEmulator;

/// <summary>The Docker Hub routes, written from the published spec (latest.yaml). Where the spec
/// is silent the emulator takes the stricter reading, so a client that passes here does not
/// depend on leniency Hub may not have.</summary>
internal sealed partial class HubRoutes(HubState state)
{
    public const string SourceClaim = "https://hub.docker.com.source";
    private const string PurposeClaim = "purpose";
    private const string SecondFactorPurpose = "login_2fa";
    private const string BadCredentials = "Incorrect authentication credentials";
    private const string SecondFactorRequired = "Require secondary authentication on MFA enabled account";
    private const string LockedOut = "Too many failed login attempts. Try again later.";
    private const int MaxLabelLength = 100;
    private const int MaxPageSize = 100;
    private const int SecondFactorTicketSeconds = 300;
    private const int AuthTokenSeconds = 600;

    private static readonly string[] AllowedScopes = ["repo:admin", "repo:write", "repo:read", "repo:public_read"];

    /// <summary>Paths the Hub side answers. Matching is exact and case-sensitive (ASP.NET routing
    /// alone is neither), so a client with a wrong path gets a 404 here as it would from Hub.
    /// Only the login routes take a trailing slash, for old clients.</summary>
    public static bool IsKnownPath(string path)
    {
        const string tokenPrefix = "/v2/access-tokens/";
        return path is "/v2/users/login" or "/v2/users/login/" or "/v2/users/2fa-login" or "/v2/users/2fa-login/"
                or "/v2/auth/token" or "/v2/access-tokens"
            || (path.StartsWith(tokenPrefix, StringComparison.Ordinal) && path.Length > tokenPrefix.Length
                && path.IndexOf('/', tokenPrefix.Length) < 0)
            || IsOrgTokenPath(path);
    }

    public void Map(IEndpointRouteBuilder app)
    {
        // Cast to Delegate: a bare (HttpContext) => Task<IResult> method group would bind to the
        // RequestDelegate overload, which discards the result.
        app.MapPost("/v2/users/login", (Delegate)LoginAsync);
        app.MapPost("/v2/users/2fa-login", (Delegate)SecondFactorLoginAsync);
        app.MapPost("/v2/auth/token", (Delegate)AuthTokenAsync);
        app.MapGet("/v2/access-tokens", (Delegate)ListTokens);
        app.MapPost("/v2/access-tokens", (Delegate)CreateTokenAsync);
        app.MapGet("/v2/access-tokens/{uuid}", (Delegate)GetToken);
        app.MapPatch("/v2/access-tokens/{uuid}", (Delegate)PatchTokenAsync);
        app.MapDelete("/v2/access-tokens/{uuid}", (Delegate)DeleteToken);
        MapOrgTokens(app);
    }

    // ---- authentication ------------------------------------------------------------------

    private async Task<IResult> LoginAsync(HttpContext ctx)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: true);
        if (!read.Ok)
        {
            return HubReplies.BodyProblem(read);
        }

        var errors = new FieldErrors();
        string? username = JsonInput.RequiredString(read.Body, "username", errors);
        string? password = JsonInput.RequiredString(read.Body, "password", errors);
        if (errors.Any)
        {
            return HubReplies.ValueError(errors);
        }

        // Hub's answer to an OAT here (docker/terraform-provider-docker#138); only /v2/auth/token takes one.
        if (state.FindOrganization(username!) is not null)
        {
            return LoginFailure("Cannot log into an organization account");
        }

        SignIn signIn = state.SignIn(username!, password!);
        return signIn.Kind switch
        {
            SignInKind.Password or SignInKind.PersonalAccessToken =>
                new JsonReply(200, new JsonObject { ["token"] = IssueSession(signIn, state.Settings.JwtLifetimeSeconds) }),
            SignInKind.NeedsSecondFactor => new JsonReply(401, new JsonObject
            {
                ["detail"] = SecondFactorRequired,
                ["login_2fa_token"] = IssueSecondFactorTicket(signIn.Account!),
            }),
            // 429, not 401: Hub's maintainers say login throttling answers 429 (hub-feedback#2201),
            // and an observed lock-out reply was a JSON 429 without Retry-After (hub-feedback#642).
            SignInKind.LockedOut => new JsonReply(429, new JsonObject { ["detail"] = LockedOut }),
            _ => LoginFailure(BadCredentials),
        };
    }

    private async Task<IResult> SecondFactorLoginAsync(HttpContext ctx)
    {
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: true);
        if (!read.Ok)
        {
            return HubReplies.BodyProblem(read);
        }

        var errors = new FieldErrors();
        string? ticket = JsonInput.RequiredString(read.Body, "login_2fa_token", errors);
        string? code = JsonInput.RequiredString(read.Body, "code", errors);
        if (errors.Any)
        {
            return HubReplies.ValueError(errors);
        }

        JwtCheck check = state.Signer.Validate(ticket!, state.Now, out JsonObject? claims);
        if (check != JwtCheck.Valid || StringClaim(claims, PurposeClaim) != SecondFactorPurpose
            || StringClaim(claims, "jti") is not string jti || state.IsTicketSpent(jti)
            || ResolveAccount(claims) is not Account account)
        {
            return LoginFailure(check == JwtCheck.Expired ? "Login 2FA token is expired" : "Invalid login_2fa_token");
        }

        if (!account.AcceptsCode(code!, state.Now))
        {
            return LoginFailure(BadCredentials);
        }

        // Spend the ticket only on success, and atomically, so two racing second steps cannot
        // both turn one ticket into a session.
        if (!state.TrySpendTicket(jti, DateTimeOffset.FromUnixTimeSeconds(claims!["exp"]!.GetValue<long>()).UtcDateTime))
        {
            return LoginFailure("Invalid login_2fa_token");
        }

        var signIn = new SignIn(SignInKind.Password, account, null);
        return new JsonReply(200, new JsonObject { ["token"] = IssueSession(signIn, state.Settings.JwtLifetimeSeconds) });
    }

    private async Task<IResult> AuthTokenAsync(HttpContext ctx)
    {
        // This route belongs to the newer API family, whose errors use the lower-case `error`
        // shape; bad input therefore answers in that shape too.
        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: true);
        if (!read.Ok)
        {
            return HubReplies.LowerError(read.ProblemStatus, read.Problem!, read.ProblemStatus == 415 ? "unsupported media type" : "bad request");
        }

        var errors = new FieldErrors();
        string? identifier = JsonInput.RequiredString(read.Body, "identifier", errors);
        string? secret = JsonInput.RequiredString(read.Body, "secret", errors);
        if (errors.Any)
        {
            return HubReplies.LowerError(400, errors.Summary(), "bad request");
        }

        SignIn signIn = state.SignIn(identifier!, secret!);
        switch (signIn.Kind)
        {
            case SignInKind.Password or SignInKind.PersonalAccessToken or SignInKind.OrganizationAccessToken:
                int lifetime = Math.Min(AuthTokenSeconds, state.Settings.JwtLifetimeSeconds);
                return new JsonReply(200, new JsonObject { ["access_token"] = IssueSession(signIn, lifetime) });
            case SignInKind.NeedsSecondFactor:
                // The spec gives this route no second step, so a password cannot complete here;
                // refusing is the strict reading (a PAT works instead).
                return HubReplies.LowerError(401,
                    "Two-factor authentication is enabled for this account; use a personal access token as the secret",
                    "unauthorized");
            case SignInKind.LockedOut:
                return HubReplies.LowerError(429, LockedOut, "too many requests");
            default:
                return HubReplies.LowerError(401, BadCredentials, "unauthorized");
        }
    }

    private static JsonReply LoginFailure(string detail) => new(401, new JsonObject { ["detail"] = detail });

    private string IssueSession(SignIn signIn, int lifetimeSeconds)
    {
        long now = state.Now.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["sub"] = signIn.Org?.Uuid ?? signIn.Account!.Uuid,
            ["username"] = signIn.Org?.Name ?? signIn.Account!.Username,
            ["iat"] = now,
            ["exp"] = now + lifetimeSeconds,
            ["jti"] = Guid.NewGuid().ToString(),
            [SourceClaim] = signIn switch
            {
                { Pat: AccessToken pat } => $"docker_pat|{pat.Uuid}",
                { Oat: OrgAccessToken oat } => $"docker_oat|{oat.Id}",
                _ => "password",
            },
        };
        if (signIn.Pat?.Scopes is { Count: > 0 } scopes)
        {
            claims["scope"] = string.Join(' ', scopes);
        }

        return state.Signer.Issue(claims);
    }

    private string IssueSecondFactorTicket(Account account)
    {
        long now = state.Now.ToUnixTimeSeconds();
        var claims = new JsonObject
        {
            ["sub"] = account.Uuid,
            ["username"] = account.Username,
            ["iat"] = now,
            // Capped by the JWT lifetime setting too, so tests can watch a ticket expire quickly.
            ["exp"] = now + Math.Min(SecondFactorTicketSeconds, state.Settings.JwtLifetimeSeconds),
            ["jti"] = Guid.NewGuid().ToString(),
            [PurposeClaim] = SecondFactorPurpose,
        };
        return state.Signer.Issue(claims);
    }

    private Account? ResolveAccount(JsonObject? claims)
    {
        // The uuid check makes sessions die with the account they were issued to, even if an
        // account of the same name is created again.
        return StringClaim(claims, "username") is string username && state.FindAccount(username) is Account account
            && StringClaim(claims, "sub") == account.Uuid
                ? account
                : null;
    }

    private static string? StringClaim(JsonObject? claims, string name) =>
        claims?[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    /// <summary>Bearer check for the PAT and OAT routes, in the order Hub's layers apply them: no
    /// credentials, a raw PAT (refused at the gateway), a bad or expired JWT, a session that came
    /// from an OAT, then one that came from a PAT (refused: token-derived sessions may not manage
    /// tokens).</summary>
    private bool TryAuthorize(HttpContext ctx, out Account account, out IResult failure)
    {
        account = null!;
        failure = null!;
        var headers = ctx.Request.Headers.Authorization;
        if (headers.Count == 0 || string.IsNullOrEmpty(headers[0]))
        {
            failure = HubReplies.Error(401, "Authentication credentials were not provided.");
            return false;
        }

        string header = headers.Count == 1 ? headers[0]! : "";
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        string scheme = space < 0 ? header : header[..space];
        string credentials = space < 0 ? "" : header[(space + 1)..];
        if (scheme != "Bearer")
        {
            failure = HubReplies.Error(401, "Authentication credentials were not provided.");
            return false;
        }

        if (credentials.Length == 0)
        {
            failure = HubReplies.Error(401, "Invalid token header. No credentials provided.");
            return false;
        }

        if (credentials.StartsWith(HubState.PatPrefix, StringComparison.Ordinal))
        {
            failure = HubReplies.Gateway(401, "unauthorized");
            return false;
        }

        JwtCheck check = state.Signer.Validate(credentials, state.Now, out JsonObject? claims);
        if (check == JwtCheck.Expired)
        {
            failure = HubReplies.Error(401, "Token is expired");
            return false;
        }

        if (check != JwtCheck.Valid || claims![PurposeClaim] is not null)
        {
            failure = HubReplies.Error(401, "Given token not valid for any token type");
            return false;
        }

        // An OAT session belongs to an organization, not a user, and Hub refuses it on these
        // routes before looking for a user (REFERENCE §4.1).
        if (StringClaim(claims, SourceClaim) is string oatSource && oatSource.StartsWith("docker_oat|", StringComparison.Ordinal))
        {
            failure = HubReplies.Gateway(403, "token issued from organization access token is not allowed");
            return false;
        }

        if (ResolveAccount(claims) is not Account found)
        {
            failure = HubReplies.Error(401, "User not found");
            return false;
        }

        if (StringClaim(claims, SourceClaim) is string source && source.StartsWith("docker_pat|", StringComparison.Ordinal))
        {
            failure = HubReplies.Gateway(403, "token issued from personal access token is not allowed");
            return false;
        }

        account = found;
        return true;
    }

    // ---- personal access tokens ------------------------------------------------------------

    private IResult ListTokens(HttpContext ctx)
    {
        if (!TryAuthorize(ctx, out Account account, out IResult failure))
        {
            return failure;
        }

        List<AccessToken> all = state.TokensOf(account.Username);
        if (!TryReadPage(ctx.Request, all.Count, out Page page, out IResult bad))
        {
            return bad;
        }

        var results = new JsonArray();
        foreach (AccessToken token in all.Skip(page.Skip).Take(page.Size))
        {
            results.Add(token.ToJson(includeSecret: false));
        }

        return new JsonReply(200, new JsonObject
        {
            ["count"] = all.Count,
            ["next"] = page.NextUrl,
            ["previous"] = page.PreviousUrl,
            ["active_count"] = all.Count(t => t.IsActive),
            ["results"] = results,
        });
    }

    /// <summary>One page of a list route: <c>page</c> (default 1) and <c>page_size</c> (default 10,
    /// at most 100), with a page past the end refused as Hub's paginator does.</summary>
    private static bool TryReadPage(HttpRequest request, int total, out Page page, out IResult failure)
    {
        page = default;
        failure = null!;
        var errors = new FieldErrors();
        long number = ReadPositiveInteger(request.Query, "page", 1, errors);
        long size = ReadPositiveInteger(request.Query, "page_size", 10, errors);
        if (size > MaxPageSize)
        {
            errors.Add("page_size", $"Ensure this value is less than or equal to {MaxPageSize}.");
        }

        if (errors.Any)
        {
            failure = HubReplies.ValueError(errors);
            return false;
        }

        long lastPage = Math.Max(1, (total + size - 1) / size);
        if (number > lastPage)
        {
            failure = HubReplies.ValueError("page", "Invalid page.", "Invalid page.");
            return false;
        }

        page = new Page(
            (int)((number - 1) * size),
            (int)size,
            number < lastPage ? PageUrl(request, number + 1, size) : null,
            number > 1 ? PageUrl(request, number - 1, size) : null);
        return true;
    }

    private readonly record struct Page(int Skip, int Size, string? NextUrl, string? PreviousUrl);

    /// <summary>Absolute, like Hub's, so clients can follow <c>next</c> verbatim; built from the
    /// request so it points back at this emulator whatever port it got.</summary>
    private static string PageUrl(HttpRequest request, long page, long pageSize)
    {
        string host = request.Host.HasValue
            ? request.Host.Value!
            : $"127.0.0.1:{request.HttpContext.Connection.LocalPort}";
        return string.Create(CultureInfo.InvariantCulture,
            $"{request.Scheme}://{host}{request.PathBase}{request.Path}?page={page}&page_size={pageSize}");
    }

    private static long ReadPositiveInteger(IQueryCollection query, string name, long fallback, FieldErrors errors)
    {
        if (!query.TryGetValue(name, out var values))
        {
            return fallback;
        }

        if (values.Count != 1
            || !long.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            errors.Add(name, "A valid integer is required.");
            return fallback;
        }

        if (value < 1)
        {
            errors.Add(name, "Ensure this value is greater than or equal to 1.");
        }

        return value;
    }

    private async Task<IResult> CreateTokenAsync(HttpContext ctx)
    {
        if (!TryAuthorize(ctx, out Account account, out IResult failure))
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
        string? label = JsonInput.RequiredString(body, "token_label", errors, MaxLabelLength);
        List<string>? scopes = ReadScopes(body, errors);
        DateTime? expiresAt = null;
        if (body.TryGetProperty("expires_at", out JsonElement expires))
        {
            // Not declared nullable in the spec; "omit for no expiry" is the documented way.
            if (expires.ValueKind == JsonValueKind.Null)
            {
                errors.Add("expires_at", "This field may not be null.");
            }
            else if (expires.ValueKind != JsonValueKind.String
                     || !WireTime.TryParseRfc3339(expires.GetString()!, out DateTime parsed))
            {
                errors.Add("expires_at",
                    "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm:ss[.uuuuuu]Z or ±hh:mm.");
            }
            else if (parsed <= state.UtcNow)
            {
                errors.Add("expires_at", "Expiration date must be in the future.");
            }
            else
            {
                expiresAt = parsed;
            }
        }

        if (errors.Any)
        {
            return HubReplies.ValueError(errors);
        }

        string ip = ctx.Connection.RemoteIpAddress is { } address
            ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString()
            : "";
        string userAgent = ctx.Request.Headers.UserAgent.ToString();
        AccessToken token = state.CreateToken(account.Username, label!, scopes!, expiresAt, ip, userAgent);
        return new JsonReply(201, token.ToJson(includeSecret: true));
    }

    private static List<string>? ReadScopes(JsonElement body, FieldErrors errors)
    {
        if (!body.TryGetProperty("scopes", out JsonElement scopes))
        {
            errors.Add("scopes", "This field is required.");
            return null;
        }

        if (scopes.ValueKind == JsonValueKind.Null)
        {
            errors.Add("scopes", "This field may not be null.");
            return null;
        }

        if (scopes.ValueKind != JsonValueKind.Array)
        {
            errors.Add("scopes", $"Expected a list of items but got type \"{JsonInput.KindName(scopes.ValueKind)}\".");
            return null;
        }

        if (scopes.GetArrayLength() == 0)
        {
            errors.Add("scopes", "This list may not be empty.");
            return null;
        }

        var result = new List<string>();
        bool valid = true;
        foreach (JsonElement item in scopes.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                errors.Add("scopes", $"\"{item.GetRawText()}\" is not a valid choice.");
                valid = false;
                continue;
            }

            string scope = item.GetString()!;
            if (!AllowedScopes.Contains(scope, StringComparer.Ordinal))
            {
                errors.Add("scopes", $"\"{scope}\" is not a valid choice.");
                valid = false;
                continue;
            }

            result.Add(scope);
        }

        return valid ? result : null;
    }

    private IResult GetToken(HttpContext ctx, string uuid)
    {
        if (!TryAuthorize(ctx, out Account account, out IResult failure))
        {
            return failure;
        }

        return state.FindToken(account.Username, uuid) is AccessToken token
            ? new JsonReply(200, token.ToJson(includeSecret: false))
            : NotFound();
    }

    private async Task<IResult> PatchTokenAsync(HttpContext ctx, string uuid)
    {
        if (!TryAuthorize(ctx, out Account account, out IResult failure))
        {
            return failure;
        }

        if (state.FindToken(account.Username, uuid) is null)
        {
            return NotFound();
        }

        BodyRead read = await JsonInput.ReadObjectAsync(ctx.Request, requireJsonMediaType: true);
        if (!read.Ok)
        {
            return HubReplies.BodyProblem(read);
        }

        var errors = new FieldErrors();
        string? label = null;
        if (read.Body.TryGetProperty("token_label", out JsonElement labelElement))
        {
            label = JsonInput.CheckString(labelElement, "token_label", errors, MaxLabelLength);
        }

        bool? isActive = null;
        if (read.Body.TryGetProperty("is_active", out JsonElement activeElement))
        {
            isActive = JsonInput.ReadBoolean(activeElement, "is_active", errors);
        }

        if (errors.Any)
        {
            return HubReplies.ValueError(errors);
        }

        return state.UpdateToken(account.Username, uuid, label, isActive) is AccessToken updated
            ? new JsonReply(200, updated.ToJson(includeSecret: false))
            : NotFound();
    }

    private IResult DeleteToken(HttpContext ctx, string uuid)
    {
        if (!TryAuthorize(ctx, out Account account, out IResult failure))
        {
            return failure;
        }

        return state.DeleteToken(account.Username, uuid) ? Results.StatusCode(204) : NotFound();
    }

    private static JsonReply NotFound() => HubReplies.Error(404, "Not found.");
}
