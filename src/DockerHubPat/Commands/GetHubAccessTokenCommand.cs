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
        private const int MaxReadings = 20;

        /// <summary>Labels to list; wildcards allowed. All tokens when omitted.</summary>
        [Parameter(ParameterSetName = LabelSet, Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public string[]? Label { get; set; }

        /// <summary>Ids of the tokens to get.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [TokenIdTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public Guid[] Id { get; set; } = new Guid[0];

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
                foreach (var id in Id)
                {
                    HubAccessToken? token = null;
                    if (!Full && TryCall(id, async (session, cancel) => token = await session.Client.GetAsync(session, id, cancel).ConfigureAwait(false)))
                    {
                        Offer(token!);
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
            var labels = (Label ?? new string[0])
                .Select(l => (Text: l, Pattern: WildcardPattern.Get(l, WildcardOptions.IgnoreCase), IsLiteral: !WildcardPattern.ContainsWildcardCharacters(l)))
                .ToList();
            var matchedLiterals = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var seen = new HashSet<Guid>();
            var seenPages = 0;
            ulong matches = 0;

            // Hub pages by offset. When tokens are removed while the list is read — as in
            // `Get-HubAccessToken | Remove-HubAccessToken`, where removal starts with the first page —
            // later pages shift and would skip tokens. A change of `count` between pages shows that
            // happened; the list is then read again (already seen tokens are skipped) until one
            // reading sees no change.
            for (var reading = 1; ; reading++)
            {
                var changed = false;
                long? lastCount = null;
                long listed = 0;
                var pagesOfReading = new HashSet<string>();
                Uri? next = null;
                do
                {
                    var pageUri = next;
                    AccessTokenPage page;
                    try
                    {
                        page = Wait(cancel => ActiveSession.Client.ListPageAsync(ActiveSession, pageUri, cancel));
                    }
                    catch (HubException ex) when (pageUri != null && (ex.Failure == HubFailure.InvalidRequest || ex.Failure == HubFailure.NotFound))
                    {
                        // The list shrank below the page Hub linked to a moment ago.
                        changed = true;
                        break;
                    }
                    catch (HubException ex)
                    {
                        WriteHubError(ex, null);
                        return;
                    }

                    seenPages++;
                    changed |= lastCount != null && lastCount != page.Count;
                    lastCount = page.Count;

                    // Streamed page by page so a long listing shows results (and can be stopped) early.
                    foreach (var token in page.Tokens.Where(t => seen.Add(t.Id)))
                    {
                        var hits = labels.Where(l => l.Pattern.IsMatch(token.Label)).ToList();

                        // A label that exists is found, even when a filter then leaves its token out.
                        hits.Where(h => h.IsLiteral).ToList().ForEach(h => matchedLiterals.Add(h.Text));
                        if ((labels.Count == 0 || hits.Count > 0) && Offer(token))
                        {
                            matches++;
                        }
                    }

                    listed += page.Tokens.Count;
                    next = page.Next;
                    if (next != null)
                    {
                        WriteProgress(new ProgressRecord(ProgressId, "Listing Docker Hub access tokens", $"{listed} of {page.Count}")
                        {
                            PercentComplete = page.Count > 0 ? (int)Math.Min(100, listed * 100 / page.Count) : 0,
                        });

                        if (!pagesOfReading.Add(next.AbsoluteUri))
                        {
                            WriteHubError(new HubException(HubFailure.InvalidResponse,
                                $"Docker Hub's token list links back to a page it already sent ({next}); the listing was stopped."), null);
                            return;
                        }
                    }
                }
                while (next != null && !Done());

                if (!changed || Done())
                {
                    break;
                }

                if (reading == MaxReadings)
                {
                    WriteWarning($"The token list kept changing while it was read {MaxReadings} times; tokens added or moved meanwhile may be missing. Run the command again.");
                    break;
                }

                WriteVerbose("The token list changed while it was read; reading it again so no token is skipped.");
            }

            bool Done() => Full && !PagingParameters.IncludeTotalCount && labels.All(l => !l.IsLiteral || matchedLiterals.Contains(l.Text));

            if (seenPages > 1)
            {
                WriteProgress(new ProgressRecord(ProgressId, "Listing Docker Hub access tokens", "Done") { RecordType = ProgressRecordType.Completed });
            }

            if (PagingParameters.IncludeTotalCount)
            {
                WriteObject(PagingParameters.NewTotalCount(matches, 1.0));
            }

            // Like Get-Item: a name without wildcards that matches nothing is an error; a pattern is not.
            foreach (var missing in labels.Where(l => l.IsLiteral && !matchedLiterals.Contains(l.Text)))
            {
                WriteError(HubErrors.Create(ErrorIds.AccessTokenNotFound, ErrorCategory.ObjectNotFound,
                    $"No access token labelled '{missing.Text}' exists on {ActiveSession.Username}'s Docker Hub account.", missing.Text));
            }
        }
    }
}
