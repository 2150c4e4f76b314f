namespace ArxivDigest.Schedule;

/// <summary>Why no announcement is expected on an evening.</summary>
public enum NoAnnouncementReason
{
    None,
    Weekend,
    Holiday,
}

/// <summary>
/// arXiv's announcement clock: mailings are announced at 20:00 America/New_York, Sunday to Thursday, except on
/// arXiv holidays; a mailing's listing date is the day after its announcement evening. Pure: no clock of its own.
/// </summary>
public sealed class ArxivSchedule
{
    /// <summary>arXiv's business time zone.</summary>
    public static readonly TimeZoneInfo NewYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");

    /// <summary>
    /// Evenings (ET dates) without an announcement, from https://info.arxiv.org/help/availability.html.
    /// arXiv edits this list during the year, so it is overridable in configuration.
    /// </summary>
    public static readonly IReadOnlySet<DateOnly> BuiltInHolidays = new HashSet<DateOnly>(
        new[]
        {
            "2024-01-15", "2024-05-22", "2024-06-19", "2024-07-04", "2024-09-02", "2024-10-08", "2024-11-28",
            "2024-12-25", "2024-12-26", "2024-12-31",
            "2025-01-01", "2025-01-20", "2025-06-19", "2025-07-06", "2025-09-01", "2025-11-27", "2025-12-25",
            "2025-12-30",
            "2026-01-01", "2026-01-19", "2026-06-19", "2026-07-03", "2026-09-07", "2026-11-26", "2026-12-25",
            "2026-12-29", "2026-12-31",
        }.Select(s => DateOnly.ParseExact(s, "yyyy-MM-dd")));

    private readonly IReadOnlySet<DateOnly> holidays;

    public ArxivSchedule(IReadOnlySet<DateOnly>? holidays = null) => this.holidays = holidays ?? BuiltInHolidays;

    public static readonly TimeOnly AnnouncementTime = new(20, 0);

    /// <summary>The instant of the 20:00 ET announcement whose mailing carries <paramref name="listingDate"/>.</summary>
    public static DateTimeOffset AnnouncedAt(DateOnly listingDate) => AtNewYork(listingDate.AddDays(-1), AnnouncementTime);

    /// <summary>"EDT" or "EST" for an instant, as arXiv's announcement time is labelled.</summary>
    public static string NewYorkAbbreviation(DateTimeOffset instant) =>
        NewYork.IsDaylightSavingTime(instant) ? "EDT" : "EST";

    /// <summary>Whether arXiv announces on the evening of <paramref name="evening"/> (an ET date), and why not.</summary>
    public NoAnnouncementReason ReasonNoAnnouncement(DateOnly evening)
    {
        if (evening.DayOfWeek is DayOfWeek.Friday or DayOfWeek.Saturday)
        {
            return NoAnnouncementReason.Weekend;
        }

        return holidays.Contains(evening) ? NoAnnouncementReason.Holiday : NoAnnouncementReason.None;
    }

    public bool AnnouncesOn(DateOnly evening) => ReasonNoAnnouncement(evening) == NoAnnouncementReason.None;

    /// <summary>The listing date of the latest announcement made at or before <paramref name="now"/>.</summary>
    public DateOnly LatestListingDate(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, NewYork);
        var evening = DateOnly.FromDateTime(local.DateTime);
        if (TimeOnly.FromDateTime(local.DateTime) < AnnouncementTime)
        {
            evening = evening.AddDays(-1);
        }

        for (var i = 0; i < 30 && !AnnouncesOn(evening); i++)
        {
            evening = evening.AddDays(-1);
        }

        return evening.AddDays(1);
    }

    /// <summary>The next announcement instant strictly after <paramref name="now"/>.</summary>
    public DateTimeOffset NextAnnouncement(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, NewYork);
        var evening = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < 30; i++, evening = evening.AddDays(1))
        {
            var at = AtNewYork(evening, AnnouncementTime);
            if (at > now && AnnouncesOn(evening))
            {
                return at;
            }
        }

        throw new InvalidOperationException("no announcement within 30 days; check the holiday list");
    }

    private static DateTimeOffset AtNewYork(DateOnly date, TimeOnly time)
    {
        var local = date.ToDateTime(time, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, NewYork.GetUtcOffset(local));
    }
}
