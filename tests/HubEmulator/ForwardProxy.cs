using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace HubEmulator;

/// <summary>
/// TEST-ONLY. `HubEmulator --forward-proxy [--port N] [--user U --password P]` runs a tiny forwarding
/// HTTP proxy instead of the Hub, so the module's -Proxy tests can see their requests really go through
/// a proxy. It forwards absolute-form requests (`GET http://host:port/path`) for http:// targets (no
/// CONNECT), asks for Basic credentials with 407 when started with --user/--password, and keeps a log
/// of what it saw at `GET /_proxy/log` (a request addressed to the proxy itself). It never logs the
/// Proxy-Authorization value, only whether one came and was accepted.
/// </summary>
internal static class ForwardProxy
{
    public const string Switch = "--forward-proxy";

    // Per RFC 9110 these describe one hop only and must not be forwarded.
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Authorization", "Proxy-Authenticate", "Proxy-Connection",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade", "Host",
    };

    private sealed record Entry(string Method, string Url, int Status, bool CredentialSent, bool CredentialAccepted);

    public static async Task<int> RunAsync(string[] args)
    {
        int port = 0;
        string? user = null, password = null;
        for (int i = 0; i < args.Length; i++)
        {
            string? value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case Switch:
                    continue;
                case "--port" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port):
                    break;
                case "--user" when value is not null:
                    user = value;
                    break;
                case "--password" when value is not null:
                    password = value;
                    break;
                default:
                    Console.Error.WriteLine($"HubEmulator: unknown or incomplete argument '{args[i]}'");
                    Console.Error.WriteLine($"usage: HubEmulator {Switch} [--port N] [--user U --password P]");
                    return 2;
            }

            i++;
        }

        string? expected = user is null ? null
            : "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();

        var log = new List<Entry>();
        using var upstream = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false });

        app.Run(async context =>
        {
            string target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
            if (target.StartsWith('/'))
            {
                await AnswerForItselfAsync(context, target, log, app);
                return;
            }

            if (!Uri.TryCreate(target, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp)
            {
                context.Response.StatusCode = 400;
                return;
            }

            string? sent = context.Request.Headers["Proxy-Authorization"];
            bool accepted = expected is not null && sent == expected;
            if (expected is not null && !accepted)
            {
                Add(log, new Entry(context.Request.Method, url.ToString(), 407, sent is not null, false));
                context.Response.StatusCode = 407;
                context.Response.Headers["Proxy-Authenticate"] = "Basic realm=\"HubEmulator proxy\"";
                return;
            }

            int status = await ForwardAsync(context, url, upstream);
            Add(log, new Entry(context.Request.Method, url.ToString(), status, sent is not null, accepted));
        });

        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        Console.Out.WriteLine($"HubEmulator listening on http://127.0.0.1:{new Uri(addresses!.Addresses.First()).Port} (forward proxy)");
        Console.Out.Flush();
        await app.WaitForShutdownAsync();
        return 0;
    }

    private static void Add(List<Entry> log, Entry entry)
    {
        lock (log)
        {
            log.Add(entry);
        }
    }

    // The proxy's own routes: its log, clearing it, and the shutdown the test helpers send to any emulator.
    private static async Task AnswerForItselfAsync(HttpContext context, string path, List<Entry> log, WebApplication app)
    {
        switch ((context.Request.Method, path))
        {
            case ("GET", "/_proxy/log"):
                Entry[] copy;
                lock (log)
                {
                    copy = log.ToArray();
                }

                await context.Response.WriteAsJsonAsync(copy.Select(e => new
                {
                    method = e.Method, url = e.Url, status = e.Status,
                    credential_sent = e.CredentialSent, credential_accepted = e.CredentialAccepted,
                }));
                break;
            case ("DELETE", "/_proxy/log"):
                lock (log)
                {
                    log.Clear();
                }

                context.Response.StatusCode = 204;
                break;
            case ("POST", "/_emulator/shutdown"):
                context.Response.StatusCode = 202;
                app.Lifetime.StopApplication();
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private static async Task<int> ForwardAsync(HttpContext context, Uri url, HttpClient upstream)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), url);
        if (context.Request.ContentLength > 0 || context.Request.Headers.ContainsKey("Transfer-Encoding"))
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var header in context.Request.Headers.Where(h => !HopByHop.Contains(h.Key)))
        {
            if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }
        }

        using var response = await upstream.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var header in response.Headers.Concat(response.Content.Headers).Where(h => !HopByHop.Contains(h.Key)))
        {
            context.Response.Headers[header.Key] = header.Value.ToArray();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        return (int)response.StatusCode;
    }
}
