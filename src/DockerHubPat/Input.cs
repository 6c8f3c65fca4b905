using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>Checks of user input that must fail before any request is sent.</summary>
    internal static class Input
    {
        public const int MaxLabelLength = 100;

        public static readonly Uri DefaultHubUri = new Uri("https://hub.docker.com");

        /// <summary>
        /// The site part of a Hub address. https is required except on loopback (the emulator),
        /// because the password and the session token travel in every request.
        /// </summary>
        public static Uri CheckHubUri(Uri uri)
        {
            if (!uri.IsAbsoluteUri)
            {
                throw new ArgumentException($"-HubUri '{uri}' is not an absolute address such as https://hub.docker.com.");
            }

            if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment))
            {
                throw new ArgumentException($"-HubUri '{uri}' must be the site only, such as https://hub.docker.com, without a path or query.");
            }

            var secure = uri.Scheme == Uri.UriSchemeHttps;
            var loopbackHttp = uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri);
            if (!secure && !loopbackHttp)
            {
                throw new ArgumentException(
                    $"-HubUri '{uri}' is refused: the password and session token may only be sent over https (plain http is allowed for loopback addresses only).");
            }

            return new Uri(uri.GetLeftPart(UriPartial.Authority) + "/");
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

        public static void CheckLabel(string label)
        {
            if (string.IsNullOrWhiteSpace(label))
            {
                throw new ValidationMetadataException("A token label cannot be empty or only spaces.");
            }

            if (label.Length > MaxLabelLength)
            {
                throw new ValidationMetadataException(
                    $"A token label can have at most {MaxLabelLength} characters; this one has {label.Length}.");
            }
        }
    }

    /// <summary>Refuses labels Hub would refuse (1–100 characters), at parameter binding.</summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ValidateTokenLabelAttribute : ValidateArgumentsAttribute
    {
        protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics) =>
            Input.CheckLabel(arguments as string ?? "");
    }

    /// <summary>
    /// Accepts only the scopes Hub knows, in any letter case, like ValidateSet does; its
    /// ValidValues are what the help shows.
    /// </summary>
    [AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
    internal sealed class ValidateScopeAttribute : ValidateEnumeratedArgumentsAttribute
    {
        public IList<string> ValidValues => AccessTokenScopes.All.ToList();

        protected override void ValidateElement(object element)
        {
            var scope = (element is PSObject ps ? ps.BaseObject : element)?.ToString() ?? "";
            if (!AccessTokenScopes.All.Contains(scope, StringComparer.OrdinalIgnoreCase))
            {
                throw new ValidationMetadataException(
                    $"'{scope}' is not a Docker Hub access token scope. Use one or more of: {string.Join(", ", AccessTokenScopes.All)}.");
            }
        }
    }
}
