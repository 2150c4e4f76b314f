using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ArxivDigest.Digests;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Schedule;
using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Web;

/// <summary>The context a page is rendered in: the request's path and query (for the language links) and the mode.</summary>
public sealed record PageContext(string Path, IReadOnlyList<KeyValuePair<string, string>> Query, HtmlLanguages Languages, bool Math);

/// <summary>
/// The web reader's server-rendered pages. Every text from arXiv, a translator or the request goes through
/// <see cref="HtmlRenderer.Escape"/> (or <see cref="HtmlRenderer.Highlight"/>, which escapes each segment); links are
/// built only from validated ids, dates and digest names. No inline script or style: CSS and JS come from /assets/.
/// </summary>
public static class WebPages
{
    /// <summary>Papers per search page.</summary>
    public const int PageSize = 20;

    private static string E(string text) => HtmlRenderer.Escape(text);

    public static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string N(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The URL of a digest day page.</summary>
    public static string DayUrl(string digest, DateOnly date) => $"/digests/{Uri.EscapeDataString(digest)}/{Iso(date)}";

    /// <summary>The URL of a paper page (old-style ids keep their slash).</summary>
    public static string PaperUrl(string id) => "/papers/" + string.Join('/', id.Split('/').Select(Uri.EscapeDataString));

    public static string ModeName(HtmlLanguages mode) => mode switch
    {
        HtmlLanguages.Original => "original",
        HtmlLanguages.Translation => "translation",
        _ => "both",
    };

    public static string Home(PageContext page, IReadOnlyList<(DigestSpec Spec, Digest? Latest, int Days)> digests, string language)
    {
        var w = new StringBuilder();
        Open(w, page, "arXiv digests", []);
        w.Append("<h1>arXiv digests</h1>\n");
        if (digests.Count == 0)
        {
            w.Append("<p class=\"none\">No digests configured.</p>\n");
        }

        foreach (var (spec, latest, days) in digests)
        {
            w.Append("<section class=\"digest\" aria-labelledby=\"d-").Append(E(spec.Name)).Append("\">\n");
            w.Append("<h2 id=\"d-").Append(E(spec.Name)).Append("\">").Append(E(spec.Name)).Append("</h2>\n");
            w.Append("<p class=\"meta\">").Append(E(string.Join(", ", spec.Categories))).Append(" · ")
                .Append(N(days)).Append(days == 1 ? " day stored" : " days stored").Append(" · <a href=\"/digests/")
                .Append(E(Uri.EscapeDataString(spec.Name))).Append("\">all days</a> · ");
            Feeds(w, spec.Name);
            w.Append("</p>\n");
            if (latest is null)
            {
                w.Append("<p class=\"none\">No stored announcement yet.</p>\n</section>\n");
                continue;
            }

            DigestBody(w, page, latest, language, headingLevel: 3, link: true);
            w.Append("</section>\n");
        }

        return Close(w);
    }

    public static string DigestDays(PageContext page, DigestSpec spec, IReadOnlyList<DateOnly> days)
    {
        var w = new StringBuilder();
        Open(w, page, $"arXiv digest {spec.Name}", Alternates(spec.Name));
        w.Append("<h1>").Append(E(spec.Name)).Append("</h1>\n<p class=\"meta\">").Append(E(string.Join(", ", spec.Categories))).Append(" · ");
        Feeds(w, spec.Name);
        w.Append("</p>\n");
        if (days.Count == 0)
        {
            w.Append("<p class=\"none\">No stored announcement yet.</p>\n");
        }
        else
        {
            w.Append("<ul class=\"days\">\n");
            foreach (var d in days)
            {
                w.Append("<li><a href=\"").Append(E(DayUrl(spec.Name, d))).Append("\">").Append(Iso(d)).Append("</a></li>\n");
            }

            w.Append("</ul>\n");
        }

        return Close(w);
    }

    public static string Day(PageContext page, Digest digest, DateOnly? older, DateOnly? newer, string language)
    {
        var w = new StringBuilder();
        Open(w, page, $"arXiv digest {digest.Name}: {Iso(digest.ListingDate)}", Alternates(digest.Name));
        w.Append("<nav class=\"days\" aria-label=\"Days\">");
        if (older is { } o)
        {
            w.Append("<a rel=\"prev\" href=\"").Append(E(DayUrl(digest.Name, o))).Append("\">← ").Append(Iso(o)).Append("</a>");
        }
        else
        {
            w.Append("<span class=\"off\">← no earlier day</span>");
        }

        w.Append(" <a href=\"/digests/").Append(E(Uri.EscapeDataString(digest.Name))).Append("\">all days</a> ");
        if (newer is { } n)
        {
            w.Append("<a rel=\"next\" href=\"").Append(E(DayUrl(digest.Name, n))).Append("\">").Append(Iso(n)).Append(" →</a>");
        }
        else
        {
            w.Append("<span class=\"off\">no later day →</span>");
        }

        w.Append(" · ");
        Feeds(w, digest.Name);
        w.Append("</nav>\n");
        w.Append("<h1>").Append(E(digest.Name)).Append(": ").Append(Iso(digest.ListingDate)).Append("</h1>\n");
        DigestBody(w, page, digest, language, headingLevel: 2, link: false);
        return Close(w);
    }

    public static string PaperPage(PageContext page, PaperRecord record, string language)
    {
        var p = record.Latest;
        var w = new StringBuilder();
        Open(w, page, $"{p.Title} (arXiv:{p.Id})", []);
        var labels = Labels.For(language);
        w.Append("<article class=\"paper\">\n");
        TitleBlock(w, page, p, record.Title, labels, language, [], 1, link: false);
        Fields(w, p);
        Abstracts(w, page, p, record.Abstract, labels, language, [], 2);
        w.Append("</article>\n");

        w.Append("<section aria-labelledby=\"versions\">\n<h2 id=\"versions\">Versions seen</h2>\n<ol class=\"versions\">\n");
        foreach (var v in record.Versions)
        {
            w.Append("<li><strong>").Append(v.Version is { } n ? "v" + N(n) : "version unknown").Append("</strong>: <span lang=\"en\">")
                .Append(E(v.Title)).Append("</span>");
            if (!ReferenceEquals(v, p))
            {
                w.Append("<details><summary>fields of this version</summary>\n");
                Fields(w, v);
                w.Append("<p lang=\"en\" class=\"abstract\">").Append(E(v.Abstract)).Append("</p></details>");
            }

            w.Append("</li>\n");
        }

        w.Append("</ol>\n</section>\n");
        w.Append("<section aria-labelledby=\"listings\">\n<h2 id=\"listings\">Announcements</h2>\n");
        if (record.Listings.Count == 0)
        {
            w.Append("<p class=\"none\">Not in any stored announcement.</p>\n");
        }
        else
        {
            w.Append("<ul>\n");
            foreach (var l in record.Listings)
            {
                w.Append("<li>").Append(Iso(l.ListingDate)).Append(' ').Append(E(l.Category)).Append(" (")
                    .Append(JsonRenderer.AnnounceTypeName(l.AnnounceType)).Append(l.Version > 0 ? ", v" + N(l.Version) : "").Append(")</li>\n");
            }

            w.Append("</ul>\n");
        }

        w.Append("</section>\n");
        return Close(w);
    }

    public static string Search(PageContext page, string? q, string? from, string? to, string? category, int pageNumber, SearchResults? results, string? error)
    {
        var w = new StringBuilder();
        Open(w, page, string.IsNullOrWhiteSpace(q) ? "Search" : $"Search: {q}", [], siteSearch: false);
        w.Append("<h1>Search</h1>\n");
        w.Append("<form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">\n");
        Input(w, "q", "Query", "search", q, "e.g. \"diffusion policy\" AND cat:cs.RO");
        Input(w, "from", "From (listing date)", "date", from, null);
        Input(w, "to", "To", "date", to, null);
        Input(w, "cat", "Category", "text", category, "e.g. cs.AI or cs");
        w.Append("<button type=\"submit\">Search</button>\n</form>\n");
        if (error is not null)
        {
            w.Append("<p class=\"error\" role=\"alert\">").Append(E(error)).Append("</p>\n");
        }

        if (results is not null)
        {
            var first = (pageNumber - 1) * PageSize;
            w.Append("<p class=\"count\" role=\"status\">").Append(results.More ? "more than " : "").Append(N(results.More ? results.Total - 1 : results.Total))
                .Append(results.Total == 1 && !results.More ? " paper" : " papers");
            if (results.Hits.Count > 0)
            {
                w.Append(", ").Append(N(first + 1)).Append('–').Append(N(first + results.Hits.Count));
            }

            w.Append("</p>\n");
            var labels = Labels.For("en");
            foreach (var hit in results.Hits)
            {
                var terms = Terms(hit.Match.Terms.Select(t => string.Join(' ', t)));
                w.Append("<article class=\"hit\">\n");
                TitleBlock(w, page, hit.Paper, TranslatedText.Disabled, labels, "en", terms, 2, link: true, translation: false);
                w.Append("<p class=\"meta\">").Append(E(string.Join(", ", hit.Paper.Authors))).Append("</p>\n");
                w.Append("<p class=\"meta\">").Append(hit.Paper.ListingDate is { } d ? "Listed " + Iso(d) + " · " : "")
                    .Append(E(hit.Paper.PrimaryCategory)).Append(" · matched: ").Append(E(DigestBuilder.Matched(hit.Match))).Append("</p>\n");
                w.Append("<p lang=\"en\" class=\"abstract snippet\">").Append(HtmlRenderer.Highlight(Shorten(hit.Paper.Abstract, 400), terms)).Append("</p>\n");
                w.Append("</article>\n");
            }

            var pages = results.More ? pageNumber + 1 : (results.Total + PageSize - 1) / PageSize;
            if (pages > 1)
            {
                w.Append("<nav class=\"pages\" aria-label=\"Result pages\">");
                if (pageNumber > 1)
                {
                    w.Append("<a rel=\"prev\" href=\"").Append(E(SearchUrl(q, from, to, category, pageNumber - 1))).Append("\">← previous</a> ");
                }

                w.Append("<span>page ").Append(N(pageNumber)).Append(results.More ? "" : " of " + N(pages)).Append("</span>");
                if (pageNumber < pages)
                {
                    w.Append(" <a rel=\"next\" href=\"").Append(E(SearchUrl(q, from, to, category, pageNumber + 1))).Append("\">next →</a>");
                }

                w.Append("</nav>\n");
            }
        }

        return Close(w);
    }

    public static string SearchUrl(string? q, string? from, string? to, string? category, int pageNumber)
    {
        var parts = new List<string>();
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                parts.Add(name + "=" + Uri.EscapeDataString(value));
            }
        }

        Add("q", q);
        Add("from", from);
        Add("to", to);
        Add("cat", category);
        if (pageNumber > 1)
        {
            Add("page", N(pageNumber));
        }

        return "/search" + (parts.Count > 0 ? "?" + string.Join('&', parts) : "");
    }

    public static string Message(PageContext page, string title, string text)
    {
        var w = new StringBuilder();
        Open(w, page, title, []);
        w.Append("<h1>").Append(E(title)).Append("</h1>\n<p>").Append(E(text)).Append("</p>\n<p><a href=\"/\">Home</a></p>\n");
        return Close(w);
    }

    /// <summary>Rendered digest bodies by digest instance (a rebuilt digest is a new instance) and layout.</summary>
    private static readonly ConditionalWeakTable<Digest, ConcurrentDictionary<string, string>> Bodies = new();

    private static void DigestBody(StringBuilder w, PageContext page, Digest digest, string language, int headingLevel, bool link)
    {
        var key = $"{ModeName(page.Languages)}/{language}/{N(headingLevel)}/{link}";
        w.Append(Bodies.GetOrCreateValue(digest).GetOrAdd(key, _ =>
        {
            var body = new StringBuilder();
            RenderDigestBody(body, page, digest, language, headingLevel, link);
            return body.ToString();
        }));
    }

    private static void RenderDigestBody(StringBuilder w, PageContext page, Digest digest, string language, int headingLevel, bool link)
    {
        var labels = Labels.For(digest.Language);
        var labelsLang = LabelsTag(labels);
        w.Append("<p class=\"meta\" lang=\"").Append(labelsLang).Append("\">").Append(E(labels.Header(digest))).Append("</p>\n");
        w.Append("<p class=\"count\">");
        if (link)
        {
            w.Append("<a href=\"").Append(E(DayUrl(digest.Name, digest.ListingDate))).Append("\">").Append(Iso(digest.ListingDate)).Append("</a>: ");
        }

        w.Append("<span lang=\"").Append(labelsLang).Append("\">").Append(E(labels.Count(digest.Count))).Append("</span> · status <span class=\"status-").Append(JsonRenderer.StatusName(digest.Status)).Append("\">")
            .Append(JsonRenderer.StatusName(digest.Status)).Append("</span></p>\n");
        var h = "h" + N(headingLevel);
        foreach (var group in digest.Groups)
        {
            w.Append("<section class=\"group\">\n<").Append(h).Append(" class=\"group\">Keyword: ").Append(E(group.Query)).Append(" (")
                .Append(N(group.Papers.Count)).Append(")</").Append(h).Append(">\n");
            if (group.Papers.Count == 0)
            {
                w.Append("<p class=\"none\">—</p>\n");
            }

            foreach (var entry in group.Papers)
            {
                var terms = Terms(entry.Terms.Select(t => string.Join(' ', t)).Append(group.Query).Append(entry.Matched));
                w.Append("<article class=\"paper\"");
                if (!link)
                {
                    w.Append(" id=\"arxiv-").Append(E(entry.Paper.Id)).Append('"');
                }

                w.Append(">\n");
                TitleBlock(w, page, entry.Paper, entry.Title, labels, language, terms, headingLevel + 1, link: true);
                if (entry.Tldr is { } tldr)
                {
                    w.Append("<p class=\"tldr\" lang=\"").Append(E(language)).Append("\"><strong>TL;DR</strong> ").Append(E(tldr)).Append("</p>\n");
                }

                Fields(w, entry.Paper);
                Abstracts(w, page, entry.Paper, entry.Abstract, labels, language, terms, headingLevel + 2);
                w.Append("</article>\n");
            }

            w.Append("</section>\n");
        }
    }

    private static void TitleBlock(StringBuilder w, PageContext page, Paper p, TranslatedText title, Labels labels, string language, IReadOnlyList<string[]> terms, int level, bool link, bool translation = true)
    {
        var h = "h" + N(Math.Min(level, 6));
        var showOriginal = page.Languages != HtmlLanguages.Translation || title.State != TranslationState.Done || !translation;
        if (showOriginal)
        {
            w.Append('<').Append(h).Append(" class=\"title\" lang=\"en\">");
            if (link)
            {
                w.Append("<a href=\"").Append(E(PaperUrl(p.Id))).Append("\">").Append(HtmlRenderer.Highlight(p.Title, terms)).Append("</a>");
            }
            else
            {
                w.Append(HtmlRenderer.Highlight(p.Title, terms));
            }

            w.Append("</").Append(h).Append(">\n");
        }

        if (translation && page.Languages != HtmlLanguages.Original && title.State != TranslationState.Disabled)
        {
            var tag = showOriginal ? "p" : h;
            w.Append('<').Append(tag).Append(" class=\"title-tr\" lang=\"").Append(E(Tag(language))).Append("\">");
            if (link && !showOriginal)
            {
                w.Append("<a href=\"").Append(E(PaperUrl(p.Id))).Append("\">").Append(E(labels.Translation(title))).Append("</a>");
            }
            else
            {
                w.Append(E(labels.Translation(title)));
            }

            w.Append("</").Append(tag).Append(">\n");
        }
    }

    private static void Fields(StringBuilder w, Paper p)
    {
        var version = p.Version is { } v ? "v" + N(v) : "";
        w.Append("<dl>\n<dt>Authors</dt><dd>").Append(E(string.Join(", ", p.Authors))).Append("</dd>\n");
        w.Append("<dt>Subjects</dt><dd>").Append(E(string.Join("; ", p.Subjects))).Append("</dd>\n");
        if (p.Comments is { } comments)
        {
            w.Append("<dt>Comments</dt><dd>").Append(E(comments)).Append("</dd>\n");
        }

        if (p.JournalRef is { } journal)
        {
            w.Append("<dt>Journal ref</dt><dd>").Append(E(journal)).Append("</dd>\n");
        }

        if (p.Doi is { } doi)
        {
            w.Append("<dt>DOI</dt><dd>").Append(E(doi)).Append("</dd>\n");
        }

        if (p.Published is { } published)
        {
            w.Append("<dt>Submitted</dt><dd>").Append(Iso(published)).Append("</dd>\n");
        }

        w.Append("<dt>Links</dt><dd><a href=\"").Append(E(p.AbsUrl)).Append("\">arXiv:").Append(E(p.Id + version)).Append("</a> · <a href=\"")
            .Append(E(p.PdfUrl + version)).Append("\">pdf</a> · <a href=\"").Append(E($"https://arxiv.org/html/{p.Id}{version}"))
            .Append("\">html</a></dd>\n</dl>\n");
    }

    /// <summary>The abstract and its translation, each under a heading of <paramref name="level"/> (one below the title's).</summary>
    private static void Abstracts(StringBuilder w, PageContext page, Paper p, TranslatedText translated, Labels labels, string language, IReadOnlyList<string[]> terms, int level)
    {
        var h = "h" + N(Math.Min(level, 6));
        var mode = page.Languages;
        var hasTranslation = translated.State != TranslationState.Disabled;
        w.Append("<div class=\"abstracts").Append(mode == HtmlLanguages.Both && hasTranslation ? " both" : "").Append("\">\n");
        if (mode != HtmlLanguages.Translation || translated.State != TranslationState.Done)
        {
            w.Append("<div lang=\"en\"><").Append(h).Append(" class=\"abstract-head\">Abstract</").Append(h).Append("><p class=\"abstract\">").Append(HtmlRenderer.Highlight(p.Abstract, terms)).Append("</p></div>\n");
        }

        if (mode != HtmlLanguages.Original && hasTranslation)
        {
            w.Append("<div lang=\"").Append(E(Tag(language))).Append("\"><").Append(h).Append(" class=\"abstract-head\">").Append(E(labels.TranslatedAbstract))
                .Append("</").Append(h).Append("><p class=\"abstract")
                .Append(translated.State == TranslationState.Done ? "" : " missing").Append("\">").Append(E(labels.Translation(translated))).Append("</p></div>\n");
        }

        w.Append("</div>\n");
    }

    private static void Input(StringBuilder w, string name, string label, string type, string? value, string? placeholder)
    {
        w.Append("<label for=\"f-").Append(name).Append("\">").Append(E(label)).Append("</label> <input id=\"f-").Append(name).Append("\" name=\"")
            .Append(name).Append("\" type=\"").Append(type).Append("\" value=\"").Append(E(value ?? "")).Append('"');
        if (placeholder is not null)
        {
            w.Append(" placeholder=\"").Append(E(placeholder)).Append('"');
        }

        w.Append(">\n");
    }

    private static IReadOnlyList<string[]> Terms(IEnumerable<string> phrases) =>
        phrases.SelectMany(q => q.Split(" | ", StringSplitOptions.RemoveEmptyEntries))
            .Select(q => Tokens.Fold(q).ToArray())
            .Where(t => t.Length > 0)
            .DistinctBy(t => string.Join(' ', t), StringComparer.Ordinal)
            .OrderByDescending(t => t.Length)
            .ToList();

    private static string Shorten(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var cut = text.LastIndexOf(' ', max);
        return text[..(cut > 0 ? cut : max)] + " …";
    }

    private static string Tag(string language) => string.Equals(language, "zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : language;

    /// <summary>The language of a digest's fixed words (<see cref="Labels"/> has Chinese and English).</summary>
    private static string LabelsTag(Labels labels) => ReferenceEquals(labels, Labels.Chinese) ? "zh-CN" : "en";

    private static void Feeds(StringBuilder w, string digest)
    {
        var d = E(Uri.EscapeDataString(digest));
        w.Append("<a href=\"/digests/").Append(d).Append("/feed.rss\">RSS</a> · <a href=\"/digests/").Append(d).Append("/feed.atom\">Atom</a>");
    }

    private static IReadOnlyList<(string Type, string Href)> Alternates(string digest)
    {
        var d = Uri.EscapeDataString(digest);
        return [("application/rss+xml", $"/digests/{d}/feed.rss"), ("application/atom+xml", $"/digests/{d}/feed.atom")];
    }

    private static void Open(StringBuilder w, PageContext page, string title, IReadOnlyList<(string Type, string Href)> alternates, bool siteSearch = true)
    {
        w.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.Append("<title>").Append(E(title)).Append("</title>\n<link rel=\"stylesheet\" href=\"/assets/site.css\">\n<link rel=\"icon\" href=\"data:,\">\n");
        foreach (var (type, href) in alternates)
        {
            w.Append("<link rel=\"alternate\" type=\"").Append(type).Append("\" href=\"").Append(E(href)).Append("\">\n");
        }

        if (page.Math)
        {
            w.Append("<link rel=\"stylesheet\" href=\"/assets/katex/katex.min.css\">\n");
            w.Append("<script defer src=\"/assets/katex/katex.min.js\"></script>\n<script defer src=\"/assets/katex/contrib/auto-render.min.js\"></script>\n");
            w.Append("<script defer src=\"/assets/app.js\"></script>\n");
        }

        w.Append("</head>\n<body>\n<a class=\"skip\" href=\"#main\">Skip to content</a>\n<header class=\"site\">\n<nav aria-label=\"Site\"><a href=\"/\">Home</a> <a href=\"/search\">Search</a></nav>\n");
        w.Append("<nav class=\"lang\" aria-label=\"Language\"><span id=\"lang-label\">Show:</span> ");
        foreach (var mode in new[] { HtmlLanguages.Original, HtmlLanguages.Translation, HtmlLanguages.Both })
        {
            var name = ModeName(mode);
            var query = page.Query.Where(kv => kv.Key != "lang").Append(new("lang", name))
                .Select(kv => Uri.EscapeDataString(kv.Key) + "=" + Uri.EscapeDataString(kv.Value));
            w.Append("<a href=\"").Append(E(page.Path + "?" + string.Join('&', query))).Append('"');
            if (mode == page.Languages)
            {
                w.Append(" aria-current=\"true\"");
            }

            w.Append(">").Append(name).Append("</a> ");
        }

        w.Append("</nav>\n");
        if (siteSearch)
        {
            // The search page has its own, fuller form; every other page can start a search from the header.
            w.Append("<form class=\"site-search\" action=\"/search\" method=\"get\" role=\"search\"><label for=\"site-q\">Search papers</label> ")
                .Append("<input id=\"site-q\" name=\"q\" type=\"search\"> <button type=\"submit\">Search</button></form>\n");
        }

        w.Append("</header>\n<main id=\"main\">\n");
    }

    private static string Close(StringBuilder w)
    {
        w.Append("</main>\n<footer class=\"site\"><p><a href=\"/api/digests\">JSON API</a> · <a href=\"/openapi.json\">OpenAPI</a></p></footer>\n</body>\n</html>\n");
        return w.ToString();
    }
}
