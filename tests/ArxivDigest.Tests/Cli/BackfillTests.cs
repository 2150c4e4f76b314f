using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ArxivDigest.Arxiv;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArxivDigest.Tests.Cli;

/// <summary>
/// Missed days: the automatic catch-up in <c>run</c> (/recent + API by id) and the <c>backfill</c> verb (/recent
/// window, OAI-PMH history with resumption), through the real CLI against the in-process fake arXiv.
/// </summary>
public sealed class BackfillTests : IAsyncLifetime
{
    private const string Interval = "0.2";

    // Thu 21 Nov 2024, 22:00 EST: the 22 Nov listing is out, /recent shows 18..22 Nov.
    private static readonly DateTimeOffset Now = new(2024, 11, 22, 3, 0, 0, TimeSpan.Zero);

    private FakeArxivServer server = null!;
    private readonly CliRunner cli = new() { Time = new ShiftedTime(Now) };
    private WebApplication? hooks;

    /// <summary>What the webhook channel received: (digest name, listing date) of each delivery.</summary>
    private readonly ConcurrentQueue<(string Digest, string Date)> delivered = new();

    public async Task InitializeAsync()
    {
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        server = await FakeArxivServer.StartAsync();
        server.Listings["astro-ph"] = RecentPages.NewFor22Nov();
        server.Recent["astro-ph"] = RecentPages.PastWeek();
        server.OaiPages[""] = RecentPages.OaiPage1();
        server.OaiPages[RecentPages.OaiToken] = RecentPages.OaiPage2();
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        if (hooks is not null)
        {
            await hooks.DisposeAsync();
        }

        cli.Dispose();
    }

    /// <summary>Starts a webhook receiver and writes a config file with one webhook channel (and the given digests).</summary>
    private async Task<string> ConfigWithChannelAsync(string digests = "")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        hooks = builder.Build();
        hooks.MapPost("/hook", async (HttpContext ctx) =>
        {
            using var json = await JsonDocument.ParseAsync(ctx.Request.Body);
            delivered.Enqueue((json.RootElement.GetProperty("name").GetString()!, json.RootElement.GetProperty("listingDate").GetString()!));
            return Results.Ok();
        });
        await hooks.StartAsync();
        var url = hooks.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var path = Path.Combine(cli.Dir, "config.toml");
        File.WriteAllText(path, $"""
            formats = ["json"]

            [[channel]]
            name = "team"
            type = "webhook"
            url = "{url}/hook"
            {digests}
            """);
        return path;
    }

    private async Task<IReadOnlyList<RunRecord>> RunsAsync()
    {
        await using var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None);
        return await store.GetRunsAsync(1000, CancellationToken.None);
    }

    /// <summary>Stores the astro-ph day <paramref name="day"/> of the pastweek page, as an earlier run would have.</summary>
    private async Task SeedAsync(DateOnly day)
    {
        var days = ListingPageParser.ParseRecent(RecentPages.PastWeek(), "astro-ph", "seed");
        var announcement = days.Single(a => a.ListingDate == day);
        await using var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None);
        await store.SaveAnnouncementAsync(announcement, "listing", Now.AddDays(-4), CancellationToken.None);
    }

    private Task<CliResult> Run(params string[] extra) => cli.RunJobAsync(
        "run",
        [
            "--arxiv-url", server.Url, "--api-url", server.Url, "--request-interval", Interval,
            "--category", "astro-ph", "--query", "galaxy", "--format", "json", .. extra,
        ]);

    private Task<CliResult> Backfill(params string[] extra) => cli.RunJobAsync(
        "backfill",
        [
            "--arxiv-url", server.Url, "--api-url", server.Url, "--oai-url", server.Url + "/oai", "--request-interval", Interval,
            "--query", "galaxy", "--format", "json", .. extra,
        ]);

    private string DigestJson(string date) => Path.Combine(cli.Out, "default", $"{date}.json");

    private static DateOnly D(string s) => DateOnly.ParseExact(s, "yyyy-MM-dd");

    [Fact]
    public async Task Run_with_a_store_three_announcements_behind_writes_each_missed_day_once_oldest_first_then_today()
    {
        await SeedAsync(D("2024-11-18"));

        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("caught up 3 missed days: 2024-11-19, 2024-11-20, 2024-11-21", result.Stdout);
        var order = new[] { "2024-11-19", "2024-11-20", "2024-11-21", "2024-11-22" }
            .Select(d => result.Stdout.IndexOf($"in the {d} listing", StringComparison.Ordinal)).ToList();
        Assert.All(order, i => Assert.True(i >= 0, result.Stdout));
        Assert.Equal(order.Order(), order);
        Assert.False(File.Exists(DigestJson("2024-11-18")), "the day already stored is not a missed day");

        foreach (var (date, entries) in new[] { ("2024-11-19", 101), ("2024-11-20", 94), ("2024-11-21", 67) })
        {
            using var json = JsonDocument.Parse(File.ReadAllText(DigestJson(date)));
            Assert.Equal(date, json.RootElement.GetProperty("listingDate").GetString());
            var papers = json.RootElement.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("papers").EnumerateArray()).ToList();
            Assert.NotEmpty(papers);
            Assert.All(papers, p => Assert.StartsWith($"Abstract of {p.GetProperty("id").GetString()} from the fake API", p.GetProperty("abstract").GetString()));

            await using var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None);
            var stored = await store.GetAnnouncementAsync("astro-ph", D(date), CancellationToken.None);
            Assert.NotNull(stored);
            Assert.Equal("recent+api", stored.Source);
            Assert.Equal(entries, stored.PaperCount);
        }

        Assert.True(File.Exists(DigestJson("2024-11-22")));

        // A second run finds nothing missed and rewrites no recovered day.
        var before = server.Requests.Count;
        var again = await Run();
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.DoesNotContain("caught up", again.Stdout);
        Assert.DoesNotContain("2024-11-19", again.Stdout);
        Assert.DoesNotContain(server.Requests.Skip(before), r => r.Path.EndsWith("/recent", StringComparison.Ordinal) || r.Path == "/api/query");
    }

    [Fact]
    public async Task Catch_up_asks_the_api_for_at_most_100_ids_per_request_one_request_at_a_time_spaced_by_the_interval()
    {
        await SeedAsync(D("2024-11-18"));

        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lists = server.ApiIdLists.ToList();
        Assert.Equal(3, lists.Count); // 101 + 94 + 67 = 262 ids
        Assert.All(lists, l => Assert.InRange(l.Count, 1, 100));
        Assert.Equal(262, lists.SelectMany(l => l).Distinct().Count());
        Assert.All(server.Requests.Where(r => r.Path == "/api/query"), r => Assert.Contains("max_results=", r.Query));

        var requests = server.Requests.OrderBy(r => r.Start).ToList();
        Assert.Equal(["/list/astro-ph/new", "/list/astro-ph/recent", "/api/query", "/api/query", "/api/query"], requests.Select(r => r.Path));
        Assert.Contains("show=2000", requests[1].Query);
        Assert.Equal(1, server.MaxConcurrent);
        for (var i = 1; i < requests.Count; i++)
        {
            var gap = requests[i].Start - requests[i - 1].End;
            Assert.True(gap >= TimeSpan.FromSeconds(0.15), $"request {i} started {gap.TotalMilliseconds:0} ms after the previous one ended");
        }
    }

    [Fact]
    public async Task Missed_days_older_than_the_recent_window_get_a_backfill_hint_and_the_listed_ones_are_recovered()
    {
        // Last stored: Tue 12 Nov. Missed: 13, 14, 15 (beyond /recent) and 18..21 (on /recent).
        var older = ListingPageParser.ParseRecent(RecentPages.PastWeek(), "astro-ph", "seed").Single(a => a.ListingDate == D("2024-11-18"));
        await using (var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None))
        {
            await store.SaveAnnouncementAsync(older with { ListingDate = D("2024-11-12") }, "listing", Now.AddDays(-10), CancellationToken.None);
        }

        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("caught up 4 missed days: 2024-11-18, 2024-11-19, 2024-11-20, 2024-11-21", result.Stdout);
        Assert.Contains("3 missed day(s) 2024-11-13..2024-11-15 are older than the last 5 announcements", result.Stderr);
        Assert.Contains("arxiv-digest backfill --from 2024-11-13 --to 2024-11-15 --category astro-ph", result.Stderr);
        Assert.False(File.Exists(DigestJson("2024-11-13")));
    }

    [Fact]
    public async Task Backfill_inside_the_recent_window_stores_each_day_and_writes_its_digest()
    {
        var result = await Backfill("--from", "2024-11-20", "--to", "2024-11-21", "--category", "astro-ph");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("backfilled 2 days from /recent: 2024-11-20, 2024-11-21", result.Stdout);
        Assert.True(File.Exists(DigestJson("2024-11-20")));
        Assert.True(File.Exists(DigestJson("2024-11-21")));
        Assert.False(File.Exists(DigestJson("2024-11-19")));
        Assert.DoesNotContain(server.Requests, r => r.Path == "/oai");
    }

    [Fact]
    public async Task Backfill_fetches_recent_only_for_the_categories_missing_a_scheduled_day()
    {
        await SeedAsync(D("2024-11-20"));
        await SeedAsync(D("2024-11-21")); // astro-ph has both days of the range; gr-qc has none
        server.Recent["gr-qc"] = RecentPages.PastWeek();

        var result = await Backfill("--from", "2024-11-20", "--to", "2024-11-21", "--category", "astro-ph", "--category", "gr-qc");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("backfilled 2 days from /recent: 2024-11-20, 2024-11-21", result.Stdout);
        Assert.Contains(server.Requests, r => r.Path == "/list/gr-qc/recent");
        Assert.DoesNotContain(server.Requests, r => r.Path == "/list/astro-ph/recent");
    }

    [Fact]
    public async Task Backfill_of_a_day_the_schedule_skips_says_so_and_fetches_nothing()
    {
        var config = Path.Combine(cli.Dir, "holidays.toml");
        File.WriteAllText(config, "holidays = [\"2024-11-19\"]\n"); // no announcement that Tuesday evening: no 20 Nov listing

        var result = await Backfill("--from", "2024-11-20", "--to", "2024-11-20", "--category", "astro-ph", "--config", config);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("backfill 2024-11-20..2024-11-20: arXiv's schedule has no announcement for these days (nothing fetched from /recent)", result.Stdout);
        Assert.Empty(server.Requests);
    }

    [Fact]
    public async Task Backfill_writes_the_digest_of_every_stored_day_without_one_once_and_leaves_a_day_with_its_digest_alone()
    {
        var config = await ConfigWithChannelAsync();
        var today = await Run("--config", config); // a fresh store: 22 Nov stored, written and delivered; nothing caught up
        Assert.True(today.ExitCode == 0, today.Stderr);
        var todaysFile = File.ReadAllText(DigestJson("2024-11-22"));
        await SeedAsync(D("2024-11-19")); // stored by a run that died before writing its digest
        var runsBefore = (await RunsAsync()).Count;

        var result = await Backfill("--from", "2024-11-18", "--to", "2024-11-22", "--category", "astro-ph", "--config", config);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("backfilled 3 days from /recent: 2024-11-18, 2024-11-20, 2024-11-21", result.Stdout);
        Assert.Contains("digests written: default for 4 days (2024-11-18, 2024-11-19, 2024-11-20, 2024-11-21)", result.Stdout);
        Assert.Contains("default: delivered to team", result.Stdout);
        foreach (var date in new[] { "2024-11-18", "2024-11-19", "2024-11-20", "2024-11-21" })
        {
            using var json = JsonDocument.Parse(File.ReadAllText(DigestJson(date)));
            Assert.Equal(date, json.RootElement.GetProperty("listingDate").GetString());
            Assert.Equal("complete", json.RootElement.GetProperty("status").GetString());
        }

        // The day with its digest: not rebuilt, not recorded again, not delivered again.
        Assert.DoesNotContain("2024-11-22 listing", result.Stdout);
        Assert.Equal(todaysFile, File.ReadAllText(DigestJson("2024-11-22")));
        var runs = await RunsAsync();
        Assert.Single(runs, r => r.ListingDate == D("2024-11-22"));
        Assert.Equal(runsBefore + 4, runs.Count);
        Assert.Equal(
            ["2024-11-18", "2024-11-19", "2024-11-20", "2024-11-21", "2024-11-22"],
            delivered.Select(d => d.Date).Order());

        // The stored day keeps its own copy (from the seed), not the /recent one.
        await using (var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None))
        {
            Assert.Equal("listing", (await store.GetAnnouncementAsync("astro-ph", D("2024-11-19"), CancellationToken.None))!.Source);
        }

        // Again: every day is stored and has its digest; nothing is fetched, written or delivered.
        var requestsBefore = server.Requests.Count;
        var again = await Backfill("--from", "2024-11-18", "--to", "2024-11-22", "--category", "astro-ph", "--config", config);
        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Contains("backfill 2024-11-18..2024-11-22: every scheduled day is already stored (nothing fetched from /recent)", again.Stdout);
        Assert.Empty(server.Requests.Skip(requestsBefore));
        Assert.Contains("backfill 2024-11-18..2024-11-22: no digest written, every stored day already has its digests", again.Stdout);
        Assert.DoesNotContain(" listing (announced", again.Stdout);
        Assert.Equal(5, delivered.Count);
        Assert.Equal(runsBefore + 4, (await RunsAsync()).Count);
    }

    [Fact]
    public async Task Backfill_writes_a_digest_added_to_the_config_later_for_a_stored_day_and_leaves_the_existing_digest_alone()
    {
        const string galaxies = """

            [[digest]]
            name = "galaxies"
            categories = ["astro-ph"]
            queries = ["galaxy"]
            """;
        const string stars = """

            [[digest]]
            name = "stars"
            categories = ["astro-ph"]
            queries = ["star"]
            """;
        var config = await ConfigWithChannelAsync(galaxies);
        var common = new[] { "--arxiv-url", server.Url, "--api-url", server.Url, "--request-interval", Interval, "--config", config };
        var first = await cli.RunJobAsync("run", common);
        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Equal([("galaxies", "2024-11-22")], delivered);
        File.AppendAllText(config, stars);

        var before = server.Requests.Count;

        var result = await cli.RunJobAsync("backfill", ["--from", "2024-11-22", "--to", "2024-11-22", .. common]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("backfill 2024-11-22..2024-11-22: every scheduled day is already stored (nothing fetched from /recent)", result.Stdout);
        Assert.DoesNotContain(server.Requests.Skip(before), r => r.Path.EndsWith("/recent", StringComparison.Ordinal));
        Assert.Contains("digests written: stars for 1 day (2024-11-22)", result.Stdout);
        Assert.Contains("stars: delivered to team", result.Stdout);
        Assert.DoesNotContain("galaxies:", result.Stdout);
        Assert.True(File.Exists(Path.Combine(cli.Out, "stars", "2024-11-22.json")));
        Assert.Equal([("galaxies", "2024-11-22"), ("stars", "2024-11-22")], delivered);
        Assert.DoesNotContain(server.Requests, r => r.Path == "/api/query");
    }

    [Fact]
    public async Task Backfill_of_a_range_older_than_the_recent_window_writes_the_digest_of_a_day_stored_there()
    {
        // Tue 12 Nov, older than /recent's five announcements, was stored by an earlier run that wrote no digest.
        var day = ListingPageParser.ParseRecent(RecentPages.PastWeek(), "astro-ph", "seed").Single(a => a.ListingDate == D("2024-11-18"));
        await using (var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None))
        {
            await store.SaveAnnouncementAsync(day with { ListingDate = D("2024-11-12") }, "listing", Now.AddDays(-10), CancellationToken.None);
        }

        var result = await Backfill("--from", "2024-11-12", "--to", "2024-11-13", "--category", "astro-ph");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("history: OAI-PMH set physics:astro-ph", result.Stdout);
        Assert.Contains("digests written: default for 1 day (2024-11-12)", result.Stdout);
        using var json = JsonDocument.Parse(File.ReadAllText(DigestJson("2024-11-12")));
        Assert.Equal("2024-11-12", json.RootElement.GetProperty("listingDate").GetString());
        Assert.DoesNotContain(server.Requests, r => r.Path.EndsWith("/recent", StringComparison.Ordinal));
        Assert.False(File.Exists(DigestJson("2024-11-13")));
    }

    [Fact]
    public async Task Backfill_of_an_old_range_harvests_oai_pmh_through_a_503_and_two_pages_as_history_without_announcements()
    {
        server.AddFault("/oai", new Fault(503, "1", RecentPages.Oai503()));

        var result = await Backfill("--from", "2015-01-16", "--to", "2015-01-18", "--category", "cs");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var oai = server.Requests.Where(r => r.Path == "/oai").OrderBy(r => r.Start).ToList();
        Assert.Equal([503, 200, 200], oai.Select(r => r.Status));
        Assert.Contains("verb=ListRecords", oai[1].Query);
        Assert.Contains("metadataPrefix=arXiv", oai[1].Query);
        Assert.Contains("set=cs", oai[1].Query);
        Assert.Contains("from=2015-01-16", oai[1].Query);
        Assert.Contains("until=2015-01-18", oai[1].Query);
        Assert.Contains("resumptionToken=6965856%7C47", oai[2].Query);
        Assert.DoesNotContain("metadataPrefix", oai[2].Query);

        // 46 cs records on page 1; on page 2 one cs.DM record is kept and the hep-th one is not.
        Assert.Contains("47 papers of cs saved", result.Stdout);
        await using var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None);
        Assert.Empty(await store.GetListingDatesAsync("cs", CancellationToken.None));
        Assert.Null(await store.GetHarvestStateAsync(OaiHarvester.StateKey("cs", D("2015-01-16"), D("2015-01-18"), ["cs"]), CancellationToken.None));
        Assert.False(Directory.Exists(Path.Combine(cli.Out, "default")), "history makes no digests");
    }

    [Fact]
    public async Task Interrupted_harvest_exits_3_and_the_next_backfill_resumes_from_the_saved_token()
    {
        var tokenKey = $"/oai?resumptionToken={RecentPages.OaiToken}";
        for (var i = 0; i < 4; i++)
        {
            server.AddFault(tokenKey, new Fault(500));
        }

        var first = await Backfill("--from", "2015-01-16", "--to", "2015-01-18", "--category", "cs");

        Assert.Equal(3, first.ExitCode);
        Assert.Contains("error: fetch failed:", first.Stderr);
        await using (var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None))
        {
            var state = await store.GetHarvestStateAsync(OaiHarvester.StateKey("cs", D("2015-01-16"), D("2015-01-18"), ["cs"]), CancellationToken.None);
            Assert.NotNull(state);
            Assert.StartsWith(RecentPages.OaiToken, state);
        }

        var before = server.Requests.Count;
        var second = await Backfill("--from", "2015-01-16", "--to", "2015-01-18", "--category", "cs");

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains($"resuming OAI-PMH harvest of cs (2015-01-16..2015-01-18) from token {RecentPages.OaiToken}", second.Stderr);
        var resumed = server.Requests.Skip(before).Where(r => r.Path == "/oai").ToList();
        Assert.Single(resumed);
        Assert.Contains("resumptionToken=6965856%7C47", resumed[0].Query);
        Assert.Contains("47 papers of cs saved", second.Stdout);
    }

    [Fact]
    public async Task Backfill_with_from_after_to_is_a_usage_error()
    {
        var result = await Backfill("--from", "2024-11-21", "--to", "2024-11-20", "--category", "astro-ph");

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("error: --from: 2024-11-21 is after the end of the range (2024-11-20)", result.Stderr.Trim());
        Assert.Empty(server.Requests);
    }
}
