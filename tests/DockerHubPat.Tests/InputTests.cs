using System;
using System.Linq;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    public class InputTests
    {
        [Theory]
        [InlineData("https://hub.docker.com", "https://hub.docker.com/")]
        [InlineData("https://hub.docker.com/", "https://hub.docker.com/")]
        [InlineData("HTTPS://Hub.Docker.com", "https://hub.docker.com/")]
        [InlineData("https://hub.example.test:8443", "https://hub.example.test:8443/")]
        [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
        [InlineData("http://localhost:1", "http://localhost:1/")]
        [InlineData("http://[::1]:80", "http://[::1]/")]
        public void HubUriAcceptsHttpsAndLoopbackHttp(string given, string expected)
        {
            Assert.Equal(new Uri(expected), Input.CheckHubUri(new Uri(given)));
        }

        // Plain http would send the password and the session token in clear to a remote host.
        [Theory]
        [InlineData("http://hub.docker.com")]
        [InlineData("http://192.0.2.10:5000")]
        [InlineData("http://localhost.example.com")]
        [InlineData("ftp://x")]
        [InlineData("file:///tmp/hub")]
        public void HubUriRefusesInsecureOrForeignSchemes(string given)
        {
            var ex = Assert.Throws<ArgumentException>(() => Input.CheckHubUri(new Uri(given)));

            Assert.Contains("https", ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("https://hub.docker.com/v2")]
        [InlineData("https://hub.docker.com/v2/")]
        [InlineData("https://hub.docker.com/?page=1")]
        [InlineData("https://hub.docker.com/#top")]
        public void HubUriRefusesAPathQueryOrFragment(string given)
        {
            var ex = Assert.Throws<ArgumentException>(() => Input.CheckHubUri(new Uri(given)));

            Assert.Contains("site only", ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("http://proxy.example:3128")]
        [InlineData("https://proxy.example")]
        [InlineData("socks5://127.0.0.1:1080")]
        [InlineData("http://127.0.0.1:8080")]
        public void ProxyUriAcceptsHttpHttpsAndSocks(string given)
        {
            Assert.Equal(new Uri(given), Input.CheckProxyUri(new Uri(given)));
        }

        // A password in the address would show wherever the address is shown.
        [Fact]
        public void ProxyUriRefusesCredentialsInTheAddressWithoutRepeatingThem()
        {
            var ex = Assert.Throws<ArgumentException>(() => Input.CheckProxyUri(new Uri("http://user:s3cret-pw@proxy.example:3128")));

            Assert.Contains("-ProxyCredential", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret-pw", ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("ftp://proxy.example")]
        [InlineData("file:///tmp/proxy")]
        public void ProxyUriRefusesOtherSchemes(string given)
        {
            Assert.Throws<ArgumentException>(() => Input.CheckProxyUri(new Uri(given)));
        }

        [Fact]
        public void ProxyUriRefusesARelativeUri()
        {
            Assert.Throws<ArgumentException>(() => Input.CheckProxyUri(new Uri("proxy.example", UriKind.Relative)));
        }

        [Fact]
        public void HubUriRefusesARelativeUri()
        {
            var ex = Assert.Throws<ArgumentException>(() => Input.CheckHubUri(new Uri("hub.docker.com", UriKind.Relative)));

            Assert.Contains("absolute", ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ScopesAreDedupedIgnoringCase()
        {
            Assert.Equal(new[] { "repo:read" }, AccessTokenScopes.Normalize(new[] { "repo:read", "REPO:READ", "Repo:Read" }));
        }

        [Fact]
        public void ScopesTakeHubsSpelling()
        {
            Assert.Equal(new[] { "repo:public_read" }, AccessTokenScopes.Normalize(new[] { "Repo:Public_Read" }));
        }

        [Fact]
        public void ScopesFollowHubsOrderNotTheCallers()
        {
            var given = new[] { "repo:public_read", "repo:read", "repo:admin", "repo:write" };

            Assert.Equal(new[] { "repo:admin", "repo:write", "repo:read", "repo:public_read" }, AccessTokenScopes.Normalize(given));
        }

        [Fact]
        public void NoScopesStayNone()
        {
            Assert.Empty(AccessTokenScopes.Normalize(Array.Empty<string>()));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(50)]
        [InlineData(100)]
        public void LabelOfOneToAHundredCharactersIsAccepted(int length)
        {
            Assert.Null(Input.LabelProblem(new string('x', length)));
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData(null)]
        public void BlankLabelIsRefused(string? label)
        {
            Assert.Equal("A token label cannot be empty or only spaces.", Input.LabelProblem(label));
        }

        [Fact]
        public void LabelOfAHundredAndOneCharactersIsRefused()
        {
            Assert.Equal("A token label can have at most 100 characters; this one has 101.", Input.LabelProblem(new string('x', 101)));
        }

        // Hub counts code points (the spec's maxLength; Python's len): an emoji is one character, two UTF-16 units.
        [Fact]
        public void EmojiCountOnceEach()
        {
            var emoji = char.ConvertFromUtf32(0x1F600);

            Assert.Null(Input.LabelProblem(string.Concat(Enumerable.Repeat(emoji, 100))));
            Assert.Equal("A token label can have at most 100 characters; this one has 101.",
                Input.LabelProblem(string.Concat(Enumerable.Repeat(emoji, 101))));
            Assert.Equal(60, Input.CountCharacters(string.Concat(Enumerable.Repeat(emoji, 60))));
        }

        [Theory]
        [InlineData("ci\nbuild", "a line feed (U+000A) at position 3")]
        [InlineData("ci\tbuild", "a tab (U+0009) at position 3")]
        [InlineData("ci\rbuild", "a carriage return (U+000D) at position 3")]
        [InlineData("ci\0", "a NUL (U+0000) at position 3")]
        [InlineData("\u001B[31mred", "an escape (U+001B) at position 1")]
        [InlineData("ci\u007F", "the control character U+007F at position 3")]
        [InlineData("ci\u0085", "the control character U+0085 at position 3")]
        [InlineData("ci\u009B31m", "the control character U+009B at position 3")]
        [InlineData("ci\u2028", "a line separator (U+2028) at position 3")]
        [InlineData("\U0001F600\n", "a line feed (U+000A) at position 2")]
        public void ControlCharactersAreRefusedByName(string label, string named)
        {
            Assert.Equal($"A token label cannot contain control characters or line breaks; this one has {named}.", Input.LabelProblem(label));
        }

        // Built in code: attribute data would turn a lone surrogate into U+FFFD.
        [Theory]
        [InlineData("ci", 0xD83D, "", "U+D83D at position 3")]
        [InlineData("", 0xDE00, "ci", "U+DE00 at position 1")]
        public void HalfACharacterIsRefused(string before, int surrogate, string after, string named)
        {
            var label = before + (char)surrogate + after;

            Assert.Equal($"A token label cannot contain half of a Unicode character (the lone surrogate {named}).", Input.LabelProblem(label));
        }

        [Theory]
        [InlineData("ci-build 2024")]
        [InlineData("Café ☕ déploiement")]
        [InlineData("日本語のラベル")]
        [InlineData("build[1]")]
        public void PrintableLabelsAreAccepted(string label)
        {
            Assert.Null(Input.LabelProblem(label));
        }

        [Fact]
        public void DescriptionMayBeEmptyButNotLongerThanTwoHundred()
        {
            Assert.Null(Input.DescriptionProblem(""));
            Assert.Null(Input.DescriptionProblem(new string('d', 200)));
            Assert.Equal("A token description can have at most 200 characters; this one has 201.", Input.DescriptionProblem(new string('d', 201)));
            Assert.StartsWith("A token description cannot contain control characters", Input.DescriptionProblem("line\nbreak"));
        }

        [Fact]
        public void TheEmptyGuidIsNoTokenId()
        {
            Assert.Contains("empty GUID", Input.TokenIdProblem(Guid.Empty));
            Assert.Null(Input.TokenIdProblem(Guid.NewGuid()));
        }

        [Theory]
        [InlineData("https://hubuser:s3cret@hub.docker.com")]
        [InlineData("https://hubuser@hub.docker.com")]
        [InlineData("http://hubuser:s3cret@127.0.0.1:5000")]
        [InlineData("https://hubuser:s3cret@hub.docker.com/v2?x=1")]
        [InlineData("http://hubuser:s3cret@example.com")]
        public void HubUriWithUserInfoIsRefusedWithoutRepeatingIt(string given)
        {
            var ex = Assert.Throws<ArgumentException>(() => Input.CheckHubUri(new Uri(given)));

            Assert.Contains("user name or password", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("hubuser", ex.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("https://hubuser:s3cret@hub.docker.com:8443/v2?token=x#frag", "'https://hub.docker.com:8443/v2'")]
        [InlineData("hubuser:s3cret@host", "with the scheme 'hubuser:'")]
        public void ShownAddressesKeepNoSecrets(string given, string shown)
        {
            Assert.Equal(shown, Input.Shown(new Uri(given)));
        }

        private static readonly DateTime Now = new DateTime(2026, 12, 2, 8, 0, 0, DateTimeKind.Utc);

        [Fact]
        public void NoExpiryMeansNever()
        {
            Assert.Null(Input.ExpiryUtc(null, null, Now, atMostOneYear: false));
        }

        [Fact]
        public void ExpiresInCountsFromNow()
        {
            Assert.Equal(Now.AddDays(90), Input.ExpiryUtc(null, TimeSpan.FromDays(90), Now, atMostOneYear: false));
            Assert.Equal(Now.AddMinutes(5), Input.ExpiryUtc(null, TimeSpan.FromMinutes(5), Now, atMostOneYear: false));
        }

        [Fact]
        public void ExpiresAtUtcIsKept()
        {
            var at = Now.AddDays(3);

            Assert.Equal(at, Input.ExpiryUtc(at, null, Now, atMostOneYear: false));
        }

        [Theory]
        [InlineData(-1.0, "positive")]
        [InlineData(0.0, "positive")]
        [InlineData(1.0, "shorter than 5 minutes")]
        [InlineData(4.9, "shorter than 5 minutes")]
        public void ExpiresInBelowTheMinimumIsRefused(double minutes, string reason)
        {
            var ex = Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(null, TimeSpan.FromMinutes(minutes), Now, atMostOneYear: false));

            Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void ExpiresAtInThePastOrTooNearIsRefused()
        {
            Assert.Contains("not in the future", Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(Now.AddSeconds(-1), null, Now, false)).Message);
            Assert.Contains("less than 5 minutes from now", Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(Now.AddMinutes(4), null, Now, false)).Message);
        }

        // TimeSpan.MaxValue once reached DateTime arithmetic and threw ArgumentOutOfRangeException.
        [Fact]
        public void HugeExpiryIsRefusedWithoutOverflow()
        {
            var ex = Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(null, TimeSpan.MaxValue, Now, atMostOneYear: false));

            Assert.Contains("9999-12-31", ex.Message, StringComparison.Ordinal);
            Assert.Contains("never expires", ex.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(DateTime.MaxValue, null, Now, atMostOneYear: false));
            Assert.Equal(Input.LastWireTimeUtc, Input.ExpiryUtc(Input.LastWireTimeUtc, null, Now, atMostOneYear: false));
        }

        [Fact]
        public void OrganizationTokensExpireAtMostOneYearAhead()
        {
            Assert.Equal(Now.AddYears(1), Input.ExpiryUtc(Now.AddYears(1), null, Now, atMostOneYear: true));
            Assert.Contains("at most one year", Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(Now.AddYears(1).AddSeconds(1), null, Now, true)).Message);
            Assert.Contains("at most one year", Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(null, TimeSpan.FromDays(367), Now, true)).Message);
            Assert.Contains("at most one year", Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(null, TimeSpan.MaxValue, Now, true)).Message);
        }

        [Fact]
        public void BothExpiryParametersAreRefused()
        {
            var ex = Assert.Throws<ArgumentException>(() => Input.ExpiryUtc(Now.AddDays(1), TimeSpan.FromDays(1), Now, atMostOneYear: false));

            Assert.Contains("not both", ex.Message, StringComparison.Ordinal);
        }
    }
}
