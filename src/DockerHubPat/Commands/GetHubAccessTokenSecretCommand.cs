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
    /// Lists the vault secrets New-HubAccessToken saved for the session's account, and says which of
    /// them are orphaned: their token no longer exists on Docker Hub.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "HubAccessTokenSecret")]
    [OutputType(typeof(HubAccessTokenSecret))]
    public sealed class GetHubAccessTokenSecretCommand : HubTokenCmdlet
    {
        private const string PersonalKind = "PersonalAccessToken";

        /// <summary>Only the secrets whose token no longer exists on Docker Hub.</summary>
        [Parameter]
        public SwitchParameter Orphaned { get; set; }

        /// <summary>The vault to search; all registered vaults when omitted.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VaultCompleter))]
        public string? Vault { get; set; }

        /// <inheritdoc />
        protected override void End()
        {
            var session = ActiveSession;
            IReadOnlyList<SavedSecret> saved;
            IReadOnlyList<SecretVaultException> notSearched;
            try
            {
                // Listing is what the user asked for, so a locked vault may ask for its password here.
                saved = new SecretVault(this).FindSaved(Vault, unlock: true, out notSearched);
            }
            catch (SecretVaultException ex)
            {
                throw Terminate(HubErrors.FromVault(ex, Vault));
            }

            foreach (var vault in notSearched)
            {
                WriteError(HubErrors.FromVault(vault, null));
            }

            var secrets = saved.Where(s => BelongsTo(s, session))
                .Select(s => new HubAccessTokenSecret(s, session.HubUri, session.Username))
                .OrderBy(s => s.Vault, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Name, StringComparer.OrdinalIgnoreCase)
                .ToList();
            if (secrets.Count == 0)
            {
                return;
            }

            var gone = Gone(secrets.Select(s => s.TokenId));
            foreach (var secret in secrets)
            {
                secret.Orphaned = gone.Contains(secret.TokenId);
                if (secret.Orphaned || !Orphaned)
                {
                    WriteObject(secret);
                }
            }
        }

        // The metadata New-HubAccessToken writes names the account and the Hub; a secret of another
        // account or Hub is not this session's to judge, so it is never called an orphan. Nor is an
        // organization token's (Kind says so): the personal token list cannot tell whether it exists.
        private static bool BelongsTo(SavedSecret secret, HubSession session) =>
            (secret.Text("Kind") is null || secret.Text("Kind") == PersonalKind)
            && string.Equals(secret.Text("Username"), session.Username, StringComparison.OrdinalIgnoreCase)
            && Uri.TryCreate(secret.Text("HubUri"), UriKind.Absolute, out var hub)
            && Uri.Compare(hub, session.HubUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

        // Of these token ids, those Hub no longer has: one listing; and where the listing kept
        // changing (so it may miss a live token), Hub's own 404 for each id the listing lacked.
        private HashSet<Guid> Gone(IEnumerable<Guid> ids)
        {
            try
            {
                var tokens = Tokens;
                var listing = tokens.List();
                var listed = new HashSet<Guid>(Wait(listing.ReadAllAsync).Select(t => t.Id));
                var missing = new HashSet<Guid>(ids.Where(id => !listed.Contains(id)));
                if (listing.KeptChanging)
                {
                    missing.RemoveWhere(id => Wait(cancel => ExistsAsync(tokens, id, cancel)));
                }

                return missing;
            }
            catch (HubException ex)
            {
                throw Terminate(HubErrors.FromHub(ex, null));
            }
        }

        private static async Task<bool> ExistsAsync(AccessTokens tokens, Guid id, CancellationToken cancel)
        {
            try
            {
                await tokens.GetAsync(id, cancel).ConfigureAwait(false);
                return true;
            }
            catch (HubException ex) when (ex.Failure == HubFailure.NotFound)
            {
                return false;
            }
        }
    }
}
