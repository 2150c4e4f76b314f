using System.Globalization;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// One entry (a dt/dd pair) to a Paper: id and version, title, authors, subjects, DOI and the other metadata.
public static partial class ListingPageParser
{

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
                if (!m.Groups["v"].Success)
                {
                    return (m.Groups["id"].Value, null);
                }

                return int.TryParse(m.Groups["v"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v)
                    ? (m.Groups["id"].Value, v)
                    : throw new ArxivFormatException(origin, $"unreadable version in '{c}' in entry {Describe(dt)}");
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
            if (m.Success && m.Groups["id"].Value == id
                && int.TryParse(m.Groups["v"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
            {
                return v;
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
}
