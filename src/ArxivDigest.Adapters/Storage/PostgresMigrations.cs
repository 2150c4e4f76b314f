using System.Globalization;
using Npgsql;

namespace ArxivDigest.Storage;

/// <summary>
/// The PostgreSQL schema as an ordered list of migration scripts (script <c>i</c>, 0-based, takes the schema from
/// version <c>i</c> to <c>i + 1</c>), recorded in <c>schema_version</c>. All pending scripts are applied in one
/// transaction holding a transaction-scoped advisory lock, so instances starting together apply each script once and
/// the others wait for it. Never edit a released script: append a new one. Listing dates are <c>date</c>; instants
/// are ISO 8601 text with their offset, as in the SQLite store, so both round-trip identically.
/// </summary>
public static class PostgresMigrations
{
    /// <summary>The advisory lock key guarding migrations ("ARXIVDIG" in ASCII).</summary>
    internal const long LockKey = 0x4152_5849_5644_4947;

    private static readonly string[] Scripts =
    [
        // v1: papers, announcements and their membership, HTTP validators, runs, translations, deliveries, harvest state.
        """
        CREATE TABLE papers (
            id               text    NOT NULL,
            version          integer NOT NULL DEFAULT 0,   -- 0 = unknown
            title            text    NOT NULL,
            authors_json     text    NOT NULL DEFAULT '[]',
            abstract         text    NOT NULL DEFAULT '',
            comments         text,
            journal_ref      text,
            doi              text,
            primary_category text    NOT NULL DEFAULT '',
            subjects_json    text    NOT NULL DEFAULT '[]',
            first_seen       text    NOT NULL,
            updated_at       text    NOT NULL,
            published        date,
            PRIMARY KEY (id, version)
        );

        CREATE TABLE announcements (
            category     text    NOT NULL,
            listing_date date    NOT NULL,
            source       text    NOT NULL,
            fetched_at   text    NOT NULL,
            paper_count  integer NOT NULL,
            PRIMARY KEY (category, listing_date)
        );

        CREATE TABLE announcement_papers (
            category      text    NOT NULL,
            listing_date  date    NOT NULL,
            position      integer NOT NULL,
            paper_id      text    NOT NULL,
            version       integer NOT NULL,
            announce_type text    NOT NULL CHECK (announce_type IN ('new', 'cross', 'replace', 'replace-cross')),
            PRIMARY KEY (category, listing_date, paper_id),
            FOREIGN KEY (category, listing_date) REFERENCES announcements (category, listing_date) ON DELETE CASCADE,
            FOREIGN KEY (paper_id, version) REFERENCES papers (id, version)
        );

        CREATE INDEX ix_announcement_papers_position ON announcement_papers (category, listing_date, position);
        CREATE INDEX ix_announcement_papers_paper ON announcement_papers (paper_id, version);

        CREATE TABLE fetch_state (
            url           text PRIMARY KEY,
            etag          text,
            last_modified text,
            listing_date  date
        );

        CREATE TABLE runs (
            id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            digest       text NOT NULL,
            listing_date date,
            started_at   text NOT NULL,
            finished_at  text,
            status       text NOT NULL,
            message      text
        );

        CREATE TABLE translations (
            source_hash      text NOT NULL,
            source_lang      text NOT NULL,
            target_lang      text NOT NULL,
            provider         text NOT NULL,
            model            text NOT NULL,
            glossary_version text NOT NULL,
            text             text NOT NULL,
            created_at       text NOT NULL,
            PRIMARY KEY (source_hash, source_lang, target_lang, provider, model, glossary_version)
        );

        CREATE TABLE deliveries (
            digest       text    NOT NULL,
            listing_date date    NOT NULL,
            channel      text    NOT NULL,
            delivered    integer NOT NULL,
            attempts     integer NOT NULL,
            last_error   text,
            updated_at   text    NOT NULL,
            PRIMARY KEY (digest, listing_date, channel)
        );

        CREATE TABLE harvest_state (
            key        text PRIMARY KEY,
            value      text NOT NULL,
            updated_at text NOT NULL
        );
        """,

        // v2: run claims, so that two instances never build and deliver one digest for one listing date at once.
        """
        CREATE TABLE run_claims (
            digest       text   NOT NULL,
            listing_date date   NOT NULL,
            owner        text   NOT NULL,
            claimed_at   text   NOT NULL,
            expires_at   bigint NOT NULL,                  -- Unix milliseconds: the lease ends
            PRIMARY KEY (digest, listing_date)
        );
        """,

        // v3: full-text search. search_doc is written by the store with every paper (PgSearchText: the matcher's own
        // words, not a PostgreSQL parser's); rows from before this version are filled by the first search.
        """
        ALTER TABLE papers ADD COLUMN search_doc tsvector;
        CREATE INDEX ix_papers_search ON papers USING gin (search_doc);
        CREATE INDEX ix_papers_unindexed ON papers (id, version) WHERE search_doc IS NULL;
        """,

        // v4: words are folded for inflections too (Tokens.FoldWord: learned, learning → learn), so every search_doc
        // is rewritten: emptied here, filled again by the first search, as rows from before v3 were.
        """
        UPDATE papers SET search_doc = NULL WHERE search_doc IS NOT NULL;
        """,
    ];

    /// <summary>The schema version this build creates and understands.</summary>
    public static int LatestVersion => Scripts.Length;

    /// <summary>Applies every pending script; returns how many this call applied (0 when another instance did).</summary>
    internal static async Task<int> ApplyAsync(NpgsqlConnection connection, string database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            command.Parameters.AddWithValue("key", LockKey);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var command = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, applied_at text NOT NULL)", connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        await using (var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM schema_version", connection, transaction))
        {
            current = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }

        if (current > LatestVersion)
        {
            throw new StoreException(database, $"database schema version {current} is newer than this ArxivDigest supports ({LatestVersion})");
        }

        for (var target = current + 1; target <= LatestVersion; target++)
        {
            await using (var script = new NpgsqlCommand(Scripts[target - 1], connection, transaction))
            {
                await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using var record = new NpgsqlCommand("INSERT INTO schema_version (version, applied_at) VALUES (@version, @at)", connection, transaction);
            record.Parameters.AddWithValue("version", target);
            record.Parameters.AddWithValue("at", SqliteStore.FormatTime(now));
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return LatestVersion - current;
    }
}
