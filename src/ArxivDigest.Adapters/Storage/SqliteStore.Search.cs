using System.Globalization;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>
/// Search: the query is translated to an FTS5 expression selecting a superset of its matches (<see cref="Fts5Query"/>),
/// candidates are read in bm25 order (title weighted highest) and each is verified with the reference matcher, until
/// the page and one more hit are found. Papers are only loaded for the candidates actually looked at.
/// </summary>
public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public async Task<SearchPage> SearchAsync(Query query, SearchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        PaperSearch.Validate(filter);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await IndexPendingAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var page = await SearchOnceAsync(query, filter, cancellationToken).ConfigureAwait(false);
            if (page is not null)
            {
                return page;
            }

            // The index points at rows that moved (VACUUM renumbers rowids): build it again, once.
            await RebuildSearchIndexAsync(cancellationToken).ConfigureAwait(false);
            return await SearchOnceAsync(query, filter, cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException(DatabasePath, "the search index is inconsistent with the papers table after a rebuild");
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot search for \"{query.Text}\"", ex);
        }
    }

    /// <summary>The page, or null when a candidate's index entry no longer names its papers row.</summary>
    private async Task<SearchPage?> SearchOnceAsync(Query query, SearchFilter filter, CancellationToken cancellationToken)
    {
        var root = filter.CategoryTerm is { } category ? new AndNode([query.Root, category]) : query.Root;
        var expression = Fts5Query.Translate(root).Expression;
        var byRank = expression is not null && Fts5Query.HasPositiveTextTerm(query.Root);

        var dates = (filter.From is null ? "" : " AND s.day >= $from") + (filter.To is null ? "" : " AND s.day <= $to");
        var order = byRank ? "f.rank" : "s.day DESC, s.paper_rowid DESC";
        var sql = expression is null
            ? $"SELECT s.paper_rowid, 0.0 FROM search_index s WHERE 1{dates} ORDER BY s.day DESC, s.paper_rowid DESC"
            : byRank && dates.Length == 0
                ? "SELECT f.rowid, f.rank FROM papers_fts f WHERE papers_fts MATCH $match AND f.rowid >= $lo AND f.rowid < $hi ORDER BY f.rank"
                : $"SELECT f.rowid, {(byRank ? "f.rank" : "0.0")} FROM papers_fts f JOIN search_index s ON s.paper_rowid = f.rowid WHERE papers_fts MATCH $match AND f.rowid >= $lo AND f.rowid < $hi{dates} ORDER BY {order}";

        using var candidates = Command(null, sql);
        var lo = candidates.Parameters.Add("$lo", SqliteType.Integer);
        var hi = candidates.Parameters.Add("$hi", SqliteType.Integer);
        if (expression is not null)
        {
            candidates.Parameters.AddWithValue("$match", expression);
        }

        if (filter.From is { } from)
        {
            candidates.Parameters.AddWithValue("$from", FormatDate(from));
        }

        if (filter.To is { } to)
        {
            candidates.Parameters.AddWithValue("$to", FormatDate(to));
        }

        // Ranking every match of a common word (100,000s at a million papers) costs far more than a page: the
        // candidates are ranked in windows of RankWindow, newest rows first; the hits of one window come before those
        // of the next. A query with fewer matches than that is ranked as a whole.
        using var windowStart = Command(null, """
            SELECT rowid FROM papers_fts WHERE papers_fts MATCH $match AND rowid < $hi ORDER BY rowid DESC LIMIT 1 OFFSET $skip
            """);
        windowStart.Parameters.AddWithValue("$match", (object?)expression ?? DBNull.Value);
        var windowHi = windowStart.Parameters.Add("$hi", SqliteType.Integer);
        windowStart.Parameters.AddWithValue("$skip", RankWindow - 1);

        using var load = Command(null, """
            SELECT s.id, s.day, p.id, p.version, p.title, p.authors_json, p.abstract, p.comments, p.journal_ref, p.doi,
                   p.primary_category, p.subjects_json, p.published,
                   (SELECT min(ap.listing_date) FROM announcement_papers ap WHERE ap.paper_id = s.id)
            FROM search_index s LEFT JOIN papers p ON p.rowid = s.paper_rowid
            WHERE s.paper_rowid = $r
            """);
        var rowParameter = load.Parameters.Add("$r", SqliteType.Integer);

        var hits = new List<SearchHit>();
        var found = 0;
        var more = false;
        var upper = long.MaxValue;
        while (true)
        {
            long? lower = null;
            if (expression is not null)
            {
                windowHi.Value = upper;
                lower = await windowStart.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long l ? l : null;
            }

            lo.Value = lower ?? long.MinValue;
            hi.Value = upper;
            using (var reader = await candidates.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var rowid = reader.GetInt64(0);
                    var score = -reader.GetDouble(1);
                    rowParameter.Value = rowid;
                    Paper paper;
                    DateOnly? day;
                    using (var row = await load.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                    {
                        if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false) || row.IsDBNull(2)
                            || !string.Equals(row.GetString(0), row.GetString(2), StringComparison.Ordinal))
                        {
                            return null;
                        }

                        day = row.IsDBNull(1) ? null : ParseDate(row.GetString(1));
                        var version = row.GetInt32(3);
                        paper = new Paper
                        {
                            Id = row.GetString(2),
                            Version = version == 0 ? null : version,
                            Title = row.GetString(4),
                            Authors = AuthorsFromJson(row.GetString(5)),
                            Abstract = row.GetString(6),
                            Comments = row.IsDBNull(7) ? null : row.GetString(7),
                            JournalRef = row.IsDBNull(8) ? null : row.GetString(8),
                            Doi = row.IsDBNull(9) ? null : row.GetString(9),
                            PrimaryCategory = row.GetString(10),
                            Subjects = SubjectsFromJson(row.GetString(11)),
                            Published = row.IsDBNull(12) ? null : ParseDate(row.GetString(12)),
                            ListingDate = row.IsDBNull(13) ? null : ParseDate(row.GetString(13)),
                        };
                    }

                    if (PaperSearch.Verify(query, filter, new PaperText(paper)) is not { } match)
                    {
                        continue;
                    }

                    found++;
                    if (found <= filter.Offset)
                    {
                        continue;
                    }

                    if (hits.Count == filter.Limit)
                    {
                        more = true;
                        return new SearchPage(hits, more);
                    }

                    hits.Add(new SearchHit(paper, found, score, day, match));
                }
            }

            if (lower is null)
            {
                break;
            }

            upper = lower.Value;
        }

        return new SearchPage(hits, more);
    }

    /// <summary>Candidates ranked together (see <see cref="SearchOnceAsync"/>); settable so tests can cross windows with few papers.</summary>
    internal int RankWindow { get; set; } = 4000;

    /// <summary>How many paper ids the search index holds (for diagnostics and tests).</summary>
    public async Task<long> CountIndexedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var command = Command(null, "SELECT count(*) FROM search_index");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
