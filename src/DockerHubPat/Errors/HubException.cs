using System;
using System.Collections.Generic;

namespace DockerHubPat
{
    /// <summary>What went wrong talking to Docker Hub; decides the ErrorId and category a cmdlet reports.</summary>
    public enum HubFailure
    {
        /// <summary>Hub refused the credentials or the session (HTTP 401).</summary>
        Unauthorized,
        /// <summary>Hub answered a sign-in with 429: the account is locked against sign-ins for a while.</summary>
        SignInLocked,
        /// <summary>The account has 2FA and no code was available to sign in.</summary>
        TwoFactorRequired,
        /// <summary>Hub refuses token management to a session that was signed in with a personal access token (HTTP 403).</summary>
        TokenSessionRefused,
        /// <summary>Any other HTTP 403.</summary>
        PermissionDenied,
        /// <summary>HTTP 404.</summary>
        NotFound,
        /// <summary>Hub rejected the request's content (HTTP 400).</summary>
        InvalidRequest,
        /// <summary>HTTP 429 that could not be waited out.</summary>
        RateLimited,
        /// <summary>No answer, or an answer that says Hub cannot serve now (5xx, 408, timeouts, refused connections).</summary>
        Unavailable,
        /// <summary>A create whose answer was lost: Hub may or may not have made the token.</summary>
        OutcomeUnknown,
        /// <summary>Hub created a token but its answer held no secret: nobody can use the token.</summary>
        SecretMissing,
        /// <summary>The proxy between us and Hub wants credentials it did not get, or refused them (HTTP 407).</summary>
        ProxyAuthenticationRequired,
        /// <summary>An answer that does not follow the Hub API (not JSON, fields missing, a foreign `next` link).</summary>
        InvalidResponse,
        /// <summary>Hub has no organization of that name (HTTP 404 from an organization route).</summary>
        OrganizationNotFound,
        /// <summary>The signed-in user may not manage the organization's access tokens (HTTP 403).</summary>
        NotOrganizationOwner,
        /// <summary>The organization has as many access tokens as its plan allows (HTTP 403).</summary>
        TokenLimitReached,
        /// <summary>A change of an expired organization access token, which Hub only deletes.</summary>
        TokenExpired,
    }

    /// <summary>
    /// A failed Docker Hub call. The message is written for the user and never holds a secret:
    /// it is built from the route, the status and Hub's own error text only.
    /// </summary>
    public sealed class HubException : Exception
    {
        private static readonly IReadOnlyDictionary<string, string[]> NoFields = new Dictionary<string, string[]>();

        internal HubException(HubFailure failure, string message, int? statusCode = null,
            IReadOnlyDictionary<string, string[]>? fieldErrors = null, Exception? innerException = null)
            : base(message, innerException)
        {
            Failure = failure;
            StatusCode = statusCode;
            FieldErrors = fieldErrors ?? NoFields;
        }

        /// <summary>The kind of failure.</summary>
        public HubFailure Failure { get; }

        /// <summary>The HTTP status Hub answered with, or null when there was no answer.</summary>
        public int? StatusCode { get; }

        /// <summary>Hub's per-field validation messages from a 400 answer (field name → messages).</summary>
        public IReadOnlyDictionary<string, string[]> FieldErrors { get; }

        /// <summary>For a create whose answer was lost: the tokens the check found it made.</summary>
        internal IReadOnlyList<Guid> CreatedTokenIds { get; private set; } = new Guid[0];

        /// <summary>For a create whose answer was lost: whether looking for what it made failed too, or found nothing yet.</summary>
        internal bool CreateCheckFailed { get; private set; }

        /// <summary>For a failure of an organization route: the organization, for the cmdlet layer's advice.</summary>
        internal string? Organization { get; private set; }

        /// <summary>The same failure, known to be about this organization.</summary>
        internal HubException InOrganization(string organization)
        {
            var copy = WithMessage(Message);
            copy.Organization = organization;
            return copy;
        }

        /// <summary>No answer, and the request provably never reached Hub (the connection was refused).</summary>
        internal bool NotSent { get; private set; }

        /// <summary>A change that failed after an earlier attempt of it may have reached Hub.</summary>
        internal bool MaybeApplied { get; private set; }

        internal static HubException Unsent(string message, Exception? inner) =>
            new HubException(HubFailure.Unavailable, message, null, null, inner) { NotSent = true };

        /// <summary>This failure, saying that an earlier attempt may have made the change.</summary>
        internal HubException MaybeAppliedBefore() =>
            MaybeApplied ? this : new HubException(Failure,
                Message + " An earlier attempt may have reached Docker Hub, so the change may have been applied.", StatusCode, FieldErrors, InnerException)
            {
                CreatedTokenIds = CreatedTokenIds,
                CreateCheckFailed = CreateCheckFailed,
                Organization = Organization,
                MaybeApplied = true,
            };

        /// <summary>Hub created the token <paramref name="id"/> and sent no secret for it.</summary>
        internal static HubException NoSecret(string message, Guid id) =>
            new HubException(HubFailure.SecretMissing, message) { CreatedTokenIds = new[] { id } };

        internal static HubException LostCreate(string message, IReadOnlyList<Guid> createdIds, bool checkFailed, HubException lost) =>
            new HubException(HubFailure.OutcomeUnknown, message, null, null, lost)
            {
                CreatedTokenIds = createdIds,
                CreateCheckFailed = checkFailed,
            };

        /// <summary>The same failure told in other words (the cmdlet layer adds its advice this way).</summary>
        internal HubException WithMessage(string message) =>
            new HubException(Failure, message, StatusCode, FieldErrors, InnerException)
            {
                CreatedTokenIds = CreatedTokenIds,
                CreateCheckFailed = CreateCheckFailed,
                Organization = Organization,
                NotSent = NotSent,
                MaybeApplied = MaybeApplied,
            };
    }
}
