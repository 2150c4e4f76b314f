using ArxivDigest.Arxiv;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Schedule;
using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>
/// The <c>backfill --from DATE [--to DATE]</c> verb, in three steps:
/// <list type="number">
/// <item>dates older than the window of the last five announcements are harvested as paper history with OAI-PMH
/// ListRecords (metadataPrefix arXiv, the category's archive set, from/until on the records' datestamps, which are
/// LAST-MODIFIED dates, not announcement dates), resumable after an interruption. OAI records get no listing date and
/// no digest: arXiv's OAI does not say when a paper was announced;</item>
/// <item>days inside the window that are not stored yet come from <c>/list/{cat}/recent</c> plus the API and are
/// stored as announcements; days already stored (from <c>/new</c>, with replacements and abstracts) are kept as
/// they are;</item>
/// <item>every configured digest is written, oldest day first, for each day of the range that has a stored
/// announcement of one of its categories and no digest yet: the days just recovered, but also days stored earlier
/// without their digest (fetched by <c>run</c> for another digest, stored by a run that failed before writing, or
/// stored before this digest was configured), inside the window or not. "No digest yet" is the test <c>run</c> uses:
/// no complete run recorded for (digest, day), or its files missing. A day that has its digest is neither rewritten
/// nor redelivered; each day is claimed like a run, and deliveries go through the ledger (at most once per
/// channel).</item>
/// </list>
/// </summary>
public sealed class BackfillJob(Settings settings, IPaperStore store, PoliteHttpClient http, TimeProvider time, Reporter reporter, DigestJob digests)
{
    private readonly ArxivSchedule schedule = new(settings.Holidays);

    public async Task<int> RunAsync(DateOnly from, DateOnly? until, CancellationToken cancellationToken)
    {
        if (settings.Source.FromFile is not null)
        {
            throw new ConfigurationException("--from-file", "backfill reads arXiv (/recent, the API, OAI-PMH), not a saved file");
        }

        var latest = schedule.LatestListingDate(time.GetUtcNow());
        var to = until ?? latest;
        if (to > latest)
        {
            reporter.Info($"--to {to:yyyy-MM-dd} is after the latest announced listing {latest:yyyy-MM-dd}; backfilling to {latest:yyyy-MM-dd}");
            to = latest;
        }

        if (from > to)
        {
            throw new ConfigurationException("--from", $"{from:yyyy-MM-dd} is after the end of the range ({to:yyyy-MM-dd})");
        }

        var catchUp = new CatchUp(settings, store, http, time, reporter);
        var windowStart = catchUp.ScheduledWindowStart(latest);
        var categories = settings.Digests.SelectMany(d => d.Categories).Distinct(StringComparer.Ordinal).ToList();
        var partial = false;

        if (from < windowStart)
        {
            var oaiUntil = to < windowStart ? to : windowStart.AddDays(-1);
            var harvester = new OaiHarvester(http, store, settings.Source.OaiUrl, time) { Report = reporter.Info };
            foreach (var group in categories.GroupBy(OaiHarvester.SetSpecFor, StringComparer.Ordinal))
            {
                var cats = group.ToList();
                var result = await harvester.HarvestAsync(cats, from, oaiUntil, cancellationToken);
                reporter.Result($"history: OAI-PMH set {result.Set}, datestamps {from:yyyy-MM-dd}..{oaiUntil:yyyy-MM-dd}: {result.Saved} papers of {string.Join(", ", cats)} saved"
                    + $" ({result.Pages} pages{(result.Resumed ? ", resumed" : "")}; no digests: OAI does not say which day announced them)");
            }
        }

        if (to >= windowStart)
        {
            var recentFrom = from > windowStart ? from : windowStart;
            var stored = await StoredDaysAsync(categories, recentFrom, to, cancellationToken);

            // Only categories with a scheduled day not stored yet cost a /recent request (one every few seconds each).
            // Days already stored (from /new, with replacements and abstracts) are not replaced by the poorer /recent copy.
            var scheduled = catchUp.ScheduledListingDates(recentFrom, to);
            var missing = categories.Where(c => scheduled.Any(d => !stored[c].Contains(d))).ToList();
            var recovered = missing.Count == 0
                ? RecoveredDays.None
                : await catchUp.StoreRecentDaysAsync(missing, (c, d) => d >= recentFrom && d <= to && !stored[c].Contains(d), cancellationToken);
            reporter.Result(scheduled.Count == 0
                ? $"backfill {recentFrom:yyyy-MM-dd}..{to:yyyy-MM-dd}: arXiv's schedule has no announcement for these days (nothing fetched from /recent)"
                : missing.Count == 0
                ? $"backfill {recentFrom:yyyy-MM-dd}..{to:yyyy-MM-dd}: every scheduled day is already stored (nothing fetched from /recent)"
                : recovered.Days.Count == 0
                ? $"backfill {recentFrom:yyyy-MM-dd}..{to:yyyy-MM-dd}: /recent lists no day that is not already stored"
                : $"backfilled {recovered.Days.Count} days from /recent: {string.Join(", ", recovered.Days.Select(Day))}");
        }

        // Every stored day of the range without its digest gets one: just recovered, or stored earlier without it.
        var days = (await StoredDaysAsync(categories, from, to, cancellationToken)).Values.SelectMany(d => d);
        var written = await digests.WriteStoredDaysAsync(days, cancellationToken);
        partial |= written.Partial;
        reporter.Result(written.Written.Count == 0
            ? $"backfill {from:yyyy-MM-dd}..{to:yyyy-MM-dd}: no digest written, every stored day already has its digests"
            : "digests written: " + string.Join("; ", written.Written.GroupBy(w => w.Digest, StringComparer.Ordinal)
                .Select(g => $"{g.Key} for {g.Count()} day{(g.Count() == 1 ? "" : "s")} ({string.Join(", ", g.Select(w => Day(w.Day)))})")));
        return partial ? ExitCodes.Partial : ExitCodes.Success;
    }

    /// <summary>The stored listing dates of each category within first..last.</summary>
    private async Task<Dictionary<string, HashSet<DateOnly>>> StoredDaysAsync(IEnumerable<string> categories, DateOnly first, DateOnly last, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, HashSet<DateOnly>>(StringComparer.Ordinal);
        foreach (var c in categories)
        {
            result[c] = (await store.GetListingDatesAsync(c, cancellationToken)).Where(d => d >= first && d <= last).ToHashSet();
        }

        return result;
    }

    private static string Day(DateOnly d) => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
}
