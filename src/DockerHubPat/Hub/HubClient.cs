using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Reflection;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Flurl;
using Flurl.Http;
using Flurl.Util;

namespace DockerHubPat.Hub
{
    /// <summary>The outcome of the first sign-in step: a session JWT, or a 2FA challenge.</summary>
    internal sealed class SignInAnswer
    {
        public string? Jwt { get; set; }
        public string? TwoFactorToken { get; set; }
    }

    /// <summary>One page of GET /v2/access-tokens, already mapped.</summary>
    internal sealed class AccessTokenPage
    {
        public IReadOnlyList<HubAccessToken> Tokens { get; set; } = new HubAccessToken[0];
        public long Count { get; set; }
        public Uri? Next { get; set; }
    }

    /// <summary>
    /// The Docker Hub API as the module uses it: routes, JSON, paging and error mapping.
    /// One instance per session so the connection pool is reused across commands.
    /// </summary>
    internal sealed class HubClient : IDisposable
    {
        /// <summary>Hub's largest page size (100): fewest round trips for a full listing.</summary>
        public const int PageSize = 100;

        public static readonly string UserAgent = "DockerHubPat/" + ModuleVersion();

        private readonly IFlurlClient _http;

        // .NET re-sends a request by itself, without telling us, when the connection closes before
        // the answer starts, unless the request had a body. For a create whose answer was lost after
        // Hub made the token, that would make a second token and lose the first one's secret, so
        // creates also go on connections that are never reused. A delete gets an empty body (see
        // SendOnceAsync) so its retry is ours and "already removed" is not mistaken for "not found".
        private readonly IFlurlClient _freshHttp;
        private readonly RateGate _gate = new RateGate();

        public HubClient(Uri hubUri, RetryPolicy? policy = null)
        {
            HubUri = hubUri;
            Policy = policy ?? new RetryPolicy();

            // Windows PowerShell's .NET Framework allows two connections per host unless told
            // otherwise, which would quietly cap -ThrottleLimit at 2. Later .NET ignores this.
            var point = System.Net.ServicePointManager.FindServicePoint(hubUri);
            point.ConnectionLimit = Math.Max(point.ConnectionLimit, 32);
            _http = NewHttp();
            _freshHttp = NewHttp().WithHeader("Connection", "close");
        }

        // Errors are read from the status and body here, so Flurl must not throw on them.
        private IFlurlClient NewHttp() => new FlurlClient()
            .WithHeader("User-Agent", UserAgent)
            .WithHeader("Accept", "application/json")
            .WithTimeout(Policy.Timeout)
            .AllowAnyHttpStatus();

        public RetryPolicy Policy { get; }

        public Uri HubUri { get; }

        public void Dispose()
        {
            _http.Dispose();
            _freshHttp.Dispose();
        }

        public async Task<SignInAnswer> SignInAsync(string username, string password, CancellationToken cancel)
        {
            var body = new LoginJson { Username = username, Password = password };
            var answer = await SendAsync(HttpMethod.Post, Route("v2", "users", "login"), null, body, "sign in", cancel).ConfigureAwait(false);
            if (answer.Status == 200)
            {
                return new SignInAnswer { Jwt = RequireJwt(Deserialize<LoginAnswerJson>(answer, "sign in").Token, "sign in") };
            }

            if (answer.Status == 401 && TryDeserialize<LoginAnswerJson>(answer.Body) is LoginAnswerJson challenge
                && !string.IsNullOrEmpty(challenge.LoginTwoFactorToken))
            {
                return new SignInAnswer { TwoFactorToken = challenge.LoginTwoFactorToken };
            }

            throw Failure(answer, "sign in");
        }

        public async Task<string> SignInTwoFactorAsync(string twoFactorToken, string code, CancellationToken cancel)
        {
            var body = new TwoFactorLoginJson { LoginTwoFactorToken = twoFactorToken, Code = code };
            var answer = await SendAsync(HttpMethod.Post, Route("v2", "users", "2fa-login"), null, body, "sign in with the 2FA code", cancel).ConfigureAwait(false);
            if (answer.Status != 200)
            {
                throw Failure(answer, "sign in with the 2FA code");
            }

            return RequireJwt(Deserialize<LoginAnswerJson>(answer, "sign in").Token, "sign in with the 2FA code");
        }

        /// <summary>Reads one page; pass null for the first page, then the previous page's Next.</summary>
        public async Task<AccessTokenPage> ListPageAsync(HubSession session, Uri? next, CancellationToken cancel)
        {
            const string what = "list access tokens";
            var url = next is null
                ? Route("v2", "access-tokens").SetQueryParam("page", 1).SetQueryParam("page_size", PageSize)
                : new Url(next);
            var answer = await SendAsync(HttpMethod.Get, url, session, null, what, cancel).ConfigureAwait(false);
            var page = Expect<AccessTokenPageJson>(answer, 200, what);
            if (page.Results is null)
            {
                throw new HubException(HubFailure.InvalidResponse, "Docker Hub's token list has no 'results'.", answer.Status);
            }

            return new AccessTokenPage
            {
                Tokens = page.Results.Select(t => Map(session, t)).ToList(),
                Count = page.Count ?? page.Results.Count,
                Next = string.IsNullOrEmpty(page.Next) ? null : SameSite(page.Next!),
            };
        }

        public async Task<HubAccessToken> GetAsync(HubSession session, Guid id, CancellationToken cancel)
        {
            var what = $"get access token {id}";
            var answer = await SendAsync(HttpMethod.Get, TokenRoute(id), session, null, what, cancel).ConfigureAwait(false);
            return Map(session, Expect<AccessTokenJson>(answer, 200, what));
        }

        public async Task<HubAccessToken> CreateAsync(HubSession session, string label, string[] scopes, DateTime? expiresAtUtc, CancellationToken cancel)
        {
            var body = new CreateAccessTokenJson
            {
                TokenLabel = label,
                Scopes = scopes,
                ExpiresAt = expiresAtUtc?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            };
            var what = $"create access token '{label}'";
            var started = DateTime.UtcNow;
            try
            {
                var answer = await SendAsync(HttpMethod.Post, Route("v2", "access-tokens"), session, body, what, cancel).ConfigureAwait(false);
                session.CompletionCache = null;
                try
                {
                    return Map(session, Expect<AccessTokenJson>(answer, 201, what));
                }
                catch (HubException unreadable) when (unreadable.Failure == HubFailure.InvalidResponse && answer.Status == 201)
                {
                    throw new HubException(HubFailure.OutcomeUnknown, unreadable.Message, 201);
                }
            }
            catch (HubException ex) when (ex.Failure == HubFailure.OutcomeUnknown)
            {
                throw await ExplainLostCreateAsync(session, label, started, ex, cancel).ConfigureAwait(false);
            }
        }

        // A create is never sent twice: a second token would be made and the first one's secret is
        // gone either way. Instead, look for what the lost request made and tell the user.
        private async Task<HubException> ExplainLostCreateAsync(HubSession session, string label, DateTime startedUtc, HubException lost, CancellationToken cancel)
        {
            // Hub's clock and ours may differ a little.
            var since = startedUtc - CreateClockSkew;
            var found = new List<HubAccessToken>();
            try
            {
                Uri? next = null;
                do
                {
                    var page = await ListPageAsync(session, next, cancel).ConfigureAwait(false);
                    found.AddRange(page.Tokens.Where(t => t.Label == label && t.CreatedAt?.ToUniversalTime() >= since));
                    next = page.Next;
                }
                while (next != null);
            }
            catch (HubException check)
            {
                return HubException.LostCreate(
                    $"{lost.Message} Whether Docker Hub created the token is unknown, and checking failed too ({check.Message}). " +
                    $"A token labelled '{label}' made by the lost request has a secret nobody can read, so remove it.",
                    new Guid[0], true, lost);
            }

            if (found.Count == 0)
            {
                return HubException.LostCreate(
                    $"{lost.Message} No token labelled '{label}' was created, so it is safe to run the command again.", new Guid[0], false, lost);
            }

            return HubException.LostCreate(
                $"{lost.Message} Docker Hub did create {found.Count} token(s) labelled '{label}' ({string.Join(", ", found.Select(t => t.Id))}), " +
                "but its secret was in the lost answer and cannot be recovered.", found.Select(t => t.Id).ToList(), false, lost);
        }

        private static readonly TimeSpan CreateClockSkew = TimeSpan.FromMinutes(2);

        public async Task<HubAccessToken> UpdateAsync(HubSession session, Guid id, string? label, bool? isActive, CancellationToken cancel)
        {
            var body = new PatchAccessTokenJson { TokenLabel = label, IsActive = isActive };
            var what = $"update access token {id}";
            var answer = await SendAsync(new HttpMethod("PATCH"), TokenRoute(id), session, body, what, cancel).ConfigureAwait(false);
            session.CompletionCache = null;
            return Map(session, Expect<AccessTokenJson>(answer, 200, what));
        }

        public async Task DeleteAsync(HubSession session, Guid id, CancellationToken cancel)
        {
            var what = $"remove access token {id}";
            var answer = await SendAsync(HttpMethod.Delete, TokenRoute(id), session, null, what, cancel).ConfigureAwait(false);

            // The spec says 204; the legacy route answered 202, so any 2xx is success.
            if (answer.Status < 200 || answer.Status > 299)
            {
                throw Failure(answer, what);
            }

            session.Forget(id);
            session.CompletionCache = null;
        }

        private static HubAccessToken Map(HubSession session, AccessTokenJson json)
        {
            var token = HubAccessToken.FromJson(json, session.Username);
            session.Remember(token);
            return token;
        }

        private Url Route(params string[] segments) => new Url(HubUri.GetLeftPart(UriPartial.Authority)).AppendPathSegments(segments);

        private Url TokenRoute(Guid id) => Route("v2", "access-tokens", id.ToString("D"));

        // The bearer goes wherever `next` points, so a link to another site is refused, not followed.
        private Uri SameSite(string link)
        {
            if (Uri.TryCreate(link, UriKind.Absolute, out var uri)
                && Uri.Compare(uri, HubUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return uri;
            }

            throw new HubException(HubFailure.InvalidResponse,
                $"Docker Hub's next-page link '{link}' does not point to {HubUri.GetLeftPart(UriPartial.Authority)}; the listing was stopped so the session is not sent elsewhere.");
        }

        private readonly struct Answer
        {
            public Answer(int status, string body, IReadOnlyNameValueList<string>? headers = null)
            {
                Status = status;
                Body = body;
                Headers = headers;
            }

            public int Status { get; }
            public string Body { get; }
            public IReadOnlyNameValueList<string>? Headers { get; }

            public string? Header(string name) => Headers != null && Headers.TryGetFirst(name, out var value) ? value : null;
        }

        /// <summary>
        /// Sends one logical request: waits out 429s, retries what is safe to retry, renews an
        /// expired session once. A create (POST with a session) is never re-sent.
        /// </summary>
        private async Task<Answer> SendAsync(HttpMethod method, Url url, HubSession? session, object? body, string what, CancellationToken cancel)
        {
            // Sign-in POSTs change nothing on Hub, so only the token create is unsafe to repeat.
            var repeatable = method != HttpMethod.Post || session is null;
            var retries = 0;
            var maybeApplied = false;
            var renewed = false;
            var rateLimitWaited = TimeSpan.Zero;
            while (true)
            {
                await _gate.WaitAsync(cancel).ConfigureAwait(false);
                var bearer = session is null ? null : await session.BearerAsync(cancel).ConfigureAwait(false);
                Answer answer;
                try
                {
                    answer = await SendOnceAsync(method, url, bearer, body, what, cancel).ConfigureAwait(false);
                }
                catch (HubException ex) when (ex.Failure == HubFailure.Unavailable)
                {
                    if (!repeatable)
                    {
                        throw new HubException(HubFailure.OutcomeUnknown, $"Docker Hub did not answer the request to {what}.", null, null, ex);
                    }

                    if (retries >= Policy.MaximumRetryCount)
                    {
                        throw;
                    }

                    maybeApplied = true;
                    await RetryDelayAsync(++retries, ex.Message, null, cancel).ConfigureAwait(false);
                    continue;
                }

                var status = answer.Status;
                if (status == 429)
                {
                    var wait = RetryPolicy.RequestedWait(answer.Header("Retry-After"), answer.Header("X-Retry-After"),
                        answer.Header("X-RateLimit-Reset"), DateTimeOffset.UtcNow) ?? RetryPolicy.UnspecifiedRateLimitWait;
                    if (rateLimitWaited + wait > Policy.MaximumRateLimitWait)
                    {
                        throw new HubException(HubFailure.RateLimited,
                            $"Docker Hub's rate limit stopped the request to {what}: it asks to wait {wait.TotalSeconds:0} s more, and this request already waited " +
                            $"{rateLimitWaited.TotalSeconds:0} s of the {Policy.MaximumRateLimitWait.TotalSeconds:0} s allowed.", 429);
                    }

                    rateLimitWaited += wait;
                    _gate.PauseFor(wait);
                    HubReport.Verbose($"Docker Hub's rate limit was reached; waiting {wait.TotalSeconds:0.#} s before trying to {what} again.");
                    HubReport.Waiting("Waiting for Docker Hub's rate limit", wait);
                    try
                    {
                        await _gate.WaitAsync(cancel).ConfigureAwait(false);
                    }
                    finally
                    {
                        HubReport.Waiting("Waiting for Docker Hub's rate limit", TimeSpan.Zero);
                    }

                    continue;
                }

                if (status >= 500 || status == 408)
                {
                    if (!repeatable)
                    {
                        throw new HubException(HubFailure.OutcomeUnknown, $"Docker Hub answered {status} to the request to {what}.", status);
                    }

                    if (retries < Policy.MaximumRetryCount)
                    {
                        maybeApplied = true;
                        var asked = RetryPolicy.RequestedWait(answer.Header("Retry-After"), null, null, DateTimeOffset.UtcNow);
                        await RetryDelayAsync(++retries, $"Docker Hub answered {status}", asked, cancel).ConfigureAwait(false);
                        continue;
                    }
                }

                if (status == 401 && session != null)
                {
                    if (!renewed && await session.RenewAsync(bearer!, cancel).ConfigureAwait(false))
                    {
                        renewed = true;
                        continue;
                    }

                    throw new HubException(HubFailure.Unauthorized,
                        $"Docker Hub no longer accepts the session of '{session.Username}' (401 Unauthorized, trying to {what}); it has expired or was revoked.", 401);
                }

                // An earlier attempt may have deleted it before its answer was lost.
                if (status == 404 && method == HttpMethod.Delete && maybeApplied)
                {
                    HubReport.Verbose($"The token was already gone after a retry, so the earlier attempt to {what} succeeded.");
                    return new Answer(204, "");
                }

                return answer;
            }

            async Task RetryDelayAsync(int retry, string reason, TimeSpan? asked, CancellationToken token)
            {
                var delay = asked ?? Policy.Backoff(retry);
                HubReport.Verbose($"{reason.TrimEnd('.')}; retrying to {what} in {delay.TotalSeconds:0.0} s (retry {retry} of {Policy.MaximumRetryCount}).");
                await Task.Delay(delay, token).ConfigureAwait(false);
            }
        }

        private async Task<Answer> SendOnceAsync(HttpMethod method, Url url, string? bearer, object? body, string what, CancellationToken cancel)
        {
            var fresh = bearer != null && method == HttpMethod.Post;
            var request = (fresh ? _freshHttp : _http).Request(url);
            if (bearer != null)
            {
                request = request.WithOAuthBearerToken(bearer);
            }

            try
            {
                var noBody = method == HttpMethod.Delete ? new ByteArrayContent(new byte[0]) : null;
                using var response = body is null
                    ? await request.SendAsync(method, noBody, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false)
                    : await request.SendJsonAsync(method, body, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false);
                var text = await response.GetStringAsync().ConfigureAwait(false);
                return new Answer(response.StatusCode, text ?? "", response.Headers);
            }
            catch (FlurlHttpTimeoutException ex)
            {
                throw new HubException(HubFailure.Unavailable,
                    $"Docker Hub at {HubUri.Host} did not answer within {Policy.Timeout.TotalSeconds:0} s (trying to {what}).", null, null, WithoutRequest(ex));
            }
            catch (FlurlHttpException ex) when (!cancel.IsCancellationRequested)
            {
                throw new HubException(HubFailure.Unavailable,
                    $"Could not reach Docker Hub at {HubUri.Host} to {what}: {Innermost(ex).Message}", null, null, WithoutRequest(ex));
            }
            catch (FlurlHttpException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
        }

        // Flurl's exception carries the whole call: the sign-in body with the password and the
        // Authorization header with the session token. Only the transport's own error is kept.
        private static Exception? WithoutRequest(FlurlHttpException ex) => ex.InnerException is null ? null : Innermost(ex.InnerException);

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }

        private static T Expect<T>(Answer answer, int status, string what) where T : class
        {
            if (answer.Status != status)
            {
                throw Failure(answer, what);
            }

            return Deserialize<T>(answer, what);
        }

        // The body of a successful answer may hold a session token or a token secret, so it is
        // described, never quoted.
        private static T Deserialize<T>(Answer answer, string what) where T : class =>
            TryDeserialize<T>(answer.Body)
            ?? throw new HubException(HubFailure.InvalidResponse,
                $"Docker Hub answered {answer.Status} to {what}, but the answer is not the JSON the Hub API describes ({Shape(answer.Body)}).",
                answer.Status);

        private static string Shape(string body)
        {
            var trimmed = body.TrimStart();
            if (trimmed.Length == 0)
            {
                return "it is empty";
            }

            return trimmed.StartsWith("<", StringComparison.Ordinal) ? $"an HTML page of {body.Length} characters"
                : trimmed.StartsWith("{", StringComparison.Ordinal) || trimmed.StartsWith("[", StringComparison.Ordinal) ? $"{body.Length} characters of incomplete JSON"
                : $"{body.Length} characters of text";
        }

        private static T? TryDeserialize<T>(string body) where T : class
        {
            try
            {
                return JsonSerializer.Deserialize<T>(body);
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static string RequireJwt(string? jwt, string what) =>
            string.IsNullOrEmpty(jwt)
                ? throw new HubException(HubFailure.InvalidResponse, $"Docker Hub accepted the {what} but sent no session token.")
                : jwt!;

        /// <summary>Turns a non-success answer into a HubException with Hub's own words.</summary>
        internal static HubException Failure(int status, string body, string what)
        {
            var error = HubErrorBody.Parse(body);
            var said = error.Describe();
            var hubSays = said.Length == 0 ? "" : " Docker Hub says: " + said;
            switch (status)
            {
                case 400:
                    return new HubException(HubFailure.InvalidRequest, $"Docker Hub refused the request to {what} (400 Bad Request).{hubSays}", status, error.Fields);
                case 401:
                    return new HubException(HubFailure.Unauthorized, $"Docker Hub did not accept the credentials to {what} (401 Unauthorized).{hubSays}", status);
                case 403 when (error.Text ?? "").IndexOf("personal access token", StringComparison.OrdinalIgnoreCase) >= 0:
                    return new HubException(HubFailure.TokenSessionRefused,
                        $"Docker Hub does not let a session that signed in with a personal access token {what} (403 Forbidden).{hubSays}", status);
                case 403:
                    return new HubException(HubFailure.PermissionDenied, $"Docker Hub does not allow this session to {what} (403 Forbidden).{hubSays}", status);
                case 404:
                    return new HubException(HubFailure.NotFound, $"Docker Hub found nothing to {what} (404 Not Found).{hubSays}", status);
                case 429:
                    return new HubException(HubFailure.RateLimited, $"Docker Hub's rate limit stopped the request to {what} (429 Too Many Requests).{hubSays}", status);
                case 408:
                case var _ when status >= 500:
                    return new HubException(HubFailure.Unavailable, $"Docker Hub could not {what} right now ({status}).{hubSays}", status);
                default:
                    return new HubException(HubFailure.InvalidResponse, $"Docker Hub answered {status} to the request to {what}, which the Hub API does not describe.{hubSays}", status);
            }
        }

        private static HubException Failure(Answer answer, string what) => Failure(answer.Status, answer.Body, what);

        private static string ModuleVersion()
        {
            var info = typeof(HubClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            var version = info ?? typeof(HubClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            var plus = version.IndexOf('+');
            return plus < 0 ? version : version.Substring(0, plus);
        }
    }
}
