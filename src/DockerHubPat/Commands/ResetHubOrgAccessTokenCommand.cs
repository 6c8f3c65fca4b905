using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>
    /// Replaces organization access tokens with verified successors: same label, description and
    /// resources, the secret saved where the old one was, and only then the old token disabled,
    /// removed or kept. The same rotation as Reset-HubAccessToken.
    /// </summary>
    [Cmdlet(VerbsCommon.Reset, "HubOrgAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(HubOrgAccessToken))]
    public sealed class ResetHubOrgAccessTokenCommand : HubTokenRotationCmdlet<OrgAccessTokenIdentity, HubOrgAccessToken>
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

        internal override string Activity => "Rotating organization access tokens";

        internal override IEnumerable<OrgAccessTokenIdentity> Targets() =>
            Id.Select(id => new OrgAccessTokenIdentity(OrgTokenInput.OrganizationName(Organization), id));

        internal override object? ErrorTarget(OrgAccessTokenIdentity target) => target;

        internal override IHubToken? Token(OrgAccessTokenIdentity target) => target.Token;

        internal override string Describe(OrgAccessTokenIdentity target) => target.Describe();

        internal override string Describe(HubOrgAccessToken token) =>
            $"organization access token '{token.Label}' ({token.Id}) of '{token.Organization}'";

        internal override string Command(string verb, HubOrgAccessToken token) =>
            $"{verb}-HubOrgAccessToken -Organization {token.Organization} -Id {token.Id} -Confirm:$false";

        internal override string DefaultSecretName(HubOrgAccessToken token) => SecretVault.DefaultSecretName(token.Organization, token.Label);

        internal override Task<HubOrgAccessToken> ReadAsync(OrgAccessTokenIdentity target, CancellationToken cancel) =>
            OrgTokens(target.Organization).GetAsync(target.Id, cancel);

        // Hub's single-token answer carries the resources; a token without any cannot be copied.
        internal override (string ErrorId, string Reason)? CannotCopy(HubOrgAccessToken old) =>
            old.Resources is { Length: > 0 } ? null : ((string, string)?)(ErrorIds.AccessTokenScopesMissing,
                "Docker Hub lists no resources for it, so its successor's resources and scopes cannot be copied. " +
                $"Create the successor with New-HubOrgAccessToken -Organization {old.Organization} -Label '{TokenSecrets.Quote(old.Label)}' and its resources, then disable this one.");

        internal override async Task<HubOrgAccessToken> CreateLikeAsync(HubOrgAccessToken old, DateTime? expiresAtUtc, CancellationToken cancel)
        {
            var created = await OrgTokens(old.Organization).CreateAsync(new OrgAccessTokenSpec
            {
                Label = old.Label,
                Description = old.Description,
                Resources = old.Resources!,
                ExpiresAtUtc = expiresAtUtc,
            }, cancel, existing: old.Id).ConfigureAwait(false);

            // Hub's create answer leaves the description out; it is the one just sent.
            created.Description ??= old.Description;
            return created;
        }

        internal override Task DisableAsync(HubOrgAccessToken token, CancellationToken cancel) =>
            OrgTokens(token.Organization).UpdateAsync(token.Id, new OrgAccessTokenChange { IsActive = false }, cancel);

        internal override Task DeleteAsync(HubOrgAccessToken token, CancellationToken cancel) =>
            OrgTokens(token.Organization).DeleteAsync(token.Id, cancel);
    }
}
