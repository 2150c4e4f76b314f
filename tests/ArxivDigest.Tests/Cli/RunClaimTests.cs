using System.Net;
using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace ArxivDigest.Tests.Cli;

/// <summary>
/// Run claims during long runs: the lease is renewed while the claim is held (a FakeTimeProvider drives the renewal
/// timer), a claim lost anyway is noticed, and a run that lost its claim sends nothing more (the real CLI, webhooks).
/// </summary>
public sealed class RunClaimTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateOnly Day = new(2024, 8, 9);
    private static readonly DateTimeOffset Start = new(2024, 8, 9, 2, 0, 0, TimeSpan.Zero);

    // Owners on other hosts: never taken for dead processes of this machine.
    private const string OwnerA = "host-a/1/a";
    private const string OwnerB = "host-b/2/b";

    private readonly CliRunner cli = new();
    private readonly FakeTimeProvider time = new(Start);
    private SqliteStore first = null!;
    private SqliteStore second = null!;

    public async Task InitializeAsync()
    {
        // Two instances on one database file.
        first = await SqliteStore.OpenAsync(cli.Db, Ct);
        second = await SqliteStore.OpenAsync(cli.Db, Ct);
    }

    public async Task DisposeAsync()
    {
        await first.DisposeAsync();
        await second.DisposeAsync();
        cli.Dispose();
    }

    /// <summary>Moves the clock by <paramref name="total"/>, one renewal period at most per step, letting each renewal finish.</summary>
    private async Task AdvanceAsync(RunClaim claim, TimeSpan total)
    {
        for (var done = TimeSpan.Zero; done < total;)
        {
            var step = total - done < RunClaim.RenewEvery ? total - done : RunClaim.RenewEvery;
            time.Advance(step);
            await claim.Renewal;
            done += step;
        }
    }

    [Fact]
    public async Task A_held_claim_is_renewed_so_a_second_instance_is_refused_at_90_minutes_while_the_first_still_runs()
    {
        var claim = await RunClaim.TryAcquireAsync(first, "default", Day, OwnerA, time, Ct);
        Assert.NotNull(claim);
        try
        {
            // The control: the same claim, taken at the same time but never renewed.
            Assert.True(await first.TryClaimRunAsync("unrenewed", Day, OwnerA, Start, RunClaim.Lease, Ct));

            await AdvanceAsync(claim, TimeSpan.FromMinutes(90));

            Assert.Null(await RunClaim.TryAcquireAsync(second, "default", Day, OwnerB, time, Ct));
            Assert.True(await second.TryClaimRunAsync("unrenewed", Day, OwnerB, time.GetUtcNow(), RunClaim.Lease, Ct));
            Assert.False(claim.Lost);
            Assert.True(await claim.StillHeldAsync(Ct));
        }
        finally
        {
            await claim.DisposeAsync();
        }

        // Released on dispose: the second instance gets it at once.
        var next = await RunClaim.TryAcquireAsync(second, "default", Day, OwnerB, time, Ct);
        Assert.NotNull(next);
        await next.DisposeAsync();
    }

    [Fact]
    public async Task A_claim_taken_over_after_its_lease_lapsed_is_found_lost_by_the_next_renewal_and_left_to_the_new_holder()
    {
        var claim = await RunClaim.TryAcquireAsync(first, "default", Day, OwnerA, time, Ct);
        Assert.NotNull(claim);

        // The first instance stalled (the machine slept) past its lease; the second took the digest over.
        Assert.True(await second.TryClaimRunAsync("default", Day, OwnerB, Start + RunClaim.Lease + TimeSpan.FromMinutes(1), RunClaim.Lease, Ct));
        Assert.False(claim.Lost);

        await AdvanceAsync(claim, RunClaim.RenewEvery);

        Assert.True(claim.Lost);
        Assert.False(await claim.StillHeldAsync(Ct));
        await claim.DisposeAsync();
        Assert.Equal(OwnerB, await second.GetRunClaimOwnerAsync("default", Day, Ct)); // not released by the loser
        Assert.False(await first.TryClaimRunAsync("default", Day, OwnerA, time.GetUtcNow(), RunClaim.Lease, Ct));
    }

    [Fact]
    public async Task A_claim_lost_between_two_renewals_is_noticed_by_the_check_before_a_delivery()
    {
        var claim = await RunClaim.TryAcquireAsync(first, "default", Day, OwnerA, time, Ct);
        Assert.NotNull(claim);
        Assert.True(await claim.StillHeldAsync(Ct));

        await second.ReleaseRunClaimAsync("default", Day, OwnerA, Ct); // as if taken over and released by its new holder

        Assert.False(await claim.StillHeldAsync(Ct));
        Assert.True(claim.Lost);
        await claim.DisposeAsync();
        Assert.Null(await first.GetRunClaimOwnerAsync("default", Day, Ct)); // a lost claim is never taken back
    }

    [Fact]
    public async Task A_run_that_loses_its_claim_during_delivery_sends_to_no_further_channel_and_exits_4()
    {
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        await using var arxiv = await FakeArxivServer.StartAsync();
        arxiv.Listings["gr-qc"] = File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html"));
        var hits = new Dictionary<string, int>(StringComparer.Ordinal) { ["early"] = 0, ["late"] = 0 };

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var hooks = builder.Build();
        hooks.MapPost("/hook/{name}", async (string name) =>
        {
            lock (hits)
            {
                hits[name]++;
            }

            if (name == "early")
            {
                // While the run delivers here, another instance takes the digest over: the run's lease lapsed (two
                // hours on, from the database's point of view) without a renewal.
                await using var other = await SqliteStore.OpenAsync(cli.Db, Ct);
                Assert.True(await other.TryClaimRunAsync("default", Day, OwnerB, DateTimeOffset.UtcNow.AddHours(2), RunClaim.Lease, Ct));
            }

            return Results.Ok();
        });
        await hooks.StartAsync();
        var url = hooks.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var config = Path.Combine(cli.Dir, "config.toml");
        File.WriteAllText(config, $"""
            arxiv_url = "{arxiv.Url}"
            request_interval = 0.2
            categories = ["gr-qc"]
            queries = ["black hole"]

            [[channel]]
            name = "early"
            type = "webhook"
            url = "{url}/hook/early"

            [[channel]]
            name = "late"
            type = "webhook"
            url = "{url}/hook/late"
            """);

        var run = await cli.RunJobAsync("run", "--config", config);

        Assert.True(run.ExitCode == 4, run.Stdout + run.Stderr);
        Assert.Contains("default: delivered to early", run.Stdout);
        Assert.DoesNotContain("delivered to late", run.Stdout);
        Assert.Contains("default: lost the claim on the 2024-08-09 digest", run.Stderr);
        Assert.Contains("not delivered to late by this instance", run.Stderr);
        Assert.Equal(1, hits["early"]);
        Assert.Equal(0, hits["late"]);
        Assert.True(File.Exists(Path.Combine(cli.Out, "default", "2024-08-09.json")));
        Assert.Equal(new HashSet<string> { "early" }, await first.GetDeliveredChannelsAsync("default", Day, Ct));
        Assert.Empty(await first.GetInterruptedChannelsAsync("default", Day, Ct)); // "late" is left to the holder, untouched
        var runs = await first.GetRunsAsync(10, Ct);
        Assert.Equal("partial", runs[0].Status);
        Assert.Contains("claim lost", runs[0].Message);
        Assert.Equal(OwnerB, await first.GetRunClaimOwnerAsync("default", Day, Ct));
    }
}
