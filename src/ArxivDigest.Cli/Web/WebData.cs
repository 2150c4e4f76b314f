using ArxivDigest.Digests;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using ArxivDigest.Storage;
using ArxivDigest.Translation;

namespace ArxivDigest.Cli.Web;

/// <summary>A paper with every stored version (oldest first) and the announcements that listed it.</summary>
public sealed record PaperRecord(IReadOnlyList<Paper> Versions, IReadOnlyList<PaperListing> Listings, TranslatedText Title, TranslatedText Abstract)
{
    public Paper Latest => Versions[^1];
}

/// <summary>
/// What the web reader reads, over a <see cref="StorePool"/> (<see cref="IPaperReader"/>s: SQLite or PostgreSQL):
/// digests rebuilt from stored days (as the <c>site</c> verb builds them), papers, and full-text search. A SQLite
/// connection is used by one request at a time, and as many requests read at once as the pool has connections (a
/// PostgreSQL store is shared by all, each read on a pooled connection); digests and day lists are cached for
/// <see cref="CacheLifetime"/>, so a busy server reads the store rarely and new fetches appear within that time.
/// Concurrent requests for an entry being loaded share the one load (which ignores their cancellation).
/// The translator is called by one request at a time (a SQLite translation cache has one connection of its own; on
/// PostgreSQL, whose store is shared, this keeps one translation batch in flight).
/// </summary>
public sealed class WebData(StorePool stores, IReadOnlyList<DigestSpec> specs, ITranslator translator, TimeProvider time)
{
    /// <summary>How long a cached digest or day list is served before it is read again.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private readonly ITranslator _translator = new SerializedTranslator(translator);
    private readonly Dictionary<string, (DateTimeOffset At, Task<object> Value)> _cache = new(StringComparer.Ordinal);

    public IReadOnlyList<DigestSpec> Specs => specs;

    public ITranslator Translator => _translator;

    /// <summary>The target language of the translations (the first digest's).</summary>
    public string Language => specs.Count > 0 ? specs[0].Language : "zh";

    public DigestSpec? Find(string name) => specs.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));

    /// <summary>The listing dates on which any of the digest's categories has a stored announcement, newest first.</summary>
    public Task<IReadOnlyList<DateOnly>> DaysAsync(DigestSpec spec, CancellationToken ct) =>
        CachedAsync($"days/{spec.Name}", () => SiteBuilderDates(spec, CancellationToken.None));

    /// <summary>The digest of one stored day, or null when none of its categories has that day.</summary>
    public Task<Digest?> DigestAsync(DigestSpec spec, DateOnly date, CancellationToken ct) =>
        CachedAsync($"digest/{spec.Name}/{date:yyyy-MM-dd}", () => BuildDigestAsync(spec, date, CancellationToken.None));

    /// <summary>A paper's versions and listings, with the latest version's cached translation; null when not stored.</summary>
    public async Task<PaperRecord?> PaperAsync(string id, CancellationToken ct)
    {
        var (versions, listings) = await LockedAsync(async store => (await store.GetPaperVersionsAsync(id, ct), await store.GetPaperListingsAsync(id, ct)), ct);
        if (versions.Count == 0)
        {
            return null;
        }

        var latest = versions[^1];
        var (title, @abstract) = await TranslateAsync(latest, ct);
        return new PaperRecord(versions, listings, title, @abstract);
    }

    /// <summary>True when the store answers a query.</summary>
    public async Task<bool> HealthyAsync(CancellationToken ct)
    {
        try
        {
            await LockedAsync(store => store.GetRunsAsync(1, ct), ct);
            return true;
        }
        catch (StoreException)
        {
            return false;
        }
    }

    private async Task<(TranslatedText Title, TranslatedText Abstract)> TranslateAsync(Paper paper, CancellationToken ct)
    {
        if (translator is NoneTranslator || Language.StartsWith("en", StringComparison.OrdinalIgnoreCase))
        {
            return (TranslatedText.Disabled, TranslatedText.Disabled);
        }

        var results = await _translator.TranslateAsync(
            [
                new TranslationRequest(DigestBuilder.TitleKey(paper), paper.Title, "en", Language),
                new TranslationRequest(DigestBuilder.AbstractKey(paper), paper.Abstract, "en", Language),
            ],
            ct);
        TranslatedText Of(int i) => results.Count > i && results[i].Text is { } text
            ? new TranslatedText(text, TranslationState.Done)
            : new TranslatedText(null, TranslationState.Pending, results.Count > i ? results[i].Error : null);
        return (Of(0), Of(1));
    }

    private async Task<IReadOnlyList<DateOnly>> SiteBuilderDates(DigestSpec spec, CancellationToken ct) =>
        await LockedAsync(store => Output.SiteBuilder.ListingDatesAsync(store, [spec], ct), ct);

    private async Task<Digest?> BuildDigestAsync(DigestSpec spec, DateOnly date, CancellationToken ct)
    {
        var (any, empty, papers) = await LockedAsync(async store =>
        {
            var list = new List<Paper>();
            bool found = false, none = true;
            foreach (var category in spec.Categories.Distinct(StringComparer.Ordinal))
            {
                if (await store.GetAnnouncementAsync(category, date, ct) is null)
                {
                    continue;
                }

                found = true;
                var announced = await store.GetAnnouncedPapersAsync(category, date, ct);
                none &= announced.Count == 0;
                list.AddRange(announced);
            }

            return (found, none, list);
        }, ct);
        return any ? await DigestBuilder.BuildAsync(papers, spec, date, time.GetUtcNow(), _translator, ct, noAnnouncement: empty) : null;
    }

    /// <summary>Full-text search of the store (<see cref="ArxivDigest.Storage.IPaperStore.SearchAsync"/>), on a pooled connection.</summary>
    public Task<ArxivDigest.Storage.SearchPage> SearchStoreAsync(ArxivDigest.Matching.Query query, ArxivDigest.Storage.SearchFilter filter, CancellationToken ct) =>
        LockedAsync(store => store.SearchAsync(query, filter, ct), ct);

    private Task<T> LockedAsync<T>(Func<IPaperReader, Task<T>> read, CancellationToken ct) => stores.UseAsync(read, ct);

    /// <summary>One translation call at a time: a SQLite translation cache has one connection.</summary>
    private sealed class SerializedTranslator(ITranslator inner) : ITranslator
    {
        private readonly SemaphoreSlim _gate = new(1, 1);

        public string Name => inner.Name;

        public async Task<IReadOnlyList<TranslationResult>> TranslateAsync(IReadOnlyList<TranslationRequest> requests, CancellationToken cancellationToken)
        {
            await _gate.WaitAsync(cancellationToken);
            try
            {
                return await inner.TranslateAsync(requests, cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    private async Task<T> CachedAsync<T>(string key, Func<Task<T>> load, TimeSpan? lifetime = null)
    {
        Task<object> task;
        lock (_cache)
        {
            var now = time.GetUtcNow();
            if (!_cache.TryGetValue(key, out var hit) || now - hit.At >= (lifetime ?? CacheLifetime) || hit.Value.IsFaulted || hit.Value.IsCanceled)
            {
                // One load per key at a time: concurrent requests for the same page share it.
                hit = (now, LoadAsync(load));
                _cache[key] = hit;
            }

            task = hit.Value;
        }

        return (T)await task;
    }

    private static async Task<object> LoadAsync<T>(Func<Task<T>> load) => (await load())!;
}
