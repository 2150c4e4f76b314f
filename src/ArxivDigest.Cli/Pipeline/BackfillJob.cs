using ArxivDigest.Arxiv;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Schedule;
using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>
/// The <c>backfill --from DATE [--to DATE]</c> verb. Days inside the window of the last five announcements come from
/// <c>/list/{cat}/recent</c> plus the API (stored as announcements, digests written for each day, oldest first, once);
/// older dates are harvested as paper history with OAI-PMH ListRecords (metadataPrefix arXiv, the category's archive
/// set, from/until on the records' datestamps, which are LAST-MODIFIED dates, not announcement dates), resumable
/// after an interruption. OAI records get no listing date and no digest: arXiv's OAI does not say when a paper was
/// announced.
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
            var stored = new Dictionary<string, IReadOnlyList<DateOnly>>(StringComparer.Ordinal);
            foreach (var c in categories)
            {
                stored[c] = await store.GetListingDatesAsync(c, cancellationToken);
            }

            // Days already stored (from /new, with replacements and abstracts) are not replaced by the poorer /recent copy.
            var recovered = await catchUp.StoreRecentDaysAsync(
                categories, (c, d) => d >= recentFrom && d <= to && !stored[c].Contains(d), cancellationToken);
            reporter.Result(recovered.Days.Count == 0
                ? $"backfill {recentFrom:yyyy-MM-dd}..{to:yyyy-MM-dd}: every listed day is already stored"
                : $"backfilled {recovered.Days.Count} days from /recent: {string.Join(", ", recovered.Days.Select(d => d.ToString("yyyy-MM-dd")))}");
            partial |= await digests.WriteStoredDaysAsync(recovered.Days, cancellationToken);
        }

        return partial ? ExitCodes.Partial : ExitCodes.Success;
    }
}
