using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Faults;

/// <summary>
/// One category whose listing page still shows the previous announcement well after the next one was due: a source
/// error (exit 3) rather than "no new announcement", and the day is caught up once arXiv serves it.
/// </summary>
public sealed class StaleListingTests : IAsyncLifetime
{
    private static readonly string Old = File.ReadAllText(Fixtures.At("listing/new-hep-th-2024-08-09.html"));

    private FakeArxivServer server = null!;
    private readonly CliRunner cli = new();

    public async Task InitializeAsync()
    {
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        server = await FakeArxivServer.StartAsync();
        server.Listings["hep-th"] = Old;
    }

    public async Task DisposeAsync()
    {
        await server.DisposeAsync();
        cli.Dispose();
    }

    private Task<CliResult> RunAt(DateTimeOffset now)
    {
        cli.Time = new ShiftedTime(now);
        return cli.RunJobAsync("run", "--arxiv-url", server.Url, "--request-interval", "0.2", "--category", "hep-th", "--query", "black hole");
    }

    [Fact]
    public async Task A_listing_one_announcement_behind_after_the_grace_is_a_source_error_and_the_next_healthy_run_catches_up()
    {
        Assert.Equal(0, (await RunAt(new DateTimeOffset(2024, 8, 9, 16, 0, 0, TimeSpan.Zero))).ExitCode);

        // Sunday 2024-08-11 20:00 EDT announced the 2024-08-12 listing; at 23:30 EDT arXiv still serves Friday's.
        var stale = await RunAt(new DateTimeOffset(2024, 8, 12, 3, 30, 0, TimeSpan.Zero));

        Assert.Equal(3, stale.ExitCode);
        var error = Assert.Single(stale.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("stale listing: arXiv still serves the 2024-08-09 listing, but the next one was announced at 2024-08-11 20:00 EDT", error);
        Assert.Contains("/list/hep-th/new", error);
        Assert.False(File.Exists(Path.Combine(cli.Out, "default", "2024-08-12.txt")));

        // arXiv catches up: the Monday listing appears and the next run writes it.
        server.Listings["hep-th"] = Old.Replace("Friday, 9 August 2024", "Monday, 12 August 2024", StringComparison.Ordinal);
        server.LastModified = server.LastModified.AddDays(3);
        var healthy = await RunAt(new DateTimeOffset(2024, 8, 12, 4, 0, 0, TimeSpan.Zero));

        Assert.True(healthy.ExitCode == 0, healthy.Stderr);
        Assert.True(File.Exists(Path.Combine(cli.Out, "default", "2024-08-12.txt")));
    }

    [Fact]
    public async Task Within_the_grace_after_an_announcement_the_old_listing_is_still_no_new_announcement()
    {
        Assert.Equal(0, (await RunAt(new DateTimeOffset(2024, 8, 9, 16, 0, 0, TimeSpan.Zero))).ExitCode);

        var early = await RunAt(new DateTimeOffset(2024, 8, 12, 0, 30, 0, TimeSpan.Zero)); // 20:30 EDT

        Assert.True(early.ExitCode == 0, early.Stderr);
        Assert.Contains("no new announcement", early.Stdout);
    }
}
