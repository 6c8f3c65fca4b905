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
        /// <summary>Hub's largest page (REFERENCE §3.3): fewest round trips for a full listing.</summary>
        public const int PageSize = 100;

        public static readonly string UserAgent = "DockerHubPat/" + ModuleVersion();

        private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

        private readonly IFlurlClient _http;

        public HubClient(Uri hubUri)
        {
            HubUri = hubUri;
            _http = new FlurlClient()
                .WithHeader("User-Agent", UserAgent)
                .WithHeader("Accept", "application/json")
                .WithTimeout(DefaultTimeout)
                .AllowAnyHttpStatus();
        }

        public Uri HubUri { get; }

        public void Dispose() => _http.Dispose();

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
            const string what = "create an access token";
            var answer = await SendAsync(HttpMethod.Post, Route("v2", "access-tokens"), session, body, what, cancel).ConfigureAwait(false);
            return Map(session, Expect<AccessTokenJson>(answer, 201, what));
        }

        public async Task<HubAccessToken> UpdateAsync(HubSession session, Guid id, string? label, bool? isActive, CancellationToken cancel)
        {
            var body = new PatchAccessTokenJson { TokenLabel = label, IsActive = isActive };
            var what = $"update access token {id}";
            var answer = await SendAsync(new HttpMethod("PATCH"), TokenRoute(id), session, body, what, cancel).ConfigureAwait(false);
            return Map(session, Expect<AccessTokenJson>(answer, 200, what));
        }

        public async Task DeleteAsync(HubSession session, Guid id, CancellationToken cancel)
        {
            var what = $"remove access token {id}";
            var answer = await SendAsync(HttpMethod.Delete, TokenRoute(id), session, null, what, cancel).ConfigureAwait(false);

            // The spec says 204; the legacy route answered 202 (REFERENCE §3.6), so any 2xx is success.
            if (answer.Status < 200 || answer.Status > 299)
            {
                throw Failure(answer, what);
            }

            session.Forget(id);
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
            public Answer(int status, string body)
            {
                Status = status;
                Body = body;
            }

            public int Status { get; }
            public string Body { get; }
        }

        private async Task<Answer> SendAsync(HttpMethod method, Url url, HubSession? session, object? body, string what, CancellationToken cancel)
        {
            var request = _http.Request(url);
            if (session != null)
            {
                request = request.WithOAuthBearerToken(session.Bearer);
            }

            try
            {
                using var response = body is null
                    ? await request.SendAsync(method, null, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false)
                    : await request.SendJsonAsync(method, body, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false);
                var text = await response.GetStringAsync().ConfigureAwait(false);
                return new Answer(response.StatusCode, text ?? "");
            }
            catch (FlurlHttpTimeoutException ex)
            {
                throw new HubException(HubFailure.Unavailable,
                    $"Docker Hub at {HubUri.Host} did not answer within {DefaultTimeout.TotalSeconds:0} seconds (trying to {what}).", null, null, ex);
            }
            catch (FlurlHttpException ex) when (!cancel.IsCancellationRequested)
            {
                throw new HubException(HubFailure.Unavailable,
                    $"Could not reach Docker Hub at {HubUri.Host} to {what}: {Innermost(ex).Message}", null, null, ex);
            }
            catch (FlurlHttpException) when (cancel.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancel);
            }
        }

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

        private static T Deserialize<T>(Answer answer, string what) where T : class =>
            TryDeserialize<T>(answer.Body)
            ?? throw new HubException(HubFailure.InvalidResponse,
                $"Docker Hub answered {answer.Status} to {what}, but the answer is not the JSON the Hub API describes: {HubErrorBody.Parse(answer.Body).Text ?? "(empty)"}",
                answer.Status);

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
                        $"Docker Hub does not let a session that signed in with a personal access token {what} (403 Forbidden). " +
                        "Sign in with the account password instead: Connect-HubAccount -Credential <user and password> [-OneTimePassword <2FA code>]." + hubSays, status);
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
