using System.Text.Json;
using ArxivDigest.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Tests.Cli;

/// <summary>The whole pipeline through the CLI against an in-process fake arXiv serving the recorded fixtures.</summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private const string Interval = "0.3";
    private FakeArxivServer server = null!;
    private readonly CliRunner cli = new();

    public async Task InitializeAsync()
    {
        // These tests are about fetching and digests; translation has its own end-to-end tests.
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        server = await FakeArxivServer.StartAsync();
        foreach (var cat in new[] { "gr-qc", "hep-th", "math-ph" })
        {
            server.Listings[cat] = File.ReadAllText(Fixtures.At($"listing/new-{cat}-2024-08-09.html"));
        }

        server.Listings["cs.AI"] = File.ReadAllText(Fixtures.At("listing/new-cs.AI-2026-08-12-EXCERPT-edited-in-source.html"));
        server.Feeds["q-fin"] = File.ReadAllText(Fixtures.At("rss/rss2-empty-test-archive-2024-11-28.xml"));
        server.Feeds["astroph"] = File.ReadAllText(Fixtures.At("rss/rss2-error-bad-archive-astroph-2024-11-28.xml"));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        cli.Dispose();
    }

    private Task<CliResult> Run(params string[] extra) => cli.RunJobAsync(
        "run",
        [
            "--arxiv-url", server.Url, "--rss-url", server.Url, "--request-interval", Interval,
            "--category", "gr-qc", "--category", "hep-th", "--category", "math-ph",
            "--query", "black hole", "--query", "gravitational wave", .. extra,
        ]);

    private string DigestFile(string ext) => Path.Combine(cli.Out, "default", $"2024-08-09.{ext}");

    [Fact]
    public async Task Run_writes_text_markdown_and_json_digests_of_the_listing_grouped_by_first_matching_query()
    {
        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("2024-08-09", result.Stdout);
        foreach (var ext in new[] { "txt", "md", "json" })
        {
            Assert.True(File.Exists(DigestFile(ext)), $"{ext} digest missing");
        }

        using var json = JsonDocument.Parse(File.ReadAllText(DigestFile("json")));
        var root = json.RootElement;
        Assert.Equal("default", root.GetProperty("name").GetString());
        Assert.Equal("2024-08-09", root.GetProperty("listingDate").GetString());
        Assert.Equal("2024-08-08T20:00:00-04:00", root.GetProperty("announcedAt").GetString());
        Assert.Equal("complete", root.GetProperty("status").GetString());
        Assert.Equal(["gr-qc", "hep-th", "math-ph"], root.GetProperty("categories").EnumerateArray().Select(c => c.GetString()!));

        var groups = root.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(["black hole", "gravitational wave"], groups.Select(g => g.GetProperty("query").GetString()!));
        var papers = groups.SelectMany(g => g.GetProperty("papers").EnumerateArray().Select(p => (Group: g.GetProperty("query").GetString()!, Paper: p))).ToList();
        Assert.Equal(root.GetProperty("count").GetInt32(), papers.Count);
        Assert.True(papers.Count >= 5, $"expected several matches, got {papers.Count}");

        var ids = papers.Select(p => p.Paper.GetProperty("id").GetString()!).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var (group, paper) in papers)
        {
            Assert.Equal("new", paper.GetProperty("announceType").GetString());
            Assert.Equal(group, paper.GetProperty("matched").GetString());
            var content = (paper.GetProperty("title").GetString() + " " + paper.GetProperty("abstract").GetString()).ToLowerInvariant();
            Assert.Contains(group, content.Replace('-', ' '));
            Assert.Equal($"https://arxiv.org/abs/{paper.GetProperty("id").GetString()}", paper.GetProperty("absUrl").GetString());
            Assert.NotEmpty(paper.GetProperty("subjects").EnumerateArray());
            Assert.Equal(JsonValueKind.Null, paper.GetProperty("abstractTranslated").ValueKind);
        }

        // Papers under the second query do not match the first one (first match wins).
        foreach (var (_, paper) in papers.Where(p => p.Group == "gravitational wave"))
        {
            Assert.DoesNotContain("black hole", (paper.GetProperty("title").GetString() + " " + paper.GetProperty("abstract").GetString()).ToLowerInvariant());
        }

        var text = File.ReadAllText(DigestFile("txt"));
        Assert.StartsWith("生成时间: ", text);
        Assert.Contains("; Arxiv 发布时间: 2024-08-08 20:00 EDT (2024-08-09 08:00 UTC+8)\n", text);
        Assert.Contains($"\n今天共有 {papers.Count} 篇相关文章\nKeyword: black hole\n", text);
        Assert.DoesNotContain("Subjects: Subjects:", text);
    }

    [Fact]
    public async Task Requests_go_one_at_a_time_spaced_by_the_request_interval_with_a_descriptive_user_agent()
    {
        var result = await Run();
        Assert.True(result.ExitCode == 0, result.Stderr);

        var requests = server.Requests.OrderBy(r => r.Start).ToList();
        Assert.Equal(["/list/gr-qc/new", "/list/hep-th/new", "/list/math-ph/new"], requests.Select(r => r.Path));
        Assert.Equal(1, server.MaxConcurrent);
        for (var i = 1; i < requests.Count; i++)
        {
            var gap = requests[i].Start - requests[i - 1].End;
            Assert.True(gap >= TimeSpan.FromSeconds(0.25), $"request {i} started {gap.TotalMilliseconds:0} ms after the previous one ended");
        }

        Assert.All(requests, r => Assert.StartsWith("ArxivDigest/", r.UserAgent));
    }

    [Fact]
    public async Task Second_run_uses_a_conditional_get_reports_no_new_announcement_and_leaves_files_and_rows_unchanged()
    {
        var first = await Run();
        Assert.True(first.ExitCode == 0, first.Stderr);
        var before = new[] { "txt", "md", "json" }.ToDictionary(e => e, e => File.ReadAllBytes(DigestFile(e)));
        var rowsBefore = CountRows();

        var second = await Run();

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("no new announcement", second.Stdout);
        foreach (var (ext, bytes) in before)
        {
            Assert.Equal(bytes, File.ReadAllBytes(DigestFile(ext)));
        }

        var secondRound = server.Requests.OrderBy(r => r.Start).Skip(3).ToList();
        Assert.Equal(3, secondRound.Count);
        Assert.All(secondRound, r => Assert.Equal(304, r.Status));
        Assert.All(secondRound, r => Assert.False(string.IsNullOrEmpty(r.IfModifiedSince)));
        Assert.Equal(rowsBefore, CountRows());
    }

    [Fact]
    public async Task Digest_verb_rerenders_a_stored_announcement_byte_identically()
    {
        Assert.Equal(0, (await Run()).ExitCode);
        var before = File.ReadAllBytes(DigestFile("txt"));

        var result = await cli.RunJobAsync("digest", "--date", "2024-08-09", "--category", "gr-qc", "--category", "hep-th", "--category", "math-ph", "--query", "black hole", "--query", "gravitational wave");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(before, File.ReadAllBytes(DigestFile("txt")));
        Assert.Contains("files unchanged", result.Stdout);
    }

    [Fact]
    public async Task Digest_verb_for_a_date_never_stored_is_a_usage_error()
    {
        var result = await cli.RunJobAsync("digest", "--date", "2024-08-10", "--category", "gr-qc");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no stored gr-qc announcement for 2024-08-10", result.Stderr);
    }

    [Fact]
    public async Task Listing_with_fewer_entries_than_its_count_promises_is_a_source_error_and_writes_no_digest()
    {
        var page = server.Listings["gr-qc"];
        var dt = page.IndexOf("<dt>", StringComparison.Ordinal);
        var next = page.IndexOf("<dt>", dt + 4, StringComparison.Ordinal);
        server.Listings["gr-qc"] = page.Remove(dt, next - dt);

        var result = await Run();

        Assert.Equal(3, result.ExitCode);
        var error = Assert.Single(result.Stderr.TrimEnd().Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("promises", error);
        Assert.Contains($"{server.Url}/list/gr-qc/new", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(cli.Out, "default")) && Directory.EnumerateFiles(Path.Combine(cli.Out, "default")).Any());
    }

    [Fact]
    public async Task Retry_after_on_503_is_honoured_before_retrying()
    {
        server.AddFault("/list/gr-qc/new", new Fault(503, RetryAfter: "1"));

        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        var gr = server.Requests.Where(r => r.Path == "/list/gr-qc/new").OrderBy(r => r.Start).ToList();
        Assert.Equal([503, 200], gr.Select(r => r.Status));
        Assert.True(gr[1].Start - gr[0].End >= TimeSpan.FromSeconds(0.95), "retried before Retry-After elapsed");
    }

    [Fact]
    public async Task Retry_after_as_an_http_date_on_429_is_honoured()
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(3);
        server.AddFault("/list/gr-qc/new", new Fault(429, RetryAfter: until.ToString("r", System.Globalization.CultureInfo.InvariantCulture), Body: "Rate exceeded."));

        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        var gr = server.Requests.Where(r => r.Path == "/list/gr-qc/new").OrderBy(r => r.Start).ToList();
        Assert.Equal([429, 200], gr.Select(r => r.Status));
        Assert.True(gr[1].Start >= until.AddSeconds(-1), $"retried at {gr[1].Start:O}, before Retry-After {until:O}");
    }

    [Fact]
    public async Task A_retry_after_longer_than_five_minutes_fails_at_once_with_exit_3()
    {
        server.AddFault("/list/gr-qc/new", new Fault(503, RetryAfter: "3600"));

        var result = await Run();

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Retry-After 3600 s exceeds the 300 s limit", result.Stderr);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Persistent_server_errors_give_up_after_bounded_retries_with_exit_3()
    {
        for (var i = 0; i < 10; i++)
        {
            server.AddFault("/list/gr-qc/new", new Fault(500));
        }

        var result = await Run();

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("HTTP 500", result.Stderr);
        Assert.Contains("gave up after 4 attempts", result.Stderr);
        Assert.Equal(4, server.Requests.Count(r => r.Path == "/list/gr-qc/new"));
    }

    [Fact]
    public async Task Categories_with_different_listing_dates_are_reported_as_stale_not_merged()
    {
        var result = await cli.RunJobAsync("run", "--arxiv-url", server.Url, "--request-interval", Interval, "--category", "gr-qc", "--category", "cs.AI", "--query", "black hole");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("stale listing: gr-qc (2024-08-09)", result.Stderr);
    }

    [Fact]
    public async Task Empty_rss_feed_is_reported_as_no_announcement_without_a_digest()
    {
        var result = await cli.RunJobAsync("run", "--source", "rss", "--rss-url", server.Url, "--request-interval", Interval, "--category", "q-fin", "--query", "black hole");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("no announcement", result.Stdout);
        Assert.False(Directory.Exists(Path.Combine(cli.Out, "default")));
    }

    [Fact]
    public async Task Rss_feed_error_is_a_source_error()
    {
        server.Feeds["hep-ph"] = server.Feeds["astroph"];
        var result = await cli.RunJobAsync("run", "--source", "rss", "--rss-url", server.Url, "--request-interval", Interval, "--category", "hep-ph", "--query", "black hole");

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("Feed error", result.Stderr);
    }

    [Fact]
    public async Task From_file_reads_a_saved_listing_without_any_request()
    {
        var result = await cli.RunJobAsync("run", "--from-file", Fixtures.At("listing/new-hep-th-2024-08-09.html"), "--category", "hep-th", "--query", "black hole", "--format", "json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Empty(server.Requests);
        Assert.True(File.Exists(Path.Combine(cli.Out, "default", "2024-08-09.json")));
        Assert.False(File.Exists(Path.Combine(cli.Out, "default", "2024-08-09.txt")));
    }

    [Fact]
    public async Task Rerun_on_a_saturday_says_no_announcement_because_of_the_weekend()
    {
        Assert.Equal(0, (await Run()).ExitCode);
        cli.Time = new ShiftedTime(new DateTimeOffset(2024, 8, 10, 16, 0, 0, TimeSpan.Zero)); // Sat 12:00 EDT

        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("no new announcement: the 2024-08-09 listing was already processed", result.Stdout);
        Assert.Contains("arXiv does not announce on Friday and Saturday evenings", result.Stdout);
        Assert.Contains("next announcement 2024-08-11 20:00 EDT", result.Stdout);
    }

    [Fact]
    public async Task Fetch_stores_without_writing_then_digest_renders_the_stored_announcement()
    {
        var fetch = await cli.RunJobAsync("fetch", "--arxiv-url", server.Url, "--request-interval", Interval, "--category", "hep-th");
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        Assert.Contains("hep-th: listing 2024-08-09, 49 entries (new 14, cross 22, replace 9, replace-cross 4)", fetch.Stderr);
        Assert.False(Directory.Exists(cli.Out));

        var digest = await cli.RunJobAsync("digest", "--date", "2024-08-09", "--category", "hep-th", "--query", "black hole", "--include", "new,cross");
        Assert.True(digest.ExitCode == 0, digest.Stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(DigestFile("json")));
        var types = json.RootElement.GetProperty("groups")[0].GetProperty("papers").EnumerateArray().Select(p => p.GetProperty("announceType").GetString()).ToHashSet();
        Assert.Contains("cross", types);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Config_file_with_two_digests_writes_each_under_its_own_name()
    {
        var config = Path.Combine(cli.Dir, "config.toml");
        File.WriteAllText(config, $"""
            arxiv_url = "{server.Url}"
            request_interval = 0.3
            formats = ["json"]

            [[digest]]
            name = "holes"
            categories = ["gr-qc", "hep-th"]
            queries = ["black hole"]

            [[digest]]
            name = "waves"
            categories = ["gr-qc"]
            queries = ["gravitational wave"]
            """);

        var result = await cli.RunJobAsync("run", "--config", config);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(2, server.Requests.Count); // gr-qc fetched once for both digests
        foreach (var (name, query) in new[] { ("holes", "black hole"), ("waves", "gravitational wave") })
        {
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(cli.Out, name, "2024-08-09.json")));
            Assert.Equal(name, json.RootElement.GetProperty("name").GetString());
            Assert.Equal(query, json.RootElement.GetProperty("groups")[0].GetProperty("query").GetString());
            Assert.True(json.RootElement.GetProperty("count").GetInt32() > 0);
        }
    }

    [Fact]
    public async Task A_user_template_replaces_the_built_in_text_layout_and_a_broken_one_is_reported_with_its_line()
    {
        var template = Path.Combine(cli.Dir, "mine.txt.scriban");
        File.WriteAllText(template, "{{ digest.count }} papers on {{ digest.listing_date }}\n{{ for g in digest.groups }}{{ for p in g.papers }}* {{ p.id }}: {{ p.title }}\n{{ end }}{{ end }}");
        var config = Path.Combine(cli.Dir, "t.toml");
        File.WriteAllText(config, $"template_text = \"{template}\"\n");

        var result = await Run("--config", config);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var text = File.ReadAllText(DigestFile("txt"));
        using var json = JsonDocument.Parse(File.ReadAllText(DigestFile("json")));
        var count = json.RootElement.GetProperty("count").GetInt32();
        Assert.StartsWith($"{count} papers on 2024-08-09\n* 2408.", text);
        Assert.Equal(count, text.Split('\n').Count(l => l.StartsWith("* 2408.", StringComparison.Ordinal)));

        File.WriteAllText(template, "ok\n{{ for p in }}\n");
        var broken = await cli.RunAsync("config", "check", "--config", config);
        Assert.Equal(2, broken.ExitCode);
        Assert.Contains($"{config}:1: template_text: {template}(2,", broken.Stderr);
    }

    private (long Papers, long Members, long Announcements) CountRows()
    {
        using var c = new SqliteConnection($"Data Source={cli.Db};Pooling=False");
        c.Open();
        long Count(string table)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
            return (long)cmd.ExecuteScalar()!;
        }

        return (Count("papers"), Count("announcement_papers"), Count("announcements"));
    }
}

/// <summary>The daemon verb through the CLI: a fresh store runs at once, then the daemon sleeps until the next evening.</summary>
public sealed class DaemonEndToEndTests : IAsyncLifetime
{
    private FakeArxivServer server = null!;
    private readonly CliRunner cli = new();

    public async Task InitializeAsync()
    {
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        server = await FakeArxivServer.StartAsync();
        server.Listings["gr-qc"] = File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html"));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        cli.Dispose();
    }

    [Fact]
    public async Task Daemon_on_a_fresh_store_writes_the_latest_digest_then_logs_its_next_wake_up_and_stops_on_cancel()
    {
        // Friday 9 August 2024, 14:00 EDT: the next run is Sunday 21:30 EDT.
        cli.Time = new ShiftedTime(new DateTimeOffset(2024, 8, 9, 18, 0, 0, TimeSpan.Zero));
        using var stop = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new SynchronizedLog();
        var run = ArxivDigest.Cli.CliApp.RunAsync(
            ["daemon", "--db", cli.Db, "--out", cli.Out, "--arxiv-url", server.Url, "--request-interval", "0.2", "--category", "gr-qc", "--query", "black hole"],
            new ArxivDigest.Cli.CliContext(stdout, stderr, cli.Environment, cli.Time, Interactive: false),
            stop.Token);

        var digest = Path.Combine(cli.Out, "default", "2024-08-09.json");
        for (var i = 0; i < 200 && !(File.Exists(digest) && stderr.ToString().Contains("next run at", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(50);
        }

        await stop.CancelAsync();
        var code = await run;

        Assert.True(File.Exists(digest), stderr.ToString());
        Assert.Contains("next run at 2024-08-11 21:30 EDT", stderr.ToString());
        Assert.Equal(0, code);
        Assert.Single(server.Requests);
    }

    /// <summary>A StringWriter safe to read while the daemon writes to it.</summary>
    private sealed class SynchronizedLog : StringWriter
    {
        private readonly object gate = new();

        public override void Write(char value)
        {
            lock (gate)
            {
                base.Write(value);
            }
        }

        public override void Write(string? value)
        {
            lock (gate)
            {
                base.Write(value);
            }
        }

        public override void WriteLine(string? value)
        {
            lock (gate)
            {
                base.WriteLine(value);
            }
        }

        public override string ToString()
        {
            lock (gate)
            {
                return base.ToString();
            }
        }
    }
}

/// <summary>The site verb through the CLI, after a run stored a day.</summary>
public sealed class SiteEndToEndTests : IAsyncLifetime
{
    private FakeArxivServer server = null!;
    private readonly CliRunner cli = new();

    public async Task InitializeAsync()
    {
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        server = await FakeArxivServer.StartAsync();
        server.Listings["gr-qc"] = File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html"));
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        cli.Dispose();
    }

    [Fact]
    public async Task Site_writes_an_index_a_day_page_and_feeds_from_the_store()
    {
        var args = new[] { "--arxiv-url", server.Url, "--request-interval", "0.2", "--category", "gr-qc", "--query", "black hole" };
        Assert.Equal(0, (await cli.RunJobAsync("run", args)).ExitCode);
        var siteDir = Path.Combine(cli.Dir, "site");

        var result = await cli.RunAsync(["site", "--db", cli.Db, "--out", siteDir, .. args]);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("site: 1 days", result.Stdout);
        Assert.True(File.Exists(Path.Combine(siteDir, "index.html")));
        var day = File.ReadAllText(Path.Combine(siteDir, "default", "2024-08-09.html"));
        Assert.Contains("<article", day);
        Assert.Contains("https://arxiv.org/abs/2408.", day);
        System.Xml.Linq.XDocument.Parse(File.ReadAllText(Path.Combine(siteDir, "default", "feed.rss.xml")));
        System.Xml.Linq.XDocument.Parse(File.ReadAllText(Path.Combine(siteDir, "default", "feed.atom.xml")));
        Assert.Single(server.Requests); // the site is built from the store, not fetched
    }
}
