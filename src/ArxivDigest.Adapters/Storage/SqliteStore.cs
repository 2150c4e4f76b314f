using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using ArxivDigest.Papers;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>
/// The embedded SQLite store: one connection per instance (not thread-safe); several processes may open the same
/// file (WAL journal, busy timeout). Dates are stored as ISO 8601 text: <see cref="DateTimeOffset"/> in the "O"
/// format, <see cref="DateOnly"/> as yyyy-MM-dd.
/// </summary>
public sealed partial class SqliteStore : IDigestStore
{
    private static readonly JavaScriptEncoder JsonEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private readonly SqliteConnection _connection;
    private bool _disposed;

    private SqliteStore(string path, SqliteConnection connection)
    {
        DatabasePath = path;
        _connection = connection;
    }

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <inheritdoc />
    public string DisplayName => DatabasePath;

    /// <summary>
    /// Opens (creating if needed) the database file at <paramref name="path"/>, its parent directory included, and
    /// migrates it to the latest schema. Always a file: <c>:memory:</c> is taken as a file name.
    /// </summary>
    /// <exception cref="StoreException">The file cannot be opened, is not a database, or has a newer schema.</exception>
    public static async Task<SqliteStore> OpenAsync(string path, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new StoreException(path, $"invalid database path: {OneLine(ex.Message)}", ex);
        }

        if (Directory.Exists(full))
        {
            throw new StoreException(full, "cannot open database: the path is a directory");
        }

        try
        {
            var parent = Path.GetDirectoryName(full);
            if (!string.IsNullOrEmpty(parent))
            {
                Directory.CreateDirectory(parent);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StoreException(full, $"cannot create the database directory: {OneLine(ex.Message)}", ex);
        }

        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false, // one long-lived connection per store; disposing must really close the file
        }.ToString();

        var connection = new SqliteConnection(connectionString);
        var store = new SqliteStore(full, connection);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            using (var pragmas = connection.CreateCommand())
            {
                // busy_timeout first, so that switching to WAL waits for another process instead of failing.
                pragmas.CommandText = """
                    PRAGMA busy_timeout=10000;
                    PRAGMA journal_mode=WAL;
                    PRAGMA foreign_keys=ON;
                    PRAGMA synchronous=NORMAL;
                    """;
                await pragmas.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            await SqliteMigrations.ApplyAsync(connection, full, DateTimeOffset.UtcNow, ct).ConfigureAwait(false);
            return store;
        }
        catch (SqliteException ex)
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw new StoreException(full, $"cannot open database: {Describe(ex)}", ex);
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await SqliteMigrations.ApplyAsync(_connection, DatabasePath, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot migrate database", ex);
        }
    }

    /// <inheritdoc />
    public async Task SaveAnnouncementAsync(Announcement announcement, string source, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (announcement.ListingDate is not { } listingDate)
        {
            throw new ArgumentException(
                $"announcement of {announcement.Category} has no listing date and cannot be stored", nameof(announcement));
        }

        // A paper listed twice (which arXiv does not do) keeps its first place.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var members = announcement.Papers.Where(p => seen.Add(p.Id)).ToList();

        var category = announcement.Category;
        var date = FormatDate(listingDate);
        var stamp = FormatTime(fetchedAt);

        try
        {
            using var transaction = _connection.BeginTransaction(deferred: false);

            using (var upsertAnnouncement = Command(transaction, """
                INSERT INTO announcements (category, listing_date, source, fetched_at, paper_count)
                VALUES ($category, $date, $source, $fetchedAt, $count)
                ON CONFLICT (category, listing_date) DO UPDATE SET
                    source = excluded.source,
                    fetched_at = excluded.fetched_at,
                    paper_count = excluded.paper_count
                """))
            {
                upsertAnnouncement.Parameters.AddWithValue("$category", category);
                upsertAnnouncement.Parameters.AddWithValue("$date", date);
                upsertAnnouncement.Parameters.AddWithValue("$source", source);
                upsertAnnouncement.Parameters.AddWithValue("$fetchedAt", stamp);
                upsertAnnouncement.Parameters.AddWithValue("$count", members.Count);
                await upsertAnnouncement.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using (var upsert = new PaperUpsert(this, transaction, stamp))
            {
                foreach (var paper in members)
                {
                    await upsert.ExecuteAsync(paper, cancellationToken).ConfigureAwait(false);
                }
            }

            using (var clear = Command(transaction, "DELETE FROM announcement_papers WHERE category = $category AND listing_date = $date"))
            {
                clear.Parameters.AddWithValue("$category", category);
                clear.Parameters.AddWithValue("$date", date);
                await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using (var insertMember = Command(transaction, """
                INSERT INTO announcement_papers (category, listing_date, position, paper_id, version, announce_type)
                VALUES ($category, $date, $position, $id, $version, $type)
                """))
            {
                insertMember.Parameters.AddWithValue("$category", category);
                insertMember.Parameters.AddWithValue("$date", date);
                var position = insertMember.Parameters.Add("$position", SqliteType.Integer);
                var id = insertMember.Parameters.Add("$id", SqliteType.Text);
                var version = insertMember.Parameters.Add("$version", SqliteType.Integer);
                var type = insertMember.Parameters.Add("$type", SqliteType.Text);
                insertMember.Prepare();

                for (var i = 0; i < members.Count; i++)
                {
                    position.Value = i;
                    id.Value = members[i].Id;
                    version.Value = members[i].Version ?? 0;
                    type.Value = FormatAnnounceType(members[i].AnnounceType);
                    await insertMember.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            var indexed = await IndexPendingAsync(transaction, cancellationToken).ConfigureAwait(false);
            await RefreshSearchDatesAsync(transaction, category, date, cancellationToken).ConfigureAwait(false);
            transaction.Commit();
            await CompactSearchIndexAsync(indexed, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot save the {category} announcement of {date}", ex);
        }
    }

    /// <inheritdoc />
    public async Task<StoredAnnouncement?> GetAnnouncementAsync(string category, DateOnly listingDate, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                SELECT source, fetched_at, paper_count FROM announcements
                WHERE category = $category AND listing_date = $date
                """);
            command.Parameters.AddWithValue("$category", category);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new StoredAnnouncement(
                category,
                listingDate,
                reader.GetString(0),
                ParseTime(reader.GetString(1)),
                reader.GetInt32(2));
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read announcement", ex);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<Paper>> GetAnnouncedPapersAsync(string category, DateOnly listingDate, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                SELECT p.id, p.version, p.title, p.authors_json, p.abstract, p.comments, p.journal_ref, p.doi,
                       p.primary_category, p.subjects_json, ap.announce_type, ap.listing_date, p.published
                FROM announcement_papers ap
                JOIN papers p ON p.id = ap.paper_id AND p.version = ap.version
                WHERE ap.category = $category AND ap.listing_date = $date
                ORDER BY ap.position
                """);
            command.Parameters.AddWithValue("$category", category);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var papers = new List<Paper>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                papers.Add(ReadPaper(reader) with
                {
                    AnnounceType = ParseAnnounceType(reader.GetString(10)),
                    ListingDate = ParseDate(reader.GetString(11)),
                    Published = reader.IsDBNull(12) ? null : ParseDate(reader.GetString(12)),
                });
            }

            return papers;
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read announced papers", ex);
        }
    }

    /// <inheritdoc />
    public async Task<DateOnly?> GetLatestListingDateAsync(string category, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, "SELECT max(listing_date) FROM announcements WHERE category = $category");
            command.Parameters.AddWithValue("$category", category);
            var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return value is string text ? ParseDate(text) : null;
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read the latest listing date", ex);
        }
    }

    /// <inheritdoc />
    public async Task<FetchState?> GetFetchStateAsync(string url, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, "SELECT etag, last_modified, listing_date FROM fetch_state WHERE url = $url");
            command.Parameters.AddWithValue("$url", url);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new FetchState(
                url,
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : ParseTime(reader.GetString(1)),
                reader.IsDBNull(2) ? null : ParseDate(reader.GetString(2)));
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read fetch state", ex);
        }
    }

    /// <inheritdoc />
    public async Task SaveFetchStateAsync(FetchState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                INSERT INTO fetch_state (url, etag, last_modified, listing_date)
                VALUES ($url, $etag, $lastModified, $date)
                ON CONFLICT (url) DO UPDATE SET
                    etag = excluded.etag,
                    last_modified = excluded.last_modified,
                    listing_date = excluded.listing_date
                """);
            command.Parameters.AddWithValue("$url", state.Url);
            command.Parameters.AddWithValue("$etag", (object?)state.ETag ?? DBNull.Value);
            command.Parameters.AddWithValue("$lastModified", state.LastModified is { } m ? FormatTime(m) : DBNull.Value);
            command.Parameters.AddWithValue("$date", state.ListingDate is { } d ? FormatDate(d) : DBNull.Value);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot save fetch state", ex);
        }
    }

    /// <inheritdoc />
    public async Task<long> StartRunAsync(string digest, DateTimeOffset startedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                INSERT INTO runs (digest, listing_date, started_at, finished_at, status, message)
                VALUES ($digest, NULL, $startedAt, NULL, 'running', NULL)
                RETURNING id
                """);
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$startedAt", FormatTime(startedAt));
            var id = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return Convert.ToInt64(id, CultureInfo.InvariantCulture);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot record run start", ex);
        }
    }

    /// <inheritdoc />
    public async Task FinishRunAsync(long runId, DateOnly? listingDate, string status, string? message, DateTimeOffset finishedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        ObjectDisposedException.ThrowIf(_disposed, this);
        int changed;
        try
        {
            using var command = Command(null, """
                UPDATE runs SET listing_date = $date, status = $status, message = $message, finished_at = $finishedAt
                WHERE id = $id
                """);
            command.Parameters.AddWithValue("$id", runId);
            command.Parameters.AddWithValue("$date", listingDate is { } d ? FormatDate(d) : DBNull.Value);
            command.Parameters.AddWithValue("$status", status);
            command.Parameters.AddWithValue("$message", (object?)message ?? DBNull.Value);
            command.Parameters.AddWithValue("$finishedAt", FormatTime(finishedAt));
            changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot record run end", ex);
        }

        if (changed == 0)
        {
            throw new StoreException(DatabasePath, $"run {runId} does not exist");
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<RunRecord>> GetRunsAsync(int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                SELECT id, digest, listing_date, started_at, finished_at, status, message
                FROM runs ORDER BY id DESC LIMIT $limit
                """);
            command.Parameters.AddWithValue("$limit", limit);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var runs = new List<RunRecord>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                runs.Add(new RunRecord(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.IsDBNull(2) ? null : ParseDate(reader.GetString(2)),
                    ParseTime(reader.GetString(3)),
                    reader.IsDBNull(4) ? null : ParseTime(reader.GetString(4)),
                    reader.GetString(5),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }

            return runs;
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read runs", ex);
        }
    }

    /// <inheritdoc />
    public async Task<bool> HasCompleteRunAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                SELECT EXISTS (SELECT 1 FROM runs WHERE digest = $digest AND listing_date = $date AND status = 'complete')
                """);
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) == 1;
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot read the runs of {digest} for {FormatDate(listingDate)}", ex);
        }
    }

    /// <summary>Closes the connection (and with it the file).</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        DisposeReused();
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private SqliteCommand Command(SqliteTransaction? transaction, string sql)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private StoreException Fail(string action, SqliteException ex) => new(DatabasePath, $"{action}: {Describe(ex)}", ex);

    /// <summary>"SQLite Error 26: 'file is not a database'." → "file is not a database", on one line.</summary>
    private static string Describe(SqliteException ex)
    {
        var match = SqliteMessage().Match(ex.Message);
        return OneLine(match.Success ? match.Groups[1].Value : ex.Message);
    }

    internal static string OneLine(string text) => WhiteSpace().Replace(text, " ").Trim();

    [GeneratedRegex(@"^SQLite Error \d+: '(.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex SqliteMessage();

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    // ---- value formats -------------------------------------------------------------------------------------------

    private static string FormatDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal static string FormatTime(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text) =>
        DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None);

    internal static string FormatAnnounceType(AnnounceType type) => type switch
    {
        AnnounceType.New => "new",
        AnnounceType.Cross => "cross",
        AnnounceType.Replace => "replace",
        AnnounceType.ReplaceCross => "replace-cross",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unknown announce type"),
    };

    internal static AnnounceType ParseAnnounceType(string text) => text switch
    {
        "new" => AnnounceType.New,
        "cross" => AnnounceType.Cross,
        "replace" => AnnounceType.Replace,
        "replace-cross" => AnnounceType.ReplaceCross,
        _ => throw new FormatException($"unknown announce type '{text}'"),
    };

    // ---- JSON columns (hand-written with Utf8JsonWriter / JsonDocument: no reflection) --------------------------

    [ThreadStatic]
    private static (ArrayBufferWriter<byte> Buffer, Utf8JsonWriter Writer)? jsonScratch;

    /// <summary>One reused buffer and writer per thread: the JSON columns are written once per stored row.</summary>
    private static Utf8JsonWriter JsonWriter(out ArrayBufferWriter<byte> buffer)
    {
        jsonScratch ??= NewScratch();
        buffer = jsonScratch.Value.Buffer;
        buffer.ResetWrittenCount();
        jsonScratch.Value.Writer.Reset(buffer);
        return jsonScratch.Value.Writer;

        static (ArrayBufferWriter<byte>, Utf8JsonWriter) NewScratch()
        {
            var b = new ArrayBufferWriter<byte>(4096);
            return (b, new Utf8JsonWriter(b, new JsonWriterOptions { Encoder = JsonEncoder }));
        }
    }

    internal static string AuthorsToJson(IReadOnlyList<string> authors)
    {
        var writer = JsonWriter(out var buffer);
        writer.WriteStartArray();
        foreach (var author in authors)
        {
            writer.WriteStringValue(author);
        }

        writer.WriteEndArray();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string SubjectsToJson(IReadOnlyList<Subject> subjects)
    {
        var writer = JsonWriter(out var buffer);
        writer.WriteStartArray();
        foreach (var subject in subjects)
        {
            writer.WriteStartObject();
            writer.WriteString("code", subject.Code);
            writer.WriteString("name", subject.Name);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.Flush();
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    internal static string[] AuthorsFromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var authors = new string[document.RootElement.GetArrayLength()];
        var i = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            authors[i++] = element.GetString() ?? "";
        }

        return authors;
    }

    internal static Subject[] SubjectsFromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var subjects = new Subject[document.RootElement.GetArrayLength()];
        var i = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            subjects[i++] = new Subject(
                element.TryGetProperty("code", out var code) ? code.GetString() ?? "" : "",
                element.TryGetProperty("name", out var name) ? name.GetString() ?? "" : "");
        }

        return subjects;
    }
}
