using ArxivDigest.Arxiv;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Papers;
using ArxivDigest.Schedule;
using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>The days a catch-up or backfill stored as announcements, and whether some could not be recovered.</summary>
public sealed record RecoveredDays(IReadOnlyList<DateOnly> Days, bool Incomplete)
{
    public static readonly RecoveredDays None = new([], false);
}

/// <summary>
/// Recovers missed announcement days from <c>/list/{cat}/recent</c> (the last five mailings: new submissions and
/// cross-lists, no replacements, no abstracts) plus the API by id for the abstracts, and stores each day as an
/// announcement (source <see cref="SourceName"/>). Used by <c>run</c> (automatic catch-up when the store is behind
/// the schedule) and by <c>backfill</c> for ranges inside the /recent window.
/// </summary>
public sealed class CatchUp(Settings settings, IPaperStore store, PoliteHttpClient http, TimeProvider time, Reporter reporter)
{
    /// <summary>The source recorded with recovered announcements.</summary>
    public const string SourceName = "recent+api";

    /// <summary>How many mailings /recent lists.</summary>
    public const int RecentWindow = 5;

    private readonly ArxivSchedule schedule = new(settings.Holidays);

    /// <summary>The newest stored listing date of each category (read before today's fetch).</summary>
    public async Task<IReadOnlyDictionary<string, DateOnly?>> LatestStoredAsync(IEnumerable<string> categories, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, DateOnly?>(StringComparer.Ordinal);
        foreach (var c in categories.Distinct(StringComparer.Ordinal))
        {
            result[c] = await store.GetLatestListingDateAsync(c, cancellationToken);
        }

        return result;
    }

    /// <summary>Listing dates arXiv's schedule expects in first..last (inclusive): the day after each announcing evening.</summary>
    public IReadOnlyList<DateOnly> ScheduledListingDates(DateOnly first, DateOnly last)
    {
        var dates = new List<DateOnly>();
        for (var d = first; d <= last; d = d.AddDays(1))
        {
            if (schedule.AnnouncesOn(d.AddDays(-1)))
            {
                dates.Add(d);
            }
        }

        return dates;
    }

    /// <summary>
    /// For each category whose stored days end before the previous scheduled announcement (and that has stored days at
    /// all: a fresh store starts with today), stores the missed days /recent still lists; days older than its window
    /// get a hint to use <c>backfill</c>. Returns the recovered days, oldest first.
    /// </summary>
    public async Task<RecoveredDays> RunAsync(
        IReadOnlyDictionary<string, DateOnly?> storedBefore, IReadOnlyDictionary<string, FetchedAnnouncement> fetched, CancellationToken cancellationToken)
    {
        var gaps = new Dictionary<string, (DateOnly Last, DateOnly Today, IReadOnlyList<DateOnly> Expected)>(StringComparer.Ordinal);
        foreach (var (category, last) in storedBefore)
        {
            if (last is { } l && fetched.TryGetValue(category, out var f) && f.Announcement.ListingDate is { } today && today > l)
            {
                var expected = ScheduledListingDates(l.AddDays(1), today.AddDays(-1));
                if (expected.Count > 0)
                {
                    gaps[category] = (l, today, expected);
                    reporter.Info($"{category}: last stored listing {l:yyyy-MM-dd}, today's {today:yyyy-MM-dd}; {expected.Count} scheduled day(s) missed: {string.Join(", ", expected.Select(d => d.ToString("yyyy-MM-dd")))}");
                }
            }
        }

        if (gaps.Count == 0)
        {
            return RecoveredDays.None;
        }

        RecoveredDays recovered;
        try
        {
            recovered = await StoreRecentDaysAsync(gaps.Keys.ToList(), (c, d) => d > gaps[c].Last && d < gaps[c].Today, cancellationToken);
        }
        catch (Exception e) when (e is SourceException or ArxivFormatException)
        {
            reporter.Warn($"catch-up failed, missed days not recovered (today's digest is still written): {e.Message}");
            return new RecoveredDays([], true);
        }

        foreach (var (category, gap) in gaps)
        {
            var stored = await store.GetListingDatesAsync(category, cancellationToken);
            var lost = gap.Expected.Where(d => !stored.Contains(d)).ToList();
            var window = ScheduledWindowStart(gap.Today);
            var beyond = lost.Where(d => d < window).ToList();
            if (beyond.Count > 0)
            {
                reporter.Warn($"{category}: {beyond.Count} missed day(s) {beyond[0]:yyyy-MM-dd}..{beyond[^1]:yyyy-MM-dd} are older than the last {RecentWindow} announcements that /list/{category}/recent shows; "
                    + $"fetch their history with 'arxiv-digest backfill --from {beyond[0]:yyyy-MM-dd} --to {beyond[^1]:yyyy-MM-dd} --category {category}'");
            }
        }

        reporter.Result(recovered.Days.Count == 0
            ? "caught up 0 missed days"
            : $"caught up {recovered.Days.Count} missed days: {string.Join(", ", recovered.Days.Select(d => d.ToString("yyyy-MM-dd")))}");
        return recovered;
    }

    /// <summary>The oldest listing date of the five scheduled mailings ending with <paramref name="newest"/>.</summary>
    public DateOnly ScheduledWindowStart(DateOnly newest)
    {
        var d = newest;
        for (var found = 1; found < RecentWindow; found++)
        {
            d = d.AddDays(-1);
            while (!schedule.AnnouncesOn(d.AddDays(-1)))
            {
                d = d.AddDays(-1);
            }
        }

        return d;
    }

    /// <summary>
    /// Fetches /recent for each category, keeps the day sections <paramref name="wanted"/> selects, fetches their
    /// abstracts from the API (≤ 100 ids per request) and stores each day as an announcement. Days oldest first.
    /// </summary>
    public async Task<RecoveredDays> StoreRecentDaysAsync(IReadOnlyList<string> categories, Func<string, DateOnly, bool> wanted, CancellationToken cancellationToken)
    {
        var source = new RecentSource(http, settings.Source);
        var days = new List<Announcement>();
        foreach (var category in categories)
        {
            var recent = await reporter.StepAsync($"fetching {category} from {settings.Source.RecentUrlFor(category)}", () => source.FetchRecentAsync(category, cancellationToken));
            days.AddRange(recent.Where(a => a.ListingDate is { } d && wanted(category, d)));
        }

        var ids = days.SelectMany(a => a.Papers).Select(p => p.Id).Distinct(StringComparer.Ordinal).ToList();
        var batches = (ids.Count + RecentSource.BatchSize - 1) / RecentSource.BatchSize;
        var byId = ids.Count == 0
            ? new Dictionary<string, Paper>()
            : await reporter.StepAsync($"fetching {ids.Count} abstracts from {settings.Source.ApiUrl} ({batches} requests)", () => source.FetchByIdAsync(ids, cancellationToken));

        var missingTotal = 0;
        foreach (var day in days.OrderBy(a => a.ListingDate).ThenBy(a => a.Category, StringComparer.Ordinal))
        {
            var complete = RecentSource.WithAbstracts(day, byId, out var missing);
            missingTotal += missing;
            await store.SaveAnnouncementAsync(complete, SourceName, time.GetUtcNow(), cancellationToken);
            reporter.Info($"{day.Category}: stored {day.ListingDate:yyyy-MM-dd} from /recent, {day.Papers.Count} entries ({day.Papers.Count(p => p.AnnounceType == AnnounceType.New)} new, {day.Papers.Count(p => p.AnnounceType == AnnounceType.Cross)} cross)");
        }

        if (missingTotal > 0)
        {
            reporter.Warn($"{missingTotal} papers are not in the API yet; they are stored without abstracts");
        }

        return new RecoveredDays(days.Select(a => a.ListingDate!.Value).Distinct().Order().ToList(), false);
    }
}
