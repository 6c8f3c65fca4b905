using System;
using System.Collections.Generic;
using System.Linq;

namespace DockerHubPat.Hub
{
    /// <summary>The scopes Hub accepts for an access token (the Hub API's create-token request), written once.</summary>
    internal static class AccessTokenScopes
    {
        /// <summary>The default for a new token.</summary>
        public const string LeastPrivilege = "repo:public_read";

        /// <summary>Most to least powerful, which is also the order Hub lists them in.</summary>
        public static readonly IReadOnlyList<string> All = new[] { "repo:admin", "repo:write", "repo:read", LeastPrivilege };

        /// <summary>Hub's spelling of the scopes, each once, in Hub's order.</summary>
        public static string[] Normalize(IEnumerable<string> scopes)
        {
            var wanted = new HashSet<string>(scopes, StringComparer.OrdinalIgnoreCase);
            return All.Where(wanted.Contains).ToArray();
        }
    }
}
