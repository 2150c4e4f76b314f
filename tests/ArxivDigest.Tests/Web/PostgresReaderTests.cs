using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ArxivDigest.Cli.Web;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;
using Npgsql;

namespace ArxivDigest.Tests.Web;

/// <summary>
/// The web reader on PostgreSQL over HTTP: the same pages and API answers as on SQLite for the same seed, paper
/// versions and listings in order, search paging, the translation cache written to PostgreSQL, and the real
/// <c>serve --db postgres://…</c> verb.
/// </summary>
public sealed partial class PostgresReaderTests(PostgresReaderFixture web) : IClassFixture<PostgresReaderFixture>
{
    private const string DayUrl = "/digests/physics/" + PostgresReaderFixture.Day;

    public static TheoryData<string> SamePaths() => new()
    {
        "/",
        "/digests/physics",
        DayUrl,
        "/digests/physics/" + PostgresReaderFixture.LaterDay,
        DayUrl + "?lang=both",
        "/digests/physics/feed.atom",
        "/digests/physics/feed.rss",
        "/papers/" + PostgresReaderFixture.RevisedId,
        "/papers/2408.04001",
        "/papers/2999.99999",
        "/search",
        "/search?q=%22unclosed",
        "/search?q=zzqx+black+hole",
        "/api/digests",
        "/api/digests/physics/" + PostgresReaderFixture.Day,
        "/api/digests/physics/" + PostgresReaderFixture.LaterDay,
        "/api/papers/" + PostgresReaderFixture.RevisedId,
        "/api/papers/2999.99999",
    };

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    [PostgresTheory]
    [MemberData(nameof(SamePaths))]
    public async Task Postgres_answers_exactly_as_sqlite(string path)
    {
        var sqlite = await GetAsync(web.Sqlite, path);
        var postgres = await GetAsync(web.Postgres, path);

        Assert.Equal(sqlite.Status, postgres.Status);
        Assert.Equal(sqlite.Body, postgres.Body);
        Assert.True(postgres.Body.Length > 0, $"{path}: empty body");
    }

    [PostgresFact]
    public async Task Home_and_day_pages_show_the_stored_days_of_both_categories()
    {
        var (status, home) = await GetAsync(web.Postgres, "/");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains($"<a href=\"/digests/physics/{PostgresReaderFixture.LaterDay}\">{PostgresReaderFixture.LaterDay}</a>", home, StringComparison.Ordinal);

        var (_, day) = await GetAsync(web.Postgres, DayUrl);
        Assert.Contains("发布时间: 2024-08-08 20:00 EDT", day, StringComparison.Ordinal);
        Assert.Contains($"<a rel=\"next\" href=\"/digests/physics/{PostgresReaderFixture.LaterDay}\">", day, StringComparison.Ordinal);
        Assert.Contains("Keyword: black hole (", day, StringComparison.Ordinal);
        Assert.Contains($"href=\"/papers/{PostgresReaderFixture.RevisedId}\"", day, StringComparison.Ordinal);
        Assert.Contains(PrefixTranslator.Prefix, day, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Paper_page_shows_both_versions_and_every_listing_newest_first()
    {
        var (status, body) = await GetAsync(web.Postgres, "/papers/" + PostgresReaderFixture.RevisedId);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("<strong>v1</strong>: <span lang=\"en\">Secondary Gravitational Waves in Non-local Starobinsky inflation</span>", body, StringComparison.Ordinal);
        Assert.Contains($"<strong>v2</strong>: <span lang=\"en\">{PostgresReaderFixture.RevisedTitle}</span>", body, StringComparison.Ordinal);
        Assert.Contains("<dt>Comments</dt><dd>v2: 20 pages</dd>", body, StringComparison.Ordinal);
        var later = body.IndexOf($"{PostgresReaderFixture.LaterDay} hep-th (replace, v2)", StringComparison.Ordinal);
        var grqc = body.IndexOf($"{PostgresReaderFixture.Day} gr-qc (", StringComparison.Ordinal);
        var hepth = body.IndexOf($"{PostgresReaderFixture.Day} hep-th (", StringComparison.Ordinal);
        Assert.True(later >= 0 && grqc > later && hepth > grqc, $"listings out of order or missing: {later} {grqc} {hepth}");

        using var json = JsonDocument.Parse((await GetAsync(web.Postgres, "/api/papers/" + PostgresReaderFixture.RevisedId)).Body);
        Assert.Equal([1, 2], json.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).ToArray());
    }

    [PostgresTheory]
    [InlineData("black+hole", "")]
    [InlineData("black+hole", "&cat=gr-qc&from=2024-08-09&to=2024-08-09")]
    [InlineData("cat%3Ahep-th+AND+NOT+cat%3Agr-qc", "")]
    [InlineData("gravitational+-black", "&cat=gr-qc&to=2024-08-09")]
    public async Task Search_api_pages_through_the_same_hits_as_sqlite(string query, string filter)
    {
        // The stores may order hits differently (IPaperStore.SearchAsync: FTS5 rank vs title hits first, and ties
        // among papers of one day), but every page has the same size and "more" flag, and all pages hold the same papers.
        var (sqlitePages, sqliteIds) = await PageThroughAsync(web.Sqlite, query, filter);
        var (postgresPages, postgresIds) = await PageThroughAsync(web.Postgres, query, filter);

        Assert.True(sqlitePages.Count >= 2, $"only {sqlitePages.Count} page(s) for {query}{filter}: the seed no longer pages");
        Assert.Equal(sqlitePages, postgresPages);
        Assert.Equal(sqliteIds.Order(StringComparer.Ordinal), postgresIds.Order(StringComparer.Ordinal));
        Assert.Equal(postgresIds.Count, postgresIds.Distinct(StringComparer.Ordinal).Count());
    }

    [PostgresFact]
    public async Task Search_html_pages_say_more_than_until_the_last_and_link_the_same_papers_as_sqlite()
    {
        var (_, first) = await GetAsync(web.Postgres, "/search?q=cat%3Agr-qc");
        Assert.Contains($"<p class=\"count\" role=\"status\">more than {WebPages.PageSize} papers, 1–{WebPages.PageSize}</p>", first, StringComparison.Ordinal);
        Assert.Contains("<a rel=\"next\" href=\"/search?q=cat%3Agr-qc&amp;page=2\">", first, StringComparison.Ordinal);
        var (_, apiIds) = await PageThroughAsync(web.Postgres, "cat%3Agr-qc", "");

        var postgres = await LinkedPapersAsync(web.Postgres, apiIds.Count);
        var sqlite = await LinkedPapersAsync(web.Sqlite, apiIds.Count);

        Assert.True(apiIds.Count > 2 * WebPages.PageSize, $"only {apiIds.Count} gr-qc papers");
        Assert.Equal(apiIds.Order(StringComparer.Ordinal), postgres.Order(StringComparer.Ordinal));
        Assert.Equal(sqlite.Order(StringComparer.Ordinal), postgres.Order(StringComparer.Ordinal));
        Assert.Contains(PostgresReaderFixture.RevisedId, postgres);
    }

    /// <summary>The papers linked from every HTML result page of cat:gr-qc; the last page states <paramref name="total"/>.</summary>
    private static async Task<List<string>> LinkedPapersAsync(HttpClient client, int total)
    {
        var linked = new List<string>();
        for (var page = 1; page < 100; page++)
        {
            var (status, body) = await GetAsync(client, $"/search?q=cat%3Agr-qc&page={page}");
            Assert.Equal(HttpStatusCode.OK, status);
            linked.AddRange(PaperLink().Matches(body).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal));
            if (!body.Contains("rel=\"next\"", StringComparison.Ordinal))
            {
                Assert.Contains($"<p class=\"count\" role=\"status\">{total} papers", body, StringComparison.Ordinal);
                break;
            }
        }

        return linked;
    }

    private static async Task<(List<string> Pages, List<string> Ids)> PageThroughAsync(HttpClient client, string query, string filter)
    {
        var pages = new List<string>();
        var ids = new List<string>();
        for (var offset = 0; offset < 1000; offset += 7)
        {
            var (status, body) = await GetAsync(client, $"/api/search?q={query}{filter}&offset={offset}&limit=7");
            Assert.True(status == HttpStatusCode.OK, $"{status}: {body}");
            using var doc = JsonDocument.Parse(body);
            var items = doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToList();
            var more = doc.RootElement.GetProperty("more").GetBoolean();
            var total = doc.RootElement.GetProperty("total");
            pages.Add($"{items.Count} more={more} total={(total.ValueKind == JsonValueKind.Null ? "null" : total.GetInt32())}");
            ids.AddRange(items);
            if (!more)
            {
                break;
            }
        }

        return (pages, ids);
    }

    [PostgresFact]
    public async Task Translations_asked_by_the_reader_are_cached_in_postgresql_and_read_back_by_another_server()
    {
        const string id = "2408.04001";
        var owned = new List<IAsyncDisposable>();
        try
        {
            var first = new LetterProvider();
            var cache = web.PostgresPool.SharedStore!;
            using (var client = PostgresReaderFixture.Serve(web.PostgresPool, Service(first, cache), owned))
            {
                var (status, body) = await GetAsync(client, $"/papers/{id}?lang=translation");
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.Contains("letters:", body, StringComparison.Ordinal);
            }

            Assert.True(first.Calls > 0, "the translator was never asked");
            var pool = await StorePool.OpenAsync(web.PostgresDb, 1, CancellationToken.None);
            owned.Add(pool);
            var second = new LetterProvider();
            using var again = PostgresReaderFixture.Serve(pool, Service(second, pool.SharedStore!), owned);
            var (_, cached) = await GetAsync(again, $"/papers/{id}?lang=translation");
            Assert.Contains("letters:", cached, StringComparison.Ordinal);
            Assert.Equal(0, second.Calls);
        }
        finally
        {
            for (var i = owned.Count - 1; i >= 0; i--)
            {
                await owned[i].DisposeAsync();
            }
        }

        static TranslationService Service(ITranslationProvider provider, ITranslationCache cache) =>
            new([provider], cache, Glossary.Empty, new TranslationOptions { MaxAttempts = 1 }, TimeProvider.System);
    }

    [PostgresFact]
    public async Task A_postgres_pool_shares_one_store_with_more_readers_at_once_than_its_size()
    {
        await using var pool = await StorePool.OpenAsync(web.PostgresDb, 2, CancellationToken.None);
        var release = new TaskCompletionSource();
        var inside = new List<IPaperReader>();
        var entered = new SemaphoreSlim(0);

        async Task<int> Hold(IPaperReader store)
        {
            lock (inside)
            {
                inside.Add(store);
            }

            entered.Release();
            await release.Task;
            return (await store.GetPaperVersionsAsync(PostgresReaderFixture.RevisedId, CancellationToken.None)).Count;
        }

        var readers = Enumerable.Range(0, 4).Select(_ => pool.UseAsync(Hold, CancellationToken.None)).ToList();
        for (var i = 0; i < readers.Count; i++)
        {
            Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(10)), $"reader {i + 1} waited: a shared store needs no turn-taking");
        }

        release.SetResult();
        var counts = await Task.WhenAll(readers);
        Assert.Equal(new[] { 2, 2, 2, 2 }, counts);
        Assert.Same(pool.SharedStore, Assert.Single(inside.Distinct()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => pool.UseAsync<int>(_ => throw new InvalidOperationException("boom"), CancellationToken.None));
        Assert.Single(await pool.UseAsync(s => s.GetPaperListingsAsync("2408.04577", CancellationToken.None), CancellationToken.None));
    }

    [PostgresFact]
    public async Task Serve_on_a_postgres_url_answers_health_and_pages_and_names_the_server_without_its_url()
    {
        using var serve = await ServingCli.StartAsync("--db", web.PostgresDb, "--category", "hep-th", "--query", "black hole", "--translator", "none");
        var server = new NpgsqlConnectionStringBuilder(Support.Postgres.ConnectionString);
        Assert.StartsWith($"serving postgresql://{server.Username}@{server.Host}:{server.Port}/{server.Database} on ", serve.Stdout.ToString(), StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(serve.Address) };
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
        Assert.Contains("/digests/default/2024-08-12", await http.GetStringAsync("/"), StringComparison.Ordinal);
        var paper = await http.GetStringAsync("/papers/" + PostgresReaderFixture.RevisedId);
        Assert.Contains(PostgresReaderFixture.RevisedTitle, paper, StringComparison.Ordinal);
        Assert.Equal(0, await serve.StopAsync());
        Assert.Contains("\"path\":\"/healthz\",\"status\":200", serve.Stderr.ToString(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Serve_answers_503_with_retry_after_when_every_postgres_connection_is_busy_and_recovers()
    {
        // A pool of one connection that gives up after 1 s: one request blocked on a table lock holds it.
        var application = "busy-pool-" + Guid.NewGuid().ToString("N");
        var busyDb = new NpgsqlConnectionStringBuilder(PostgresConnectionString.Parse(web.PostgresDb).ConnectionString) { MaxPoolSize = 1, Timeout = 1, ApplicationName = application };
        using var serve = await ServingCli.StartAsync("--db", busyDb.ConnectionString, "--category", "hep-th", "--query", "black hole", "--translator", "none");
        using var http = new HttpClient { BaseAddress = new Uri(serve.Address) };
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));

        await using var locker = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(busyDb.ConnectionString) { MaxPoolSize = 100, Timeout = 15, ApplicationName = "locker" }.ConnectionString);
        await locker.OpenAsync();
        var transaction = await locker.BeginTransactionAsync();
        await using (var lockPapers = new NpgsqlCommand("LOCK TABLE papers IN ACCESS EXCLUSIVE MODE", locker, transaction))
        {
            await lockPapers.ExecuteNonQueryAsync();
        }

        var held = http.GetAsync("/papers/" + PostgresReaderFixture.RevisedId);
        await WaitForLockWaiterAsync();

        using var busy = await http.GetAsync("/papers/" + PostgresReaderFixture.RevisedId);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
        Assert.Equal(WebServer.ContentSecurityPolicy, busy.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("the store is busy or unavailable", await busy.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using (var api = await http.GetAsync("/api/papers/" + PostgresReaderFixture.RevisedId))
        {
            // The API says it in its own error shape.
            Assert.Equal(HttpStatusCode.ServiceUnavailable, api.StatusCode);
            Assert.Equal("application/json", api.Content.Headers.ContentType?.MediaType);
            using var error = JsonDocument.Parse(await api.Content.ReadAsStringAsync());
            Assert.Equal("the store is busy or unavailable; try again in a few seconds", error.RootElement.GetProperty("error").GetString());
        }

        await transaction.RollbackAsync();
        using (var released = await held)
        {
            Assert.Equal(HttpStatusCode.OK, released.StatusCode);
        }

        Assert.Contains(PostgresReaderFixture.RevisedTitle, await http.GetStringAsync("/papers/" + PostgresReaderFixture.RevisedId), StringComparison.Ordinal);
        Assert.Equal(0, await serve.StopAsync());
        var log = serve.Stderr.ToString();
        Assert.Contains("\"status\":503", log, StringComparison.Ordinal);
        Assert.Contains("store unavailable:", log, StringComparison.Ordinal);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(Support.Postgres.ConnectionString).Password ?? "\0no password\0", log, StringComparison.Ordinal);

        async Task WaitForLockWaiterAsync()
        {
            // The first request is inside PostgreSQL, waiting for the lock, with the pool's only connection.
            for (var i = 0; i < 200; i++)
            {
                await using var probe = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND application_name = @application", locker);
                probe.Parameters.AddWithValue("application", application);
                if ((long)(await probe.ExecuteScalarAsync())! > 0)
                {
                    return;
                }

                await Task.Delay(50);
            }

            throw new Xunit.Sdk.XunitException("the first request never waited on the lock");
        }
    }

    [GeneratedRegex("href=\"/papers/([^\"?]+)\"")]
    private static partial Regex PaperLink();

    /// <summary>A provider that "translates" by replacing Latin letters with 中 (valid Chinese script, placeholders kept).</summary>
    private sealed partial class LetterProvider : ITranslationProvider
    {
        public int Calls;

        public string Name => "letters";

        public string Model => "m";

        public BatchLimits Limits { get; } = new(50, 100_000);

        public Task<IReadOnlyDictionary<string, string>> TranslateAsync(IReadOnlyList<ProviderText> texts, string sourceLanguage, string targetLanguage, Glossary glossary, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            return Task.FromResult<IReadOnlyDictionary<string, string>>(texts.ToDictionary(t => t.Id, t => "letters:" + Letter().Replace(t.Text, "中")));
        }

        [GeneratedRegex("[A-Za-z]")]
        private static partial Regex Letter();
    }
}
