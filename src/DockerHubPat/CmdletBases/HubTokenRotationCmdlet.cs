using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>What a rotation does with the old token once its successor works and its secret is saved.</summary>
    public enum PredecessorAction
    {
        /// <summary>Disable it: whatever still uses it fails visibly, and Enable- undoes it.</summary>
        Disable,

        /// <summary>Remove it from Hub, and its other vault secrets.</summary>
        Remove,

        /// <summary>Leave it active, for a hand-over period.</summary>
        Keep,
    }

    /// <summary>One rotation's result as the pipeline thread writes it: the successor (when it exists), then the errors.</summary>
    public sealed class RotationOutcome
    {
        internal RotationOutcome()
        {
        }

        internal object? Successor { get; set; }

        internal List<ErrorRecord> Errors { get; } = new List<ErrorRecord>();

        internal RotationOutcome Failed(ErrorRecord error)
        {
            Errors.Add(error);
            return this;
        }
    }

    /// <summary>
    /// Rotation of personal and organization tokens, one implementation: read the old token,
    /// check the vault, create the successor, verify its secret at Hub's sign-in, save it where
    /// the old secret was, and only then retire the old token. A step runs only when the ones
    /// before it succeeded, and every failure says which step failed and what state each token
    /// is in. Hub calls run on worker threads (concurrently, as in every bulk change); vault calls
    /// run on the pipeline thread, where SecretManagement can be called. Subclasses give the
    /// token kind's Hub calls and words.
    /// </summary>
    /// <typeparam name="TTarget">What one rotation works on (an identity, or an organization and an identity).</typeparam>
    /// <typeparam name="TToken">The token type; it implements <see cref="IHubToken"/>.</typeparam>
    public abstract class HubTokenRotationCmdlet<TTarget, TToken> : HubBulkChangeCmdlet<TTarget, RotationOutcome>
        where TToken : class
    {
        private TokenSecrets? _secrets;

        /// <summary>When the new token stops working; must be in the future. Default: the old token's lifetime from now.</summary>
        [Parameter]
        public DateTime ExpiresAt { get; set; }

        /// <summary>How long the new token works from now. Default: the old token's lifetime.</summary>
        [Parameter]
        public TimeSpan ExpiresIn { get; set; }

        /// <summary>What happens to the old token after the new one works and its secret is saved: Disable (default), Remove or Keep.</summary>
        [Parameter]
        public PredecessorAction Predecessor { get; set; } = PredecessorAction.Disable;

        /// <summary>The vault for the new secret, and the only vault searched for the old one; default: every vault, then the default vault.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(VaultCompleter))]
        public string? Vault { get; set; }

        /// <summary>The secret name for the new secret; default: the secret that holds the old token, else the default name.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? SecretName { get; set; }

        /// <summary>Overwrites a secret of that name that does not hold the old token.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Keeps the new secret only on the output object; no vault is read or written.</summary>
        [Parameter]
        public SwitchParameter NoVault { get; set; }

        /// <summary>"access token 'ci' (id)": a target before its token is read.</summary>
        internal abstract string Describe(TTarget target);

        /// <summary>"access token 'ci' (id)", with the organization for an organization token.</summary>
        internal abstract string Describe(TToken token);

        /// <summary>A command the user can run on the token, e.g. "Disable-HubAccessToken -Id … -Confirm:$false".</summary>
        internal abstract string Command(string verb, TToken token);

        /// <summary>The vault secret name New- would give this token.</summary>
        internal abstract string DefaultSecretName(TToken token);

        internal abstract Task<TToken> ReadAsync(TTarget target, CancellationToken cancel);

        /// <summary>Why a successor cannot be made like this token (the ErrorId and the reason), or null.</summary>
        internal virtual (string ErrorId, string Reason)? CannotCopy(TToken old) => null;

        /// <summary>A new token like <paramref name="old"/>: label, scopes or resources, description.</summary>
        internal abstract Task<TToken> CreateLikeAsync(TToken old, DateTime? expiresAtUtc, CancellationToken cancel);

        internal abstract Task DisableAsync(TToken token, CancellationToken cancel);

        internal abstract Task DeleteAsync(TToken token, CancellationToken cancel);

        /// <inheritdoc />
        protected override void Begin()
        {
            ExpiryInput.Check(this, ExpiresAt, ExpiresIn);
            base.Begin();
            _secrets = TokenSecrets.Open(this, Vault, NoVault);
            if (_secrets != null && (Vault is null || Predecessor == PredecessorAction.Remove))
            {
                // The old secrets are looked for in every vault, so a locked one asks for its password
                // now (or stops the command where nobody can answer), before any token is created.
                try
                {
                    _secrets.Vaults.UnlockLocked();
                }
                catch (SecretVaultException ex) when (ex.ErrorId == ErrorIds.SecretVaultLocked)
                {
                    throw Terminate(HubErrors.FromVault(ex, null));
                }
            }
        }

        internal override bool Confirm(TTarget target)
        {
            var then = Predecessor switch
            {
                PredecessorAction.Remove => "then remove the old token" + (_secrets is null ? "" : " and its vault secrets"),
                PredecessorAction.Keep => "and keep the old token active",
                _ => "then disable the old token",
            };
            return ShouldProcess(Describe(target),
                $"Replace with a verified new token, {(_secrets is null ? "" : "save its secret where the old one was, ")}{then}");
        }

        internal override async Task<RotationOutcome> ChangeAsync(TTarget target, CancellationToken cancel)
        {
            var outcome = new RotationOutcome();
            var steps = new Steps(Describe(target), ErrorTarget(target));

            // 1. The old token as Hub has it now.
            TToken old;
            try
            {
                old = await ReadAsync(target, cancel).ConfigureAwait(false);
            }
            catch (HubException ex)
            {
                return outcome.Failed(Reported(ex, steps.Target, steps.Failed(1, "read the old token"), "Nothing was changed."));
            }

            if (Refusal(old, steps) is ErrorRecord refusal)
            {
                return outcome.Failed(refusal);
            }

            var oldToken = (IHubToken)old;
            var unchanged = $"The old {Describe(old)} is unchanged{(oldToken.IsActive is bool active ? $" and still {(active ? "active" : "inactive")}" : "")}.";

            // 2. Where the new secret will go, checked before anything exists.
            var (plan, nameTaken) = await OnPipelineThread(() => PlanSecret(old), cancel).ConfigureAwait(false);
            if (nameTaken != null)
            {
                return outcome.Failed(nameTaken);
            }

            // 3. The successor. Never cancelled once sent: a create cut off would leave a token whose
            // secret nobody has; a lost answer is investigated instead.
            var expiresAtUtc = ExpiryOf(oldToken);
            cancel.ThrowIfCancellationRequested();
            TToken successor;
            try
            {
                successor = await CreateLikeAsync(old, expiresAtUtc, CancellationToken.None).ConfigureAwait(false);
            }
            catch (HubException ex)
            {
                return outcome.Failed(Reported(ex, steps.Target, steps.Failed(3, "create the new token"), unchanged, oldToken.Label));
            }

            var newToken = (IHubToken)successor;
            newToken.ReplacedId = oldToken.Id;
            HubReport.Verbose($"Created {Describe(successor)} to replace {Describe(old)}.");

            // 4. The successor's secret must sign in before anything depends on it.
            if (await VerifyOrRemoveAsync(successor, steps, unchanged).ConfigureAwait(false) is ErrorRecord notVerified)
            {
                return outcome.Failed(notVerified);
            }

            outcome.Successor = successor;

            // 5. The secret, saved where the old one was.
            if (plan != null && await SaveAsync(old, successor, plan, steps, unchanged).ConfigureAwait(false) is ErrorRecord notSaved)
            {
                return outcome.Failed(notSaved);
            }

            // 6. Only now the old token goes.
            if (await RetireAsync(old, cancel).ConfigureAwait(false) is HubException retired)
            {
                var where = plan is null ? "its secret is on this output object only" : $"its secret is saved in vault '{plan.Vault}' as '{plan.Name}'";
                return outcome.Failed(HubErrors.FromHub(retired, successor,
                    steps.Failed(6, Predecessor == PredecessorAction.Remove ? "remove the old token" : "disable the old token"),
                    $"The new {Describe(successor)} is in place and {where}. The old {Describe(old)} is still active. " +
                    $"Retire it with: {Retire(old)}",
                    errorId: ErrorIds.AccessTokenNotRetired));
            }

            if (Predecessor == PredecessorAction.Remove && _secrets != null &&
                await OnPipelineThread(() => TokenSecrets.RemoveAll(this, _secrets.Vaults, oldToken.Id, Vault,
                    $"The rotation of {Describe(old)} is complete and the old token was removed from Docker Hub", successor), cancel)
                    .ConfigureAwait(false) is ErrorRecord left)
            {
                outcome.Errors.Add(left);
            }

            return outcome;
        }

        internal override void Done(TTarget target, RotationOutcome outcome)
        {
            // Output first: even if -ErrorAction Stop ends the command at the error, the new token
            // with its secret has gone down the pipeline (and -OutVariable has it).
            if (outcome.Successor != null)
            {
                WriteObject(outcome.Successor);
            }

            foreach (var error in outcome.Errors)
            {
                WriteError(error);
            }
        }

        // How a failed step is told: which rotation, which step of how many.
        private sealed class Steps
        {
            private const int Count = 6;
            private readonly string _rotation;

            public Steps(string rotation, object? target)
            {
                _rotation = rotation;
                Target = target;
            }

            /// <summary>The TargetObject of errors that leave no new token.</summary>
            public object? Target { get; }

            public string Failed(int step, string what) => $"Rotating {_rotation} failed at step {step} of {Count} ({what}): ";
        }

        // An old token that cannot have a successor: expired, or one that cannot be copied.
        private ErrorRecord? Refusal(TToken old, Steps steps)
        {
            var token = (IHubToken)old;
            if (token.IsExpired)
            {
                return HubErrors.Create(ErrorIds.AccessTokenExpired, ErrorCategory.InvalidOperation,
                    steps.Failed(1, "read the old token") + $"it expired on {token.ExpiresAt:g}, and Docker Hub cannot renew an expired token. " +
                    $"Nothing was changed. Create a new token instead, and remove the expired one with {Command("Remove", old)}.", steps.Target);
            }

            return CannotCopy(old) is (string errorId, string reason)
                ? HubErrors.Create(errorId, ErrorCategory.InvalidData, steps.Failed(1, "read the old token") + reason + " Nothing was changed.", steps.Target)
                : null;
        }

        // A successor whose secret does not sign in is removed again; nobody has depended on it yet.
        private async Task<ErrorRecord?> VerifyOrRemoveAsync(TToken successor, Steps steps, string unchanged)
        {
            if (await VerifyAsync((IHubToken)successor).ConfigureAwait(false) is not string refusal)
            {
                HubReport.Verbose($"Docker Hub accepted the secret of {Describe(successor)}.");
                return null;
            }

            var removed = await TryAsync(() => DeleteAsync(successor, CancellationToken.None)).ConfigureAwait(false);
            var state = removed is null
                ? $"The new {Describe(successor)} was removed"
                : $"The new {Describe(successor)} could not be removed ({removed.Message}) and is still on Docker Hub; " +
                  $"its secret was never saved, so remove it with {Command("Remove", successor)}";
            return HubErrors.Create(ErrorIds.AccessTokenNotVerified, ErrorCategory.InvalidResult,
                steps.Failed(4, "verify the new token") + $"{refusal}. {state}. {unchanged}", steps.Target);
        }

        // On the pipeline thread, where SecretManagement runs. A command stopped before the save
        // removes the successor: nobody would ever get its secret.
        private async Task<ErrorRecord?> SaveAsync(TToken old, TToken successor, SecretPlan plan, Steps steps, string unchanged)
        {
            try
            {
                return await OnPipelineThread(() => _secrets!.Save((IHubToken)successor, plan.Vault, plan.Name, plan.HoldsOld || Force,
                    steps.Failed(5, "save the new secret") + $"the new {Describe(successor)} was created on Docker Hub and works",
                    (Predecessor == PredecessorAction.Keep ? "" : $"then retire the old token with {Retire(old)}; ") +
                    $"or remove the new token with {Command("Remove", successor)}. {unchanged}",
                    new Hashtable { ["Replaces"] = ((IHubToken)old).Id.ToString("D") }), Cancellation).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await TryAsync(() => DeleteAsync(successor, CancellationToken.None)).ConfigureAwait(false);
                throw;
            }
        }

        private sealed class SecretPlan
        {
            public SecretPlan(string vault, string name, bool holdsOld)
            {
                Vault = vault;
                Name = name;
                HoldsOld = holdsOld;
            }

            public string Vault { get; }
            public string Name { get; }

            /// <summary>The secret holds the old token now, so overwriting it is the point.</summary>
            public bool HoldsOld { get; }
        }

        // The secret that holds the old token (by its TokenId metadata) is overwritten in place, so
        // whatever reads that name gets the new token; -SecretName, or the default name when the old
        // token has no secret, must be free unless -Force.
        private (SecretPlan?, ErrorRecord?) PlanSecret(TToken old)
        {
            if (_secrets is null)
            {
                return (null, null);
            }

            var holding = _secrets.Vaults.FindByTokenId(((IHubToken)old).Id, Vault).ToList();
            var (vault, name) = (_secrets.Vault, SecretName ?? DefaultSecretName(old));
            if (SecretName is null && holding.Count > 0)
            {
                (vault, name) = holding.OrderBy(s => Same(s.Vault, _secrets.Vault) ? 0 : 1).First();
            }

            var holdsOld = holding.Any(s => Same(s.Vault, vault) && Same(s.Name, name));
            if (!holdsOld && !Force && _secrets.Contains(vault, name))
            {
                return (null, TokenSecrets.NameTaken(vault, name, $"no new token was created and the old {Describe(old)} is unchanged"));
            }

            HubReport.Verbose(holdsOld
                ? $"The secret '{name}' in vault '{vault}' holds {Describe(old)}; the new secret will replace it."
                : $"The new secret will be saved as '{name}' in vault '{vault}'.");
            return (new SecretPlan(vault, name, holdsOld), null);
        }

        private DateTime? ExpiryOf(IHubToken old)
        {
            if (ExpiryInput.Given(this, ExpiresAt, ExpiresIn) is DateTime given)
            {
                return given;
            }

            var (at, capped) = SuccessorExpiry.Default(old.CreatedAt?.ToUniversalTime(), old.ExpiresAt?.ToUniversalTime(), DateTime.UtcNow);
            HubReport.Verbose(at is DateTime e
                ? $"The new token expires {e.ToLocalTime():g}" + (capped ? ", the latest Docker Hub allows." : ", as long after now as the old one lived.")
                : "The new token never expires, like the old one.");
            return at;
        }

        private string Retire(TToken old) => Command(Predecessor == PredecessorAction.Remove ? "Remove" : "Disable", old);

        // Why the new secret is not accepted, or null when Hub signed in with it.
        private async Task<string?> VerifyAsync(IHubToken successor)
        {
            if (successor.Secret is null)
            {
                return "Docker Hub's answer to the create held no secret";
            }

            try
            {
                return await ActiveSession.Client.AcceptsSecretAsync(successor.SignInName, successor.Secret, CancellationToken.None).ConfigureAwait(false)
                    ? null
                    : $"Docker Hub refused the new token's secret for '{successor.SignInName}' at /v2/auth/token (401 Unauthorized)";
            }
            catch (HubException ex)
            {
                return $"the new token's secret could not be checked: {ex.Message.TrimEnd('.')}";
            }
        }

        private async Task<HubException?> RetireAsync(TToken old, CancellationToken cancel)
        {
            switch (Predecessor)
            {
                case PredecessorAction.Keep:
                    return null;
                case PredecessorAction.Remove:
                    return await TryAsync(() => DeleteAsync(old, cancel)).ConfigureAwait(false);
                default:
                    return await TryAsync(() => DisableAsync(old, cancel)).ConfigureAwait(false);
            }
        }

        // A step's Hub failure that every later item would hit too ends the command; others are this item's.
        private static ErrorRecord Reported(HubException ex, object? target, string before, string after, object? adviceTarget = null) =>
            HubErrors.StopsPipeline(ex)
                ? throw ex.WithMessage(before + ex.Message + " " + after)
                : HubErrors.FromHub(ex, target, before, after, adviceTarget);

        private static async Task<HubException?> TryAsync(Func<Task> call)
        {
            try
            {
                await call().ConfigureAwait(false);
                return null;
            }
            catch (HubException ex)
            {
                return ex;
            }
        }

        private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }
}
