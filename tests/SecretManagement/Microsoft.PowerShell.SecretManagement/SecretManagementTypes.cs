// TEST-ONLY stand-in types for Microsoft.PowerShell.SecretManagement, written from its public
// documentation (see ../README.md). Compiled by Microsoft.PowerShell.SecretManagement.psm1 with Add-Type.
// Extension vaults build SecretInformation objects themselves, so these names and constructors have to
// match the documented ones: vault code written against them also runs under the real module.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Management.Automation;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>The kinds of secret SecretManagement knows about.</summary>
    public enum SecretType
    {
        Unknown = 0,
        ByteArray,
        String,
        SecureString,
        PSCredential,
        Hashtable
    }

    /// <summary>What Get-SecretInfo returns: a secret's name, type, vault and metadata, never its value.</summary>
    public sealed class SecretInformation
    {
        public string Name { get; }

        public SecretType Type { get; }

        public string VaultName { get; }

        /// <summary>Read-only metadata; null when the vault reported none.</summary>
        public ReadOnlyDictionary<string, object> Metadata { get; }

        public SecretInformation(string name, SecretType type, string vaultName)
            : this(name, type, vaultName, (ReadOnlyDictionary<string, object>)null)
        {
        }

        public SecretInformation(string name, SecretType type, string vaultName, ReadOnlyDictionary<string, object> metadata)
        {
            if (string.IsNullOrEmpty(name)) { throw new ArgumentNullException(nameof(name)); }
            Name = name;
            Type = type;
            VaultName = vaultName;
            Metadata = metadata;
        }

        /// <summary>For script vaults: metadata as a hashtable. PSObject wrappers (as Get-Date adds) are removed.</summary>
        public SecretInformation(string name, SecretType type, string vaultName, Hashtable metadata)
            : this(name, type, vaultName, ToReadOnly(metadata))
        {
        }

        public override string ToString() => Name;

        internal static ReadOnlyDictionary<string, object> ToReadOnly(IDictionary values)
        {
            if (values == null) { return null; }
            var copy = new Dictionary<string, object>(values.Count);
            foreach (DictionaryEntry entry in values)
            {
                copy[Convert.ToString(entry.Key, System.Globalization.CultureInfo.InvariantCulture)] = Unwrap(entry.Value);
            }
            return new ReadOnlyDictionary<string, object>(copy);
        }

        internal static object Unwrap(object value) =>
            value is PSObject wrapped && !(wrapped.BaseObject is PSCustomObject) ? wrapped.BaseObject : value;
    }

    /// <summary>
    /// What a password-protected vault throws while it is locked (SecretStore's extension functions
    /// catch this type by name, so vault code written against it also runs under the real module).
    /// </summary>
    public class PasswordRequiredException : InvalidOperationException
    {
        public PasswordRequiredException()
        {
        }

        public PasswordRequiredException(string message)
            : base(message)
        {
        }

        public PasswordRequiredException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }

    /// <summary>What Get-SecretVault returns: one registered extension vault.</summary>
    public sealed class SecretVaultInfo
    {
        public string Name { get; }

        public string ModuleName { get; }

        public string ModulePath { get; }

        public string Description { get; }

        public ReadOnlyDictionary<string, object> VaultParameters { get; }

        public bool IsDefault { get; }

        public SecretVaultInfo(string name, string moduleName, string modulePath, string description, Hashtable vaultParameters, bool isDefault)
        {
            Name = name;
            ModuleName = moduleName;
            ModulePath = modulePath;
            Description = description;
            VaultParameters = SecretInformation.ToReadOnly(vaultParameters ?? new Hashtable())
                ?? new ReadOnlyDictionary<string, object>(new Dictionary<string, object>());
            IsDefault = isDefault;
        }

        public override string ToString() => Name;
    }
}
