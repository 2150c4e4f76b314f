using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Storage;

/// <summary>
/// What a search keeps besides the query: a date range on the paper date, a category, and the page wanted.
/// The paper date is the earliest listing date of a stored announcement that held the paper, else
/// <see cref="Paper.Published"/>; a paper with neither has no date and is excluded by <see cref="From"/> or <see cref="To"/>.
/// </summary>
public sealed record SearchFilter
{
    /// <summary>Keep papers dated on or after this day (inclusive).</summary>
    public DateOnly? From { get; init; }

    /// <summary>Keep papers dated on or before this day (inclusive).</summary>
    public DateOnly? To { get; init; }

    /// <summary>
    /// Keep papers whose primary category or any cross-list is this category (<c>cs.LG</c>) or lies in this archive
    /// (<c>cs</c> keeps every <c>cs.*</c>); case-insensitive, as the query term <c>cat:</c>.
    /// </summary>
    public string? Category { get; init; }

    /// <summary>Hits wanted (at least 1).</summary>
    public int Limit { get; init; } = 20;

    /// <summary>Hits skipped first (paging).</summary>
    public int Offset { get; init; }

    /// <summary>The category as a query term (null without a category), for translation and verification.</summary>
    public TermNode? CategoryTerm => Category is { Length: > 0 } c
        ? new TermNode(QueryField.Category, []) { Value = c.Trim().ToLowerInvariant() }
        : null;
}

/// <summary>One search hit.</summary>
/// <param name="Paper">The latest stored version of the paper; <see cref="Paper.ListingDate"/> is its first stored listing date.</param>
/// <param name="Rank">1-based position in the whole result list (offset included).</param>
/// <param name="Score">Relevance, higher is better (bm25 for SQLite); 0 when the query has no positive text term.</param>
/// <param name="Date">The paper date (see <see cref="SearchFilter"/>), or null.</param>
/// <param name="Match">Where the query matched and which terms hit, exactly as <see cref="Query.Match(PaperText)"/> says.</param>
public sealed record SearchHit(Paper Paper, int Rank, double Score, DateOnly? Date, MatchResult Match);

/// <summary>A page of hits and whether more hits follow it.</summary>
public sealed record SearchPage(IReadOnlyList<SearchHit> Hits, bool HasMore);

/// <summary>The store-independent part of a search: which stored paper is a hit.</summary>
public static class PaperSearch
{
    /// <summary>
    /// The match when <paramref name="paper"/> satisfies both the query (<see cref="Query.Match(PaperText)"/>, the
    /// reference semantics) and the filter's category; null otherwise. Dates are the store's to check.
    /// </summary>
    public static MatchResult? Verify(Query query, SearchFilter filter, PaperText paper)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(paper);
        if (filter.CategoryTerm is { } category && Query.Find(category, paper) is null)
        {
            return null;
        }

        return query.Match(paper);
    }

    /// <summary>Throws <see cref="ArgumentException"/> for a filter no store can run (limit below 1, negative offset, inverted dates).</summary>
    public static void Validate(SearchFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(filter.Limit, 1, nameof(filter));
        ArgumentOutOfRangeException.ThrowIfNegative(filter.Offset, nameof(filter));
        if (filter.From is { } from && filter.To is { } to && from > to)
        {
            throw new ArgumentException($"the date range {from:yyyy-MM-dd}..{to:yyyy-MM-dd} is empty", nameof(filter));
        }

        if (filter.Category is { } c && (c.Trim().Length == 0 || c.Trim().Any(char.IsWhiteSpace)))
        {
            throw new ArgumentException($"'{c}' is not a category such as cs.LG", nameof(filter));
        }
    }
}
