namespace ArxivDigest.Schedule;

/// <summary>When the daemon wakes up and how long it keeps polling for a late mailing.</summary>
public sealed record DaemonOptions
{
    /// <summary>
    /// Wall-clock time in America/New_York at which to run on each announcement evening. At or after 20:00 it is
    /// the same evening; earlier (e.g. 06:00) means the morning after the announcement.
    /// </summary>
    public TimeOnly RunAt { get; init; } = new(21, 30);

    /// <summary>Pause between attempts while the new listing is not up yet or a run failed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How long after the first attempt of an evening further attempts may start (bounded polling).</summary>
    public TimeSpan PollFor { get; init; } = TimeSpan.FromHours(3);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for a non-positive interval or a negative window.</summary>
    public DaemonOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(PollFor, TimeSpan.Zero, nameof(PollFor));
        return this;
    }
}

/// <summary>
/// The daemon's clock on top of <see cref="ArxivSchedule"/>: one run per announcement evening (Sunday to Thursday,
/// not a holiday) at <see cref="DaemonOptions.RunAt"/> New York time, so 21:30 EDT and 21:30 EST are different UTC
/// instants; plus catch-up when listings were missed while the daemon was down. Pure: no clock of its own.
/// </summary>
public sealed class DaemonSchedule
{
    private const int SearchDays = 40;

    private readonly ArxivSchedule schedule;
    private readonly DaemonOptions options;

    public DaemonSchedule(ArxivSchedule schedule, DaemonOptions options)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentNullException.ThrowIfNull(options);
        this.schedule = schedule;
        this.options = options.Validate();
    }

    public DaemonOptions Options => options;

    /// <summary>The run instant for the announcement made on the evening of <paramref name="evening"/> (an ET date).</summary>
    public DateTimeOffset RunTime(DateOnly evening) =>
        AtNewYork(options.RunAt >= ArxivSchedule.AnnouncementTime ? evening : evening.AddDays(1), options.RunAt);

    /// <summary>
    /// The listing date the daemon should have processed by <paramref name="now"/>: that of the latest announcement
    /// evening whose run time is at or before <paramref name="now"/>. Between 20:00 and the run time it is still the
    /// previous listing.
    /// </summary>
    public DateOnly DueListing(DateTimeOffset now)
    {
        var evening = NewYorkDate(now);
        for (var i = 0; i < SearchDays; i++, evening = evening.AddDays(-1))
        {
            if (schedule.AnnouncesOn(evening) && RunTime(evening) <= now)
            {
                return evening.AddDays(1);
            }
        }

        throw new InvalidOperationException($"no announcement within {SearchDays} days; check the holiday list");
    }

    /// <summary>
    /// The next instant to run, at or after <paramref name="now"/>. If the due listing (see <see cref="DueListing"/>)
    /// is newer than <paramref name="lastProcessedListing"/>, that is <paramref name="now"/> itself (catch-up after
    /// downtime). Otherwise it is the run time of the next announcement evening whose listing is newer than
    /// <paramref name="lastProcessedListing"/>. A null <paramref name="lastProcessedListing"/> (nothing processed yet)
    /// never triggers catch-up: the daemon waits for the next run time.
    /// </summary>
    public DateTimeOffset NextRun(DateTimeOffset now, DateOnly? lastProcessedListing)
    {
        if (lastProcessedListing is { } last && last < DueListing(now))
        {
            return now;
        }

        // Start a day early: with a morning RunAt the run of yesterday's evening falls on today's date.
        var evening = NewYorkDate(now).AddDays(-1);
        for (var i = 0; i < SearchDays; i++, evening = evening.AddDays(1))
        {
            if (schedule.AnnouncesOn(evening)
                && RunTime(evening) >= now
                && (lastProcessedListing is not { } processed || evening.AddDays(1) > processed))
            {
                return RunTime(evening);
            }
        }

        throw new InvalidOperationException($"no announcement within {SearchDays} days; check the holiday list");
    }

    /// <summary>
    /// Listing dates newer than <paramref name="lastProcessedListing"/> up to the due listing at <paramref name="now"/>
    /// (announcement evenings only), oldest first. Empty when nothing was missed or nothing was processed yet.
    /// </summary>
    public IReadOnlyList<DateOnly> Missed(DateTimeOffset now, DateOnly? lastProcessedListing)
    {
        if (lastProcessedListing is not { } last)
        {
            return [];
        }

        var due = DueListing(now);
        var missed = new List<DateOnly>();
        for (var listing = last.AddDays(1); listing <= due; listing = listing.AddDays(1))
        {
            if (schedule.AnnouncesOn(listing.AddDays(-1)))
            {
                missed.Add(listing);
            }
        }

        return missed;
    }

    private static DateOnly NewYorkDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, ArxivSchedule.NewYork).DateTime);

    private static DateTimeOffset AtNewYork(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        if (ArxivSchedule.NewYork.IsInvalidTime(local))
        {
            local = local.AddHours(1); // a RunAt inside the spring-forward gap runs when the clock resumes
        }

        return new DateTimeOffset(local, ArxivSchedule.NewYork.GetUtcOffset(local));
    }
}
