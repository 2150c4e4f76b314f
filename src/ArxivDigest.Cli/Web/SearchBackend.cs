using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Cli.Web;

/// <summary>One search hit: the paper's latest version and what matched.</summary>
public sealed record SearchHit(Paper Paper, MatchResult Match);

/// <summary>
/// A page of hits and the number of matching papers; when <see cref="More"/> is set, <see cref="Total"/> is only a
/// lower bound (the index pages without counting every match).
/// </summary>
public sealed record SearchResults(int Total, IReadOnlyList<SearchHit> Hits, bool More = false);

/// <summary>
/// The search seam of the web reader: papers of the whole store matching a query, filtered by listing date and
/// category, ranked. Implemented by <see cref="StoreSearchBackend"/> over the store's full-text index.
/// </summary>
public interface ISearchBackend
{
    Task<SearchResults> SearchAsync(Query query, DateOnly? from, DateOnly? to, string? category, int offset, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// Search through the store's full-text index (<see cref="ArxivDigest.Storage.IPaperStore.SearchAsync"/>: FTS5
/// narrows, the matcher decides, ranked), so a new query costs milliseconds rather than a scan. It does not count all
/// matches: the total is known on the last page, a lower bound before it.
/// </summary>
public sealed class StoreSearchBackend(WebData data, TimeProvider time) : ISearchBackend
{
    /// <summary>At most this many result pages are kept (each for <see cref="WebData.CacheLifetime"/>).</summary>
    public const int MaxCachedPages = 512;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (DateTimeOffset At, Task<SearchResults> Page)> _pages = new(StringComparer.Ordinal);

    /// <summary>
    /// A page of results; the same page asked again within <see cref="WebData.CacheLifetime"/> (a bookmarked or shared
    /// search, paging back) is answered from memory, and concurrent requests for it share one search.
    /// </summary>
    public Task<SearchResults> SearchAsync(Query query, DateOnly? from, DateOnly? to, string? category, int offset, int limit, CancellationToken cancellationToken)
    {
        var key = $"{query.Root}\n{from:yyyy-MM-dd}\n{to:yyyy-MM-dd}\n{category?.Trim()}\n{offset}\n{limit}";
        var now = time.GetUtcNow();
        if (_pages.TryGetValue(key, out var hit) && now - hit.At < WebData.CacheLifetime && !hit.Page.IsFaulted && !hit.Page.IsCanceled)
        {
            return hit.Page;
        }

        if (_pages.Count >= MaxCachedPages)
        {
            _pages.Clear();
        }

        var page = SearchUncachedAsync(query, from, to, category, offset, limit, CancellationToken.None);
        _pages[key] = (now, page);
        return page.WaitAsync(cancellationToken);
    }

    private async Task<SearchResults> SearchUncachedAsync(Query query, DateOnly? from, DateOnly? to, string? category, int offset, int limit, CancellationToken cancellationToken)
    {
        var filter = new ArxivDigest.Storage.SearchFilter
        {
            From = from,
            To = to,
            Category = string.IsNullOrWhiteSpace(category) ? null : category.Trim(),
            Offset = Math.Max(0, offset),
            Limit = Math.Max(1, limit),
        };
        var page = await data.SearchStoreAsync(query, filter, cancellationToken);
        var hits = page.Hits.Select(h => new SearchHit(h.Paper.ListingDate is null && h.Date is { } d && h.Paper.Published != d ? h.Paper with { ListingDate = d } : h.Paper, h.Match)).ToList();
        return new SearchResults(filter.Offset + hits.Count + (page.HasMore ? 1 : 0), hits, page.HasMore);
    }
}
