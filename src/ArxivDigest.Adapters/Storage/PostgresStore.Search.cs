using ArxivDigest.Matching;
using ArxivDigest.Papers;
using Npgsql;
using NpgsqlTypes;

namespace ArxivDigest.Storage;

/// <summary>
/// Search on PostgreSQL: a GIN-indexed <c>tsvector</c> per paper (<see cref="PgSearchText"/>) narrows the candidates to
/// a superset of the matches, which are read in order (title hits first, then newest first) and verified with the
/// reference matcher until the page and one more hit are found, so the results are exactly the matcher's. Candidates
/// are fetched in growing batches; papers stored before schema v3 are indexed by the first search.
/// </summary>
public sealed partial class PostgresStore : ISearchIndexStatus
{
    private const int IndexBatch = 1000;

    /// <inheritdoc />
    public Task<SearchPage> SearchAsync(Query query, SearchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        PaperSearch.Validate(filter);
        return RunAsync("cannot search", async c =>
        {
            await IndexMissingAsync(c, cancellationToken).ConfigureAwait(false);
            var root = filter.CategoryTerm is { } category ? new AndNode([query.Root, category]) : query.Root;
            var tsquery = PgSearchText.Translate(root).Expression;
            var title = PgSearchText.TitleTier(query.Root);
            var needed = filter.Offset + filter.Limit + 1;
            var fetch = Math.Max(64, needed * 2);
            while (true)
            {
                var (hits, rows) = await CandidatesAsync(c, query, filter, tsquery, title, fetch, needed, cancellationToken).ConfigureAwait(false);
                if (hits.Count >= needed || rows < fetch)
                {
                    var page = hits.Skip(filter.Offset).Take(filter.Limit)
                        .Select((h, i) => new SearchHit(h.Paper, filter.Offset + i + 1, 0, h.Day, h.Match))
                        .ToList();
                    return new SearchPage(page, hits.Count > filter.Offset + filter.Limit);
                }

                fetch *= 4; // the verifier turned down many candidates: read further
            }
        }, cancellationToken);
    }

    /// <summary>
    /// The first <paramref name="fetch"/> candidates in order, verified until <paramref name="needed"/> hits are found;
    /// also how many rows were read (fewer than asked: there are no more).
    /// </summary>
    private static async Task<(List<(Paper Paper, DateOnly? Day, MatchResult Match)> Hits, int Rows)> CandidatesAsync(
        NpgsqlConnection c, Query query, SearchFilter filter, string? tsquery, string? title, int fetch, int needed, CancellationToken cancellationToken)
    {
        var matches = tsquery is null ? "true" : "(p.search_doc @@ @q::tsquery OR p.search_doc @@ @long::tsquery)";
        var tier = title is null ? "false" : "coalesce(p.search_doc @@ @title::tsquery, false)";
        await using var command = Command(c, null, $"""
            SELECT p.id, p.version, p.title, p.authors_json, p.abstract, p.comments, p.journal_ref, p.doi,
                   p.primary_category, p.subjects_json, p.published, d.day, {tier} AS in_title
            FROM papers p
            LEFT JOIN LATERAL (
                SELECT coalesce(min(ap.listing_date), p.published) AS day
                FROM announcement_papers ap WHERE ap.paper_id = p.id
            ) d ON true
            WHERE {matches}
              AND NOT EXISTS (SELECT 1 FROM papers n WHERE n.id = p.id AND n.version > p.version)
              AND (@from::date IS NULL OR d.day >= @from::date) AND (@to::date IS NULL OR d.day <= @to::date)
            ORDER BY in_title DESC, d.day DESC NULLS LAST, p.id DESC
            LIMIT @fetch
            """);
        if (tsquery is not null)
        {
            command.Parameters.AddWithValue("q", NpgsqlDbType.Text, tsquery);
            command.Parameters.AddWithValue("long", NpgsqlDbType.Text, "'" + PgSearchText.Long + "'");
        }

        if (title is not null)
        {
            command.Parameters.AddWithValue("title", NpgsqlDbType.Text, title);
        }

        command.Parameters.AddWithValue("from", NpgsqlDbType.Date, (object?)filter.From ?? DBNull.Value);
        command.Parameters.AddWithValue("to", NpgsqlDbType.Date, (object?)filter.To ?? DBNull.Value);
        command.Parameters.AddWithValue("fetch", fetch);
        var hits = new List<(Paper Paper, DateOnly? Day, MatchResult Match)>();
        var rows = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            rows++;
            if (hits.Count >= needed)
            {
                continue; // the rest of this bounded batch is read and dropped
            }

            var paper = ReadPaper(reader) with { Published = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10) };
            if (PaperSearch.Verify(query, filter, new PaperText(paper)) is { } match)
            {
                hits.Add((paper, reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11), match));
            }
        }

        return (hits, rows);
    }

    /// <inheritdoc />
    public Task<long> CountUnindexedAsync(CancellationToken cancellationToken) =>
        RunAsync("cannot read the search index", async c =>
        {
            // The partial index ix_papers_unindexed holds exactly these rows.
            await using var command = Command(c, null, "SELECT count(*) FROM papers WHERE search_doc IS NULL");
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }, cancellationToken);

    /// <summary>Writes the search document of papers stored before schema v3 or v4 (none after the first search).</summary>
    private static async Task IndexMissingAsync(NpgsqlConnection c, CancellationToken cancellationToken)
    {
        while (true)
        {
            var papers = new List<Paper>();
            await using (var read = Command(c, null, """
                SELECT id, version, title, authors_json, abstract, comments, journal_ref, doi, primary_category, subjects_json
                FROM papers WHERE search_doc IS NULL ORDER BY id, version LIMIT @n
                """))
            {
                read.Parameters.AddWithValue("n", IndexBatch);
                await using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    papers.Add(ReadPaper(reader));
                }
            }

            if (papers.Count == 0)
            {
                return;
            }

            await using var transaction = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var write = Command(c, transaction, "UPDATE papers SET search_doc = @doc::tsvector WHERE id = @id AND version = @version AND search_doc IS NULL"))
            {
                var doc = write.Parameters.Add("doc", NpgsqlDbType.Text);
                var id = write.Parameters.Add("id", NpgsqlDbType.Text);
                var version = write.Parameters.Add("version", NpgsqlDbType.Integer);
                foreach (var paper in papers)
                {
                    doc.Value = PgSearchText.Document(paper);
                    id.Value = paper.Id;
                    version.Value = paper.Version ?? 0;
                    await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
