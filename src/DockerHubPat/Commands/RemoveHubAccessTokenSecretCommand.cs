using System.Management.Automation;

namespace DockerHubPat.Commands
{
    /// <summary>
    /// Removes vault secrets that New-HubAccessToken saved, as Get-HubAccessTokenSecret lists them;
    /// usually the orphaned ones, whose token no longer exists on Docker Hub.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "HubAccessTokenSecret", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveHubAccessTokenSecretCommand : HubCmdlet
    {
        /// <summary>The secrets to remove, from Get-HubAccessTokenSecret.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [ValidateNotNull]
        public HubAccessTokenSecret[] InputObject { get; set; } = new HubAccessTokenSecret[0];

        /// <summary>Removes without asking for confirmation.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        private SecretVault? _secrets;

        /// <inheritdoc />
        protected override void Process()
        {
            foreach (var secret in InputObject)
            {
                var token = $"access token {(secret.Label is null ? "" : $"'{secret.Label}' ")}({secret.TokenId})";
                var target = $"{secret}, saved for {token}, which " +
                    (secret.Orphaned ? "no longer exists on Docker Hub" : "still exists on Docker Hub");
                if (!(Force && !WhatIfRequested()) && !ShouldProcess(target, "Remove secret"))
                {
                    continue;
                }

                try
                {
                    _secrets ??= new SecretVault(this);
                    _secrets.Remove(secret.Vault, secret.Name);
                    WriteVerbose($"Removed the {target}.");
                }
                catch (SecretVaultException ex)
                {
                    WriteError(HubErrors.FromVault(ex, secret));
                }
            }
        }
    }
}
