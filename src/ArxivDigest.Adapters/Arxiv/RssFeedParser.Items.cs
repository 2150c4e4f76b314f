using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// What both feed forms share: the raw per-item fields, the arxiv:/dc: item elements, and turning the raw feed into
// an Announcement (id, version, announce type, abstract, categories of each item).
public static partial class RssFeedParser
{
    /// <summary>Reads the arxiv:* and dc:* item elements both forms share. False if the element is not one of them.</summary>
    private static bool ReadArxivOrDc(XmlReader reader, RawItem item)
    {
        var ns = reader.NamespaceURI;
        var name = reader.LocalName;
        if (ns == DcNs && name == "creator")
        {
            item.Creators.Add(XmlRead.ReadText(reader));
            return true;
        }

        if (ns != ArxivNs)
        {
            return false;
        }

        switch (name)
        {
            case "announce_type":
                item.AnnounceType = XmlRead.ReadText(reader).Trim();
                return true;
            case "DOI" or "doi":
                item.Doi = XmlRead.ReadText(reader);
                return true;
            case "journal_reference" or "journal_ref":
                item.JournalRef = XmlRead.ReadText(reader);
                return true;
            default:
                return false;
        }
    }

    private static Announcement Finish(Feed feed, string category, string origin)
    {
        if (feed.Title is { } title && title.StartsWith("Feed error for query", StringComparison.OrdinalIgnoreCase))
        {
            var detail = string.IsNullOrEmpty(feed.Description) ? "" : $"; {feed.Description}";
            throw new ArxivFormatException(origin, $"arXiv RSS reports a feed error: {title}{detail}");
        }

        // The channel pubDate is arXiv's midnight ET for the mailing; lastBuildDate (UTC, later that day) is the
        // fallback, then the first item's own pubDate (absent in some 2024 feeds).
        var stamp = feed.PubDate ?? feed.LastBuildDate ?? feed.Items.Select(i => i.PubDate).FirstOrDefault(d => d is not null);
        DateOnly? listingDate = stamp is { } s ? EasternDate(s) : null;

        var papers = new List<Paper>(feed.Items.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in feed.Items)
        {
            // arXiv emits one entry per paper (priority new > cross > replace); should an id repeat anyway, the
            // first (higher-priority) entry is kept so that a digest never lists a paper twice.
            var paper = ToPaper(item, listingDate, origin);
            if (seen.Add(paper.Id))
            {
                papers.Add(paper);
            }
        }

        return new Announcement
        {
            Category = category,
            ListingDate = listingDate,
            Kind = papers.Count == 0 ? AnnouncementKind.Empty : AnnouncementKind.Papers,
            Papers = papers,
            Origin = origin,
        };
    }

    private static Paper ToPaper(RawItem item, DateOnly? listingDate, string origin)
    {
        var header = item.Description is { } d ? DescriptionHeader().Match(d) : Match.Empty;

        var (id, version) = IdFromGuid(item.Guid);
        if (id is null && header.Success)
        {
            (id, version) = SplitVersion(string.Concat(header.Groups["id"].Value.Where(c => !char.IsWhiteSpace(c))));
        }

        if (id is null && item.Link is { } link && AbsLink().Match(link) is { Success: true } lm)
        {
            (id, version) = SplitVersion(lm.Groups["id"].Value);
        }

        if (id is null)
        {
            throw new ArxivFormatException(
                origin, $"item {item.Index} has no arXiv id (guid '{item.Guid}', link '{item.Link}')");
        }

        var typeText = item.AnnounceType;
        if (string.IsNullOrEmpty(typeText) && header.Success)
        {
            typeText = header.Groups["type"].Value;
        }

        var announceType = typeText?.ToLowerInvariant() switch
        {
            "new" => AnnounceType.New,
            "cross" => AnnounceType.Cross,
            "replace" => AnnounceType.Replace,
            "replace-cross" => AnnounceType.ReplaceCross,
            null or "" => throw new ArxivFormatException(origin, $"item {item.Index} ({id}) has no announce type"),
            _ => throw new ArxivFormatException(origin, $"item {item.Index} ({id}) has unknown announce type '{typeText}'"),
        };

        string abstractText;
        if (item.Description is null)
        {
            abstractText = "";
        }
        else if (header.Success)
        {
            abstractText = item.Description[(header.Index + header.Length)..];
        }
        else
        {
            var trimmed = item.Description.TrimStart();
            abstractText = trimmed.StartsWith("Abstract:", StringComparison.Ordinal) ? trimmed["Abstract:".Length..] : trimmed;
        }

        // RSS has no explicit primary category. arXiv writes the paper's categories primary first (the order of the
        // abs page's "Subjects:" line), so the first <category> is taken as primary. For a cross-list item that is
        // the paper's home category, not the feed's category.
        var codes = item.Categories.Where(c => c.Length > 0).Distinct(StringComparer.Ordinal).ToList();

        var authors = item.Creators.Count > 0
            ? item.Creators.SelectMany(SplitAuthors).ToList()
            : item.AtomAuthors;

        return new Paper
        {
            Id = id,
            Version = version,
            Title = Text.Normalize(item.Title),
            Authors = authors,
            Abstract = Text.Normalize(abstractText),
            Comments = null,
            JournalRef = Text.NormalizeOptional(item.JournalRef),
            Doi = Text.NormalizeOptional(item.Doi),
            PrimaryCategory = codes.Count > 0 ? codes[0] : "",
            Subjects = [.. codes.Select(Taxonomy.SubjectOf)],
            AnnounceType = announceType,
            ListingDate = listingDate,
        };
    }

    private static (string? Id, int? Version) IdFromGuid(string? guid)
    {
        if (string.IsNullOrWhiteSpace(guid))
        {
            return (null, null);
        }

        var m = OaiId().Match(guid);
        return m.Success ? SplitVersion(m.Groups["id"].Value) : (null, null);
    }

    private static (string? Id, int? Version) SplitVersion(string idWithVersion)
    {
        var m = VersionedId().Match(idWithVersion);
        if (!m.Success)
        {
            return (null, null);
        }

        if (!m.Groups["v"].Success)
        {
            return (m.Groups["id"].Value, null);
        }

        // A version that does not fit an int (or uses non-ASCII digits, which \d matches) makes the id unusable.
        return int.TryParse(m.Groups["v"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? (m.Groups["id"].Value, version)
            : (null, null);
    }

    [GeneratedRegex(@"^\s*oai:arXiv\.org:(?<id>\S+)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OaiId();

    [GeneratedRegex(
        @"^(?<id>\d{4}\.\d{4,5}|[a-z][a-z\-]*(?:\.[A-Za-z\-]+)?/\d{7})(?:v(?<v>\d+))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex VersionedId();

    /// <summary>The description's <c>arXiv:2411.17700v1 Announce Type: new \nAbstract: </c> header.</summary>
    [GeneratedRegex(
        @"^\s*arXiv:(?<id>\S+(?:\s+v\d+)?)\s+Announce Type:\s*(?<type>\S+)\s*(?:Abstract:\s*)?",
        RegexOptions.CultureInvariant)]
    private static partial Regex DescriptionHeader();

    [GeneratedRegex(@"arxiv\.org/abs/(?<id>[^?#\s]+?)/?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex AbsLink();

    private sealed class Feed
    {
        public string? Title { get; set; }

        public string? Description { get; set; }

        public DateTimeOffset? PubDate { get; set; }

        public DateTimeOffset? LastBuildDate { get; set; }

        public List<RawItem> Items { get; } = [];
    }

    private sealed class RawItem
    {
        public int Index { get; init; }

        public string? Title { get; set; }

        public string? Link { get; set; }

        public string? Description { get; set; }

        public string? Guid { get; set; }

        public List<string> Categories { get; } = [];

        public DateTimeOffset? PubDate { get; set; }

        public string? AnnounceType { get; set; }

        public List<string> Creators { get; } = [];

        public List<string> AtomAuthors { get; } = [];

        public string? Doi { get; set; }

        public string? JournalRef { get; set; }
    }
}
