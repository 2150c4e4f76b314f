using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using ArxivDigest.Digests;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Storage;
using ArxivDigest.Translation;

namespace ArxivDigest.Output;

/// <summary>What <see cref="SiteBuilder.BuildAsync"/> produced.</summary>
/// <param name="Days">Distinct listing dates that got at least one day page (across all digests).</param>
/// <param name="Pages">HTML pages in the site: the root index, one index per digest and one page per digest and day.</param>
/// <param name="Files">Every file of the site (pages and feeds), full paths, in a fixed order.</param>
public sealed record SiteResult(int Days, int Pages, IReadOnlyList<string> Files);

/// <summary>
/// Builds a static, self-contained site from the stored announcements: <c>index.html</c> (every digest, days newest
/// first, with counts), <c>{digest}/index.html</c>, <c>{digest}/{yyyy-MM-dd}.html</c> (the <see cref="HtmlRenderer"/>
/// page with previous/next day navigation injected), and <c>{digest}/feed.rss.xml</c> / <c>{digest}/feed.atom.xml</c>
/// over the latest <see cref="FeedDays"/> days. Pages carry inline CSS only and make no external requests; the only
/// absolute links point at arxiv.org. The output depends only on the store, the specs, the dates, the translator's
/// answers and <c>generatedAt</c>, so rebuilding gives the same bytes.
/// </summary>
public static class SiteBuilder
{
    private static string Escape(string text) => HtmlRenderer.Escape(text);

    /// <summary>How many of a digest's newest days its feeds cover.</summary>
    public const int FeedDays = 30;

    public const string RssFileName = "feed.rss.xml";

    public const string AtomFileName = "feed.atom.xml";

    private const string SiteStyle = """
        :root{color-scheme:light dark;--fg:#1f2328;--muted:#636c76;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;--accent:#b31b1b}
        @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#161b22;--line:#30363d;--accent:#ff7b72}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:80rem;padding:1rem;color:var(--fg);background:var(--bg);font:16px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;overflow-wrap:anywhere}
        header{border-bottom:2px solid var(--accent);margin-bottom:1rem}
        h1{font-size:1.5rem;margin:.2rem 0}
        h2{font-size:1.25rem;margin:1.5rem 0 .5rem;color:var(--accent)}
        a{color:inherit}
        .meta{color:var(--muted);font-size:.9rem;margin:.25rem 0}
        table{border-collapse:collapse;margin:.5rem 0 1rem}
        th,td{border:1px solid var(--line);padding:.25rem .75rem;text-align:left}
        th{background:var(--card)}
        td.n{text-align:right}
        .none{color:var(--muted)}
        """;

    private const string NavStyle = """
        nav.site{display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.9rem;margin:.5rem 0;padding:.4rem .6rem;border:1px solid var(--line,#d0d7de);border-radius:8px}
        nav.site .spacer{flex:1}
        nav.site .off{color:var(--muted,#636c76)}
        """;

    private const string RssDublinCore = "http://purl.org/dc/elements/1.1/";

    /// <summary>Every listing date stored for any category of the specs, newest first (what <see cref="BuildAsync"/> takes).</summary>
    public static async Task<IReadOnlyList<DateOnly>> ListingDatesAsync(IPaperStore store, IEnumerable<DigestSpec> specs, CancellationToken ct)
    {
        var dates = new SortedSet<DateOnly>();
        foreach (var category in specs.SelectMany(s => s.Categories).Distinct(StringComparer.Ordinal))
        {
            dates.UnionWith(await store.GetListingDatesAsync(category, ct));
        }

        return dates.Reverse().ToList();
    }

    /// <summary>
    /// Builds the site into <paramref name="outDir"/>. For each spec and each of <paramref name="dates"/> on which at
    /// least one of the spec's categories has a stored announcement, builds the digest from the announced papers of
    /// all its categories; other dates are skipped for that spec. Files are written atomically; unchanged files are
    /// left untouched. Files of earlier builds that this build does not produce are not removed.
    /// </summary>
    public static async Task<SiteResult> BuildAsync(
        IPaperStore store,
        IReadOnlyList<DigestSpec> specs,
        IReadOnlyList<DateOnly> dates,
        ITranslator translator,
        DateTimeOffset generatedAt,
        string outDir,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(dates);
        ArgumentNullException.ThrowIfNull(translator);
        ArgumentException.ThrowIfNullOrEmpty(outDir);
        ValidateNames(specs);

        var days = dates.Distinct().OrderDescending().ToList();
        var built = new List<(DigestSpec Spec, IReadOnlyList<Digest> Days)>();
        foreach (var spec in specs)
        {
            var digests = new List<Digest>();
            foreach (var date in days)
            {
                ct.ThrowIfCancellationRequested();
                var papers = new List<Paper>();
                var any = false;
                var empty = true;
                foreach (var category in spec.Categories.Distinct(StringComparer.Ordinal))
                {
                    var stored = await store.GetAnnouncementAsync(category, date, ct);
                    if (stored is null)
                    {
                        continue;
                    }

                    any = true;
                    var announced = await store.GetAnnouncedPapersAsync(category, date, ct);
                    empty &= announced.Count == 0;
                    papers.AddRange(announced);
                }

                if (!any)
                {
                    continue;
                }

                digests.Add(await DigestBuilder.BuildAsync(papers, spec, date, generatedAt, translator, ct, noAnnouncement: empty));
            }

            built.Add((spec, digests));
        }

        Directory.CreateDirectory(outDir);
        var files = new List<string>();
        var pages = 0;

        void Write(string path, string content)
        {
            if (!(File.Exists(path) && File.ReadAllText(path) == content))
            {
                DigestWriter.WriteAtomically(path, content);
            }

            files.Add(path);
        }

        Write(Path.Combine(outDir, "index.html"), RootIndex(built, generatedAt));
        pages++;
        var html = new HtmlRenderer();
        foreach (var (spec, digests) in built)
        {
            var dir = Path.Combine(outDir, spec.Name);
            Directory.CreateDirectory(dir);
            Write(Path.Combine(dir, "index.html"), DigestIndex(spec, digests, generatedAt));
            pages++;
            for (var i = 0; i < digests.Count; i++)
            {
                // digests are newest first: the previous (older) day follows, the next (newer) day precedes.
                var older = i + 1 < digests.Count ? digests[i + 1].ListingDate : (DateOnly?)null;
                var newer = i > 0 ? digests[i - 1].ListingDate : (DateOnly?)null;
                Write(Path.Combine(dir, DayFile(digests[i].ListingDate)), DayPage(html.RenderToString(digests[i]), spec, older, newer));
                pages++;
            }

            var recent = digests.Take(FeedDays).ToList();
            Write(Path.Combine(dir, RssFileName), MergedRss(spec, recent));
            Write(Path.Combine(dir, AtomFileName), MergedAtom(spec, recent));
        }

        var dayCount = built.SelectMany(b => b.Days.Select(d => d.ListingDate)).Distinct().Count();
        return new SiteResult(dayCount, pages, files);
    }

    /// <summary><c>2024-08-09.html</c>.</summary>
    public static string DayFile(DateOnly date) => $"{Iso(date)}.html";

    private static void ValidateNames(IReadOnlyList<DigestSpec> specs)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var spec in specs)
        {
            var name = spec.Name;
            if (name.Length == 0 || name.StartsWith('.') || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                || string.Equals(name, "index.html", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"digest name '{name}' cannot be a site folder (use letters, digits, '-', '_', '.')", nameof(specs));
            }

            if (!seen.Add(name))
            {
                throw new ArgumentException($"digest name '{name}' appears twice", nameof(specs));
            }
        }
    }

    private static string RootIndex(IReadOnlyList<(DigestSpec Spec, IReadOnlyList<Digest> Days)> built, DateTimeOffset generatedAt)
    {
        var w = new StringBuilder();
        Head(w, "arXiv digests");
        w.Append("<header>\n<h1>arXiv digests</h1>\n");
        w.Append("<p class=\"meta\">Generated: ").Append(Escape(Stamp(generatedAt))).Append("</p>\n</header>\n<main>\n");

        w.Append("<h2>Digests</h2>\n<ul>\n");
        foreach (var (spec, digests) in built)
        {
            var folder = Href(spec.Name) + "/";
            w.Append("<li><a href=\"").Append(folder).Append("index.html\">").Append(Escape(spec.Name)).Append("</a>: ")
                .Append(Escape(Describe(spec))).Append("; ").Append(Count(digests.Count, "day")).Append(" (")
                .Append("<a href=\"").Append(folder).Append(RssFileName).Append("\">RSS</a>, ")
                .Append("<a href=\"").Append(folder).Append(AtomFileName).Append("\">Atom</a>)</li>\n");
        }

        w.Append("</ul>\n");

        var all = built.SelectMany(b => b.Days.Select(d => d.ListingDate)).Distinct().OrderDescending().ToList();
        w.Append("<h2>Days</h2>\n");
        if (all.Count == 0)
        {
            w.Append("<p class=\"none\">No stored announcements.</p>\n");
        }
        else
        {
            w.Append("<table>\n<thead><tr><th>Listing date</th>");
            foreach (var (spec, _) in built)
            {
                w.Append("<th><a href=\"").Append(Href(spec.Name)).Append("/index.html\">").Append(Escape(spec.Name)).Append("</a></th>");
            }

            w.Append("</tr></thead>\n<tbody>\n");
            foreach (var date in all)
            {
                w.Append("<tr><td>").Append(Iso(date)).Append("</td>");
                foreach (var (spec, digests) in built)
                {
                    var digest = digests.FirstOrDefault(d => d.ListingDate == date);
                    if (digest is null)
                    {
                        w.Append("<td class=\"n none\">—</td>");
                    }
                    else
                    {
                        w.Append("<td class=\"n\"><a href=\"").Append(Href(spec.Name)).Append('/').Append(DayFile(date)).Append("\">")
                            .Append(Count(digest.Count, "paper")).Append("</a></td>");
                    }
                }

                w.Append("</tr>\n");
            }

            w.Append("</tbody>\n</table>\n");
        }

        w.Append("</main>\n</body>\n</html>\n");
        return w.ToString();
    }

    private static string DigestIndex(DigestSpec spec, IReadOnlyList<Digest> digests, DateTimeOffset generatedAt)
    {
        var w = new StringBuilder();
        var title = $"arXiv digest {spec.Name}";
        Head(w, title, feeds: true);
        w.Append("<nav class=\"site\"><a href=\"../index.html\">All digests</a><span class=\"spacer\"></span>")
            .Append("<a href=\"").Append(RssFileName).Append("\">RSS</a><a href=\"").Append(AtomFileName).Append("\">Atom</a></nav>\n");
        w.Append("<header>\n<h1>").Append(Escape(title)).Append("</h1>\n");
        w.Append("<p class=\"meta\">").Append(Escape(Describe(spec))).Append("</p>\n");
        w.Append("<p class=\"meta\">Generated: ").Append(Escape(Stamp(generatedAt))).Append("</p>\n</header>\n<main>\n");
        if (digests.Count == 0)
        {
            w.Append("<p class=\"none\">No stored announcements for these categories.</p>\n");
        }
        else
        {
            w.Append("<table>\n<thead><tr><th>Listing date</th><th>Papers</th>");
            var queries = digests[0].Groups.Select(g => g.Query).ToList();
            foreach (var q in queries)
            {
                w.Append("<th>").Append(Escape(q)).Append("</th>");
            }

            w.Append("</tr></thead>\n<tbody>\n");
            foreach (var d in digests)
            {
                w.Append("<tr><td><a href=\"").Append(DayFile(d.ListingDate)).Append("\">").Append(Iso(d.ListingDate)).Append("</a>");
                if (d.Status == DigestStatus.NoAnnouncement)
                {
                    w.Append(" <span class=\"none\">(no announcement)</span>");
                }

                w.Append("</td><td class=\"n\">").Append(d.Count.ToString(CultureInfo.InvariantCulture)).Append("</td>");
                foreach (var g in d.Groups)
                {
                    w.Append("<td class=\"n\">").Append(g.Papers.Count.ToString(CultureInfo.InvariantCulture)).Append("</td>");
                }

                w.Append("</tr>\n");
            }

            w.Append("</tbody>\n</table>\n");
        }

        w.Append("</main>\n</body>\n</html>\n");
        return w.ToString();
    }

    /// <summary>The renderer's page with the site style, feed links and a navigation bar above and below the digest.</summary>
    private static string DayPage(string page, DigestSpec spec, DateOnly? older, DateOnly? newer)
    {
        var nav = new StringBuilder("<nav class=\"site\">");
        nav.Append("<a href=\"../index.html\">All digests</a>");
        nav.Append("<a href=\"index.html\">").Append(Escape(spec.Name)).Append(": all days</a>");
        nav.Append("<span class=\"spacer\"></span>");
        nav.Append(older is { } o
            ? $"<a rel=\"prev\" href=\"{DayFile(o)}\">← {Iso(o)}</a>"
            : "<span class=\"off\">← no earlier day</span>");
        nav.Append(newer is { } n
            ? $"<a rel=\"next\" href=\"{DayFile(n)}\">{Iso(n)} →</a>"
            : "<span class=\"off\">no later day →</span>");
        nav.Append("</nav>\n");
        var bar = nav.ToString();

        var head = "<style>\n" + NavStyle.Replace("\r\n", "\n", StringComparison.Ordinal) + "\n</style>\n" + FeedLinks();
        page = InsertBefore(page, "</head>", head, atStart: true);
        page = InsertAfter(page, "<body>\n", bar);
        return InsertBefore(page, "</body>", bar, atStart: false);
    }

    private static string InsertBefore(string page, string marker, string text, bool atStart)
    {
        var at = page.LastIndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? (atStart ? text + page : page + text) : page.Insert(at, text);
    }

    private static string InsertAfter(string page, string marker, string text)
    {
        var at = page.IndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? text + page : page.Insert(at + marker.Length, text);
    }

    private static void Head(StringBuilder w, string title, bool feeds = false)
    {
        w.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        w.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.Append("<meta name=\"generator\" content=\"ArxivDigest\">\n");
        w.Append("<title>").Append(Escape(title)).Append("</title>\n");
        w.Append("<style>\n").Append(SiteStyle.Replace("\r\n", "\n", StringComparison.Ordinal)).Append('\n')
            .Append(NavStyle.Replace("\r\n", "\n", StringComparison.Ordinal)).Append("\n</style>\n");
        if (feeds)
        {
            w.Append(FeedLinks());
        }

        w.Append("</head>\n<body>\n");
    }

    private static string FeedLinks() =>
        $"<link rel=\"alternate\" type=\"application/rss+xml\" title=\"RSS\" href=\"{RssFileName}\">\n"
        + $"<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Atom\" href=\"{AtomFileName}\">\n";

    /// <summary>
    /// One RSS channel over the days (newest first): each day rendered by <see cref="RssRenderer"/>, its items kept in
    /// order; a paper version seen on several days appears once (on its newest day), so GUIDs stay unique.
    /// </summary>
    public static string MergedRss(DigestSpec spec, IReadOnlyList<Digest> days)
    {
        var renderer = new RssRenderer();
        var items = new List<XElement>();
        var guids = new HashSet<string>(StringComparer.Ordinal);
        string? language = null;
        string? date = null;
        foreach (var day in days)
        {
            var channel = XDocument.Parse(renderer.RenderToString(day)).Root!.Element("channel")!;
            language ??= channel.Element("language")?.Value;
            date ??= channel.Element("pubDate")?.Value;
            foreach (var item in channel.Elements("item"))
            {
                if (guids.Add(item.Element("guid")?.Value ?? item.Element("link")?.Value ?? ""))
                {
                    items.Add(item);
                }
            }
        }

        var sw = new StringWriter { NewLine = "\n" };
        sw.Write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        using (var x = XmlWriter.Create(sw, Settings()))
        {
            x.WriteStartElement("rss");
            x.WriteAttributeString("version", "2.0");
            x.WriteAttributeString("xmlns", "dc", null, RssDublinCore);
            x.WriteStartElement("channel");
            x.WriteElementString("title", RssRenderer.Safe($"arXiv digest {spec.Name}"));
            x.WriteElementString("link", "https://arxiv.org");
            x.WriteElementString("description", RssRenderer.Safe(FeedDescription(spec, days)));
            x.WriteElementString("language", language ?? HtmlLanguage(spec.Language).ToLowerInvariant());
            if (date is not null)
            {
                x.WriteElementString("pubDate", date);
                x.WriteElementString("lastBuildDate", date);
            }

            x.WriteElementString("generator", "ArxivDigest");
            foreach (var item in items)
            {
                item.WriteTo(x);
            }

            x.WriteEndElement();
            x.WriteEndElement();
        }

        sw.Write('\n');
        return sw.ToString();
    }

    /// <summary>One Atom feed over the days, entries from <see cref="AtomRenderer"/>, one per paper version.</summary>
    public static string MergedAtom(DigestSpec spec, IReadOnlyList<Digest> days)
    {
        XNamespace a = AtomRenderer.Namespace;
        var renderer = new AtomRenderer();
        var entries = new List<XElement>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? updated = null;
        foreach (var day in days)
        {
            var feed = XDocument.Parse(renderer.RenderToString(day)).Root!;
            updated ??= feed.Element(a + "updated")?.Value;
            foreach (var entry in feed.Elements(a + "entry"))
            {
                if (ids.Add(entry.Element(a + "id")?.Value ?? ""))
                {
                    entries.Add(entry);
                }
            }
        }

        var sw = new StringWriter { NewLine = "\n" };
        sw.Write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        using (var x = XmlWriter.Create(sw, Settings()))
        {
            x.WriteStartElement("feed", AtomRenderer.Namespace);
            x.WriteElementString("id", AtomRenderer.Namespace, $"tag:arxiv-digest:site:{Uri.EscapeDataString(spec.Name)}");
            x.WriteElementString("title", AtomRenderer.Namespace, RssRenderer.Safe($"arXiv digest {spec.Name}"));
            x.WriteElementString("subtitle", AtomRenderer.Namespace, RssRenderer.Safe(FeedDescription(spec, days)));
            // Atom requires <updated>: the newest announcement, or a fixed epoch for a digest with no days yet.
            x.WriteElementString("updated", AtomRenderer.Namespace, updated ?? "1970-01-01T00:00:00Z");
            x.WriteStartElement("author", AtomRenderer.Namespace);
            x.WriteElementString("name", AtomRenderer.Namespace, "ArxivDigest");
            x.WriteEndElement();
            x.WriteStartElement("link", AtomRenderer.Namespace);
            x.WriteAttributeString("rel", "alternate");
            x.WriteAttributeString("type", "text/html");
            x.WriteAttributeString("href", "https://arxiv.org");
            x.WriteEndElement();
            x.WriteElementString("generator", AtomRenderer.Namespace, "ArxivDigest");
            foreach (var entry in entries)
            {
                entry.WriteTo(x);
            }

            x.WriteEndElement();
        }

        sw.Write('\n');
        return sw.ToString();
    }

    private static string FeedDescription(DigestSpec spec, IReadOnlyList<Digest> days)
    {
        var span = days.Count == 0 ? "no days stored yet"
            : days.Count == 1 ? $"listing date {Iso(days[0].ListingDate)}"
            : $"the latest {days.Count.ToString(CultureInfo.InvariantCulture)} listing dates, {Iso(days[^1].ListingDate)} to {Iso(days[0].ListingDate)}";
        return $"arXiv papers in {string.Join(", ", spec.Categories)} matching {string.Join(", ", spec.Queries.Select(q => $"\"{q}\""))}: {span}";
    }

    private static string Describe(DigestSpec spec) =>
        $"{string.Join(", ", spec.Categories)} — {string.Join(", ", spec.Queries.Select(q => $"\"{q}\""))}";

    private static string Count(int n, string noun) => $"{n.ToString(CultureInfo.InvariantCulture)} {noun}{(n == 1 ? "" : "s")}";

    private static string Iso(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Stamp(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    private static string HtmlLanguage(string language) =>
        string.Equals(language, "zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : language;

    /// <summary>A digest name as a relative URL segment, HTML-escaped for an attribute.</summary>
    private static string Href(string name) => Escape(Uri.EscapeDataString(name));

    private static XmlWriterSettings Settings() => new()
    {
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        NewLineHandling = NewLineHandling.Replace,
        OmitXmlDeclaration = true,
        CheckCharacters = true,
        CloseOutput = false,
    };
}
