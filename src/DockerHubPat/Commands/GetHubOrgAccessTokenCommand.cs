using System.Linq;
using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Lists an organization's access tokens, or gets tokens by id with their resources, with filters for cleanup pipelines.</summary>
    [Cmdlet(VerbsCommon.Get, "HubOrgAccessToken", DefaultParameterSetName = LabelSet, SupportsPaging = true)]
    [OutputType(typeof(HubOrgAccessToken))]
    public sealed class GetHubOrgAccessTokenCommand : HubTokenListCmdlet<HubOrgAccessToken>
    {
        /// <summary>The organization whose tokens to list.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateOrganizationName]
        [ArgumentCompleter(typeof(OrganizationCompleter))]
        public string Organization { get; set; } = "";

        /// <summary>Labels to list; wildcards allowed. All tokens when omitted.</summary>
        [Parameter(ParameterSetName = LabelSet, Position = 1)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ValidateWildcardPattern]
        [ArgumentCompleter(typeof(OrgTokenCompleter))]
        public string[]? Label { get; set; }

        /// <summary>Ids of the tokens to get, with their description and resources.</summary>
        [Parameter(ParameterSetName = IdSet, Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(OrgTokenCompleter))]
        public AccessTokenIdentity[] Id { get; set; } = new AccessTokenIdentity[0];

        /// <summary>Also gets each listed token's description and resources, a request per token, several at once.</summary>
        [Parameter(ParameterSetName = LabelSet)]
        public SwitchParameter IncludeResources { get; set; }

        /// <summary>How many requests of -IncludeResources run at the same time.</summary>
        [Parameter(ParameterSetName = LabelSet)]
        [ValidateRange(1, 32)]
        public int ThrottleLimit { get; set; } = HubBulkChangeCmdlet<object, object>.DefaultThrottleLimit;

        private OrderedCalls<HubOrgAccessToken, HubOrgAccessToken>? _details;

        internal override string Activity => $"Listing the access tokens of organization '{Organization}'";

        internal override string NoSuchLabel(string label) =>
            $"No organization access token labelled '{label}' exists in the organization '{OrgTokenInput.OrganizationName(Organization)}'.";

        /// <inheritdoc />
        protected override void Process()
        {
            var tokens = OrgTokens(Organization);
            if (ParameterSetName == IdSet)
            {
                GetEach(Id.Select(i => i.Id), id => new OrgAccessTokenIdentity(tokens.Organization, new AccessTokenIdentity(id)), tokens.GetAsync);
                return;
            }

            List(tokens.List(), Label);
        }

        // Hub's list has no resources and no description: with -IncludeResources each token is got
        // again, several at once, and written in the listing's order.
        internal override void Write(HubOrgAccessToken token)
        {
            if (!IncludeResources)
            {
                base.Write(token);
                return;
            }

            _details ??= new OrderedCalls<HubOrgAccessToken, HubOrgAccessToken>(this, () => ThrottleLimit,
                t => new OrgAccessTokenIdentity(t.Organization, new AccessTokenIdentity(t)), (_, detailed) => WriteObject(detailed));
            var tokens = OrgTokens(token.Organization);
            _details.Start(token, cancel => tokens.GetAsync(token.Id, cancel));
        }

        /// <inheritdoc />
        protected override void End()
        {
            _details?.FinishAll();
            base.End();
        }
    }
}
