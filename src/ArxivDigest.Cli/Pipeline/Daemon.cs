using System.Globalization;
using ArxivDigest.Schedule;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>What one run of the digest job found.</summary>
public enum RunOutcome
{
    /// <summary>A listing newer than the last processed one was processed.</summary>
    NewListing,

    /// <summary>The source still shows the last processed listing (mailing late or deferred).</summary>
    NotYet,

    /// <summary>The run failed; retried after the poll interval within the evening's window.</summary>
    Failed,
}

/// <summary>
/// The long-running loop: sleeps until <see cref="DaemonSchedule.NextRun"/>, then runs the job, polling every
/// <see cref="DaemonOptions.PollInterval"/> while the listing is not up yet (or the run failed) for at most
/// <see cref="DaemonOptions.PollFor"/>, then gives up until the next evening. All waiting goes through
/// <paramref name="time"/>, so a FakeTimeProvider drives it in tests.
/// </summary>
public sealed class Daemon(DaemonSchedule schedule, DaemonOptions options, TimeProvider time, Action<string> log)
{
    /// <summary>
    /// Long sleeps are cut into slices of at most this length and the remaining time is recomputed from the clock
    /// after each, so a machine suspend or a wall-clock correction delays a run by at most one slice.
    /// </summary>
    internal static readonly TimeSpan MaxSleep = TimeSpan.FromMinutes(15);

    private readonly DaemonOptions options = options.Validate();

    /// <summary>
    /// Runs until <paramref name="ct"/> is cancelled, then returns normally. <paramref name="runOnce"/> reports the
    /// listing date it processed with <see cref="RunOutcome.NewListing"/>; exceptions it throws (other than
    /// cancellation) count as <see cref="RunOutcome.Failed"/>.
    /// </summary>
    public async Task RunAsync(
        Func<CancellationToken, Task<(RunOutcome Outcome, DateOnly? ListingDate)>> runOnce, DateOnly? lastProcessed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(runOnce);
        var last = lastProcessed;

        // The newest due listing an evening's polling window was spent on, processed or given up: never retried,
        // so a mailing that never comes (an unlisted holiday) cannot make the daemon catch up forever.
        DateOnly? attempted = null;
        try
        {
            while (!ct.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                var basis = Max(last, attempted);
                var next = schedule.NextRun(now, basis);
                log($"next run at {Describe(next)}");
                if (next <= now)
                {
                    var missed = schedule.Missed(now, basis);
                    if (missed.Count > 0)
                    {
                        log($"catching up: {missed.Count} listing(s) missed since {basis:yyyy-MM-dd}: "
                            + string.Join(", ", missed.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))));
                    }
                }

                await SleepUntilAsync(next, ct).ConfigureAwait(false);

                var due = schedule.DueListing(time.GetUtcNow());
                var processed = await PollAsync(runOnce, due, ct).ConfigureAwait(false);
                last = Max(last, processed);
                attempted = Max(attempted, due);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        log("daemon stopped");
    }

    /// <summary>One evening's bounded polling window. Returns the processed listing date, or null after giving up.</summary>
    private async Task<DateOnly?> PollAsync(
        Func<CancellationToken, Task<(RunOutcome Outcome, DateOnly? ListingDate)>> runOnce, DateOnly due, CancellationToken ct)
    {
        var deadline = time.GetUtcNow() + options.PollFor;
        for (var attempt = 1; ; attempt++)
        {
            ct.ThrowIfCancellationRequested();
            log($"run {attempt} for listing {due:yyyy-MM-dd} at {Describe(time.GetUtcNow())}");
            RunOutcome outcome;
            DateOnly? listing;
            try
            {
                (outcome, listing) = await runOnce(ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                log($"run failed: {e.GetType().Name}: {e.Message}");
                (outcome, listing) = (RunOutcome.Failed, null);
            }

            switch (outcome)
            {
                case RunOutcome.NewListing:
                    var date = listing ?? due;
                    log($"listing {date:yyyy-MM-dd} processed");
                    return date;
                case RunOutcome.NotYet:
                    log($"listing {due:yyyy-MM-dd} not announced yet");
                    break;
                default:
                    log("run failed");
                    break;
            }

            var retryAt = time.GetUtcNow() + options.PollInterval;
            if (retryAt > deadline)
            {
                log($"giving up on listing {due:yyyy-MM-dd} for this evening after {attempt} attempt(s) "
                    + $"over {FormatSpan(options.PollFor)}");
                return null;
            }

            log($"retrying at {Describe(retryAt)}");
            await SleepUntilAsync(retryAt, ct).ConfigureAwait(false);
        }
    }

    private async Task SleepUntilAsync(DateTimeOffset until, CancellationToken ct)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var remaining = until - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            await Task.Delay(remaining < MaxSleep ? remaining : MaxSleep, time, ct).ConfigureAwait(false);
        }
    }

    /// <summary><c>2026-03-08 21:30 EDT (2026-03-09 01:30 UTC)</c>.</summary>
    internal static string Describe(DateTimeOffset instant)
    {
        var et = TimeZoneInfo.ConvertTime(instant, ArxivSchedule.NewYork);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{et:yyyy-MM-dd HH:mm} {ArxivSchedule.NewYorkAbbreviation(instant)} ({instant.UtcDateTime:yyyy-MM-dd HH:mm} UTC)");
    }

    private static string FormatSpan(TimeSpan span) =>
        span.TotalHours >= 1 && span.Minutes == 0 && span.Seconds == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalHours} h")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)span.TotalMinutes} min");

    private static DateOnly? Max(DateOnly? a, DateOnly? b) =>
        a is null ? b : b is null ? a : a > b ? a : b;
}
