using System;
using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>
    /// The module's ErrorIds (README "Errors" lists them). They are part of the public contract:
    /// runbooks match on them, so a name never changes once shipped.
    /// </summary>
    internal static class HubErrors
    {
        public const string NotConnected = "HubNotConnected";
        public const string SignInFailed = "HubSignInFailed";
        public const string TwoFactorCodeRequired = "HubTwoFactorCodeRequired";
        public const string InvalidHubUri = "InvalidHubUri";
        public const string InvalidExpiry = "InvalidExpiry";

        public static ErrorRecord FromHub(HubException ex, object? target)
        {
            var (id, category) = Classify(ex.Failure);
            return new ErrorRecord(ex, id, category, target);
        }

        /// <summary>Failures that every later item would hit too, so a pipeline stops instead of repeating them.</summary>
        public static bool StopsPipeline(HubException ex) =>
            ex.Failure == HubFailure.Unauthorized || ex.Failure == HubFailure.TokenSessionRefused
            || ex.Failure == HubFailure.PermissionDenied || ex.Failure == HubFailure.TwoFactorRequired;

        public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target) =>
            new ErrorRecord(new InvalidOperationException(message), errorId, category, target);

        public static ErrorRecord InvalidArgument(string errorId, string message, object? target) =>
            new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target);

        private static (string, ErrorCategory) Classify(HubFailure failure)
        {
            switch (failure)
            {
                case HubFailure.Unauthorized: return ("HubUnauthorized", ErrorCategory.AuthenticationError);
                case HubFailure.TwoFactorRequired: return (TwoFactorCodeRequired, ErrorCategory.AuthenticationError);
                case HubFailure.TokenSessionRefused: return ("HubTokenSessionRefused", ErrorCategory.PermissionDenied);
                case HubFailure.PermissionDenied: return ("HubPermissionDenied", ErrorCategory.PermissionDenied);
                case HubFailure.NotFound: return ("AccessTokenNotFound", ErrorCategory.ObjectNotFound);
                case HubFailure.InvalidRequest: return ("HubRequestRejected", ErrorCategory.InvalidArgument);
                case HubFailure.RateLimited: return ("HubRateLimited", ErrorCategory.LimitsExceeded);
                case HubFailure.Unavailable: return ("HubUnavailable", ErrorCategory.ConnectionError);
                case HubFailure.OutcomeUnknown: return ("AccessTokenCreateUnconfirmed", ErrorCategory.ConnectionError);
                default: return ("HubResponseInvalid", ErrorCategory.InvalidResult);
            }
        }
    }
}
