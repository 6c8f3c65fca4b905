using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;
using System.Text;

namespace DockerHubPat
{
    /// <summary>A SecretManagement call that failed; the message is the user's next step.</summary>
    internal sealed class SecretVaultException : Exception
    {
        public SecretVaultException(string errorId, ErrorCategory category, string message, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Category = category;
        }

        public string ErrorId { get; }
        public ErrorCategory Category { get; }
    }

    /// <summary>A secret this module saved: where it is, and the metadata it was saved with (TokenId among them).</summary>
    internal sealed class SavedSecret
    {
        public SavedSecret(string vault, string name, IDictionary metadata)
        {
            Vault = vault;
            Name = name;
            Metadata = metadata;
            TokenId = Guid.Parse(metadata[SecretVault.TokenIdKey]!.ToString());
        }

        public string Vault { get; }
        public string Name { get; }
        public Guid TokenId { get; }
        public IDictionary Metadata { get; }

        public string? Text(string key) => Metadata.Contains(key) ? Metadata[key]?.ToString() : null;
    }

    /// <summary>Whether a host can ask the user anything.</summary>
    internal static class InteractiveHost
    {
        /// <summary>
        /// False for a console started with -NonInteractive, which prints a prompt's first lines before
        /// it refuses to read; other hosts that cannot prompt throw when asked, which callers handle.
        /// </summary>
        public static bool CanPrompt(PSHost? host) =>
            host != null && !(host.Name == "ConsoleHost" && Environment.GetCommandLineArgs().Skip(1).Any(IsNonInteractiveSwitch));

        // pwsh accepts any prefix of -NonInteractive down to -noni, with - or /.
        private static bool IsNonInteractiveSwitch(string argument)
        {
            var name = argument.TrimStart('-', '/').ToLowerInvariant();
            return name.Length >= 4 && "noninteractive".StartsWith(name, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The bridge to Microsoft.PowerShell.SecretManagement. Its messages say what is wrong with
    /// SecretManagement, never what the calling cmdlet should do instead: the cmdlet adds that.
    /// It is an optional dependency, so it is called by module-qualified command name in the
    /// caller's runspace: the module imports without it, and a vault that must be unlocked can
    /// prompt through the caller's host.
    /// </summary>
    internal sealed class SecretVault
    {
        public const string ModuleName = "Microsoft.PowerShell.SecretManagement";
        public const string TokenIdKey = "TokenId";


        private const string SecretStoreModule = "Microsoft.PowerShell.SecretStore";
        private const string NothingSent = "so nothing was sent to Docker Hub";

        private readonly bool _canPrompt;
        private readonly ArrayList? _errorLog;

        /// <param name="caller">
        /// The calling cmdlet: a locked vault may ask for its password only where its host can
        /// prompt, and the records SecretManagement leaves in the caller's $Error are taken out again.
        /// </param>
        public SecretVault(PSCmdlet? caller = null)
        {
            _canPrompt = InteractiveHost.CanPrompt(caller?.Host);
            _errorLog = caller?.SessionState.PSVariable.GetValue("Error") as ArrayList;
        }

        private enum VaultState { Ready, Locked, Unavailable }


        /// <summary>The documented default secret name: readable, and the same for the same account and label.</summary>
        public static string DefaultSecretName(string username, string label)
        {
            var name = new StringBuilder("DockerHub-").Append(username).Append('-');
            foreach (var c in label.Trim())
            {
                // Vault back ends differ on what a name may hold; these characters are safe in all of them.
                name.Append(char.IsLetterOrDigit(c) || c == '-' || c == '_' || c == '.' ? c : '_');
            }

            return name.ToString();
        }

        /// <summary>The vault to write to: the named one, else the default; fails when there is none or it does not answer.</summary>
        public string Resolve(string? vault)
        {
            var vaults = Invoke("Get-SecretVault", null);
            if (vaults.Count == 0)
            {
                throw new SecretVaultException(ErrorIds.SecretVaultNotFound, ErrorCategory.ObjectNotFound,
                    "No SecretManagement vault is registered. Register one, for example: Install-PSResource Microsoft.PowerShell.SecretStore; " +
                    "Register-SecretVault -Name SecretStore -ModuleName Microsoft.PowerShell.SecretStore -DefaultVault.");
            }

            var chosen = vault is null
                ? vaults.FirstOrDefault(v => LanguagePrimitives.IsTrue(v.Properties["IsDefault"]?.Value))
                : vaults.FirstOrDefault(v => string.Equals(NameOf(v), vault, StringComparison.OrdinalIgnoreCase));
            if (chosen is null)
            {
                var known = string.Join(", ", vaults.Select(NameOf));
                throw new SecretVaultException(ErrorIds.SecretVaultNotFound, ErrorCategory.ObjectNotFound, vault is null
                    ? $"No default SecretManagement vault is set (registered: {known}); set one with Set-SecretVaultDefault."
                    : $"There is no SecretManagement vault named '{vault}'. Registered vaults: {known}.");
            }

            var name = NameOf(chosen);
            switch (Test(name, out var failure))
            {
                case VaultState.Locked:
                    Unlock(name, failure);
                    break;
                case VaultState.Unavailable:
                    throw new SecretVaultException(ErrorIds.SecretVaultUnavailable, ErrorCategory.ResourceUnavailable,
                        $"The SecretManagement vault '{name}' did not pass Test-SecretVault; repair it.{Said(failure)}");
            }

            return name;
        }

        /// <summary>
        /// Unlocks the locked ones of these vaults (all registered vaults when null) before anything
        /// irreversible happens; vaults that fail for other reasons are left to the caller.
        /// </summary>
        public void UnlockLocked(IEnumerable<string>? vaults = null)
        {
            foreach (var name in vaults ?? VaultNames().ToList())
            {
                if (Test(name, out var failure) == VaultState.Locked)
                {
                    Unlock(name, failure);
                }
            }
        }

        // Test-SecretVault never prompts: a locked SecretStore answers False with PasswordRequiredException.
        private VaultState Test(string name, out Exception? failure)
        {
            var answers = TryInvoke("Test-SecretVault", new Dictionary<string, object?> { ["Name"] = name }, out failure);
            if (failure is null && answers.Any(a => LanguagePrimitives.IsTrue(a.BaseObject)))
            {
                return VaultState.Ready;
            }

            return IsLocked(failure) ? VaultState.Locked : VaultState.Unavailable;
        }

        // SecretManagement defines PasswordRequiredException for vaults to throw while locked; SecretStore
        // says "A valid password is required" in it. Either marks a locked vault, wherever it is nested.
        private static bool IsLocked(Exception? failure)
        {
            for (var cause = failure; cause != null; cause = cause.InnerException)
            {
                if (cause.GetType().Name == "PasswordRequiredException" ||
                    cause.Message.IndexOf("password is required", StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return false;
        }

        // A read of the vault makes SecretManagement ask for the vault's password through the caller's
        // host, the vault's own prompt, which then unlocks it for its timeout. Nothing is read: the name
        // matches no secret.
        private void Unlock(string name, Exception? locked, string consequence = NothingSent)
        {
            if (!_canPrompt)
            {
                throw Locked(name, "is locked and this session cannot ask for its password", consequence, locked);
            }

            TryInvoke("Get-SecretInfo", new Dictionary<string, object?>
            {
                ["Name"] = "DockerHubPat-unlock-" + Guid.NewGuid().ToString("N"),
                ["Vault"] = name,
            }, out var asked);
            if (Test(name, out var still) != VaultState.Ready)
            {
                throw Locked(name, "is still locked", consequence, asked ?? still);
            }
        }

        private SecretVaultException Locked(string name, string state, string consequence, Exception? said)
        {
            var module = TryInvoke("Get-SecretVault", new Dictionary<string, object?> { ["Name"] = name }, out _)
                .Select(v => v.Properties["ModuleName"]?.Value?.ToString()).FirstOrDefault();
            var unlock = string.Equals(module, SecretStoreModule, StringComparison.OrdinalIgnoreCase)
                ? "Unlock-SecretStore -Password <SecureString>"
                : $"Unlock-SecretVault -Name '{name.Replace("'", "''")}' -Password <SecureString>";
            return new SecretVaultException(ErrorIds.SecretVaultLocked, ErrorCategory.ResourceUnavailable,
                $"The SecretManagement vault '{name}' {state}, {consequence}. " +
                $"Unlock it for this session with: {unlock} - or run the command where you can type the vault's password.{Said(said)}",
                said);
        }

        public bool Contains(string vault, string secretName) =>
            Invoke("Get-SecretInfo", new Dictionary<string, object?>
            {
                ["Name"] = WildcardPattern.Escape(secretName),
                ["Vault"] = vault,
            }).Any(i => string.Equals(NameOf(i), secretName, StringComparison.OrdinalIgnoreCase));

        /// <summary>Stores the credential; returns false when the vault took it only without metadata.</summary>
        public bool Save(string vault, string secretName, PSCredential credential, Hashtable metadata, bool overwrite)
        {
            var parameters = new Dictionary<string, object?>
            {
                ["Name"] = secretName,
                ["Vault"] = vault,
                ["Secret"] = credential,
                ["NoClobber"] = !overwrite,
                ["Metadata"] = metadata,
            };
            TryInvoke("Set-Secret", parameters, out var withMetadata);
            if (withMetadata is null)
            {
                return true;
            }

            // Metadata support is optional for extension vaults; the secret matters more than its labels.
            parameters.Remove("Metadata");
            TryInvoke("Set-Secret", parameters, out var without);
            if (without != null)
            {
                throw new SecretVaultException(ErrorIds.SecretVaultFailed, ErrorCategory.WriteError, without.Message, without);
            }

            return false;
        }

        /// <summary>Secrets this module stored for the token, found by the TokenId metadata in one vault or every vault.</summary>
        public IEnumerable<(string Vault, string Name)> FindByTokenId(Guid tokenId, string? vault = null)
        {
            var id = tokenId.ToString("D");

            // A vault that fails (locked, offline) cannot hold a secret we could remove anyway;
            // the others are still searched.
            return TryInvoke("Get-SecretInfo", vault is null ? null : new Dictionary<string, object?> { ["Vault"] = vault }, out _)
                .Where(i => string.Equals(MetadataValue(i, TokenIdKey), id, StringComparison.OrdinalIgnoreCase))
                .Select(i => (i.Properties["VaultName"]?.Value?.ToString() ?? "", NameOf(i)))
                .ToList();
        }

        /// <summary>
        /// Every secret this module saved (it carries TokenId metadata) in these vaults (all when
        /// null): one Get-SecretInfo per vault, whatever the number of tokens asked about. Test-SecretVault
        /// comes first because it never prompts: a locked vault is unlocked with its own prompt only
        /// when <paramref name="unlock"/> (and a person can answer); otherwise it is not searched,
        /// like a vault that fails, and the reason is in <paramref name="notSearched"/>.
        /// </summary>
        public IReadOnlyList<SavedSecret> FindSaved(string? vault, bool unlock, out IReadOnlyList<SecretVaultException> notSearched)
        {
            var saved = new List<SavedSecret>();
            var skipped = new List<SecretVaultException>();
            foreach (var name in vault is null ? VaultNames().ToList() : new List<string> { vault })
            {
                try
                {
                    saved.AddRange(SavedIn(name, unlock));
                }
                catch (SecretVaultException ex) when (ex.ErrorId != ErrorIds.SecretManagementNotInstalled)
                {
                    skipped.Add(ex);
                }
            }

            notSearched = skipped;
            return saved;
        }

        private IEnumerable<SavedSecret> SavedIn(string vault, bool unlock)
        {
            const string notSearched = "so it was not searched";
            switch (Test(vault, out var failure))
            {
                case VaultState.Locked when unlock:
                    Unlock(vault, failure, notSearched);
                    break;
                case VaultState.Locked:
                    throw Locked(vault, "is locked", notSearched, failure);
                case VaultState.Unavailable:
                    throw new SecretVaultException(ErrorIds.SecretVaultUnavailable, ErrorCategory.ResourceUnavailable,
                        $"The SecretManagement vault '{vault}' did not pass Test-SecretVault, {notSearched}.{Said(failure)}", failure);
            }

            var infos = TryInvoke("Get-SecretInfo", new Dictionary<string, object?> { ["Vault"] = vault }, out var listing);
            if (listing != null)
            {
                throw new SecretVaultException(ErrorIds.SecretVaultFailed, ErrorCategory.ReadError,
                    $"Get-SecretInfo failed on the SecretManagement vault '{vault}', {notSearched}.{Said(listing)}", listing);
            }

            return infos
                .Select(i => (Info: i, Metadata: Metadata(i)))
                .Where(i => i.Metadata != null && Guid.TryParse(i.Metadata[TokenIdKey]?.ToString(), out _))
                .Select(i => new SavedSecret(vault, NameOf(i.Info), i.Metadata!))
                .ToList();
        }

        /// <summary>A secret's value as the vault returns it (PSCredential, SecureString, string…).</summary>
        public object Read(string secretName, string? vault)
        {
            // A locked vault asks for its password inside Get-Secret where it can; where it cannot, it
            // would print half a prompt and fail, so it is found first.
            if (vault != null || !_canPrompt)
            {
                UnlockLocked(vault is null ? null : new[] { vault });
            }

            var parameters = new Dictionary<string, object?> { ["Name"] = secretName };
            if (vault != null)
            {
                parameters["Vault"] = vault;
            }

            // Without -Vault every vault is searched; one that is down must not hide a secret another one returned.
            var value = TryInvoke("Get-Secret", parameters, out var failure).FirstOrDefault();
            if (value is null)
            {
                throw new SecretVaultException(ErrorIds.SecretNotFound, ErrorCategory.ObjectNotFound,
                    $"Could not read the secret '{secretName}'{(vault is null ? "" : $" from vault '{vault}'")}.{Said(failure)}", failure);
            }

            return value.BaseObject;
        }

        public void Remove(string vault, string secretName) =>
            Invoke("Remove-Secret", new Dictionary<string, object?> { ["Name"] = secretName, ["Vault"] = vault });

        /// <summary>Names of the registered vaults, for tab completion; empty when SecretManagement is missing.</summary>
        public IEnumerable<string> VaultNames()
        {
            var vaults = TryInvoke("Get-SecretVault", null, out _);
            return vaults.Select(NameOf);
        }

        private static string NameOf(PSObject item) => item.Properties["Name"]?.Value?.ToString() ?? "";

        private static string? MetadataValue(PSObject info, string key) =>
            Metadata(info) is IDictionary metadata && metadata.Contains(key) ? metadata[key]?.ToString() : null;

        // Only a secret whose metadata has a TokenId is one this module saved.
        private static IDictionary? Metadata(PSObject info)
        {
            var metadata = info.Properties["Metadata"]?.Value;
            var dictionary = (metadata is PSObject ps ? ps.BaseObject : metadata) as IDictionary;
            return dictionary != null && dictionary.Contains(TokenIdKey) ? dictionary : null;
        }

        private static string Said(Exception? failure) => failure is null ? "" : " SecretManagement says: " + failure.Message;

        private Collection<PSObject> Invoke(string command, IDictionary<string, object?>? parameters)
        {
            var results = TryInvoke(command, parameters, out var failure);
            if (failure != null)
            {
                throw new SecretVaultException(ErrorIds.SecretVaultFailed, ErrorCategory.NotSpecified,
                    $"{command} failed: {failure.Message}", failure);
            }

            return results;
        }

        private Collection<PSObject> TryInvoke(string command, IDictionary<string, object?>? parameters, out Exception? failure)
        {
            failure = null;
            using var ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
            ps.AddCommand(ModuleName + "\\" + command);
            foreach (var p in parameters ?? new Dictionary<string, object?>())
            {
                ps.AddParameter(p.Key, p.Value);
            }

            // Errors must land in Streams.Error whatever the caller's $ErrorActionPreference says.
            ps.AddParameter("ErrorAction", ActionPreference.Continue);

            var newest = _errorLog?.Count > 0 ? _errorLog[0] : null;
            try
            {
                var results = ps.Invoke();
                if (ps.Streams.Error.Count > 0)
                {
                    failure = ps.Streams.Error[0].Exception;
                }

                return results;
            }
            catch (CommandNotFoundException ex)
            {
                throw new SecretVaultException(ErrorIds.SecretManagementNotInstalled, ErrorCategory.NotInstalled,
                    $"The module {ModuleName} is not installed. Install it (Install-PSResource {ModuleName}) and register a vault.", ex);
            }
            catch (RuntimeException ex)
            {
                failure = ex;
                return new Collection<PSObject>();
            }
            finally
            {
                ForgetErrorsSince(newest);
            }
        }

        // A nested pipeline in the caller's runspace adds every error it sees to the caller's $Error,
        // even those answered here (a vault without metadata, a second attempt). The user should find
        // only the module's own record there, so the records added during the call are taken out;
        // $Error holds the newest first.
        private void ForgetErrorsSince(object? newest)
        {
            while (_errorLog?.Count > 0 && !ReferenceEquals(_errorLog[0], newest))
            {
                _errorLog.RemoveAt(0);
            }
        }
    }
}
