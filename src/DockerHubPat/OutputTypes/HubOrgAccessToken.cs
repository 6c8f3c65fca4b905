using System;
using System.Collections;
using System.Linq;
using System.Security;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>A Docker Hub organization access token as the organization token cmdlets output it.</summary>
    public sealed class HubOrgAccessToken : IHubToken
    {
        /// <summary>The token's id on Hub.</summary>
        public Guid Id { get; internal set; }

        /// <summary>The organization that owns the token.</summary>
        public string Organization { get; internal set; } = "";

        /// <summary>The token's label.</summary>
        public string Label { get; internal set; } = "";

        /// <summary>The token's description; null when Hub did not send it (its token list leaves it out).</summary>
        public string? Description { get; internal set; }

        /// <summary>What the token may reach, with which scopes; null when Hub did not send them (its token list leaves them out).</summary>
        public HubOrgAccessTokenResource[]? Resources { get; internal set; }

        /// <summary>
        /// Whether the token is enabled; null when Hub's answer did not say (the spec makes no field
        /// required). An unknown state is not taken for inactive: -Active and -Inactive both leave it out.
        /// </summary>
        public bool? IsActive { get; internal set; }

        /// <summary>Whether ExpiresAt has passed: Hub still lists such a token, but refuses it and allows only deleting it.</summary>
        public bool IsExpired => this.HasExpiredBy(DateTime.Now);

        /// <summary>"Active", "Inactive", "Expired", or "Unknown" when Hub did not say whether it is active: whether the token works, in one word for tables and filters.</summary>
        public string State => this.StateBy(DateTime.Now);

        /// <summary>When the token was created, in local time.</summary>
        public DateTime? CreatedAt { get; internal set; }

        /// <summary>The user who created the token; null when Hub did not say (its create answer leaves it out).</summary>
        public string? CreatedBy { get; internal set; }

        /// <summary>When the token was last used, in local time; null when it was never used.</summary>
        public DateTime? LastUsedAt { get; internal set; }

        /// <summary>When the token stops working, in local time; null when it never expires.</summary>
        public DateTime? ExpiresAt { get; internal set; }

        /// <summary>The token's secret. Hub shows it once, so only New- and Reset-HubOrgAccessToken set it.</summary>
        public SecureString? Secret { get; internal set; }

        /// <summary>The SecretManagement vault the secret was saved in; null when it was not saved.</summary>
        public string? Vault { get; internal set; }

        /// <summary>The name of the saved secret in that vault; null when it was not saved.</summary>
        public string? SecretName { get; internal set; }

        /// <summary>The token Reset-HubOrgAccessToken replaced with this one; null for any other token.</summary>
        public Guid? ReplacedId { get; internal set; }

        // Internal to the module: not a property PowerShell shows, exports or serializes.
        ListingTotal? IHubToken.ListingTotal { get; set; }

        /// <summary>The organization, label and id; never the secret.</summary>
        public override string ToString() => $"{Organization}: {Label} ({Id})";

        // docker login --username <organization> takes the token as its password.
        string IHubToken.SignInName => Organization;

        string IHubToken.SignInNameProperty => nameof(Organization);

        Guid? IHubToken.ReplacedId
        {
            set => ReplacedId = value;
        }

        Hashtable IHubToken.SecretMetadata(Uri hubUri)
        {
            var metadata = new Hashtable
            {
                [SecretVault.TokenIdKey] = Id.ToString("D"),
                ["Kind"] = "OrganizationAccessToken",
                ["Organization"] = Organization,
                ["Label"] = Label,
                ["HubUri"] = hubUri.ToString(),
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

        void IHubToken.SavedAs(string vault, string secretName)
        {
            Vault = vault;
            SecretName = secretName;
        }

        internal static HubOrgAccessToken FromJson(OrgAccessTokenJson? json, string organization)
        {
            if (json is null)
            {
                throw new HubException(HubFailure.InvalidResponse, "Docker Hub sent an empty entry (null) where an organization access token belongs.");
            }

            const string what = "an organization access token";
            if (json.Id is null || !Guid.TryParse(json.Id, out var id))
            {
                throw HubTime.Invalid(what, "id", json.Id ?? "(missing)");
            }

            var token = new HubOrgAccessToken
            {
                Id = id,
                Organization = organization,
                Label = json.Label ?? "",
                Description = json.Description,
                Resources = json.Resources?.Select(HubOrgAccessTokenResource.FromJson).ToArray(),
                IsActive = json.IsActive,
                CreatedAt = HubTime.Parse(json.CreatedAt, what, "created_at"),
                CreatedBy = json.CreatedBy,
                LastUsedAt = HubTime.Parse(json.LastUsedAt, what, "last_used_at"),
                ExpiresAt = HubTime.Parse(json.ExpiresAt, what, "expires_at"),
            };

            // Only the create answer has the secret.
            if (!string.IsNullOrEmpty(json.Token))
            {
                token.Secret = SecureText.From(json.Token!);
            }

            return token;
        }
    }

    /// <summary>
    /// What an organization access token may reach: a repository path (or the organization) and
    /// the scopes it has there. Scripts can build one from a hashtable:
    /// @{ Type = 'Repository'; Path = 'acme/app'; Scopes = 'scope-image-pull' }.
    /// </summary>
    public sealed class HubOrgAccessTokenResource
    {
        /// <summary>Hub's name of a repository resource.</summary>
        internal const string HubRepository = "TYPE_REPO";

        /// <summary>Hub's name of an organization resource.</summary>
        internal const string HubOrganization = "TYPE_ORG";

        /// <summary>An empty resource, for scripts that set the properties one by one.</summary>
        public HubOrgAccessTokenResource()
        {
        }

        /// <summary>A resource with its type, path and scopes.</summary>
        public HubOrgAccessTokenResource(string type, string path, string[] scopes)
        {
            Type = type;
            Path = path;
            Scopes = scopes;
        }

        /// <summary>Repository or Organization (Hub's TYPE_REPO and TYPE_ORG); a type this module does not know is kept as Hub sent it.</summary>
        public string Type { get; set; } = Repository;

        /// <summary>For a repository: org/repo, org/* (every repository of the organization) or */*/public (every public repository). For an organization: its name.</summary>
        public string Path { get; set; } = "";

        /// <summary>Hub's scope names, such as scope-image-pull.</summary>
        public string[] Scopes { get; set; } = new string[0];

        /// <summary>The type of a repository resource.</summary>
        public const string Repository = "Repository";

        /// <summary>The type of an organization resource.</summary>
        public const string Organization = "Organization";

        /// <summary>"Repository acme/app: scope-image-pull, scope-image-push".</summary>
        public override string ToString() => $"{Type} {Path}: {string.Join(", ", Scopes ?? new string[0])}";

        /// <summary>Hub's type name for a type as the user wrote it (either spelling, any case); others are kept.</summary>
        internal static string ToHubType(string? type) =>
            string.Equals(type, Repository, StringComparison.OrdinalIgnoreCase) || string.Equals(type, HubRepository, StringComparison.OrdinalIgnoreCase) ? HubRepository
            : string.Equals(type, Organization, StringComparison.OrdinalIgnoreCase) || string.Equals(type, HubOrganization, StringComparison.OrdinalIgnoreCase) ? HubOrganization
            : type ?? "";

        internal static HubOrgAccessTokenResource FromJson(OrgAccessTokenResourceJson? json) =>
            json is null
                ? throw new HubException(HubFailure.InvalidResponse, "Docker Hub sent an empty entry (null) where a resource of an organization access token belongs.")
                : new HubOrgAccessTokenResource(
                    json.Type == HubRepository ? Repository : json.Type == HubOrganization ? Organization : json.Type ?? "",
                    json.Path ?? "",
                    json.Scopes ?? new string[0]);

        internal OrgAccessTokenResourceJson ToJson() =>
            new OrgAccessTokenResourceJson { Type = ToHubType(Type), Path = Path, Scopes = Scopes };
    }
}
