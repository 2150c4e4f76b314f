using System.Collections.Concurrent;
using System.Threading.Channels;
using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Schedule;
using Microsoft.Extensions.Time.Testing;

namespace ArxivDigest.Tests.Cli;

/// <summary>
/// The daemon loop on a fake clock. No real sleeping: the test clock reports every timer the daemon starts, and the
/// driver advances the FakeTimeProvider exactly to that timer's due time, then waits for the daemon to start its next
/// timer (or finish). Only one daemon timer exists at a time, so the interleaving is deterministic.
/// </summary>
public sealed class DaemonTests
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromSeconds(20);

    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    private static DateTimeOffset Et(int y, int mo, int d, int h, int mi, int offsetHours) =>
        new(y, mo, d, h, mi, 0, TimeSpan.FromHours(offsetHours));

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    private static DateOnly ListingAnnouncedBefore(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, ArxivSchedule.NewYork).AddHours(-20).DateTime).AddDays(1);

    [Fact]
    public async Task Runs_at_21_30_New_York_time_over_a_week_with_a_weekend_and_the_DST_start()
    {
        // Wednesday 2026-03-04 noon EST; Tuesday evening's listing (03-04) already processed.
        var harness = new Harness(Et(2026, 3, 4, 12, 0, -5));
        var calls = await harness.RunAsync(
            (_, at) => (RunOutcome.NewListing, ListingAnnouncedBefore(at)), D(2026, 3, 4), stopAfterCalls: 5);

        Assert.Equal(
            [
                Utc(2026, 3, 5, 2, 30), // Wed 21:30 EST
                Utc(2026, 3, 6, 2, 30), // Thu 21:30 EST
                Utc(2026, 3, 9, 1, 30), // Sun 21:30 EDT (DST began that morning); no Fri/Sat runs
                Utc(2026, 3, 10, 1, 30), // Mon 21:30 EDT
                Utc(2026, 3, 11, 1, 30), // Tue 21:30 EDT
            ],
            calls);
        Assert.Contains("next run at 2026-03-04 21:30 EST (2026-03-05 02:30 UTC)", harness.Log);
        Assert.Contains("next run at 2026-03-08 21:30 EDT (2026-03-09 01:30 UTC)", harness.Log);
        Assert.Contains("listing 2026-03-06 processed", harness.Log);
        Assert.Equal("daemon stopped", harness.Log[^1]);
    }

    [Fact]
    public async Task Runs_across_the_DST_end_and_skips_the_thanksgiving_evening()
    {
        var harness = new Harness(Et(2026, 10, 29, 12, 0, -4));
        var calls = await harness.RunAsync(
            (_, at) => (RunOutcome.NewListing, ListingAnnouncedBefore(at)), D(2026, 10, 29), stopAfterCalls: 4);

        Assert.Equal(
            [
                Utc(2026, 10, 30, 1, 30), // Thu 21:30 EDT
                Utc(2026, 11, 2, 2, 30), // Sun 21:30 EST
                Utc(2026, 11, 3, 2, 30), // Mon
                Utc(2026, 11, 4, 2, 30), // Tue
            ],
            calls);

        var thanksgiving = new Harness(Et(2026, 11, 25, 12, 0, -5));
        var around = await thanksgiving.RunAsync(
            (_, at) => (RunOutcome.NewListing, ListingAnnouncedBefore(at)), D(2026, 11, 25), stopAfterCalls: 2);

        Assert.Equal([Utc(2026, 11, 26, 2, 30), Utc(2026, 11, 30, 2, 30)], around);
    }

    [Fact]
    public async Task NotYet_is_polled_every_interval_and_given_up_after_the_window()
    {
        // Tuesday 2026-06-09: the mailing never shows up that evening; Wednesday's run succeeds.
        var harness = new Harness(Et(2026, 6, 9, 15, 0, -4));
        var calls = await harness.RunAsync(
            (n, at) => at < Et(2026, 6, 10, 12, 0, -4) ? (RunOutcome.NotYet, D(2026, 6, 9)) : (RunOutcome.NewListing, D(2026, 6, 11)),
            D(2026, 6, 9),
            stopAfterCalls: 20);

        var start = Et(2026, 6, 9, 21, 30, -4);
        var polls = Enumerable.Range(0, 19).Select(i => start + TimeSpan.FromMinutes(10 * i)).ToList();
        Assert.Equal([.. polls, Et(2026, 6, 10, 21, 30, -4)], calls);
        Assert.Equal(Et(2026, 6, 10, 0, 30, -4), polls[^1]); // 3 h after the first attempt, then no more
        Assert.Contains(harness.Log, l => l.StartsWith("giving up on listing 2026-06-10 for this evening after 19 attempt(s)", StringComparison.Ordinal));
        Assert.Contains("next run at 2026-06-10 21:30 EDT (2026-06-11 01:30 UTC)", harness.Log);
    }

    [Fact]
    public async Task NotYet_then_a_new_listing_stops_polling_until_the_next_evening()
    {
        var harness = new Harness(Et(2026, 6, 9, 15, 0, -4));
        var calls = await harness.RunAsync(
            (n, at) => n < 3 ? (RunOutcome.NotYet, D(2026, 6, 9)) : (RunOutcome.NewListing, ListingAnnouncedBefore(at)),
            D(2026, 6, 9),
            stopAfterCalls: 4);

        Assert.Equal(
            [Et(2026, 6, 9, 21, 30, -4), Et(2026, 6, 9, 21, 40, -4), Et(2026, 6, 9, 21, 50, -4), Et(2026, 6, 10, 21, 30, -4)],
            calls);
        Assert.Contains("listing 2026-06-10 processed", harness.Log);
    }

    [Fact]
    public async Task Failures_and_exceptions_are_retried_after_the_poll_interval_within_the_window()
    {
        var options = new DaemonOptions { PollInterval = TimeSpan.FromMinutes(5), PollFor = TimeSpan.FromMinutes(12) };
        var harness = new Harness(Et(2026, 6, 9, 15, 0, -4), options);
        var calls = await harness.RunAsync(
            (n, at) => n switch
            {
                1 => (RunOutcome.Failed, null),
                2 => throw new HttpRequestException("arxiv.org unreachable"),
                3 => (RunOutcome.Failed, null), // 21:40: the next try would be 21:45 > 21:42, so give up
                _ => (RunOutcome.NewListing, ListingAnnouncedBefore(at)),
            },
            D(2026, 6, 9),
            stopAfterCalls: 4);

        Assert.Equal(
            [Et(2026, 6, 9, 21, 30, -4), Et(2026, 6, 9, 21, 35, -4), Et(2026, 6, 9, 21, 40, -4), Et(2026, 6, 10, 21, 30, -4)],
            calls);
        Assert.Contains("run failed: HttpRequestException: arxiv.org unreachable", harness.Log);
        Assert.Contains(harness.Log, l => l.StartsWith("giving up on listing 2026-06-10 for this evening after 3 attempt(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Catch_up_after_downtime_runs_immediately_and_logs_the_missed_listings()
    {
        // Monday 2026-03-16's listing processed, daemon restarted Wednesday noon.
        var now = Et(2026, 3, 18, 12, 0, -4);
        var harness = new Harness(now);
        var calls = await harness.RunAsync(
            (_, at) => (RunOutcome.NewListing, ListingAnnouncedBefore(at)), D(2026, 3, 16), stopAfterCalls: 2);

        Assert.Equal([now, Et(2026, 3, 18, 21, 30, -4)], calls);
        Assert.Contains("next run at 2026-03-18 12:00 EDT (2026-03-18 16:00 UTC)", harness.Log);
        Assert.Contains("catching up: 2 listing(s) missed since 2026-03-16: 2026-03-17, 2026-03-18", harness.Log);
        Assert.Contains("listing 2026-03-18 processed", harness.Log);
    }

    [Fact]
    public async Task A_catch_up_that_never_finds_the_listing_does_not_retry_forever()
    {
        // Down since Monday; the source never moves past Monday's listing (an unlisted outage).
        var now = Et(2026, 3, 18, 12, 0, -4);
        var harness = new Harness(now, new DaemonOptions { PollFor = TimeSpan.FromMinutes(30) });
        var calls = await harness.RunAsync((_, _) => (RunOutcome.NotYet, D(2026, 3, 16)), D(2026, 3, 16), stopAfterCalls: 5);

        Assert.Equal(
            [now, now.AddMinutes(10), now.AddMinutes(20), now.AddMinutes(30), Et(2026, 3, 18, 21, 30, -4)],
            calls);
    }

    [Fact]
    public async Task Cancellation_while_sleeping_stops_the_loop_without_throwing()
    {
        var clock = new StepClock(Et(2026, 6, 9, 15, 0, -4));
        var log = new ConcurrentQueue<string>();
        var daemon = new Daemon(
            new DaemonSchedule(new ArxivSchedule(), new DaemonOptions()), new DaemonOptions(), clock, log.Enqueue);
        using var cts = new CancellationTokenSource();
        var calls = 0;

        var run = daemon.RunAsync(
            _ =>
            {
                Interlocked.Increment(ref calls);
                return Task.FromResult<(RunOutcome, DateOnly?)>((RunOutcome.NewListing, null));
            },
            D(2026, 6, 9),
            cts.Token);
        var due = await clock.NextTimerAsync().AsTask().WaitAsync(StepTimeout);
        Assert.True(due <= Et(2026, 6, 9, 21, 30, -4));
        await cts.CancelAsync();
        await run.WaitAsync(StepTimeout);

        Assert.Equal(0, calls);
        Assert.Equal("daemon stopped", log.Last());
    }

    /// <summary>A daemon on a <see cref="StepClock"/> whose run delegate records the fake time of each call.</summary>
    private sealed class Harness(DateTimeOffset start, DaemonOptions? options = null)
    {
        private readonly ConcurrentQueue<string> log = new();

        public StepClock Clock { get; } = new(start);

        public IReadOnlyList<string> Log => [.. log];

        /// <summary>
        /// Runs the daemon until <paramref name="stopAfterCalls"/> calls of <paramref name="script"/> (given the
        /// 1-based call number and the fake time), then cancels it; returns the call instants.
        /// </summary>
        public async Task<IReadOnlyList<DateTimeOffset>> RunAsync(
            Func<int, DateTimeOffset, (RunOutcome, DateOnly?)> script, DateOnly? lastProcessed, int stopAfterCalls)
        {
            var opts = options ?? new DaemonOptions();
            var daemon = new Daemon(new DaemonSchedule(new ArxivSchedule(), opts), opts, Clock, log.Enqueue);
            var calls = new List<DateTimeOffset>();
            using var cts = new CancellationTokenSource();

            var run = daemon.RunAsync(
                async _ =>
                {
                    await Task.Yield();
                    var at = Clock.GetUtcNow();
                    calls.Add(at);
                    if (calls.Count >= stopAfterCalls)
                    {
                        await cts.CancelAsync();
                    }

                    return script(calls.Count, at);
                },
                lastProcessed,
                cts.Token);

            // Jump to each timer the daemon starts; a runaway loop fails instead of hanging.
            var limit = start.AddDays(30);
            while (!run.IsCompleted)
            {
                var next = Clock.NextTimerAsync().AsTask();
                var first = await Task.WhenAny(next, run).WaitAsync(StepTimeout);
                if (first == run)
                {
                    break;
                }

                var due = await next;
                Assert.True(due <= limit, $"daemon still waiting at {due:O}; calls so far: {calls.Count}");
                Clock.AdvanceTo(due);
            }

            await run.WaitAsync(StepTimeout);
            return calls;
        }
    }

    /// <summary>A FakeTimeProvider that reports the due time of each timer created on it.</summary>
    private sealed class StepClock(DateTimeOffset start) : TimeProvider
    {
        private readonly FakeTimeProvider fake = new(start);
        private readonly Channel<DateTimeOffset> timers = Channel.CreateUnbounded<DateTimeOffset>();

        public override DateTimeOffset GetUtcNow() => fake.GetUtcNow();

        public override long GetTimestamp() => fake.GetTimestamp();

        public override long TimestampFrequency => fake.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => fake.LocalTimeZone;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = fake.CreateTimer(callback, state, dueTime, period);
            if (dueTime != Timeout.InfiniteTimeSpan)
            {
                timers.Writer.TryWrite(fake.GetUtcNow() + dueTime);
            }

            return timer;
        }

        public ValueTask<DateTimeOffset> NextTimerAsync() => timers.Reader.ReadAsync();

        public void AdvanceTo(DateTimeOffset due)
        {
            var now = fake.GetUtcNow();
            if (due > now)
            {
                fake.Advance(due - now);
            }
        }
    }
}
