using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace HubEmulator;

/// <summary>RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30-second steps) — the parameters every
/// authenticator app uses by default, which is what Hub's 2FA enrolment hands out.</summary>
internal static class Totp
{
    public const int StepSeconds = 30;
    private const int Digits = 6;

    public static long StepAt(DateTimeOffset now) => now.ToUnixTimeSeconds() / StepSeconds;

    public static string Compute(byte[] key, long step)
    {
        Span<byte> counter = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(counter, step);
        Span<byte> hash = stackalloc byte[HMACSHA1.HashSizeInBytes];
        HMACSHA1.HashData(key, counter, hash);

        // RFC 4226 §5.3 dynamic truncation.
        int offset = hash[^1] & 0x0F;
        int binary = ((hash[offset] & 0x7F) << 24)
            | (hash[offset + 1] << 16)
            | (hash[offset + 2] << 8)
            | hash[offset + 3];
        int code = binary % 1_000_000;
        return code.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Accepts the current step and one either side, to allow for clock skew between
    /// the test machine's authenticator logic and the server, as RFC 6238 §5.2 recommends.</summary>
    public static bool Verify(byte[] key, string code, DateTimeOffset now)
    {
        if (code.Length != Digits)
        {
            return false;
        }

        long step = StepAt(now);
        bool match = false;
        for (long s = step - 1; s <= step + 1; s++)
        {
            // No early exit: keep the comparison time independent of which step matched.
            match |= CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(Compute(key, s)), Encoding.ASCII.GetBytes(code));
        }

        return match;
    }
}

/// <summary>RFC 4648 base32, as authenticator seeds are written. Lenient about case, padding and
/// spaces because people copy seeds from UIs that group them.</summary>
internal static class Base32
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static bool TryDecode(string text, out byte[] bytes)
    {
        bytes = [];
        var output = new List<byte>(text.Length * 5 / 8);
        int buffer = 0;
        int bits = 0;
        int symbols = 0;
        foreach (char raw in text)
        {
            if (raw is '=' or ' ' or '-')
            {
                continue;
            }

            int value = Alphabet.IndexOf(char.ToUpperInvariant(raw), StringComparison.Ordinal);
            if (value < 0)
            {
                return false;
            }

            symbols++;
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8)
            {
                bits -= 8;
                output.Add((byte)(buffer >> bits));
                buffer &= (1 << bits) - 1;
            }
        }

        if (symbols == 0)
        {
            return false;
        }

        bytes = [.. output];
        return bytes.Length > 0;
    }
}
