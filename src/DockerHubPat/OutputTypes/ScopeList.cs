using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;

namespace DockerHubPat
{
    /// <summary>
    /// A token's scopes. A collection for scripts (-contains, indexing, foreach, a JSON array), and
    /// readable text where PowerShell turns a value into a string on its own: Export-Csv and
    /// ConvertTo-Csv call ToString(), which for a plain string[] gives "System.String[]".
    /// </summary>
    public sealed class ScopeList : ReadOnlyCollection<string>
    {
        /// <summary>No scopes.</summary>
        public static readonly ScopeList Empty = new ScopeList(new string[0]);

        /// <summary>These scopes, in this order.</summary>
        public ScopeList(IList<string> scopes)
            : base(scopes ?? throw new ArgumentNullException(nameof(scopes)))
        {
        }

        /// <summary>The scopes separated by ", ", as the list view shows them; "" for none.</summary>
        public override string ToString() => string.Join(", ", this);
    }
}
