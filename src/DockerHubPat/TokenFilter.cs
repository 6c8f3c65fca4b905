using System;

namespace DockerHubPat
{
    /// <summary>The filters Get-HubAccessToken and Get-HubOrgAccessToken share; all given filters must match.</summary>
    internal sealed class TokenFilter
    {
        public static readonly TokenFilter None = new TokenFilter();

        public bool? IsActive { get; set; }
        public bool NeverUsed { get; set; }
        public DateTime? LastUsedBefore { get; set; }
        public DateTime? ExpiresBefore { get; set; }
        public bool Expired { get; set; }

        /// <summary>Whether every token matches.</summary>
        public bool IsEmpty => IsActive is null && !NeverUsed && LastUsedBefore is null && ExpiresBefore is null && !Expired;

        public bool Matches(IHubToken token, DateTime now)
        {
            if (IsActive is bool active && token.IsActive != active)
            {
                return false;
            }

            if (NeverUsed && token.LastUsedAt != null)
            {
                return false;
            }

            // "Stale" means no use since the date; a token never used is stale once it is older than that.
            if (LastUsedBefore is DateTime before && !((token.LastUsedAt ?? token.CreatedAt) is DateTime used && used < Local(before)))
            {
                return false;
            }

            if (ExpiresBefore is DateTime limit && !(token.ExpiresAt is DateTime e && e < Local(limit)))
            {
                return false;
            }

            return !Expired || token.HasExpiredBy(now);
        }

        // Token times are local; a UTC date given by a script is compared as the same instant.
        private static DateTime Local(DateTime value) => value.Kind == DateTimeKind.Utc ? value.ToLocalTime() : value;
    }
}
