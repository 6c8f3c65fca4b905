using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>Completes -Scope from the scopes Hub knows, most powerful first.</summary>
    public sealed class ScopeCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = WildcardPattern.Get(wordToComplete.Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
            return AccessTokenScopes.All
                .Where(pattern.IsMatch)
                .Select(s => new CompletionResult(s, s, CompletionResultType.ParameterValue, s))
                .ToList();
        }
    }
}
