using System.Net;
using HubEmulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Test-only: the same program as a forwarding proxy, for the module's -Proxy tests.
if (args.Contains(ForwardProxy.Switch))
{
    return await ForwardProxy.RunAsync(args);
}

if (!EmulatorOptions.TryParse(args, out EmulatorOptions options, out string argError))
{
    Console.Error.WriteLine($"HubEmulator: {argError}");
    Console.Error.WriteLine(EmulatorOptions.Usage);
    return 2;
}

SeedFile? seed = null;
if (options.SeedPath is not null)
{
    try
    {
        seed = SeedFile.Load(options.SeedPath);
    }
    catch (InvalidDataException ex)
    {
        Console.Error.WriteLine($"HubEmulator: {ex.Message}");
        return 2;
    }
}

// Our arguments are not handed to the builder: ASP.NET would read them as configuration keys.
var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
{
    Args = [],
    ContentRootPath = AppContext.BaseDirectory,
});

// Stdout carries exactly one line (the listening address) that harnesses parse, so all
// framework logging goes to stderr, and only warnings and worse.
builder.Logging.ClearProviders();
builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

// Loopback IPv4 only: the emulator has no auth on its control routes.
builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));

var state = new HubState(TimeProvider.System, HubSettings.FromOptions(options));
if (seed is not null)
{
    state.SetReseed(seed.ApplyTo);
}

builder.Services.AddSingleton(options);
builder.Services.AddSingleton(state);

var app = builder.Build();

// The Hub pipeline runs before routing so that fault injection can answer for any path,
// matched or not.
app.UseMiddleware<HubPipeline>();
app.UseRouting();

new HubRoutes(state).Map(app);
new ControlApi(state, app.Lifetime).Map(app);
// Scoped to the control prefix: a catch-all fallback would also outrank routing's 405 for
// a wrong method on a Hub path.
app.MapFallback(ControlApi.Prefix + "/{**rest}", () => ControlApi.Problem(404, "no such control route"));

try
{
    await app.StartAsync();
}
catch (IOException ex)
{
    // Typically a fixed --port already in use: fail with a message, not a crash dump.
    Console.Error.WriteLine($"HubEmulator: cannot listen on 127.0.0.1:{options.Port}: {ex.Message}");
    return 1;
}

var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
int port = new Uri(addresses!.Addresses.First()).Port;
Console.Out.WriteLine($"HubEmulator listening on http://127.0.0.1:{port}");
Console.Out.Flush();

await app.WaitForShutdownAsync();
return 0;
