using System.Globalization;
using System.Text.Json;
using ArxivDigest.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Tests.Faults;

/// <summary>
/// Faults from the outside (issue #7), each through the CLI's <c>run</c> against the in-process fake arXiv: every case
/// ends in a correct digest after retries, or in exit 3 with one <c>error:</c> line naming the URL and the response
/// saved under the data directory, no digest written or marked complete; the next healthy run then catches the day up.
/// </summary>
public sealed class FaultSuiteTests : IAsyncLifetime
{
    /// <summary>Attempts per fetch: the first and three retries.</summary>
    private const int Attempts = 4;

    private const string ErrorPage = "<!DOCTYPE html><html><head><title>Error</title></head><body><h1>Something went wrong</h1><p>Please try again later.</p></body></html>";

    private FakeArxivServer server = null!;
    private readonly CliRunner cli = new();
    private string listing = "";
    private string feed = "";

    public async Task InitializeAsync()
    {
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        server = await FakeArxivServer.StartAsync();
        listing = File.ReadAllText(Fixtures.At("listing/new-hep-th-2024-08-09.html"));
        feed = File.ReadAllText(Fixtures.At("rss/rss2-all-archives-combined-2024-11-28.xml"));
        server.Listings["hep-th"] = listing;
        server.Listings["gr-qc"] = File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html"));
        server.Feeds["hep-th"] = feed;
        server.Feeds["gr-qc"] = feed;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        cli.Dispose();
    }

    private string ListingUrl(string category = "hep-th") => $"{server.Url}/list/{category}/new";

    private string FeedUrl(string category = "hep-th") => $"{server.Url}/rss/{category}";

    /// <summary>A short request timeout: a 30-second stall costs CI about a second per attempt.</summary>
    private Task<CliResult> Run(params string[] categories) => cli.RunJobAsync(
        "run",
        [
            "--arxiv-url", server.Url, "--request-interval", "0.05", "--request-timeout", "1", "--query", "black hole",
            .. categories.DefaultIfEmpty("hep-th").SelectMany(c => new[] { "--category", c }),
        ]);

    private Task<CliResult> RunRss(params string[] categories) => cli.RunJobAsync(
        "run",
        [
            "--source", "rss", "--rss-url", server.Url, "--request-interval", "0.05", "--request-timeout", "1", "--query", "black hole",
            .. categories.DefaultIfEmpty("hep-th").SelectMany(c => new[] { "--category", c }),
        ]);

    private void FaultEveryAttempt(string path, Fault fault)
    {
        for (var i = 0; i < Attempts; i++)
        {
            server.AddFault(path, fault);
        }
    }

    [Fact]
    public async Task Http_503_with_retry_after_in_seconds_ends_in_the_digest_after_a_retry()
    {
        server.AddFault("/list/hep-th/new", new Fault(503, RetryAfter: "1"));

        var result = await Run();

        AssertDigest(result, "2024-08-09");
        Assert.Equal([503, 200], server.Requests.Select(r => r.Status));
        Assert.False(Directory.Exists(DebugDir), "a fetch that succeeded on retry saved a debug response");
    }

    [Fact]
    public async Task Http_429_with_retry_after_as_an_http_date_ends_in_the_digest_after_a_retry()
    {
        var until = DateTimeOffset.UtcNow.AddSeconds(2);
        server.AddFault("/list/hep-th/new", new Fault(429, RetryAfter: until.ToString("r", CultureInfo.InvariantCulture), Body: "Rate exceeded."));

        var result = await Run();

        AssertDigest(result, "2024-08-09");
        Assert.Equal([429, 200], server.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Http_503_on_every_attempt_is_a_source_error_with_the_response_saved_then_a_healthy_run_catches_up()
    {
        FaultEveryAttempt("/list/hep-th/new", new Fault(503, RetryAfter: "0"));

        var result = await Run();

        var saved = AssertSourceError(result, ListingUrl(), "HTTP 503");
        Assert.Contains("status: 503", saved);
        Assert.Contains("Service Unavailable", saved);
        AssertDigest(await Run(), "2024-08-09");
    }

    [Fact]
    public async Task A_gzip_compressed_listing_is_decoded_into_the_same_digest()
    {
        server.Gzip = true;

        var result = await Run();

        AssertDigest(result, "2024-08-09");
        Assert.Contains("black hole", File.ReadAllText(Path.Combine(cli.Out, "default", "2024-08-09.txt")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_connection_reset_mid_body_is_retried_and_ends_in_the_digest()
    {
        server.AddFault("/list/hep-th/new", new Fault(200, Kind: FaultKind.ResetMidBody));

        var result = await Run();

        AssertDigest(result, "2024-08-09");
        Assert.Equal(2, server.RequestsStarted);
    }

    [Fact]
    public async Task Connection_resets_on_every_attempt_are_a_source_error_saving_the_partial_body_then_a_healthy_run_catches_up()
    {
        FaultEveryAttempt("/list/hep-th/new", new Fault(200, Kind: FaultKind.ResetMidBody));

        var result = await Run();

        var saved = AssertSourceError(result, ListingUrl(), "connection broken");
        Assert.Contains("(incomplete)", saved);
        Assert.Contains("<!DOCTYPE html", saved);
        AssertDigest(await Run(), "2024-08-09");
    }

    [Fact]
    public async Task A_thirty_second_stall_times_out_is_retried_and_becomes_a_source_error_then_a_healthy_run_catches_up()
    {
        FaultEveryAttempt("/list/hep-th/new", new Fault(200, Kind: FaultKind.Stall, Stall: TimeSpan.FromSeconds(30)));

        var result = await Run();

        var saved = AssertSourceError(result, ListingUrl(), "not complete within 1 s");
        Assert.Contains("gave up after 4 attempts", result.Stderr);
        Assert.Equal(Attempts, server.RequestsStarted);
        Assert.Contains("body: 1024 bytes (incomplete)", saved);
        AssertDigest(await Run(), "2024-08-09");
    }

    [Fact]
    public async Task A_body_shorter_than_its_content_length_is_retried_and_becomes_a_source_error_then_a_healthy_run_catches_up()
    {
        FaultEveryAttempt("/list/hep-th/new", new Fault(200, Kind: FaultKind.Truncated));

        var result = await Run();

        AssertSourceError(result, ListingUrl(), "connection broken");
        Assert.Equal(Attempts, server.RequestsStarted);
        AssertDigest(await Run(), "2024-08-09");
    }

    [Fact]
    public async Task Gzip_garbage_is_retried_and_becomes_a_source_error_then_a_healthy_run_catches_up()
    {
        FaultEveryAttempt("/list/hep-th/new", new Fault(200, Kind: FaultKind.GzipGarbage));

        var result = await Run();

        var saved = AssertSourceError(result, ListingUrl(), "cannot be decoded (Content-Encoding gzip)");
        Assert.Contains("Content-Encoding: gzip", saved);
        AssertDigest(await Run(), "2024-08-09");
    }

    [Fact]
    public async Task An_html_error_page_with_status_200_where_rss_was_expected_is_a_source_error_then_a_healthy_run_catches_up()
    {
        server.AddFault("/rss/hep-th", new Fault(200, Body: ErrorPage));

        var result = await RunRss();

        var saved = AssertSourceError(result, FeedUrl(), "");
        Assert.Contains("Something went wrong", saved);
        AssertDigest(await RunRss(), "2024-11-28");
    }

    [Fact]
    public async Task A_listing_whose_counts_promise_more_entries_than_it_holds_is_a_source_error_then_a_healthy_run_catches_up()
    {
        var dt = listing.IndexOf("<dt>", StringComparison.Ordinal);
        var next = listing.IndexOf("<dt>", dt + 4, StringComparison.Ordinal);
        server.Listings["hep-th"] = listing.Remove(dt, next - dt);

        var result = await Run();

        var saved = AssertSourceError(result, ListingUrl(), "promises");
        Assert.Contains("showing 14 of 14 entries", saved);
        server.Listings["hep-th"] = listing;
        server.LastModified = server.LastModified.AddMinutes(5); // arXiv's corrected page is a new version
        AssertDigest(await Run(), "2024-08-09");
    }

    [Fact]
    public async Task A_listing_still_dated_the_previous_announcement_is_stale_a_source_error_then_a_healthy_run_catches_up()
    {
        server.Listings["gr-qc"] = Previous(server.Listings["gr-qc"]);

        var result = await Run("hep-th", "gr-qc");

        var saved = AssertSourceError(result, ListingUrl("gr-qc"), "stale listing: gr-qc (2024-08-08)");
        Assert.Contains("Thursday, 8 August 2024", saved);
        server.Listings["gr-qc"] = File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html"));
        server.LastModified = server.LastModified.AddDays(1);
        AssertDigest(await Run("hep-th", "gr-qc"), "2024-08-09");
    }

    [Fact]
    public async Task An_rss_feed_stale_for_one_category_and_current_for_another_is_a_source_error_then_a_healthy_run_catches_up()
    {
        server.Feeds["gr-qc"] = feed.Replace("Thu, 28 Nov 2024", "Wed, 27 Nov 2024", StringComparison.Ordinal);

        var result = await RunRss("hep-th", "gr-qc");

        var saved = AssertSourceError(result, FeedUrl("gr-qc"), "stale listing: gr-qc (2024-11-27)");
        Assert.Contains("Wed, 27 Nov 2024", saved);
        server.Feeds["gr-qc"] = feed;
        server.LastModified = server.LastModified.AddDays(1);
        AssertDigest(await RunRss("hep-th", "gr-qc"), "2024-11-28");
    }

    [Fact]
    public async Task A_page_in_an_unknown_future_layout_is_a_source_error_not_an_empty_day_then_a_healthy_run_catches_up()
    {
        const string Future = "<!DOCTYPE html><html><head><title>arXiv</title></head><body><div id=\"root\" data-app=\"listings-v2\"></div><script src=\"/static/app.js\"></script></body></html>";
        server.AddFault("/list/hep-th/new", new Fault(200, Body: Future));

        var result = await Run();

        var saved = AssertSourceError(result, ListingUrl(), "");
        Assert.Contains("listings-v2", saved);
        AssertDigest(await Run(), "2024-08-09");
    }

    [Fact]
    public async Task A_key_in_the_query_string_and_cookie_or_token_headers_are_redacted_in_the_error_the_log_and_the_saved_response()
    {
        const string Key = "SeCrEt-4f9a2c";
        FaultEveryAttempt("/list/hep-th/new", new Fault(500, Body: $"<html><body>bad request: /list/hep-th/new?api_key={Key}</body></html>")
        {
            Headers = new Dictionary<string, string> { ["Set-Cookie"] = "session=cookie-9d8e7f; Path=/", ["X-Api-Token"] = "hdr-5b6c7d", ["X-Request-Id"] = "req-42" },
        });

        var result = await cli.RunJobAsync(
            "run", "--arxiv-url", $"{server.Url}/?api_key={Key}", "--request-interval", "0.05", "--category", "hep-th", "--query", "black hole");

        var saved = AssertSourceError(result, $"{ListingUrl()}?api_key=REDACTED", "HTTP 500");
        Assert.DoesNotContain(Key, result.Stdout + result.Stderr);
        Assert.DoesNotContain(Key, saved);
        Assert.Contains("api_key=REDACTED", saved);
        Assert.DoesNotContain("cookie-9d8e7f", saved);
        Assert.DoesNotContain("hdr-5b6c7d", saved);
        Assert.True(saved.Contains("Set-Cookie: REDACTED", StringComparison.Ordinal), saved);
        Assert.True(saved.Contains("X-Request-Id: req-42", StringComparison.OrdinalIgnoreCase), saved);
        Assert.All(Directory.GetFiles(DebugDir), f => Assert.DoesNotContain(Key, f));
    }

    [Fact]
    public async Task A_request_timeout_that_is_not_a_positive_number_is_a_usage_error_naming_where_it_came_from()
    {
        var option = await cli.RunJobAsync("run", "--arxiv-url", server.Url, "--request-timeout", "0", "--category", "hep-th");
        cli.Environment["ARXIV_DIGEST_REQUEST_TIMEOUT"] = "soon";
        var variable = await cli.RunJobAsync("run", "--arxiv-url", server.Url, "--category", "hep-th");

        Assert.Equal(2, option.ExitCode);
        Assert.Contains("error: --request-timeout: request timeout must be a number of seconds above 0 and at most 3600, got '0'", option.Stderr);
        Assert.Equal(2, variable.ExitCode);
        Assert.Contains("ARXIV_DIGEST_REQUEST_TIMEOUT", variable.Stderr);
        Assert.Empty(server.Requests);
    }

    private string DebugDir => Path.Combine(cli.Dir, "debug");

    /// <summary>The listing page as arXiv showed it one announcement earlier (its date only).</summary>
    private static string Previous(string page) => page.Replace("Friday, 9 August 2024", "Thursday, 8 August 2024", StringComparison.Ordinal);

    /// <summary>Exit 3, one error line naming the URL and the saved response, no digest: returns the saved response.</summary>
    private string AssertSourceError(CliResult result, string url, string reason)
    {
        Assert.True(result.ExitCode == 3, $"exit {result.ExitCode}\n{result.Stderr}");
        var error = Assert.Single(result.Stderr.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.True(error.Contains(url, StringComparison.Ordinal), $"the error does not name {url}: {error}");
        Assert.True(error.Contains(reason, StringComparison.Ordinal), $"the error does not say '{reason}': {error}");

        const string Marker = "; response saved to ";
        var at = error.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(at > 0, $"the error does not name a saved response: {error}");
        var path = error[(at + Marker.Length)..].Trim();
        Assert.Equal(Path.GetFullPath(DebugDir), Path.GetDirectoryName(path));
        Assert.True(File.Exists(path), $"{path} missing");
        var saved = File.ReadAllText(path);
        Assert.Contains($"url: {url}", saved);

        var digestDir = Path.Combine(cli.Out, "default");
        Assert.False(Directory.Exists(digestDir) && Directory.EnumerateFiles(digestDir).Any(), "a digest file was written");
        Assert.Equal(0, CompleteRuns());
        return saved;
    }

    private void AssertDigest(CliResult result, string listingDate)
    {
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = Path.Combine(cli.Out, "default", $"{listingDate}.json");
        Assert.True(File.Exists(json), $"{json} missing\n{result.Stdout}\n{result.Stderr}");
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.Equal("complete", doc.RootElement.GetProperty("status").GetString());
        Assert.True(File.Exists(Path.ChangeExtension(json, "txt")));
        Assert.Equal(1, CompleteRuns());
    }

    private long CompleteRuns()
    {
        if (!File.Exists(cli.Db))
        {
            return 0;
        }

        using var connection = new SqliteConnection($"Data Source={cli.Db};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM runs WHERE status = 'complete'";
        return (long)command.ExecuteScalar()!;
    }
}
