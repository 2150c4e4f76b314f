namespace ArxivDigest.Tests.Support;

/// <summary>
/// Pages for the missed-days tests, built from the real astro-ph pastweek page (Mon 18 – Fri 22 Nov 2024; the same
/// layout as /recent) and the real OAI-PMH captures. There is no recorded /new page for those days, and no
/// recorded metadataPrefix=arXiv harvest with a resumption token: the edits below are the only ones, and each says so.
/// </summary>
public static class RecentPages
{
    public const string PastWeekFile = "listing/pastweek-astro-ph-show1000-2024-11-18_to_22-BROWSER-SAVED.html";

    /// <summary>The token injected into the first OAI page.</summary>
    public const string OaiToken = "6965856|47";

    public static string PastWeek() => File.ReadAllText(Fixtures.At(PastWeekFile));

    /// <summary>
    /// A /new page for Fri 22 Nov 2024: the pastweek page cut to its first day section, whose heading becomes the
    /// mid-2024 /new heading "New submissions for Friday, 22 November 2024 (showing 75 of 75 entries )".
    /// </summary>
    public static string NewFor22Nov()
    {
        var html = PastWeek();
        const string dl = "<dl id=\"articles\">";
        var first = html.IndexOf(dl, StringComparison.Ordinal);
        var second = html.IndexOf(dl, first + dl.Length, StringComparison.Ordinal);
        var lastEnd = html.LastIndexOf("</dl>", StringComparison.Ordinal) + "</dl>".Length;
        var day = html[first..second]
            .Replace("Fri, 22 Nov 2024 (showing 75 of 75 entries )", "New submissions for Friday, 22 November 2024 (showing 75 of 75 entries )", StringComparison.Ordinal);
        return html[..first] + day + html[lastEnd..];
    }

    /// <summary>Page 1 of a cs harvest: the real set=cs capture (46 records) with a resumption token added.</summary>
    public static string OaiPage1() =>
        File.ReadAllText(Fixtures.At("oai/listrecords-arXiv-set-cs-2015-01-16_to_18-captured-2016-01-18.xml"))
            .Replace("</ListRecords>", $"<resumptionToken cursor=\"0\" completeListSize=\"48\">{OaiToken}</resumptionToken>\n</ListRecords>", StringComparison.Ordinal);

    /// <summary>Page 2 (last): the real 2-record capture, unchanged (no token: the end of the list).</summary>
    public static string OaiPage2() => File.ReadAllText(Fixtures.At("oai/listrecords-arXiv-2015-01-01_to_03-captured-2018-06-21.xml"));

    /// <summary>arXiv's real throttling page (served with 503 + Retry-After).</summary>
    public static string Oai503() => File.ReadAllText(Fixtures.At("oai/http503-retry-after-10-captured-2018-06-21.html"));
}
