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
/// </summary>
public sealed class ScanSearchBackend(WebData data) : ISearchBackend
{
    public async Task<SearchResults> SearchAsync(Query query, DateOnly? from, DateOnly? to, string? category, int offset, int limit, CancellationToken cancellationToken)
    {
        var corpus = await data.CorpusAsync(cancellationToken);
        var cat = string.IsNullOrWhiteSpace(category) ? null : category.Trim().ToLowerInvariant();
        var hits = new List<SearchHit>();
        var total = 0;
        foreach (var text in corpus)
        {
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

            if (query.Match(text) is not { } match)
            {
                continue;
            }

            if (total >= offset && hits.Count < limit)
            {
                hits.Add(new SearchHit(paper, match));
            }

            total++;
        }

        return new SearchResults(total, hits);
    }
}
