using System;
using System.Management.Automation;
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
            var ex = Record.Exception(() => Input.CheckLabel(new string('x', length)));

            Assert.Null(ex);
        }

        // PowerShellStandard.Library's exception constructors are stubs that drop the message,
        // so only the type (what makes PowerShell report a binding error) is checked here.
        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("\t\r\n")]
        public void BlankLabelIsRefused(string label)
        {
            Assert.Throws<ValidationMetadataException>(() => Input.CheckLabel(label));
        }

        [Fact]
        public void LabelOfAHundredAndOneCharactersIsRefused()
        {
            Assert.Throws<ValidationMetadataException>(() => Input.CheckLabel(new string('x', 101)));
        }
    }
}
