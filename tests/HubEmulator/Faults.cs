using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace HubEmulator;

internal enum FaultKind
{
    Latency,
    Status,
    RateLimit,
    DropBefore,
    DropAfter,
    NonJson,
    Html,
    TruncatedJson,
    DelayAfter,
    StatusAfter,
    EditJson,
}

/// <summary>The header a simulated 429 uses to say how long to wait. Each form is sent alone, so
/// a client that only understands one of them cannot pass by reading another.</summary>
internal enum WaitHeader
{
    RetryAfter,
    XRetryAfter,
    XRateLimitReset,
}

/// <summary>One fault as a test asked for it. Immutable: the pipeline acts on it outside the
/// plan's lock while other requests keep counting against the same fault.</summary>
internal sealed record FaultSpec
{
    public const int MaxDelayMs = 600_000;

    private static readonly Dictionary<string, FaultKind> KindsByName = new(StringComparer.Ordinal)
    {
        ["latency"] = FaultKind.Latency,
        ["status"] = FaultKind.Status,
        ["rate_limit"] = FaultKind.RateLimit,
        ["drop_before"] = FaultKind.DropBefore,
        ["drop_after"] = FaultKind.DropAfter,
        ["non_json"] = FaultKind.NonJson,
        ["html"] = FaultKind.Html,
        ["truncated_json"] = FaultKind.TruncatedJson,
        ["delay_after"] = FaultKind.DelayAfter,
        ["status_after"] = FaultKind.StatusAfter,
        ["edit_json"] = FaultKind.EditJson,
    };

    // Headers a fault may not set: the body it sends decides them.
    private static readonly string[] ReservedHeaders = ["Content-Length", "Content-Type", "Transfer-Encoding", "Connection"];

    /// <summary>Large enough for "Retry-After: 40000000", the value that once overflowed a client's timer.</summary>
    public const int MaxWaitSeconds = 100_000_000;

    private static readonly Dictionary<string, WaitHeader> HeadersByName = new(StringComparer.Ordinal)
    {
        ["retry-after"] = WaitHeader.RetryAfter,
        ["x-retry-after"] = WaitHeader.XRetryAfter,
        ["x-ratelimit-reset"] = WaitHeader.XRateLimitReset,
    };

    private static readonly string[] CommonFields = ["method", "path", "skip", "count", "kind"];

    public string Method { get; init; } = "*";
    public string Path { get; init; } = "*";
    public int Skip { get; init; }
    public int Count { get; init; } = 1;
    public FaultKind Kind { get; init; }
    public int Ms { get; init; }
    public int Status { get; init; }
    public string? Body { get; init; }
    public string? ContentType { get; init; }
    public WaitHeader Header { get; init; }
    public int Seconds { get; init; }
    public bool PlainText { get; init; }
    public bool Reset { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public IReadOnlyList<JsonEdit> Edits { get; init; } = [];

    public string KindName => NameOf(Kind);

    public static string NameOf(FaultKind kind) => KindsByName.First(k => k.Value == kind).Key;

    public bool Matches(string method, string path) =>
        (Method == "*" || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) && Wildcard.IsMatch(Path, path);

    /// <summary>Every field that affects behaviour, defaults filled in, so a listing shows what
    /// will actually happen rather than what was sent.</summary>
    public JsonObject ToJson()
    {
        var obj = new JsonObject
        {
            ["method"] = Method,
            ["path"] = Path,
            ["skip"] = Skip,
            ["count"] = Count,
            ["kind"] = KindName,
        };
        switch (Kind)
        {
            case FaultKind.Latency or FaultKind.DelayAfter:
                obj["ms"] = Ms;
                break;
            case FaultKind.Status or FaultKind.StatusAfter:
                obj["status"] = Status;
                obj["body"] = Body;
                obj["content_type"] = ContentType;
                var headers = new JsonObject();
                foreach (var (name, value) in Headers)
                {
                    headers[name] = value;
                }

                obj["headers"] = headers;
                break;
            case FaultKind.EditJson:
                obj["edits"] = new JsonArray([.. Edits.Select(e => (JsonNode?)e.ToJson())]);
                break;
            case FaultKind.RateLimit:
                obj["header"] = HeadersByName.First(h => h.Value == Header).Key;
                obj["seconds"] = Seconds;
                obj["plain_text"] = PlainText;
                break;
            case FaultKind.Html:
                obj["status"] = Status;
                break;
            case FaultKind.DropBefore or FaultKind.DropAfter:
                obj["reset"] = Reset;
                break;
        }

        return obj;
    }

    /// <summary>Unknown fields are refused rather than ignored: a misspelt "count" would
    /// otherwise leave a fault that fires once when the test expected it to fire forever.</summary>
    public static bool TryParse(JsonElement obj, out FaultSpec? spec, out string error)
    {
        spec = null;
        if (obj.ValueKind != JsonValueKind.Object)
        {
            error = "a fault must be a JSON object";
            return false;
        }

        if (!JsonFields.TryString(obj, "kind", out string? kindName, out error))
        {
            return false;
        }

        if (kindName is null || !KindsByName.TryGetValue(kindName, out FaultKind kind))
        {
            error = $"'kind' is required, one of: {string.Join(", ", KindsByName.Keys)}";
            return false;
        }

        string[] allowed = kind switch
        {
            FaultKind.Latency or FaultKind.DelayAfter => [.. CommonFields, "ms"],
            FaultKind.Status or FaultKind.StatusAfter => [.. CommonFields, "status", "body", "content_type", "headers"],
            FaultKind.EditJson => [.. CommonFields, "edits"],
            FaultKind.RateLimit => [.. CommonFields, "header", "seconds", "plain_text"],
            FaultKind.Html => [.. CommonFields, "status"],
            FaultKind.DropBefore or FaultKind.DropAfter => [.. CommonFields, "reset"],
            _ => CommonFields,
        };
        foreach (JsonProperty property in obj.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                error = $"'{property.Name}' is not a field of a {kindName} fault; allowed: {string.Join(", ", allowed)}";
                return false;
            }
        }

        if (!JsonFields.TryString(obj, "method", out string? method, out error)
            || !JsonFields.TryString(obj, "path", out string? path, out error)
            || !JsonFields.TryInt(obj, "skip", 0, int.MaxValue, out int? skip, out error)
            || !JsonFields.TryInt(obj, "count", 0, int.MaxValue, out int? count, out error))
        {
            return false;
        }

        method ??= "*";
        if (method != "*" && (method.Length == 0 || !method.All(char.IsAsciiLetter)))
        {
            error = "'method' must be an HTTP method such as DELETE, or \"*\"";
            return false;
        }

        path ??= "*";
        if (path.Length == 0 || path.Contains('?', StringComparison.Ordinal))
        {
            error = "'path' must be a non-empty request path (matched without the query string; '*' is the only wildcard)";
            return false;
        }

        var parsed = new FaultSpec
        {
            Method = method == "*" ? "*" : method.ToUpperInvariant(),
            Path = path,
            Skip = skip ?? 0,
            Count = count ?? 1,
            Kind = kind,
        };

        switch (kind)
        {
            case FaultKind.Latency or FaultKind.DelayAfter:
                if (!obj.TryGetProperty("ms", out _))
                {
                    error = $"a {kindName} fault needs 'ms'";
                    return false;
                }

                if (!JsonFields.TryInt(obj, "ms", 0, MaxDelayMs, out int? ms, out error))
                {
                    return false;
                }

                parsed = parsed with { Ms = ms!.Value };
                break;

            case FaultKind.Status or FaultKind.StatusAfter:
                if (!obj.TryGetProperty("status", out _))
                {
                    error = kind == FaultKind.Status
                        ? "a status fault needs 'status' (e.g. 500, 502, 503, 504, 408)"
                        : "a status_after fault needs 'status' (e.g. 200 for a create, 500 or 503 after a change)";
                    return false;
                }

                // status_after may answer a success code too: a create answered 200 rather than 201.
                if (!JsonFields.TryInt(obj, "status", kind == FaultKind.Status ? 400 : 200, 599, out int? status, out error)
                    || !JsonFields.TryString(obj, "body", out string? body, out error)
                    || !JsonFields.TryString(obj, "content_type", out string? contentType, out error)
                    || !TryParseHeaders(obj, out List<KeyValuePair<string, string>> headers, out error))
                {
                    return false;
                }

                // A body of our own making is JSON; one the test supplies is taken as text unless
                // the test says otherwise, since it is most often there to be something other than JSON.
                // status_after without a body keeps the route's own one below 400 (its content type too).
                parsed = parsed with
                {
                    Status = status!.Value,
                    Body = body,
                    ContentType = contentType ?? (body is not null ? "text/plain"
                        : kind == FaultKind.StatusAfter && status < 400 ? null : "application/json"),
                    Headers = headers,
                };
                break;

            case FaultKind.EditJson:
                if (!obj.TryGetProperty("edits", out JsonElement edits) || edits.ValueKind != JsonValueKind.Array
                    || edits.GetArrayLength() == 0)
                {
                    error = "an edit_json fault needs 'edits': a non-empty array of {path, value | remove | float}";
                    return false;
                }

                var parsedEdits = new List<JsonEdit>();
                foreach (JsonElement edit in edits.EnumerateArray())
                {
                    if (!JsonEdit.TryParse(edit, out JsonEdit? one, out error))
                    {
                        return false;
                    }

                    parsedEdits.Add(one!);
                }

                parsed = parsed with { Edits = parsedEdits };
                break;

            case FaultKind.RateLimit:
                if (!JsonFields.TryString(obj, "header", out string? headerName, out error)
                    || !JsonFields.TryInt(obj, "seconds", -MaxWaitSeconds, MaxWaitSeconds, out int? seconds, out error)
                    || !JsonFields.TryBool(obj, "plain_text", out bool? plainText, out error))
                {
                    return false;
                }

                WaitHeader header = WaitHeader.RetryAfter;
                if (headerName is not null && !HeadersByName.TryGetValue(headerName.ToLowerInvariant(), out header))
                {
                    error = $"'header' must be one of: {string.Join(", ", HeadersByName.Keys)}";
                    return false;
                }

                // Negative seconds put a unix time in the past (a client clock ahead of Hub's); a
                // negative Retry-After is not an HTTP value at all.
                if (header == WaitHeader.RetryAfter && seconds < 0)
                {
                    error = "'seconds' must be 0 or more with the retry-after header; negative values are for the unix-time headers";
                    return false;
                }

                parsed = parsed with { Header = header, Seconds = seconds ?? 1, PlainText = plainText ?? false };
                break;

            case FaultKind.Html:
                if (!JsonFields.TryInt(obj, "status", 400, 599, out int? htmlStatus, out error))
                {
                    return false;
                }

                parsed = parsed with { Status = htmlStatus ?? 502 };
                break;

            case FaultKind.DropBefore or FaultKind.DropAfter:
                if (!JsonFields.TryBool(obj, "reset", out bool? reset, out error))
                {
                    return false;
                }

                parsed = parsed with { Reset = reset ?? false };
                break;
        }

        spec = parsed;
        return true;
    }
    private static bool TryParseHeaders(JsonElement obj, out List<KeyValuePair<string, string>> headers, out string error)
    {
        headers = [];
        error = "";
        if (!obj.TryGetProperty("headers", out JsonElement element))
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            error = "'headers' must be an object of header names to string values";
            return false;
        }

        foreach (JsonProperty header in element.EnumerateObject())
        {
            if (header.Value.ValueKind != JsonValueKind.String || header.Name.Length == 0
                || !header.Name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                error = $"'headers': '{header.Name}' must be a header name with a string value";
                return false;
            }

            if (ReservedHeaders.Contains(header.Name, StringComparer.OrdinalIgnoreCase))
            {
                error = $"'headers': '{header.Name}' is decided by the body; use 'content_type' for the media type";
                return false;
            }

            headers.Add(new(header.Name, header.Value.GetString()!));
        }

        return true;
    }
}

/// <summary>What the plan decided for one request: a delay to add (from latency faults) and at
/// most one fault that answers instead of, or on top of, the route.</summary>
internal readonly record struct FaultDecision(long DelayMs, bool Delayed, FaultSpec? Answer);

/// <summary>The active faults, in the order they were added. All counting happens under one lock
/// inside <see cref="Decide"/>, so "skip 2, count 1" fires on exactly one request however many
/// arrive at once.</summary>
internal sealed class FaultPlan
{
    public const int MaxFaults = 1000;

    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private long _lastId;

    /// <summary>Null when the plan is full. Ids keep rising across clears and resets, so an id
    /// a test kept from before cannot delete a newer fault by accident.</summary>
    public string? Add(FaultSpec spec)
    {
        lock (_gate)
        {
            if (_entries.Count >= MaxFaults)
            {
                return null;
            }

            string id = "f" + (++_lastId).ToString(CultureInfo.InvariantCulture);
            _entries.Add(new Entry(id, spec));
            return id;
        }
    }

    public bool Remove(string id)
    {
        lock (_gate)
        {
            return _entries.RemoveAll(e => e.Id == id) > 0;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }

    public JsonArray ToJson()
    {
        lock (_gate)
        {
            var list = new JsonArray();
            foreach (Entry entry in _entries)
            {
                JsonObject obj = entry.Spec.ToJson();
                obj.Insert(0, "id", entry.Id);
                obj["matched"] = entry.Matched;
                obj["fired"] = entry.Fired;
                obj["active"] = !entry.Spent;
                list.Add(obj);
            }

            return list;
        }
    }

    /// <summary>Offers the request to each live fault in turn. A matching fault still skipping
    /// counts it and lets it pass on; the first one due to fire takes it. Latency faults fire and
    /// still pass the request on, so a delay can precede another fault's answer; any other kind
    /// ends the walk, and faults after it never see the request.</summary>
    public FaultDecision Decide(string method, string path)
    {
        lock (_gate)
        {
            if (_entries.Count == 0)
            {
                return default;
            }

            long delay = 0;
            bool delayed = false;
            foreach (Entry entry in _entries)
            {
                if (entry.Spent || !entry.Spec.Matches(method, path))
                {
                    continue;
                }

                entry.Matched++;
                if (entry.Matched <= entry.Spec.Skip)
                {
                    continue;
                }

                entry.Fired++;
                if (entry.Spec.Kind == FaultKind.Latency)
                {
                    delay = Math.Min(delay + entry.Spec.Ms, FaultSpec.MaxDelayMs);
                    delayed = true;
                    continue;
                }

                return new FaultDecision(delay, delayed, entry.Spec);
            }

            return new FaultDecision(delay, delayed, null);
        }
    }

    private sealed class Entry(string id, FaultSpec spec)
    {
        public string Id { get; } = id;
        public FaultSpec Spec { get; } = spec;
        public long Matched { get; set; }
        public long Fired { get; set; }

        public bool Spent => Spec.Count > 0 && Fired >= Spec.Count;
    }
}

/// <summary>Shell-style matching with <c>*</c> only (any run of characters, <c>/</c> included),
/// case-sensitive like Hub's paths.</summary>
internal static class Wildcard
{
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0;
        int t = 0;
        int star = -1;
        int resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (p < pattern.Length && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                // Let the last star swallow one more character and retry from there.
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}

internal enum JsonEditOp
{
    Set,
    Remove,
    Float,
}

/// <summary>One change an <c>edit_json</c> fault makes to a route's JSON answer. The path is
/// dot-separated: property names, array indexes, and <c>*</c> for every element or property
/// (<c>results.*.is_active</c>). Set creates a missing last property; the other operations skip
/// what is not there, so a fault written for a full page also fits a short one.</summary>
internal sealed record JsonEdit(string Path, JsonEditOp Op, string? RawValue)
{
    private const int MaxPathSegments = 16;

    public JsonObject ToJson()
    {
        var obj = new JsonObject { ["path"] = Path };
        switch (Op)
        {
            case JsonEditOp.Set:
                obj["value"] = JsonNode.Parse(RawValue!);
                break;
            case JsonEditOp.Remove:
                obj["remove"] = true;
                break;
            default:
                obj["float"] = true;
                break;
        }

        return obj;
    }

    public static bool TryParse(JsonElement edit, out JsonEdit? parsed, out string error)
    {
        parsed = null;
        error = "each edit is {\"path\": \"a.b.0\", and exactly one of \"value\": <json>, \"remove\": true, \"float\": true}";
        if (edit.ValueKind != JsonValueKind.Object || !edit.TryGetProperty("path", out JsonElement path)
            || path.ValueKind != JsonValueKind.String || path.GetString()!.Length == 0
            || path.GetString()!.Split('.').Length > MaxPathSegments || path.GetString()!.Split('.').Any(s => s.Length == 0))
        {
            return false;
        }

        var ops = edit.EnumerateObject().Where(p => p.Name != "path").ToList();
        if (ops.Count != 1)
        {
            return false;
        }

        JsonProperty op = ops[0];
        switch (op.Name)
        {
            case "value":
                parsed = new JsonEdit(path.GetString()!, JsonEditOp.Set, op.Value.GetRawText());
                return true;
            case "remove" when op.Value.ValueKind == JsonValueKind.True:
                parsed = new JsonEdit(path.GetString()!, JsonEditOp.Remove, null);
                return true;
            case "float" when op.Value.ValueKind == JsonValueKind.True:
                parsed = new JsonEdit(path.GetString()!, JsonEditOp.Float, null);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Applies the edit in place; the root itself cannot be replaced.</summary>
    public void ApplyTo(JsonNode root)
    {
        string[] segments = Path.Split('.');
        Apply(root, segments, 0);
    }

    private void Apply(JsonNode? node, string[] segments, int index)
    {
        string segment = segments[index];
        bool last = index == segments.Length - 1;
        switch (node)
        {
            case JsonObject obj:
                IEnumerable<string> names = segment == "*" ? [.. obj.Select(p => p.Key)] : [segment];
                foreach (string name in names)
                {
                    if (last)
                    {
                        Change(obj, name);
                    }
                    else if (obj.TryGetPropertyValue(name, out JsonNode? child))
                    {
                        Apply(child, segments, index + 1);
                    }
                }

                break;

            case JsonArray array:
                IEnumerable<int> positions = segment == "*"
                    ? Enumerable.Range(0, array.Count)
                    : int.TryParse(segment, out int position) && position >= 0 && position < array.Count ? [position] : [];
                // Highest first, so removing one element does not shift the ones still to visit.
                foreach (int i in positions.OrderDescending().ToList())
                {
                    if (last)
                    {
                        Change(array, i);
                    }
                    else
                    {
                        Apply(array[i], segments, index + 1);
                    }
                }

                break;
        }
    }

    private void Change(JsonObject obj, string name)
    {
        switch (Op)
        {
            case JsonEditOp.Set:
                obj[name] = JsonNode.Parse(RawValue!);
                break;
            case JsonEditOp.Remove:
                obj.Remove(name);
                break;
            default:
                if (obj.TryGetPropertyValue(name, out JsonNode? value) && AsFloat(value) is JsonNode floated)
                {
                    obj[name] = floated;
                }

                break;
        }
    }

    private void Change(JsonArray array, int i)
    {
        switch (Op)
        {
            case JsonEditOp.Set:
                array[i] = JsonNode.Parse(RawValue!);
                break;
            case JsonEditOp.Remove:
                array.RemoveAt(i);
                break;
            default:
                if (AsFloat(array[i]) is JsonNode floated)
                {
                    array[i] = floated;
                }

                break;
        }
    }

    /// <summary>An integer written as a float (<c>3</c> → <c>3.0</c>): the spec types counts as
    /// <c>number</c>, so a client must read both.</summary>
    private static JsonNode? AsFloat(JsonNode? value) =>
        value is JsonValue number && number.GetValueKind() == JsonValueKind.Number && number.TryGetValue(out long whole)
            ? JsonNode.Parse(whole.ToString(CultureInfo.InvariantCulture) + ".0")
            : null;
}
