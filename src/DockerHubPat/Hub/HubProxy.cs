using System;
using System.Net;

namespace DockerHubPat.Hub
{
    /// <summary>
    /// The proxy a session reaches Hub through, as Invoke-RestMethod's -Proxy, -ProxyCredential and
    /// -ProxyUseDefaultCredentials describe it. Without one the session uses .NET's default proxy
    /// (HTTP_PROXY, HTTPS_PROXY and NO_PROXY, or the system's settings on Windows).
    /// </summary>
    internal sealed class HubProxy
    {
        private readonly ICredentials? _credentials;
        private readonly bool _useDefaultCredentials;

        /// <param name="credentials">The proxy's own user and password; never shown anywhere.</param>
        public HubProxy(Uri address, ICredentials? credentials, bool useDefaultCredentials)
        {
            Address = address;
            _credentials = credentials;
            _useDefaultCredentials = useDefaultCredentials;
        }

        /// <summary>The proxy's address, without any credential.</summary>
        public Uri Address { get; }

        /// <summary>
        /// The proxy for an HTTP handler. Every request goes through it, loopback ones too, as with
        /// Invoke-RestMethod -Proxy: whoever names a proxy means it.
        /// </summary>
        public IWebProxy Create()
        {
            var proxy = new WebProxy(Address) { BypassProxyOnLocal = false };
            if (_useDefaultCredentials)
            {
                proxy.UseDefaultCredentials = true;
            }
            else
            {
                proxy.Credentials = _credentials;
            }

            return proxy;
        }

        /// <summary>The address only: the credential stays out of every message.</summary>
        public override string ToString() => Address.ToString();
    }
}
