using System;
using System.Collections;
using System.Security;

namespace DockerHubPat
{
    /// <summary>
    /// What personal and organization access tokens have in common: what filters, completion and
    /// the lost-create check read, and what saving a secret and rotation need. The two output types
    /// differ in their fields, not in how their secrets are kept.
    /// </summary>
    internal interface IHubToken
    {
        Guid Id { get; }

        string Label { get; }

        /// <summary>Null when Hub did not say.</summary>
        bool? IsActive { get; }

        bool IsExpired { get; }

        /// <summary>Local time.</summary>
        DateTime? CreatedAt { get; }

        /// <summary>Local time; null when never used.</summary>
        DateTime? LastUsedAt { get; }

        /// <summary>Local time; null when it never expires.</summary>
        DateTime? ExpiresAt { get; }

        /// <summary>Only on a token just created.</summary>
        SecureString? Secret { get; }

        /// <summary>The name that signs in with the secret: the user name, or the organization.</summary>
        string SignInName { get; }

        /// <summary>The property that holds <see cref="SignInName"/>, for commands shown to the user.</summary>
        string SignInNameProperty { get; }

        /// <summary>The token this one replaced (rotation).</summary>
        Guid? ReplacedId { set; }

        /// <summary>The metadata its vault secret carries; TokenId finds the secret again.</summary>
        Hashtable SecretMetadata(Uri hubUri);

        /// <summary>Where its secret was saved.</summary>
        void SavedAs(string vault, string secretName);

        /// <summary>How many tokens the listing run that wrote this one wrote in all, when it knew; for the progress of bulk cmdlets.</summary>
        ListingTotal? ListingTotal { get; set; }
    }

    internal static class HubTokenExtensions
    {
        /// <summary>Whether the token's expiry (local time) is at or before <paramref name="now"/>.</summary>
        public static bool HasExpiredBy(this IHubToken token, DateTime now) => token.ExpiresAt is DateTime at && at <= now;

        /// <summary>"Active", "Inactive", "Expired", or "Unknown" when Hub did not say whether the token is active.</summary>
        public static string StateBy(this IHubToken token, DateTime now) =>
            token.HasExpiredBy(now) ? "Expired" : token.IsActive is bool active ? (active ? "Active" : "Inactive") : "Unknown";
    }
}
