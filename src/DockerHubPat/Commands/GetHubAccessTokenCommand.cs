using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>Lists the account's access tokens, or gets tokens by id.</summary>
    [Cmdlet(VerbsCommon.Get, "HubAccessToken", DefaultParameterSetName = LabelSet)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class GetHubAccessTokenCommand : HubTokenCmdlet
    {
        private const string LabelSet = "Label";
        private const string IdSet = "Id";

        /// <summary>Labels to list; wildcards allowed. All tokens when omitted.</summary>
        [Parameter(ParameterSetName = LabelSet, Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Label { get; set; }

        /// <summary>Ids of the tokens to get.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [TokenIdTransformation]
        public Guid[] Id { get; set; } = new Guid[0];

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            if (ParameterSetName == IdSet)
            {
                foreach (var id in Id)
                {
                    HubAccessToken? token = null;
                    if (TryCall(id, async (session, cancel) => token = await session.Client.GetAsync(session, id, cancel).ConfigureAwait(false)))
                    {
                        WriteObject(token);
                    }
                }

                return;
            }

            List();
        }

        private void List()
        {
            var filters = (Label ?? new string[0])
                .Select(l => (Text: l, Pattern: WildcardPattern.Get(l, WildcardOptions.IgnoreCase), IsLiteral: !WildcardPattern.ContainsWildcardCharacters(l)))
                .ToList();
            var matchedLiterals = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var seenPages = new HashSet<string>();
            Uri? next = null;
            do
            {
                AccessTokenPage? page = null;
                var pageUri = next;
                if (!TryCall(null, async (session, cancel) => page = await session.Client.ListPageAsync(session, pageUri, cancel).ConfigureAwait(false)))
                {
                    return;
                }

                // Streamed page by page so a long listing shows results (and can be stopped) early.
                foreach (var token in page!.Tokens)
                {
                    var hits = filters.Where(f => f.Pattern.IsMatch(token.Label)).ToList();
                    if (filters.Count == 0 || hits.Count > 0)
                    {
                        hits.Where(h => h.IsLiteral).ToList().ForEach(h => matchedLiterals.Add(h.Text));
                        WriteObject(token);
                    }
                }

                next = page.Next;
                if (next != null && !seenPages.Add(next.AbsoluteUri))
                {
                    WriteHubError(new HubException(HubFailure.InvalidResponse,
                        $"Docker Hub's token list links back to a page it already sent ({next}); the listing was stopped."), null);
                    return;
                }
            }
            while (next != null);

            // Like Get-Item: a name without wildcards that matches nothing is an error; a pattern is not.
            foreach (var missing in filters.Where(f => f.IsLiteral && !matchedLiterals.Contains(f.Text)))
            {
                var record = HubErrors.Create("AccessTokenNotFound", ErrorCategory.ObjectNotFound,
                    $"No access token labelled '{missing.Text}' exists on {ActiveSession.Username}'s Docker Hub account.", missing.Text);
                WriteError(record);
            }
        }
    }
}
