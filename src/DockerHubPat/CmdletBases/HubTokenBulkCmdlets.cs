using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace DockerHubPat
{
    /// <summary>A bulk change of personal access tokens: -Id, first by position, from the pipeline.</summary>
    public abstract class HubAccessTokenBulkCmdlet<TResult> : HubBulkChangeCmdlet<AccessTokenIdentity, TResult>
    {
        /// <summary>Ids of the tokens.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public AccessTokenIdentity[] Id { get; set; } = new AccessTokenIdentity[0];

        internal override IEnumerable<AccessTokenIdentity> Targets() => Id;

        internal override object? ErrorTarget(AccessTokenIdentity target) => target.Id;

        internal override IHubToken? Token(AccessTokenIdentity target) => target.Token;
    }

    /// <summary>
    /// A bulk change of organization access tokens: -Organization first, then -Id, both bound by
    /// property name, so a piped token (or a CSV row) carries its organization with it.
    /// </summary>
    public abstract class HubOrgAccessTokenBulkCmdlet<TResult> : HubBulkChangeCmdlet<OrgAccessTokenIdentity, TResult>
    {
        /// <summary>The organization that owns the tokens.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateOrganizationName]
        [ArgumentCompleter(typeof(OrganizationCompleter))]
        public string Organization { get; set; } = "";

        /// <summary>Ids of the tokens.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(OrgTokenCompleter))]
        public AccessTokenIdentity[] Id { get; set; } = new AccessTokenIdentity[0];

        internal override IEnumerable<OrgAccessTokenIdentity> Targets() =>
            Id.Select(id => new OrgAccessTokenIdentity(OrgTokenInput.OrganizationName(Organization), id));

        internal override object? ErrorTarget(OrgAccessTokenIdentity target) => target;

        internal override IHubToken? Token(OrgAccessTokenIdentity target) => target.Token;
    }
}
