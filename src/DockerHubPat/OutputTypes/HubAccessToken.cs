using System;
using System.Collections;
using System.Security;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>A Docker Hub personal access token as the token cmdlets output it.</summary>
    public sealed class HubAccessToken : IHubToken
    {
        /// <summary>The token's uuid on Hub.</summary>
        public Guid Id { get; internal set; }

        /// <summary>The token's description on Hub (token_label).</summary>
        public string Label { get; internal set; } = "";

        /// <summary>The token's scopes; empty when Hub sends none (tokens made by old clients have none).</summary>
        public ScopeList Scopes { get; internal set; } = ScopeList.Empty;

        /// <summary>
        /// Whether the token is enabled; null when Hub's answer did not say (the spec makes no field
        /// required). An unknown state is not taken for inactive: -Active and -Inactive both leave it out.
        /// </summary>
        public bool? IsActive { get; internal set; }

        /// <summary>When the token was created, in local time.</summary>
        public DateTime? CreatedAt { get; internal set; }

        /// <summary>When the token was last used, in local time; null when it was never used.</summary>
        public DateTime? LastUsedAt { get; internal set; }

        /// <summary>When the token stops working, in local time; null when it never expires.</summary>
        public DateTime? ExpiresAt { get; internal set; }

        /// <summary>Whether ExpiresAt has passed: Hub still lists such a token, active or not, but refuses it.</summary>
        public bool IsExpired => this.HasExpiredBy(DateTime.Now);

        /// <summary>"Active", "Inactive", "Expired", or "Unknown" when Hub did not say whether it is active: whether the token works, in one word for tables and filters.</summary>
        public string State => this.StateBy(DateTime.Now);

        /// <summary>The IP address the token was created from.</summary>
        public string? CreatorIp { get; internal set; }

        /// <summary>The User-Agent of the client that created the token.</summary>
        public string? CreatorUserAgent { get; internal set; }

        /// <summary>How the token was made, for example "manual".</summary>
        public string? GeneratedBy { get; internal set; }

        /// <summary>The Hub client the token belongs to, for example "HUB".</summary>
        public string? ClientId { get; internal set; }

        /// <summary>The Docker Hub account that owns the token.</summary>
        public string Username { get; internal set; } = "";

        /// <summary>The token's secret. Hub shows it once, so only New- and Reset-HubAccessToken set it.</summary>
        public SecureString? Secret { get; internal set; }

        /// <summary>The SecretManagement vault the secret was saved in; null when it was not saved.</summary>
        public string? Vault { get; internal set; }

        /// <summary>The name of the saved secret in that vault; null when it was not saved.</summary>
        public string? SecretName { get; internal set; }

        /// <summary>The token Reset-HubAccessToken replaced with this one; null for any other token.</summary>
        public Guid? ReplacedId { get; internal set; }

        // Internal to the module: not a property PowerShell shows, exports or serializes.
        ListingTotal? IHubToken.ListingTotal { get; set; }

        /// <summary>The label and id; never the secret.</summary>
        public override string ToString() => $"{Label} ({Id})";

        string IHubToken.SignInName => Username;

        string IHubToken.SignInNameProperty => nameof(Username);

        Hashtable IHubToken.SecretMetadata(Uri hubUri)
        {
            var metadata = new Hashtable
            {
                [SecretVault.TokenIdKey] = Id.ToString("D"),
                ["Label"] = Label,
                ["Scopes"] = string.Join(",", Scopes),
                ["HubUri"] = hubUri.ToString(),
                ["Username"] = Username,
            };
            if (CreatedAt is DateTime created)
            {
                metadata["CreatedAt"] = created;
            }

            if (ExpiresAt is DateTime expires)
            {
                metadata["ExpiresAt"] = expires;
            }

            return metadata;
        }

        Guid? IHubToken.ReplacedId
        {
            set => ReplacedId = value;
        }

        void IHubToken.SavedAs(string vault, string secretName)
        {
            Vault = vault;
            SecretName = secretName;
        }

        internal static HubAccessToken FromJson(AccessTokenJson? json, string username)
        {
            if (json is null)
            {
                throw new HubException(HubFailure.InvalidResponse, "Docker Hub sent an empty entry (null) where an access token belongs.");
            }

            if (json.Uuid is null || !Guid.TryParse(json.Uuid, out var id))
            {
                throw HubTime.Invalid(What, "uuid", json.Uuid ?? "(missing)");
            }

            var token = new HubAccessToken
            {
                Id = id,
                Label = json.TokenLabel ?? "",
                Scopes = json.Scopes is null ? ScopeList.Empty : new ScopeList((string[])json.Scopes.Clone()),
                IsActive = json.IsActive,
                CreatedAt = HubTime.Parse(json.CreatedAt, What, "created_at"),
                LastUsedAt = HubTime.Parse(json.LastUsed, What, "last_used"),
                ExpiresAt = HubTime.Parse(json.ExpiresAt, What, "expires_at"),
                CreatorIp = json.CreatorIp,
                CreatorUserAgent = json.CreatorUserAgent,
                GeneratedBy = json.GeneratedBy,
                ClientId = json.ClientId,
                Username = username,
            };

            // List and get answers carry `"token": ""`; only the create answer has the secret.
            if (!string.IsNullOrEmpty(json.Token))
            {
                token.Secret = SecureText.From(json.Token!);
            }

            return token;
        }

        private const string What = "an access token";
    }
}
