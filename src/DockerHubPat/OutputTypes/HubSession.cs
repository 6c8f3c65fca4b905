using System;
using System.Collections.Generic;
using System.Security;
using System.Threading;
using System.Threading.Tasks;
using DockerHubPat.Hub;

namespace DockerHubPat
{
    /// <summary>
    /// A signed-in Docker Hub session. It lives in memory only; the JWT and the password it holds
    /// are never exposed as properties, in ToString() or in any message.
    /// </summary>
    public sealed class HubSession : IHubCredentials
    {
        /// <summary>Sign in again this long before the JWT's `exp`, so no request races the expiry.</summary>
        private static readonly TimeSpan MaxRenewMargin = TimeSpan.FromSeconds(60);

        private readonly SecureString? _password;
        private readonly Func<string?>? _oneTimeCode;
        private readonly SemaphoreSlim _renewing = new SemaphoreSlim(1, 1);
        private volatile string _bearer;
        // Replaced as a whole (one reference), so concurrent readers never see half an update.
        private volatile Expiry _expiry = Expiry.Unknown;
        // Set when Hub locked the account against sign-ins: the password is never sent again by itself.
        private volatile HubException? _signInLocked;

        private sealed class Expiry
        {
            public static readonly Expiry Unknown = new Expiry(null, TimeSpan.Zero);

            public Expiry(DateTimeOffset? at, TimeSpan renewMargin)
            {
                At = at;
                RenewAt = at - renewMargin;
            }

            public DateTimeOffset? At { get; }
            public DateTimeOffset? RenewAt { get; }
        }

        /// <param name="password">Kept to sign in again when the JWT expires; null when that needs a human.</param>
        /// <param name="oneTimeCode">Computes a 2FA code without a human (a TOTP seed); null when there is none.</param>
        internal HubSession(string username, Uri hubUri, string jwt, HubClient client, SecureString? password, Func<string?>? oneTimeCode)
        {
            Username = username;
            HubUri = hubUri;
            Client = client;
            Tokens = new AccessTokens(client, this);
            _password = password;
            _oneTimeCode = oneTimeCode;
            SignedInAt = DateTime.Now;
            _bearer = jwt;
            SetExpiry(jwt);
        }

        /// <summary>The Docker Hub account.</summary>
        public string Username { get; }

        /// <summary>The Docker Hub the session belongs to.</summary>
        public Uri HubUri { get; }

        /// <summary>When Hub's session token stops working, in local time (null when Hub did not say).</summary>
        public DateTime? ExpiresAt => _expiry.At?.LocalDateTime;

        /// <summary>When Connect-HubAccount signed in, in local time.</summary>
        public DateTime SignedInAt { get; }

        /// <summary>Whether the session signs in again by itself when Hub's token expires.</summary>
        public bool RenewsItself => _password != null;

        /// <summary>Retries of a request that got no answer or a 5xx/408.</summary>
        public int MaximumRetryCount => Client.Policy.MaximumRetryCount;

        /// <summary>Seconds one attempt may take.</summary>
        public int TimeoutSec => (int)Client.Policy.Timeout.TotalSeconds;

        /// <summary>Seconds one request may wait in total for Hub's rate limit.</summary>
        public int MaximumRateLimitWaitSec => (int)Client.Policy.MaximumRateLimitWait.TotalSeconds;

        /// <summary>The proxy the session's requests go through when Connect-HubAccount -Proxy named one; null for .NET's default (HTTP_PROXY and friends).</summary>
        public Uri? Proxy => Client.Proxy?.Address;

        /// <summary>The user and site, never the session token.</summary>
        public override string ToString() => $"{Username}@{HubUri.Host}";

        internal HubClient Client { get; }

        /// <summary>The account's personal access tokens on Hub.</summary>
        internal AccessTokens Tokens { get; }

        // Organizations whose tokens Hub answered for in this session: what -Organization completes.
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _organizations =
            new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        /// <summary>One organization's access tokens on Hub.</summary>
        internal OrgAccessTokens OrgTokens(string organization) =>
            new OrgAccessTokens(Client, this, organization, name => _organizations[name] = true);

        /// <summary>The organizations whose tokens this session has worked with.</summary>
        internal IEnumerable<string> Organizations => _organizations.Keys;

        /// <summary>The JWT for the next request, renewed first when it is about to expire.</summary>
        async Task<string> IHubCredentials.BearerAsync(CancellationToken cancel)
        {
            var bearer = _bearer;
            if (RenewsItself && _expiry.RenewAt is DateTimeOffset renewAt && DateTimeOffset.UtcNow >= renewAt)
            {
                await RenewAsync(bearer, cancel).ConfigureAwait(false);
            }

            return _bearer;
        }

        /// <summary>
        /// Signs in again after Hub refused <paramref name="stale"/>. Concurrent callers (a parallel
        /// pipeline, several runspaces) share one sign-in. False when that would need a human.
        /// </summary>
        async Task<bool> IHubCredentials.RenewAsync(string stale, CancellationToken cancel) => await RenewAsync(stale, cancel).ConfigureAwait(false);

        private async Task<bool> RenewAsync(string stale, CancellationToken cancel)
        {
            if (!RenewsItself)
            {
                return false;
            }

            await _renewing.WaitAsync(cancel).ConfigureAwait(false);
            try
            {
                if (!ReferenceEquals(_bearer, stale) && _bearer != stale)
                {
                    return true; // another caller renewed it while we waited
                }

                if (_signInLocked != null)
                {
                    throw _signInLocked.WithMessage(_signInLocked.Message);
                }

                HubReport.Verbose($"The Docker Hub session of '{Username}' has expired; signing in again.");
                // A code computed from the seed is right or the seed is wrong: one try.
                var code = _oneTimeCode is null ? null
                    : (Func<int, CancellationToken, Task<string?>>)((attempt, _) => Task.FromResult(attempt == 1 ? _oneTimeCode() : null));
                var (jwt, _) = await Client.SignInAsync(Username, SecureText.Read(_password!), code, cancel).ConfigureAwait(false);
                SetExpiry(jwt);
                _bearer = jwt;
                return true;
            }
            catch (HubException ex) when (ex.Failure == HubFailure.Unauthorized || ex.Failure == HubFailure.TwoFactorRequired)
            {
                return false; // the password changed since Connect-HubAccount, or a code needs a human
            }
            catch (HubException ex) when (ex.Failure == HubFailure.SignInLocked && _signInLocked is null)
            {
                _signInLocked = ex;
                throw;
            }
            finally
            {
                _renewing.Release();
            }
        }

        // A minute early for Hub's long sessions, but never so early that a short session would
        // sign in again before every request.
        private void SetExpiry(string jwt)
        {
            var at = Jwt.ReadExpiry(jwt);
            var lifetime = (at ?? DateTimeOffset.UtcNow) - DateTimeOffset.UtcNow;
            _expiry = new Expiry(at, TimeSpan.FromTicks(Math.Min(MaxRenewMargin.Ticks, Math.Max(0, lifetime.Ticks / 4))));
        }
    }
}
