using System.Globalization;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>
/// The source for days the daily run missed: <c>/list/{cat}/recent</c> names the papers of the last five mailings
/// (new submissions and cross-lists, without abstracts; replacements are not listed), and the API
/// (<c>/api/query?id_list=…</c>, at most <see cref="BatchSize"/> ids per request) supplies the abstracts.
/// Every request goes through the polite client (one at a time per host, the configured interval apart).
/// </summary>
public sealed class RecentSource(PoliteHttpClient http, SourceOptions options)
{
    /// <summary>Ids per API request (the arxiv.py client's page size; well below the API's 2000 slice).</summary>
    public const int BatchSize = 100;

    /// <summary>The day sections of the category's /recent page, newest first.</summary>
    public async Task<IReadOnlyList<Announcement>> FetchRecentAsync(string category, CancellationToken cancellationToken)
    {
        var url = options.RecentUrlFor(category);
        var response = await http.GetAsync(url, null, null, cancellationToken).ConfigureAwait(false);
        return ListingPageParser.ParseRecent(response.Body ?? "", category, url.ToString());
    }

    /// <summary>The API's record of each id it knows (by id without version); ids it does not know are absent.</summary>
    public async Task<IReadOnlyDictionary<string, Paper>> FetchByIdAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, Paper>(StringComparer.Ordinal);
        var distinct = ids.Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < distinct.Count; i += BatchSize)
        {
            var batch = distinct.GetRange(i, Math.Min(BatchSize, distinct.Count - i));
            var url = new Uri(options.ApiUrl.ToString().TrimEnd('/') + "/api/query?id_list="
                + string.Join(",", batch.Select(Uri.EscapeDataString))
                + "&max_results=" + batch.Count.ToString(CultureInfo.InvariantCulture));
            var response = await http.GetAsync(url, null, null, cancellationToken).ConfigureAwait(false);
            var feed = ApiAtomParser.Parse(response.Body ?? "", url.ToString());
            foreach (var p in feed.Papers)
            {
                found.TryAdd(p.Id, p);
            }
        }

        return found;
    }

    /// <summary>
    /// The day's papers with the API's abstract, submission date, DOI and journal reference filled in; the listing's
    /// announce type, listing date, subjects and title stay. Papers the API does not know keep an empty abstract.
    /// </summary>
    public static Announcement WithAbstracts(Announcement day, IReadOnlyDictionary<string, Paper> byId, out int missing)
    {
        var papers = new List<Paper>(day.Papers.Count);
        missing = 0;
        foreach (var p in day.Papers)
        {
            if (byId.TryGetValue(p.Id, out var api))
            {
                papers.Add(p with
                {
                    Abstract = api.Abstract,
                    Published = api.Published,
                    Doi = p.Doi ?? api.Doi,
                    JournalRef = p.JournalRef ?? api.JournalRef,
                    Comments = p.Comments ?? api.Comments,
                    Authors = p.Authors.Count > 0 ? p.Authors : api.Authors,
                });
            }
            else
            {
                missing++;
                papers.Add(p);
            }
        }

        return day with { Papers = papers };
    }
}
