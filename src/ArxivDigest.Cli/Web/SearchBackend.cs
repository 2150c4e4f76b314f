using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Cli.Web;

/// <summary>One search hit: the paper's latest version and what matched.</summary>
public sealed record SearchHit(Paper Paper, MatchResult Match);

/// <summary>A page of hits and the total number of matching papers.</summary>
public sealed record SearchResults(int Total, IReadOnlyList<SearchHit> Hits);

/// <summary>
/// The search seam of the web reader: papers of the whole store matching a query, filtered by listing date and
/// category, newest listing first. The one place to swap in an index (FTS) for the scan below.
/// </summary>
public interface ISearchBackend
{
    Task<SearchResults> SearchAsync(Query query, DateOnly? from, DateOnly? to, string? category, int offset, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// Search by scanning every stored paper (latest version) with <see cref="Query.Match(PaperText)"/>: exactly the
/// digest matcher's semantics, linear in the store's size. Papers never announced count by their submission date.
/// The matching positions of a search are kept with the corpus they were computed on (up to
/// <see cref="MaxCachedSearches"/> searches), so paging through results, or repeating a search, does not scan again.
/// </summary>
public sealed class ScanSearchBackend(WebData data) : ISearchBackend
{
    public const int MaxCachedSearches = 256;

    private readonly ConditionalWeakTable<IReadOnlyList<PaperText>, ConcurrentDictionary<string, int[]>> _searches = new();

    public async Task<SearchResults> SearchAsync(Query query, DateOnly? from, DateOnly? to, string? category, int offset, int limit, CancellationToken cancellationToken)
    {
        var corpus = await data.CorpusAsync(cancellationToken);
        var cat = string.IsNullOrWhiteSpace(category) ? null : category.Trim().ToLowerInvariant();
        var cache = _searches.GetOrCreateValue(corpus);
        var key = $"{query.Text}\n{from:yyyy-MM-dd}\n{to:yyyy-MM-dd}\n{cat}";
        if (!cache.TryGetValue(key, out var matching))
        {
            matching = Scan(corpus, query, from, to, cat, cancellationToken);
            if (cache.Count >= MaxCachedSearches)
            {
                cache.Clear();
            }

            cache[key] = matching;
        }

        var hits = matching.Skip(Math.Max(0, offset)).Take(limit)
            .Select(i => new SearchHit(corpus[i].Paper, query.Match(corpus[i])!))
            .ToList();
        return new SearchResults(matching.Length, hits);
    }

    private static int[] Scan(IReadOnlyList<PaperText> corpus, Query query, DateOnly? from, DateOnly? to, string? cat, CancellationToken cancellationToken)
    {
        var matching = new List<int>();
        for (var i = 0; i < corpus.Count; i++)
        {
            if ((i & 4095) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var text = corpus[i];
            var paper = text.Paper;
            var date = paper.ListingDate ?? paper.Published;
            if ((from is not null && (date is null || date < from)) || (to is not null && (date is null || date > to)))
            {
                continue;
            }

            if (cat is not null && !text.Categories.Any(c => c == cat || (c.StartsWith(cat, StringComparison.Ordinal) && c.Length > cat.Length && c[cat.Length] == '.')))
            {
                continue;
            }

            if (query.Match(text) is not null)
            {
                matching.Add(i);
            }
        }

        return matching.ToArray();
    }
}
