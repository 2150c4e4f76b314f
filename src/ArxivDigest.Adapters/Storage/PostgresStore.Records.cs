using ArxivDigest.Delivery;
using ArxivDigest.Papers;
using ArxivDigest.Translation;
using Npgsql;
using NpgsqlTypes;

namespace ArxivDigest.Storage;

/// <summary>Papers outside announcements, harvest state, runs, run claims, the translation cache and the delivery ledger.</summary>
public sealed partial class PostgresStore : ITranslationCache, IDeliveryLedger
{
    /// <inheritdoc />
    public Task SavePapersAsync(IReadOnlyList<Paper> papers, string source, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(papers);
        return RunAsync($"cannot save {papers.Count} papers from {source}", async c =>
        {
            await using var transaction = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await UpsertPapersAsync(c, transaction, papers, SqliteStore.FormatTime(fetchedAt), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetHarvestStateAsync(string key, CancellationToken cancellationToken) =>
        RunAsync($"cannot read the progress of {key}", async c =>
        {
            await using var command = Command(c, null, "SELECT value FROM harvest_state WHERE key = @key");
            command.Parameters.AddWithValue("key", key);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }, cancellationToken);

    /// <inheritdoc />
    public Task SaveHarvestStateAsync(string key, string? value, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync($"cannot save the progress of {key}", async c =>
        {
            await using var command = value is null
                ? Command(c, null, "DELETE FROM harvest_state WHERE key = @key")
                : Command(c, null, """
                    INSERT INTO harvest_state (key, value, updated_at) VALUES (@key, @value, @at)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """);
            command.Parameters.AddWithValue("key", key);
            if (value is not null)
            {
                command.Parameters.AddWithValue("value", value);
                command.Parameters.AddWithValue("at", SqliteStore.FormatTime(at));
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long> StartRunAsync(string digest, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return RunAsync("cannot record run start", async c =>
        {
            await using var command = Command(c, null, """
                INSERT INTO runs (digest, listing_date, started_at, finished_at, status, message)
                VALUES (@digest, NULL, @startedAt, NULL, 'running', NULL) RETURNING id
                """);
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("startedAt", SqliteStore.FormatTime(startedAt));
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task FinishRunAsync(long runId, DateOnly? listingDate, string status, string? message, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        var changed = await RunAsync<int>("cannot record run end", async c =>
        {
            await using var command = Command(c, null, """
                UPDATE runs SET listing_date = @date, status = @status, message = @message, finished_at = @finishedAt WHERE id = @id
                """);
            command.Parameters.AddWithValue("id", runId);
            command.Parameters.AddWithValue("date", NpgsqlDbType.Date, listingDate is { } d ? d : DBNull.Value);
            command.Parameters.AddWithValue("status", status);
            command.Parameters.AddWithValue("message", NpgsqlDbType.Text, (object?)message ?? DBNull.Value);
            command.Parameters.AddWithValue("finishedAt", SqliteStore.FormatTime(finishedAt));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        if (changed == 0)
        {
            throw new StoreException(DisplayName, $"run {runId} does not exist");
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<RunRecord>> GetRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        return RunAsync<IReadOnlyList<RunRecord>>("cannot read runs", async c =>
        {
            await using var command = Command(c, null, "SELECT id, digest, listing_date, started_at, finished_at, status, message FROM runs ORDER BY id DESC LIMIT @limit");
            command.Parameters.AddWithValue("limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var runs = new List<RunRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs.Add(new RunRecord(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2),
                    SqliteStore.ParseTime(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : SqliteStore.ParseTime(reader.GetString(4)),
                    reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }

            return runs;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> HasCompleteRunAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return RunAsync($"cannot read the runs of {digest} for {listingDate:yyyy-MM-dd}", async c =>
        {
            await using var command = Command(c, null, """
                SELECT EXISTS (SELECT 1 FROM runs WHERE digest = @digest AND listing_date = @date AND status = 'complete')
                """);
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("date", listingDate);
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryClaimRunAsync(string digest, DateOnly listingDate, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(owner);
        return RunAsync($"cannot claim the {digest} run of {listingDate:yyyy-MM-dd}", async c =>
        {
            // INSERT … ON CONFLICT locks the existing row and re-checks the condition: of racing claimants one wins.
            await using var command = Command(c, null, """
                INSERT INTO run_claims (digest, listing_date, owner, claimed_at, expires_at)
                VALUES (@digest, @date, @owner, @claimedAt, @expiresAt)
                ON CONFLICT (digest, listing_date) DO UPDATE SET
                    owner = excluded.owner, claimed_at = excluded.claimed_at, expires_at = excluded.expires_at
                WHERE run_claims.owner = excluded.owner OR run_claims.expires_at <= @nowMs
                """);
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("date", listingDate);
            command.Parameters.AddWithValue("owner", owner);
            command.Parameters.AddWithValue("claimedAt", SqliteStore.FormatTime(now));
            command.Parameters.AddWithValue("expiresAt", (now + lease).ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("nowMs", now.ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewRunClaimAsync(string digest, DateOnly listingDate, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(owner);
        return RunAsync($"cannot renew the claim on the {digest} run of {listingDate:yyyy-MM-dd}", async c =>
        {
            // Only the owner's row is touched: a claim taken over (another owner) or released (no row) stays lost.
            await using var command = Command(c, null, """
                UPDATE run_claims SET expires_at = @expiresAt
                WHERE digest = @digest AND listing_date = @date AND owner = @owner
                """);
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("date", listingDate);
            command.Parameters.AddWithValue("owner", owner);
            command.Parameters.AddWithValue("expiresAt", (now + lease).ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<string?> GetRunClaimOwnerAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
        RunAsync($"cannot read the claim on the {digest} run of {listingDate:yyyy-MM-dd}", async c =>
        {
            await using var command = Command(c, null, "SELECT owner FROM run_claims WHERE digest = @digest AND listing_date = @date");
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("date", listingDate);
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }, cancellationToken);

    /// <inheritdoc />
    public Task ReleaseRunClaimAsync(string digest, DateOnly listingDate, string owner, CancellationToken cancellationToken) =>
        RunAsync($"cannot release the {digest} run of {listingDate:yyyy-MM-dd}", async c =>
        {
            await using var command = Command(c, null, "DELETE FROM run_claims WHERE digest = @digest AND listing_date = @date AND owner = @owner");
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("date", listingDate);
            command.Parameters.AddWithValue("owner", owner);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<TranslationKey, string>> GetTranslationsAsync(IReadOnlyCollection<TranslationKey> keys, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<TranslationKey, string>>("cannot read cached translations", async c =>
        {
            var found = new Dictionary<TranslationKey, string>();
            await using var command = Command(c, null, """
                SELECT text FROM translations
                WHERE source_hash = @hash AND source_lang = @source AND target_lang = @target
                  AND provider = @provider AND model = @model AND glossary_version = @glossary
                """);
            var p = AddKeyParameters(command);
            foreach (var key in keys.Distinct())
            {
                SetKey(p, key);
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string text)
                {
                    found[key] = text;
                }
            }

            return found;
        }, cancellationToken);

    /// <inheritdoc />
    public Task SaveTranslationsAsync(IReadOnlyCollection<KeyValuePair<TranslationKey, string>> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return Task.CompletedTask;
        }

        return RunAsync("cannot save translations", async c =>
        {
            await using var transaction = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = Command(c, transaction, """
                INSERT INTO translations (source_hash, source_lang, target_lang, provider, model, glossary_version, text, created_at)
                VALUES (@hash, @source, @target, @provider, @model, @glossary, @text, @now)
                ON CONFLICT (source_hash, source_lang, target_lang, provider, model, glossary_version) DO UPDATE SET text = excluded.text
                """);
            var p = AddKeyParameters(command);
            var text = command.Parameters.Add("text", NpgsqlDbType.Text);
            command.Parameters.AddWithValue("now", SqliteStore.FormatTime(DateTimeOffset.UtcNow));
            foreach (var (key, value) in entries)
            {
                SetKey(p, key);
                text.Value = value;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> GetDeliveredChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
        ChannelsInStateAsync(digest, listingDate, 1, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> GetInterruptedChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
        ChannelsInStateAsync(digest, listingDate, 2, cancellationToken);

    /// <summary>The channels whose row has <c>delivered = state</c> (1 delivered, 2 sending when interrupted).</summary>
    private Task<IReadOnlySet<string>> ChannelsInStateAsync(string digest, DateOnly listingDate, int state, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlySet<string>>("cannot read the delivery ledger", async c =>
        {
            await using var command = Command(c, null, "SELECT channel FROM deliveries WHERE digest = @digest AND listing_date = @date AND delivered = @state");
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("date", listingDate);
            command.Parameters.AddWithValue("state", state);
            var channels = new HashSet<string>(StringComparer.Ordinal);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                channels.Add(reader.GetString(0));
            }

            return channels;
        }, cancellationToken);

    /// <inheritdoc />
    public Task MarkSendingAsync(string digest, DateOnly listingDate, string channel, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync("cannot record a delivery", async c =>
        {
            await using var command = Command(c, null, """
                INSERT INTO deliveries (digest, listing_date, channel, delivered, attempts, last_error, updated_at)
                VALUES (@digest, @date, @channel, 2, 0, NULL, @at)
                ON CONFLICT (digest, listing_date, channel) DO UPDATE SET delivered = 2, updated_at = excluded.updated_at
                """);
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("date", listingDate);
            command.Parameters.AddWithValue("channel", channel);
            command.Parameters.AddWithValue("at", SqliteStore.FormatTime(at));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task RecordDeliveryAsync(string digest, DateOnly listingDate, string channel, bool delivered, string? error, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync("cannot record a delivery", async c =>
        {
            await using var command = Command(c, null, """
                INSERT INTO deliveries (digest, listing_date, channel, delivered, attempts, last_error, updated_at)
                VALUES (@digest, @date, @channel, @delivered, 1, @error, @at)
                ON CONFLICT (digest, listing_date, channel) DO UPDATE SET
                    delivered = CASE WHEN excluded.delivered = 1 OR deliveries.delivered = 1 THEN 1 ELSE 0 END,
                    attempts = deliveries.attempts + 1,
                    last_error = excluded.last_error,
                    updated_at = excluded.updated_at
                """);
            command.Parameters.AddWithValue("digest", digest);
            command.Parameters.AddWithValue("date", listingDate);
            command.Parameters.AddWithValue("channel", channel);
            command.Parameters.AddWithValue("delivered", delivered ? 1 : 0);
            command.Parameters.AddWithValue("error", NpgsqlDbType.Text, (object?)error ?? DBNull.Value);
            command.Parameters.AddWithValue("at", SqliteStore.FormatTime(at));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>
    /// The conflict rule of every paper upsert (row by row here, set-based in <c>import</c>), as in the SQLite store:
    /// content columns are only rewritten (and updated_at bumped) when something changed; a known <c>published</c>
    /// date is never erased; the search document follows the content.
    /// </summary>
    private const string PaperConflict = """
        ON CONFLICT (id, version) DO UPDATE SET
            search_doc = excluded.search_doc,
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
        WHERE papers.title IS DISTINCT FROM excluded.title
           OR papers.authors_json IS DISTINCT FROM excluded.authors_json
           OR papers.abstract IS DISTINCT FROM excluded.abstract
           OR papers.comments IS DISTINCT FROM excluded.comments
           OR papers.journal_ref IS DISTINCT FROM excluded.journal_ref
           OR papers.doi IS DISTINCT FROM excluded.doi
           OR papers.primary_category IS DISTINCT FROM excluded.primary_category
           OR papers.subjects_json IS DISTINCT FROM excluded.subjects_json
           OR (excluded.published IS NOT NULL AND papers.published IS DISTINCT FROM excluded.published)
        """;

    /// <summary>
    /// The paper upsert shared by announcements and history, as in the SQLite store: content columns are only
    /// rewritten (and updated_at bumped) when something changed; a known <c>published</c> date is never erased.
    /// </summary>
    private static async Task UpsertPapersAsync(NpgsqlConnection c, NpgsqlTransaction transaction, IReadOnlyList<Paper> papers, string stamp, CancellationToken cancellationToken)
    {
        await using var command = Command(c, transaction, $"""
            INSERT INTO papers (id, version, title, authors_json, abstract, comments, journal_ref, doi,
                                primary_category, subjects_json, published, first_seen, updated_at, search_doc)
            VALUES (@id, @version, @title, @authors, @abstract, @comments, @journalRef, @doi, @primary, @subjects, @published, @now, @now, @doc::tsvector)
            {PaperConflict}
            """);
        var id = command.Parameters.Add("id", NpgsqlDbType.Text);
        var version = command.Parameters.Add("version", NpgsqlDbType.Integer);
        var title = command.Parameters.Add("title", NpgsqlDbType.Text);
        var authors = command.Parameters.Add("authors", NpgsqlDbType.Text);
        var @abstract = command.Parameters.Add("abstract", NpgsqlDbType.Text);
        var comments = command.Parameters.Add("comments", NpgsqlDbType.Text);
        var journalRef = command.Parameters.Add("journalRef", NpgsqlDbType.Text);
        var doi = command.Parameters.Add("doi", NpgsqlDbType.Text);
        var primary = command.Parameters.Add("primary", NpgsqlDbType.Text);
        var subjects = command.Parameters.Add("subjects", NpgsqlDbType.Text);
        var published = command.Parameters.Add("published", NpgsqlDbType.Date);
        var doc = command.Parameters.Add("doc", NpgsqlDbType.Text);
        command.Parameters.AddWithValue("now", NpgsqlDbType.Text, stamp);
        foreach (var paper in papers)
        {
            id.Value = paper.Id;
            version.Value = paper.Version ?? 0;
            title.Value = paper.Title;
            authors.Value = SqliteStore.AuthorsToJson(paper.Authors);
            @abstract.Value = paper.Abstract;
            comments.Value = (object?)paper.Comments ?? DBNull.Value;
            journalRef.Value = (object?)paper.JournalRef ?? DBNull.Value;
            doi.Value = (object?)paper.Doi ?? DBNull.Value;
            primary.Value = paper.PrimaryCategory;
            subjects.Value = SqliteStore.SubjectsToJson(paper.Subjects);
            published.Value = paper.Published is { } d ? d : DBNull.Value;
            doc.Value = PgSearchText.Document(paper);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static NpgsqlParameter[] AddKeyParameters(NpgsqlCommand command) =>
        new[] { "hash", "source", "target", "provider", "model", "glossary" }
            .Select(name => command.Parameters.Add(name, NpgsqlDbType.Text))
            .ToArray();

    private static void SetKey(NpgsqlParameter[] p, TranslationKey key)
    {
        p[0].Value = key.SourceHash;
        p[1].Value = key.SourceLanguage;
        p[2].Value = key.TargetLanguage;
        p[3].Value = key.Provider;
        p[4].Value = key.Model;
        p[5].Value = key.GlossaryVersion;
    }
}
