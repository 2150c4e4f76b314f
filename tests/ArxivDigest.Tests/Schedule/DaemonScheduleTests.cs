using ArxivDigest.Schedule;

namespace ArxivDigest.Tests.Schedule;

/// <summary>The daemon's run clock: 21:30 New York time on announcement evenings, DST-correct, with catch-up.</summary>
public sealed class DaemonScheduleTests
{
    private static readonly DaemonSchedule Schedule = new(new ArxivSchedule(), new DaemonOptions());

    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    /// <summary>An instant given as New York wall time with the offset New York has at that moment.</summary>
    private static DateTimeOffset Et(int y, int mo, int d, int h, int mi, int offsetHours) =>
        new(y, mo, d, h, mi, 0, TimeSpan.FromHours(offsetHours));

    private static DateTimeOffset Utc(int y, int mo, int d, int h, int mi) => new(y, mo, d, h, mi, 0, TimeSpan.Zero);

    [Fact]
    public void Default_options_run_at_21_30_and_poll_every_10_minutes_for_3_hours()
    {
        var options = new DaemonOptions();

        Assert.Equal(new TimeOnly(21, 30), options.RunAt);
        Assert.Equal(TimeSpan.FromMinutes(10), options.PollInterval);
        Assert.Equal(TimeSpan.FromHours(3), options.PollFor);
    }

    [Fact]
    public void Invalid_poll_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new DaemonSchedule(new ArxivSchedule(), new DaemonOptions { PollInterval = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(
            () => new DaemonSchedule(new ArxivSchedule(), new DaemonOptions { PollFor = TimeSpan.FromMinutes(-1) }));
    }

    [Fact]
    public void From_a_tuesday_afternoon_the_next_run_is_tuesday_21_30_EDT()
    {
        var now = Et(2026, 6, 9, 15, 0, -4);
        Assert.Equal(DayOfWeek.Tuesday, now.DayOfWeek);

        var expected = Et(2026, 6, 9, 21, 30, -4);
        Assert.Equal(expected, Schedule.NextRun(now, lastProcessedListing: D(2026, 6, 9)));
        Assert.Equal(expected, Schedule.NextRun(now, lastProcessedListing: null));
        Assert.Equal(Utc(2026, 6, 10, 1, 30), Schedule.NextRun(now, D(2026, 6, 9)).UtcDateTime);
        Assert.Empty(Schedule.Missed(now, D(2026, 6, 9)));
    }

    [Fact]
    public void After_the_20_00_announcement_but_before_21_30_the_run_still_waits_for_21_30()
    {
        var now = Et(2026, 6, 9, 20, 45, -4);

        Assert.Equal(D(2026, 6, 9), Schedule.DueListing(now));
        Assert.Equal(Et(2026, 6, 9, 21, 30, -4), Schedule.NextRun(now, D(2026, 6, 9)));
        Assert.Empty(Schedule.Missed(now, D(2026, 6, 9)));
    }

    [Fact]
    public void Exactly_at_the_run_time_the_next_run_is_now()
    {
        var now = Et(2026, 6, 9, 21, 30, -4);

        Assert.Equal(D(2026, 6, 10), Schedule.DueListing(now));
        Assert.Equal(now, Schedule.NextRun(now, D(2026, 6, 9)));
        Assert.Equal(now, Schedule.NextRun(now, null));
    }

    [Fact]
    public void From_thursday_22_00_after_processing_the_next_run_is_sunday_21_30()
    {
        var now = Et(2026, 3, 12, 22, 0, -4);
        Assert.Equal(DayOfWeek.Thursday, now.DayOfWeek);

        var next = Schedule.NextRun(now, lastProcessedListing: D(2026, 3, 13));

        Assert.Equal(Et(2026, 3, 15, 21, 30, -4), next);
        Assert.Equal(DayOfWeek.Sunday, next.DayOfWeek);
    }

    [Fact]
    public void Friday_and_saturday_evenings_are_skipped()
    {
        var sunday = Et(2026, 3, 15, 21, 30, -4);

        Assert.Equal(sunday, Schedule.NextRun(Et(2026, 3, 13, 9, 0, -4), D(2026, 3, 13)));
        Assert.Equal(sunday, Schedule.NextRun(Et(2026, 3, 13, 21, 30, -4), D(2026, 3, 13)));
        Assert.Equal(sunday, Schedule.NextRun(Et(2026, 3, 14, 23, 0, -4), D(2026, 3, 13)));
        Assert.Empty(Schedule.Missed(Et(2026, 3, 14, 23, 0, -4), D(2026, 3, 13)));
        Assert.Equal(D(2026, 3, 13), Schedule.DueListing(Et(2026, 3, 15, 21, 29, -4)));
    }

    [Fact]
    public void The_thanksgiving_evening_is_skipped()
    {
        // Wednesday 2026-11-25's mailing (listing 11-26) processed; Thursday 11-26 is an arXiv holiday.
        var last = D(2026, 11, 26);
        var sunday = Et(2026, 11, 29, 21, 30, -5);

        Assert.Equal(sunday, Schedule.NextRun(Et(2026, 11, 25, 22, 0, -5), last));
        Assert.Equal(sunday, Schedule.NextRun(Et(2026, 11, 26, 10, 0, -5), last));
        Assert.Equal(sunday, Schedule.NextRun(Et(2026, 11, 26, 21, 45, -5), last));
        Assert.Equal(Utc(2026, 11, 30, 2, 30), sunday.UtcDateTime);
        Assert.Empty(Schedule.Missed(Et(2026, 11, 28, 12, 0, -5), last));
    }

    [Fact]
    public void Across_the_DST_start_sunday_21_30_EDT_is_01_30_UTC_monday()
    {
        // Thursday 2026-03-05 is still EST; DST starts at 02:00 on Sunday 2026-03-08.
        Assert.Equal(Utc(2026, 3, 6, 2, 30), Schedule.NextRun(Et(2026, 3, 5, 12, 0, -5), D(2026, 3, 5)).UtcDateTime);

        var next = Schedule.NextRun(Et(2026, 3, 6, 12, 0, -5), D(2026, 3, 6));

        Assert.Equal(Utc(2026, 3, 9, 1, 30), next.UtcDateTime);
        Assert.Equal(TimeSpan.FromHours(-4), next.Offset);
        Assert.Equal(Et(2026, 3, 8, 21, 30, -4), next);
    }

    [Fact]
    public void Across_the_DST_end_sunday_21_30_EST_is_02_30_UTC_monday()
    {
        // Thursday 2026-10-29 is still EDT; DST ends at 02:00 on Sunday 2026-11-01.
        Assert.Equal(Utc(2026, 10, 30, 1, 30), Schedule.NextRun(Et(2026, 10, 29, 12, 0, -4), D(2026, 10, 29)).UtcDateTime);

        var next = Schedule.NextRun(Et(2026, 10, 30, 12, 0, -4), D(2026, 10, 30));

        Assert.Equal(Utc(2026, 11, 2, 2, 30), next.UtcDateTime);
        Assert.Equal(TimeSpan.FromHours(-5), next.Offset);
        Assert.Equal(Et(2026, 11, 1, 21, 30, -5), next);
    }

    [Fact]
    public void Catch_up_after_downtime_runs_now_and_reports_the_missed_listings()
    {
        // Processed Monday 2026-03-16's listing, then down through the Monday and Tuesday evening runs.
        var last = D(2026, 3, 16);
        var now = Et(2026, 3, 18, 12, 0, -4);
        Assert.Equal(DayOfWeek.Wednesday, now.DayOfWeek);

        Assert.Equal(now, Schedule.NextRun(now, last));
        Assert.Equal([D(2026, 3, 17), D(2026, 3, 18)], Schedule.Missed(now, last));
        Assert.Equal(D(2026, 3, 18), Schedule.DueListing(now));

        // Once the latest listing is processed, the next run is Wednesday evening again.
        Assert.Equal(Et(2026, 3, 18, 21, 30, -4), Schedule.NextRun(now, D(2026, 3, 18)));
        Assert.Empty(Schedule.Missed(now, D(2026, 3, 18)));
    }

    [Fact]
    public void Missed_skips_the_weekend_and_holidays_and_is_empty_without_history()
    {
        // Tuesday 2026-11-24's mailing (listing 11-25) processed; down until Monday 11-30 noon.
        var now = Et(2026, 11, 30, 12, 0, -5);

        Assert.Equal([D(2026, 11, 26), D(2026, 11, 30)], Schedule.Missed(now, D(2026, 11, 25)));
        Assert.Equal(now, Schedule.NextRun(now, D(2026, 11, 25)));
        Assert.Empty(Schedule.Missed(now, null));
        Assert.Equal(Et(2026, 11, 30, 21, 30, -5), Schedule.NextRun(now, null));
    }

    [Fact]
    public void A_morning_run_time_runs_the_morning_after_the_announcement()
    {
        var schedule = new DaemonSchedule(new ArxivSchedule(), new DaemonOptions { RunAt = new TimeOnly(6, 0) });

        // Tuesday evening's mailing is picked up Wednesday 06:00; Thursday evening's on Friday 06:00.
        Assert.Equal(Et(2026, 6, 10, 6, 0, -4), schedule.NextRun(Et(2026, 6, 9, 15, 0, -4), D(2026, 6, 9)));
        Assert.Equal(Et(2026, 3, 13, 6, 0, -4), schedule.NextRun(Et(2026, 3, 13, 5, 0, -4), D(2026, 3, 12)));
        Assert.Equal(Et(2026, 3, 16, 6, 0, -4), schedule.NextRun(Et(2026, 3, 13, 7, 0, -4), D(2026, 3, 13)));
        Assert.Equal(D(2026, 3, 12), schedule.DueListing(Et(2026, 3, 13, 5, 59, -4)));
    }
}
