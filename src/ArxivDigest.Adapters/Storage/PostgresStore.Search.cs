using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Storage;

/// <summary>
/// Search on PostgreSQL: correct by the shared contract, but without a full-text index yet. The latest version of
/// every paper in the date range is read and verified with <see cref="PaperSearch.Verify"/>; hits are ordered title
/// hits first, then newest first. Fine for a lab's store; a tsvector index is future work.
/// </summary>
public sealed partial class PostgresStore
{
    /// <inheritdoc />
    public Task<SearchPage> SearchAsync(Query query, SearchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        PaperSearch.Validate(filter);
        return RunAsync("cannot search", async c =>
        {
            await using var command = Command(c, null, """
                SELECT p.id, p.version, p.title, p.authors_json, p.abstract, p.comments, p.journal_ref, p.doi,
                       p.primary_category, p.subjects_json, p.published, d.day
                FROM (SELECT DISTINCT ON (id) * FROM papers ORDER BY id, version DESC) p
                LEFT JOIN LATERAL (
                    SELECT coalesce(min(ap.listing_date), p.published) AS day
                    FROM announcement_papers ap WHERE ap.paper_id = p.id
                ) d ON true
                WHERE (@from::date IS NULL OR d.day >= @from::date) AND (@to::date IS NULL OR d.day <= @to::date)
                """);
            command.Parameters.AddWithValue("from", NpgsqlTypes.NpgsqlDbType.Date, (object?)filter.From ?? DBNull.Value);
            command.Parameters.AddWithValue("to", NpgsqlTypes.NpgsqlDbType.Date, (object?)filter.To ?? DBNull.Value);
            var hits = new List<(Paper Paper, DateOnly? Day, MatchResult Match)>();
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var paper = ReadPaper(reader) with { Published = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10) };
                    if (PaperSearch.Verify(query, filter, new PaperText(paper)) is { } match)
                    {
                        hits.Add((paper, reader.IsDBNull(11) ? null : reader.GetFieldValue<DateOnly>(11), match));
                    }
                }
            }

            var ordered = hits
                .OrderBy(h => h.Match.Field == MatchField.Title ? 0 : 1)
                .ThenByDescending(h => h.Day ?? DateOnly.MinValue)
                .ThenByDescending(h => h.Paper.Id, ArxivDigest.Digests.ArxivIdComparer.Instance)
                .ToList();
            var page = ordered.Skip(filter.Offset).Take(filter.Limit)
                .Select((h, i) => new SearchHit(h.Paper, filter.Offset + i + 1, 0, h.Day, h.Match))
                .ToList();
            return new SearchPage(page, ordered.Count > filter.Offset + filter.Limit);
        }, cancellationToken);
    }
}
