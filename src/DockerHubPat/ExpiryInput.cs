using System;

namespace DockerHubPat
{
    /// <summary>-ExpiresAt and -ExpiresIn of the commands that create tokens: checked before any request.</summary>
    internal static class ExpiryInput
    {
        /// <summary>Ends the command when the expiry given cannot be right.</summary>
        public static void Check(HubCmdlet cmdlet, DateTime expiresAt, TimeSpan expiresIn)
        {
            var at = cmdlet.IsBound("ExpiresAt");
            var within = cmdlet.IsBound("ExpiresIn");
            if (at && within)
            {
                throw HubCmdlet.Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenExpiryInvalid,
                    "Give either -ExpiresAt or -ExpiresIn, not both.", null));
            }

            if (within && expiresIn <= TimeSpan.Zero)
            {
                throw HubCmdlet.Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenExpiryInvalid,
                    $"-ExpiresIn must be a positive time span; '{expiresIn}' is not.", expiresIn));
            }

            if (at && ToUtc(expiresAt) <= DateTime.UtcNow)
            {
                throw HubCmdlet.Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenExpiryInvalid,
                    $"-ExpiresAt {expiresAt:g} is not in the future.", expiresAt));
            }
        }

        /// <summary>The expiry given, in UTC, counted from now; null when neither parameter was given.</summary>
        public static DateTime? Given(HubCmdlet cmdlet, DateTime expiresAt, TimeSpan expiresIn)
        {
            if (cmdlet.IsBound("ExpiresIn"))
            {
                return DateTime.UtcNow + expiresIn;
            }

            return cmdlet.IsBound("ExpiresAt") ? ToUtc(expiresAt) : (DateTime?)null;
        }

        // A date typed at the prompt ('2027-01-31') has no kind; PowerShell users mean local time.
        private static DateTime ToUtc(DateTime value) =>
            value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Local).ToUniversalTime();
    }
}
