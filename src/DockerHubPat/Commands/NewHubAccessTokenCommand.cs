using System;
using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>Creates an access token; the output carries its secret, which Hub shows only this once.</summary>
    [Cmdlet(VerbsCommon.New, "HubAccessToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(HubAccessToken))]
    public sealed class NewHubAccessTokenCommand : HubTokenCmdlet
    {
        /// <summary>The new token's label (1–100 characters).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateTokenLabel]
        public string Label { get; set; } = "";

        /// <summary>The token's scopes. Default repo:public_read, the least privilege.</summary>
        [Parameter]
        [ValidateSet("repo:admin", "repo:write", "repo:read", "repo:public_read")]
        public string[] Scope { get; set; } = { "repo:public_read" };

        /// <summary>When the token stops working; must be in the future.</summary>
        [Parameter]
        public DateTime ExpiresAt { get; set; }

        /// <summary>How long the token works from now.</summary>
        [Parameter]
        public TimeSpan ExpiresIn { get; set; }

        /// <inheritdoc />
        protected override void BeginProcessing()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresAt)) && MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresIn)))
            {
                ThrowTerminatingError(HubErrors.InvalidArgument(HubErrors.InvalidExpiry,
                    "Give either -ExpiresAt or -ExpiresIn, not both.", null));
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresIn)) && ExpiresIn <= TimeSpan.Zero)
            {
                ThrowTerminatingError(HubErrors.InvalidArgument(HubErrors.InvalidExpiry,
                    $"-ExpiresIn must be a positive time span; '{ExpiresIn}' is not.", ExpiresIn));
            }

            if (MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresAt)) && ToUtc(ExpiresAt) <= DateTime.UtcNow)
            {
                ThrowTerminatingError(HubErrors.InvalidArgument(HubErrors.InvalidExpiry,
                    $"-ExpiresAt {ExpiresAt:g} is not in the future.", ExpiresAt));
            }

            base.BeginProcessing();
        }

        /// <inheritdoc />
        protected override void ProcessRecord()
        {
            var scopes = Input.NormalizeScopes(Scope);
            var expiresAtUtc = ExpiryUtc();
            var target = $"access token '{Label}' with scope {string.Join(", ", scopes)}, "
                + (expiresAtUtc is DateTime e ? $"expiring {e.ToLocalTime():g}" : "never expiring");
            if (!ShouldProcess(target, "Create"))
            {
                return;
            }

            HubAccessToken? created = null;
            if (TryCall(Label, async (session, cancel) =>
                created = await session.Client.CreateAsync(session, Label, scopes, expiresAtUtc, cancel).ConfigureAwait(false)))
            {
                WriteVerbose($"Created {created}. Its secret is in the output's Secret property; Hub will not show it again.");
                WriteObject(created);
            }
        }

        private DateTime? ExpiryUtc()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresIn)))
            {
                return DateTime.UtcNow + ExpiresIn;
            }

            return MyInvocation.BoundParameters.ContainsKey(nameof(ExpiresAt)) ? ToUtc(ExpiresAt) : (DateTime?)null;
        }

        // A date typed at the prompt ('2027-01-31') has no kind; PowerShell users mean local time.
        private static DateTime ToUtc(DateTime value) =>
            value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Local).ToUniversalTime();
    }
}
