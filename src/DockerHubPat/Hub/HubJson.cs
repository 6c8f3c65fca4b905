using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DockerHubPat.Hub
{
    // Wire shapes of the Hub API. Its spec marks no field of `accessToken` as required,
    // so every property is nullable and HubAccessToken.FromJson decides what is essential.

    internal sealed class AccessTokenJson
    {
        [JsonPropertyName("uuid")] public string? Uuid { get; set; }
        [JsonPropertyName("client_id")] public string? ClientId { get; set; }
        [JsonPropertyName("creator_ip")] public string? CreatorIp { get; set; }
        [JsonPropertyName("creator_ua")] public string? CreatorUserAgent { get; set; }
        [JsonPropertyName("created_at")] public string? CreatedAt { get; set; }
        [JsonPropertyName("last_used")] public string? LastUsed { get; set; }
        [JsonPropertyName("generated_by")] public string? GeneratedBy { get; set; }
        [JsonPropertyName("is_active")] public bool? IsActive { get; set; }
        [JsonPropertyName("token")] public string? Token { get; set; }
        [JsonPropertyName("token_label")] public string? TokenLabel { get; set; }
        [JsonPropertyName("scopes")] public string[]? Scopes { get; set; }
        [JsonPropertyName("expires_at")] public string? ExpiresAt { get; set; }
    }

    // The list envelope of Hub's paged routes. Personal tokens say `count`; organization routes
    // say `total`; both link the next page with an absolute `next`. The entries are read one by
    // one (TItem = JsonElement), so one entry Hub garbled costs that entry, not the listing.
    internal sealed class PageJson<TItem>
    {
        [JsonPropertyName("count")] [JsonConverter(typeof(HubCountConverter))] public long? Count { get; set; }
        [JsonPropertyName("total")] [JsonConverter(typeof(HubCountConverter))] public long? Total { get; set; }
        [JsonPropertyName("next")] public string? Next { get; set; }
        [JsonPropertyName("previous")] public string? Previous { get; set; }
        [JsonPropertyName("active_count")] [JsonConverter(typeof(HubCountConverter))] public long? ActiveCount { get; set; }
        [JsonPropertyName("results")] public List<TItem>? Results { get; set; }
    }

    /// <summary>
    /// A count as the spec types it: a JSON number, so 1.0 is 1. Counts only pace progress and
    /// tell when a list changed, so one that is not a number, or not a whole one, is "unknown"
    /// (null) rather than a failed listing; it is clamped to 0…int.MaxValue before anyone uses it.
    /// </summary>
    internal sealed class HubCountConverter : JsonConverter<long?>
    {
        public override bool HandleNull => true;

        public override long? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.Number)
            {
                reader.Skip();
                return null;
            }

            if (!reader.TryGetDouble(out var value) || double.IsInfinity(value))
            {
                return null;
            }

            return Math.Floor(value) == value ? (long)Math.Max(0, Math.Min(int.MaxValue, value)) : (long?)null;
        }

        public override void Write(Utf8JsonWriter writer, long? value, JsonSerializerOptions options) =>
            throw new NotSupportedException("Counts are only read.");
    }

    internal sealed class CreateAccessTokenJson
    {
        [JsonPropertyName("token_label")] public string TokenLabel { get; set; } = "";
        [JsonPropertyName("scopes")] public string[] Scopes { get; set; } = new string[0];

        [JsonPropertyName("expires_at")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ExpiresAt { get; set; }
    }

    // PATCH is a partial update: a field left out stays as it is on Hub.
    internal sealed class PatchAccessTokenJson
    {
        [JsonPropertyName("token_label")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? TokenLabel { get; set; }

        [JsonPropertyName("is_active")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? IsActive { get; set; }
    }

    internal sealed class LoginJson
    {
        [JsonPropertyName("username")] public string Username { get; set; } = "";
        [JsonPropertyName("password")] public string Password { get; set; } = "";
    }

    internal sealed class AuthTokenJson
    {
        [JsonPropertyName("identifier")] public string Identifier { get; set; } = "";
        [JsonPropertyName("secret")] public string Secret { get; set; } = "";
    }

    internal sealed class TwoFactorLoginJson
    {
        [JsonPropertyName("login_2fa_token")] public string LoginTwoFactorToken { get; set; } = "";
        [JsonPropertyName("code")] public string Code { get; set; } = "";
    }

    internal sealed class LoginAnswerJson
    {
        [JsonPropertyName("token")] public string? Token { get; set; }
        [JsonPropertyName("detail")] public string? Detail { get; set; }
        [JsonPropertyName("login_2fa_token")] public string? LoginTwoFactorToken { get; set; }
    }

    // Organization access tokens. The list leaves out `description` and `resources`; the create
    // answer leaves out `created_by` and `description`.
    internal sealed class OrgAccessTokenJson
    {
        [JsonPropertyName("id")] public string? Id { get; set; }
        [JsonPropertyName("label")] public string? Label { get; set; }
        [JsonPropertyName("description")] public string? Description { get; set; }
        [JsonPropertyName("created_by")] public string? CreatedBy { get; set; }
        [JsonPropertyName("is_active")] public bool? IsActive { get; set; }
        [JsonPropertyName("created_at")] public string? CreatedAt { get; set; }
        [JsonPropertyName("expires_at")] public string? ExpiresAt { get; set; }
        [JsonPropertyName("last_used_at")] public string? LastUsedAt { get; set; }
        [JsonPropertyName("token")] public string? Token { get; set; }
        [JsonPropertyName("resources")] public List<OrgAccessTokenResourceJson?>? Resources { get; set; }
    }

    internal sealed class OrgAccessTokenResourceJson
    {
        [JsonPropertyName("type")] public string? Type { get; set; }
        [JsonPropertyName("path")] public string? Path { get; set; }
        [JsonPropertyName("scopes")] public string[]? Scopes { get; set; }
    }

    internal sealed class CreateOrgAccessTokenJson
    {
        [JsonPropertyName("label")] public string Label { get; set; } = "";

        [JsonPropertyName("description")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Description { get; set; }

        [JsonPropertyName("resources")] public OrgAccessTokenResourceJson[] Resources { get; set; } = new OrgAccessTokenResourceJson[0];

        // Left out, not null, for a token that never expires: the spec marks it nullable, but absent is what both mean.
        [JsonPropertyName("expires_at")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ExpiresAt { get; set; }
    }

    // PATCH is a partial update: a field left out stays as it is on Hub; resources given replace all of them.
    internal sealed class PatchOrgAccessTokenJson
    {
        [JsonPropertyName("label")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Label { get; set; }

        [JsonPropertyName("description")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Description { get; set; }

        [JsonPropertyName("resources")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public OrgAccessTokenResourceJson[]? Resources { get; set; }

        [JsonPropertyName("is_active")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? IsActive { get; set; }
    }
}
