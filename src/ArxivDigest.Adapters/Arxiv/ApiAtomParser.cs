using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>One page of an arXiv API (<c>export.arxiv.org/api/query</c>) Atom response.</summary>
/// <param name="Papers">Real entries, in feed order; legacy "phantom" entries for unknown ids are left out.</param>
/// <param name="TotalResults"><c>opensearch:totalResults</c> as stated (the legacy serializer says 1 for an empty result).</param>
/// <param name="StartIndex"><c>opensearch:startIndex</c>.</param>
/// <param name="ItemsPerPage"><c>opensearch:itemsPerPage</c>.</param>
public sealed record ApiFeed(IReadOnlyList<Paper> Papers, int? TotalResults, int? StartIndex, int? ItemsPerPage);

/// <summary>
/// Reads arXiv API Atom feeds from both serializers (legacy, to Aug 2025: inline namespaces, hard-wrapped text,
/// http links; new, Nov 2025 on: namespaces on the root, unwrapped text, https links, another element order and,
/// for a while, <c>&lt;link&gt;</c>s without rel/type). Elements are matched by local name and namespace only, never
/// by position or by attribute presence. The API does not say how a paper was announced, so every paper is
/// <see cref="AnnounceType.New"/> with no <see cref="Paper.ListingDate"/>.
/// </summary>
public static class ApiAtomParser
{
    internal const string AtomNs = "http://www.w3.org/2005/Atom";
    internal const string ArxivNs = "http://arxiv.org/schemas/atom";
    internal const string OpenSearchNs = "http://a9.com/-/spec/opensearch/1.1/";

    /// <summary>Parses a feed. Throws <see cref="ArxivFormatException"/> for malformed XML, a document that is not
    /// an Atom feed, an API error entry, or an entry whose id is not an arXiv id.</summary>
    public static ApiFeed Parse(Stream xml, string origin)
    {
        ArgumentNullException.ThrowIfNull(xml);
        using var reader = XmlReader.Create(xml, XmlRead.Settings);
        return XmlRead.Guard(origin, () => ReadFeed(reader, origin));
    }

    /// <inheritdoc cref="Parse(Stream, string)"/>
    public static ApiFeed Parse(string xml, string origin)
    {
        ArgumentNullException.ThrowIfNull(xml);
        using var text = new StringReader(xml);
        using var reader = XmlReader.Create(text, XmlRead.Settings);
        return XmlRead.Guard(origin, () => ReadFeed(reader, origin));
    }

    private static ApiFeed ReadFeed(XmlReader r, string origin)
    {
        XmlRead.MoveToRoot(r, origin);
        if (r.LocalName != "feed" || r.NamespaceURI != AtomNs)
        {
            throw new ArxivFormatException(origin, $"not an Atom feed: root element is {XmlRead.Describe(r)}");
        }

        var papers = new List<Paper>();
        int? total = null, start = null, perPage = null;
        var entryNumber = 0;
        XmlRead.Children(r, () =>
        {
            switch (r.NamespaceURI, r.LocalName)
            {
                case (OpenSearchNs, "totalResults"):
                    total = XmlRead.ParseInt(XmlRead.ReadText(r));
                    break;
                case (OpenSearchNs, "startIndex"):
                    start = XmlRead.ParseInt(XmlRead.ReadText(r));
                    break;
                case (OpenSearchNs, "itemsPerPage"):
                    perPage = XmlRead.ParseInt(XmlRead.ReadText(r));
                    break;
                case (AtomNs, "entry"):
                    entryNumber++;
                    var paper = ReadEntry(r, origin, entryNumber);
                    if (paper is not null)
                    {
                        papers.Add(paper);
                    }

                    break;
                default:
                    r.Skip();
                    break;
            }
        });

        return new ApiFeed(papers, total, start, perPage);
    }

    private static Paper? ReadEntry(XmlReader r, string origin, int entryNumber)
    {
        string id = "", title = "", summary = "";
        string? comment = null, journalRef = null, doi = null, primary = null, absLink = null;
        var authors = new List<string>();
        var categories = new List<string>();

        XmlRead.Children(r, () =>
        {
            switch (r.NamespaceURI, r.LocalName)
            {
                case (AtomNs, "id"):
                    id = XmlRead.ReadText(r).Trim();
                    break;
                case (AtomNs, "title"):
                    title = XmlRead.ReadText(r);
                    break;
                case (AtomNs, "summary"):
                    summary = XmlRead.ReadText(r);
                    break;
                case (AtomNs, "author"):
                    string? name = null;
                    XmlRead.Children(r, () =>
                    {
                        if (r.NamespaceURI == AtomNs && r.LocalName == "name")
                        {
                            name = XmlRead.ReadText(r);
                        }
                        else
                        {
                            r.Skip();
                        }
                    });
                    if (Text.NormalizeOptional(name) is { } n)
                    {
                        authors.Add(n);
                    }

                    break;
                case (AtomNs, "category"):
                    categories.Add(r.GetAttribute("term") ?? "");
                    r.Skip();
                    break;
                case (AtomNs, "link"):
                    var href = r.GetAttribute("href");
                    if (absLink is null && href is not null && href.Contains("/abs/", StringComparison.Ordinal))
                    {
                        absLink = href;
                    }

                    r.Skip();
                    break;
                case (ArxivNs, "primary_category"):
                    primary = r.GetAttribute("term");
                    r.Skip();
                    break;
                case (ArxivNs, "comment"):
                    comment = XmlRead.ReadText(r);
                    break;
                case (ArxivNs, "journal_ref"):
                    journalRef = XmlRead.ReadText(r);
                    break;
                case (ArxivNs, "doi"):
                    doi = XmlRead.ReadText(r);
                    break;
                default:
                    r.Skip();
                    break;
            }
        });

        var normTitle = Text.Normalize(title);
        if (normTitle == "Error" && (id.Contains("/api/errors", StringComparison.Ordinal)
                || authors.Contains("arXiv api core", StringComparer.Ordinal)))
        {
            throw new ArxivFormatException(origin, $"arXiv API error: {Text.Normalize(summary)}");
        }

        if (id.Length == 0 && absLink is not null)
        {
            id = absLink;
        }

        if (id.Length == 0)
        {
            if (normTitle.Length == 0)
            {
                return null; // legacy phantom entry for an id that does not exist
            }

            throw new ArxivFormatException(origin, $"entry {entryNumber} (\"{normTitle}\") has no id");
        }

        if (!ArxivIds.TryParse(id, out var arxivId, out var version))
        {
            throw new ArxivFormatException(origin, $"entry {entryNumber}: '{id}' is not an arXiv abs id");
        }

        var (primaryCode, subjects) = SubjectList.Build(primary, categories);
        return new Paper
        {
            Id = arxivId,
            Version = version,
            Title = normTitle,
            Abstract = Text.Normalize(summary),
            Authors = authors,
            Comments = Text.NormalizeOptional(comment),
            JournalRef = Text.NormalizeOptional(journalRef),
            Doi = Text.NormalizeOptional(doi),
            PrimaryCategory = primaryCode,
            Subjects = subjects,
        };
    }
}

/// <summary>arXiv identifiers as they appear in URLs, OAI identifiers and metadata.</summary>
internal static partial class ArxivIds
{
    [GeneratedRegex(@"^(?<id>\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})(?:v(?<v>\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    /// <summary>
    /// Accepts <c>2501.01234</c>, <c>2501.01234v2</c>, <c>astro-ph/9812133v1</c>, with an optional
    /// <c>http(s)://…/abs/</c>, <c>oai:arXiv.org:</c> or <c>arXiv:</c> prefix.
    /// </summary>
    public static bool TryParse(string? raw, out string id, out int? version)
    {
        id = "";
        version = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return false;
        }

        var s = raw.Trim();
        var abs = s.IndexOf("/abs/", StringComparison.Ordinal);
        if (abs >= 0)
        {
            s = s[(abs + 5)..];
        }
        else if (s.StartsWith("oai:arXiv.org:", StringComparison.OrdinalIgnoreCase))
        {
            s = s["oai:arXiv.org:".Length..];
        }
        else if (s.StartsWith("arXiv:", StringComparison.OrdinalIgnoreCase))
        {
            s = s["arXiv:".Length..];
        }

        s = s.TrimEnd('/');
        var m = IdPattern().Match(s);
        if (!m.Success)
        {
            return false;
        }

        id = m.Groups["id"].Value;
        if (m.Groups["v"].Success && int.TryParse(m.Groups["v"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            version = v;
        }

        return true;
    }

    /// <summary>"v3" → 3; null when it is not of that form.</summary>
    public static int? ParseVersion(string? raw)
    {
        var s = raw?.Trim();
        if (string.IsNullOrEmpty(s) || (s[0] != 'v' && s[0] != 'V'))
        {
            return null;
        }

        return int.TryParse(s.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}

/// <summary>Category codes → <see cref="Subject"/>s, primary first.</summary>
internal static partial class SubjectList
{
    // arXiv category codes (cs.AI, hep-th, astro-ph.GA, q-bio.NC, math-ph, cmp-lg, physics.atom-ph, ...). The legacy API
    // also lists MSC/ACM classes (35, F.2.1) as <category>; those are not arXiv subjects and are dropped.
    [GeneratedRegex(@"^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    public static bool IsCode(string code) => CodePattern().IsMatch(code);

    /// <summary>Builds the subject list: codes in order, de-duplicated, the primary moved (or added) to the front.
    /// With no primary given, the first code is the primary.</summary>
    public static (string Primary, IReadOnlyList<Subject> Subjects) Build(string? primary, IEnumerable<string> codes)
    {
        var list = new List<string>();
        foreach (var raw in codes)
        {
            var c = raw.Trim();
            if (c.Length > 0 && IsCode(c) && !list.Contains(c, StringComparer.Ordinal))
            {
                list.Add(c);
            }
        }

        var p = primary?.Trim() ?? "";
        if (p.Length > 0)
        {
            list.Remove(p);
            list.Insert(0, p);
        }
        else if (list.Count > 0)
        {
            p = list[0];
        }

        return (p, list.Select(Taxonomy.SubjectOf).ToList());
    }

    /// <summary>Space-separated codes (OAI <c>categories</c>, Kaggle <c>categories</c>), first = primary.</summary>
    public static (string Primary, IReadOnlyList<Subject> Subjects) FromSpaceSeparated(string? codes) =>
        Build(null, (codes ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}

/// <summary>Author-string handling shared by arXivRaw and the Kaggle fallback.</summary>
internal static class AuthorNames
{
    /// <summary>
    /// Splits arXiv's free-text author line ("A. One, B. Two (Univ X, Y), and C. Three") into names. Commas and the word
    /// "and" separate names only outside parentheses; parenthesised affiliations are dropped. TeX is left as is.
    /// </summary>
    public static List<string> Split(string? authors)
    {
        var result = new List<string>();
        if (string.IsNullOrWhiteSpace(authors))
        {
            return result;
        }

        var s = Text.Normalize(authors);
        var current = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '(')
            {
                depth++;
                continue;
            }

            if (c == ')')
            {
                depth = Math.Max(0, depth - 1);
                continue;
            }

            if (depth > 0)
            {
                continue;
            }

            if (c == ',' || c == ';')
            {
                Flush(current, result);
                continue;
            }

            // " and " between names (also ", and ").
            if (c == ' ' && string.CompareOrdinal(s, i, " and ", 0, 5) == 0)
            {
                Flush(current, result);
                i += 3; // loop's i++ moves past the trailing space
                continue;
            }

            current.Append(c);
        }

        Flush(current, result);
        return result;
    }

    private static void Flush(StringBuilder current, List<string> result)
    {
        var name = Text.Normalize(current.ToString());
        current.Clear();
        if (name.StartsWith("and ", StringComparison.Ordinal))
        {
            name = name[4..];
        }

        if (name.Length > 0 && name != "and")
        {
            result.Add(name);
        }
    }

    /// <summary>"Forenames Keyname Suffix", skipping empty parts, whitespace-normalised.</summary>
    public static string Join(string? forenames, string? keyname, string? suffix)
    {
        var parts = new[] { forenames, keyname, suffix }.Select(Text.Normalize).Where(p => p.Length > 0);
        return string.Join(' ', parts);
    }
}

/// <summary>XmlReader plumbing shared by the Atom and OAI-PMH parsers.</summary>
internal static class XmlRead
{
    public static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Ignore,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
        CloseInput = false,
    };

    /// <summary>Runs <paramref name="parse"/>, turning XML errors into <see cref="ArxivFormatException"/> with line info.</summary>
    public static T Guard<T>(string origin, Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (XmlException ex)
        {
            throw new ArxivFormatException(origin, $"malformed XML at line {ex.LineNumber}, position {ex.LinePosition}: {ex.Message}", ex);
        }
    }

    /// <summary>Moves to the document element; throws when there is none.</summary>
    public static void MoveToRoot(XmlReader r, string origin)
    {
        if (r.MoveToContent() != XmlNodeType.Element)
        {
            throw new ArxivFormatException(origin, "no XML document element (empty or non-XML response)");
        }
    }

    /// <summary>"&lt;html&gt;" or "&lt;{ns}name&gt;", for messages.</summary>
    public static string Describe(XmlReader r) =>
        r.NamespaceURI.Length == 0 ? $"<{r.LocalName}>" : $"<{r.LocalName}> in namespace '{r.NamespaceURI}'";

    /// <summary>
    /// With the reader on a start element, calls <paramref name="onChild"/> for each child element (positioned on it;
    /// it must consume the element entirely, e.g. with <see cref="ReadText"/> or <see cref="XmlReader.Skip"/>), and
    /// leaves the reader after the element's end tag.
    /// </summary>
    public static void Children(XmlReader r, Action onChild)
    {
        if (r.IsEmptyElement)
        {
            r.Read();
            return;
        }

        var depth = r.Depth;
        r.Read();
        while (!r.EOF && r.Depth > depth)
        {
            if (r.NodeType == XmlNodeType.Element)
            {
                onChild();
            }
            else
            {
                r.Read();
            }
        }

        if (r.NodeType == XmlNodeType.EndElement && r.Depth == depth)
        {
            r.Read();
        }
    }

    /// <summary>All text inside the current element (descendants included); leaves the reader after its end tag.</summary>
    public static string ReadText(XmlReader r)
    {
        if (r.IsEmptyElement)
        {
            r.Read();
            return "";
        }

        var depth = r.Depth;
        var sb = new StringBuilder();
        r.Read();
        while (!r.EOF && !(r.Depth == depth && r.NodeType == XmlNodeType.EndElement))
        {
            if (r.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace or XmlNodeType.Whitespace)
            {
                sb.Append(r.Value);
            }

            r.Read();
        }

        r.Read();
        return sb.ToString();
    }

    public static int? ParseInt(string? s) =>
        int.TryParse(s?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
