using System.Globalization;
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
        return XmlRead.Parse(xml, origin, ReadFeed);
    }

    /// <inheritdoc cref="Parse(Stream, string)"/>
    public static ApiFeed Parse(string xml, string origin)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return XmlRead.Parse(xml, origin, ReadFeed);
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
        string? comment = null, journalRef = null, doi = null, primary = null, absLink = null, published = null;
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
                case (AtomNs, "published"):
                    published = XmlRead.ReadText(r);
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
            Published = PublishedDate(published),
        };
    }

    /// <summary>The UTC date of an Atom <c>published</c> timestamp (v1 submission); null when absent or unreadable.</summary>
    private static DateOnly? PublishedDate(string? text) =>
        DateTimeOffset.TryParse(text?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? DateOnly.FromDateTime(at.UtcDateTime)
            : null;
}
