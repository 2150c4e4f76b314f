using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Cli.Web;
using ArxivDigest.Digests;
using ArxivDigest.Papers;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace ArxivDigest.Tests.Web;

/// <summary>
/// One seed in two stores: a SQLite file and a PostgreSQL schema (addressed as <c>postgres://…?search_path=SCHEMA</c>),
/// each filled by the real CLI (<c>run --from-file</c> on the hep-th and gr-qc listing pages of 2024-08-09, which
/// cross-list many papers) plus a later revision of one paper, and each served by the real web reader on a loopback port.
/// </summary>
public sealed class PostgresReaderFixture : IAsyncLifetime
{
    public const string Day = "2024-08-09";
    public const string LaterDay = "2024-08-12";

    /// <summary>Listed in hep-th and gr-qc on <see cref="Day"/> (v1), revised on <see cref="LaterDay"/> in hep-th (v2).</summary>
    public const string RevisedId = "2408.04004";

    public const string RevisedTitle = "Secondary gravitational waves near a black hole in non-local Starobinsky inflation";

    private readonly List<IAsyncDisposable> _owned = [];
    private CliRunner? _sqliteCli;
    private CliRunner? _postgresCli;
    private string _schema = "";

    public static DigestSpec Spec { get; } = new()
    {
        Name = "physics",
        Categories = ["hep-th", "gr-qc"],
        Queries = ["black hole", "gravitational wave"],
        Include = new HashSet<AnnounceType> { AnnounceType.New, AnnounceType.Cross, AnnounceType.Replace },
        Language = "zh",
    };

    /// <summary>Both readers see the same "now", so pages that show the build time compare equal.</summary>
    public static FakeTimeProvider Time { get; } = new(new DateTimeOffset(2024, 8, 12, 6, 0, 0, TimeSpan.Zero));

    /// <summary>The PostgreSQL store as <c>--db</c> names it: a URL whose search path is this fixture's schema.</summary>
    public string PostgresDb { get; private set; } = "";

    public StorePool PostgresPool { get; private set; } = null!;

    public HttpClient Sqlite { get; private set; } = null!;

    public HttpClient Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (Support.Postgres.SkipReason is not null)
        {
            return; // every test here is skipped with the reason
        }

        (var keywords, _schema) = await Support.Postgres.CreateSchemaAsync();
        PostgresDb = Url(keywords, _schema);
        _sqliteCli = new CliRunner();
        _postgresCli = new CliRunner();
        await SeedAsync(_sqliteCli, _sqliteCli.Db);
        await SeedAsync(_postgresCli, PostgresDb);

        var sqlitePool = await StorePool.OpenAsync(_sqliteCli.Db, 2, CancellationToken.None);
        _owned.Add(sqlitePool);
        PostgresPool = await StorePool.OpenAsync(PostgresDb, 2, CancellationToken.None);
        _owned.Add(PostgresPool);
        Sqlite = Serve(sqlitePool, new PrefixTranslator(), _owned);
        Postgres = Serve(PostgresPool, new PrefixTranslator(), _owned);
    }

    /// <summary>postgres://user[:password]@host:port/database?search_path=SCHEMA for the server of <c>PG_CS</c>.</summary>
    public static string Url(string keywords, string schema)
    {
        var b = new NpgsqlConnectionStringBuilder(keywords);
        var password = string.IsNullOrEmpty(b.Password) ? "" : ":" + Uri.EscapeDataString(b.Password);
        return $"postgres://{Uri.EscapeDataString(b.Username ?? "postgres")}{password}@{b.Host}:{b.Port}/{Uri.EscapeDataString(b.Database ?? "postgres")}?search_path={schema}";
    }

    /// <summary>The web reader over <paramref name="pool"/> on a free loopback port, through <see cref="ReaderFactory"/>.</summary>
    public static HttpClient Serve(StorePool pool, ITranslator translator, List<IAsyncDisposable> owned)
    {
        var data = new WebData(pool, [Spec], translator, Time);
        var factory = new ReaderFactory(new WebServerOptions("http://127.0.0.1:0", data, new StoreSearchBackend(data, Time), _ => { }));
        owned.Add(factory);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = new Uri(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://localhost", "://127.0.0.1", StringComparison.Ordinal));
        return new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
    }

    private static async Task SeedAsync(CliRunner cli, string db)
    {
        foreach (var category in new[] { "hep-th", "gr-qc" })
        {
            var result = await cli.RunAsync(
                "run", "--db", db, "--out", cli.Out, "--from-file", Fixtures.At($"listing/new-{category}-2024-08-09.html"),
                "--category", category, "--query", "black hole", "--translator", "none");
            Assert.True(result.ExitCode == 0, $"run {category} on {db}: exit {result.ExitCode}\n{result.Stdout}\n{result.Stderr}");
        }

        await using var store = await StoreFactory.OpenAsync(db, CancellationToken.None);
        var announced = await store.GetAnnouncedPapersAsync("hep-th", DateOnly.Parse(Day, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
        var v1 = Assert.Single(announced, p => p.Id == RevisedId);
        var revision = new Announcement
        {
            Category = "hep-th",
            ListingDate = DateOnly.Parse(LaterDay, System.Globalization.CultureInfo.InvariantCulture),
            Papers = [v1 with { Version = 2, Title = RevisedTitle, Comments = "v2: 20 pages", AnnounceType = AnnounceType.Replace, ListingDate = null }],
            Origin = "synthetic",
        };
        await store.SaveAnnouncementAsync(revision, "listing", new DateTimeOffset(2024, 8, 12, 1, 0, 0, TimeSpan.Zero), CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        Sqlite?.Dispose();
        Postgres?.Dispose();
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }

        _sqliteCli?.Dispose();
        _postgresCli?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_schema.Length > 0)
        {
            await Support.Postgres.DropSchemaAsync(_schema);
        }
    }
}
