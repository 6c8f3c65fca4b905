using System;

namespace DockerHubPat
{
    /// <summary>When a rotated token's successor expires if the user does not say.</summary>
    internal static class SuccessorExpiry
    {
        // Hub checks "at most one year ahead" by its own clock, which may run behind ours.
        private static readonly TimeSpan ClockMargin = TimeSpan.FromMinutes(5);

        /// <summary>The latest expiry Hub allows for a new token: one year ahead (the docs' rule), less a margin.</summary>
        public static DateTime LatestUtc(DateTime nowUtc) => nowUtc.AddYears(1) - ClockMargin;

        /// <summary>
        /// The old token's lifetime (ExpiresAt − CreatedAt) from now, capped at <see cref="LatestUtc"/>;
        /// null (never) when the old token never expires. A lifetime that cannot be known (no
        /// creation time, or not positive) gets the cap.
        /// </summary>
        public static (DateTime? AtUtc, bool Capped) Default(DateTime? oldCreatedUtc, DateTime? oldExpiresUtc, DateTime nowUtc)
        {
            if (oldExpiresUtc is not DateTime expires)
            {
                return (null, false);
            }

            var latest = LatestUtc(nowUtc);
            var lifetime = oldCreatedUtc is DateTime created ? expires - created : TimeSpan.Zero;
            return lifetime <= TimeSpan.Zero || lifetime > latest - nowUtc
                ? (latest, true)
                : (nowUtc + lifetime, false);
        }
    }
}
