using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>
    /// Creates an organization access token and saves its secret, which Hub shows only once, into a
    /// SecretManagement vault. Everything that can be checked is checked before the token exists.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "HubOrgAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubOrgAccessToken))]
    public sealed class NewHubOrgAccessTokenCommand : HubNewTokenCmdlet
    {
        /// <summary>The organization that will own the token.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateOrganizationName]
        [ArgumentCompleter(typeof(OrganizationCompleter))]
        public string Organization { get; set; } = "";

        /// <summary>The new token's label: 1–100 characters, one line of text.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [TokenLabelTransformation]
        [ValidateTokenLabel]
        public string Label { get; set; } = "";

        /// <summary>What the token is for (at most 200 characters).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Description { get; set; }

        /// <summary>Repository paths the token reaches with -RepositoryScope: org/repo, org/* or */*/public.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Repository { get; set; }

        /// <summary>The scopes on each -Repository path; default scope-image-pull.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[]? RepositoryScope { get; set; }

        /// <summary>Scopes on the organization itself, such as scope-repository-list.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[]? OrganizationScope { get; set; }

        /// <summary>Resources with scopes of their own, for example @{ Type = 'Repository'; Path = 'acme/app'; Scopes = 'scope-image-push' }.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Resources")]
        public HubOrgAccessTokenResource[]? Resource { get; set; }

        internal override bool LivesAtMostAYear => true;

        /// <inheritdoc />
        protected override void Process()
        {
            var organization = OrgTokenInput.OrganizationName(Organization);
            var spec = new OrgAccessTokenSpec { Label = Label, Description = Description, ExpiresAtUtc = ExpiryUtc() };
            try
            {
                OrgTokenInput.CheckDescription(Description);
                spec.Resources = OrgTokenInput.Required(
                    OrgTokenInput.Resources(organization, Repository, RepositoryScope, OrganizationScope, Resource, WriteWarning), organization);
            }
            catch (TokenInputException ex)
            {
                throw Terminate(HubErrors.InvalidArgument(ex.ErrorId, ex.Message, ex.Target));
            }

            var secretName = SecretName ?? SecretVault.DefaultSecretName(organization, Label);
            var what = $"organization access token '{Label}' of '{organization}' for {string.Join("; ", spec.Resources)}";
            if (!ConfirmCreate(what, Label, secretName, spec.ExpiresAtUtc)
                || !TryCreate(Label, organization, (_, cancel) => OrgTokens(organization).CreateAsync(spec, cancel), out var created))
            {
                return;
            }

            WriteCreated(created, secretName, $"Remove-HubOrgAccessToken -Organization {created.Organization} -Id {created.Id}");
        }
    }
}
