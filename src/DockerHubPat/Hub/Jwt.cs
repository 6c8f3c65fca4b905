using System;
using System.Text;
using System.Text.Json;

namespace DockerHubPat.Hub
{
    /// <summary>
    /// Reads the claims the module needs from a Hub session JWT. The signature is Hub's business;
    /// the client only needs to know when the session ends and whether it came from a PAT.
    /// </summary>
    internal static class Jwt
    {
        // Observed on Hub JWTs: `docker_pat|<uuid>` for sessions made from a PAT.
        private const string SourceClaim = "https://hub.docker.com.source";

        private static readonly long MaxUnixSeconds = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

        public static DateTimeOffset? ReadExpiry(string jwt)
        {
            var payload = ReadPayload(jwt);
            // A claim that is not a number, or not a date, means "expiry unknown", never a crash.
            if (payload is JsonElement claims && claims.TryGetProperty("exp", out var exp)
                && exp.ValueKind == JsonValueKind.Number && exp.TryGetInt64(out var seconds)
                && seconds >= 0 && seconds <= MaxUnixSeconds)
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }

            return null;
        }

        public static bool IsFromAccessToken(string jwt)
        {
            var payload = ReadPayload(jwt);
            return payload is JsonElement claims
                && claims.TryGetProperty(SourceClaim, out var source)
                && source.ValueKind == JsonValueKind.String
                && (source.GetString() ?? "").StartsWith("docker_pat", StringComparison.Ordinal);
        }

        private static JsonElement? ReadPayload(string jwt)
        {
            var parts = jwt.Split('.');
            if (parts.Length != 3)
            {
                return null;
            }

            try
            {
                var json = Encoding.UTF8.GetString(FromBase64Url(parts[1]));
                using var doc = JsonDocument.Parse(json);
                return doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Clone() : (JsonElement?)null;
            }
            catch (Exception ex) when (ex is FormatException || ex is JsonException || ex is ArgumentException)
            {
                return null;
            }
        }

        private static byte[] FromBase64Url(string segment)
        {
            var s = segment.Replace('-', '+').Replace('_', '/');
            switch (s.Length % 4)
            {
                case 2: s += "=="; break;
                case 3: s += "="; break;
            }

            return Convert.FromBase64String(s);
        }
    }
}
