using System;
using System.Globalization;

namespace DockerHubPat.Hub
{
    /// <summary>Hub's times on the wire: RFC 3339 UTC, read into local time for the user.</summary>
    internal static class HubTime
    {
        /// <summary>Local time, or null when Hub sent none (never used, never expires).</summary>
        /// <param name="what">"an access token": what the answer describes, for the message.</param>
        public static DateTime? Parse(string? value, string what, string field)
        {
            if (string.IsNullOrEmpty(value))
            {
                return null;
            }

            // Hub's personal token routes send six fractional digits, its organization routes only
            // the digits needed (…:05Z, …:05.5Z); both parse here.
            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
            {
                return parsed.LocalDateTime;
            }

            throw Invalid(what, field, value!);
        }

        /// <summary>A UTC time as the create routes take it.</summary>
        public static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        public static HubException Invalid(string what, string field, string value) =>
            new HubException(HubFailure.InvalidResponse, $"Docker Hub sent {what} whose '{field}' is not valid ('{value}').");
    }
}
