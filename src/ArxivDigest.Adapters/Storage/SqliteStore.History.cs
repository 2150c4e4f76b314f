using ArxivDigest.Papers;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>Papers outside announcements (history) and the progress of resumable jobs.</summary>
public sealed partial class SqliteStore : IBulkPaperImport
{
    /// <inheritdoc />
    ValueTask IBulkPaperImport.PrepareImportAsync(CancellationToken cancellationToken)
    {
        PrepareForBulkImport();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Runs <see cref="SaveImportBatch"/> synchronously (the importer calls it from a writer task of its own).</remarks>
    ValueTask IBulkPaperImport.SaveImportBatchAsync(IReadOnlyList<Paper> papers, string source, DateTimeOffset fetchedAt, string stateKey, string stateValue, CancellationToken cancellationToken)
    {
        SaveImportBatch(papers, source, fetchedAt, stateKey, stateValue);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public async Task SavePapersAsync(IReadOnlyList<Paper> papers, string source, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(papers);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            using (var upsert = new PaperUpsert(this, transaction, FormatTime(fetchedAt)))
            {
                foreach (var paper in papers)
                {
                    await upsert.ExecuteAsync(paper, cancellationToken).ConfigureAwait(false);
                }
            }

            // New and changed rows are searchable once the save returns (rows above the watermark, in batches).
            var indexed = await IndexPendingAsync(transaction, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            await CompactSearchIndexAsync(indexed, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot save {papers.Count} papers from {source}", ex);
        }
    }

    /// <summary>
    /// Subject-list JSON by list instance, for imports: a snapshot reader shares one list per distinct categories
    /// string, so most rows reuse the JSON. Bounded by <see cref="PaperUpsert.SubjectsJsonCacheLimit"/>.
    /// </summary>
    private readonly Dictionary<IReadOnlyList<Subject>, string> _importSubjectsJson = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// The bulk path of a resumable import: upserts <paramref name="papers"/> and saves the job's progress
    /// (<paramref name="stateKey"/> = <paramref name="stateValue"/>) in ONE transaction, so an interrupted import
    /// never loses a committed batch nor records progress it did not make. Synchronous on purpose: the caller runs it
    /// on a writer task of its own, and per-row awaits only cost time here.
    /// </summary>
    public void SaveImportBatch(IReadOnlyList<Paper> papers, string source, DateTimeOffset fetchedAt, string stateKey, string stateValue)
    {
        ArgumentNullException.ThrowIfNull(papers);
        ArgumentNullException.ThrowIfNull(stateKey);
        ArgumentNullException.ThrowIfNull(stateValue);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            var stamp = FormatTime(fetchedAt);
            using var transaction = _connection.BeginTransaction(deferred: false);
            using (var upsert = new PaperUpsert(this, transaction, stamp) { SubjectsJsonCache = _importSubjectsJson })
            {
                foreach (var paper in papers)
                {
                    upsert.Execute(paper);
                }
            }

            using (var state = Command(transaction, """
                INSERT INTO harvest_state (key, value, updated_at) VALUES ($key, $value, $at)
                ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                """))
            {
                state.Parameters.AddWithValue("$key", stateKey);
                state.Parameters.AddWithValue("$value", stateValue);
                state.Parameters.AddWithValue("$at", stamp);
                state.ExecuteNonQuery();
            }

            transaction.Commit();
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot save {papers.Count} papers from {source}", ex);
        }
    }

    /// <summary>
    /// Settings for a long bulk import on this connection: a 64 MiB page cache and fewer WAL checkpoints. Durability
    /// is unchanged (WAL, synchronous=NORMAL): each committed batch survives a crash of the process.
    /// </summary>
    public void PrepareForBulkImport()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var pragmas = Command(null, """
                PRAGMA cache_size=-65536;
                PRAGMA temp_store=MEMORY;
                PRAGMA wal_autocheckpoint=16384;
                """);
            pragmas.ExecuteNonQuery();
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot prepare the database for an import", ex);
        }
    }

    /// <inheritdoc />
    public async Task<string?> GetHarvestStateAsync(string key, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, "SELECT value FROM harvest_state WHERE key = $key");
            command.Parameters.AddWithValue("$key", key);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot read the progress of {key}", ex);
        }
    }

    /// <inheritdoc />
    public async Task SaveHarvestStateAsync(string key, string? value, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = value is null
                ? Command(null, "DELETE FROM harvest_state WHERE key = $key")
                : Command(null, """
                    INSERT INTO harvest_state (key, value, updated_at) VALUES ($key, $value, $at)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """);
            command.Parameters.AddWithValue("$key", key);
            if (value is not null)
            {
                command.Parameters.AddWithValue("$value", value);
                command.Parameters.AddWithValue("$at", FormatTime(at));
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot save the progress of {key}", ex);
        }
    }

    /// <summary>
    /// The prepared paper upsert shared by announcements and history: content columns are only rewritten (and
    /// updated_at bumped) when something actually changed; a known <c>published</c> date is never erased.
    /// </summary>
    private sealed class PaperUpsert : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _id, _version, _title, _authors, _abstract, _comments, _journalRef, _doi, _primary, _subjects, _published;

        public PaperUpsert(SqliteStore store, SqliteTransaction transaction, string stamp)
        {
            _command = store.Command(transaction, """
                INSERT INTO papers (id, version, title, authors_json, abstract, comments, journal_ref, doi,
                                    primary_category, subjects_json, published, first_seen, updated_at)
                VALUES ($id, $version, $title, $authors, $abstract, $comments, $journalRef, $doi,
                        $primary, $subjects, $published, $now, $now)
                ON CONFLICT (id, version) DO UPDATE SET
                    title = excluded.title,
                    authors_json = excluded.authors_json,
                    abstract = excluded.abstract,
                    comments = excluded.comments,
                    journal_ref = excluded.journal_ref,
                    doi = excluded.doi,
                    primary_category = excluded.primary_category,
                    subjects_json = excluded.subjects_json,
                    published = coalesce(excluded.published, papers.published),
                    updated_at = excluded.updated_at
                WHERE papers.title IS NOT excluded.title
                   OR papers.authors_json IS NOT excluded.authors_json
                   OR papers.abstract IS NOT excluded.abstract
                   OR papers.comments IS NOT excluded.comments
                   OR papers.journal_ref IS NOT excluded.journal_ref
                   OR papers.doi IS NOT excluded.doi
                   OR papers.primary_category IS NOT excluded.primary_category
                   OR papers.subjects_json IS NOT excluded.subjects_json
                   OR (excluded.published IS NOT NULL AND papers.published IS NOT excluded.published)
                """);
            _id = _command.Parameters.Add("$id", SqliteType.Text);
            _version = _command.Parameters.Add("$version", SqliteType.Integer);
            _title = _command.Parameters.Add("$title", SqliteType.Text);
            _authors = _command.Parameters.Add("$authors", SqliteType.Text);
            _abstract = _command.Parameters.Add("$abstract", SqliteType.Text);
            _comments = _command.Parameters.Add("$comments", SqliteType.Text);
            _journalRef = _command.Parameters.Add("$journalRef", SqliteType.Text);
            _doi = _command.Parameters.Add("$doi", SqliteType.Text);
            _primary = _command.Parameters.Add("$primary", SqliteType.Text);
            _subjects = _command.Parameters.Add("$subjects", SqliteType.Text);
            _published = _command.Parameters.Add("$published", SqliteType.Text);
            _command.Parameters.AddWithValue("$now", stamp);
            _command.Prepare();
        }

        public async Task ExecuteAsync(Paper paper, CancellationToken cancellationToken)
        {
            Bind(paper);
            await _command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public void Execute(Paper paper)
        {
            Bind(paper);
            _command.ExecuteNonQuery();
        }

        private void Bind(Paper paper)
        {
            _id.Value = paper.Id;
            _version.Value = paper.Version ?? 0;
            _title.Value = paper.Title;
            _authors.Value = AuthorsToJson(paper.Authors);
            _abstract.Value = paper.Abstract;
            _comments.Value = (object?)paper.Comments ?? DBNull.Value;
            _journalRef.Value = (object?)paper.JournalRef ?? DBNull.Value;
            _doi.Value = (object?)paper.Doi ?? DBNull.Value;
            _primary.Value = paper.PrimaryCategory;
            _subjects.Value = SubjectsJson(paper.Subjects);
            _published.Value = paper.Published is { } d ? FormatDate(d) : DBNull.Value;
        }

        public const int SubjectsJsonCacheLimit = 16_384;

        /// <summary>When set, subject lists are serialised once per list instance (lists must not change afterwards).</summary>
        public Dictionary<IReadOnlyList<Subject>, string>? SubjectsJsonCache { get; init; }

        public void Dispose() => _command.Dispose();

        private string SubjectsJson(IReadOnlyList<Subject> subjects)
        {
            if (SubjectsJsonCache is not { } cache)
            {
                return SubjectsToJson(subjects);
            }

            if (!cache.TryGetValue(subjects, out var json))
            {
                json = SubjectsToJson(subjects);
                if (cache.Count < SubjectsJsonCacheLimit)
                {
                    cache[subjects] = json;
                }
            }

            return json;
        }
    }
}
