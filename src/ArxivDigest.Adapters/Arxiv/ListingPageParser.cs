using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>
/// Parses arXiv listing pages (<c>/list/&lt;cat&gt;/new</c>, <c>/recent</c>, <c>/pastweek</c>) into <see cref="Announcement"/>s.
/// </summary>
/// <remarks>
/// <para>Three layouts are understood:</para>
/// <list type="bullet">
/// <item>2025/26: <c>&lt;h3&gt;Showing new listings for Wednesday, 12 August 2026&lt;/h3&gt;</c>, then section h3s
/// "New submissions (showing N of M entries)", "Cross submissions (…)", "Replacement submissions (…)".</item>
/// <item>mid-2024: section h3s carry the date: "New submissions for Friday, 9 August 2024 (showing 14 of 14 entries )".</item>
/// <item>pre-2024: "New submissions for Fri, 15 Dec 23", "Cross-lists for …", "Replacements for …", ids inside
/// <c>span.list-identifier</c>, no counts.</item>
/// </list>
/// <para>/recent and /pastweek pages have one h3 per mailing day: "Fri, 22 Nov 2024 (showing 75 of 75 entries )".</para>
/// <para>Each entry's section is decided by document order relative to the headings (one walk over the document), so
/// pages with or without <c>&lt;dl&gt;</c> wrappers parse alike. "(showing N of M entries)" counts are checked: a section
/// must hold exactly N parsed entries, otherwise the page is incomplete and an <see cref="ArxivFormatException"/> is thrown.</para>
/// <para>Browser-saved pages with a MathJax-processed DOM are read back as TeX: the rendered spans are dropped and each
/// <c>&lt;script type="math/tex"&gt;</c> becomes <c>$…$</c> (<c>$$…$$</c> for display mode).</para>
/// </remarks>
public static partial class ListingPageParser
{
    private static readonly string[] DateFormats =
    [
        "dddd, d MMMM yyyy",
        "ddd, d MMM yyyy",
        "ddd, d MMM yy",
        "dddd, d MMM yyyy",
        "ddd, d MMMM yyyy",
        "d MMMM yyyy",
        "d MMM yyyy",
        "d MMM yy",
    ];

    /// <summary>Parses a <c>/list/&lt;cat&gt;/new</c> page.</summary>
    /// <param name="html">The page.</param>
    /// <param name="category">The category or archive the page lists (goes to <see cref="Announcement.Category"/>).</param>
    /// <param name="origin">URL or file, for messages.</param>
    /// <exception cref="ArxivFormatException">Not a listing page, no listing date, entries outside any section, or a
    /// section holding fewer/more entries than its heading promises.</exception>
    public static Announcement ParseNew(string html, string category, string origin)
    {
        ArgumentNullException.ThrowIfNull(html);
        var page = Walk(html, origin);

        if (page.Headings.Any(h => h.Kind == HeadingKind.Day))
        {
            throw new ArxivFormatException(origin,
                $"page has day headings ('{page.Headings.First(h => h.Kind == HeadingKind.Day).Text}'): a /recent or /pastweek page, not /new");
        }

        var listingHeading = page.Headings.FirstOrDefault(h => h.Kind == HeadingKind.Listing);
        var sections = page.Groups.Where(g => g.Heading is { Kind: HeadingKind.Section }).ToList();
        var entryCount = page.Orphans.Count + page.Groups.Sum(g => g.Entries.Count);

        if (page.Orphans.Count > 0)
        {
            throw new ArxivFormatException(origin, sections.Count == 0
                ? $"page has {page.Orphans.Count} entries but no section headings (New/Cross/Replacement submissions)"
                : $"{page.Orphans.Count} entries precede the first section heading");
        }

        DateOnly? date = listingHeading?.Date;
        foreach (var s in sections)
        {
            if (s.Heading.Date is { } d)
            {
                if (date is { } known && known != d)
                {
                    throw new ArxivFormatException(origin,
                        $"section heading '{s.Heading.Text}' is dated {d:yyyy-MM-dd}, the listing {known:yyyy-MM-dd}");
                }

                date = d;
            }
        }

        if (entryCount == 0)
        {
            CheckCounts(sections, origin);
            if (sections.Count > 0 || listingHeading is not null || page.SaysNoUpdates)
            {
                return new Announcement
                {
                    Category = category,
                    ListingDate = date,
                    Kind = AnnouncementKind.Empty,
                    Origin = origin,
                };
            }

            throw NotAListing(page, origin);
        }

        if (date is null)
        {
            throw new ArxivFormatException(origin,
                "no listing date: neither 'Showing new listings for <date>' nor a dated section heading was found");
        }

        CheckCounts(sections, origin);

        var papers = new List<Paper>(entryCount);
        foreach (var s in sections)
        {
            foreach (var e in s.Entries)
            {
                var paper = ParseEntry(e, s.Heading.SectionType, recent: false, date, origin);

                // Today's templates print only "(replaced)"; a replacement whose primary category lies outside the
                // listed one is a cross-listed replacement, which RSS calls replace-cross.
                papers.Add(paper.AnnounceType == AnnounceType.Replace && !Within(paper.PrimaryCategory, category)
                    ? paper with { AnnounceType = AnnounceType.ReplaceCross }
                    : paper);
            }
        }

        return new Announcement
        {
            Category = category,
            ListingDate = date,
            Kind = AnnouncementKind.Papers,
            Papers = papers,
            Origin = origin,
        };
    }

    /// <summary>Whether a primary category belongs to the listed category or archive (<c>cs.AI</c> within <c>cs</c>).</summary>
    private static bool Within(string primary, string listed) =>
        primary.Length == 0
        || primary.Equals(listed, StringComparison.Ordinal)
        || primary.StartsWith(listed + ".", StringComparison.Ordinal);

    /// <summary>
    /// Parses a <c>/list/&lt;cat&gt;/recent</c> or <c>/pastweek</c> page: one <see cref="Announcement"/> per day section,
    /// newest first. Entries marked "(cross-list from X)" are <see cref="AnnounceType.Cross"/>, the others
    /// <see cref="AnnounceType.New"/>. These pages carry no abstracts (<see cref="Paper.Abstract"/> is ""), and
    /// <see cref="Paper.Version"/> is known only from the html link (the page shows each paper's current version).
    /// A page that is recognisably a recent listing but holds no day at all yields an empty list.
    /// </summary>
    /// <exception cref="ArxivFormatException">Not a listing page, entries outside any day heading, or a day/section
    /// holding a different number of entries than its heading promises.</exception>
    public static IReadOnlyList<Announcement> ParseRecent(string html, string category, string origin)
    {
        ArgumentNullException.ThrowIfNull(html);
        var page = Walk(html, origin);

        var entryCount = page.Orphans.Count + page.Groups.Sum(g => g.Entries.Count);
        var days = new List<(Heading Day, List<Group> Groups)>();
        foreach (var g in page.Groups)
        {
            if (g.Heading.Kind == HeadingKind.Day)
            {
                days.Add((g.Heading, [g]));
            }
            else if (days.Count > 0)
            {
                days[^1].Groups.Add(g);
            }
            else if (g.Entries.Count > 0)
            {
                throw new ArxivFormatException(origin,
                    $"entries under '{g.Heading.Text}' before any day heading: not a /recent or /pastweek page (a /new page?)");
            }
        }

        if (page.Orphans.Count > 0)
        {
            throw new ArxivFormatException(origin, days.Count == 0
                ? $"page has {page.Orphans.Count} entries but no day headings ('Fri, 22 Nov 2024 (showing …)')"
                : $"{page.Orphans.Count} entries precede the first day heading");
        }

        if (days.Count == 0)
        {
            if (entryCount == 0 && (page.SaysNoUpdates || page.SaysRecent))
            {
                return [];
            }

            throw NotAListing(page, origin);
        }

        var result = new List<Announcement>(days.Count);
        foreach (var (day, groups) in days)
        {
            var parsed = groups.Sum(g => g.Entries.Count);
            if (day.Shown is { } shown && shown != parsed)
            {
                throw new ArxivFormatException(origin,
                    $"day '{day.Label}' promises {shown} entries (of {day.Total}), parsed {parsed}");
            }

            CheckCounts(groups.Where(g => g.Heading.Kind == HeadingKind.Section), origin);

            var papers = new List<Paper>(parsed);
            foreach (var g in groups)
            {
                var type = g.Heading.Kind == HeadingKind.Section ? g.Heading.SectionType : AnnounceType.New;
                foreach (var e in g.Entries)
                {
                    papers.Add(ParseEntry(e, type, recent: true, day.Date, origin));
                }
            }

            result.Add(new Announcement
            {
                Category = category,
                ListingDate = day.Date,
                Kind = papers.Count == 0 ? AnnouncementKind.Empty : AnnouncementKind.Papers,
                Papers = papers,
                Origin = origin,
            });
        }

        // The page lists newest first; keep that order guaranteed (stable for equal dates).
        return result.OrderByDescending(a => a.ListingDate).ToList();
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Document walk

    private enum HeadingKind
    {
        /// <summary>"Showing new listings for &lt;date&gt;".</summary>
        Listing,

        /// <summary>"New submissions …", "Cross submissions …", "Cross-lists for …", "Replacement(s) …".</summary>
        Section,

        /// <summary>"Fri, 22 Nov 2024 (showing …)" on /recent and /pastweek.</summary>
        Day,
    }

    private sealed record Heading(HeadingKind Kind, string Text, string Label, AnnounceType SectionType, DateOnly? Date, int? Shown, int? Total);

    private sealed record Entry(IElement Dt, IElement Dd);

    private sealed class Group(Heading heading)
    {
        public Heading Heading { get; } = heading;

        public List<Entry> Entries { get; } = [];
    }

    private sealed class Page
    {
        public List<Heading> Headings { get; } = [];

        public List<Group> Groups { get; } = [];

        public List<Entry> Orphans { get; } = [];

        public bool SaysNoUpdates { get; set; }

        public bool SaysRecent { get; set; }

        public string Title { get; set; } = "";

        public string FirstHeadline { get; set; } = "";
    }

    private static Page Walk(string html, string origin)
    {
        var document = new HtmlParser().ParseDocument(html);
        var page = new Page { Title = Text.Normalize(document.Title) };
        var root = (IElement?)document.Body ?? document.DocumentElement;
        if (root is null)
        {
            throw new ArxivFormatException(origin, "not an HTML document");
        }

        Group? current = null;
        IElement? pendingDt = null;

        // One pre-order pass over the tree: each dt/dd/heading is met in document order, so sections are assigned
        // without position comparisons. dt, dd, p and headings are not descended into.
        foreach (var el in Elements(root, static e => e.LocalName is not ("dt" or "dd" or "p" or "h1" or "h2" or "h3" or "h4" or "script" or "style")))
        {
            switch (el.LocalName)
            {
                case "dt":
                    if (pendingDt is not null)
                    {
                        throw new ArxivFormatException(origin, $"entry {Describe(pendingDt)} has no <dd> with its metadata");
                    }

                    // A dt without an arXiv id is not a listing entry (unless its dd turns out to be one, see below).
                    pendingDt = IsEntryDt(el) ? el : null;
                    break;

                case "dd":
                    if (pendingDt is null)
                    {
                        if (ScanMeta(el).Title is not null)
                        {
                            throw new ArxivFormatException(origin,
                                $"an entry's metadata ('{Truncate(Text.Normalize(el.TextContent), 100)}') has no <dt> with an arXiv id before it");
                        }

                        break;
                    }

                    var entry = new Entry(pendingDt, el);
                    pendingDt = null;
                    if (current is null)
                    {
                        page.Orphans.Add(entry);
                    }
                    else
                    {
                        current.Entries.Add(entry);
                    }

                    break;

                case "p":
                    // Only the short status paragraphs matter; abstracts (p.mathjax) are skipped cheaply.
                    if (!page.SaysNoUpdates && !HasClass(el, "mathjax")
                        && el.TextContent.Contains("No updates", StringComparison.OrdinalIgnoreCase))
                    {
                        page.SaysNoUpdates = true;
                    }

                    break;

                case "h1" or "h2" or "h3" or "h4":
                    var text = Text.Normalize(el.TextContent);
                    if (page.FirstHeadline.Length == 0 && text.Length > 0 && el.LocalName is "h1")
                    {
                        page.FirstHeadline = text;
                    }

                    if (text.Contains("recent submissions", StringComparison.OrdinalIgnoreCase))
                    {
                        page.SaysRecent = true;
                    }

                    if (ClassifyHeading(text, origin) is not { } heading)
                    {
                        break;
                    }

                    if (pendingDt is not null)
                    {
                        throw new ArxivFormatException(origin, $"entry {Describe(pendingDt)} has no <dd> with its metadata");
                    }

                    page.Headings.Add(heading);
                    if (heading.Kind != HeadingKind.Listing)
                    {
                        current = new Group(heading);
                        page.Groups.Add(current);
                    }

                    break;

                default:
                    break;
            }
        }

        if (pendingDt is not null)
        {
            throw new ArxivFormatException(origin, $"entry {Describe(pendingDt)} has no <dd> with its metadata");
        }

        return page;
    }

    private static bool IsEntryDt(IElement dt) =>
        ScanDt(dt).Anchor is not null || dt.TextContent.Contains("arXiv:", StringComparison.Ordinal);

    /// <summary>
    /// Descendant elements of <paramref name="root"/> in document order (pre-order), iterating child lists by index
    /// (AngleSharp's sibling navigation is a linear search in the parent, which would make long flat pages quadratic).
    /// Children of an element are visited only when <paramref name="descend"/> says so.
    /// </summary>
    private static IEnumerable<IElement> Elements(IElement root, Func<IElement, bool> descend)
    {
        var stack = new Stack<(INodeList Nodes, int Next)>();
        stack.Push((root.ChildNodes, 0));
        while (stack.Count > 0)
        {
            var (nodes, i) = stack.Pop();
            for (; i < nodes.Length; i++)
            {
                if (nodes[i] is not IElement el)
                {
                    continue;
                }

                yield return el;
                if (el.HasChildNodes && descend(el))
                {
                    stack.Push((nodes, i + 1));
                    stack.Push((el.ChildNodes, 0));
                    break;
                }
            }
        }
    }

    private static bool HasClass(IElement el, string name) => HasClass(el.ClassName, name, prefix: false);

    /// <summary>Whether the class attribute has the token <paramref name="name"/> (or a token starting with it).</summary>
    private static bool HasClass(string? classes, string name, bool prefix)
    {
        if (string.IsNullOrEmpty(classes))
        {
            return false;
        }

        for (var at = classes.IndexOf(name, StringComparison.Ordinal); at >= 0; at = classes.IndexOf(name, at + 1, StringComparison.Ordinal))
        {
            var end = at + name.Length;
            if ((at == 0 || char.IsWhiteSpace(classes[at - 1]))
                && (prefix || end == classes.Length || char.IsWhiteSpace(classes[end])))
            {
                return true;
            }
        }

        return false;
    }

    private static string Describe(IElement dt) => $"'{Text.Normalize(dt.TextContent)}'";

    private static ArxivFormatException NotAListing(Page page, string origin)
    {
        var what = page.FirstHeadline.Length > 0 ? page.FirstHeadline : page.Title;
        return new ArxivFormatException(origin,
            "not an arXiv listing page: no entries, no listing/section/day headings and no 'No updates today'"
            + (what.Length > 0 ? $" (page says '{Truncate(what, 120)}')" : ""));
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";

    private static void CheckCounts(IEnumerable<Group> sections, string origin)
    {
        foreach (var s in sections)
        {
            var h = s.Heading;
            if (h.Shown is { } shown && shown != s.Entries.Count)
            {
                throw new ArxivFormatException(origin,
                    $"section '{h.Label}' promises {shown} entries (of {h.Total}), parsed {s.Entries.Count}");
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Headings

    [GeneratedRegex(@"\(\s*(?:continued,\s*)?showing\s+(?:first\s+|last\s+)?(?<n>\d+)\s+of\s+(?<m>\d+)\s+entries\s*\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShowingRegex();

    [GeneratedRegex(@"^(?<label>New submissions|Cross submissions|Cross-lists|Cross lists|Replacement submissions|Replacements)(?:\s+for\s+(?<date>[^()]+?))?\s*(?:\(.*\))?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SectionRegex();

    [GeneratedRegex(@"^Showing new listings for\s+(?<date>[^()]+?)\s*(?:\(.*\))?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ListingRegex();

    [GeneratedRegex(@"^(?<date>[A-Za-z]{3,9},\s+\d{1,2}\s+[A-Za-z]{3,9}\s+\d{2,4})\s*(?:\(.*\))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex DayRegex();

    private static Heading? ClassifyHeading(string text, string origin)
    {
        if (text.Length == 0 || text.Length > 200)
        {
            return null;
        }

        var showing = ShowingRegex().Match(text);
        int? shown = showing.Success ? int.Parse(showing.Groups["n"].Value, CultureInfo.InvariantCulture) : null;
        int? total = showing.Success ? int.Parse(showing.Groups["m"].Value, CultureInfo.InvariantCulture) : null;

        var m = ListingRegex().Match(text);
        if (m.Success)
        {
            return new Heading(HeadingKind.Listing, text, "Showing new listings", AnnounceType.New,
                ParseDate(m.Groups["date"].Value, text, origin), shown, total);
        }

        m = SectionRegex().Match(text);
        if (m.Success)
        {
            var label = m.Groups["label"].Value;
            var type = char.ToUpperInvariant(label[0]) switch
            {
                'N' => AnnounceType.New,
                'C' => AnnounceType.Cross,
                _ => AnnounceType.Replace,
            };
            var date = m.Groups["date"].Success ? ParseDate(m.Groups["date"].Value, text, origin) : (DateOnly?)null;
            return new Heading(HeadingKind.Section, text, label, type, date, shown, total);
        }

        m = DayRegex().Match(text);
        if (m.Success && TryParseDate(m.Groups["date"].Value) is { } day)
        {
            return new Heading(HeadingKind.Day, text, m.Groups["date"].Value, AnnounceType.New, day, shown, total);
        }

        return null;
    }

    private static DateOnly? TryParseDate(string s) =>
        DateTime.TryParseExact(Text.Normalize(s), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var dt)
            ? DateOnly.FromDateTime(dt)
            : null;

    private static DateOnly ParseDate(string s, string heading, string origin) =>
        TryParseDate(s) ?? throw new ArxivFormatException(origin, $"cannot read the date '{Text.Normalize(s)}' in heading '{heading}'");

    // ---------------------------------------------------------------------------------------------------------------
    // Entries

    [GeneratedRegex(@"^(?<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?<v>\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdRegex();

    [GeneratedRegex(@"/abs/(?<id>[^?#]+?)/?(?:[?#]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex AbsHrefRegex();

    [GeneratedRegex(@"arXiv:\s*(?<id>\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex ArxivTextRegex();

    [GeneratedRegex(@"/html/(?<id>.+?)v(?<v>\d+)(?:[/?#]|$)", RegexOptions.CultureInvariant)]
    private static partial Regex HtmlHrefRegex();

    [GeneratedRegex(@"\(\s*cross-list from\s+(?<from>[^)\s,]+)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CrossListRegex();

    [GeneratedRegex(@"^(?<name>.*?)\s*\((?<code>[A-Za-z][A-Za-z\-]*(?:\.[A-Za-z\-]+)?)\)$", RegexOptions.CultureInvariant)]
    private static partial Regex SubjectRegex();

    /// <param name="recent">A /recent or /pastweek entry: "(cross-list from X)" makes it Cross; no version is assumed.</param>
    private static Paper ParseEntry(Entry e, AnnounceType sectionType, bool recent, DateOnly? date, string origin)
    {
        var dt = ScanDt(e.Dt);
        var meta = ScanMeta(e.Dd);
        var (id, idVersion) = ReadId(e.Dt, dt.Anchor, origin);
        var where = $"entry arXiv:{id}";

        var crossList = CrossListRegex().IsMatch(e.Dt.TextContent);
        var type = sectionType switch
        {
            AnnounceType.Replace or AnnounceType.ReplaceCross => crossList ? AnnounceType.ReplaceCross : AnnounceType.Replace,
            AnnounceType.New when crossList && recent => AnnounceType.Cross,
            _ => sectionType,
        };

        // A /new page's New section is v1 by definition; elsewhere the page shows the current version, known only
        // from the html link.
        var version = ReadHtmlVersion(dt.Links, id) ?? idVersion ?? (type == AnnounceType.New && !recent ? 1 : null);

        var titleDiv = meta.Title
            ?? throw new ArxivFormatException(origin, $"{where}: no div.list-title");
        var title = ReadText(titleDiv);
        if (title.Length == 0)
        {
            throw new ArxivFormatException(origin, $"{where}: empty title");
        }

        var authors = new List<string>();
        if (meta.Authors is { } authorsDiv)
        {
            foreach (var a in Elements(authorsDiv, static x => x.LocalName != "a"))
            {
                // Skip links that arxiv_urlize made out of text (class link-external / link-https).
                if (a.LocalName != "a" || HasClass(a.ClassName, "link-", prefix: true))
                {
                    continue;
                }

                var name = ReadText(a);
                if (name.Length > 0)
                {
                    authors.Add(name);
                }
            }
        }

        var (primary, subjects) = ReadSubjects(meta.Subjects, where, origin);

        return new Paper
        {
            Id = id,
            Version = version,
            Title = title,
            Authors = authors,
            Abstract = meta.Abstract is { } p ? ReadText(p) : "",
            Comments = Optional(meta.Comments),
            JournalRef = Optional(meta.JournalRef),
            Doi = ReadDoi(meta.Doi),
            PrimaryCategory = primary,
            Subjects = subjects,
            AnnounceType = type,
            ListingDate = date,
        };
    }

    private sealed record DtScan(IElement? Anchor, List<IElement> Links);

    /// <summary>The abstract link (<c>a[title=Abstract]</c>, or the first link in legacy <c>span.list-identifier</c>) and all links.</summary>
    private static DtScan ScanDt(IElement dt)
    {
        IElement? abstractLink = null;
        IElement? identifier = null;
        var links = new List<IElement>(4);
        foreach (var el in Elements(dt, static _ => true))
        {
            if (el.LocalName == "a")
            {
                links.Add(el);
                if (abstractLink is null && el.GetAttribute("title") == "Abstract")
                {
                    abstractLink = el;
                }
                else if (identifier is null && el.ParentElement is { } parent && HasClass(parent, "list-identifier"))
                {
                    identifier = el;
                }
            }
        }

        return new DtScan(abstractLink ?? identifier, links);
    }

    private sealed class MetaScan
    {
        public IElement? Title { get; set; }

        public IElement? Authors { get; set; }

        public IElement? Comments { get; set; }

        public IElement? JournalRef { get; set; }

        public IElement? Subjects { get; set; }

        public IElement? Doi { get; set; }

        public IElement? Abstract { get; set; }
    }

    /// <summary>One pass over a &lt;dd&gt;: the list-* divs and the abstract paragraph.</summary>
    private static MetaScan ScanMeta(IElement dd)
    {
        var m = new MetaScan();
        foreach (var el in Elements(dd, static e => e.LocalName switch { "p" => false, "div" => !IsMetaDiv(e.ClassName), _ => true }))
        {
            if (el.LocalName == "p")
            {
                if (m.Abstract is null && HasClass(el, "mathjax"))
                {
                    m.Abstract = el;
                }

                continue;
            }

            if (el.LocalName != "div")
            {
                continue;
            }

            var c = el.ClassName;
            if (HasClass(c, "list-title", false))
            {
                m.Title ??= el;
            }
            else if (HasClass(c, "list-authors", false))
            {
                m.Authors ??= el;
            }
            else if (HasClass(c, "list-comments", false))
            {
                m.Comments ??= el;
            }
            else if (HasClass(c, "list-journal-ref", false))
            {
                m.JournalRef ??= el;
            }
            else if (HasClass(c, "list-subjects", false))
            {
                m.Subjects ??= el;
            }
            else if (HasClass(c, "list-doi", false) || IsDoiDiv(el))
            {
                m.Doi ??= el;
            }
        }

        return m;
    }

    private static bool IsMetaDiv(string? classes) =>
        HasClass(classes, "list-title", false) || HasClass(classes, "list-authors", false)
        || HasClass(classes, "list-comments", false) || HasClass(classes, "list-journal-ref", false)
        || HasClass(classes, "list-subjects", false) || HasClass(classes, "list-doi", false);

    /// <summary>A div whose own descriptor says "DOI:".</summary>
    private static bool IsDoiDiv(IElement div)
    {
        var children = div.ChildNodes;
        for (var i = 0; i < children.Length; i++)
        {
            if (children[i] is IElement { LocalName: "span" } span && HasClass(span, "descriptor"))
            {
                return Text.Normalize(span.TextContent).TrimEnd(':').Equals("DOI", StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }

    private static (string Id, int? Version) ReadId(IElement dt, IElement? anchor, string origin)
    {
        var candidates = new List<string>(3);
        if (anchor is not null)
        {
            if (anchor.GetAttribute("id") is { Length: > 0 } idAttr)
            {
                candidates.Add(idAttr.Trim());
            }

            if (anchor.GetAttribute("href") is { } href && AbsHrefRegex().Match(href) is { Success: true } hm)
            {
                candidates.Add(hm.Groups["id"].Value);
            }

            if (ArxivTextRegex().Match(anchor.TextContent) is { Success: true } tm)
            {
                candidates.Add(tm.Groups["id"].Value);
            }
        }

        if (candidates.Count == 0 && ArxivTextRegex().Match(dt.TextContent) is { Success: true } dm)
        {
            candidates.Add(dm.Groups["id"].Value);
        }

        foreach (var c in candidates)
        {
            var m = IdRegex().Match(c);
            if (m.Success)
            {
                int? v = m.Groups["v"].Success ? int.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture) : null;
                return (m.Groups["id"].Value, v);
            }
        }

        throw new ArxivFormatException(origin, $"no arXiv id in entry {Describe(dt)}");
    }

    private static int? ReadHtmlVersion(List<IElement> links, string id)
    {
        foreach (var a in links)
        {
            if (a.GetAttribute("href") is not { } href)
            {
                continue;
            }

            var m = HtmlHrefRegex().Match(href);
            if (m.Success && m.Groups["id"].Value == id)
            {
                return int.Parse(m.Groups["v"].Value, CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static (string Primary, IReadOnlyList<Subject> Subjects) ReadSubjects(IElement? div, string where, string origin)
    {
        if (div is null)
        {
            throw new ArxivFormatException(origin, $"{where}: no div.list-subjects");
        }

        Subject? primary = null;
        foreach (var span in Elements(div, static _ => true))
        {
            if (span.LocalName == "span" && HasClass(span, "primary-subject"))
            {
                primary = ParseSubject(ReadText(span), where, origin);
                break;
            }
        }

        var subjects = new List<Subject>();
        if (primary is not null)
        {
            subjects.Add(primary);
        }

        foreach (var part in ReadText(div).Split(';'))
        {
            var piece = Text.Normalize(part);
            if (piece.Length == 0)
            {
                continue;
            }

            var s = ParseSubject(piece, where, origin);
            if (!subjects.Contains(s))
            {
                subjects.Add(s);
            }
        }

        if (subjects.Count == 0)
        {
            throw new ArxivFormatException(origin, $"{where}: empty subjects");
        }

        return ((primary ?? subjects[0]).Code, subjects);
    }

    private static Subject ParseSubject(string text, string where, string origin)
    {
        var m = SubjectRegex().Match(text);
        if (!m.Success)
        {
            throw new ArxivFormatException(origin, $"{where}: cannot read subject '{text}' (expected 'Name (code)')");
        }

        return new Subject(m.Groups["code"].Value, Text.Normalize(m.Groups["name"].Value));
    }

    private static string? ReadDoi(IElement? div)
    {
        if (div is null)
        {
            return null;
        }

        var value = ReadText(div);
        foreach (var prefix in (string[])["https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi:"])
        {
            if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                value = value[prefix.Length..];
                break;
            }
        }

        return Text.NormalizeOptional(value);
    }

    private static string? Optional(IElement? div) => div is null ? null : Text.NormalizeOptional(ReadText(div));

    /// <summary>
    /// Text of an element without its <c>span.descriptor</c> ("Title:", "Comments:"), with MathJax output turned back
    /// into TeX, whitespace-normalised.
    /// </summary>
    private static string ReadText(IElement element)
    {
        var sb = new StringBuilder();
        AppendChildren(element, sb);
        return Text.Normalize(sb.ToString());
    }

    private static void AppendChildren(INode node, StringBuilder sb)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    sb.Append(t.Data);
                    break;

                case IElement el:
                    AppendElement(el, sb);
                    break;
            }
        }
    }

    private static void AppendElement(IElement el, StringBuilder sb)
    {
        switch (el.LocalName)
        {
            case "br":
                sb.Append(' ');
                return;

            case "script":
                var type = el.GetAttribute("type") ?? "";
                if (type.StartsWith("math/tex", StringComparison.OrdinalIgnoreCase))
                {
                    var delimiter = type.Contains("mode=display", StringComparison.OrdinalIgnoreCase) ? "$$" : "$";
                    sb.Append(delimiter).Append(el.TextContent).Append(delimiter);
                }

                return;

            case "style":
            case "noscript":
                return;
        }

        if (el.LocalName.StartsWith("mjx-", StringComparison.Ordinal))
        {
            return; // MathJax 3 output; its source is not kept in the DOM
        }

        var classes = el.ClassName;
        if (HasClass(classes, "descriptor", prefix: false) || HasClass(classes, "MathJax", prefix: true))
        {
            return;
        }

        AppendChildren(el, sb);
    }
}
