using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubEmulator;

internal enum JwtCheck
{
    Valid,
    Malformed,
    BadSignature,
    Expired,
}

/// <summary>HS256 JWTs. Real three-part tokens (not opaque strings) because clients decode the
/// payload themselves — e.g. to read <c>exp</c> or spot a PAT-derived session — and the
/// emulator must catch a client that gets that wrong.</summary>
internal sealed class JwtSigner
{
    private static readonly string HeaderSegment =
        Base64Url.EncodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"u8);

    // A fresh key per signer means tokens never survive a restart or a reset, as a real
    // server's would not survive a key rotation either.
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Issue(JsonObject claims)
    {
        string payload = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()));
        string signingInput = HeaderSegment + "." + payload;
        byte[] signature = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    public JwtCheck Validate(string token, DateTimeOffset now, out JsonObject? claims)
    {
        claims = null;
        string[] parts = token.Split('.');
        if (parts.Length != 3 || parts.Any(p => p.Length == 0))
        {
            return JwtCheck.Malformed;
        }

        if (!TryDecode(parts[0], out byte[] headerBytes) || !TryDecode(parts[2], out byte[] signature)
            || !TryDecode(parts[1], out byte[] payloadBytes))
        {
            return JwtCheck.Malformed;
        }

        // Pin the algorithm: trusting the header's "alg" is the classic "alg: none" hole.
        if (!TryParseObject(headerBytes, out JsonObject? header)
            || header!["alg"] is not JsonValue alg || alg.GetValueKind() != JsonValueKind.String
            || alg.GetValue<string>() != "HS256")
        {
            return JwtCheck.Malformed;
        }

        byte[] expected = HMACSHA256.HashData(_key, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
        if (!CryptographicOperations.FixedTimeEquals(expected, signature))
        {
            return JwtCheck.BadSignature;
        }

        if (!TryParseObject(payloadBytes, out JsonObject? payload)
            || payload!["exp"] is not JsonValue exp || exp.GetValueKind() != JsonValueKind.Number
            || !exp.TryGetValue(out long expiresAt))
        {
            return JwtCheck.Malformed;
        }

        claims = payload;
        return now.ToUnixTimeSeconds() >= expiresAt ? JwtCheck.Expired : JwtCheck.Valid;
    }

    private static bool TryDecode(string segment, out byte[] bytes)
    {
        try
        {
            bytes = Base64Url.DecodeFromChars(segment);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static bool TryParseObject(byte[] utf8, out JsonObject? obj)
    {
        try
        {
            obj = JsonNode.Parse(utf8) as JsonObject;
            return obj is not null;
        }
        catch (JsonException)
        {
            obj = null;
            return false;
        }
    }
}
