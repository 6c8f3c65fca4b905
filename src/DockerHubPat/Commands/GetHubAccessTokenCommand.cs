using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>Lists the account's access tokens, or gets tokens by id, with filters for cleanup pipelines.</summary>
    [Cmdlet(VerbsCommon.Get, "HubAccessToken", DefaultParameterSetName = LabelSet, SupportsPaging = true)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class GetHubAccessTokenCommand : HubTokenCmdlet
    {
        private const string LabelSet = "Label";
        private const string IdSet = "Id";
        private const int ProgressId = 0x4B1E;
        private const string Activity = "Listing Docker Hub access tokens";

        /// <summary>Labels to list; wildcards allowed. All tokens when omitted.</summary>
        [Parameter(ParameterSetName = LabelSet, Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public string[]? Label { get; set; }

        /// <summary>Ids of the tokens to get.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public AccessTokenIdentity[] Id { get; set; } = new AccessTokenIdentity[0];

        /// <summary>Only tokens that are active.</summary>
        [Parameter]
        public SwitchParameter Active { get; set; }

        /// <summary>Only tokens that are inactive (disabled).</summary>
        [Parameter]
        public SwitchParameter Inactive { get; set; }

        /// <summary>Only tokens that have at least one of these scopes.</summary>
        [Parameter]
        [ValidateScope]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[]? Scope { get; set; }

        /// <summary>Only tokens that were never used.</summary>
        [Parameter]
        public SwitchParameter NeverUsed { get; set; }

        /// <summary>Only tokens last used before this time; a never-used token counts from its creation.</summary>
        [Parameter]
        public DateTime LastUsedBefore { get; set; }

        /// <summary>Only tokens that expire before this time (never-expiring tokens are left out).</summary>
        [Parameter]
        public DateTime ExpiresBefore { get; set; }

        /// <summary>Only tokens whose expiry has passed.</summary>
        [Parameter]
        public SwitchParameter Expired { get; set; }

        private TokenFilter _filter = TokenFilter.None;
        private ulong _skipped;
        private ulong _written;

        /// <inheritdoc />
        protected override void Begin()
        {
            if (Active && Inactive)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenFilterConflict,
                    "-Active and -Inactive exclude each other; give one of them, or neither for both kinds.", null));
            }

            _filter = new TokenFilter
            {
                IsActive = Active ? true : Inactive ? false : (bool?)null,
                Scopes = Scope is null ? null : AccessTokenScopes.Normalize(Scope),
                NeverUsed = NeverUsed,
                LastUsedBefore = IsBound(nameof(LastUsedBefore)) ? LastUsedBefore : (DateTime?)null,
                ExpiresBefore = IsBound(nameof(ExpiresBefore)) ? ExpiresBefore : (DateTime?)null,
                Expired = Expired,
            };
            base.Begin();
        }

        /// <inheritdoc />
        protected override void Process()
        {
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id.Select(i => i.Id))
                {
                    if (!Full && TryCall(id, (tokens, cancel) => tokens.GetAsync(id, cancel), out var token))
                    {
                        Offer(token);
                    }
                }

                return;
            }

            List();
        }

        /// <summary>-First reached: the rest need not be fetched.</summary>
        private bool Full => _written >= PagingParameters.First;

        // Filters first, then -Skip and -First, as Select-Object would after the fact.
        private bool Offer(HubAccessToken token)
        {
            if (!_filter.Matches(token, DateTime.Now))
            {
                return false;
            }

            if (_skipped < PagingParameters.Skip)
            {
                _skipped++;
                return true;
            }

            if (!Full)
            {
                _written++;
                WriteObject(token);
            }

            return true;
        }

        private void List()
        {
            var labels = new LabelMatch(Label);
            var listing = Tokens.List();
            ulong matches = 0;
            try
            {
                // Streamed page by page so a long listing shows results (and can be stopped) early.
                while (Wait(listing.NextAsync) is IReadOnlyList<HubAccessToken> page)
                {
                    matches += (ulong)page.Count(t => labels.Matches(t) && Offer(t));
                    if (listing.HasMore)
                    {
                        WriteProgress(new ProgressRecord(ProgressId, Activity, $"{listing.Listed} of {listing.Count}")
                        {
                            PercentComplete = listing.Count > 0 ? (int)Math.Min(100, listing.Listed * 100 / listing.Count) : 0,
                        });
                    }

                    if (Done())
                    {
                        break;
                    }
                }
            }
            catch (HubException ex)
            {
                WriteHubError(ex, null);
                return;
            }

            bool Done() => Full && !PagingParameters.IncludeTotalCount && labels.AllLiteralsFound;
            Finish(listing, labels, matches);
        }

        private void Finish(HubListing<HubAccessToken> listing, LabelMatch labels, ulong matches)
        {
            if (listing.KeptChanging)
            {
                WriteWarning($"The token list kept changing while it was read {HubListing<HubAccessToken>.MaxReadings} times; " +
                    "tokens added or moved meanwhile may be missing. Run the command again.");
            }

            if (listing.Pages > 1)
            {
                WriteProgress(new ProgressRecord(ProgressId, Activity, "Done") { RecordType = ProgressRecordType.Completed });
            }

            if (PagingParameters.IncludeTotalCount)
            {
                WriteObject(PagingParameters.NewTotalCount(matches, 1.0));
            }

            // Like Get-Item: a name without wildcards that matches nothing is an error; a pattern is not.
            foreach (var missing in labels.MissingLiterals)
            {
                WriteError(HubErrors.Create(ErrorIds.AccessTokenNotFound, ErrorCategory.ObjectNotFound,
                    $"No access token labelled '{missing}' exists on {ActiveSession.Username}'s Docker Hub account.", missing));
            }
        }

        /// <summary>The -Label patterns, and which literal labels were found.</summary>
        private sealed class LabelMatch
        {
            private readonly List<(string Text, WildcardPattern Pattern, bool IsLiteral)> _labels;
            private readonly HashSet<string> _foundLiterals = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

            public LabelMatch(string[]? labels) =>
                _labels = (labels ?? new string[0])
                    .Select(l => (l, WildcardPattern.Get(l, WildcardOptions.IgnoreCase), !WildcardPattern.ContainsWildcardCharacters(l)))
                    .ToList();

            public bool AllLiteralsFound => !MissingLiterals.Any();

            public IEnumerable<string> MissingLiterals => _labels.Where(l => l.IsLiteral && !_foundLiterals.Contains(l.Text)).Select(l => l.Text);

            // A label that exists is found, even when a filter then leaves its token out.
            public bool Matches(HubAccessToken token)
            {
                var hits = _labels.Where(l => l.Pattern.IsMatch(token.Label)).ToList();
                hits.Where(h => h.IsLiteral).ToList().ForEach(h => _foundLiterals.Add(h.Text));
                return _labels.Count == 0 || hits.Count > 0;
            }
        }
    }
}
