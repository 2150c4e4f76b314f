using System.Globalization;
using ArxivDigest.Papers;
using ArxivDigest.Storage;

namespace ArxivDigest.Arxiv;

/// <summary>What one harvest did: pages read in this invocation, papers saved in total, and whether it resumed.</summary>
public sealed record OaiHarvestResult(string Set, int Pages, int Saved, bool Resumed);

/// <summary>
/// Harvests paper history with OAI-PMH <c>ListRecords</c> (metadataPrefix <c>arXiv</c>) for one archive set and a
/// datestamp range, following resumption tokens, and saves the records with <see cref="IPaperStore.SavePapersAsync"/>
/// (history, not announcements: OAI says nothing about listing dates). After each page the next token and the counts
/// are saved with <see cref="IPaperStore.SaveHarvestStateAsync"/>, so an interrupted harvest resumes where it stopped;
/// a finished harvest clears its state. OAI datestamps are the records' last modification dates, not submission or
/// announcement dates. Throttling (503 + Retry-After) is honoured by <see cref="PoliteHttpClient"/>.
/// </summary>
public sealed class OaiHarvester(PoliteHttpClient http, IPaperStore store, Uri oaiUrl, TimeProvider time)
{
    /// <summary>The source name recorded with harvested papers.</summary>
    public const string SourceName = "oai-pmh";

    private static readonly HashSet<string> PhysicsArchives = new(StringComparer.Ordinal)
    {
        "astro-ph", "cond-mat", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nlin", "nucl-ex", "nucl-th",
        "physics", "quant-ph",
    };

    /// <summary>Reports progress lines ("resuming …", "page N …").</summary>
    public Action<string> Report { get; init; } = _ => { };

    /// <summary>
    /// The OAI set holding a category's archive: <c>cs</c> and <c>cs.LG</c> → <c>cs</c>; <c>hep-th</c> →
    /// <c>physics:hep-th</c>; <c>astro-ph.CO</c> → <c>physics:astro-ph</c>; <c>physics.optics</c> → <c>physics:physics</c>.
    /// </summary>
    public static string SetSpecFor(string category)
    {
        var dot = category.IndexOf('.', StringComparison.Ordinal);
        var archive = dot < 0 ? category : category[..dot];
        return PhysicsArchives.Contains(archive) ? $"physics:{archive}" : archive;
    }

    /// <summary>Whether a harvested paper belongs to one of the categories (an archive matches its sub-categories).</summary>
    public static bool InAny(Paper paper, IReadOnlyCollection<string> categories) =>
        paper.Subjects.Select(s => s.Code).Append(paper.PrimaryCategory).Any(code =>
            categories.Any(c => code.Equals(c, StringComparison.Ordinal) || code.StartsWith(c + ".", StringComparison.Ordinal)));

    /// <summary>The harvest-state key of one harvest (set, range and the category filter).</summary>
    public static string StateKey(string set, DateOnly from, DateOnly until, IReadOnlyCollection<string> categories) =>
        $"oai-pmh:{set}:{from:yyyy-MM-dd}:{until:yyyy-MM-dd}:{string.Join(",", categories.Order(StringComparer.Ordinal))}";

    /// <summary>Harvests records of <paramref name="categories"/> (all in one set) with datestamps from..until.</summary>
    public async Task<OaiHarvestResult> HarvestAsync(IReadOnlyCollection<string> categories, DateOnly from, DateOnly until, CancellationToken cancellationToken)
    {
        var set = SetSpecFor(categories.First());
        var key = StateKey(set, from, until, categories);
        var state = HarvestState.Parse(await store.GetHarvestStateAsync(key, cancellationToken).ConfigureAwait(false));
        var resumed = state is not null;
        if (state is not null)
        {
            Report($"resuming OAI-PMH harvest of {set} ({from:yyyy-MM-dd}..{until:yyyy-MM-dd}) from token {state.Token} ({state.Pages} pages, {state.Saved} papers saved before)");
        }

        var pages = 0;
        var saved = state?.Saved ?? 0;
        var token = state?.Token;
        var restarted = false;
        while (true)
        {
            var url = token is null
                ? Query($"verb=ListRecords&metadataPrefix=arXiv&set={Uri.EscapeDataString(set)}&from={from:yyyy-MM-dd}&until={until:yyyy-MM-dd}")
                : Query($"verb=ListRecords&resumptionToken={Uri.EscapeDataString(token)}");
            OaiPage page;
            try
            {
                var response = await http.GetAsync(url, null, null, cancellationToken).ConfigureAwait(false);
                page = OaiPmhParser.Parse(response.Body ?? "", url.ToString());
            }
            catch (ArxivFormatException e) when (token is not null && !restarted && e.Message.Contains("badResumptionToken", StringComparison.Ordinal))
            {
                // Tokens expire (daily at arXiv): start the range again; upserts make the repeated pages harmless.
                Report($"OAI-PMH token {token} is no longer valid; restarting the harvest of {set} from {from:yyyy-MM-dd}");
                token = null;
                restarted = true;
                continue;
            }

            var kept = page.Papers.Where(p => InAny(p, categories)).ToList();
            if (kept.Count > 0)
            {
                await store.SavePapersAsync(kept, SourceName, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            }

            pages++;
            saved += kept.Count;
            var total = (state?.Pages ?? 0) + pages;
            Report($"OAI-PMH {set} page {total}: {page.Papers.Count} records, {kept.Count} in {string.Join(", ", categories)}"
                + (page.CompleteListSize is { } size ? $" ({Math.Min(size, (page.Cursor ?? 0) + page.Papers.Count + page.DeletedIds.Count)} of {size})" : ""));
            token = page.ResumptionToken;
            var next = token is null ? null : new HarvestState(token, total, saved).ToString();
            await store.SaveHarvestStateAsync(key, next, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (token is null)
            {
                return new OaiHarvestResult(set, pages, saved, resumed);
            }
        }
    }

    private Uri Query(string query) => new(oaiUrl.ToString().TrimEnd('?') + (oaiUrl.Query.Length > 0 ? "&" : "?") + query);

    /// <summary>Saved progress: next token, pages read and papers saved so far (one value per line).</summary>
    private sealed record HarvestState(string Token, int Pages, int Saved)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Token}\n{Pages}\n{Saved}");

        public static HarvestState? Parse(string? text)
        {
            var lines = text?.Split('\n');
            return lines is [var token, var pages, var saved] && token.Length > 0
                   && int.TryParse(pages, NumberStyles.None, CultureInfo.InvariantCulture, out var p)
                   && int.TryParse(saved, NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                ? new HarvestState(token, p, s)
                : null;
        }
    }
}
