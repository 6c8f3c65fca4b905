// TEST-ONLY in-memory store behind DockerHubPat.TestVault and the Microsoft.PowerShell.SecretStore
// stand-in. Compiled with Add-Type by both extension modules (whichever loads first); process-wide and
// static because SecretManagement runs vault functions in a runspace of its own. Nothing is written to disk.
using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Linq;
using System.Management.Automation.Host;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;

namespace DockerHubPat.TestVault
{
    /// <summary>One stored secret. Replaced whole on every write, never changed in place.</summary>
    public sealed class StoredSecret
    {
        public StoredSecret(string name, object value, string type, Hashtable metadata)
        {
            Name = name;
            Value = value;
            Type = type;
            Metadata = metadata;
        }

        public string Name { get; }
        public object Value { get; }
        public string Type { get; }
        public Hashtable Metadata { get; }
    }

    /// <summary>Process-wide, in-memory secrets of every store, by store name (a vault name, or the SecretStore's).</summary>
    public static class MemoryStore
    {
        private static readonly ConcurrentDictionary<string, ConcurrentDictionary<string, StoredSecret>> s_vaults =
            new ConcurrentDictionary<string, ConcurrentDictionary<string, StoredSecret>>(StringComparer.OrdinalIgnoreCase);

        private static ConcurrentDictionary<string, StoredSecret> Vault(string vaultName) =>
            s_vaults.GetOrAdd(vaultName ?? string.Empty,
                _ => new ConcurrentDictionary<string, StoredSecret>(StringComparer.OrdinalIgnoreCase));

        public static void Set(string vaultName, StoredSecret secret) => Vault(vaultName)[secret.Name] = secret;

        public static StoredSecret Get(string vaultName, string name) =>
            Vault(vaultName).TryGetValue(name ?? string.Empty, out StoredSecret secret) ? secret : null;

        public static bool Remove(string vaultName, string name) => Vault(vaultName).TryRemove(name ?? string.Empty, out _);

        public static string[] Names(string vaultName) =>
            Vault(vaultName).Keys.OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ToArray();

        public static string[] VaultNames() =>
            s_vaults.Where(v => !v.Value.IsEmpty).Select(v => v.Key).OrderBy(k => k, StringComparer.OrdinalIgnoreCase).ToArray();

        /// <summary>Forgets one store's secrets and password, or every store's when vaultName is null or empty.</summary>
        public static void Clear(string vaultName)
        {
            if (string.IsNullOrEmpty(vaultName)) { s_vaults.Clear(); }
            else if (s_vaults.TryGetValue(vaultName, out var vault)) { vault.Clear(); }
            VaultLocks.Forget(vaultName);
        }
    }

    /// <summary>A store's password configuration, shaped like SecretStore's (Get-SecretStoreConfiguration).</summary>
    public sealed class LockConfiguration
    {
        public LockConfiguration(string authentication, int passwordTimeout, string interaction)
        {
            Authentication = authentication;
            PasswordTimeout = passwordTimeout;
            Interaction = interaction;
        }

        public string Scope => "CurrentUser";
        public string Authentication { get; }
        public int PasswordTimeout { get; }
        public string Interaction { get; }
    }

    /// <summary>
    /// Password protection per store, modelled on SecretStore: a protected store is locked until the
    /// right password unlocks it, and stays unlocked for PasswordTimeout seconds. Only a salted hash of
    /// the password is kept.
    /// </summary>
    public static class VaultLocks
    {
        public const int DefaultPasswordTimeout = 900;

        private sealed class Entry
        {
            public byte[] Salt;
            public byte[] Hash;
            public int Timeout;
            public bool Prompt;
            public DateTime UnlockedUntilUtc;
        }

        private static readonly ConcurrentDictionary<string, Entry> s_locks =
            new ConcurrentDictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Protects the store with a password; it starts locked, like a store in a new session.</summary>
        public static void Protect(string store, SecureString password, bool prompt, int passwordTimeout)
        {
            if (password == null || password.Length == 0) { throw new ArgumentException("A password cannot be empty."); }
            if (passwordTimeout < 1) { throw new ArgumentOutOfRangeException(nameof(passwordTimeout), "PasswordTimeout must be at least 1 second."); }
            var salt = new byte[16];
            RandomNumberGenerator.Fill(salt);
            s_locks[store] = new Entry { Salt = salt, Hash = HashOf(salt, password), Timeout = passwordTimeout, Prompt = prompt };
        }

        /// <summary>Changes how the store behaves without changing its password.</summary>
        public static void Configure(string store, bool prompt, int passwordTimeout)
        {
            if (passwordTimeout < 1) { throw new ArgumentOutOfRangeException(nameof(passwordTimeout), "PasswordTimeout must be at least 1 second."); }
            if (s_locks.TryGetValue(store, out var entry)) { entry.Prompt = prompt; entry.Timeout = passwordTimeout; }
        }

        /// <summary>Removes the password: the store needs none any more.</summary>
        public static void Forget(string store)
        {
            if (string.IsNullOrEmpty(store)) { s_locks.Clear(); }
            else { s_locks.TryRemove(store, out _); }
        }

        public static bool RequiresPassword(string store) => s_locks.ContainsKey(store ?? string.Empty);

        public static bool IsUnlocked(string store) =>
            !s_locks.TryGetValue(store ?? string.Empty, out var entry) || DateTime.UtcNow < entry.UnlockedUntilUtc;

        public static bool AllowsPrompt(string store) =>
            !s_locks.TryGetValue(store ?? string.Empty, out var entry) || entry.Prompt;

        public static LockConfiguration Configuration(string store) =>
            s_locks.TryGetValue(store ?? string.Empty, out var entry)
                ? new LockConfiguration("Password", entry.Timeout, entry.Prompt ? "Prompt" : "None")
                : new LockConfiguration("None", DefaultPasswordTimeout, "Prompt");

        /// <summary>Unlocks for the store's PasswordTimeout (or the given one) when the password is right.</summary>
        public static bool TryUnlock(string store, SecureString password, int? passwordTimeout)
        {
            if (!s_locks.TryGetValue(store ?? string.Empty, out var entry)) { return true; }
            if (password == null || !CryptographicOperations.FixedTimeEquals(HashOf(entry.Salt, password), entry.Hash)) { return false; }
            var seconds = Math.Max(1, passwordTimeout ?? entry.Timeout);
            entry.UnlockedUntilUtc = DateTime.UtcNow.AddSeconds(seconds);
            return true;
        }

        /// <summary>Ends the unlock window, as a new session or the end of PasswordTimeout would.</summary>
        public static void Lock(string store)
        {
            if (s_locks.TryGetValue(store ?? string.Empty, out var entry)) { entry.UnlockedUntilUtc = DateTime.MinValue; }
        }

        /// <summary>
        /// SecretStore's prompt, through the host of the caller: "Vault X requires a password." then
        /// "Enter password:" and a masked read. A host that cannot prompt throws from the read.
        /// Returns whether the password that was typed unlocked the store.
        /// </summary>
        public static bool PromptAndUnlock(string store, string vaultName, PSHostUserInterface ui)
        {
            if (ui == null) { throw new InvalidOperationException("Cannot prompt for password. No host available."); }
            ui.WriteLine($"Vault {vaultName} requires a password.");
            // SecretStore asks again after an empty answer; three tries keep a closed input from looping.
            for (var attempt = 1; ; attempt++)
            {
                ui.WriteLine("Enter password:");
                using var password = ui.ReadLineAsSecureString();
                if (password != null && password.Length > 0) { return TryUnlock(store, password, null); }
                if (attempt == 3) { return false; }
                ui.WriteLine("\nThe entered password cannot be empty.  Please re-enter the password.\n");
            }
        }

        private static byte[] HashOf(byte[] salt, SecureString password)
        {
            var pointer = Marshal.SecureStringToGlobalAllocUnicode(password);
            var bytes = new byte[password.Length * 2];
            try
            {
                Marshal.Copy(pointer, bytes, 0, bytes.Length);
                using var hmac = new HMACSHA256(salt);
                return hmac.ComputeHash(bytes);
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                Array.Clear(bytes, 0, bytes.Length);
            }
        }
    }
}
