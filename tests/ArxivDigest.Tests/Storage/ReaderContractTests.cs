using System.Text.Json;
using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Npgsql;

namespace ArxivDigest.Tests.Storage;

/// <summary>
/// The web reader's queries (<see cref="IPaperReader"/>), run against every store: a paper's versions oldest first
/// (unknown first) and its listings newest first, then by category byte-wise, whatever the database's collation.
/// </summary>
public abstract class ReaderContractTests
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateOnly Day1 = new(2026, 3, 24);
    private static readonly DateOnly Day2 = new(2026, 3, 25);
    private static readonly DateTimeOffset At = new(2026, 3, 24, 0, 5, 0, TimeSpan.Zero);

    /// <summary>Opens a new store on this test's database.</summary>
    protected abstract Task<IPaperReader> OpenAsync();

    private static Paper A(int? version, string title, AnnounceType type = AnnounceType.New) => new()
    {
        Id = "2603.00001", Version = version, Title = title, Abstract = $"Abstract of {title}.", Authors = ["Ada", "Bo"],
        Comments = version is null ? null : $"v{version}", PrimaryCategory = "cs.LG", AnnounceType = type,
        Subjects = [new Subject("cs.LG", "Machine Learning"), new Subject("cs.AI", "Artificial Intelligence")],
    };

    private static Paper B => new() { Id = "hep-th/9901001", Title = "An old-style id", PrimaryCategory = "hep-th" };

    private static Announcement Listing(string category, DateOnly day, params Paper[] papers) =>
        new() { Category = category, ListingDate = day, Papers = papers, Origin = "test" };

    /// <summary>Versions and listings saved out of order: v2 first, then the announcements, then an unknown version.</summary>
    private static async Task SeedAsync(IPaperStore store)
    {
        await store.SavePapersAsync([A(2, "Second") with { Published = new DateOnly(2026, 3, 1) }], "api", At, Ct);
        await store.SaveAnnouncementAsync(Listing("math.AG", Day2, A(2, "Second", AnnounceType.ReplaceCross)), "listing", At, Ct);
        await store.SaveAnnouncementAsync(Listing("cs.ai", Day1, A(1, "First")), "listing", At, Ct);
        await store.SaveAnnouncementAsync(Listing("cs.LG", Day1, A(1, "First", AnnounceType.Cross), B), "listing", At, Ct);
        await store.SaveAnnouncementAsync(Listing("cs.LG", Day2, A(2, "Second", AnnounceType.Replace)), "listing", At, Ct);
        await store.SavePapersAsync([A(null, "Unknown version")], "snapshot", At, Ct);
    }

    [StoreFact]
    public async Task Versions_are_oldest_first_with_the_unknown_version_first_and_every_field()
    {
        await using var store = await OpenAsync();
        await SeedAsync(store);

        var versions = await store.GetPaperVersionsAsync("2603.00001", Ct);

        Assert.Equal(new int?[] { null, 1, 2 }, versions.Select(p => p.Version));
        Assert.Equal(["Unknown version", "First", "Second"], versions.Select(p => p.Title));
        Assert.Equal([null, "v1", "v2"], versions.Select(p => p.Comments));
        Assert.All(versions, p => Assert.Equal(["Ada", "Bo"], p.Authors));
        Assert.All(versions, p => Assert.Equal(["cs.LG", "cs.AI"], p.Subjects.Select(s => s.Code)));
        Assert.Equal(new DateOnly(2026, 3, 1), versions[2].Published);
        Assert.All(versions, p => Assert.Null(p.ListingDate));
        Assert.Equal("hep-th/9901001", Assert.Single(await store.GetPaperVersionsAsync("hep-th/9901001", Ct)).Id);
    }

    [StoreFact]
    public async Task Listings_are_newest_first_then_by_category_byte_wise()
    {
        await using var store = await OpenAsync();
        await SeedAsync(store);

        var listings = await store.GetPaperListingsAsync("2603.00001", Ct);

        // Byte order: "cs.LG" < "cs.ai" < "math.AG" (upper case before lower case), as SQLite compares text.
        Assert.Equal(
            [
                new PaperListing("cs.LG", Day2, 2, AnnounceType.Replace),
                new PaperListing("math.AG", Day2, 2, AnnounceType.ReplaceCross),
                new PaperListing("cs.LG", Day1, 1, AnnounceType.Cross),
                new PaperListing("cs.ai", Day1, 1, AnnounceType.New),
            ],
            listings);
        Assert.Equal([new PaperListing("cs.LG", Day1, 0, AnnounceType.New)], await store.GetPaperListingsAsync("hep-th/9901001", Ct));
    }

    [StoreFact]
    public async Task A_paper_not_stored_has_no_versions_and_no_listings()
    {
        await using var store = await OpenAsync();
        await SeedAsync(store);

        Assert.Empty(await store.GetPaperVersionsAsync("2603.99999", Ct));
        Assert.Empty(await store.GetPaperListingsAsync("2603.99999", Ct));
        Assert.Empty(await store.GetPaperVersionsAsync("2603.0000", Ct)); // a prefix is not a match
    }

    /// <summary>The three listing pages of 2024-08-09 (hep-th, gr-qc, math-ph: many cross-lists) and the synthetic papers.</summary>
    internal static async Task SeedFixturesAsync(IPaperStore store)
    {
        foreach (var category in new[] { "hep-th", "gr-qc", "math-ph" })
        {
            var html = await File.ReadAllTextAsync(Fixtures.At($"listing/new-{category}-2024-08-09.html"), Ct);
            await store.SaveAnnouncementAsync(ListingPageParser.ParseNew(html, category, "fixture"), "listing", At, Ct);
        }

        await SeedAsync(store);
    }
}

/// <summary>The reader contract on a SQLite file.</summary>
public sealed class SqliteReaderContractTests : ReaderContractTests, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("arxivdigest-reader-");

    protected override async Task<IPaperReader> OpenAsync() => await SqliteStore.OpenAsync(Path.Combine(_dir.FullName, "store.db"), Ct);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _dir.Delete(recursive: true);
    }
}

/// <summary>
/// The reader contract on PostgreSQL, in a schema of its own whose category columns compare by a linguistic (ICU)
/// collation, as a database created with a non-C locale does: the byte order must come from the query.
/// </summary>
[RequiresPostgres]
public sealed class PostgresReaderContractTests : ReaderContractTests, IAsyncLifetime
{
    private string _connectionString = "";
    private string _schema = "";

    public async Task InitializeAsync() => (_connectionString, _schema) = await Postgres.CreateSchemaAsync();

    public async Task DisposeAsync()
    {
        if (_schema.Length > 0)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    protected override async Task<IPaperReader> OpenAsync()
    {
        var store = await PostgresStore.OpenAsync(_connectionString, Ct);
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync(Ct);
        await using var icu = new NpgsqlCommand("SELECT count(*) FROM pg_collation WHERE collname = 'en-x-icu'", connection);
        if ((long)(await icu.ExecuteScalarAsync(Ct))! > 0)
        {
            await using var alter = new NpgsqlCommand("ALTER TABLE announcement_papers ALTER COLUMN category TYPE text COLLATE \"en-x-icu\"", connection);
            await alter.ExecuteNonQueryAsync(Ct);
        }

        return store;
    }
}

/// <summary>Both stores seeded alike answer every paper's versions and listings identically.</summary>
public sealed class ReaderAgreementTests
{
    [PostgresFact]
    public async Task Sqlite_and_postgres_agree_on_every_papers_versions_and_listings()
    {
        var dir = Directory.CreateTempSubdirectory("arxivdigest-agree-");
        var (connectionString, schema) = await Postgres.CreateSchemaAsync();
        try
        {
            await using var sqlite = await SqliteStore.OpenAsync(Path.Combine(dir.FullName, "store.db"), CancellationToken.None);
            await using var postgres = await PostgresStore.OpenAsync(connectionString, CancellationToken.None);
            await ReaderContractTests.SeedFixturesAsync(sqlite);
            await ReaderContractTests.SeedFixturesAsync(postgres);

            var ids = new List<string>();
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT DISTINCT id FROM papers", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    ids.Add(reader.GetString(0));
                }
            }

            Assert.True(ids.Count > 50, $"only {ids.Count} papers seeded");
            var crossListed = 0;
            foreach (var id in ids.Append("2408.99999"))
            {
                var listings = await sqlite.GetPaperListingsAsync(id, CancellationToken.None);
                crossListed += listings.Count > 1 ? 1 : 0;
                Assert.Equal(Json(await sqlite.GetPaperVersionsAsync(id, CancellationToken.None)), Json(await postgres.GetPaperVersionsAsync(id, CancellationToken.None)));
                Assert.Equal(listings, await postgres.GetPaperListingsAsync(id, CancellationToken.None));
            }

            Assert.True(crossListed > 5, $"only {crossListed} papers listed more than once: the fixtures no longer exercise the order");
        }
        finally
        {
            await Postgres.DropSchemaAsync(schema);
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            dir.Delete(recursive: true);
        }
    }

    private static string Json(IReadOnlyList<Paper> papers) => JsonSerializer.Serialize(papers);
}
