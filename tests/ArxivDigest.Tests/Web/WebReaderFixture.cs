using System.Collections.Concurrent;
using ArxivDigest.Arxiv;
using ArxivDigest.Cli.Web;
using ArxivDigest.Digests;
using ArxivDigest.Papers;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ArxivDigest.Tests.Web;

/// <summary>A deterministic translator: "译文：" + the text (so the language toggle has something to toggle).</summary>
public sealed class PrefixTranslator : ITranslator
{
    public const string Prefix = "译文：";

    public string Name => "prefix";

    public Task<IReadOnlyList<TranslationResult>> TranslateAsync(IReadOnlyList<TranslationRequest> requests, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TranslationResult>>(requests.Select(r => new TranslationResult(r.Key, Prefix + r.Text)).ToList());
}

/// <summary>
/// A real store (SQLite file) seeded with the hep-th listing fixture of 2024-08-09 and a synthetic 2024-08-08 day
/// holding hostile papers, served by the real web reader on a free loopback port.
/// </summary>
public sealed class WebReaderFixture : IAsyncLifetime
{
    public const string Day1 = "2024-08-08";
    public const string Day2 = "2024-08-09";

    /// <summary>A paper with two stored versions (v1 outside any announcement, v2 announced on Day1).</summary>
    public const string VersionedId = "2408.90001";

    public const string ScriptId = "2408.90002";
    public const string TextareaId = "2408.90003";

    public const string ScriptTitle = "<script>alert('title')</script> black hole entropy";
    public const string ScriptAbstract = "We study \"onerror=alert(1) <img src=x onerror=alert(2)> and </textarea><script>alert(3)</script> a black hole with $E = mc^2$.";
    public const string TextareaTitle = "</textarea><img src=x onerror=alert(4)> black hole \"onerror=alert(5)";
    public const string JavascriptUrl = "javascript:alert(6)";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "web-" + Guid.NewGuid().ToString("N"));
    private SqliteStore? _store;
    private StorePool? _pool;
    private ReaderFactory? _factory;

    public ConcurrentQueue<string> Log { get; } = new();

    public Uri BaseAddress { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public static DigestSpec Spec { get; } = new()
    {
        Name = "physics",
        Categories = ["hep-th"],
        Queries = ["black hole", "quantum"],
        Include = new HashSet<AnnounceType> { AnnounceType.New, AnnounceType.Cross },
        Language = "zh",
    };

    public static IReadOnlyList<Paper> HostilePapers { get; } =
    [
        new Paper
        {
            Id = ScriptId, Version = 1, Title = ScriptTitle, Abstract = ScriptAbstract,
            Authors = ["<b onmouseover=alert(7)>Eve</b>", "Mallory \"><svg onload=alert(8)>"],
            Comments = JavascriptUrl, JournalRef = "\"><iframe src=javascript:alert(9)>", Doi = JavascriptUrl,
            PrimaryCategory = "hep-th", Subjects = [new Subject("hep-th", "High Energy Physics - Theory <i>")],
        },
        new Paper
        {
            Id = TextareaId, Version = 1, Title = TextareaTitle, Abstract = "See " + JavascriptUrl + " and <a href=\"javascript:alert(10)\">click</a> near a black hole.",
            Authors = ["</textarea>Trudy"], PrimaryCategory = "hep-th", Subjects = [new Subject("hep-th", "High Energy Physics - Theory")],
        },
    ];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        _store = await SqliteStore.OpenAsync(Path.Combine(_dir, "store.db"), CancellationToken.None);
        var at = new DateTimeOffset(2024, 8, 9, 1, 0, 0, TimeSpan.Zero);
        var listing = ListingPageParser.ParseNew(await File.ReadAllTextAsync(Fixtures.At("listing/new-hep-th-2024-08-09.html")), "hep-th", "fixture");
        await _store.SaveAnnouncementAsync(listing, "listing", at, CancellationToken.None);

        var versioned = new Paper
        {
            Id = VersionedId, Version = 1, Title = "Quantum black hole microstates, first version", Abstract = "First abstract.",
            Authors = ["Alice Example"], PrimaryCategory = "hep-th", Subjects = [new Subject("hep-th", "High Energy Physics - Theory")],
        };
        await _store.SavePapersAsync([versioned], "api", at, CancellationToken.None);
        var day1 = new Announcement
        {
            Category = "hep-th",
            ListingDate = DateOnly.Parse(Day1, System.Globalization.CultureInfo.InvariantCulture),
            Papers = [versioned with { Version = 2, Title = "Quantum black hole microstates", Abstract = "Second abstract about a black hole.", Comments = "v2: 12 pages" }, .. HostilePapers],
            Origin = "synthetic",
        };
        await _store.SaveAnnouncementAsync(day1, "listing", at.AddDays(-1), CancellationToken.None);

        // Reads go through a pool of two connections, as serve has; the fixture's own store seeded the file.
        _pool = await StorePool.OpenAsync(Path.Combine(_dir, "store.db"), 2, CancellationToken.None);
        var data = new WebData(_pool, [Spec], new PrefixTranslator(), TimeProvider.System);
        // WebApplicationFactory on a real port (Kestrel on 127.0.0.1, a free port), so the browser tests can reach it.
        _factory = new ReaderFactory(new WebServerOptions("http://127.0.0.1:0", data, new StoreSearchBackend(data, TimeProvider.System), Log.Enqueue));
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        BaseAddress = new Uri(address.Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://localhost", "://127.0.0.1", StringComparison.Ordinal));
        Client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
    }

    public async Task DisposeAsync()
    {
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        if (_pool is not null)
        {
            await _pool.DisposeAsync();
        }

        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
