using System.Management.Automation;
using DockerHubPat.Hub;

namespace DockerHubPat.Commands
{
    /// <summary>
    /// Creates an access token and saves its secret, which Hub shows only once, into a
    /// SecretManagement vault. Everything that can be checked is checked before the token exists.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class NewHubAccessTokenCommand : HubNewTokenCmdlet
    {
        /// <summary>The new token's label: 1–100 characters, one line of text.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [TokenLabelTransformation]
        [ValidateTokenLabel]
        public string Label { get; set; } = "";

        /// <summary>The token's scopes. Default repo:public_read, the least privilege.</summary>
        [Parameter]
        [ValidateScope]
        [ArgumentCompleter(typeof(ScopeCompleter))]
        public string[] Scope { get; set; } = { AccessTokenScopes.LeastPrivilege };

        /// <inheritdoc />
        protected override void Process()
        {
            var scopes = AccessTokenScopes.Normalize(Scope);
            var expiresAtUtc = ExpiryUtc();
            var secretName = SecretName ?? SecretVault.DefaultSecretName(ActiveSession.Username, Label);
            if (!ConfirmCreate($"access token '{Label}' with scope {string.Join(", ", scopes)}", Label, secretName, expiresAtUtc)
                || !TryCreate(Label, null, (tokens, cancel) => tokens.CreateAsync(Label, scopes, expiresAtUtc, cancel), out var created))
            {
                return;
            }

            WriteCreated(created, secretName, $"Remove-HubAccessToken -Id {created.Id}");
        }
    }
}
