using System;
using System.Linq;
using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>
    /// Turns failures into ErrorRecords with the ids of <see cref="ErrorIds"/>. The Hub layer's
    /// messages say what happened; the advice that names a cmdlet ("run Connect-HubAccount again")
    /// is added here, where the cmdlets are known.
    /// </summary>
    internal static class HubErrors
    {
        public static ErrorRecord FromHub(HubException ex, object? target)
        {
            var (id, category) = Classify(ex.Failure);
            return new ErrorRecord(WithAdvice(ex, target), id, category, target);
        }

        /// <summary>
        /// A failed step of a longer change: <paramref name="before"/> says which step, Hub's words and
        /// advice follow, <paramref name="after"/> says what state things are left in.
        /// </summary>
        public static ErrorRecord FromHub(HubException ex, object? target, string before, string after,
            object? adviceTarget = null, string? errorId = null)
        {
            var (id, category) = Classify(ex.Failure);
            var told = WithAdvice(ex, adviceTarget ?? target);
            return new ErrorRecord(told.WithMessage($"{before}{told.Message} {after}"), errorId ?? id, category, target);
        }

        /// <summary>The failure with the cmdlet layer's advice added to Hub's words, when there is advice.</summary>
        public static HubException WithAdvice(HubException ex, object? target) =>
            Advice(ex, target) is string advice ? ex.WithMessage(ex.Message + " " + advice) : ex;

        /// <summary>Failures that every later item would hit too, so a pipeline stops instead of repeating them.</summary>
        public static bool StopsPipeline(HubException ex) =>
            ex.Failure == HubFailure.Unauthorized || ex.Failure == HubFailure.SignInLocked || ex.Failure == HubFailure.TokenSessionRefused
            || ex.Failure == HubFailure.PermissionDenied || ex.Failure == HubFailure.NotOrganizationOwner
            || ex.Failure == HubFailure.OrganizationNotFound || ex.Failure == HubFailure.ProxyAuthenticationRequired;

        public static ErrorRecord Create(string errorId, ErrorCategory category, string message, object? target) =>
            new ErrorRecord(new InvalidOperationException(message), errorId, category, target);

        public static ErrorRecord InvalidArgument(string errorId, string message, object? target) =>
            new ErrorRecord(new ArgumentException(message), errorId, ErrorCategory.InvalidArgument, target);

        public static ErrorRecord FromVault(SecretVaultException ex, object? target, string? advice = null) =>
            new ErrorRecord(advice is null ? ex : new SecretVaultException(ex.ErrorId, ex.Category, ex.Message + " " + advice, ex.InnerException),
                ex.ErrorId, ex.Category, target);

        private static string? Advice(HubException ex, object? target)
        {
            switch (ex.Failure)
            {
                case HubFailure.Unauthorized:
                    return "Run Connect-HubAccount again to sign in.";
                case HubFailure.TwoFactorRequired:
                    return "Pass the authenticator's current code with -OneTimePassword, or its seed with -TotpSecret or -TotpSecretName for unattended sign-in.";
                case HubFailure.ProxyAuthenticationRequired:
                    return "Give the proxy's user name and password to Connect-HubAccount with -ProxyCredential, or use -ProxyUseDefaultCredentials for your Windows sign-in.";
                case HubFailure.RateLimited:
                    return "Connect-HubAccount -MaximumRateLimitWaitSec allows a longer wait.";
                case HubFailure.TokenSessionRefused:
                    return "Sign in with the account password instead: Connect-HubAccount -Credential <user and password> [-OneTimePassword <2FA code>].";
                case HubFailure.OutcomeUnknown when ex.CreatedTokenIds.Count > 0:
                case HubFailure.SecretMissing when ex.CreatedTokenIds.Count > 0:
                    return $"Remove it with: {RemoveCommand(ex.Organization)} -Id {string.Join(", ", ex.CreatedTokenIds)} -Confirm:$false; then create a new one.";
                case HubFailure.OutcomeUnknown when ex.CreateCheckFailed:
                    return $"Look with: {LookFor(ex.Organization, target as string ?? "")}";
                case HubFailure.TokenLimitReached:
                    return $"Free room by deleting the expired tokens: Get-HubOrgAccessToken {ex.Organization} -Expired | Remove-HubOrgAccessToken " +
                        $"(and the deactivated ones nobody needs: Get-HubOrgAccessToken {ex.Organization} -Inactive | Remove-HubOrgAccessToken).";
                case HubFailure.TokenExpired when target is OrgAccessTokenIdentity token:
                    return $"Remove it with: Remove-HubOrgAccessToken -Organization {token.Organization} -Id {token.Id}, and create a new one with New-HubOrgAccessToken.";
                default:
                    return null;
            }
        }

        private static string RemoveCommand(string? organization) =>
            organization is null ? "Remove-HubAccessToken" : $"Remove-HubOrgAccessToken -Organization {organization}";

        /// <summary>The command that lists the tokens labelled <paramref name="label"/>, quoted to paste as it is.</summary>
        public static string LookFor(string? organization, string label) =>
            (organization is null ? "Get-HubAccessToken" : $"Get-HubOrgAccessToken {organization}") +
            $" -Label '{WildcardPattern.Escape(label).Replace("'", "''")}'";

        private static (string, ErrorCategory) Classify(HubFailure failure)
        {
            switch (failure)
            {
                case HubFailure.Unauthorized: return (ErrorIds.HubUnauthorized, ErrorCategory.AuthenticationError);
                case HubFailure.SignInLocked: return (ErrorIds.HubSignInLocked, ErrorCategory.AuthenticationError);
                case HubFailure.TwoFactorRequired: return (ErrorIds.HubTwoFactorCodeRequired, ErrorCategory.AuthenticationError);
                case HubFailure.TokenSessionRefused: return (ErrorIds.HubTokenSessionRefused, ErrorCategory.PermissionDenied);
                case HubFailure.PermissionDenied: return (ErrorIds.HubPermissionDenied, ErrorCategory.PermissionDenied);
                case HubFailure.NotFound: return (ErrorIds.AccessTokenNotFound, ErrorCategory.ObjectNotFound);
                case HubFailure.InvalidRequest: return (ErrorIds.HubRequestRejected, ErrorCategory.InvalidArgument);
                case HubFailure.ProxyAuthenticationRequired: return (ErrorIds.HubProxyAuthenticationRequired, ErrorCategory.AuthenticationError);
                case HubFailure.RateLimited: return (ErrorIds.HubRateLimited, ErrorCategory.LimitsExceeded);
                case HubFailure.Unavailable: return (ErrorIds.HubUnavailable, ErrorCategory.ConnectionError);
                case HubFailure.OutcomeUnknown: return (ErrorIds.AccessTokenCreateUnconfirmed, ErrorCategory.ConnectionError);
                case HubFailure.OrganizationNotFound: return (ErrorIds.HubOrganizationNotFound, ErrorCategory.ObjectNotFound);
                case HubFailure.NotOrganizationOwner: return (ErrorIds.HubOrganizationOwnerRequired, ErrorCategory.PermissionDenied);
                case HubFailure.TokenLimitReached: return (ErrorIds.AccessTokenLimitReached, ErrorCategory.QuotaExceeded);
                case HubFailure.TokenExpired: return (ErrorIds.AccessTokenExpired, ErrorCategory.InvalidOperation);
                case HubFailure.SecretMissing: return (ErrorIds.AccessTokenSecretMissing, ErrorCategory.InvalidResult);
                default: return (ErrorIds.HubResponseInvalid, ErrorCategory.InvalidResult);
            }
        }
    }
}
