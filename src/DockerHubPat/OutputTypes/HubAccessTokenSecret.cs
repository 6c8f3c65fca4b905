using System;
using System.Globalization;

namespace DockerHubPat
{
    /// <summary>
    /// A vault secret New-HubAccessToken saved for a token, as Get-HubAccessTokenSecret finds it by its
    /// metadata. It says where the secret is and which token it belongs to; it never holds the secret.
    /// </summary>
    public sealed class HubAccessTokenSecret
    {
        internal HubAccessTokenSecret(SavedSecret saved, Uri hubUri, string username)
        {
            Vault = saved.Vault;
            Name = saved.Name;
            TokenId = saved.TokenId;
            Label = saved.Text("Label");
            Username = username;
            HubUri = hubUri;
            CreatedAt = LocalTime(saved.Metadata["CreatedAt"]);
            ExpiresAt = LocalTime(saved.Metadata["ExpiresAt"]);
        }

        /// <summary>The SecretManagement vault that holds the secret.</summary>
        public string Vault { get; }

        /// <summary>The secret's name in that vault.</summary>
        public string Name { get; }

        /// <summary>The id of the token the secret was saved for (its TokenId metadata).</summary>
        public Guid TokenId { get; }

        /// <summary>The token's label when the secret was saved.</summary>
        public string? Label { get; }

        /// <summary>The Docker Hub account the token belongs to.</summary>
        public string Username { get; }

        /// <summary>The Docker Hub the token belongs to.</summary>
        public Uri HubUri { get; }

        /// <summary>When the token was created, in local time, as saved in the metadata.</summary>
        public DateTime? CreatedAt { get; }

        /// <summary>When the token stops working, in local time, as saved in the metadata; null when it never expires.</summary>
        public DateTime? ExpiresAt { get; }

        /// <summary>True when the token no longer exists on Docker Hub, so the secret is of no use.</summary>
        public bool Orphaned { get; internal set; }

        /// <summary>The secret and vault, never the secret's value.</summary>
        public override string ToString() => $"secret '{Name}' in vault '{Vault}'";

        // Vaults keep a DateTime as one, or (after a round trip through text) as its string.
        private static DateTime? LocalTime(object? value) => value switch
        {
            DateTime d => d.Kind == DateTimeKind.Utc ? d.ToLocalTime() : d,
            string s when DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var d) =>
                d.Kind == DateTimeKind.Utc ? d.ToLocalTime() : d,
            _ => null,
        };
    }
}
