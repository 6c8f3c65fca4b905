using System.Globalization;
using System.Text.Json.Nodes;

namespace HubEmulator;

/// <summary>
/// The single wrapper around every Hub request: rate-limit headers, the request log, latency,
/// the exact-path check and JSON bodies for errors the framework would leave empty.
/// Fault injection (per route/count: delays, 5xx, 408, 429, plain-text bodies, dropped
/// connections, login lockout) is meant to slot in at the marked point in <see cref="InvokeAsync"/>,
/// driven by a <c>/_emulator/faults</c> control route, without touching the route handlers.
/// </summary>
internal sealed class HubPipeline(RequestDelegate next, HubState state, EmulatorOptions options, ILogger<HubPipeline> logger)
{
    private static readonly string[] KnownSchemes = ["Bearer", "Basic", "JWT", "Token", "Digest"];

    public async Task InvokeAsync(HttpContext ctx)
    {
        if (ControlApi.IsControlPath(ctx.Request.Path))
        {
            await next(ctx);
            return;
        }

        DateTime arrived = state.UtcNow;
        RateQuota quota = state.RateLimit.Take(state.Now);
        string? scheme = AuthorizationScheme(ctx.Request);

        // OnStarting runs before any byte reaches the client, so the headers are on every
        // response, and the log entry exists before the caller can turn round and query it.
        ctx.Response.OnStarting(() =>
        {
            var headers = ctx.Response.Headers;
            headers["X-RateLimit-Limit"] = quota.Limit.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Remaining"] = quota.Remaining.ToString(CultureInfo.InvariantCulture);
            headers["X-RateLimit-Reset"] = quota.ResetUnix.ToString(CultureInfo.InvariantCulture);
            state.Log.Add(new RequestLogEntry(
                ctx.Request.Method,
                ctx.Request.Path.Value ?? "",
                ctx.Request.QueryString.HasValue ? ctx.Request.QueryString.Value![1..] : null,
                ctx.Response.StatusCode,
                ctx.Request.Headers.UserAgent.Count > 0 ? ctx.Request.Headers.UserAgent.ToString() : null,
                scheme,
                arrived));
            return Task.CompletedTask;
        });

        if (options.LatencyMs > 0)
        {
            await Task.Delay(options.LatencyMs, ctx.RequestAborted);
        }

        // ---- fault-injection seam: a future fault plan decides here whether to answer instead
        // of the route (or to delay / abort), before anything below runs. ----

        if (!quota.Allowed)
        {
            long wait = Math.Max(1, quota.ResetUnix - state.Now.ToUnixTimeSeconds());
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
}
