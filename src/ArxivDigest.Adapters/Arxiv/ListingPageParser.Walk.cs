using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// The one pass over the document: headings, dt/dd entry pairs and status paragraphs, grouped by section in
// document order; plus the DOM helpers (element iteration, class tests) the other parts use.
public static partial class ListingPageParser
{

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

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max] + "…";
}
