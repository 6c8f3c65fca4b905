namespace DockerHubPat
{
    /// <summary>
    /// Every ErrorId the module reports, in one place; README "Errors" lists the same ids (a Pester
    /// test compares them). Runbooks match on them, so an id never changes once shipped.
    /// Naming rule: &lt;Subject&gt;&lt;Condition&gt;. The subject is Hub (the account or organization, the sign-in, the
    /// session, or Hub's answer), AccessToken (a token, or input that describes one) or Secret
    /// (SecretManagement, its vaults and their secrets); the condition says what happened
    /// (NotFound, Invalid, Conflict, Failed, Unavailable…).
    /// </summary>
    internal static class ErrorIds
    {
        // Signing in and the session.
        public const string HubNotConnected = "HubNotConnected";
        public const string HubSignInFailed = "HubSignInFailed";
        public const string HubSignInLocked = "HubSignInLocked";
        public const string HubTwoFactorCodeRequired = "HubTwoFactorCodeRequired";
        public const string HubTwoFactorParameterConflict = "HubTwoFactorParameterConflict";
        public const string HubCredentialMissing = "HubCredentialMissing";
        public const string HubCredentialSecretInvalid = "HubCredentialSecretInvalid";
        public const string HubTotpSecretInvalid = "HubTotpSecretInvalid";
        public const string HubUsernameMissing = "HubUsernameMissing";
        public const string HubPasswordMissing = "HubPasswordMissing";
        public const string HubUriInvalid = "HubUriInvalid";
        public const string HubProxyInvalid = "HubProxyInvalid";
        public const string HubProxyParameterConflict = "HubProxyParameterConflict";

        // Organizations.
        public const string HubOrganizationNotFound = "HubOrganizationNotFound";
        public const string HubOrganizationOwnerRequired = "HubOrganizationOwnerRequired";

        // What Hub answered.
        public const string HubUnauthorized = "HubUnauthorized";
        public const string HubTokenSessionRefused = "HubTokenSessionRefused";
        public const string HubPermissionDenied = "HubPermissionDenied";
        public const string HubRequestRejected = "HubRequestRejected";
        public const string HubProxyAuthenticationRequired = "HubProxyAuthenticationRequired";
        public const string HubRateLimited = "HubRateLimited";
        public const string HubUnavailable = "HubUnavailable";
        public const string HubResponseInvalid = "HubResponseInvalid";

        // Access tokens.
        public const string AccessTokenNotFound = "AccessTokenNotFound";
        public const string AccessTokenCreateUnconfirmed = "AccessTokenCreateUnconfirmed";
        public const string AccessTokenSecretMissing = "AccessTokenSecretMissing";
        public const string AccessTokenExpiryInvalid = "AccessTokenExpiryInvalid";
        public const string AccessTokenFilterConflict = "AccessTokenFilterConflict";
        public const string AccessTokenResourceInvalid = "AccessTokenResourceInvalid";
        public const string AccessTokenDescriptionInvalid = "AccessTokenDescriptionInvalid";
        public const string AccessTokenChangeMissing = "AccessTokenChangeMissing";
        public const string AccessTokenLimitReached = "AccessTokenLimitReached";
        public const string AccessTokenExpired = "AccessTokenExpired";
        public const string AccessTokenScopesMissing = "AccessTokenScopesMissing";
        public const string AccessTokenNotVerified = "AccessTokenNotVerified";
        public const string AccessTokenNotRetired = "AccessTokenNotRetired";

        // SecretManagement.
        public const string SecretManagementNotInstalled = "SecretManagementNotInstalled";
        public const string SecretVaultNotFound = "SecretVaultNotFound";
        public const string SecretVaultUnavailable = "SecretVaultUnavailable";
        public const string SecretVaultLocked = "SecretVaultLocked";
        public const string SecretVaultFailed = "SecretVaultFailed";
        public const string SecretNameExists = "SecretNameExists";
        public const string SecretNotSaved = "SecretNotSaved";
        public const string SecretNotFound = "SecretNotFound";
        public const string SecretNoVaultConflict = "SecretNoVaultConflict";
    }
}
