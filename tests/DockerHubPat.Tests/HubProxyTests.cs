using System;
using System.Net;
using DockerHubPat.Hub;
using Xunit;

namespace DockerHubPat.Tests
{
    public class HubProxyTests
    {
        private static readonly Uri Address = new Uri("http://proxy.example:3128/");
        private static readonly Uri Loopback = new Uri("http://127.0.0.1:5000/v2/access-tokens");

        [Fact]
        public void EveryRequestGoesThroughTheProxyLoopbackIncluded()
        {
            var proxy = (WebProxy)new HubProxy(Address, null, false).Create();

            Assert.False(proxy.BypassProxyOnLocal);
            Assert.False(proxy.IsBypassed(Loopback));
            Assert.Equal(Address, proxy.GetProxy(Loopback));
        }

        [Fact]
        public void TheCredentialGoesToTheProxyAndNowhereElse()
        {
            var credential = new NetworkCredential("proxyuser", "s3cret-pw");
            var hubProxy = new HubProxy(Address, credential, false);
            var proxy = hubProxy.Create();

            Assert.Same(credential, proxy.Credentials);
            Assert.Equal(Address.ToString(), hubProxy.ToString());
            Assert.DoesNotContain("s3cret-pw", hubProxy.ToString(), StringComparison.Ordinal);
        }

        [Fact]
        public void DefaultCredentialsAreTheCurrentUsers()
        {
            var proxy = (WebProxy)new HubProxy(Address, null, true).Create();

            Assert.True(proxy.UseDefaultCredentials);
            Assert.Same(CredentialCache.DefaultCredentials, proxy.Credentials);
        }

        [Fact]
        public void NoCredentialByDefault()
        {
            Assert.Null(new HubProxy(Address, null, false).Create().Credentials);
        }
    }
}
