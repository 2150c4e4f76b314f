using System.Net.Sockets;
using ArxivDigest.Papers;
using Npgsql;

namespace ArxivDigest.Storage;

/// <summary>
/// The PostgreSQL store (server mode): the same contract as <see cref="SqliteStore"/>, for several instances (daemon,
/// web, cron) sharing one database. Thread-safe: every call takes a pooled connection of its own, so readers never
/// wait for writers (MVCC). Messages name the server as <c>postgresql://user@host:port/db</c>, never the password.
/// </summary>
public sealed partial class PostgresStore : IDigestStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string? _password;
    private bool _disposed;

    private PostgresStore(NpgsqlDataSource dataSource, string display, string? password)
    {
        _dataSource = dataSource;
        DisplayName = display;
        _password = password;
    }

    /// <inheritdoc />
    public string DisplayName { get; }

    /// <summary>Connects to the server named by <paramref name="connectionString"/> (URL or keywords) and migrates it.</summary>
    /// <exception cref="StoreException">Malformed string, server unreachable, login refused, or a newer schema.</exception>
    public static async Task<PostgresStore> OpenAsync(string connectionString, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = PostgresConnectionString.Parse(connectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName))
        {
            builder.ApplicationName = "arxiv-digest";
        }

        // The slim builder is trimming/NativeAOT-safe; arrays are the one extra the store uses (membership lists).
        var dataSource = new NpgsqlSlimDataSourceBuilder(builder.ConnectionString).EnableArrays().Build();
        var store = new PostgresStore(dataSource, PostgresConnectionString.Display(builder), builder.Password);
        try
        {
            await store.MigrateCoreAsync("cannot open database", ct).ConfigureAwait(false);
            return store;
        }
        catch
        {
            await store.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken) => MigrateCoreAsync("cannot migrate database", cancellationToken);

    private Task MigrateCoreAsync(string action, CancellationToken cancellationToken) =>
        RunAsync(action, c => PostgresMigrations.ApplyAsync(c, DisplayName, DateTimeOffset.UtcNow, cancellationToken), cancellationToken);

    /// <inheritdoc />
    public Task SaveAnnouncementAsync(Announcement announcement, string source, DateTimeOffset fetchedAt, CancellationToken cancellationToken)
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
        var stamp = SqliteStore.FormatTime(fetchedAt);

        return RunAsync($"cannot save the {category} announcement of {listingDate:yyyy-MM-dd}", async c =>
        {
            await using var transaction = await c.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var upsert = Command(c, transaction, """
                INSERT INTO announcements (category, listing_date, source, fetched_at, paper_count)
                VALUES (@category, @date, @source, @fetchedAt, @count)
                ON CONFLICT (category, listing_date) DO UPDATE SET
                    source = excluded.source, fetched_at = excluded.fetched_at, paper_count = excluded.paper_count
                """))
            {
                upsert.Parameters.AddWithValue("category", category);
                upsert.Parameters.AddWithValue("date", listingDate);
                upsert.Parameters.AddWithValue("source", source);
                upsert.Parameters.AddWithValue("fetchedAt", stamp);
                upsert.Parameters.AddWithValue("count", members.Count);
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await UpsertPapersAsync(c, transaction, members, stamp, cancellationToken).ConfigureAwait(false);

            await using (var clear = Command(c, transaction, "DELETE FROM announcement_papers WHERE category = @category AND listing_date = @date"))
            {
                clear.Parameters.AddWithValue("category", category);
                clear.Parameters.AddWithValue("date", listingDate);
                await clear.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (members.Count > 0)
            {
                // One statement for the whole membership list, in order.
                await using var insert = Command(c, transaction, """
                    INSERT INTO announcement_papers (category, listing_date, position, paper_id, version, announce_type)
                    SELECT @category, @date, m.position - 1, m.id, m.version, m.type
                    FROM unnest(@ids, @versions, @types) WITH ORDINALITY AS m(id, version, type, position)
                    """);
                insert.Parameters.AddWithValue("category", category);
                insert.Parameters.AddWithValue("date", listingDate);
                insert.Parameters.AddWithValue("ids", members.Select(p => p.Id).ToArray());
                insert.Parameters.AddWithValue("versions", members.Select(p => p.Version ?? 0).ToArray());
                insert.Parameters.AddWithValue("types", members.Select(p => SqliteStore.FormatAnnounceType(p.AnnounceType)).ToArray());
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<StoredAnnouncement?> GetAnnouncementAsync(string category, DateOnly listingDate, CancellationToken cancellationToken) =>
        RunAsync("cannot read announcement", async c =>
        {
            await using var command = Command(c, null, "SELECT source, fetched_at, paper_count FROM announcements WHERE category = @category AND listing_date = @date");
            command.Parameters.AddWithValue("category", category);
            command.Parameters.AddWithValue("date", listingDate);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredAnnouncement(category, listingDate, reader.GetString(0), SqliteStore.ParseTime(reader.GetString(1)), reader.GetInt32(2))
                : null;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<Paper>> GetAnnouncedPapersAsync(string category, DateOnly listingDate, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Paper>>("cannot read announced papers", async c =>
        {
            await using var command = Command(c, null, """
                SELECT p.id, p.version, p.title, p.authors_json, p.abstract, p.comments, p.journal_ref, p.doi,
                       p.primary_category, p.subjects_json, ap.announce_type, ap.listing_date, p.published
                FROM announcement_papers ap
                JOIN papers p ON p.id = ap.paper_id AND p.version = ap.version
                WHERE ap.category = @category AND ap.listing_date = @date
                ORDER BY ap.position
                """);
            command.Parameters.AddWithValue("category", category);
            command.Parameters.AddWithValue("date", listingDate);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var papers = new List<Paper>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                papers.Add(ReadPaper(reader) with
                {
                    AnnounceType = SqliteStore.ParseAnnounceType(reader.GetString(10)),
                    ListingDate = reader.GetFieldValue<DateOnly>(11),
                    Published = reader.IsDBNull(12) ? null : reader.GetFieldValue<DateOnly>(12),
                });
            }

            return papers;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<DateOnly>> GetListingDatesAsync(string category, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<DateOnly>>("cannot list listing dates", async c =>
        {
            await using var command = Command(c, null, "SELECT listing_date FROM announcements WHERE category = @category ORDER BY listing_date DESC");
            command.Parameters.AddWithValue("category", category);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var dates = new List<DateOnly>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                dates.Add(reader.GetFieldValue<DateOnly>(0));
            }

            return dates;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<DateOnly?> GetLatestListingDateAsync(string category, CancellationToken cancellationToken) =>
        RunAsync("cannot read the latest listing date", async c =>
        {
            await using var command = Command(c, null, "SELECT max(listing_date) FROM announcements WHERE category = @category");
            command.Parameters.AddWithValue("category", category);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return reader.IsDBNull(0) ? (DateOnly?)null : reader.GetFieldValue<DateOnly>(0);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<FetchState?> GetFetchStateAsync(string url, CancellationToken cancellationToken) =>
        RunAsync("cannot read fetch state", async c =>
        {
            await using var command = Command(c, null, "SELECT etag, last_modified, listing_date FROM fetch_state WHERE url = @url");
            command.Parameters.AddWithValue("url", url);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return new FetchState(
                url,
                reader.IsDBNull(0) ? null : reader.GetString(0),
                reader.IsDBNull(1) ? null : SqliteStore.ParseTime(reader.GetString(1)),
                reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2));
        }, cancellationToken);

    /// <inheritdoc />
    public Task SaveFetchStateAsync(FetchState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        return RunAsync("cannot save fetch state", async c =>
        {
            await using var command = Command(c, null, """
                INSERT INTO fetch_state (url, etag, last_modified, listing_date) VALUES (@url, @etag, @lastModified, @date)
                ON CONFLICT (url) DO UPDATE SET
                    etag = excluded.etag, last_modified = excluded.last_modified, listing_date = excluded.listing_date
                """);
            command.Parameters.AddWithValue("url", state.Url);
            command.Parameters.AddWithValue("etag", NpgsqlTypes.NpgsqlDbType.Text, (object?)state.ETag ?? DBNull.Value);
            command.Parameters.AddWithValue("lastModified", NpgsqlTypes.NpgsqlDbType.Text, state.LastModified is { } m ? SqliteStore.FormatTime(m) : DBNull.Value);
            command.Parameters.AddWithValue("date", NpgsqlTypes.NpgsqlDbType.Date, state.ListingDate is { } d ? d : DBNull.Value);
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>Closes the connection pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql) => new(sql, connection, transaction);

    /// <summary>Runs <paramref name="work"/> on a pooled connection, mapping every database failure to a <see cref="StoreException"/>.</summary>
    private async Task<T> RunAsync<T>(string action, Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            return await work(connection).ConfigureAwait(false);
        }
        catch (NpgsqlException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StoreException(DisplayName, $"{action}: {Describe(ex)}", ex);
        }
        catch (Exception ex) when (ex is SocketException or TimeoutException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new StoreException(DisplayName, $"{action}: {PostgresConnectionString.Scrub(ex.Message, _password)}", ex);
        }
    }

    private Task RunAsync(string action, Func<NpgsqlConnection, Task<int>> work, CancellationToken cancellationToken) =>
        RunAsync<int>(action, work, cancellationToken);

    /// <summary>The server's message (with its SQLSTATE), or the connection failure and its cause; one line, no password.</summary>
    private string Describe(NpgsqlException ex)
    {
        var text = ex is PostgresException pg
            ? $"{pg.MessageText} (SQLSTATE {pg.SqlState})"
            : ex.InnerException is { } inner && !ex.Message.Contains(inner.Message, StringComparison.Ordinal)
                ? $"{ex.Message}: {inner.Message}"
                : ex.Message;
        return PostgresConnectionString.Scrub(text, _password);
    }

    /// <summary>The paper in columns 0–9 (id, version, title, authors_json, abstract, comments, journal_ref, doi, primary_category, subjects_json).</summary>
    private static Paper ReadPaper(NpgsqlDataReader reader)
    {
        var version = reader.GetInt32(1);
        return new Paper
        {
            Id = reader.GetString(0),
            Version = version == 0 ? null : version,
            Title = reader.GetString(2),
            Authors = SqliteStore.AuthorsFromJson(reader.GetString(3)),
            Abstract = reader.GetString(4),
            Comments = reader.IsDBNull(5) ? null : reader.GetString(5),
            JournalRef = reader.IsDBNull(6) ? null : reader.GetString(6),
            Doi = reader.IsDBNull(7) ? null : reader.GetString(7),
            PrimaryCategory = reader.GetString(8),
            Subjects = SqliteStore.SubjectsFromJson(reader.GetString(9)),
        };
    }
}
