using System;
using System.Collections.Concurrent;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>
    /// A signed-in Docker Hub session. It lives in memory only; the JWT it holds is never
    /// exposed as a property, in ToString() or in any message.
    /// </summary>
    public sealed class HubSession
    {
        private static readonly object CurrentLock = new object();
        private static HubSession? _current;

        internal HubSession(string username, Uri hubUri, string jwt, HubClient client)
        {
            Username = username;
            HubUri = hubUri;
            Bearer = jwt;
            Client = client;
            var expiry = Jwt.ReadExpiry(jwt);
            ExpiresAt = expiry?.LocalDateTime;
            SignedInAt = DateTime.Now;
        }

        /// <summary>The Docker Hub account.</summary>
        public string Username { get; }

        /// <summary>The Docker Hub the session belongs to.</summary>
        public Uri HubUri { get; }

        /// <summary>When Hub's session token stops working, in local time (null when Hub did not say).</summary>
        public DateTime? ExpiresAt { get; }

        /// <summary>When Connect-HubAccount signed in, in local time.</summary>
        public DateTime SignedInAt { get; }

        /// <summary>The user and site, never the session token.</summary>
        public override string ToString() => $"{Username}@{HubUri.Host}";

        internal string Bearer { get; }

        internal HubClient Client { get; }

        // Labels seen in Hub's answers, so a confirmation prompt can name a token piped in by id
        // without another request.
        private readonly ConcurrentDictionary<Guid, string> _labels = new ConcurrentDictionary<Guid, string>();

        internal void Remember(HubAccessToken token) => _labels[token.Id] = token.Label;

        internal void Forget(Guid id) => _labels.TryRemove(id, out _);

        /// <summary>"access token 'label' (id)", or just the id when the label was never seen.</summary>
        internal string Describe(Guid id) =>
            _labels.TryGetValue(id, out var label) ? $"access token '{label}' ({id})" : $"access token {id}";

        /// <summary>The session the token cmdlets use when no -Session is given; shared by every runspace of the process.</summary>
        internal static HubSession? Current
        {
            get
            {
                lock (CurrentLock)
                {
                    return _current;
                }
            }

            set
            {
                lock (CurrentLock)
                {
                    _current = value;
                }
            }
        }
    }
}
