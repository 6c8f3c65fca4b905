using System.Globalization;

namespace HubEmulator;

/// <summary>Command-line settings. Parsed by hand so that ASP.NET's own configuration
/// binder never sees (and silently reinterprets) our arguments.</summary>
internal sealed record EmulatorOptions(int Port, int LatencyMs, int JwtLifetimeSeconds, string? SeedPath)
{
    public const string Usage =
        "usage: HubEmulator [--port N] [--latency-ms N] [--jwt-lifetime-seconds N] [--seed path.json]";

    public static bool TryParse(string[] args, out EmulatorOptions options, out string error)
    {
        int port = 0;
        int latencyMs = 0;
        int jwtLifetime = 3600;
        string? seedPath = null;
        options = new EmulatorOptions(port, latencyMs, jwtLifetime, seedPath);
        error = "";

        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string? value = null;
            int eq = name.IndexOf('=', StringComparison.Ordinal);
            if (name.StartsWith("--", StringComparison.Ordinal) && eq > 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (name is not ("--port" or "--latency-ms" or "--jwt-lifetime-seconds" or "--seed"))
            {
                error = $"unknown argument '{args[i]}'";
                return false;
            }

            if (value is null)
            {
                if (i + 1 >= args.Length)
                {
                    error = $"{name} needs a value";
                    return false;
                }

                value = args[++i];
            }

            switch (name)
            {
                case "--port":
                    if (!TryInt(value, 0, 65535, out port))
                    {
                        error = "--port must be an integer from 0 to 65535";
                        return false;
                    }

                    break;
                case "--latency-ms":
                    if (!TryInt(value, 0, 600_000, out latencyMs))
                    {
                        error = "--latency-ms must be an integer from 0 to 600000";
                        return false;
                    }

                    break;
                case "--jwt-lifetime-seconds":
                    if (!TryInt(value, 1, 315_360_000, out jwtLifetime))
                    {
                        error = "--jwt-lifetime-seconds must be a positive integer";
                        return false;
                    }

                    break;
                default:
                    if (value.Length == 0)
                    {
                        error = "--seed needs a file path";
                        return false;
                    }

                    seedPath = value;
                    break;
            }
        }

        options = new EmulatorOptions(port, latencyMs, jwtLifetime, seedPath);
        return true;
    }

    private static bool TryInt(string text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
