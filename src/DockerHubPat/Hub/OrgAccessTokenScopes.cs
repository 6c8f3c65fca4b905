using System;
using System.Collections.Generic;
using System.Linq;

namespace DockerHubPat.Hub
{
    /// <summary>
    /// The scopes Docker documents for organization access tokens, written once. Docker adds
    /// scopes over time, so these complete the known values; an unknown scope-… value is still sent.
    /// </summary>
    internal static class OrgAccessTokenScopes
    {
        public const string Prefix = "scope-";

        /// <summary>The default for -Repository: the least privilege.</summary>
        public const string ImagePull = "scope-image-pull";

        /// <summary>Scopes of a repository resource.</summary>
        public static readonly IReadOnlyList<string> Repository = new[]
        {
            ImagePull, "scope-image-push", "scope-image-delete",
            "scope-repository-read", "scope-repository-edit", "scope-repository-admin",
            "scope-tag-read", "scope-tag-admin",
            "scope-webhook-read", "scope-webhook-edit", "scope-webhook-admin",
            "scope-repo-group-read", "scope-repo-group-edit", "scope-repo-group-admin",
            "scope-repository-settings-admin",
        };

        /// <summary>Scopes of the organization resource, the product scopes (Build Cloud, Governance) included.</summary>
        public static readonly IReadOnlyList<string> Organization = new[]
        {
            "scope-member-read", "scope-member-edit", "scope-invite-read", "scope-invite-edit",
            "scope-group-read", "scope-group-edit", "scope-activity-read", "scope-siem_credentials-read",
            "scope-ram-read", "scope-ram-write", "scope-report-read", "scope-repository-create",
            "scope-repository-list", "scope-registry-usage-read",
            "scope-cloud-connect", "scope-audit_events-read", "scope-governance-policy-read", "scope-governance-policy-write",
        };

        public static bool IsKnown(string scope) =>
            Repository.Contains(scope, StringComparer.OrdinalIgnoreCase) || Organization.Contains(scope, StringComparer.OrdinalIgnoreCase);
    }
}
