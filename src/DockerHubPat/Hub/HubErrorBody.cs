using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace DockerHubPat.Hub
{
    /// <summary>
    /// Reads the error bodies Hub sends: `Error` {detail, message},
    /// `ValueError` {fields, text}, `error` {errinfo, detail, message}, the login failure
    /// {detail, login_2fa_token}, `rpcStatus` {code, message} — and plain text or HTML from the edge.
    /// </summary>
    internal sealed class HubErrorBody
    {
        private const int MaxTextLength = 300;

        private HubErrorBody(string? text, IReadOnlyDictionary<string, string[]> fields)
        {
            Text = text;
            Fields = fields;
        }

        /// <summary>Hub's own sentence, if it sent one.</summary>
        public string? Text { get; }

        /// <summary>Per-field messages of a ValueError.</summary>
        public IReadOnlyDictionary<string, string[]> Fields { get; }

        public static HubErrorBody Parse(string? body)
        {
            var empty = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(body))
            {
                return new HubErrorBody(null, empty);
            }

            var trimmed = body!.Trim();
            if (trimmed.StartsWith("{", StringComparison.Ordinal))
            {
                try
                {
                    using var doc = JsonDocument.Parse(trimmed);
                    return FromJson(doc.RootElement);
                }
                catch (JsonException)
                {
                    // Fall through: a truncated or broken JSON body is reported as text.
                }
            }

            if (trimmed.StartsWith("<", StringComparison.Ordinal))
            {
                return new HubErrorBody("the answer was an HTML page, not the Hub API", empty);
            }

            return new HubErrorBody(Shorten(trimmed), empty);
        }

        private static HubErrorBody FromJson(JsonElement root)
        {
            var fields = new Dictionary<string, string[]>(StringComparer.Ordinal);
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new HubErrorBody(null, fields);
            }

            if (root.TryGetProperty("fields", out var fieldsElement) && fieldsElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fieldsElement.EnumerateObject())
                {
                    fields[field.Name] = Messages(field.Value).ToArray();
                }
            }

            // Hub's newer errors put the sentence in `message`, older ones in `detail`, ValueError in `text`.
            var text = NonEmptyString(root, "message") ?? NonEmptyString(root, "detail") ?? NonEmptyString(root, "text");
            return new HubErrorBody(text is null ? null : Shorten(text), fields);
        }

        private static IEnumerable<string> Messages(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.Array:
                    return value.EnumerateArray().SelectMany(Messages);
                case JsonValueKind.String:
                    return new[] { value.GetString() ?? "" };
                case JsonValueKind.Object:
                    return value.EnumerateObject().SelectMany(p => Messages(p.Value).Select(m => p.Name + ": " + m));
                default:
                    return new[] { value.GetRawText() };
            }
        }

        private static string? NonEmptyString(JsonElement root, string name)
        {
            return root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
                && !string.IsNullOrWhiteSpace(value.GetString())
                ? value.GetString()
                : null;
        }

        private static string Shorten(string text)
        {
            var oneLine = string.Join(" ", text.Split(new[] { '\r', '\n' }, StringSplitOptions.RemoveEmptyEntries)).Trim();
            return oneLine.Length <= MaxTextLength ? oneLine : oneLine.Substring(0, MaxTextLength) + "…";
        }

        /// <summary>"text" followed by one "field: message" per field error.</summary>
        public string Describe()
        {
            var parts = new List<string>();
            if (Text != null)
            {
                parts.Add(Text.TrimEnd('.') + ".");
            }

            parts.AddRange(Fields.Select(f => $"{f.Key}: {string.Join(" ", f.Value)}"));
            return string.Join(" ", parts);
        }
    }
}
