using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>
    /// Completes scopes from the ones Hub documents: -Scope of personal tokens (most powerful first),
    /// -RepositoryScope and -OrganizationScope of organization tokens.
    /// </summary>
    public sealed class ScopeCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var word = wordToComplete.Trim('\'', '"');
            var scopes = AccessTokenScopes.All;
            if (parameterName.Equals("RepositoryScope", StringComparison.OrdinalIgnoreCase) || parameterName.Equals("OrganizationScope", StringComparison.OrdinalIgnoreCase))
            {
                scopes = parameterName.StartsWith("Repository", StringComparison.OrdinalIgnoreCase) ? OrgAccessTokenScopes.Repository : OrgAccessTokenScopes.Organization;
                // "push" finds scope-image-push as "scope-image-p" does.
                word = word.StartsWith(OrgAccessTokenScopes.Prefix, StringComparison.OrdinalIgnoreCase) ? word : "*" + word;
            }

            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
            return scopes
                .Where(pattern.IsMatch)
                .Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, s))
                .ToList();
        }
    }
}
