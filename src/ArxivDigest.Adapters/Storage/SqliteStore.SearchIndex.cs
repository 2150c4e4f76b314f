using System.Globalization;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>
/// Keeping the full-text index (<c>papers_fts</c> + <c>search_index</c>) in step with <c>papers</c> without touching
/// the insert path: new rows are found by rowid above a watermark, rows changed in place or deleted are queued in
/// <c>search_pending</c> by triggers. Each affected paper id is then re-indexed as a whole: its latest version
/// replaces whatever row the index held for it.
/// </summary>
public sealed partial class SqliteStore
{
    private const int IndexBatch = 2000;

    /// <summary>
    /// Indexes every paper row not yet indexed (new since the last call, changed in place, or deleted) in one
    /// transaction; returns the number of paper ids (re)indexed. Saves call it themselves; search calls it first.
    /// </summary>
    public async Task<int> IndexPendingAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            if (!await HasPendingAsync(null, cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }

            int count;
            using (var transaction = _connection.BeginTransaction(deferred: false))
            {
                count = await IndexPendingAsync(transaction, cancellationToken).ConfigureAwait(false);
                transaction.Commit();
            }

            _commonTokens.Clear();
            await CompactSearchIndexAsync(count, cancellationToken).ConfigureAwait(false);
            return count;
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot update the search index", ex);
        }
    }

    /// <summary>Drops the search index and builds it again from every stored paper.</summary>
    public async Task RebuildSearchIndexAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);
            using (var clear = Command(transaction, """
                INSERT INTO papers_fts (papers_fts) VALUES ('delete-all');
                DELETE FROM search_index;
                DELETE FROM search_pending;
                UPDATE search_watermark SET last_rowid = 0;
                """))
            {
                await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var count = await IndexPendingAsync(transaction, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            _commonTokens.Clear();
            await CompactSearchIndexAsync(count, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot rebuild the search index", ex);
        }
    }

    /// <summary>
    /// Merges the full-text index into one segment ('optimize') after a bulk refill of at least
    /// <see cref="OptimizeAfter"/> papers, or when daily additions have left more than <see cref="MaxIndexSegments"/>
    /// segments. Every term a search looks up is looked up in every segment: on 100,000 papers, 10 segments made an
    /// uncached web search cost 1.4 ms of CPU instead of 0.85 ms. Optimizing rewrites the whole index (about 1 s per
    /// 100,000 papers), so small increments are left to FTS5's own automerge until the segments pile up.
    /// </summary>
    private async Task CompactSearchIndexAsync(int indexed, CancellationToken cancellationToken)
    {
        if (indexed == 0)
        {
            return;
        }

        var segments = await CountIndexSegmentsAsync(cancellationToken).ConfigureAwait(false);
        if (segments <= 1 || (indexed < OptimizeAfter && segments <= MaxIndexSegments))
        {
            return;
        }

        using var optimize = Command(null, "INSERT INTO papers_fts (papers_fts) VALUES ('optimize')");
        await optimize.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An index update of at least this many papers (a bulk refill) is followed by an optimize.</summary>
    internal int OptimizeAfter { get; set; } = 10_000;

    /// <summary>More full-text segments than this after any index update trigger an optimize.</summary>
    internal int MaxIndexSegments { get; set; } = 8;

    /// <summary>The number of segments of the full-text index (diagnostics and tests).</summary>
    internal async Task<long> CountIndexSegmentsAsync(CancellationToken cancellationToken)
    {
        using var count = Command(null, "SELECT count(DISTINCT segid) FROM papers_fts_idx");
        return Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    private async Task<bool> HasPendingAsync(SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var check = Command(transaction, """
            SELECT (SELECT coalesce(max(rowid), 0) FROM papers) > (SELECT last_rowid FROM search_watermark)
                OR EXISTS (SELECT 1 FROM search_pending)
            """);
        return Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) != 0;
    }

    /// <summary>The indexing step, inside the caller's write transaction.</summary>
    private async Task<int> IndexPendingAsync(SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        using var indexer = new SearchIndexer(this, transaction);
        var total = 0;

        // Rows changed in place or deleted (queued by triggers).
        while (true)
        {
            var rowids = new List<long>();
            using (var read = Command(transaction, "SELECT paper_rowid FROM search_pending ORDER BY paper_rowid LIMIT $n"))
            {
                read.Parameters.AddWithValue("$n", IndexBatch);
                using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    rowids.Add(reader.GetInt64(0));
                }
            }

            if (rowids.Count == 0)
            {
                break;
            }

            var ids = new HashSet<string>(StringComparer.Ordinal);
            foreach (var rowid in rowids)
            {
                if (await indexer.IdOfAsync(rowid, cancellationToken).ConfigureAwait(false) is { } id)
                {
                    ids.Add(id);
                }
            }

            var changed = rowids.ToHashSet();
            foreach (var id in ids)
            {
                total += await indexer.ReindexAsync(id, changed, cancellationToken).ConfigureAwait(false);
            }

            using var done = Command(transaction, "DELETE FROM search_pending WHERE paper_rowid <= $last");
            done.Parameters.AddWithValue("$last", rowids[^1]);
            await done.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        // New rows above the watermark.
        long watermark;
        using (var read = Command(transaction, "SELECT last_rowid FROM search_watermark"))
        {
            watermark = Convert.ToInt64(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        while (true)
        {
            var batch = new List<(long RowId, string Id)>();
            using (var read = Command(transaction, "SELECT rowid, id FROM papers WHERE rowid > $w ORDER BY rowid LIMIT $n"))
            {
                read.Parameters.AddWithValue("$w", watermark);
                read.Parameters.AddWithValue("$n", IndexBatch);
                using var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    batch.Add((reader.GetInt64(0), reader.GetString(1)));
                }
            }

            if (batch.Count == 0)
            {
                break;
            }

            var fresh = batch.Select(b => b.RowId).ToHashSet();
            foreach (var id in batch.Select(b => b.Id).Distinct(StringComparer.Ordinal))
            {
                total += await indexer.ReindexAsync(id, fresh, cancellationToken).ConfigureAwait(false);
            }

            watermark = batch[^1].RowId;
            using var save = Command(transaction, "UPDATE search_watermark SET last_rowid = $w");
            save.Parameters.AddWithValue("$w", watermark);
            await save.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return total;
    }

    /// <summary>Re-computes the date of the indexed papers listed in one announcement (after its membership changed).</summary>
    private async Task RefreshSearchDatesAsync(SqliteTransaction transaction, string category, string date, CancellationToken cancellationToken)
    {
        using var update = Command(transaction, """
            UPDATE search_index SET day = coalesce(
                (SELECT min(ap.listing_date) FROM announcement_papers ap WHERE ap.paper_id = search_index.id),
                (SELECT p.published FROM papers p WHERE p.rowid = search_index.paper_rowid))
            WHERE id IN (SELECT paper_id FROM announcement_papers WHERE category = $category AND listing_date = $date)
            """);
        update.Parameters.AddWithValue("$category", category);
        update.Parameters.AddWithValue("$date", date);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The prepared statements of one indexing pass.</summary>
    private sealed class SearchIndexer : IDisposable
    {
        private readonly SqliteCommand _idOfRow, _latest, _current, _ftsDelete, _ftsInsert, _indexDelete, _indexUpsert;

        public SearchIndexer(SqliteStore store, SqliteTransaction transaction)
        {
            _idOfRow = store.Command(transaction, """
                SELECT coalesce((SELECT id FROM papers WHERE rowid = $r), (SELECT id FROM search_index WHERE paper_rowid = $r))
                """);
            _latest = store.Command(transaction, """
                SELECT rowid, title, authors_json, abstract, comments, primary_category, subjects_json, published,
                       (SELECT min(listing_date) FROM announcement_papers ap WHERE ap.paper_id = papers.id)
                FROM papers WHERE id = $id ORDER BY version DESC LIMIT 1
                """);
            _current = store.Command(transaction, "SELECT paper_rowid FROM search_index WHERE id = $id");
            _ftsDelete = store.Command(transaction, "DELETE FROM papers_fts WHERE rowid = -$r");
            _ftsInsert = store.Command(transaction, """
                INSERT INTO papers_fts (rowid, title, abstract, authors, comments, categories, ident)
                VALUES (-$r, $title, $abstract, $authors, $comments, $categories, $ident)
                """);
            _indexDelete = store.Command(transaction, "DELETE FROM search_index WHERE id = $id");
            _indexUpsert = store.Command(transaction, """
                INSERT INTO search_index (paper_rowid, id, day) VALUES ($r, $id, $day)
                """);
        }

        public async Task<string?> IdOfAsync(long rowid, CancellationToken cancellationToken)
        {
            _idOfRow.Parameters.Clear();
            _idOfRow.Parameters.AddWithValue("$r", rowid);
            return await _idOfRow.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }

        /// <summary>
        /// Makes the index hold the latest version of <paramref name="id"/>. Nothing is rewritten when the index
        /// already holds that row and the row is not in <paramref name="changed"/>. Returns 1 when it wrote.
        /// </summary>
        public async Task<int> ReindexAsync(string id, IReadOnlySet<long> changed, CancellationToken cancellationToken)
        {
            _current.Parameters.Clear();
            _current.Parameters.AddWithValue("$id", id);
            var current = await _current.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long c ? c : (long?)null;

            _latest.Parameters.Clear();
            _latest.Parameters.AddWithValue("$id", id);
            using var reader = await _latest.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (current is { } gone)
                {
                    await RemoveAsync(gone, id, cancellationToken).ConfigureAwait(false);
                    return 1;
                }

                return 0;
            }

            var rowid = reader.GetInt64(0);
            if (current == rowid && !changed.Contains(rowid))
            {
                return 0;
            }

            var published = reader.IsDBNull(7) ? null : reader.GetString(7);
            var listed = reader.IsDBNull(8) ? null : reader.GetString(8);
            var paper = new Paper
            {
                Id = id,
                Title = reader.GetString(1),
                Authors = AuthorsFromJson(reader.GetString(2)),
                Abstract = reader.GetString(3),
                Comments = reader.IsDBNull(4) ? null : reader.GetString(4),
                PrimaryCategory = reader.GetString(5),
                Subjects = SubjectsFromJson(reader.GetString(6)),
            };
            var text = new PaperText(paper);

            if (current is { } old)
            {
                await RemoveAsync(old, id, cancellationToken).ConfigureAwait(false);
            }

            _ftsInsert.Parameters.Clear();
            _ftsInsert.Parameters.AddWithValue("$r", rowid);
            _ftsInsert.Parameters.AddWithValue("$title", SearchIndexText.Title(paper));
            _ftsInsert.Parameters.AddWithValue("$abstract", SearchIndexText.Abstract(paper));
            _ftsInsert.Parameters.AddWithValue("$authors", SearchIndexText.Authors(paper));
            _ftsInsert.Parameters.AddWithValue("$comments", SearchIndexText.Comments(paper));
            _ftsInsert.Parameters.AddWithValue("$categories", SearchIndexText.Categories(text));
            _ftsInsert.Parameters.AddWithValue("$ident", SearchIndexText.Ident(text));
            await _ftsInsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);

            _indexUpsert.Parameters.Clear();
            _indexUpsert.Parameters.AddWithValue("$r", rowid);
            _indexUpsert.Parameters.AddWithValue("$id", id);
            _indexUpsert.Parameters.AddWithValue("$day", (object?)(listed ?? published) ?? DBNull.Value);
            await _indexUpsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return 1;
        }

        private async Task RemoveAsync(long rowid, string id, CancellationToken cancellationToken)
        {
            _ftsDelete.Parameters.Clear();
            _ftsDelete.Parameters.AddWithValue("$r", rowid);
            await _ftsDelete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _indexDelete.Parameters.Clear();
            _indexDelete.Parameters.AddWithValue("$id", id);
            await _indexDelete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public void Dispose()
        {
            foreach (var command in new[] { _idOfRow, _latest, _current, _ftsDelete, _ftsInsert, _indexDelete, _indexUpsert })
            {
                command.Dispose();
            }
        }
    }
}
