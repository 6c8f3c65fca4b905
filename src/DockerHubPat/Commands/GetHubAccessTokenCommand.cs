using System;
using System.Linq;
using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>Lists the account's access tokens, or gets tokens by id, with filters for cleanup pipelines.</summary>
    [Cmdlet(VerbsCommon.Get, "HubAccessToken", DefaultParameterSetName = LabelSet, SupportsPaging = true)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class GetHubAccessTokenCommand : HubTokenListCmdlet<HubAccessToken>
    {
        /// <summary>Labels to list; wildcards allowed. All tokens when omitted.</summary>
        [Parameter(ParameterSetName = LabelSet, Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ValidateWildcardPattern]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public string[]? Label { get; set; }

        /// <summary>Ids of the tokens to get.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public AccessTokenIdentity[] Id { get; set; } = new AccessTokenIdentity[0];

        /// <summary>Only tokens that have at least one of these scopes.</summary>
        [Parameter]
        [ValidateScope]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[]? Scope { get; set; }

        /// <summary>Only tokens made in one of these ways, as Hub names it ("manual" for tokens made by hand); wildcards allowed.</summary>
        [Parameter]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public string[]? GeneratedBy { get; set; }

        private string[]? _scopes;
        private WildcardPattern[]? _generatedBy;

        internal override string Activity => "Listing Docker Hub access tokens";

        internal override string NoSuchLabel(string label) => $"No access token labelled '{WildcardPattern.Unescape(label)}' exists on {ActiveSession.Username}'s Docker Hub account.";

        internal override bool FiltersMore => _scopes != null || _generatedBy != null;

        internal override bool Matches(HubAccessToken token) =>
            (_scopes is null || token.Scopes.Any(s => _scopes.Contains(s, StringComparer.OrdinalIgnoreCase)))
            && (_generatedBy is null || _generatedBy.Any(g => g.IsMatch(token.GeneratedBy ?? "")));

        /// <inheritdoc />
        protected override void Begin()
        {
            _scopes = Scope is null ? null : AccessTokenScopes.Normalize(Scope);
            _generatedBy = GeneratedBy?.Select(g => WildcardPattern.Get(g, WildcardOptions.IgnoreCase)).ToArray();
            base.Begin();
        }

        /// <inheritdoc />
        protected override void Process()
        {
            if (ParameterSetName == IdSet)
            {
                GetEach(Id.Select(i => i.Id), id => id, Tokens.GetAsync);
                return;
            }

            List(Tokens.List(), Label);
        }
    }
}
