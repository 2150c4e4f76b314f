using System.Globalization;
using ArxivDigest.Arxiv;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Delivery;
using ArxivDigest.Digests;
using ArxivDigest.Output;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Schedule;
using ArxivDigest.Storage;
using ArxivDigest.Translation;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>The digests <see cref="DigestJob.WriteStoredDaysAsync"/> wrote, oldest day first, and whether any was partial.</summary>
public sealed record StoredDaysWritten(IReadOnlyList<(string Digest, DateOnly Day)> Written, bool Partial);

/// <summary>
/// The pipeline: fetch each category once → store → pick the announcement → filter → translate → render → write.
/// One instance per invocation.
/// </summary>
public sealed class DigestJob(Settings settings, IPaperStore store, PoliteHttpClient http, ITranslator translator, TimeProvider time, Reporter reporter)
{
    private readonly ArxivSchedule schedule = new(settings.Holidays);

    private DateOnly? lastWritten;

    /// <summary>This job's name in run claims: host, process and a unique suffix.</summary>
    private readonly string claimOwner = RunClaim.NewOwner();

    /// <summary>The listing date of the newest complete run of any digest, from the store (the daemon's starting point).</summary>
    public async Task<DateOnly?> LastProcessedListingAsync(CancellationToken cancellationToken) =>
        (await store.GetRunsAsync(500, cancellationToken))
        .Where(r => r.Status is "complete" or "no-new-announcement" && r.ListingDate is not null)
        .Select(r => r.ListingDate)
        .Max();

    /// <summary>Writes TL;DRs when <c>--tldr</c> is on.</summary>
    public TldrWriter? Tldr { get; init; }

    /// <summary>Configured delivery channels with the digests each receives.</summary>
    public IReadOnlyList<(IDeliveryChannel Channel, ChannelConfig Config)> Channels { get; init; } = [];

    /// <summary>The ledger (the store) for delivering each digest at most once per channel.</summary>
    public IDeliveryLedger? Ledger { get; init; }

    /// <summary>Fetches and stores every configured category; returns each category's announcement.</summary>
    public async Task<IReadOnlyDictionary<string, FetchedAnnouncement>> FetchAllAsync(CancellationToken cancellationToken)
    {
        var source = new ArxivSource(http, store, settings.Source);
        var result = new Dictionary<string, FetchedAnnouncement>(StringComparer.Ordinal);
        foreach (var category in settings.Digests.SelectMany(d => d.Categories).Distinct(StringComparer.Ordinal))
        {
            var where = settings.Source.FromFile ?? Redaction.Url(settings.Source.UrlFor(category));
            var fetched = await reporter.StepAsync($"fetching {category} from {where}", () => source.FetchAsync(category, cancellationToken));
            var a = fetched.Announcement;
            if (!fetched.Unchanged && a.Kind == AnnouncementKind.Papers && a.ListingDate is not null)
            {
                await store.SaveAnnouncementAsync(a, SourceName(), time.GetUtcNow(), cancellationToken);
            }

            reporter.Info(Describe(a, fetched.Unchanged));
            result[category] = fetched;
        }

        return result;
    }

    /// <summary>The <c>run</c> verb: returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var (code, _) = await RunWithOutcomeAsync(cancellationToken);
        return code;
    }

    /// <summary>Runs every digest; returns the exit code and the newest listing date written in this run (null: none).</summary>
    public async Task<(int ExitCode, DateOnly? NewListing)> RunWithOutcomeAsync(CancellationToken cancellationToken)
    {
        // Missed days (the store is behind the schedule) are recovered from /recent and written first, oldest first.
        var catchUp = new CatchUp(settings, store, http, time, reporter);
        var before = settings.Source.FromFile is null
            ? await catchUp.LatestStoredAsync(settings.Digests.SelectMany(d => d.Categories), cancellationToken)
            : new Dictionary<string, DateOnly?>();
        var fetched = await FetchAllAsync(cancellationToken);
        var recovered = await catchUp.RunAsync(before, fetched, cancellationToken);
        var partial = recovered.Incomplete;
        DateOnly? newest = null;
        partial |= (await WriteStoredDaysAsync(recovered.Days, cancellationToken)).Partial;
        foreach (var spec in settings.Digests)
        {
            var status = await RunDigestAsync(spec, fetched, cancellationToken);
            partial |= status == "partial";
            if (status is "complete" or "partial" && lastWritten is { } d && (newest is null || d > newest))
            {
                newest = d;
            }
        }

        return (partial ? ExitCodes.Partial : ExitCodes.Success, newest);
    }

    /// <summary>Runs one digest; returns the status recorded for its run.</summary>
    private async Task<string> RunDigestAsync(DigestSpec spec, IReadOnlyDictionary<string, FetchedAnnouncement> fetched, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var runId = await store.StartRunAsync(spec.Name, now, cancellationToken);
        try
        {
            var announcements = spec.Categories.Select(c => fetched[c].Announcement).ToList();
            var withPapers = announcements.Where(a => a.Kind == AnnouncementKind.Papers && a.ListingDate is not null).ToList();
            if (withPapers.Count == 0)
            {
                var date = announcements.Select(a => a.ListingDate).Max();
                var message = $"no announcement: {string.Join(", ", spec.Categories)} listing{(date is { } d ? $" for {d:yyyy-MM-dd}" : "")} is empty; {NextAnnouncementText(now)}";
                await store.FinishRunAsync(runId, date, "no-announcement", message, time.GetUtcNow(), cancellationToken);
                reporter.Result($"{spec.Name}: {message}");
                return "no-announcement";
            }

            var dates = withPapers.Select(a => a.ListingDate!.Value).Distinct().Order().ToList();
            if (dates.Count > 1)
            {
                var stale = withPapers.Where(a => a.ListingDate != dates[^1]).Select(a => $"{a.Category} ({a.ListingDate:yyyy-MM-dd})");
                var first = withPapers.First(a => a.ListingDate != dates[^1]);
                var reason = $"stale listing: {string.Join(", ", stale)} behind the {dates[^1]:yyyy-MM-dd} listing of the other categories; try again later";
                throw new ArxivFormatException(first.Origin, reason + http.SaveForDebugging(fetched[first.Category].Response, reason));
            }

            var listingDate = dates[0];
            await using var claim = await RunClaim.TryAcquireAsync(store, spec.Name, listingDate, claimOwner, time, cancellationToken);
            if (claim is null)
            {
                var message = RunClaim.SkippedMessage(spec.Name, listingDate);
                await store.FinishRunAsync(runId, listingDate, "skipped", message, time.GetUtcNow(), cancellationToken);
                reporter.Result(message);
                return "skipped";
            }

            var paths = DigestWriter.PathsFor(settings.Out, spec.Name, listingDate, settings.Renderers);
            var papers = withPapers.SelectMany(a => a.Papers).ToList();
            if (await AlreadyCompleteAsync(spec.Name, listingDate, cancellationToken) && paths.All(File.Exists))
            {
                if (StaleSince(listingDate, now) is { } due)
                {
                    var first = withPapers[0];
                    var reason = $"stale listing: arXiv still serves the {listingDate:yyyy-MM-dd} listing, but the next one was announced at "
                        + $"{TimeZoneInfo.ConvertTime(due, ArxivSchedule.NewYork).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} {ArxivSchedule.NewYorkAbbreviation(due)} and should be out by now "
                        + "(late, or an arXiv holiday missing from the list); try again later";
                    throw new ArxivFormatException(first.Origin, reason + http.SaveForDebugging(fetched[first.Category].Response, reason));
                }


                var message = $"no new announcement: the {listingDate:yyyy-MM-dd} listing was already processed ({paths[0]}); {NextAnnouncementText(now)}";
                var delivered = await DeliverPendingAsync(spec, papers, listingDate, claim, cancellationToken);
                await store.FinishRunAsync(runId, listingDate, delivered ? "no-new-announcement" : "partial", message, time.GetUtcNow(), cancellationToken);
                reporter.Result($"{spec.Name}: {message}");
                return delivered ? "no-new-announcement" : "partial";
            }

            var status = await BuildAndWriteAsync(spec, papers, listingDate, claim, cancellationToken);
            await store.FinishRunAsync(runId, listingDate, status, claim.Lost ? ClaimLostRunMessage : null, time.GetUtcNow(), cancellationToken);
            lastWritten = listingDate;
            return status;
        }
        catch (Exception e)
        {
            await store.FinishRunAsync(runId, null, "failed", e.Message, time.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }

    /// <summary>
    /// Writes (and delivers) each configured digest for stored days (recovered by a catch-up, or any stored day of a
    /// backfill range), oldest first. A digest is written for a day only when one of its categories has a stored
    /// announcement that day and the day is not already done: a complete run recorded with its files in place (the
    /// test of <c>run</c>). Each day is claimed as <c>run</c> claims it, and deliveries go through the ledger, so
    /// nothing is delivered twice. Says which (digest, day) were written and whether any was partial.
    /// </summary>
    public async Task<StoredDaysWritten> WriteStoredDaysAsync(IEnumerable<DateOnly> days, CancellationToken cancellationToken)
    {
        var partial = false;
        var written = new List<(string Digest, DateOnly Day)>();
        foreach (var day in days.Distinct().Order())
        {
            foreach (var spec in settings.Digests)
            {
                var status = await WriteStoredDayAsync(spec, day, cancellationToken);
                partial |= status == "partial";
                if (status is not (null or "skipped"))
                {
                    written.Add((spec.Name, day));
                }
            }
        }

        return new StoredDaysWritten(written, partial);
    }

    private async Task<string?> WriteStoredDayAsync(DigestSpec spec, DateOnly day, CancellationToken cancellationToken)
    {
        var papers = new List<Paper>();
        var any = false;
        foreach (var category in spec.Categories)
        {
            if (await store.GetAnnouncementAsync(category, day, cancellationToken) is not null)
            {
                any = true;
                papers.AddRange(await store.GetAnnouncedPapersAsync(category, day, cancellationToken));
            }
        }

        var paths = DigestWriter.PathsFor(settings.Out, spec.Name, day, settings.Renderers);
        if (!any || (await AlreadyCompleteAsync(spec.Name, day, cancellationToken) && paths.All(File.Exists)))
        {
            return null;
        }

        // Claimed like today's digest: a run (or another backfill) may be building this very day.
        await using var claim = await RunClaim.TryAcquireAsync(store, spec.Name, day, claimOwner, time, cancellationToken);
        if (claim is null)
        {
            reporter.Result(RunClaim.SkippedMessage(spec.Name, day));
            return "skipped";
        }

        if (await AlreadyCompleteAsync(spec.Name, day, cancellationToken) && paths.All(File.Exists))
        {
            return null; // the previous holder of the claim has just finished it
        }

        var runId = await store.StartRunAsync(spec.Name, time.GetUtcNow(), cancellationToken);
        try
        {
            var status = await BuildAndWriteAsync(spec, papers, day, claim, cancellationToken);
            await store.FinishRunAsync(runId, day, status, claim.Lost ? ClaimLostRunMessage : "recovered day", time.GetUtcNow(), cancellationToken);
            return status;
        }
        catch (Exception e)
        {
            await store.FinishRunAsync(runId, null, "failed", e.Message, time.GetUtcNow(), CancellationToken.None);
            throw;
        }
    }

    /// <summary>The <c>backfill</c> verb (see <see cref="BackfillJob"/>).</summary>
    public Task<int> BackfillAsync(DateOnly from, DateOnly? to, CancellationToken cancellationToken) =>
        new BackfillJob(settings, store, http, time, reporter, this).RunAsync(from, to, cancellationToken);

    /// <summary>The <c>site</c> verb: a static site of every stored day into <see cref="Settings.Out"/>.</summary>
    public async Task<int> BuildSiteAsync(CancellationToken cancellationToken)
    {
        var dates = await SiteBuilder.ListingDatesAsync(store, settings.Digests, cancellationToken);
        var result = await SiteBuilder.BuildAsync(store, settings.Digests, dates, translator, time.GetUtcNow(), settings.Out, cancellationToken);
        reporter.Result($"site: {result.Days} days, {result.Pages} pages, {result.Files.Count} files in {Path.GetFullPath(settings.Out)}");
        return ExitCodes.Success;
    }

    /// <summary>The <c>digest --date</c> verb: re-renders stored announcements.</summary>
    public async Task<int> RenderStoredAsync(DateOnly listingDate, CancellationToken cancellationToken)
    {
        var partial = false;
        foreach (var spec in settings.Digests)
        {
            var papers = new List<Paper>();
            foreach (var category in spec.Categories)
            {
                if (await store.GetAnnouncementAsync(category, listingDate, cancellationToken) is null)
                {
                    throw new ConfigurationException("--date", $"no stored {category} announcement for {listingDate:yyyy-MM-dd} in {StoreFactory.Display(settings.Db)}; run 'arxiv-digest fetch' (or 'run') first");
                }

                papers.AddRange(await store.GetAnnouncedPapersAsync(category, listingDate, cancellationToken));
            }

            await using var claim = await RunClaim.TryAcquireAsync(store, spec.Name, listingDate, claimOwner, time, cancellationToken);
            if (claim is null)
            {
                reporter.Result(RunClaim.SkippedMessage(spec.Name, listingDate));
                continue;
            }

            partial |= await BuildAndWriteAsync(spec, papers, listingDate, claim, cancellationToken) == "partial";
        }

        return partial ? ExitCodes.Partial : ExitCodes.Success;
    }

    /// <summary>The runs table's message for a run that lost its claim before delivering.</summary>
    private const string ClaimLostRunMessage = "claim lost before delivery: not delivered by this run";

    /// <summary>Builds, writes and (while <paramref name="claim"/> is held) delivers one digest; returns its run status.</summary>
    private async Task<string> BuildAndWriteAsync(DigestSpec spec, IReadOnlyList<Paper> papers, DateOnly listingDate, RunClaim claim, CancellationToken cancellationToken)
    {
        var digest = await DigestBuilder.BuildAsync(papers, spec, listingDate, time.GetUtcNow(), translator, cancellationToken, tldr: Tldr);
        if (Tldr is { } t)
        {
            var missing = digest.Groups.SelectMany(g => g.Papers).Count(p => p.Tldr is null);
            reporter.Info($"tldr: {t.Requests} requests, {t.CacheHits} cache hits, {t.Failures} failures{(missing > 0 ? $", {missing} papers without a TL;DR" : "")}");
        }

        var (paths, changed) = DigestWriter.Write(settings.Out, digest, settings.Renderers);
        var status = JsonRenderer.StatusName(digest.Status);
        if (translator is TranslationService service)
        {
            foreach (var stats in service.Stats)
            {
                reporter.Info($"translation {stats}");
            }
        }

        if (digest.Status == DigestStatus.Partial)
        {
            var pending = digest.Groups.SelectMany(g => g.Papers).Count(p => p.Title.State == TranslationState.Pending || p.Abstract.State == TranslationState.Pending);
            var reason = digest.Groups.SelectMany(g => g.Papers).Select(p => p.Abstract.Error ?? p.Title.Error).FirstOrDefault(e => e is not null);
            reporter.Warn($"{pending} papers have translations pending ({reason}); the next run fills them in");
        }

        reporter.Result($"{spec.Name}: {digest.Count} matching papers in the {listingDate:yyyy-MM-dd} listing (announced {DisplayTime.Format(digest.AnnouncedAt, ArxivSchedule.NewYork)} {ArxivSchedule.NewYorkAbbreviation(digest.AnnouncedAt)}), status {status}{(changed ? "" : ", files unchanged")}");
        foreach (var p in paths)
        {
            reporter.Result($"  {p}");
        }

        if (digest.Status == DigestStatus.Partial)
        {
            if (ChannelsFor(spec).Any())
            {
                reporter.Warn($"{spec.Name}: delivery waits until the translations are complete (next run)");
            }

            return status;
        }

        return await DeliverAsync(digest, claim) ? status : "partial";
    }

    private IEnumerable<IDeliveryChannel> ChannelsFor(DigestSpec spec) =>
        Channels.Where(c => c.Config.Receives(spec.Name)).Select(c => c.Channel);

    /// <summary>
    /// Delivers to the channels that have not had this digest; true when none failed and none was withheld. Before
    /// each send the claim is renewed on the spot: once it is lost, nothing more is sent (the holder delivers).
    /// </summary>
    private async Task<bool> DeliverAsync(Digest digest, RunClaim claim)
    {
        var channels = ChannelsFor(new DigestSpec { Name = digest.Name }).ToList();
        if (channels.Count == 0 || Ledger is null)
        {
            return true;
        }

        // Delivery is not interrupted half-way by Ctrl+C: the ledger must say what was sent.
        var outcomes = await DeliveryFanOut.DeliverAsync(digest, channels, Ledger, settings.Resend, time, CancellationToken.None, claim.StillHeldAsync);
        if (outcomes.Where(o => o.State == DeliveryState.Withheld).Select(o => o.Channel).ToList() is { Count: > 0 } withheld)
        {
            reporter.Warn(claim.LostMessage(withheld));
        }

        foreach (var o in outcomes.Where(o => o.State != DeliveryState.Withheld))
        {
            var line = o.State switch
            {
                DeliveryState.Delivered => $"{digest.Name}: delivered to {o.Channel}",
                DeliveryState.AlreadyDelivered => $"{digest.Name}: {o.Channel} already has the {digest.ListingDate:yyyy-MM-dd} digest (--resend to send again)",
                DeliveryState.Interrupted => $"{digest.Name}: delivery of the {digest.ListingDate:yyyy-MM-dd} digest to channel {o.Channel} was interrupted and may have been sent; not resent; use --resend to send again",
                _ => $"{digest.Name}: delivery to {o.Channel} failed, will retry on the next run: {o.Error}",
            };
            if (o.State is DeliveryState.Failed or DeliveryState.Interrupted)
            {
                reporter.Warn(line);
            }
            else
            {
                reporter.Result(line);
            }
        }

        return outcomes.All(o => o.State is not (DeliveryState.Failed or DeliveryState.Withheld));
    }

    /// <summary>For an already processed day: delivers to channels that missed it (failed before, or added since).</summary>
    private async Task<bool> DeliverPendingAsync(DigestSpec spec, IReadOnlyList<Paper> papers, DateOnly listingDate, RunClaim claim, CancellationToken cancellationToken)
    {
        var channels = ChannelsFor(spec).ToList();
        if (channels.Count == 0 || Ledger is null)
        {
            return true;
        }

        var delivered = await Ledger.GetDeliveredChannelsAsync(spec.Name, listingDate, cancellationToken);
        var interrupted = await Ledger.GetInterruptedChannelsAsync(spec.Name, listingDate, cancellationToken);
        if (!settings.Resend && channels.All(c => delivered.Contains(c.Name) || interrupted.Contains(c.Name)))
        {
            return true;
        }

        // Rebuild the same digest (translations come from the cache) and keep the generation time of the files.
        var digest = await DigestBuilder.BuildAsync(papers, spec, listingDate, time.GetUtcNow(), translator, cancellationToken, tldr: Tldr);
        var (_, _) = DigestWriter.Write(settings.Out, digest, settings.Renderers);
        return await DeliverAsync(digest, claim);
    }

    private Task<bool> AlreadyCompleteAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
        store.HasCompleteRunAsync(digest, listingDate, cancellationToken);

    /// <summary>How long after an announcement its listing may still be missing before the old one counts as stale.</summary>
    public static readonly TimeSpan StaleGrace = TimeSpan.FromHours(2);

    /// <summary>
    /// When <paramref name="listingDate"/> is exactly one announcement behind the schedule and the newer announcement
    /// is more than <see cref="StaleGrace"/> old, its announcement time: arXiv serves a stale listing. Null otherwise.
    /// </summary>
    private DateTimeOffset? StaleSince(DateOnly listingDate, DateTimeOffset now)
    {
        var expected = schedule.LatestListingDate(now);
        if (expected <= listingDate)
        {
            return null;
        }

        var due = ArxivSchedule.AnnouncedAt(expected);
        var previous = schedule.LatestListingDate(due.AddMinutes(-1));
        return previous == listingDate && now - due > StaleGrace ? due : null;
    }

    private string NextAnnouncementText(DateTimeOffset now)
    {
        var evening = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, ArxivSchedule.NewYork).DateTime);
        var reason = schedule.ReasonNoAnnouncement(evening) switch
        {
            NoAnnouncementReason.Weekend => "arXiv does not announce on Friday and Saturday evenings; ",
            NoAnnouncementReason.Holiday => $"{evening:yyyy-MM-dd} is an arXiv holiday; ",
            _ => "",
        };
        var next = schedule.NextAnnouncement(now);
        var expected = schedule.LatestListingDate(now);
        return reason + $"latest scheduled listing {expected:yyyy-MM-dd}; next announcement {DisplayTime.Format(next, ArxivSchedule.NewYork)} {ArxivSchedule.NewYorkAbbreviation(next)}";
    }

    private string SourceName() => settings.Source.FromFile is not null ? "file" : settings.Source.Kind == SourceKind.Listing ? "listing" : "rss";

    private static string Describe(Announcement a, bool unchanged)
    {
        if (a.Kind == AnnouncementKind.Empty)
        {
            return $"{a.Category}: no entries{(a.ListingDate is { } d ? $" for {d:yyyy-MM-dd}" : "")}";
        }

        var counts = a.Papers.GroupBy(p => p.AnnounceType).OrderBy(g => g.Key)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{JsonRenderer.AnnounceTypeName(g.Key)} {g.Count()}"));
        return $"{a.Category}: listing {a.ListingDate:yyyy-MM-dd}, {a.Papers.Count} entries ({string.Join(", ", counts)}){(unchanged ? ", unchanged since last fetch" : "")}";
    }
}
