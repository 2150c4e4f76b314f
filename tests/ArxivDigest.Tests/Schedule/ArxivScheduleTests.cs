using System.Globalization;
using ArxivDigest.Schedule;

namespace ArxivDigest.Tests.Schedule;

/// <summary>arXiv's announcement clock (20:00 America/New_York, Sunday to Thursday, minus holidays) and display zones.</summary>
public sealed class ArxivScheduleTests
{
    private static readonly ArxivSchedule Schedule = new();

    private static DateOnly D(int y, int m, int d) => new(y, m, d);

    /// <summary>An instant given as New York wall time with the offset New York has at that moment.</summary>
    private static DateTimeOffset Et(int y, int mo, int d, int h, int mi, int offsetHours) =>
        new(y, mo, d, h, mi, 0, TimeSpan.FromHours(offsetHours));

    // ---- AnnouncedAt ---------------------------------------------------------------------------------------------

    [Fact]
    public void AnnouncedAt_summer_listing_is_the_previous_evening_at_20_00_EDT()
    {
        var at = ArxivSchedule.AnnouncedAt(D(2026, 3, 26));

        Assert.Equal(Et(2026, 3, 25, 20, 0, -4), at);
        Assert.Equal(TimeSpan.FromHours(-4), at.Offset);
        Assert.Equal("2026-03-25T20:00:00-04:00", at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture));
    }

    [Fact]
    public void AnnouncedAt_winter_listing_is_the_previous_evening_at_20_00_EST()
    {
        var at = ArxivSchedule.AnnouncedAt(D(2026, 1, 13));

        Assert.Equal(Et(2026, 1, 12, 20, 0, -5), at);
        Assert.Equal(TimeSpan.FromHours(-5), at.Offset);
    }

    [Fact]
    public void AnnouncedAt_on_the_spring_DST_change_sunday_is_20_00_EDT_because_DST_began_at_02_00_that_morning()
    {
        // Listing Mon 2026-03-09; DST started Sun 2026-03-08 02:00, so the Sunday 20:00 announcement is already EDT.
        var at = ArxivSchedule.AnnouncedAt(D(2026, 3, 9));

        Assert.Equal(TimeSpan.FromHours(-4), at.Offset);
        Assert.Equal(new DateTime(2026, 3, 8, 20, 0, 0), at.DateTime);
        Assert.Equal(new DateTimeOffset(2026, 3, 9, 0, 0, 0, TimeSpan.Zero), at.ToUniversalTime());
    }

    [Fact]
    public void AnnouncedAt_on_the_autumn_DST_change_sunday_is_20_00_EST_because_DST_ended_at_02_00_that_morning()
    {
        // Listing Mon 2026-11-02; DST ended Sun 2026-11-01 02:00, so the Sunday 20:00 announcement is EST.
        var at = ArxivSchedule.AnnouncedAt(D(2026, 11, 2));

        Assert.Equal(TimeSpan.FromHours(-5), at.Offset);
        Assert.Equal(new DateTime(2026, 11, 1, 20, 0, 0), at.DateTime);
        Assert.Equal(new DateTimeOffset(2026, 11, 2, 1, 0, 0, TimeSpan.Zero), at.ToUniversalTime());
    }

    // ---- NewYorkAbbreviation -------------------------------------------------------------------------------------

    [Theory]
    [InlineData(2026, 3, 26, "EDT")] // summer
    [InlineData(2026, 1, 13, "EST")] // winter
    [InlineData(2026, 3, 9, "EDT")] // announced Sun 2026-03-08 20:00, after DST began
    [InlineData(2026, 11, 2, "EST")] // announced Sun 2026-11-01 20:00, after DST ended
    public void NewYorkAbbreviation_labels_the_announcement_instant_EDT_in_summer_and_EST_in_winter(int y, int m, int d, string expected)
    {
        Assert.Equal(expected, ArxivSchedule.NewYorkAbbreviation(ArxivSchedule.AnnouncedAt(D(y, m, d))));
    }

    [Fact]
    public void NewYorkAbbreviation_uses_the_instant_not_the_offset_it_is_written_in()
    {
        // 2026-07-01 00:00 UTC is 2026-06-30 20:00 EDT; 2026-01-01 01:00 UTC is 2025-12-31 20:00 EST.
        Assert.Equal("EDT", ArxivSchedule.NewYorkAbbreviation(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal("EST", ArxivSchedule.NewYorkAbbreviation(new DateTimeOffset(2026, 1, 1, 9, 0, 0, TimeSpan.FromHours(8))));
    }

    // ---- ReasonNoAnnouncement ------------------------------------------------------------------------------------

    [Theory]
    [InlineData(2026, 3, 27)] // Friday
    [InlineData(2026, 3, 28)] // Saturday
    public void ReasonNoAnnouncement_is_Weekend_on_friday_and_saturday_evenings(int y, int m, int d)
    {
        Assert.Equal(NoAnnouncementReason.Weekend, Schedule.ReasonNoAnnouncement(D(y, m, d)));
        Assert.False(Schedule.AnnouncesOn(D(y, m, d)));
    }

    [Fact]
    public void ReasonNoAnnouncement_is_Holiday_on_thanksgiving_2026()
    {
        Assert.Equal(DayOfWeek.Thursday, D(2026, 11, 26).DayOfWeek);
        Assert.Equal(NoAnnouncementReason.Holiday, Schedule.ReasonNoAnnouncement(D(2026, 11, 26)));
        Assert.False(Schedule.AnnouncesOn(D(2026, 11, 26)));
    }

    [Fact]
    public void ReasonNoAnnouncement_is_None_on_a_normal_sunday()
    {
        Assert.Equal(DayOfWeek.Sunday, D(2026, 3, 29).DayOfWeek);
        Assert.Equal(NoAnnouncementReason.None, Schedule.ReasonNoAnnouncement(D(2026, 3, 29)));
        Assert.True(Schedule.AnnouncesOn(D(2026, 3, 29)));
    }

    // ---- LatestListingDate ---------------------------------------------------------------------------------------

    [Fact]
    public void LatestListingDate_on_saturday_noon_ET_is_fridays_listing()
    {
        Assert.Equal(D(2026, 3, 27), Schedule.LatestListingDate(Et(2026, 3, 28, 12, 0, -4)));
    }

    [Fact]
    public void LatestListingDate_on_sunday_at_19_59_ET_is_still_fridays_listing()
    {
        Assert.Equal(D(2026, 3, 27), Schedule.LatestListingDate(Et(2026, 3, 29, 19, 59, -4)));
    }

    [Fact]
    public void LatestListingDate_on_sunday_at_20_00_ET_is_mondays_listing()
    {
        Assert.Equal(D(2026, 3, 30), Schedule.LatestListingDate(Et(2026, 3, 29, 20, 0, -4)));
    }

    [Fact]
    public void LatestListingDate_converts_an_instant_given_in_another_zone_to_New_York_time()
    {
        // Mon 2026-03-30 00:00 UTC = Sun 20:00 EDT (Monday's listing); one minute earlier it is still Friday's.
        Assert.Equal(D(2026, 3, 30), Schedule.LatestListingDate(new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(D(2026, 3, 27), Schedule.LatestListingDate(new DateTimeOffset(2026, 3, 29, 23, 59, 0, TimeSpan.Zero)));

        // Mon 2026-03-30 07:59 in Shanghai is still Sunday 19:59 in New York.
        Assert.Equal(D(2026, 3, 27), Schedule.LatestListingDate(new DateTimeOffset(2026, 3, 30, 7, 59, 0, TimeSpan.FromHours(8))));
    }

    [Fact]
    public void LatestListingDate_the_morning_after_thanksgiving_2026_is_thursdays_listing_from_wednesday_evening()
    {
        // Thu 2026-11-26 evening is a holiday; the latest announcement is Wed 2026-11-25 20:00, listing 2026-11-26.
        Assert.Equal(D(2026, 11, 26), Schedule.LatestListingDate(Et(2026, 11, 27, 9, 0, -5)));
    }

    // ---- NextAnnouncement ----------------------------------------------------------------------------------------

    [Fact]
    public void NextAnnouncement_from_thursday_21_00_ET_is_sunday_20_00_ET()
    {
        var next = Schedule.NextAnnouncement(Et(2026, 3, 26, 21, 0, -4));

        Assert.Equal(Et(2026, 3, 29, 20, 0, -4), next);
        Assert.Equal(TimeSpan.FromHours(-4), next.Offset);
    }

    [Fact]
    public void NextAnnouncement_exactly_at_an_announcement_is_the_following_one()
    {
        Assert.Equal(Et(2026, 3, 25, 20, 0, -4), Schedule.NextAnnouncement(Et(2026, 3, 24, 20, 0, -4)));
    }

    // ---- custom holidays -----------------------------------------------------------------------------------------

    [Fact]
    public void A_custom_holiday_set_passed_to_the_constructor_replaces_the_built_in_list()
    {
        var custom = new ArxivSchedule(new HashSet<DateOnly> { D(2026, 3, 24) });

        Assert.Equal(NoAnnouncementReason.Holiday, custom.ReasonNoAnnouncement(D(2026, 3, 24)));
        Assert.Equal(NoAnnouncementReason.None, custom.ReasonNoAnnouncement(D(2026, 11, 26))); // built-in holiday, not in the custom set

        // Wed 2026-03-25 09:00 ET: Tuesday evening was a holiday, so the latest announcement is Monday's (listing Tue).
        Assert.Equal(D(2026, 3, 24), custom.LatestListingDate(Et(2026, 3, 25, 9, 0, -4)));
        Assert.Equal(D(2026, 3, 25), Schedule.LatestListingDate(Et(2026, 3, 25, 9, 0, -4)));

        // From Monday 21:00 ET the next announcement skips the Tuesday holiday.
        Assert.Equal(Et(2026, 3, 25, 20, 0, -4), custom.NextAnnouncement(Et(2026, 3, 23, 21, 0, -4)));
        Assert.Equal(Et(2026, 3, 24, 20, 0, -4), Schedule.NextAnnouncement(Et(2026, 3, 23, 21, 0, -4)));
    }

    // ---- DisplayTime ---------------------------------------------------------------------------------------------

    [Fact]
    public void TryResolve_accepts_an_IANA_zone()
    {
        Assert.True(DisplayTime.TryResolve("Asia/Shanghai", out var zone));
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTimeOffset(2026, 3, 26, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void TryResolve_accepts_a_whole_hour_fixed_offset()
    {
        Assert.True(DisplayTime.TryResolve("UTC+8", out var zone));
        Assert.Equal(TimeSpan.FromHours(8), zone.BaseUtcOffset);
        Assert.Equal(TimeSpan.FromHours(8), zone.GetUtcOffset(new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void TryResolve_accepts_a_negative_fixed_offset_with_minutes()
    {
        Assert.True(DisplayTime.TryResolve("UTC-05:30", out var zone));
        Assert.Equal(new TimeSpan(-5, -30, 0), zone.BaseUtcOffset);
    }

    [Fact]
    public void TryResolve_refuses_an_unknown_zone()
    {
        Assert.False(DisplayTime.TryResolve("Mars/Olympus", out _));
    }

    [Fact]
    public void TryResolve_refuses_out_of_range_offsets_instead_of_throwing()
    {
        Assert.False(DisplayTime.TryResolve("UTC+14:30", out _));
        Assert.False(DisplayTime.TryResolve("UTC-14:30", out _));
        Assert.False(DisplayTime.TryResolve("UTC+8:75", out _));
    }

    [Theory]
    [InlineData(8, 0, "UTC+8")]
    [InlineData(-4, 0, "UTC-4")]
    [InlineData(5, 30, "UTC+5:30")]
    [InlineData(-5, -30, "UTC-5:30")]
    [InlineData(0, 0, "UTC")]
    public void OffsetLabel_prints_hours_and_minutes_only_when_needed(int hours, int minutes, string expected)
    {
        Assert.Equal(expected, DisplayTime.OffsetLabel(new TimeSpan(hours, minutes, 0)));
    }
}
