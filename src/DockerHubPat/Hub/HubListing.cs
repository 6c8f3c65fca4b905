using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace DockerHubPat.Hub
{
    /// <summary>One page of a Hub list, already mapped; <see cref="Next"/> is Hub's link as sent.</summary>
    internal sealed class HubPage<T>
    {
        private static readonly IReadOnlyList<UnreadableEntry> None = new UnreadableEntry[0];

        public HubPage(IReadOnlyList<T> items, long? count, string? next, IReadOnlyList<UnreadableEntry>? unreadable = null)
        {
            Items = items;
            Count = count;
            Next = next;
            Unreadable = unreadable ?? None;
        }

        public IReadOnlyList<T> Items { get; }

        /// <summary>How many items the whole list has, as this page says; null when it does not say.</summary>
        public long? Count { get; }

        public string? Next { get; }

        /// <summary>Entries of this page that could not be read; they are not in <see cref="Items"/>.</summary>
        public IReadOnlyList<UnreadableEntry> Unreadable { get; }

        /// <summary>
        /// The page with its entries read one by one: an entry that is not the JSON the API describes
        /// becomes an <see cref="UnreadableEntry"/>, and the other entries are still read.
        /// </summary>
        /// <param name="what">"list access tokens": what the request did, for messages.</param>
        public static HubPage<T> Read<TJson>(IReadOnlyList<JsonElement> entries, Func<TJson, T> map, long? count, string? next, string what)
            where TJson : class
        {
            var items = new List<T>();
            var unreadable = new List<UnreadableEntry>();
            for (var i = 0; i < entries.Count; i++)
            {
                var entry = entries[i];
                try
                {
                    items.Add(map(entry.ValueKind == JsonValueKind.Object
                        ? JsonSerializer.Deserialize<TJson>(entry.GetRawText())!
                        : throw new HubException(HubFailure.InvalidResponse, $"it is a JSON {entry.ValueKind.ToString().ToLowerInvariant()}, not an object")));
                }
                catch (Exception ex) when (ex is JsonException || ex is HubException)
                {
                    var why = ex is JsonException json ? $"its field '{json.Path?.TrimStart('$', '.')}' is not what the API describes" : ex.Message.TrimEnd('.');
                    unreadable.Add(new UnreadableEntry(entry.GetRawText(), IdOf(entry), new HubException(HubFailure.InvalidResponse,
                        $"Docker Hub's answer to {what} has an entry that cannot be read (entry {i + 1} of {entries.Count} on its page): {why}. " +
                        "The entry was left out and the rest of the list was read.", 200)));
                }
            }

            return new HubPage<T>(items, count, next, unreadable);
        }

        // The entry's id, when it has a readable one: "uuid" (personal tokens) or "id" (organization tokens).
        private static Guid? IdOf(JsonElement entry)
        {
            foreach (var name in new[] { "uuid", "id" })
            {
                if (entry.ValueKind == JsonValueKind.Object && entry.TryGetProperty(name, out var value)
                    && value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id))
                {
                    return id;
                }
            }

            return null;
        }
    }

    /// <summary>A list entry that could not be read: why, and its id when that much was readable.</summary>
    internal sealed class UnreadableEntry
    {
        public UnreadableEntry(string rawJson, Guid? id, HubException error)
        {
            RawJson = rawJson;
            Id = id;
            Error = error;
        }

        /// <summary>The entry as Hub sent it; it tells the same entry apart when the list is read again. Never shown.</summary>
        public string RawJson { get; }

        public Guid? Id { get; }

        public HubException Error { get; }
    }

    /// <summary>
    /// Reads a Hub list page by page, following Hub's absolute `next` links: only to the Hub the
    /// session belongs to (the bearer goes wherever `next` points), never twice to the same page.
    /// Hub pages by offset, so when items are removed while the list is read (as when a pipeline
    /// removes what it lists, starting with the first page)
    /// later pages shift and would skip items. A change of the count between pages, or a linked
    /// page that no longer exists, shows that happened; the list is then read again, items already
    /// seen skipped, until one reading sees no change. Route-agnostic: the caller gives the first
    /// page's address and reads a page.
    /// </summary>
    internal sealed class HubListing<T>
    {
        public const int MaxReadings = 20;

        private readonly string _name;
        private readonly Uri _hub;
        private readonly Uri _firstPage;
        private readonly Func<Uri, CancellationToken, Task<HubPage<T>>> _readPage;
        private readonly Func<T, Guid> _key;
        private readonly HashSet<Guid> _seen = new HashSet<Guid>();
        private readonly HashSet<string> _pagesOfReading = new HashSet<string>();
        private readonly HashSet<string> _unreadableSeen = new HashSet<string>();
        private readonly List<UnreadableEntry> _unreadable = new List<UnreadableEntry>();
        private Uri? _next;
        private long? _lastCount;
        private bool _changed;
        private HubException? _loop;

        /// <param name="name">What the list is called in messages, such as "token list".</param>
        public HubListing(string name, Uri hub, Uri firstPage, Func<Uri, CancellationToken, Task<HubPage<T>>> readPage, Func<T, Guid> key)
        {
            _name = name;
            _hub = hub;
            _firstPage = firstPage;
            _readPage = readPage;
            _key = key;
            _next = firstPage;
        }

        /// <summary>Which reading of the list this is: 1, then one more each time the list changed.</summary>
        public int Reading { get; private set; } = 1;

        /// <summary>Pages read so far, in all readings.</summary>
        public int Pages { get; private set; }

        /// <summary>Items listed so far in this reading, and the list's count as the last page said (null: not said).</summary>
        public long Listed { get; private set; }

        public long? Count { get; private set; }

        /// <summary>How many entries could not be read so far, each counted once over all readings.</summary>
        public int UnreadableCount => _unreadableSeen.Count;

        /// <summary>Whether another page follows in this reading.</summary>
        public bool HasMore => _next != null;

        /// <summary>The list was still changing after <see cref="MaxReadings"/> readings; items may be missing.</summary>
        public bool KeptChanging { get; private set; }

        /// <summary>
        /// The next page's items not seen before (maybe none); null when the list has been read
        /// whole. A caller that has enough may stop calling at any time.
        /// </summary>
        public async Task<IReadOnlyList<T>?> NextAsync(CancellationToken cancel)
        {
            if (_loop != null)
            {
                throw _loop;
            }

            if (_next is null && !StartNextReading())
            {
                return null;
            }

            var page = await ReadAsync(_next!, cancel).ConfigureAwait(false);
            if (page is null)
            {
                return new T[0]; // the list shrank below the linked page; the next call reads it again
            }

            Pages++;
            if (page.Count != null)
            {
                _changed |= _lastCount != null && _lastCount != page.Count;
                _lastCount = page.Count;
                Count = page.Count;
            }

            Listed += page.Items.Count;
            _unreadable.AddRange(page.Unreadable.Where(u => _unreadableSeen.Add(u.RawJson)));
            _next = string.IsNullOrEmpty(page.Next) ? null : SameSite(page.Next!);
            if (_next != null && !_pagesOfReading.Add(_next.AbsoluteUri))
            {
                // This page's items are good; the listing stops at the next call.
                _loop = new HubException(HubFailure.InvalidResponse,
                    $"Docker Hub's {_name} links back to a page it already sent ({_next}); the listing was stopped.");
            }

            return page.Items.Where(i => _seen.Add(_key(i))).ToList();
        }

        /// <summary>The entries that could not be read since the last call, each once over all readings.</summary>
        public IReadOnlyList<UnreadableEntry> TakeUnreadable()
        {
            var taken = _unreadable.ToList();
            _unreadable.Clear();
            return taken;
        }

        /// <summary>Every item, reading again as long as the list changes.</summary>
        public async Task<IReadOnlyList<T>> ReadAllAsync(CancellationToken cancel)
        {
            var all = new List<T>();
            while (await NextAsync(cancel).ConfigureAwait(false) is IReadOnlyList<T> items)
            {
                all.AddRange(items);
            }

            return all;
        }

        private async Task<HubPage<T>?> ReadAsync(Uri page, CancellationToken cancel)
        {
            try
            {
                return await _readPage(page, cancel).ConfigureAwait(false);
            }
            catch (HubException ex) when (page != _firstPage && (ex.Failure == HubFailure.InvalidRequest || ex.Failure == HubFailure.NotFound))
            {
                _changed = true;
                _next = null;
                return null;
            }
        }

        private bool StartNextReading()
        {
            if (!_changed)
            {
                return false;
            }

            if (Reading == MaxReadings)
            {
                KeptChanging = true;
                return false;
            }

            HubReport.Verbose($"The {_name} changed while it was read; reading it again so nothing is skipped.");
            Reading++;
            _changed = false;
            _lastCount = null;
            Listed = 0;
            _pagesOfReading.Clear();
            _next = _firstPage;
            return true;
        }

        // The bearer goes wherever `next` points, so a link to another site is refused, not followed.
        private Uri SameSite(string link)
        {
            if (Uri.TryCreate(link, UriKind.Absolute, out var uri)
                && Uri.Compare(uri, _hub, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0)
            {
                return uri;
            }

            throw new HubException(HubFailure.InvalidResponse,
                $"Docker Hub's next-page link '{link}' does not point to {_hub.GetLeftPart(UriPartial.Authority)}; the listing was stopped so the session is not sent elsewhere.");
        }
    }
}
