using System.Net;
using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace ArxivDigest.Tests.Cli;

/// <summary>
/// Several instances on one database through the CLI: PostgreSQL via <c>--db</c>, and two <c>run</c>s started together
/// on one SQLite file or one PostgreSQL database (exactly one builds and delivers; the other says so and exits 0).
/// </summary>
public sealed class SharedDatabaseTests : IAsyncLifetime
{
    private static readonly DateOnly Listing = new(2024, 8, 9);
    private FakeArxivServer arxiv = null!;
    private WebApplication hooks = null!;
    private string hooksUrl = "";
    private int deliveries;
    private readonly TaskCompletionSource release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CliRunner cli = new();
    private string? schema;

    public async Task InitializeAsync()
    {
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        arxiv = await FakeArxivServer.StartAsync();
        arxiv.Listings["gr-qc"] = File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html"));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        hooks = builder.Build();
        hooks.MapPost("/hook", async () =>
        {
            // The first delivery is held until the test lets it go, so that the other run meets a live claim.
            if (Interlocked.Increment(ref deliveries) == 1)
            {
                await release.Task;
            }

            return Results.Ok();
        });
        await hooks.StartAsync();
        hooksUrl = hooks.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public async Task DisposeAsync()
    {
        release.TrySetResult();
        await arxiv.DisposeAsync();
        await hooks.StopAsync();
        await hooks.DisposeAsync();
        cli.Dispose();
        if (schema is not null)
        {
            await Postgres.DropSchemaAsync(schema);
        }
    }

    private async Task<string> PostgresDbAsync()
    {
        (var cs, schema) = await Postgres.CreateSchemaAsync();
        return cs;
    }

    private string? configPath;

    /// <summary>Written once: two runs reading it while it is rewritten would see a half-written file.</summary>
    private string Config() => configPath ??= WriteConfig();

    private string WriteConfig()
    {
        var path = Path.Combine(cli.Dir, "config.toml");
        File.WriteAllText(path, $"""
            arxiv_url = "{arxiv.Url}"
            request_interval = 0.2
            categories = ["gr-qc"]
            queries = ["black hole"]

            [[channel]]
            name = "team"
            type = "webhook"
            url = "{hooksUrl}/hook"
            """);
        return path;
    }

    private Task<CliResult> Run(string db, params string[] extra) =>
        cli.RunAsync(["run", "--db", db, "--out", cli.Out, "--config", Config(), .. extra]);

    /// <summary>Starts two runs together; the one that delivers is held until the other has finished.</summary>
    private async Task<(CliResult First, CliResult Second)> TwoRunsTogetherAsync(string db)
    {
        Config();
        var a = Task.Run(() => Run(db));
        var b = Task.Run(() => Run(db));
        var first = await Task.WhenAny(a, b);
        release.TrySetResult();
        return (await first, await (first == a ? b : a));
    }

    private static void AssertOneDeliveredAndOneSkipped(CliResult first, CliResult second)
    {
        Assert.True(first.ExitCode == 0, first.Stdout + first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stdout + second.Stderr);
        Assert.Contains(RunClaim.SkippedMessage("default", Listing), first.Stdout);
        Assert.DoesNotContain("delivered to team", first.Stdout);
        Assert.Contains("default: delivered to team", second.Stdout);
        Assert.DoesNotContain("skipped", second.Stdout);
        Assert.DoesNotContain("error", first.Stderr + second.Stderr);
    }

    [Fact]
    public async Task Two_runs_started_together_on_one_SQLite_file_deliver_once_and_the_other_says_it_skipped()
    {
        var (first, second) = await TwoRunsTogetherAsync(cli.Db);

        AssertOneDeliveredAndOneSkipped(first, second);
        Assert.Equal(1, deliveries);
        await using var connection = new SqliteConnection($"Data Source={cli.Db};Pooling=False");
        await connection.OpenAsync();
        await using var check = new SqliteCommand("PRAGMA integrity_check", connection);
        Assert.Equal("ok", await check.ExecuteScalarAsync());
        await using var claims = new SqliteCommand("SELECT count(*) FROM run_claims", connection);
        Assert.Equal(0L, await claims.ExecuteScalarAsync()); // released

        // A third run later finds the digest done and delivered: still one delivery.
        var third = await Run(cli.Db);
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Contains("no new announcement", third.Stdout);
        Assert.Equal(1, deliveries);
    }

    [Fact]
    public async Task A_claim_left_by_a_killed_process_of_this_machine_is_taken_over_at_once()
    {
        release.TrySetResult(); // deliveries are not held here
        var fetch = await cli.RunAsync("fetch", "--db", cli.Db, "--config", Config());
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        int deadPid;
        using (var gone = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("true") { UseShellExecute = false })!)
        {
            await gone.WaitForExitAsync();
            deadPid = gone.Id;
        }

        await using (var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None))
        {
            Assert.True(await store.TryClaimRunAsync("default", Listing, $"{Environment.MachineName}/{deadPid}/abc", DateTimeOffset.UtcNow, TimeSpan.FromHours(1), CancellationToken.None));
        }

        var run = await Run(cli.Db);

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.DoesNotContain("skipped", run.Stdout);
        Assert.Contains("default: delivered to team", run.Stdout);
        Assert.True(File.Exists(Path.Combine(cli.Out, "default", "2024-08-09.txt")));
    }

    [Fact]
    public async Task A_live_claim_of_another_instance_makes_run_and_digest_skip_and_a_lapsed_claim_does_not()
    {
        release.TrySetResult(); // deliveries are not held here
        var fetch = await cli.RunAsync("fetch", "--db", cli.Db, "--config", Config());
        Assert.True(fetch.ExitCode == 0, fetch.Stderr);
        await using (var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None))
        {
            Assert.True(await store.TryClaimRunAsync("default", Listing, "other-host/42", DateTimeOffset.UtcNow, TimeSpan.FromHours(1), CancellationToken.None));
        }

        var run = await Run(cli.Db);
        var digest = await cli.RunAsync("digest", "--date", "2024-08-09", "--db", cli.Db, "--out", cli.Out, "--config", Config());

        Assert.True(run.ExitCode == 0, run.Stderr);
        Assert.True(digest.ExitCode == 0, digest.Stderr);
        Assert.Contains(RunClaim.SkippedMessage("default", Listing), run.Stdout);
        Assert.Contains(RunClaim.SkippedMessage("default", Listing), digest.Stdout);
        Assert.False(File.Exists(Path.Combine(cli.Out, "default", "2024-08-09.txt")));
        Assert.Equal(0, deliveries);

        // The other instance died two hours ago holding a one-hour claim: the next run goes ahead.
        await using (var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None))
        {
            await store.ReleaseRunClaimAsync("default", Listing, "other-host/42", CancellationToken.None);
            Assert.True(await store.TryClaimRunAsync("default", Listing, "dead-host/7", DateTimeOffset.UtcNow.AddHours(-2), TimeSpan.FromHours(1), CancellationToken.None));
        }

        var after = await Run(cli.Db);
        Assert.True(after.ExitCode == 0, after.Stderr);
        Assert.Contains("default: delivered to team", after.Stdout);
        Assert.True(File.Exists(Path.Combine(cli.Out, "default", "2024-08-09.txt")));
        Assert.Equal(1, deliveries);
    }

    [PostgresFact]
    public async Task Two_runs_started_together_on_one_PostgreSQL_database_deliver_once_and_the_other_says_it_skipped()
    {
        var db = await PostgresDbAsync();

        var (first, second) = await TwoRunsTogetherAsync(db);

        AssertOneDeliveredAndOneSkipped(first, second);
        Assert.Equal(1, deliveries);
        await using var store = await PostgresStore.OpenAsync(db, CancellationToken.None);
        Assert.Equal(["team"], await store.GetDeliveredChannelsAsync("default", Listing, CancellationToken.None));
        var runs = await store.GetRunsAsync(10, CancellationToken.None);
        Assert.Equal(["complete", "skipped"], runs.Select(r => r.Status).Order());
    }

    [PostgresFact]
    public async Task Run_with_a_PostgreSQL_db_stores_everything_there_and_a_rerun_by_URL_finds_it()
    {
        release.TrySetResult(); // deliveries are not held here
        var db = await PostgresDbAsync();
        var server = new NpgsqlConnectionStringBuilder(db);
        var url = $"postgres://{server.Username}@{server.Host}:{server.Port}/{server.Database}?search_path={schema}";

        var first = await Run(db);
        var second = await Run(url);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.Contains("default: delivered to team", first.Stdout);
        Assert.True(File.Exists(Path.Combine(cli.Out, "default", "2024-08-09.txt")));
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Contains("no new announcement", second.Stdout);
        Assert.Equal(1, deliveries);
        Assert.False(File.Exists(cli.Db)); // nothing went to a SQLite file

        await using var store = await PostgresStore.OpenAsync(db, CancellationToken.None);
        var announcement = await store.GetAnnouncementAsync("gr-qc", Listing, CancellationToken.None);
        Assert.NotNull(announcement);
        Assert.Equal(announcement.PaperCount, (await store.GetAnnouncedPapersAsync("gr-qc", Listing, CancellationToken.None)).Count);
        Assert.Equal(["no-new-announcement", "complete"], (await store.GetRunsAsync(10, CancellationToken.None)).Select(r => r.Status));
    }

    [Fact]
    public async Task An_unreachable_PostgreSQL_server_is_a_one_line_error_without_the_password()
    {
        const string db = "postgres://alice:S3cret-Pw@127.0.0.1:1/arxiv";

        var run = await Run(db);
        var check = await cli.RunAsync("config", "check", "--db", db, "--category", "gr-qc", "--query", "black hole");

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith("error: database postgresql://alice@127.0.0.1:1/arxiv: cannot open database: ", run.Stderr);
        Assert.Single(run.Stderr.TrimEnd().Split('\n'));
        Assert.True(check.ExitCode == 0, check.Stderr);
        Assert.Contains("database postgresql://alice@127.0.0.1:1/arxiv;", check.Stdout);
        Assert.DoesNotContain("S3cret", run.Stdout + run.Stderr + check.Stdout + check.Stderr);
        Assert.Equal(0, deliveries);
    }
}
