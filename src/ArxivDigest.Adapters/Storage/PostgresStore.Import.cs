using ArxivDigest.Papers;
using Npgsql;
using NpgsqlTypes;

namespace ArxivDigest.Storage;

/// <summary>
/// The bulk path of <c>import</c> on PostgreSQL. Per batch, in one transaction: the papers are streamed with binary
/// COPY into a temporary table (dropped at commit), upserted into <c>papers</c> by ONE <c>INSERT … SELECT … ON
/// CONFLICT</c> with the rule of the row-by-row upsert (<see cref="PaperConflict"/>, search document included), and
/// the resume point is saved: a few round trips per batch instead of one per paper.
/// </summary>
public sealed partial class PostgresStore : IBulkPaperImport
{
    /// <summary>
    /// The staging table, and no JIT for this transaction: the upsert's estimated cost (a temporary table has no
    /// statistics) would otherwise buy a compilation per batch that costs more than the statement.
    /// </summary>
    private const string CreateImportBatch = """
        SET LOCAL jit = off;
        CREATE TEMP TABLE import_batch (
            id               text    NOT NULL,
            version          integer NOT NULL,
            title            text    NOT NULL,
            authors_json     text    NOT NULL,
            abstract         text    NOT NULL,
            comments         text,
            journal_ref      text,
            doi              text,
            primary_category text    NOT NULL,
            subjects_json    text    NOT NULL,
            published        date,
            search_doc       text    NOT NULL
        ) ON COMMIT DROP
        """;

    private const string CopyImportBatch = """
        COPY pg_temp.import_batch (id, version, title, authors_json, abstract, comments, journal_ref, doi,
                                   primary_category, subjects_json, published, search_doc)
        FROM STDIN (FORMAT BINARY)
        """;

    /// <summary>
    /// The batch upsert. Rows that <see cref="PaperConflict"/> would leave as they are (its WHERE negated, column by
    /// column) are skipped before their search document is parsed or their row locked, so re-importing an unchanged
    /// snapshot costs one index probe per paper. The scalar subquery is always a per-row primary-key probe: as a
    /// NOT EXISTS it could be planned as a join over all of <c>papers</c>.
    /// </summary>
    private const string UpsertImportBatch = $"""
        INSERT INTO papers (id, version, title, authors_json, abstract, comments, journal_ref, doi,
                            primary_category, subjects_json, published, first_seen, updated_at, search_doc)
        SELECT s.id, s.version, s.title, s.authors_json, s.abstract, s.comments, s.journal_ref, s.doi,
               s.primary_category, s.subjects_json, s.published, @now, @now, s.search_doc::tsvector
        FROM pg_temp.import_batch s
        WHERE NOT coalesce((
            SELECT p.title IS NOT DISTINCT FROM s.title
               AND p.authors_json IS NOT DISTINCT FROM s.authors_json
               AND p.abstract IS NOT DISTINCT FROM s.abstract
               AND p.comments IS NOT DISTINCT FROM s.comments
               AND p.journal_ref IS NOT DISTINCT FROM s.journal_ref
               AND p.doi IS NOT DISTINCT FROM s.doi
               AND p.primary_category IS NOT DISTINCT FROM s.primary_category
               AND p.subjects_json IS NOT DISTINCT FROM s.subjects_json
               AND (s.published IS NULL OR p.published IS NOT DISTINCT FROM s.published)
            FROM papers p WHERE p.id = s.id AND p.version = s.version), false)
        {PaperConflict}
        """;

    /// <inheritdoc />
    /// <remarks>Nothing to tune on the client side: each batch is one COPY and one statement.</remarks>
    public ValueTask PrepareImportAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask SaveImportBatchAsync(IReadOnlyList<Paper> papers, string source, DateTimeOffset fetchedAt, string stateKey, string stateValue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(papers);
        ArgumentNullException.ThrowIfNull(stateKey);
        ArgumentNullException.ThrowIfNull(stateValue);
        var stamp = SqliteStore.FormatTime(fetchedAt);
        await RunAsync($"cannot save {papers.Count} papers from {source}", async c =>
        {
            try
            {
                await using var transaction = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var rows = UniqueByKey(papers);
                if (rows.Count > 0)
                {
                    await using (var create = Command(c, transaction, CreateImportBatch))
                    {
                        await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    }

                    await CopyAsync(c, rows, cancellationToken).ConfigureAwait(false);
                    await using var upsert = Command(c, transaction, UpsertImportBatch);
                    upsert.Parameters.AddWithValue("now", NpgsqlDbType.Text, stamp);
                    await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var state = Command(c, transaction, """
                    INSERT INTO harvest_state (key, value, updated_at) VALUES (@key, @value, @at)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """))
                {
                    state.Parameters.AddWithValue("key", stateKey);
                    state.Parameters.AddWithValue("value", stateValue);
                    state.Parameters.AddWithValue("at", stamp);
                    await state.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // Not cancellable: a commit cut short would leave it unknown whether the batch was saved.
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
                return 0;
            }
            catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
            {
                // A COPY cancelled mid-stream breaks the connection; the transaction is gone, nothing was committed.
                throw new OperationCanceledException($"import into {DisplayName} cancelled", ex, cancellationToken);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task CopyAsync(NpgsqlConnection c, IReadOnlyList<Paper> papers, CancellationToken cancellationToken)
    {
        await using var copy = await c.BeginBinaryImportAsync(CopyImportBatch, cancellationToken).ConfigureAwait(false);
        foreach (var paper in papers)
        {
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(paper.Id, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(paper.Version ?? 0, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(paper.Title, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(SqliteStore.AuthorsToJson(paper.Authors), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(paper.Abstract, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(copy, paper.Comments, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(copy, paper.JournalRef, cancellationToken).ConfigureAwait(false);
            await WriteTextAsync(copy, paper.Doi, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(paper.PrimaryCategory, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            await copy.WriteAsync(SqliteStore.SubjectsToJson(paper.Subjects), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            if (paper.Published is { } published)
            {
                await copy.WriteAsync(published, NpgsqlDbType.Date, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
            }

            await copy.WriteAsync(PgSearchText.Document(paper), NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// One paper per (id, version), in key order (the order rows are locked in, whoever imports): ON CONFLICT cannot
    /// touch a row twice in one statement, so a paper listed twice in a batch is saved as its last line, keeping the
    /// <c>published</c> date of an earlier line when the last has none, as successive row upserts would.
    /// </summary>
    internal static List<Paper> UniqueByKey(IReadOnlyList<Paper> papers)
    {
        var byKey = new Dictionary<(string Id, int Version), Paper>(papers.Count);
        foreach (var paper in papers)
        {
            var key = (paper.Id, paper.Version ?? 0);
            byKey[key] = paper.Published is null && byKey.TryGetValue(key, out var earlier) && earlier.Published is { } published
                ? paper with { Published = published }
                : paper;
        }

        var unique = new List<Paper>(byKey.Values);
        unique.Sort(static (a, b) =>
        {
            var byId = string.CompareOrdinal(a.Id, b.Id);
            return byId != 0 ? byId : (a.Version ?? 0).CompareTo(b.Version ?? 0);
        });
        return unique;
    }

    private static Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
}
