using System.Globalization;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>
/// The SQLite schema as an ordered list of migration scripts. Script <c>i</c> (0-based) takes the database from
/// version <c>i</c> to <c>i + 1</c>; each is applied in its own transaction exactly once, and recorded as a row in
/// <c>schema_version</c>. Never edit a released script: append a new one.
/// </summary>
public static class SqliteMigrations
{
    private const string SchemaVersionTable = """
        CREATE TABLE IF NOT EXISTS schema_version (
            version    INTEGER PRIMARY KEY,
            applied_at TEXT NOT NULL
        );
        """;

    private static readonly string[] Scripts =
    [
        // v1: papers, announcements and their membership, HTTP validators, runs.
        """
        CREATE TABLE papers (
            id               TEXT    NOT NULL,
            version          INTEGER NOT NULL DEFAULT 0,   -- 0 = unknown
            title            TEXT    NOT NULL,
            authors_json     TEXT    NOT NULL DEFAULT '[]',
            abstract         TEXT    NOT NULL DEFAULT '',
            comments         TEXT,
            journal_ref      TEXT,
            doi              TEXT,
            primary_category TEXT    NOT NULL DEFAULT '',
            subjects_json    TEXT    NOT NULL DEFAULT '[]', -- [{"code":..,"name":..}]
            first_seen       TEXT    NOT NULL,
            updated_at       TEXT    NOT NULL,
            PRIMARY KEY (id, version)
        );

        CREATE TABLE announcements (
            category     TEXT    NOT NULL,
            listing_date TEXT    NOT NULL,                 -- yyyy-MM-dd
            source       TEXT    NOT NULL,
            fetched_at   TEXT    NOT NULL,
            paper_count  INTEGER NOT NULL,
            PRIMARY KEY (category, listing_date)
        );

        CREATE TABLE announcement_papers (
            category      TEXT    NOT NULL,
            listing_date  TEXT    NOT NULL,
            position      INTEGER NOT NULL,
            paper_id      TEXT    NOT NULL,
            version       INTEGER NOT NULL,
            announce_type TEXT    NOT NULL CHECK (announce_type IN ('new', 'cross', 'replace', 'replace-cross')),
            PRIMARY KEY (category, listing_date, paper_id),
            FOREIGN KEY (category, listing_date) REFERENCES announcements (category, listing_date) ON DELETE CASCADE,
            FOREIGN KEY (paper_id, version) REFERENCES papers (id, version)
        );

        CREATE INDEX ix_announcement_papers_position ON announcement_papers (category, listing_date, position);
        CREATE INDEX ix_announcement_papers_paper ON announcement_papers (paper_id, version);

        CREATE TABLE fetch_state (
            url           TEXT PRIMARY KEY NOT NULL,
            etag          TEXT,
            last_modified TEXT,
            listing_date  TEXT
        );

        CREATE TABLE runs (
            id           INTEGER PRIMARY KEY AUTOINCREMENT,
            digest       TEXT NOT NULL,
            listing_date TEXT,
            started_at   TEXT NOT NULL,
            finished_at  TEXT,
            status       TEXT NOT NULL,
            message      TEXT
        );
        """,

        // v2: the translation cache, keyed by source text hash, languages, provider, model and glossary version.
        """
        CREATE TABLE translations (
            source_hash      TEXT NOT NULL,
            source_lang      TEXT NOT NULL,
            target_lang      TEXT NOT NULL,
            provider         TEXT NOT NULL,
            model            TEXT NOT NULL,
            glossary_version TEXT NOT NULL,
            text             TEXT NOT NULL,
            created_at       TEXT NOT NULL,
            PRIMARY KEY (source_hash, source_lang, target_lang, provider, model, glossary_version)
        ) WITHOUT ROWID;
        """,

        // v3: the delivery ledger: one row per (digest, listing date, channel).
        """
        CREATE TABLE deliveries (
            digest       TEXT    NOT NULL,
            listing_date TEXT    NOT NULL,
            channel      TEXT    NOT NULL,
            delivered    INTEGER NOT NULL,
            attempts     INTEGER NOT NULL,
            last_error   TEXT,
            updated_at   TEXT    NOT NULL,
            PRIMARY KEY (digest, listing_date, channel)
        ) WITHOUT ROWID;
        """,

        // v4: the first version's submission date, and the progress of resumable jobs (backfill, import).
        """
        ALTER TABLE papers ADD COLUMN published TEXT;  -- yyyy-MM-dd, null when the source does not state it

        CREATE TABLE harvest_state (
            key        TEXT PRIMARY KEY NOT NULL,
            value      TEXT NOT NULL,
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID;
        """,

        // v5: run claims, so that two instances never build and deliver one digest for one listing date at once.
        """
        CREATE TABLE run_claims (
            digest       TEXT    NOT NULL,
            listing_date TEXT    NOT NULL,                 -- yyyy-MM-dd
            owner        TEXT    NOT NULL,
            claimed_at   TEXT    NOT NULL,
            expires_at   INTEGER NOT NULL,                 -- Unix milliseconds: the lease ends
            PRIMARY KEY (digest, listing_date)
        ) WITHOUT ROWID;
        """,

        // v6: full-text search (SearchIndexText says what each column holds). Self-contained: creates and fills nothing
        // else; the index is filled lazily (rows above the watermark, and rows queued by the triggers).
        """
        CREATE VIRTUAL TABLE papers_fts USING fts5 (
            title, abstract, authors, comments, categories, ident,
            tokenize = 'ascii', content = '', contentless_delete = 1
        );
        INSERT INTO papers_fts (papers_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 3.0, 0.5, 0.0, 0.0)');

        -- One row per paper id: the papers rowid of its latest version (also the papers_fts rowid) and its date.
        CREATE TABLE search_index (
            paper_rowid INTEGER PRIMARY KEY,
            id          TEXT NOT NULL UNIQUE,
            day         TEXT                 -- yyyy-MM-dd: first listing date, else published; null when unknown
        );
        CREATE INDEX ix_search_index_day ON search_index (day);

        -- Papers rows changed in place or deleted since they were indexed.
        CREATE TABLE search_pending (paper_rowid INTEGER PRIMARY KEY);

        -- Every papers rowid up to last_rowid has been looked at by the indexer.
        CREATE TABLE search_watermark (
            singleton  INTEGER PRIMARY KEY CHECK (singleton = 1),
            last_rowid INTEGER NOT NULL
        );
        INSERT INTO search_watermark (singleton, last_rowid) VALUES (1, 0);

        CREATE TRIGGER papers_search_updated AFTER UPDATE ON papers BEGIN
            INSERT OR IGNORE INTO search_pending (paper_rowid) VALUES (new.rowid);
        END;
        CREATE TRIGGER papers_search_deleted AFTER DELETE ON papers BEGIN
            INSERT OR IGNORE INTO search_pending (paper_rowid) VALUES (old.rowid);
        END;
        """,

        // v7: the full-text index rebuilt with (1) FTS rowid = minus the papers rowid, so that newest first is FTS5's
        // ascending order (reading a doclist backwards makes FTS5 load all of it, for every statement); (2) prefix
        // indexes for 3- and 4-letter prefixes (a short prefix such as star* otherwise merges the doclists of every
        // word it starts); (3) TeX read as TeX reads spaces after a command word. The index is emptied and refilled
        // lazily by the next search, like after an import.
        """
        DROP TABLE papers_fts;
        CREATE VIRTUAL TABLE papers_fts USING fts5 (
            title, abstract, authors, comments, categories, ident,
            tokenize = 'ascii', content = '', contentless_delete = 1, prefix = '3 4'
        );
        INSERT INTO papers_fts (papers_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 3.0, 0.5, 0.0, 0.0)');
        DELETE FROM search_index;
        DELETE FROM search_pending;
        UPDATE search_watermark SET last_rowid = 0;
        """,

        // v8: words are folded for inflections too (Tokens.FoldWord: learned, learning → learn), so the index's words
        // change. Emptied and refilled lazily by the next search, as in v7.
        """
        INSERT INTO papers_fts (papers_fts) VALUES ('delete-all');
        DELETE FROM search_index;
        DELETE FROM search_pending;
        UPDATE search_watermark SET last_rowid = 0;
        """,
    ];

    /// <summary>The schema version this build creates and understands.</summary>
    public static int LatestVersion => Scripts.Length;

    /// <summary>The schema version recorded in the database; 0 for a database without <c>schema_version</c>.</summary>
    internal static async Task<int> ReadVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        using var exists = connection.CreateCommand();
        exists.Transaction = transaction;
        exists.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        if (Convert.ToInt64(await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 0)
        {
            return 0;
        }

        using var read = connection.CreateCommand();
        read.Transaction = transaction;
        read.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
        return Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Applies every pending script, each in its own (immediate) transaction that re-checks the version first, so
    /// two processes migrating the same file at once apply each script once. Returns the number applied.
    /// </summary>
    internal static async Task<int> ApplyAsync(SqliteConnection connection, string database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var current = await ReadVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
        ThrowIfNewer(database, current);

        var applied = 0;
        for (var target = current + 1; target <= LatestVersion; target++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var transaction = connection.BeginTransaction(deferred: false);

            using (var create = connection.CreateCommand())
            {
                create.Transaction = transaction;
                create.CommandText = SchemaVersionTable;
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            var inside = await ReadVersionAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            ThrowIfNewer(database, inside);
            if (inside >= target)
            {
                // Another process got here first.
                transaction.Commit();
                target = inside;
                continue;
            }

            using (var script = connection.CreateCommand())
            {
                script.Transaction = transaction;
                script.CommandText = Scripts[target - 1];
                await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = "INSERT INTO schema_version (version, applied_at) VALUES ($version, $appliedAt)";
                record.Parameters.AddWithValue("$version", target);
                record.Parameters.AddWithValue("$appliedAt", now.ToString("O", CultureInfo.InvariantCulture));
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            transaction.Commit();
            applied++;
        }

        return applied;
    }

    private static void ThrowIfNewer(string database, int version)
    {
        if (version > LatestVersion)
        {
            throw new StoreException(
                database,
                $"database schema version {version} is newer than this ArxivDigest supports ({LatestVersion})");
        }
    }
}
