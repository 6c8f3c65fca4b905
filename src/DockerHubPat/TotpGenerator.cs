using System;
using System.Linq;
using System.Security;
using OtpNet;

namespace DockerHubPat
{
    /// <summary>Computes the account's current 2FA code (RFC 6238) from its base32 seed, for unattended sign-in.</summary>
    internal sealed class TotpGenerator
    {
        private readonly SecureString _seed;

        public TotpGenerator(SecureString seed)
        {
            // Check now, so a mistyped seed fails at Connect-HubAccount, not at the first renewal.
            SeedBytes(seed);
            _seed = seed.Copy();
            _seed.MakeReadOnly();
        }

        public string Code() => new Totp(SeedBytes(_seed)).ComputeTotp(DateTime.UtcNow);

        // Authenticator apps show the seed in groups, lower case or padded; all mean the same key.
        private static byte[] SeedBytes(SecureString seed)
        {
            var text = SecureText.Read(seed).Replace(" ", "").Replace("-", "").TrimEnd('=').ToUpperInvariant();
            if (text.Length == 0 || !text.All(c => (c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7')))
            {
                throw new FormatException("The two-factor seed is not base32 (letters A–Z and digits 2–7), as authenticator apps show it.");
            }

            return Base32Encoding.ToBytes(text);
        }
    }
}
