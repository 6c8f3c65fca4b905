using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace DockerHubPat
{
    /// <summary>Completes -Vault from the registered SecretManagement vaults.</summary>
    public sealed class VaultCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = CompletionText.Prefix(wordToComplete);
            try
            {
                return new SecretVault().VaultNames()
                    .Where(pattern.IsMatch)
                    .Select(n => new CompletionResult(CompletionText.Literal(n), n, CompletionResultType.ParameterValue, n))
                    .ToList();
            }
            catch (SecretVaultException)
            {
                return Enumerable.Empty<CompletionResult>();
            }
        }
    }
}
