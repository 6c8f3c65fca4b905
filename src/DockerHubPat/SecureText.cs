using System.Net;
using System.Security;

namespace DockerHubPat
{
    /// <summary>Moves secrets between string and SecureString at the few places the wire needs plain text.</summary>
    internal static class SecureText
    {
        public static SecureString From(string value)
        {
            var secure = new SecureString();
            foreach (var c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        public static string Read(SecureString secure) => new NetworkCredential("", secure).Password;
    }
}
