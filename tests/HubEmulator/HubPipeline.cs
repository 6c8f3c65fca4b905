using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;

namespace HubEmulator;

/// <summary>
/// The single wrapper around every Hub request: rate-limit headers, the request log, latency,
/// faults from <c>/_emulator/faults</c>, the exact-path check and JSON bodies for errors the
/// framework would leave empty. Faults live here rather than in the route handlers so that every
/// route, matched or not, can be made to misbehave in the same way.
/// </summary>
internal sealed class HubPipeline(RequestDelegate next, HubState state, ILogger<HubPipeline> logger)
{
    private static readonly string[] KnownSchemes = ["Bearer", "Basic", "JWT", "Token", "Digest"];

    public async Task InvokeAsync(HttpContext ctx)
    {
        if (ControlApi.IsControlPath(ctx.Request.Path))
        {
            await next(ctx);
            return;
        }

        HubSettings settings = state.Settings;
        var exchange = new Exchange(ctx, state, state.RateLimit.Take(state.Now, settings.RateLimitPerMinute));

        // OnStarting runs before any byte reaches the client, so the headers are on every
        // response, and the log entry exists before the caller can turn round and query it.
        ctx.Response.OnStarting(() =>
        {
            if (exchange.QuotaHeaders is RateQuota quota)
            {
                // TryAdd: a fault's own "headers" may give one of these a value of its choosing.
                var headers = ctx.Response.Headers;
                headers.TryAdd("X-RateLimit-Limit", quota.Limit.ToString(CultureInfo.InvariantCulture));
                headers.TryAdd("X-RateLimit-Remaining", quota.Remaining.ToString(CultureInfo.InvariantCulture));
                headers.TryAdd("X-RateLimit-Reset", quota.ResetUnix.ToString(CultureInfo.InvariantCulture));
            }

            exchange.Record(ctx.Response.StatusCode);
            return Task.CompletedTask;
        });

        FaultDecision decision = state.Faults.Decide(ctx.Request.Method, ctx.Request.Path.Value ?? "");
        if (decision.Delayed)
        {
            exchange.Fault = FaultKind.Latency;
        }

        long delayMs = settings.LatencyMs + decision.DelayMs;
        if (delayMs > 0)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(delayMs), ctx.RequestAborted);
            }
            catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
            {
                // A client that gives up during an injected delay is part of what the test is
                // probing, so leave a trace of it; there is nobody left to answer.
                if (decision.Delayed)
                {
                    exchange.Record(null);
                }

                return;
            }
        }

        if (decision.Answer is FaultSpec fault)
        {
            exchange.Fault = fault.Kind;
            await AnswerWithFaultAsync(exchange, fault);
            return;
        }

        await HandleAsync(exchange);
    }

    /// <summary>What Hub itself would answer: the rate limit, the path check, the route.</summary>
    private async Task HandleAsync(Exchange exchange)
    {
        HttpContext ctx = exchange.Context;
        if (!exchange.Quota.Allowed)
        {
            long wait = Math.Max(1, exchange.Quota.ResetUnix - state.Now.ToUnixTimeSeconds());
            ctx.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);
            await new JsonReply(429, new JsonObject { ["detail"] = "Rate limit exceeded", ["error"] = false })
                .ExecuteAsync(ctx);
            return;
        }

        if (!HubRoutes.IsKnownPath(ctx.Request.Path.Value ?? ""))
        {
            await HubReplies.Error(404, "Not found.").ExecuteAsync(ctx);
            return;
        }

        try
        {
            await next(ctx);
        }
        catch (Exception ex) when (!ctx.Response.HasStarted && !ctx.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(ex, "Unhandled error on {Method} {Path}", ctx.Request.Method, ctx.Request.Path);
            ctx.Response.Clear();
            await HubReplies.Error(500, "A server error occurred.").ExecuteAsync(ctx);
            return;
        }

        // Routing's own 405 (wrong method on a known path) has no body; Hub's has a JSON one.
        if (!ctx.Response.HasStarted && ctx.Response.StatusCode >= 400 && ctx.Response.ContentType is null)
        {
            string text = ctx.Response.StatusCode == 405
                ? $"Method \"{ctx.Request.Method}\" not allowed."
                : "Request failed.";
            await HubReplies.Error(ctx.Response.StatusCode, text).ExecuteAsync(ctx);
        }
    }

    private async Task AnswerWithFaultAsync(Exchange exchange, FaultSpec fault)
    {
        HttpContext ctx = exchange.Context;
        switch (fault.Kind)
        {
            case FaultKind.Status:
                await AnswerWithStatusAsync(ctx, fault);
                break;

            case FaultKind.StatusAfter:
                byte[] applied = await HandleBufferedAsync(exchange);
                if (fault.Body is null && fault.Status < 400)
                {
                    // The route's own answer under another status: a create confirmed with 200.
                    AddHeaders(ctx, fault);
                    ctx.Response.StatusCode = fault.Status;
                    await ctx.Response.Body.WriteAsync(applied, ctx.RequestAborted);
                }
                else
                {
                    ctx.Response.Headers.Clear();
                    await AnswerWithStatusAsync(ctx, fault);
                }

                break;

            case FaultKind.DelayAfter:
                byte[] held = await HandleBufferedAsync(exchange);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(fault.Ms), ctx.RequestAborted);
                }
                catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
                {
                    // The change is made; the client gave up before hearing so.
                    exchange.Record(null);
                    return;
                }

                await ctx.Response.Body.WriteAsync(held, ctx.RequestAborted);
                break;

            case FaultKind.EditJson:
                byte[] original = await HandleBufferedAsync(exchange);
                byte[] edited = EditJson(original, fault.Edits);
                ctx.Response.ContentLength = edited.Length;
                await ctx.Response.Body.WriteAsync(edited, ctx.RequestAborted);
                break;

            case FaultKind.RateLimit:
                await TooManyRequestsAsync(exchange, fault);
                break;

            case FaultKind.DropBefore:
                Drop(exchange, fault.Reset);
                break;

            case FaultKind.DropAfter:
                await HandleBufferedAsync(exchange);
                Drop(exchange, fault.Reset);
                break;

            case FaultKind.NonJson:
                await WriteAsync(ctx, 200, "text/plain", "OK"u8.ToArray());
                break;

            case FaultKind.Html:
                string title = $"{fault.Status} {Reason(fault.Status)}";
                string page = "<!DOCTYPE html>\n<html>\n<head><title>" + title + "</title></head>\n<body>\n<h1>" + title
                    + "</h1>\n<p>The upstream server did not answer properly. Please try again later.</p>\n</body>\n</html>\n";
                await WriteAsync(ctx, fault.Status, "text/html; charset=utf-8", Encoding.UTF8.GetBytes(page));
                break;

            case FaultKind.TruncatedJson:
                byte[] full = await HandleBufferedAsync(exchange);
                if (full.Length > 0)
                {
                    byte[] half = full[..(full.Length / 2)];
                    ctx.Response.ContentLength = half.Length;
                    await ctx.Response.Body.WriteAsync(half, ctx.RequestAborted);
                }

                break;
        }
    }

    /// <summary>A status fault's answer: the test's body, or the gateway's {"message","errinfo"}
    /// shape, since 5xx from Hub's edge are not produced by the Django side that uses the others.</summary>
    private static async Task AnswerWithStatusAsync(HttpContext ctx, FaultSpec fault)
    {
        AddHeaders(ctx, fault);
        byte[] body = fault.Body is null
            ? JsonReply.Serialize(new JsonObject { ["message"] = Reason(fault.Status), ["errinfo"] = new JsonObject() })
            : Encoding.UTF8.GetBytes(fault.Body);
        await WriteAsync(ctx, fault.Status, fault.ContentType, body);
    }

    private static void AddHeaders(HttpContext ctx, FaultSpec fault)
    {
        foreach (var (name, value) in fault.Headers)
        {
            ctx.Response.Headers[name] = value;
        }
    }

    /// <summary>A body that is not JSON (or is empty, as a 204's) goes out unchanged.</summary>
    private static byte[] EditJson(byte[] body, IReadOnlyList<JsonEdit> edits)
    {
        JsonNode? root;
        try
        {
            root = body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            root = null;
        }

        if (root is null)
        {
            return body;
        }

        foreach (JsonEdit edit in edits)
        {
            edit.ApplyTo(root);
        }

        return JsonReply.Serialize(root);
    }

    /// <summary>Each header form goes out on its own, without the usual X-RateLimit-* trio (the
    /// spec puts those on non-limited responses), so the client must read the one it is given.</summary>
    private async Task TooManyRequestsAsync(Exchange exchange, FaultSpec fault)
    {
        HttpContext ctx = exchange.Context;
        string seconds = fault.Seconds.ToString(CultureInfo.InvariantCulture);
        string until = (state.Now.ToUnixTimeSeconds() + fault.Seconds).ToString(CultureInfo.InvariantCulture);
        exchange.QuotaHeaders = null;
        switch (fault.Header)
        {
            case WaitHeader.RetryAfter:
                ctx.Response.Headers.RetryAfter = seconds;
                break;
            case WaitHeader.XRetryAfter:
                ctx.Response.Headers["X-Retry-After"] = until;
                break;
            case WaitHeader.XRateLimitReset:
                ctx.Response.Headers["X-RateLimit-Limit"] = exchange.Quota.Limit.ToString(CultureInfo.InvariantCulture);
                ctx.Response.Headers["X-RateLimit-Remaining"] = "0";
                ctx.Response.Headers["X-RateLimit-Reset"] = until;
                break;
        }

        if (fault.PlainText)
        {
            await WriteAsync(ctx, 429, "text/plain", "Too Many Requests (HAP429)."u8.ToArray());
        }
        else
        {
            await new JsonReply(429, new JsonObject { ["detail"] = "Rate limit exceeded", ["error"] = false }).ExecuteAsync(ctx);
        }
    }

    /// <summary>Runs the request for real with the response held back, so a fault can decide what
    /// (if anything) of it the client gets. Returns the body the route wrote.</summary>
    private async Task<byte[]> HandleBufferedAsync(Exchange exchange)
    {
        HttpContext ctx = exchange.Context;
        IHttpResponseBodyFeature original = ctx.Features.Get<IHttpResponseBodyFeature>()!;
        using var buffer = new MemoryStream();
        ctx.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(buffer));
        try
        {
            await HandleAsync(exchange);
        }
        finally
        {
            ctx.Features.Set(original);
        }

        return buffer.ToArray();
    }

    /// <summary>The log entry is written first: once the connection is gone the response never
    /// starts, so the usual OnStarting hook would not run.</summary>
    private static void Drop(Exchange exchange, bool reset)
    {
        exchange.Record(null);
        HttpContext ctx = exchange.Context;
        if (!reset && ctx.Features.Get<IConnectionSocketFeature>()?.Socket is Socket socket)
        {
            // Abort alone makes the kernel answer with a reset (the request may still be unread);
            // sending our FIN first gives the other common failure, a connection closed without
            // a reply, which clients report differently.
            try
            {
                socket.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
                // Already gone: the client sees a dropped connection either way.
            }
        }

        ctx.Abort();
    }

    private static async Task WriteAsync(HttpContext ctx, int status, string? contentType, byte[] body)
    {
        ctx.Response.StatusCode = status;
        // An empty content type means "send none", which some proxies do on their error pages.
        ctx.Response.ContentType = string.IsNullOrEmpty(contentType) ? null : contentType;
        ctx.Response.ContentLength = body.Length;
        await ctx.Response.Body.WriteAsync(body, ctx.RequestAborted);
    }

    private static string Reason(int status)
    {
        string phrase = ReasonPhrases.GetReasonPhrase(status);
        return phrase.Length > 0 ? phrase : "Error";
    }

    /// <summary>Only the scheme word is recorded, and only when it is a recognised one: a
    /// client that sends a bare secret as the header value must not get it into the log.</summary>
    private static string? AuthorizationScheme(HttpRequest request)
    {
        if (request.Headers.Authorization.Count == 0)
        {
            return null;
        }

        string header = request.Headers.Authorization[0] ?? "";
        int space = header.IndexOf(' ', StringComparison.Ordinal);
        string word = space < 0 ? header : header[..space];
        return KnownSchemes.Any(s => string.Equals(s, word, StringComparison.OrdinalIgnoreCase)) ? word : "other";
    }

    /// <summary>Per-request bookkeeping shared by the normal path, the fault paths and the
    /// OnStarting hook, so each request is logged exactly once whichever way it ends.</summary>
    private sealed class Exchange(HttpContext context, HubState state, RateQuota quota)
    {
        private readonly DateTime _arrived = state.UtcNow;
        private readonly string? _scheme = AuthorizationScheme(context.Request);
        private bool _recorded;

        public HttpContext Context { get; } = context;

        public RateQuota Quota { get; } = quota;

        /// <summary>Null when a fault supplies its own rate-limit headers (or none).</summary>
        public RateQuota? QuotaHeaders { get; set; } = quota;

        public FaultKind? Fault { get; set; }

        public void Record(int? status)
        {
            if (_recorded)
            {
                return;
            }

            _recorded = true;
            HttpRequest request = Context.Request;
            state.Log.Add(new RequestLogEntry(
                request.Method,
                request.Path.Value ?? "",
                request.QueryString.HasValue ? request.QueryString.Value![1..] : null,
                status,
                request.Headers.UserAgent.Count > 0 ? request.Headers.UserAgent.ToString() : null,
                _scheme,
                _arrived,
                Fault is FaultKind kind ? FaultSpec.NameOf(kind) : null));
        }
    }
}
