using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>Completes -Label, -Id and -GeneratedBy from the account's personal access tokens.</summary>
    public sealed class TokenCompleter : IArgumentCompleter
    {
        // What Hub's generated_by says of a token made by hand (web UI or API).
        private const string ManualGeneratedBy = "manual";

        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            if (TokenCompletion.Session(fakeBoundParameters) is not HubSession session)
            {
                return Enumerable.Empty<CompletionResult>();
            }

            var tokens = TokenCompletion.Tokens(session, "", session.Tokens.List);
            return parameterName.Equals("GeneratedBy", StringComparison.OrdinalIgnoreCase)
                ? GeneratedBy(wordToComplete, tokens)
                : TokenCompletion.Complete(parameterName, wordToComplete, tokens,
                    t => $"{t.Label} — {string.Join(",", t.Scopes)}, {t.State.ToLowerInvariant()}, id {t.Id}");
        }

        // Hub's own words, as they occur on the account; "manual" (made by hand) always.
        private static IEnumerable<CompletionResult> GeneratedBy(string wordToComplete, IReadOnlyList<HubAccessToken> tokens)
        {
            var pattern = CompletionText.Prefix(wordToComplete);
            return tokens
                .Select(t => t.GeneratedBy)
                .Where(g => !string.IsNullOrEmpty(g))
                .Concat(new[] { ManualGeneratedBy })
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Where(g => pattern.IsMatch(g))
                .OrderBy(g => g, StringComparer.OrdinalIgnoreCase)
                .Select(g => new CompletionResult(CompletionText.Pattern(g!), g!, CompletionResultType.ParameterValue,
                    $"{g} — {tokens.Count(t => string.Equals(t.GeneratedBy, g, StringComparison.OrdinalIgnoreCase))} token(s)"))
                .ToList();
        }

        /// <summary>Drops the session's cached listings: a token changed, so the next completion lists again.</summary>
        internal static void Forget(HubSession session) => TokenCompletion.Forget(session);
    }

    /// <summary>Completes -Label and -Id from the tokens of the organization given in -Organization.</summary>
    public sealed class OrgTokenCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var organization = (fakeBoundParameters["Organization"] is var o && o is PSObject ps ? ps.BaseObject : o) as string;
            if (TokenCompletion.Session(fakeBoundParameters) is not HubSession session || string.IsNullOrWhiteSpace(organization))
            {
                return Enumerable.Empty<CompletionResult>();
            }

            var tokens = session.OrgTokens(OrgTokenInput.OrganizationName(organization!));
            return TokenCompletion.Complete(parameterName, wordToComplete, TokenCompletion.Tokens(session, tokens.Organization, tokens.List),
                t => $"{t.Label} — {t.State.ToLowerInvariant()}, id {t.Id}");
        }
    }

    /// <summary>Completes -Organization from the organizations whose tokens this session has seen.</summary>
    public sealed class OrganizationCompleter : IArgumentCompleter
    {
        /// <inheritdoc />
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            var pattern = CompletionText.Prefix(wordToComplete);
            return (TokenCompletion.Session(fakeBoundParameters)?.Organizations ?? Enumerable.Empty<string>())
                .Where(pattern.IsMatch)
                .OrderBy(o => o, StringComparer.Ordinal)
                .Select(o => new CompletionResult(CompletionText.Literal(o), o, CompletionResultType.ParameterValue, $"organization {o}"))
                .ToList();
        }
    }

    /// <summary>
    /// Listing and matching for the token completers. One listing serves every keystroke for a
    /// short while, so completion costs Hub one request per half minute, not one per Tab.
    /// </summary>
    internal static class TokenCompletion
    {
        private static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

        // Completion blocks the prompt; an answer that takes longer is worth less than no answer.
        private static readonly TimeSpan ListingTimeout = TimeSpan.FromSeconds(5);

        // The last listings of each session ("" = its personal tokens, else an organization's),
        // kept as long as the session lives and no longer.
        private static readonly ConditionalWeakTable<HubSession, ConcurrentDictionary<string, Listed>> Cache =
            new ConditionalWeakTable<HubSession, ConcurrentDictionary<string, Listed>>();

        public static HubSession? Session(IDictionary fakeBoundParameters) =>
            (fakeBoundParameters["Session"] is var s && s is PSObject ps ? ps.BaseObject : s) as HubSession ?? RunspaceSession.OfThisRunspace();

        public static void Forget(HubSession session) => Cache.Remove(session);

        /// <summary>Ids (matching the id or the label) or labels that start with the word.</summary>
        public static IEnumerable<CompletionResult> Complete<T>(string parameterName, string wordToComplete, IReadOnlyList<T> tokens, Func<T, string> describe)
            where T : IHubToken
        {
            var pattern = CompletionText.Prefix(wordToComplete);
            if (parameterName.Equals("Id", StringComparison.OrdinalIgnoreCase) || parameterName.Equals("Uuid", StringComparison.OrdinalIgnoreCase))
            {
                // Match the id or the label, so "-Id ci<Tab>" finds the ci tokens' ids.
                return tokens
                    .Where(t => pattern.IsMatch(t.Id.ToString()) || pattern.IsMatch(t.Label))
                    .Select(t => new CompletionResult(t.Id.ToString(), $"{t.Label} ({t.Id})", CompletionResultType.ParameterValue, describe(t)))
                    .ToList();
            }

            return tokens
                .Where(t => pattern.IsMatch(t.Label))
                .GroupBy(t => t.Label, StringComparer.OrdinalIgnoreCase)
                .Select(g => new CompletionResult(CompletionText.Pattern(g.Key), g.Key, CompletionResultType.ParameterValue, describe(g.First())))
                .ToList();
        }

        /// <summary>The tokens of one listing of the session, from the cache while it is fresh.</summary>
        public static IReadOnlyList<T> Tokens<T>(HubSession session, string key, Func<HubListing<T>> list)
        {
            var listings = Cache.GetValue(session, _ => new ConcurrentDictionary<string, Listed>());
            if (listings.TryGetValue(key, out var cached) && DateTime.UtcNow - cached.At < CacheLifetime)
            {
                return (IReadOnlyList<T>)cached.Tokens;
            }

            var tokens = new List<T>();
            try
            {
                using var timeout = new CancellationTokenSource(ListingTimeout);
                var listing = list();
                Task.Run(async () =>
                {
                    while (await listing.NextAsync(timeout.Token).ConfigureAwait(false) is IReadOnlyList<T> page)
                    {
                        tokens.AddRange(page);
                    }
                }).GetAwaiter().GetResult();
            }
            catch (Exception ex) when (ex is HubException || ex is OperationCanceledException)
            {
                return tokens; // a partial list still helps; errors have no place in completion
            }

            listings[key] = new Listed(DateTime.UtcNow, tokens);
            return tokens;
        }

        private sealed class Listed
        {
            public Listed(DateTime at, IEnumerable tokens)
            {
                At = at;
                Tokens = tokens;
            }

            public DateTime At { get; }
            public IEnumerable Tokens { get; }
        }
    }
}
