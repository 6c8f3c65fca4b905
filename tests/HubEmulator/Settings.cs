using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubEmulator;

/// <summary>Knobs tests may turn while the emulator runs. Immutable and swapped whole, so a
/// request reads one consistent set even while <c>POST /_emulator/settings</c> changes them.</summary>
internal sealed record HubSettings(
    int JwtLifetimeSeconds, int RateLimitPerMinute, int LoginLockoutAfter, int LoginLockoutSeconds, int LatencyMs)
{
    // Hub's cool-down after too many failed logins, as reported by its maintainers (hub-feedback#2201).
    public const int DefaultLockoutSeconds = 600;

    /// <summary>What a reset returns to. Lock-out is off by default: the emulator answered every
    /// login on its merits before this setting existed, and tests written then rely on it.</summary>
    public static HubSettings FromOptions(EmulatorOptions options) =>
        new(options.JwtLifetimeSeconds, RateWindow.DefaultLimit, 0, DefaultLockoutSeconds, options.LatencyMs);

    public JsonObject ToJson() => new()
    {
        ["jwt_lifetime_seconds"] = JwtLifetimeSeconds,
        ["rate_limit_per_minute"] = RateLimitPerMinute,
        ["login_lockout_after"] = LoginLockoutAfter,
        ["login_lockout_seconds"] = LoginLockoutSeconds,
        ["latency_ms"] = LatencyMs,
    };

    /// <summary>Applies the fields present in <paramref name="body"/> to <paramref name="current"/>.
    /// Nothing changes unless every field is valid, so a typo cannot leave a half-applied set.</summary>
    public static bool TryApply(JsonElement body, HubSettings current, out HubSettings updated, out SettingsChange change,
        out string error)
    {
        updated = current;
        change = default;
        error = "";
        string[] known = ["jwt_lifetime_seconds", "rate_limit_per_minute", "login_lockout_after", "login_lockout_seconds", "latency_ms"];
        foreach (JsonProperty property in body.EnumerateObject())
        {
            if (!known.Contains(property.Name, StringComparer.Ordinal))
            {
                error = $"unknown setting '{property.Name}'; known: {string.Join(", ", known)}";
                return false;
            }
        }

        if (!JsonFields.TryInt(body, "jwt_lifetime_seconds", 1, 315_360_000, out int? jwt, out error)
            || !JsonFields.TryInt(body, "rate_limit_per_minute", 1, 100_000_000, out int? rate, out error)
            || !JsonFields.TryInt(body, "login_lockout_after", 0, 1_000_000, out int? after, out error)
            || !JsonFields.TryInt(body, "login_lockout_seconds", 1, 31_536_000, out int? lockSeconds, out error)
            || !JsonFields.TryInt(body, "latency_ms", 0, 600_000, out int? latency, out error))
        {
            return false;
        }

        updated = new HubSettings(
            jwt ?? current.JwtLifetimeSeconds,
            rate ?? current.RateLimitPerMinute,
            after ?? current.LoginLockoutAfter,
            lockSeconds ?? current.LoginLockoutSeconds,
            latency ?? current.LatencyMs);
        change = new SettingsChange(RateLimit: rate is not null, Lockout: after is not null || lockSeconds is not null);
        return true;
    }
}

/// <summary>Which settings were given, whether or not their value differs: giving one is how a
/// test asks for a fresh rate window or fresh lock-out bookkeeping.</summary>
internal readonly record struct SettingsChange(bool RateLimit, bool Lockout);

/// <summary>Strict readers for control-route bodies: a quoted number or a fraction is refused, so
/// a test that means 5 cannot silently get the default.</summary>
internal static class JsonFields
{
    public static bool TryInt(JsonElement obj, string name, int min, int max, out int? value, out string error)
    {
        value = null;
        error = "";
        if (!obj.TryGetProperty(name, out JsonElement element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt32(out int number) || number < min || number > max)
        {
            error = $"'{name}' must be an integer from {min} to {max}";
            return false;
        }

        value = number;
        return true;
    }

    public static bool TryString(JsonElement obj, string name, out string? value, out string error)
    {
        value = null;
        error = "";
        if (!obj.TryGetProperty(name, out JsonElement element))
        {
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

    public static bool TryBool(JsonElement obj, string name, out bool? value, out string error)
    {
        value = null;
        error = "";
        if (!obj.TryGetProperty(name, out JsonElement element))
        {
            return true;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = $"'{name}' must be a boolean";
            return false;
        }

        value = element.GetBoolean();
        return true;
    }
}
