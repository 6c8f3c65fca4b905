using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubEmulator;

internal sealed class Account
{
    public required string Username { get; init; }
    public required string Password { get; init; }
    public required string Uuid { get; init; }
    public string? OtpCode { get; init; }
    public byte[]? TotpKey { get; init; }

    public bool RequiresSecondFactor => OtpCode is not null || TotpKey is not null;

    public string SecondFactorKind => TotpKey is not null ? "totp" : OtpCode is not null ? "otp_code" : "none";

    public bool AcceptsCode(string code, DateTimeOffset now) =>
        (OtpCode is not null && FixedEquals(OtpCode, code))
        || (TotpKey is not null && Totp.Verify(TotpKey, code, now));

    public static bool FixedEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

/// <summary>Immutable so that a snapshot handed out of the lock can be serialised safely while
/// another request updates the same token (updates swap in a new record).</summary>
internal sealed record AccessToken
{
    public required string Uuid { get; init; }
    public required string Owner { get; init; }
    public required string Secret { get; init; }
    public string ClientId { get; init; } = "HUB";
    public string CreatorIp { get; init; } = "";
    public string CreatorUa { get; init; } = "";
    public string GeneratedBy { get; init; } = "manual";
    public required string Label { get; init; }
    public bool IsActive { get; init; } = true;
    public IReadOnlyList<string>? Scopes { get; init; }
    public required DateTime CreatedAt { get; init; }
    public DateTime? LastUsed { get; init; }
    public DateTime? ExpiresAt { get; init; }

    public bool IsUsableAt(DateTime now) => IsActive && (ExpiresAt is null || ExpiresAt > now);

    /// <summary>Hub's <c>accessToken</c> object. The secret only ever leaves in the create
    /// response; everywhere else <c>token</c> is the empty string, as the spec documents.</summary>
    public JsonObject ToJson(bool includeSecret)
    {
        var obj = new JsonObject
        {
            ["uuid"] = Uuid,
            ["client_id"] = ClientId,
            ["creator_ip"] = CreatorIp,
            ["creator_ua"] = CreatorUa,
            ["created_at"] = WireTime.Format(CreatedAt),
            ["last_used"] = LastUsed is DateTime used ? WireTime.Format(used) : null,
            ["generated_by"] = GeneratedBy,
            ["is_active"] = IsActive,
            ["token"] = includeSecret ? Secret : "",
            ["token_label"] = Label,
        };

        // Absent rather than null: that is how Hub returns tokens made without scopes or
        // without an expiry, and clients must cope with the missing key.
        if (Scopes is not null)
        {
            obj["scopes"] = new JsonArray([.. Scopes.Select(s => (JsonNode?)JsonValue.Create(s))]);
        }

        if (ExpiresAt is DateTime expires)
        {
            obj["expires_at"] = WireTime.Format(expires);
        }

        return obj;
    }

    /// <summary>Newest first, ties broken by uuid, so paging is stable between calls.</summary>
    public static int NewestFirst(AccessToken a, AccessToken b)
    {
        int byTime = b.CreatedAt.CompareTo(a.CreatedAt);
        return byTime != 0 ? byTime : string.CompareOrdinal(a.Uuid, b.Uuid);
    }
}

/// <summary>A token to plant through the control API or a seed file. Unset times are resolved
/// when applied, so a reset re-seeds relative to the new "now".</summary>
internal sealed record TokenSeed
{
    public required string Label { get; init; }
    public IReadOnlyList<string>? Scopes { get; init; }
    public bool IsActive { get; init; } = true;
    public DateTime? LastUsed { get; init; }
    public DateTime? ExpiresAt { get; init; }
    public DateTime? CreatedAt { get; init; }
    public int AgeSeconds { get; init; }
    public string? ClientId { get; init; }
    public string? CreatorIp { get; init; }
    public string? CreatorUa { get; init; }
    public string? GeneratedBy { get; init; }
}

internal sealed record AccountSpec(string Username, string Password, string? OtpCode, byte[]? TotpKey);

internal enum SignInKind
{
    Rejected,
    Password,
    PersonalAccessToken,
    OrganizationAccessToken,
    NeedsSecondFactor,
    LockedOut,
}

/// <summary><see cref="Org"/> and <see cref="Oat"/> are set only for an organization access token.</summary>
internal readonly record struct SignIn(
    SignInKind Kind, Account? Account, AccessToken? Pat, Organization? Org = null, OrgAccessToken? Oat = null);

/// <summary>All mutable emulator state behind one lock: request volumes in tests are tiny, and
/// a single lock makes every operation trivially atomic.</summary>
internal sealed partial class HubState
{
    public const string PatPrefix = "dckr_pat_";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AccessToken> _tokens = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTime> _spentTickets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LoginAttempts> _logins = new(StringComparer.Ordinal);
    private readonly TimeProvider _clock;
    private readonly HubSettings _defaultSettings;
    private volatile JwtSigner _signer = new();
    private volatile HubSettings _settings;
    private Action<HubState>? _reseed;

    public HubState(TimeProvider clock, HubSettings defaultSettings)
    {
        _clock = clock;
        _defaultSettings = defaultSettings;
        _settings = defaultSettings;
        Reset();
    }

    public RequestLog Log { get; } = new();

    public RateWindow RateLimit { get; } = new();

    public FaultPlan Faults { get; } = new();

    public HubSettings Settings => _settings;

    public JwtSigner Signer => _signer;

    public DateTimeOffset Now => _clock.GetUtcNow();

    public DateTime UtcNow => WireTime.TruncateToMicroseconds(_clock.GetUtcNow().UtcDateTime);

    /// <summary>Run after every reset, so accounts from <c>--seed</c> come back as they started.</summary>
    public void SetReseed(Action<HubState> reseed)
    {
        lock (_gate)
        {
            _reseed = reseed;
            reseed(this);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _accounts.Clear();
            _tokens.Clear();
            _orgs.Clear();
            _orgTokens.Clear();
            _spentTickets.Clear();
            _signer = new JwtSigner();
            _settings = _defaultSettings;
            _logins.Clear();
            AddDefaultAccounts();
            AddDefaultOrganizations();
            _reseed?.Invoke(this);
            Log.Clear();
            RateLimit.Reset();
            Faults.Clear();
        }
    }

    /// <summary>Applies a <c>POST /_emulator/settings</c> body atomically. Giving a rate limit
    /// starts a fresh window, and giving lock-out rules forgets earlier failures, so a test that
    /// sets them knows exactly how many requests it has left.</summary>
    public bool TryUpdateSettings(JsonElement body, out HubSettings updated, out string error)
    {
        lock (_gate)
        {
            if (!HubSettings.TryApply(body, _settings, out updated, out SettingsChange change, out error))
            {
                return false;
            }

            _settings = updated;
            if (change.RateLimit)
            {
                RateLimit.Reset();
            }

            if (change.Lockout)
            {
                _logins.Clear();
            }

            return true;
        }
    }

    private void AddDefaultAccounts()
    {
        UpsertAccount(new AccountSpec("alice", "alice-password-1", null, null), StableUuid("alice"));
        // Like Hub, the default 2FA accounts take real TOTP codes; a fixed code is only for accounts
        // a test creates with "otp_code".
        Base32.TryDecode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", out byte[] bobKey);
        UpsertAccount(new AccountSpec("bob", "bob-password-1", null, bobKey), StableUuid("bob"));
        Base32.TryDecode("JBSWY3DPEHPK3PXP", out byte[] carolKey);
        UpsertAccount(new AccountSpec("carol", "carol-password-1", null, carolKey), StableUuid("carol"));
    }

    /// <summary>Default accounts keep the same <c>sub</c> across runs so tests can hard-code it.</summary>
    private static string StableUuid(string username)
    {
        byte[] hash = SHA256.HashData(Encoding.UTF8.GetBytes("hub-emulator-account:" + username));
        hash[6] = (byte)((hash[6] & 0x0F) | 0x80);
        hash[8] = (byte)((hash[8] & 0x3F) | 0x80);
        return new Guid(hash.AsSpan(0, 16), bigEndian: true).ToString();
    }

    public Account UpsertAccount(AccountSpec spec, string? uuid = null)
    {
        lock (_gate)
        {
            // A replaced account is a different user: its tokens go, and its new uuid makes
            // sessions issued to the old one fail validation.
            foreach (string key in _tokens.Where(t => t.Value.Owner == spec.Username).Select(t => t.Key).ToList())
            {
                _tokens.Remove(key);
            }

            var account = new Account
            {
                Username = spec.Username,
                Password = spec.Password,
                Uuid = uuid ?? Guid.NewGuid().ToString(),
                OtpCode = spec.OtpCode,
                TotpKey = spec.TotpKey,
            };
            _accounts[spec.Username] = account;
            return account;
        }
    }

    public Account? FindAccount(string username)
    {
        lock (_gate)
        {
            return _accounts.GetValueOrDefault(username);
        }
    }

    /// <summary>Checks a username with a password or a PAT secret, or an organization's name with
    /// an OAT secret. A PAT skips the second factor (that is how Hub treats them); tokens are
    /// stamped as used, as Hub does. With lock-out on, a
    /// username that failed too often in a row is refused whatever it sends until the lock-out
    /// passes, as Hub throttles logins per username, not per client.</summary>
    public SignIn SignIn(string username, string secret)
    {
        lock (_gate)
        {
            DateTime now = UtcNow;
            HubSettings settings = _settings;
            if (settings.LoginLockoutAfter == 0)
            {
                return CheckCredentials(username, secret, now);
            }

            _logins.TryGetValue(username, out LoginAttempts attempts);
            if (attempts.LockedUntil > now)
            {
                return new SignIn(SignInKind.LockedOut, null, null);
            }

            if (attempts.LockedUntil != default)
            {
                attempts = default;
            }

            SignIn result = CheckCredentials(username, secret, now);
            if (result.Kind != SignInKind.Rejected)
            {
                // A right password counts as success even when a second factor is still to come:
                // the lock-out guards the password, and the failures before it were not consecutive.
                _logins.Remove(username);
            }
            else if (attempts.Failures + 1 >= settings.LoginLockoutAfter)
            {
                _logins[username] = new LoginAttempts(0, now.AddSeconds(settings.LoginLockoutSeconds));
            }
            else
            {
                _logins[username] = new LoginAttempts(attempts.Failures + 1, default);
            }

            return result;
        }
    }

    /// <summary>Callers hold the gate.</summary>
    private SignIn CheckCredentials(string username, string secret, DateTime now)
    {
        if (_orgs.TryGetValue(username, out Organization? org))
        {
            return CheckOrgCredentials(org, secret, now);
        }

        if (!_accounts.TryGetValue(username, out Account? account))
        {
            return new SignIn(SignInKind.Rejected, null, null);
        }

        if (secret.StartsWith(PatPrefix, StringComparison.Ordinal))
        {
            foreach (AccessToken token in _tokens.Values)
            {
                if (token.Owner == username && Account.FixedEquals(token.Secret, secret))
                {
                    if (!token.IsUsableAt(now))
                    {
                        return new SignIn(SignInKind.Rejected, null, null);
                    }

                    AccessToken used = token with { LastUsed = now };
                    _tokens[token.Uuid] = used;
                    return new SignIn(SignInKind.PersonalAccessToken, account, used);
                }
            }
        }

        if (!Account.FixedEquals(account.Password, secret))
        {
            return new SignIn(SignInKind.Rejected, null, null);
        }

        return new SignIn(account.RequiresSecondFactor ? SignInKind.NeedsSecondFactor : SignInKind.Password, account, null);
    }

    /// <summary>A login_2fa_token is good for one successful second step only.</summary>
    public bool TrySpendTicket(string jti, DateTime expires)
    {
        lock (_gate)
        {
            DateTime now = UtcNow;
            foreach (string old in _spentTickets.Where(t => t.Value <= now).Select(t => t.Key).ToList())
            {
                _spentTickets.Remove(old);
            }

            return _spentTickets.TryAdd(jti, expires);
        }
    }

    public bool IsTicketSpent(string jti)
    {
        lock (_gate)
        {
            return _spentTickets.ContainsKey(jti);
        }
    }

    public AccessToken CreateToken(string owner, string label, IReadOnlyList<string> scopes, DateTime? expiresAt,
        string creatorIp, string creatorUa)
    {
        lock (_gate)
        {
            var token = new AccessToken
            {
                Uuid = Guid.NewGuid().ToString(),
                Owner = owner,
                Secret = NewSecret(PatPrefix),
                CreatorIp = creatorIp,
                CreatorUa = creatorUa,
                Label = label,
                Scopes = scopes,
                CreatedAt = UtcNow,
                ExpiresAt = expiresAt,
            };
            _tokens[token.Uuid] = token;
            return token;
        }
    }

    /// <summary>Null when the account does not exist.</summary>
    public IReadOnlyList<AccessToken>? SeedTokens(string owner, IReadOnlyList<TokenSeed> seeds)
    {
        lock (_gate)
        {
            if (!_accounts.ContainsKey(owner))
            {
                return null;
            }

            DateTime now = UtcNow;
            var created = new List<AccessToken>(seeds.Count);
            foreach (TokenSeed seed in seeds)
            {
                var token = new AccessToken
                {
                    Uuid = Guid.NewGuid().ToString(),
                    Owner = owner,
                    Secret = NewSecret(PatPrefix),
                    ClientId = seed.ClientId ?? "HUB",
                    CreatorIp = seed.CreatorIp ?? "127.0.0.1",
                    CreatorUa = seed.CreatorUa ?? "HubEmulator-seed",
                    GeneratedBy = seed.GeneratedBy ?? "manual",
                    Label = seed.Label,
                    IsActive = seed.IsActive,
                    Scopes = seed.Scopes,
                    CreatedAt = seed.CreatedAt ?? now.AddSeconds(-seed.AgeSeconds),
                    LastUsed = seed.LastUsed,
                    ExpiresAt = seed.ExpiresAt,
                };
                _tokens[token.Uuid] = token;
                created.Add(token);
            }

            return created;
        }
    }

    public List<AccessToken> TokensOf(string owner)
    {
        lock (_gate)
        {
            List<AccessToken> mine = [.. _tokens.Values.Where(t => t.Owner == owner)];
            mine.Sort(AccessToken.NewestFirst);
            return mine;
        }
    }

    /// <summary>Another user's token is reported exactly like a missing one.</summary>
    public AccessToken? FindToken(string owner, string uuid)
    {
        lock (_gate)
        {
            return _tokens.TryGetValue(uuid, out AccessToken? token) && token.Owner == owner ? token : null;
        }
    }

    public AccessToken? UpdateToken(string owner, string uuid, string? label, bool? isActive)
    {
        lock (_gate)
        {
            if (!_tokens.TryGetValue(uuid, out AccessToken? token) || token.Owner != owner)
            {
                return null;
            }

            AccessToken updated = token with
            {
                Label = label ?? token.Label,
                IsActive = isActive ?? token.IsActive,
            };
            _tokens[uuid] = updated;
            return updated;
        }
    }

    public bool DeleteToken(string owner, string uuid)
    {
        lock (_gate)
        {
            return _tokens.TryGetValue(uuid, out AccessToken? token) && token.Owner == owner && _tokens.Remove(uuid);
        }
    }

    private static string NewSecret(string prefix) =>
        prefix + new string(RandomNumberGenerator.GetItems<char>(SecretAlphabet, 27));
}

/// <summary><see cref="LockedUntil"/> is <c>default</c> while not locked.</summary>
internal readonly record struct LoginAttempts(int Failures, DateTime LockedUntil);

/// <summary><see cref="Status"/> is null when the client got no answer (a dropped connection);
/// <see cref="Fault"/> names the kind of fault that fired on the request, if any.</summary>
internal sealed record RequestLogEntry(
    string Method, string Path, string? Query, int? Status, string? UserAgent, string? AuthorizationScheme, DateTime At,
    string? Fault = null)
{
    public JsonObject ToJson() => new()
    {
        ["method"] = Method,
        ["path"] = Path,
        ["query"] = Query,
        ["status"] = Status,
        ["user_agent"] = UserAgent,
        ["authorization_scheme"] = AuthorizationScheme,
        ["at"] = WireTime.Format(At),
        ["fault"] = Fault,
    };
}

/// <summary>What reached the Hub routes, for assertions. Capped so a long benchmark cannot
/// exhaust memory; the oldest entries go first.</summary>
internal sealed class RequestLog
{
    private const int Capacity = 100_000;
    private readonly Lock _gate = new();
    private readonly Queue<RequestLogEntry> _entries = new();

    public void Add(RequestLogEntry entry)
    {
        lock (_gate)
        {
            if (_entries.Count == Capacity)
            {
                _entries.Dequeue();
            }

            _entries.Enqueue(entry);
        }
    }

    public List<RequestLogEntry> Snapshot()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}

internal readonly record struct RateQuota(int Limit, int Remaining, long ResetUnix, bool Allowed);

/// <summary>One fixed one-minute window shared by all callers (everything here is loopback
/// traffic from one test run), opened by the first request after a reset. The default limit is
/// generous so normal tests never meet it; the limit itself lives in <see cref="HubSettings"/>.</summary>
internal sealed class RateWindow
{
    public const int DefaultLimit = 10_000;
    private const int WindowSeconds = 60;
    private readonly Lock _gate = new();
    private long _windowStart = -1;
    private int _used;

    public RateQuota Take(DateTimeOffset now, int limit)
    {
        lock (_gate)
        {
            long seconds = now.ToUnixTimeSeconds();
            if (_windowStart < 0 || seconds >= _windowStart + WindowSeconds)
            {
                _windowStart = seconds;
                _used = 0;
            }

            bool allowed = _used < limit;
            if (allowed)
            {
                _used++;
            }

            return new RateQuota(limit, Math.Max(0, limit - _used), _windowStart + WindowSeconds, allowed);
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _windowStart = -1;
            _used = 0;
        }
    }
}
