using System;

namespace DockerHubPat
{
    /// <summary>
    /// One organization access token to change: the organization, the id, and what the input
    /// already told about it (a piped token's label and expiry), so confirmations name it and an
    /// expired token is refused without asking Hub.
    /// </summary>
    public sealed class OrgAccessTokenIdentity
    {
        /// <summary>A token of an organization.</summary>
        public OrgAccessTokenIdentity(string organization, AccessTokenIdentity token)
        {
            Organization = organization;
            Id = token.Id;
            Label = token.Label;
            ExpiresAt = token.Token?.ExpiresAt;
            Token = token.Token;
        }

        /// <summary>The token object the input was, if it was one.</summary>
        internal IHubToken? Token { get; }

        /// <summary>The organization that owns the token.</summary>
        public string Organization { get; }

        /// <summary>The token's id on Hub.</summary>
        public Guid Id { get; }

        /// <summary>The token's label when the input carried it; null otherwise.</summary>
        public string? Label { get; }

        /// <summary>The token's expiry when the input carried it (local time); null otherwise.</summary>
        public DateTime? ExpiresAt { get; }

        /// <summary>"acme/id", as the token is named in errors.</summary>
        public override string ToString() => $"{Organization}/{Id}";

        /// <summary>"organization access token 'label' (id) of 'acme'", or without the label when it is not known.</summary>
        internal string Describe() =>
            Label is null ? $"organization access token {Id} of '{Organization}'" : $"organization access token '{Label}' ({Id}) of '{Organization}'";
    }
}
