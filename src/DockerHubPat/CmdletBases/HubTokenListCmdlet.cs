using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>
    /// What Get-HubAccessToken and Get-HubOrgAccessToken share: the filters for cleanup pipelines,
    /// -First/-Skip, and a listing streamed page by page. Subclasses declare -Label and -Id (their
    /// positions differ) and say which listing to read.
    /// </summary>
    // TToken is HubAccessToken or HubOrgAccessToken; the interface they share is internal, so it is not a constraint.
    public abstract class HubTokenListCmdlet<TToken> : HubTokenCmdlet where TToken : class
    {
        /// <summary>The parameter set of -Label (and of listing everything).</summary>
        protected const string LabelSet = "Label";

        /// <summary>The parameter set of -Id.</summary>
        protected const string IdSet = "Id";

        private const int ProgressId = 0x4B1E;

        /// <summary>Only tokens that are active.</summary>
        [Parameter]
        public SwitchParameter Active { get; set; }

        /// <summary>Only tokens that are inactive (disabled).</summary>
        [Parameter]
        public SwitchParameter Inactive { get; set; }

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

        private readonly List<IHubToken> _stateUnknown = new List<IHubToken>();
        private TokenFilter _filter = TokenFilter.None;
        private ulong _skipped;
        private ulong _written;

        // Tokens of the current page that pass the filters and paging, written once the page is read.
        private readonly List<TToken> _ready = new List<TToken>();
        private ListingTotal? _total;

        /// <summary>What the progress bar calls the listing.</summary>
        internal abstract string Activity { get; }

        /// <summary>The error text for a literal -Label that no token has.</summary>
        internal abstract string NoSuchLabel(string label);

        /// <summary>Whether a token passes the filters of the subclass too.</summary>
        internal virtual bool Matches(TToken token) => true;

        /// <summary>Whether the subclass has filters of its own that leave tokens out.</summary>
        internal virtual bool FiltersMore => false;

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
                NeverUsed = NeverUsed,
                LastUsedBefore = IsBound(nameof(LastUsedBefore)) ? LastUsedBefore : (DateTime?)null,
                ExpiresBefore = IsBound(nameof(ExpiresBefore)) ? ExpiresBefore : (DateTime?)null,
                Expired = Expired,
            };
            base.Begin();
        }

        /// <inheritdoc />
        protected override void End()
        {
            if (_stateUnknown.Count > 0)
            {
                var named = string.Join(", ", _stateUnknown.Take(5).Select(t => $"'{t.Label}' ({t.Id})"))
                    + (_stateUnknown.Count > 5 ? $" and {_stateUnknown.Count - 5} more" : "");
                WriteWarning($"Docker Hub did not say whether {_stateUnknown.Count} token(s) are active: {named}. " +
                    "Their IsActive is empty and their State is Unknown; -Active and -Inactive leave them out.");
            }
        }

        /// <summary>-First reached: the rest need not be fetched.</summary>
        internal bool Full => _written >= PagingParameters.First;

        /// <summary>Gets each token by id (one request each) and writes those that pass the filters.</summary>
        internal void GetEach(IEnumerable<Guid> ids, Func<Guid, object> errorTarget, Func<Guid, System.Threading.CancellationToken, System.Threading.Tasks.Task<TToken>> get)
        {
            foreach (var id in ids)
            {
                if (Full)
                {
                    return;
                }

                try
                {
                    Offer(Wait(cancel => get(id, cancel)));
                    WriteReady();
                }
                catch (HubException ex)
                {
                    WriteHubError(ex, errorTarget(id));
                }
            }
        }

        /// <summary>Writes the token when it passes the filters; false when it does not.</summary>
        // Filters first, then -Skip and -First, as Select-Object would after the fact.
        internal bool Offer(TToken token)
        {
            if (((IHubToken)token).IsActive is null)
            {
                _stateUnknown.Add((IHubToken)token);
            }

            if (!_filter.Matches((IHubToken)token, DateTime.Now) || !Matches(token))
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
                _ready.Add(token);
            }

            return true;
        }

        private void WriteReady()
        {
            foreach (var token in _ready)
            {
                ((IHubToken)token).ListingTotal = _total;
                Write(token);
            }

            _ready.Clear();
        }

        // What this run writes in all, decided before its first token is written so every token
        // carries the same: exact when the whole list came in one page; Hub's count (less -Skip, at
        // most -First) when nothing filters it and Hub gave one; otherwise unknown.
        private ListingTotal? KnownTotal(HubListing<TToken> listing, bool filtered)
        {
            if (!listing.HasMore)
            {
                return new ListingTotal(_ready.Count);
            }

            if (!filtered && _filter.IsEmpty && !FiltersMore && listing.Count is long count)
            {
                var first = PagingParameters.First > long.MaxValue ? long.MaxValue : (long)PagingParameters.First;
                var skip = PagingParameters.Skip > long.MaxValue ? long.MaxValue : (long)PagingParameters.Skip;
                return new ListingTotal(Math.Min(Math.Max(0, count - skip), first));
            }

            return null;
        }

        /// <summary>Writes one token that passed the filters.</summary>
        internal virtual void Write(TToken token) => WriteObject(token);

        /// <summary>Reads the listing page by page, writing the tokens whose label matches and that pass the filters.</summary>
        internal void List(HubListing<TToken> listing, string[]? label)
        {
            var labels = new LabelMatch(label);
            ulong matches = 0;
            try
            {
                // Streamed page by page so a long listing shows results (and can be stopped) early.
                while (Wait(listing.NextAsync) is IReadOnlyList<TToken> page)
                {
                    matches += (ulong)page.Count(t => labels.Matches((IHubToken)t) && Offer(t));
                    if (listing.Pages == 1 && listing.Reading == 1)
                    {
                        _total = KnownTotal(listing, label != null);
                    }

                    WriteReady();

                    // One entry Hub garbled costs that entry: its own error, and the listing goes on.
                    foreach (var unreadable in listing.TakeUnreadable())
                    {
                        WriteError(HubErrors.FromHub(unreadable.Error, unreadable.Id));
                    }

                    if (listing.HasMore)
                    {
                        WriteProgress(listing.Count is long count && count > 0
                            ? new ProgressRecord(ProgressId, Activity, $"{listing.Listed} of {count}") { PercentComplete = (int)Math.Min(100, listing.Listed * 100 / count) }
                            : new ProgressRecord(ProgressId, Activity, $"{listing.Listed} so far"));
                    }

                    if (Full && !PagingParameters.IncludeTotalCount && labels.AllLiteralsFound)
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

            Finish(listing, labels, matches);
        }

        private void Finish(HubListing<TToken> listing, LabelMatch labels, ulong matches)
        {
            if (listing.KeptChanging)
            {
                WriteWarning($"The token list kept changing while it was read {HubListing<TToken>.MaxReadings} times; " +
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
                WriteError(HubErrors.Create(ErrorIds.AccessTokenNotFound, ErrorCategory.ObjectNotFound, NoSuchLabel(missing), missing));
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
            public bool Matches(IHubToken token)
            {
                var hits = _labels.Where(l => l.Pattern.IsMatch(token.Label)).ToList();
                hits.Where(h => h.IsLiteral).ToList().ForEach(h => _foundLiterals.Add(h.Text));
                return _labels.Count == 0 || hits.Count > 0;
            }
        }
    }
}
