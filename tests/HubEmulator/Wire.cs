using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace HubEmulator;

/// <summary>Timestamps in Hub's wire format.</summary>
internal static partial class WireTime
{
    public static string Format(DateTime utc) =>
        utc.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Hub stores microseconds; dropping the 100 ns tick keeps what we return equal to
    /// what we compare against.</summary>
    public static DateTime TruncateToMicroseconds(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    /// <summary>Strict RFC 3339 date-time (upper-case <c>T</c> and <c>Z</c>, seconds, an explicit
    /// zone): a client that sends anything looser would be relying on server leniency.</summary>
    public static bool TryParseRfc3339(string text, out DateTime utc)
    {
        utc = default;
        Match m = Rfc3339().Match(text);
        if (!m.Success)
        {
            return false;
        }

        // .NET parses at most 7 fractional digits; RFC 3339 allows more.
        string fraction = m.Groups["frac"].Success ? m.Groups["frac"].Value : "";
        if (fraction.Length > 8)
        {
            fraction = fraction[..8];
        }

        string normalized = m.Groups["main"].Value + fraction + m.Groups["zone"].Value;
        if (!DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset parsed))
        {
            return false;
        }

        utc = TruncateToMicroseconds(parsed.UtcDateTime);
        return true;
    }

    [GeneratedRegex(@"^(?<main>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?<frac>\.\d{1,9})?(?<zone>Z|[+-]\d{2}:\d{2})$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Rfc3339();
}

/// <summary>Writes a JSON body with exactly <c>application/json</c> as its content type.</summary>
internal sealed class JsonReply(int status, JsonNode body) : IResult
{
    // Relaxed escaping keeps messages like "\"repo:bogus\" is not a valid choice." readable;
    // this is an API, never rendered as HTML.
    private static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Serialize(JsonNode node) =>
        System.Text.Encoding.UTF8.GetBytes(node.ToJsonString(Options));

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        byte[] bytes = Serialize(body);
        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = "application/json";
        httpContext.Response.ContentLength = bytes.Length;
        await httpContext.Response.Body.WriteAsync(bytes, httpContext.RequestAborted);
    }
}

/// <summary>Per-field validation messages, reported together the way Hub's serializers do.</summary>
internal sealed class FieldErrors
{
    private readonly List<KeyValuePair<string, List<string>>> _fields = [];

    public bool Any => _fields.Count > 0;

    public int Count => _fields.Sum(f => f.Value.Count);

    public void Add(string field, string message)
    {
        foreach (var pair in _fields)
        {
            if (pair.Key == field)
            {
                pair.Value.Add(message);
                return;
            }
        }

        _fields.Add(new(field, [message]));
    }

    public string Summary() =>
        string.Join(" ", _fields.Select(f => $"{f.Key}: {string.Join(" ", f.Value)}"));

    public JsonObject ToValueError(string text = "Invalid request")
    {
        var fields = new JsonObject();
        foreach (var (field, messages) in _fields)
        {
            fields[field] = new JsonArray([.. messages.Select(m => (JsonNode?)JsonValue.Create(m))]);
        }

        return new JsonObject { ["fields"] = fields, ["text"] = text };
    }
}

internal sealed record BodyRead(JsonElement Body, int ProblemStatus, string? Problem)
{
    public bool Ok => Problem is null;
}

internal static class JsonInput
{
    private const int MaxBodyBytes = 1 << 20;

    /// <summary>Reads a JSON object body. With <paramref name="requireJsonMediaType"/> the
    /// Content-Type must be application/json, because the spec documents no other request
    /// media type: a client that forgets the header must fail here rather than in production.</summary>
    public static async Task<BodyRead> ReadObjectAsync(HttpRequest request, bool requireJsonMediaType)
    {
        if (requireJsonMediaType && !IsJsonMediaType(request.ContentType))
        {
            string shown = string.IsNullOrEmpty(request.ContentType) ? "" : request.ContentType;
            return new BodyRead(default, StatusCodes.Status415UnsupportedMediaType,
                $"Unsupported media type \"{shown}\" in request.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
        if (buffer.Length > MaxBodyBytes)
        {
            return new BodyRead(default, StatusCodes.Status400BadRequest, "Request body is too large.");
        }

        if (buffer.Length == 0)
        {
            return new BodyRead(default, StatusCodes.Status400BadRequest, "JSON parse error - request body is empty.");
        }

        JsonElement root;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(buffer.ToArray());
            root = doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            return new BodyRead(default, StatusCodes.Status400BadRequest, $"JSON parse error - {ex.Message}");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new BodyRead(default, StatusCodes.Status400BadRequest,
                $"Invalid data. Expected a dictionary, but got {KindName(root.ValueKind)}.");
        }

        return new BodyRead(root, 0, null);
    }

    /// <summary>A required, non-blank string field; null (with a message recorded) otherwise.
    /// Numbers are not coerced to strings: the spec types these fields as strings.</summary>
    public static string? RequiredString(JsonElement obj, string name, FieldErrors errors, int? maxLength = null)
    {
        if (!obj.TryGetProperty(name, out JsonElement value))
        {
            errors.Add(name, "This field is required.");
            return null;
        }

        return CheckString(value, name, errors, maxLength);
    }

    public static string? CheckString(JsonElement value, string name, FieldErrors errors, int? maxLength = null)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null:
                errors.Add(name, "This field may not be null.");
                return null;
            case JsonValueKind.String:
                break;
            default:
                errors.Add(name, "Not a valid string.");
                return null;
        }

        string text = value.GetString()!;
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(name, "This field may not be blank.");
            return null;
        }

        // Python-side length counts code points, not UTF-16 units.
        if (maxLength is int max && text.EnumerateRunes().Count() > max)
        {
            errors.Add(name, $"Ensure this field has no more than {max} characters.");
            return null;
        }

        return text;
    }

    /// <summary>Only JSON booleans: "true" as a string is a client bug the real API need not forgive.</summary>
    public static bool? ReadBoolean(JsonElement element, string name, FieldErrors errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.True:
                return true;
            case JsonValueKind.False:
                return false;
            case JsonValueKind.Null:
                errors.Add(name, "This field may not be null.");
                return null;
            default:
                errors.Add(name, "Must be a valid boolean.");
                return null;
        }
    }

    public static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "list",
        JsonValueKind.String => "str",
        JsonValueKind.Number => "int",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Null => "NoneType",
        _ => "dict",
    };

    private static bool IsJsonMediaType(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out MediaTypeHeaderValue? parsed)
        && string.Equals(parsed.MediaType, "application/json", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The error body shapes the spec defines; which one a route uses matters to clients
/// that pick fields by name.</summary>
internal static class HubReplies
{
    /// <summary>Schema <c>Error</c>: used by the PAT routes for 401/403/404.</summary>
    public static JsonReply Error(int status, string text) =>
        new(status, new JsonObject { ["detail"] = text, ["message"] = text });

    /// <summary>Schema <c>error</c> (lower case): used by <c>/v2/auth/token</c>.</summary>
    public static JsonReply LowerError(int status, string detail, string message) =>
        new(status, new JsonObject { ["errinfo"] = new JsonObject(), ["detail"] = detail, ["message"] = message });

    /// <summary>The <c>{"message","errinfo"}</c> shape Hub's gateway answers with for bearer
    /// problems it rejects before the Django side sees them (observed, not in the spec).</summary>
    public static JsonReply Gateway(int status, string message) =>
        new(status, new JsonObject { ["message"] = message, ["errinfo"] = new JsonObject() });

    public static JsonReply ValueError(FieldErrors errors) => new(StatusCodes.Status400BadRequest, errors.ToValueError());

    public static JsonReply ValueError(string field, string message, string text = "Invalid request")
    {
        var errors = new FieldErrors();
        errors.Add(field, message);
        return new(StatusCodes.Status400BadRequest, errors.ToValueError(text));
    }

    /// <summary>Maps a body that could not be read to the route family's error shape.</summary>
    public static JsonReply BodyProblem(BodyRead read) =>
        read.ProblemStatus == StatusCodes.Status415UnsupportedMediaType
            ? Error(read.ProblemStatus, read.Problem!)
            : ValueError("non_field_errors", read.Problem!);
}
