using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Commands
{
    /// <summary>
    /// Replaces access tokens with verified successors: same label and scopes, the secret saved
    /// where the old one was, and only then the old token disabled, removed or kept.
    /// </summary>
    [Cmdlet(VerbsCommon.Reset, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class ResetHubAccessTokenCommand : HubTokenRotationCmdlet<AccessTokenIdentity, HubAccessToken>
    {
        /// <summary>Ids of the tokens.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Uuid")]
        [AccessTokenIdentityTransformation]
        [ArgumentCompleter(typeof(TokenCompleter))]
        public AccessTokenIdentity[] Id { get; set; } = new AccessTokenIdentity[0];

        internal override string Activity => "Rotating access tokens";

        internal override IEnumerable<AccessTokenIdentity> Targets() => Id;

        internal override object? ErrorTarget(AccessTokenIdentity target) => target.Id;

        internal override IHubToken? Token(AccessTokenIdentity target) => target.Token;

        internal override string Describe(AccessTokenIdentity target) => target.Describe();

        internal override string Describe(HubAccessToken token) => new AccessTokenIdentity(token).Describe();

        internal override string Command(string verb, HubAccessToken token) => $"{verb}-HubAccessToken -Id {token.Id} -Confirm:$false";

        internal override string DefaultSecretName(HubAccessToken token) => SecretVault.DefaultSecretName(token.Username, token.Label);

        internal override Task<HubAccessToken> ReadAsync(AccessTokenIdentity target, CancellationToken cancel) =>
            Tokens.GetAsync(target.Id, cancel);

        // Tokens made by old clients have no scopes, and Hub requires some for a new token.
        internal override (string ErrorId, string Reason)? CannotCopy(HubAccessToken old) =>
            old.Scopes.Count > 0 ? null : ((string, string)?)(ErrorIds.AccessTokenScopesMissing,
                "Docker Hub lists no scopes for it (an older client made it), so its successor's scopes cannot be copied. " +
                $"Create the successor with New-HubAccessToken -Label '{TokenSecrets.Quote(old.Label)}' -Scope <scopes>, then disable this one.");

        internal override Task<HubAccessToken> CreateLikeAsync(HubAccessToken old, DateTime? expiresAtUtc, CancellationToken cancel) =>
            Tokens.CreateAsync(old.Label, old.Scopes.ToArray(), expiresAtUtc, cancel, existing: old.Id);

        internal override Task DisableAsync(HubAccessToken token, CancellationToken cancel) =>
            Tokens.UpdateAsync(token.Id, null, false, cancel);

        internal override Task DeleteAsync(HubAccessToken token, CancellationToken cancel) =>
            Tokens.DeleteAsync(token.Id, cancel);
    }
}
