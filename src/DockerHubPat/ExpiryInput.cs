using System;

namespace DockerHubPat
{
    /// <summary>
    /// -ExpiresAt and -ExpiresIn of the commands that create tokens, checked before any request by
    /// the rules of <see cref="Input.ExpiryUtc"/>: at least 5 minutes ahead, and at most a year for
    /// the tokens Hub lets live no longer.
    /// </summary>
    internal static class ExpiryInput
    {
        /// <summary>Ends the command when the expiry given cannot be right.</summary>
        public static void Check(HubCmdlet cmdlet, DateTime expiresAt, TimeSpan expiresIn, bool atMostOneYear = false) =>
            Given(cmdlet, expiresAt, expiresIn, atMostOneYear);

        /// <summary>The expiry given, in UTC, counted from now; null when neither parameter was given.</summary>
        public static DateTime? Given(HubCmdlet cmdlet, DateTime expiresAt, TimeSpan expiresIn, bool atMostOneYear = false)
        {
            var at = cmdlet.IsBound("ExpiresAt");
            var within = cmdlet.IsBound("ExpiresIn");
            try
            {
                return Input.ExpiryUtc(at ? expiresAt : (DateTime?)null, within ? expiresIn : (TimeSpan?)null, DateTime.UtcNow, atMostOneYear);
            }
            catch (ArgumentException ex)
            {
                throw HubCmdlet.Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenExpiryInvalid, ex.Message,
                    at ? (object)expiresAt : expiresIn));
            }
        }
    }
}
