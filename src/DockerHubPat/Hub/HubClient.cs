using System;
using System.Net.Http;
using System.Reflection;
using System.Runtime.ExceptionServices;
using System.Security;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Flurl;
using Flurl.Http;
using Flurl.Http.Configuration;
using Flurl.Util;

namespace DockerHubPat.Hub
{
    /// <summary>The outcome of the first sign-in step: a session JWT, or a 2FA challenge.</summary>
    internal sealed class SignInAnswer
    {
        public string? Jwt { get; set; }
        public string? TwoFactorToken { get; set; }
    }

    /// <summary>One request as the send loop sees it.</summary>
    internal sealed class HubRequest
    {
        public HubRequest(HttpMethod method, Url url, string what, object? body = null)
        {
            Method = method;
            Url = url;
            What = what;
            Body = body;
        }

        public HttpMethod Method { get; }
        public Url Url { get; }

        /// <summary>"remove access token …": what the request does, for messages.</summary>
        public string What { get; }
        public object? Body { get; }
    }

    /// <summary>An answer Hub gave: the status, the body text and the headers.</summary>
    internal readonly struct HubAnswer
    {
        public HubAnswer(int status, string body, IReadOnlyNameValueList<string>? headers = null, bool maybeApplied = false)
        {
            Status = status;
            Body = body;
            Headers = headers;
            MaybeApplied = maybeApplied;
        }

        public int Status { get; }
        public string Body { get; }
        public IReadOnlyNameValueList<string>? Headers { get; }

        /// <summary>A failed change whose earlier attempt may have reached Hub and made it.</summary>
        public bool MaybeApplied { get; }

        public bool IsSuccess => Status >= 200 && Status <= 299;

        public HubAnswer AsMaybeApplied() => new HubAnswer(Status, Body, Headers, true);

        public string? Header(string name) => Headers != null && Headers.TryGetFirst(name, out var value) ? value : null;
    }

    /// <summary>
    /// The transport to Docker Hub: one send loop (retries, rate-limit waits, renewal), sign-in,
    /// and reading answers. Routes live with the things they serve (<see cref="AccessTokens"/>).
    /// One instance per session so the connection pool is reused across commands.
    /// </summary>
    internal sealed class HubClient
    {
        public static readonly string UserAgent = "DockerHubPat/" + ModuleVersion();

        private readonly RateGate _gate = new RateGate();
        private readonly object _connectionsLock = new object();
        private Connections? _connections;
        private int _inFlight;
        private bool _closeWhenIdle;

        public HubClient(Uri hubUri, RetryPolicy? policy = null, HubProxy? proxy = null)
        {
            HubUri = hubUri;
            Policy = policy ?? new RetryPolicy();
            Proxy = proxy;

            // Windows PowerShell's .NET Framework allows two connections per host unless told
            // otherwise, which would quietly cap -ThrottleLimit at 2. Later .NET ignores this.
            var point = System.Net.ServicePointManager.FindServicePoint(hubUri);
            point.ConnectionLimit = Math.Max(point.ConnectionLimit, 32);
        }

        public RetryPolicy Policy { get; }

        public Uri HubUri { get; }

        /// <summary>The proxy every request goes through; null for .NET's default (HTTP_PROXY and friends).</summary>
        public HubProxy? Proxy { get; }

        /// <summary>
        /// Closes the connections once no request uses them. The client stays usable: a later
        /// request opens new ones, so a session kept in a variable still works after its
        /// connections were closed.
        /// </summary>
        public void CloseConnections()
        {
            lock (_connectionsLock)
            {
                if (_inFlight == 0)
                {
                    CloseNow();
                }
                else
                {
                    _closeWhenIdle = true;
                }
            }
        }

        /// <summary>How many 2FA codes one sign-in tries: a person who mistyped one is asked for another, not for the password again.</summary>
        public const int MaximumCodeTries = 3;

        /// <summary>
        /// Signs in: the password, then, when the account has 2FA, a code from <paramref name="askCode"/>,
        /// which gets the number of the try (1 to <see cref="MaximumCodeTries"/>). After a refused code
        /// it is asked again with the same login_2fa_token; a source that has no other code answers null,
        /// and the refusal stands.
        /// </summary>
        /// <returns>The session JWT, and whether a 2FA code was needed.</returns>
        public async Task<(string Jwt, bool UsedTwoFactor)> SignInAsync(string username, string password,
            Func<int, CancellationToken, Task<string?>>? askCode, CancellationToken cancel)
        {
            var answer = await SignInWithPasswordAsync(username, password, cancel).ConfigureAwait(false);
            if (answer.Jwt != null)
            {
                return (answer.Jwt, false);
            }

            HubException? refused = null;
            for (var attempt = 1; ; attempt++)
            {
                var code = askCode is null ? null : await askCode(attempt, cancel).ConfigureAwait(false);
                if (string.IsNullOrWhiteSpace(code))
                {
                    throw refused ?? new HubException(HubFailure.TwoFactorRequired,
                        $"The Docker Hub account '{username}' has two-factor authentication, and no code was available.");
                }

                HubReport.Verbose("Sending the two-factor code.");
                var request = new HubRequest(HttpMethod.Post, Route("v2", "users", "2fa-login"), "sign in with the 2FA code",
                    new TwoFactorLoginJson { LoginTwoFactorToken = answer.TwoFactorToken!, Code = code!.Trim() });
                var second = await SendAsync(request, null, cancel).ConfigureAwait(false);
                if (second.Status == 401 && attempt < MaximumCodeTries)
                {
                    refused = Failure(second, request.What);
                    HubReport.Verbose("Docker Hub did not accept the two-factor code.");
                    continue;
                }

                return (RequireJwt(Expect<LoginAnswerJson>(second, 200, request.What).Token, request.What), true);
            }
        }

        /// <summary>
        /// Whether Hub signs in with a token secret, as `docker login` would: true when
        /// /v2/auth/token answers 200, false when it refuses the secret (401). The session it
        /// would open is not kept. Other answers fail as any request does.
        /// </summary>
        /// <param name="identifier">The user name for a personal token, the organization for an organization token.</param>
        public async Task<bool> AcceptsSecretAsync(string identifier, SecureString secret, CancellationToken cancel)
        {
            var request = new HubRequest(HttpMethod.Post, Route("v2", "auth", "token"), "sign in with the new token",
                new AuthTokenJson { Identifier = identifier, Secret = SecureText.Read(secret) });
            var answer = await SendAsync(request, null, cancel).ConfigureAwait(false);
            switch (answer.Status)
            {
                case 200:
                    return true;
                case 401:
                    return false;
                default:
                    throw Failure(answer, request.What);
            }
        }

        private async Task<SignInAnswer> SignInWithPasswordAsync(string username, string password, CancellationToken cancel)
        {
            var request = new HubRequest(HttpMethod.Post, Route("v2", "users", "login"), "sign in",
                new LoginJson { Username = username, Password = password });
            var answer = await SendAsync(request, null, cancel).ConfigureAwait(false);
            if (answer.Status == 200)
            {
                return new SignInAnswer { Jwt = RequireJwt(Deserialize<LoginAnswerJson>(answer, request.What).Token, request.What) };
            }

            if (answer.Status == 401 && TryDeserialize<LoginAnswerJson>(answer.Body) is LoginAnswerJson challenge
                && !string.IsNullOrEmpty(challenge.LoginTwoFactorToken))
            {
                return new SignInAnswer { TwoFactorToken = challenge.LoginTwoFactorToken };
            }

            throw Failure(answer, request.What);
        }

        public Url Route(params string[] segments) => new Url(HubUri.GetLeftPart(UriPartial.Authority)).AppendPathSegments(segments);

        /// <summary>
        /// Sends one logical request: attempts it until <see cref="SendDecision"/> says to stop.
        /// Sign-in POSTs change nothing on Hub; a POST with credentials (a create) is never re-sent.
        /// </summary>
        public async Task<HubAnswer> SendAsync(HubRequest request, IHubCredentials? credentials, CancellationToken cancel)
        {
            var state = AttemptState.First;
            while (true)
            {
                await PassGateAsync(cancel).ConfigureAwait(false);
                var bearer = credentials is null ? null : await credentials.BearerAsync(cancel).ConfigureAwait(false);
                var (answer, outcome) = await AttemptAsync(request, bearer, cancel).ConfigureAwait(false);
                outcome.Username = credentials?.Username;
                var now = DateTimeOffset.UtcNow;
                if (outcome.Status is int status && status != 429)
                {
                    Pace(answer, now);
                }

                var decision = SendDecision.Decide(outcome, state, Policy, now);
                state = decision.State;
                switch (decision.Step)
                {
                    case NextStep.Return:
                        return state.MaybeApplied && outcome.Changes && !answer.IsSuccess ? answer.AsMaybeApplied() : answer;
                    case NextStep.ReturnDone:
                        HubReport.Verbose($"The token was already gone after a retry, so the earlier attempt to {request.What} succeeded.");
                        return new HubAnswer(204, "");
                    case NextStep.Retry:
                        HubReport.Verbose($"{decision.Reason!.TrimEnd('.')}; retrying to {request.What} in {decision.Delay.TotalSeconds:0.0} s " +
                            $"(retry {state.Retries} of {Policy.MaximumRetryCount}).");
                        await Task.Delay(RetryPolicy.ForTimer(decision.Delay), cancel).ConfigureAwait(false);
                        continue;
                    case NextStep.WaitForRateLimit:
                        await WaitForRateLimitAsync(decision.Delay, request.What, cancel).ConfigureAwait(false);
                        continue;
                    case NextStep.Renew when credentials != null:
                        if (await credentials.RenewAsync(bearer!, cancel).ConfigureAwait(false))
                        {
                            continue;
                        }

                        break;
                }

                // The transport's own exception keeps the stack trace of where it was thrown.
                ExceptionDispatchInfo.Capture(decision.Failure!).Throw();
            }
        }

        // Hub says on every answer how many requests its window has left: when the requests in
        // flight will use them up, the session holds back until the window turns instead of
        // collecting 429s.
        private void Pace(HubAnswer answer, DateTimeOffset now)
        {
            var pause = SendDecision.Pace(answer.Header("X-RateLimit-Remaining"), answer.Header("X-RateLimit-Reset"), Volatile.Read(ref _inFlight), Policy, now);
            if (pause is TimeSpan wait && _gate.PauseFor(wait))
            {
                HubReport.Verbose($"Docker Hub's rate limit has {answer.Header("X-RateLimit-Remaining")} requests left until it resets; " +
                    $"holding the next requests for {wait.TotalSeconds:0.#} s.");
            }
        }

        private async Task PassGateAsync(CancellationToken cancel)
        {
            if (_gate.ClosedFor() <= TimeSpan.Zero)
            {
                return;
            }

            const string reason = "Pacing requests to Docker Hub's rate limit";
            HubReport.Waiting(reason, _gate.ClosedFor());
            try
            {
                await _gate.WaitAsync(cancel).ConfigureAwait(false);
            }
            finally
            {
                HubReport.Waiting(reason, TimeSpan.Zero);
            }
        }

        // One pause for every request of the session, so concurrent workers wait together.
        private async Task WaitForRateLimitAsync(TimeSpan wait, string what, CancellationToken cancel)
        {
            const string reason = "Waiting for Docker Hub's rate limit";
            _gate.PauseFor(wait);
            HubReport.Verbose($"Docker Hub's rate limit was reached; waiting {wait.TotalSeconds:0.#} s before trying to {what} again.");
            HubReport.Waiting(reason, wait);
            try
            {
                await _gate.WaitAsync(cancel).ConfigureAwait(false);
            }
            finally
            {
                HubReport.Waiting(reason, TimeSpan.Zero);
            }
        }

        private async Task<(HubAnswer, SendOutcome)> AttemptAsync(HubRequest request, string? bearer, CancellationToken cancel)
        {
            var outcome = new SendOutcome
            {
                Method = request.Method,
                Repeatable = request.Method != HttpMethod.Post || bearer is null,
                WithCredentials = bearer != null,
                What = request.What,
            };
            try
            {
                var answer = await SendOnceAsync(request, bearer, cancel).ConfigureAwait(false);
                outcome.Status = answer.Status;
                outcome.HubSays = answer.IsSuccess ? null : HubErrorBody.Parse(answer.Body).Describe();
                outcome.RetryAfter = answer.Header("Retry-After");
                outcome.XRetryAfter = answer.Header("X-Retry-After");
                outcome.RateLimitReset = answer.Header("X-RateLimit-Reset");
                return (answer, outcome);
            }
            catch (HubException ex) when (ex.Failure == HubFailure.Unavailable)
            {
                outcome.NoAnswer = ex;
                return (default, outcome);
            }
        }

        // .NET re-sends a request by itself, without telling us, when the connection closes before
        // the answer starts, unless the request had a body. For a create whose answer was lost after
        // Hub made the token, that would make a second token and lose the first one's secret, so
        // creates also go on connections that are never reused. A delete gets an empty body so its
        // retry is ours and "already removed" is not mistaken for "not found".
        private async Task<HubAnswer> SendOnceAsync(HubRequest request, string? bearer, CancellationToken cancel)
        {
            var connections = Acquire();
            try
            {
                var fresh = bearer != null && request.Method == HttpMethod.Post;
                var call = (fresh ? connections.Fresh : connections.Reused).Request(request.Url);
                if (bearer != null)
                {
                    call = call.WithOAuthBearerToken(bearer);
                }

                var noBody = request.Method == HttpMethod.Delete ? new ByteArrayContent(new byte[0]) : null;
                using var response = request.Body is null
                    ? await call.SendAsync(request.Method, noBody, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false)
                    : await call.SendJsonAsync(request.Method, request.Body, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false);
                var text = await response.GetStringAsync().ConfigureAwait(false);
                return new HubAnswer(response.StatusCode, text ?? "", response.Headers);
            }
            catch (FlurlHttpTimeoutException ex)
            {
                throw new HubException(HubFailure.Unavailable,
                    $"Docker Hub at {HubUri.Host} did not answer within {Policy.Timeout.TotalSeconds:0} s (trying to {request.What}).", null, null, WithoutRequest(ex));
            }
            catch (FlurlHttpException ex) when (!cancel.IsCancellationRequested && NeverSent(ex))
            {
                throw HubException.Unsent($"Could not connect to Docker Hub at {HubUri.Host} to {request.What}: {Innermost(ex).Message}", WithoutRequest(ex));
            }
            catch (FlurlHttpException ex) when (!cancel.IsCancellationRequested)
            {
                throw new HubException(HubFailure.Unavailable,
                    $"Could not reach Docker Hub at {HubUri.Host} to {request.What}: {Innermost(ex).Message}", null, null, WithoutRequest(ex));
            }
            catch (FlurlHttpException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
            finally
            {
                Release();
            }
        }

        /// <summary>Two HTTP clients: one that reuses connections, one whose connections serve one request (creates).</summary>
        private sealed class Connections : IDisposable
        {
            public Connections(TimeSpan timeout, HubProxy? proxy)
            {
                Reused = New(timeout, proxy);
                Fresh = New(timeout, proxy).WithHeader("Connection", "close");
            }

            public IFlurlClient Reused { get; }
            public IFlurlClient Fresh { get; }

            public void Dispose()
            {
                Reused.Dispose();
                Fresh.Dispose();
            }

            // Errors are read from the status and body here, so Flurl must not throw on them.
            private static IFlurlClient New(TimeSpan timeout, HubProxy? proxy) => new FlurlClientBuilder()
                .ConfigureInnerHandler(handler =>
                {
                    if (proxy != null)
                    {
                        handler.UseProxy = true;
                        handler.Proxy = proxy.Create();
                    }
                })
                .WithHeader("User-Agent", UserAgent)
                .WithHeader("Accept", "application/json")
                .WithTimeout(timeout)
                .AllowAnyHttpStatus()
                .Build();
        }

        private Connections Acquire()
        {
            lock (_connectionsLock)
            {
                _inFlight++;
                _closeWhenIdle = false;
                return _connections ??= new Connections(Policy.Timeout, Proxy);
            }
        }

        private void Release()
        {
            lock (_connectionsLock)
            {
                if (--_inFlight == 0 && _closeWhenIdle)
                {
                    CloseNow();
                }
            }
        }

        private void CloseNow()
        {
            _connections?.Dispose();
            _connections = null;
            _closeWhenIdle = false;
        }

        // Flurl's exception carries the whole call: the sign-in body with the password and the
        // Authorization header with the session token. Only the transport's own error is kept.
        private static Exception? WithoutRequest(FlurlHttpException ex) => ex.InnerException is null ? null : Innermost(ex.InnerException);

        // Refused before a byte was sent, or no address to send to: Hub never saw the request.
        private static bool NeverSent(Exception ex)
        {
            for (var inner = ex.InnerException; inner != null; inner = inner.InnerException)
            {
                if (inner is System.Net.Sockets.SocketException socket)
                {
                    return socket.SocketErrorCode == System.Net.Sockets.SocketError.ConnectionRefused
                        || socket.SocketErrorCode == System.Net.Sockets.SocketError.HostNotFound;
                }
            }

            return false;
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null)
            {
                ex = ex.InnerException;
            }

            return ex;
        }

        /// <summary>The answer's JSON when it has the expected status; otherwise Hub's failure.</summary>
        public static T Expect<T>(HubAnswer answer, int status, string what) where T : class
        {
            if (answer.Status != status)
            {
                throw Failure(answer, what);
            }

            return Deserialize<T>(answer, what);
        }

        /// <summary>The JSON of a successful answer, or an InvalidResponse failure that describes it.</summary>
        public static T Read<T>(HubAnswer answer, string what) where T : class => Deserialize<T>(answer, what);

        // The body of a successful answer may hold a session token or a token secret, so it is
        // described, never quoted.
        private static T Deserialize<T>(HubAnswer answer, string what) where T : class
        {
            try
            {
                return JsonSerializer.Deserialize<T>(answer.Body) ?? throw new JsonException("null", "$", null, null);
            }
            catch (JsonException ex)
            {
                throw new HubException(HubFailure.InvalidResponse,
                    $"Docker Hub answered {answer.Status} to {what}, but the answer is not the JSON the Hub API describes ({Shape(answer.Body, ex)}).",
                    answer.Status);
            }
        }

        /// <summary>What the body is, in words that quote nothing of it: field names at most.</summary>
        internal static string Shape(string body, JsonException failure)
        {
            var trimmed = body.TrimStart();
            if (trimmed.Length == 0)
            {
                return "it is empty";
            }

            if (trimmed.StartsWith("<", StringComparison.Ordinal))
            {
                return $"an HTML page of {body.Length} characters";
            }

            if (!trimmed.StartsWith("{", StringComparison.Ordinal) && !trimmed.StartsWith("[", StringComparison.Ordinal))
            {
                return $"{body.Length} characters of text";
            }

            if (IsWellFormed(body))
            {
                var path = failure.Path?.TrimStart('$', '.');
                return string.IsNullOrEmpty(path) ? "well-formed JSON of another shape" : $"well-formed JSON whose '{path}' is not what the API describes";
            }

            return EndsTooSoon(body) ? $"{body.Length} characters of JSON that stop before it is complete" : $"{body.Length} characters of malformed JSON";
        }

        private static bool IsWellFormed(string body)
        {
            try
            {
                using var _ = JsonDocument.Parse(body);
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }

        // A reader told more may follow reads to the end without complaint only when the text so far
        // is the beginning of some JSON: the answer was cut off, not garbled.
        private static bool EndsTooSoon(string body)
        {
            var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(body), isFinalBlock: false, state: default);
            try
            {
                while (reader.Read())
                {
                }

                return true;
            }
            catch (JsonException)
            {
                return false;
            }
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
                case 407:
                    return new HubException(HubFailure.ProxyAuthenticationRequired,
                        $"The proxy refused the request to {what} because it wants credentials (407 Proxy Authentication Required).", status);
                case 429:
                    return new HubException(HubFailure.RateLimited, $"Docker Hub's rate limit stopped the request to {what} (429 Too Many Requests).{hubSays}", status);
                case 408:
                case var _ when status >= 500:
                    return new HubException(HubFailure.Unavailable, $"Docker Hub could not {what} right now ({status}).{hubSays}", status);
                default:
                    return new HubException(HubFailure.InvalidResponse, $"Docker Hub answered {status} to the request to {what}, which the Hub API does not describe.{hubSays}", status);
            }
        }

        public static HubException Failure(HubAnswer answer, string what) =>
            answer.MaybeApplied ? Failure(answer.Status, answer.Body, what).MaybeAppliedBefore() : Failure(answer.Status, answer.Body, what);

        private static string ModuleVersion()
        {
            var info = typeof(HubClient).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            var version = info ?? typeof(HubClient).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";
            var plus = version.IndexOf('+');
            return plus < 0 ? version : version.Substring(0, plus);
        }
    }
}
