using System;

namespace DockerHubPat
{
    /// <summary>What personal and organization access tokens have in common: what filters, completion and the lost-create check read.</summary>
    internal interface IHubToken
    {
        Guid Id { get; }

        string Label { get; }

        bool IsActive { get; }

        /// <summary>Local time.</summary>
        DateTime? CreatedAt { get; }

        /// <summary>Local time; null when never used.</summary>
        DateTime? LastUsedAt { get; }

        /// <summary>Local time; null when it never expires.</summary>
        DateTime? ExpiresAt { get; }
    }

    internal static class HubTokenExtensions
    {
        /// <summary>Whether the token's expiry (local time) is at or before <paramref name="now"/>.</summary>
        public static bool HasExpiredBy(this IHubToken token, DateTime now) => token.ExpiresAt is DateTime at && at <= now;
    }
}
