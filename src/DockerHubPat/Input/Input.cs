using System;
using System.Globalization;
using System.Net;

namespace DockerHubPat
{
    /// <summary>
    /// Checks of user input that must fail before any request is sent, for personal and
    /// organization tokens alike. Each check returns the problem in the user's words (null when
    /// there is none) or throws ArgumentException; the attributes and cmdlets turn that into
    /// PowerShell's binding errors or the module's ErrorIds.
    /// </summary>
    internal static class Input
    {
        /// <summary>Hub's limit for a token label (both kinds), in characters.</summary>
        public const int MaxLabelLength = 100;

        /// <summary>The docs' limit for an organization token's description, in characters.</summary>
        public const int MaxDescriptionLength = 200;

        /// <summary>
        /// The shortest expiry sent. Hub's only rule is "in the future" by its own clock, checked
        /// when the request arrives; the expiry travels in whole seconds, and Hub's clock may be
        /// ahead of ours (the lost-create check allows two minutes for that), so a shorter expiry
        /// could be refused, or give a token that is dead before anyone uses it.
        /// </summary>
        public static readonly TimeSpan MinimumExpiry = TimeSpan.FromMinutes(5);

        /// <summary>The last instant Hub's date-time format (a four-digit year) can carry.</summary>
        public static readonly DateTime LastWireTimeUtc = new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc);

        public static readonly Uri DefaultHubUri = new Uri("https://hub.docker.com");

        /// <summary>
        /// The site part of a Hub address. https is required except on loopback (the emulator),
        /// because the password and the session token travel in every request.
        /// </summary>
        public static Uri CheckHubUri(Uri uri)
        {
            if (!uri.IsAbsoluteUri)
            {
                throw new ArgumentException("-HubUri is not an absolute address such as https://hub.docker.com.");
            }

            // A user name and password in the address would be kept with the session and in vault
            // metadata; they are never repeated, not even in this message.
            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException(
                    $"-HubUri {Shown(uri)} is refused because it carries a user name or password (user:password@). " +
                    "Give the site only, such as https://hub.docker.com, and the account with -Credential.");
            }

            if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                throw new ArgumentException($"-HubUri {Shown(uri)} must be the site only, such as https://hub.docker.com, without a path or query.");
            }

            var secure = uri.Scheme == Uri.UriSchemeHttps;
            var loopbackHttp = uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri);
            if (!secure && !loopbackHttp)
            {
                throw new ArgumentException(
                    $"-HubUri {Shown(uri)} is refused: the password and session token may only be sent over https (plain http is allowed for loopback addresses only).");
            }

            return new Uri(uri.GetLeftPart(UriPartial.Scheme) + uri.Authority + "/");
        }

        /// <summary>
        /// An address as it may be shown: scheme, host and port, and the path of a web address;
        /// never user info, query or fragment, which can carry secrets.
        /// </summary>
        public static string Shown(Uri uri)
        {
            if (!uri.IsAbsoluteUri)
            {
                return "(a relative address)";
            }

            var web = uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp;
            return web ? $"'{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}'" : $"with the scheme '{uri.Scheme}:'";
        }

        /// <summary>
        /// A proxy address as Invoke-RestMethod -Proxy takes it. A user name or password in it would
        /// show wherever the address is shown, so it belongs in -ProxyCredential.
        /// </summary>
        public static Uri CheckProxyUri(Uri uri)
        {
            if (!uri.IsAbsoluteUri || !(uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps
                || uri.Scheme == "socks4" || uri.Scheme == "socks4a" || uri.Scheme == "socks5"))
            {
                throw new ArgumentException("-Proxy must be an absolute http://, https:// or socks5:// address such as http://proxy.example:8080.");
            }

            if (!string.IsNullOrEmpty(uri.UserInfo))
            {
                throw new ArgumentException("-Proxy must not hold a user name or password; give them with -ProxyCredential.");
            }

            return uri;
        }

        private static bool IsLoopback(Uri uri) =>
            uri.IsLoopback || (IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

        /// <summary>What is wrong with a token label Hub would refuse or mangle; null when it is fine.</summary>
        public static string? LabelProblem(string? label) => TextProblem(label, "A token label", MaxLabelLength, blankAllowed: false);

        /// <summary>What is wrong with an organization token's description; null when it is fine (empty is).</summary>
        public static string? DescriptionProblem(string? description) =>
            TextProblem(description, "A token description", MaxDescriptionLength, blankAllowed: true);

        /// <summary>
        /// Characters as Hub counts them: Unicode code points (the spec's maxLength, and Python's
        /// len), not UTF-16 units, so an emoji counts once. A lone surrogate counts once too.
        /// </summary>
        public static int CountCharacters(string text)
        {
            var count = 0;
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }

                count++;
            }

            return count;
        }

        private static string? TextProblem(string? text, string what, int maxLength, bool blankAllowed)
        {
            text ??= "";
            if (!blankAllowed && string.IsNullOrWhiteSpace(text))
            {
                return $"{what} cannot be empty or only spaces.";
            }

            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                if (char.IsSurrogate(c))
                {
                    return $"{what} cannot contain half of a Unicode character (the lone surrogate U+{(int)c:X4} at position {Position(text, i)}).";
                }

                // Control characters and line breaks break tables, logs and the vault's secret names,
                // and an escape can restyle or hide text on a terminal: a label is one line of text.
                if (char.IsControl(c) || c == '\u2028' || c == '\u2029')
                {
                    return $"{what} cannot contain control characters or line breaks; this one has {ControlName(c)} at position {Position(text, i)}.";
                }
            }

            var length = CountCharacters(text);
            return length > maxLength ? $"{what} can have at most {maxLength} characters; this one has {length}." : null;
        }

        // The 1-based position in characters as counted above, not in UTF-16 units.
        private static int Position(string text, int index) => CountCharacters(text.Substring(0, index)) + 1;

        private static string ControlName(char c)
        {
            switch (c)
            {
                case '\0': return "a NUL (U+0000)";
                case '\t': return "a tab (U+0009)";
                case '\n': return "a line feed (U+000A)";
                case '\r': return "a carriage return (U+000D)";
                case '\u001B': return "an escape (U+001B)";
                case '\u2028': return "a line separator (U+2028)";
                case '\u2029': return "a paragraph separator (U+2029)";
                default: return $"the control character U+{(int)c:X4}";
            }
        }

        /// <summary>What is wrong with a token id that no token can have; null when it may exist.</summary>
        public static string? TokenIdProblem(Guid id) =>
            id == Guid.Empty
                ? $"{Guid.Empty} (the empty GUID) is not an access token id. Get-HubAccessToken shows the ids of your tokens."
                : null;

        /// <summary>
        /// The expiry to send, in UTC, from -ExpiresAt or -ExpiresIn (null: never expires).
        /// At least <see cref="MinimumExpiry"/> ahead; at most one year ahead when
        /// <paramref name="atMostOneYear"/> (the docs' rule for organization tokens), otherwise
        /// no later than Hub's date format can carry: the spec sets no maximum for personal tokens.
        /// Throws ArgumentException with the reason.
        /// </summary>
        public static DateTime? ExpiryUtc(DateTime? expiresAt, TimeSpan? expiresIn, DateTime nowUtc, bool atMostOneYear)
        {
            if (expiresAt != null && expiresIn != null)
            {
                throw new ArgumentException("Give either -ExpiresAt or -ExpiresIn, not both.");
            }

            var latest = atMostOneYear ? nowUtc.AddYears(1) : LastWireTimeUtc;
            var tooLate = atMostOneYear
                ? "Docker Hub lets an organization access token expire at most one year ahead."
                : $"That is past {LastWireTimeUtc:yyyy-MM-dd}, the last date Docker Hub's date format can carry. " +
                  "For a token that never expires, leave out -ExpiresIn and -ExpiresAt.";
            if (expiresIn is TimeSpan within)
            {
                if (within <= TimeSpan.Zero)
                {
                    throw new ArgumentException($"-ExpiresIn must be a positive time span; '{within}' is not.");
                }

                if (within < MinimumExpiry)
                {
                    throw new ArgumentException(
                        $"-ExpiresIn {within} is shorter than {Minutes(MinimumExpiry)}, the shortest expiry this module sends: " +
                        "Docker Hub must still see the expiry in the future when the request arrives.");
                }

                // Compared as spans, so a huge one (TimeSpan.MaxValue) cannot overflow a date.
                if (within > latest - nowUtc)
                {
                    throw new ArgumentException($"-ExpiresIn {within} is too long. {tooLate}");
                }

                return nowUtc + within;
            }

            if (expiresAt is DateTime at)
            {
                var atUtc = ToUtc(at);
                if (atUtc <= nowUtc)
                {
                    throw new ArgumentException($"-ExpiresAt {at.ToString("g", CultureInfo.CurrentCulture)} is not in the future.");
                }

                if (atUtc - nowUtc < MinimumExpiry)
                {
                    throw new ArgumentException(
                        $"-ExpiresAt {at.ToString("g", CultureInfo.CurrentCulture)} is less than {Minutes(MinimumExpiry)} from now, the shortest expiry this module sends: " +
                        "Docker Hub must still see it in the future when the request arrives.");
                }

                if (atUtc > latest)
                {
                    throw new ArgumentException($"-ExpiresAt {at.ToString("g", CultureInfo.CurrentCulture)} is too late. {tooLate}");
                }

                return atUtc;
            }

            return null;
        }

        // A date typed at the prompt ('2027-01-31') has no kind; PowerShell users mean local time.
        private static DateTime ToUtc(DateTime value) =>
            value.Kind == DateTimeKind.Utc ? value : DateTime.SpecifyKind(value, DateTimeKind.Local).ToUniversalTime();

        private static string Minutes(TimeSpan span) => $"{span.TotalMinutes:0} minutes";
    }
}
