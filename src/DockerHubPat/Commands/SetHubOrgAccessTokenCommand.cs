using System;
using System.Collections.Generic;
using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>Changes an organization access token's label, description or resources, in one request.</summary>
    [Cmdlet(VerbsCommon.Set, "HubOrgAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubOrgAccessToken))]
    public sealed class SetHubOrgAccessTokenCommand : HubTokenCmdlet
    {
        /// <summary>The organization that owns the token.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateOrganizationName]
        [ArgumentCompleter(typeof(OrganizationCompleter))]
        public string Organization { get; set; } = "";

        /// <summary>The token's id.</summary>
        [Parameter(Mandatory = true, Position = 1, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(OrgTokenCompleter))]
        public AccessTokenIdentity Id { get; set; } = null!;

        /// <summary>The new label: 1–100 characters, one line of text.</summary>
        [Parameter]
        [TokenLabelTransformation]
        [ValidateTokenLabel]
        public string? Label { get; set; }

        /// <summary>The new description (at most 200 characters; an empty string clears it).</summary>
        [Parameter]
        [AllowEmptyString]
        public string? Description { get; set; }

        /// <summary>Repository paths the token reaches with -RepositoryScope; with the other resource parameters, they replace all of the token's resources.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Repository { get; set; }

        /// <summary>The scopes on each -Repository path; default scope-image-pull.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[]? RepositoryScope { get; set; }

        /// <summary>Scopes on the organization itself.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[]? OrganizationScope { get; set; }

        /// <summary>Resources with scopes of their own; with the other resource parameters, they replace all of the token's resources.</summary>
        [Parameter]
        public HubOrgAccessTokenResource[]? Resource { get; set; }

        /// <summary>Outputs the changed token.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc />
        protected override void Process()
        {
            var target = new OrgAccessTokenIdentity(OrgTokenInput.OrganizationName(Organization), Id);
            var change = new OrgAccessTokenChange { Label = Label, Description = Description };
            try
            {
                OrgTokenInput.CheckDescription(Description);
                change.Resources = OrgTokenInput.Resources(target.Organization, Repository, RepositoryScope, OrganizationScope, Resource, WriteWarning);
            }
            catch (TokenInputException ex)
            {
                throw Terminate(HubErrors.InvalidArgument(ex.ErrorId, ex.Message, ex.Target));
            }

            if (change.IsEmpty)
            {
                throw Terminate(HubErrors.InvalidArgument(ErrorIds.AccessTokenChangeMissing,
                    "Nothing to change: give -Label, -Description, or the resources (-Repository, -OrganizationScope, -Resource), which replace all of the token's resources.", target));
            }

            if (!ShouldProcess(target.Describe(), Describe(change)))
            {
                return;
            }

            if (target.ExpiresAt is DateTime at && at <= DateTime.Now)
            {
                WriteHubError(OrgAccessTokens.Expired(target.Organization, target.Id, target.Label, at, null), target);
                return;
            }

            if (TryCall(target, (_, cancel) => OrgTokens(target.Organization).UpdateAsync(target.Id, change, cancel), out var changed))
            {
                TokensChanged();
                if (PassThru)
                {
                    WriteObject(changed);
                }
            }
        }

        private static string Describe(OrgAccessTokenChange change)
        {
            var parts = new List<string>();
            if (change.Label != null)
            {
                parts.Add($"set the label to '{change.Label}'");
            }

            if (change.Description != null)
            {
                parts.Add(change.Description.Length == 0 ? "clear the description" : $"set the description to '{change.Description}'");
            }

            if (change.Resources != null)
            {
                parts.Add($"replace all resources with {string.Join("; ", change.Resources)}");
            }

            return string.Join(", ", parts);
        }
    }
}
