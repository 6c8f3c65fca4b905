using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat
{
    /// <summary>
    /// Completes -Label and -Id from the account's tokens. One listing serves every keystroke for
    /// a short while, so completion costs Hub one request per half minute, not one per Tab.
    /// </summary>
    public sealed class TokenCompleter : IArgumentCompleter
    {
        private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

        // Completion blocks the prompt; an answer that takes longer is worth less than no answer.
        private static readonly TimeSpan ListingTimeout = TimeSpan.FromSeconds(5);

        // The last listing of each session, kept as long as the session lives and no longer.
        private static readonly ConditionalWeakTable<HubSession, Listed> Cache = new ConditionalWeakTable<HubSession, Listed>();

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var session = (fakeBoundParameters["Session"] is var s && s is PSObject ps ? ps.BaseObject : s) as HubSession ?? RunspaceSession.OfThisRunspace();
            if (session is null)
            {
                return Enumerable.Empty<CompletionResult>();
            }

            var word = wordToComplete.Trim('\'', '"');
            var pattern = WildcardPattern.Get(word + "*", WildcardOptions.IgnoreCase);
            var tokens = Tokens(session);
            if (parameterName.Equals("Id", StringComparison.OrdinalIgnoreCase) || parameterName.Equals("Uuid", StringComparison.OrdinalIgnoreCase))
            {
                // Match the id or the label, so "-Id ci<Tab>" finds the ci tokens' ids.
                return tokens
                    .Where(t => pattern.IsMatch(t.Id.ToString()) || pattern.IsMatch(t.Label))
                    .Select(t => new CompletionResult(t.Id.ToString(), $"{t.Label} ({t.Id})", CompletionResultType.ParameterValue, Describe(t)))
                    .ToList();
            }

            return tokens
                .Where(t => pattern.IsMatch(t.Label))
                .GroupBy(t => t.Label, StringComparer.OrdinalIgnoreCase)
                .Select(g => new CompletionResult(Quote(g.Key), g.Key, CompletionResultType.ParameterValue, Describe(g.First())))
                .ToList();
        }

        /// <summary>Drops the session's cached listing: a token changed, so the next completion lists again.</summary>
        internal static void Forget(HubSession session) => Cache.Remove(session);

        private static IReadOnlyList<HubAccessToken> Tokens(HubSession session)
        {
            if (Cache.TryGetValue(session, out var cached) && DateTime.UtcNow - cached.At < CacheLifetime)
            {
                return cached.Tokens;
            }

            var tokens = new List<HubAccessToken>();
            try
            {
                using var timeout = new CancellationTokenSource(ListingTimeout);
                var listing = session.Tokens.List();
                Task.Run(async () =>
                {
                    while (await listing.NextAsync(timeout.Token).ConfigureAwait(false) is IReadOnlyList<HubAccessToken> page)
                    {
                        tokens.AddRange(page);
                    }
                }).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is HubException || ex is OperationCanceledException)
            {
                return tokens; // a partial list still helps; errors have no place in completion
            }

            Cache.Remove(session);
            Cache.Add(session, new Listed(DateTime.UtcNow, tokens));
            return tokens;
        }

        private sealed class Listed
        {
            public Listed(DateTime at, IReadOnlyList<HubAccessToken> tokens)
            {
                At = at;
                Tokens = tokens;
            }

            public DateTime At { get; }
            public IReadOnlyList<HubAccessToken> Tokens { get; }
        }

        private static string Describe(HubAccessToken t) =>
            $"{t.Label} — {string.Join(",", t.Scopes)}, {(t.IsActive ? "active" : "inactive")}, id {t.Id}";

        private static string Quote(string label) =>
            label.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', ';', '(', ')', '{', '}', '@', '#', ',' }) >= 0
                ? "'" + label.Replace("'", "''") + "'"
                : label;
    }
}
