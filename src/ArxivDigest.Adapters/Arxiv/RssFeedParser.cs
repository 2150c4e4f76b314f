using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>
/// Parses rss.arxiv.org feeds (the RSS 2.0 form <c>/rss/&lt;cat&gt;</c> and the Atom form <c>/atom/&lt;cat&gt;</c>,
/// both in use since Jan 2024) into an <see cref="Announcement"/>. Streams with <see cref="XmlReader"/>, so a
/// combined all-archives feed (thousands of items) is read in one pass without building a DOM.
/// </summary>
/// <remarks>
/// Per item: id and version from <c>guid</c> / Atom <c>id</c> (<c>oai:arXiv.org:2411.17700v1</c>), falling back
/// to the description prefix (<c>arXiv:2411.17700v1</c>) and then the abs link (no version); the abstract is the
/// description after <c>Abstract:</c>; authors come from the single comma-separated <c>dc:creator</c> string;
/// categories from <c>&lt;category&gt;</c> (RSS text, Atom <c>term</c>). RSS carries no comments: always null.
/// The listing date is the channel <c>pubDate</c> (arXiv's midnight ET) as an America/New_York date.
/// </remarks>
public static partial class RssFeedParser
{
    private const string ArxivNs = "http://arxiv.org/schemas/atom";
    private const string DcNs = "http://purl.org/dc/elements/1.1/";
    private const string AtomNs = "http://www.w3.org/2005/Atom";

    private const int SniffChars = 2048;

    public static Announcement Parse(string xml, string category, string origin)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return ParseCore(
            settings => XmlReader.Create(new StringReader(xml), settings),
            () => xml.Length <= SniffChars ? xml : xml[..SniffChars],
            category,
            origin);
    }

    public static Announcement Parse(Stream xml, string category, string origin)
    {
        ArgumentNullException.ThrowIfNull(xml);

        // Keeps the first bytes read so that a failure can say what the response actually was (an HTML page ...).
        using var sniffer = new SniffingStream(xml, SniffChars);
        return ParseCore(settings => XmlReader.Create(sniffer, settings), sniffer.Prefix, category, origin);
    }

    private static Announcement ParseCore(
        Func<XmlReaderSettings, XmlReader> open, Func<string> prefix, string category, string origin)
    {
        ArgumentNullException.ThrowIfNull(category);
        ArgumentNullException.ThrowIfNull(origin);

        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Ignore,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            CloseInput = false,
        };

        string? root = null;
        try
        {
            using var reader = open(settings);
            reader.MoveToContent();
            if (reader.NodeType != XmlNodeType.Element)
            {
                throw new ArxivFormatException(origin, "not an RSS or Atom feed: no root element");
            }

            root = reader.LocalName;
            if (reader.LocalName == "rss" && reader.NamespaceURI.Length == 0)
            {
                return Finish(ReadRss(reader, origin), category, origin);
            }

            if (reader.LocalName == "feed" && reader.NamespaceURI == AtomNs)
            {
                return Finish(ReadAtom(reader, origin), category, origin);
            }

            if (reader.LocalName.Equals("html", StringComparison.OrdinalIgnoreCase))
            {
                throw new ArxivFormatException(origin, $"expected an RSS or Atom feed but got an HTML page: {Snippet(prefix())}");
            }

            if (reader.LocalName == "RDF")
            {
                throw new ArxivFormatException(
                    origin, "got an RSS 1.0 (RDF) feed: the pre-2024 export.arxiv.org/rss format is not supported");
            }

            throw new ArxivFormatException(
                origin,
                $"not an RSS or Atom feed: root element <{reader.Name}>{NsSuffix(reader.NamespaceURI)}: {Snippet(prefix())}");
        }
        catch (XmlException ex)
        {
            var where = $"line {ex.LineNumber}, position {ex.LinePosition}";
            if (LooksLikeHtml(prefix(), root))
            {
                throw new ArxivFormatException(
                    origin,
                    $"expected an RSS or Atom feed but got an HTML page (not well-formed XML at {where}): {Snippet(prefix())}",
                    ex);
            }

            throw new ArxivFormatException(
                origin, $"the XML is malformed at {where} (truncated download?): {StripLineInfo(ex.Message)}", ex);
        }
    }

    // ---- RSS 2.0 -------------------------------------------------------------------------------------------------

    private static Feed ReadRss(XmlReader reader, string origin)
    {
        var feed = new Feed();
        if (reader.IsEmptyElement)
        {
            throw new ArxivFormatException(origin, "RSS feed without a <channel>");
        }

        var rssDepth = reader.Depth;
        var sawChannel = false;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == rssDepth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "channel" && reader.NamespaceURI.Length == 0)
            {
                sawChannel = true;
                ReadChannel(reader, feed, origin);
                continue;
            }

            reader.Read();
        }

        if (!sawChannel)
        {
            throw new ArxivFormatException(origin, "RSS feed without a <channel>");
        }

        return feed;
    }

    private static void ReadChannel(XmlReader reader, Feed feed, string origin)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return;
        }

        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != depth + 1)
            {
                reader.Read();
                continue;
            }

            if (reader.NamespaceURI.Length != 0)
            {
                reader.Skip();
                continue;
            }

            switch (reader.LocalName)
            {
                case "title":
                    feed.Title = Text.Normalize(ReadText(reader));
                    break;
                case "description":
                    feed.Description = Text.Normalize(ReadText(reader));
                    break;
                case "pubDate":
                    feed.PubDate = ParseDate(ReadText(reader), "channel pubDate", origin);
                    break;
                case "lastBuildDate":
                    feed.LastBuildDate = ParseDate(ReadText(reader), "channel lastBuildDate", origin);
                    break;
                case "item":
                    feed.Items.Add(ReadRssItem(reader, feed.Items.Count + 1, origin));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        reader.Read();
    }

    private static RawItem ReadRssItem(XmlReader reader, int index, string origin)
    {
        var item = new RawItem { Index = index };
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return item;
        }

        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != depth + 1)
            {
                reader.Read();
                continue;
            }

            var ns = reader.NamespaceURI;
            var name = reader.LocalName;
            if (ns.Length == 0)
            {
                switch (name)
                {
                    case "title":
                        item.Title = ReadText(reader);
                        continue;
                    case "link":
                        item.Link = ReadText(reader).Trim();
                        continue;
                    case "description":
                        item.Description = ReadText(reader);
                        continue;
                    case "guid":
                        item.Guid = ReadText(reader).Trim();
                        continue;
                    case "category":
                        item.Categories.Add(ReadText(reader).Trim());
                        continue;
                    case "pubDate":
                        item.PubDate = ParseDate(ReadText(reader), $"pubDate of item {index}", origin);
                        continue;
                }
            }
            else if (ReadArxivOrDc(reader, item))
            {
                continue;
            }

            reader.Skip();
        }

        reader.Read();
        return item;
    }

    // ---- Atom ----------------------------------------------------------------------------------------------------

    private static Feed ReadAtom(XmlReader reader, string origin)
    {
        var feed = new Feed();
        if (reader.IsEmptyElement)
        {
            return feed;
        }

        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != depth + 1 || reader.NamespaceURI != AtomNs)
            {
                if (reader.NodeType == XmlNodeType.Element && reader.Depth == depth + 1)
                {
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                }

                continue;
            }

            switch (reader.LocalName)
            {
                case "title":
                    feed.Title = Text.Normalize(ReadText(reader));
                    break;
                case "subtitle":
                    feed.Description = Text.Normalize(ReadText(reader));
                    break;
                case "updated":
                    feed.LastBuildDate = ParseDate(ReadText(reader), "feed updated", origin);
                    break;
                case "entry":
                    feed.Items.Add(ReadAtomEntry(reader, feed.Items.Count + 1, origin));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        reader.Read();

        // The Atom form has no channel pubDate; each entry's <published> is arXiv's midnight ET (2025-08-20T00:00:00-04:00).
        feed.PubDate = feed.Items.Select(i => i.PubDate).FirstOrDefault(d => d is not null);
        return feed;
    }

    private static RawItem ReadAtomEntry(XmlReader reader, int index, string origin)
    {
        var item = new RawItem { Index = index };
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return item;
        }

        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType != XmlNodeType.Element || reader.Depth != depth + 1)
            {
                reader.Read();
                continue;
            }

            if (reader.NamespaceURI == AtomNs)
            {
                switch (reader.LocalName)
                {
                    case "id":
                        item.Guid = ReadText(reader).Trim();
                        continue;
                    case "title":
                        item.Title = ReadText(reader);
                        continue;
                    case "summary":
                        item.Description = ReadText(reader);
                        continue;
                    case "link":
                        var rel = reader.GetAttribute("rel");
                        if (item.Link is null && (rel is null || rel == "alternate"))
                        {
                            item.Link = reader.GetAttribute("href")?.Trim();
                        }

                        reader.Skip();
                        continue;
                    case "category":
                        var term = reader.GetAttribute("term")?.Trim();
                        if (!string.IsNullOrEmpty(term))
                        {
                            item.Categories.Add(term);
                        }

                        reader.Skip();
                        continue;
                    case "published":
                        item.PubDate = ParseDate(ReadText(reader), $"published of entry {index}", origin);
                        continue;
                    case "author":
                        item.AtomAuthors.AddRange(ReadAtomAuthorNames(reader));
                        continue;
                }
            }
            else if (ReadArxivOrDc(reader, item))
            {
                continue;
            }

            reader.Skip();
        }

        reader.Read();
        return item;
    }

    private static List<string> ReadAtomAuthorNames(XmlReader reader)
    {
        var names = new List<string>();
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return names;
        }

        var depth = reader.Depth;
        reader.Read();
        while (!reader.EOF && !(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType == XmlNodeType.Element && reader.LocalName == "name" && reader.NamespaceURI == AtomNs)
            {
                var name = Text.Normalize(ReadText(reader));
                if (name.Length > 0)
                {
                    names.Add(name);
                }

                continue;
            }

            reader.Read();
        }

        reader.Read();
        return names;
    }

    // ---- shared item fields --------------------------------------------------------------------------------------

    /// <summary>Reads the arxiv:* and dc:* item elements both forms share. False if the element is not one of them.</summary>
    private static bool ReadArxivOrDc(XmlReader reader, RawItem item)
    {
        var ns = reader.NamespaceURI;
        var name = reader.LocalName;
        if (ns == DcNs && name == "creator")
        {
            item.Creators.Add(ReadText(reader));
            return true;
        }

        if (ns != ArxivNs)
        {
            return false;
        }

        switch (name)
        {
            case "announce_type":
                item.AnnounceType = ReadText(reader).Trim();
                return true;
            case "DOI" or "doi":
                item.Doi = ReadText(reader);
                return true;
            case "journal_reference" or "journal_ref":
                item.JournalRef = ReadText(reader);
                return true;
            default:
                return false;
        }
    }

    // ---- building the result -------------------------------------------------------------------------------------

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

        int? version = m.Groups["v"].Success
            ? int.Parse(m.Groups["v"].Value, NumberStyles.None, CultureInfo.InvariantCulture)
            : null;
        return (m.Groups["id"].Value, version);
    }

    /// <summary>
    /// Splits arXiv's single author string on commas outside parentheses, so "A (Univ X, Dept Y), B" gives
    /// "A (Univ X, Dept Y)" and "B". A top-level " and " in the last part ("A, B and C") also separates authors.
    /// If the parentheses do not balance, falls back to splitting on every comma.
    /// </summary>
    internal static IReadOnlyList<string> SplitAuthors(string? creators)
    {
        var text = Text.Normalize(creators);
        if (text.Length == 0)
        {
            return [];
        }

        var parts = SplitTopLevel(text, out var balanced);
        if (!balanced)
        {
            parts = [.. text.Split(',')];
        }

        var authors = new List<string>(parts.Count + 1);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i].Trim();
            if (part.StartsWith("and ", StringComparison.Ordinal))
            {
                part = part[4..].TrimStart(); // Oxford comma: "A, B, and C"
            }

            var at = i == parts.Count - 1 ? LastTopLevelAnd(part) : -1;
            if (at >= 0)
            {
                AddNonEmpty(authors, part[..at]);
                AddNonEmpty(authors, part[(at + " and ".Length)..]);
                continue;
            }

            AddNonEmpty(authors, part);
        }

        return authors;

        static void AddNonEmpty(List<string> list, string s)
        {
            s = s.Trim();
            if (s.Length > 0)
            {
                list.Add(s);
            }
        }
    }

    private static List<string> SplitTopLevel(string text, out bool balanced)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        balanced = true;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    if (depth == 0)
                    {
                        balanced = false;
                    }
                    else
                    {
                        depth--;
                    }

                    break;
                case ',' when depth == 0:
                    parts.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }

        parts.Add(text[start..]);
        balanced &= depth == 0;
        return parts;
    }

    private static int LastTopLevelAnd(string part)
    {
        var found = -1;
        var depth = 0;
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0 && c == ' ' && string.CompareOrdinal(part, i, " and ", 0, 5) == 0)
            {
                found = i;
            }
        }

        return found;
    }

    // ---- dates ---------------------------------------------------------------------------------------------------

    private static DateTimeOffset ParseDate(string text, string what, string origin)
    {
        var s = text.Trim();
        if (TryParseRfc822(s, out var rfc))
        {
            return rfc;
        }

        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
        {
            return iso;
        }

        throw new ArxivFormatException(origin, $"cannot read the {what} '{s}' as a date");
    }

    private static bool TryParseRfc822(string s, out DateTimeOffset value)
    {
        value = default;
        var m = Rfc822().Match(s);
        if (!m.Success)
        {
            return false;
        }

        var month = Array.IndexOf(Months, m.Groups["mon"].Value.ToLowerInvariant()) + 1;
        if (month == 0)
        {
            return false;
        }

        var year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
        if (year < 100)
        {
            year += year < 50 ? 2000 : 1900;
        }

        var zone = m.Groups["z"].Value;
        TimeSpan offset;
        if (zone[0] is '+' or '-')
        {
            var minutes = (int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture) * 60)
                + int.Parse(zone.AsSpan(3, 2), CultureInfo.InvariantCulture);
            offset = TimeSpan.FromMinutes(zone[0] == '-' ? -minutes : minutes);
        }
        else if (!ZoneNames.TryGetValue(zone, out offset))
        {
            return false;
        }

        try
        {
            var local = new DateTime(
                year,
                month,
                int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["mi"].Value, CultureInfo.InvariantCulture),
                m.Groups["s"].Success ? int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture) : 0,
                DateTimeKind.Unspecified);
            value = new DateTimeOffset(local, offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static readonly string[] Months =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, TimeSpan> ZoneNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GMT"] = TimeSpan.Zero,
        ["UT"] = TimeSpan.Zero,
        ["UTC"] = TimeSpan.Zero,
        ["Z"] = TimeSpan.Zero,
        ["EST"] = TimeSpan.FromHours(-5),
        ["EDT"] = TimeSpan.FromHours(-4),
        ["CST"] = TimeSpan.FromHours(-6),
        ["CDT"] = TimeSpan.FromHours(-5),
        ["MST"] = TimeSpan.FromHours(-7),
        ["MDT"] = TimeSpan.FromHours(-6),
        ["PST"] = TimeSpan.FromHours(-8),
        ["PDT"] = TimeSpan.FromHours(-7),
    };

    private static readonly Lazy<TimeZoneInfo?> NewYork = new(() =>
    {
        foreach (var id in new[] { "America/New_York", "Eastern Standard Time" })
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (TimeZoneNotFoundException)
            {
            }
            catch (InvalidTimeZoneException)
            {
            }
        }

        return null;
    });

    /// <summary>The America/New_York calendar date of an instant (arXiv's mailings are dated in ET).</summary>
    internal static DateOnly EasternDate(DateTimeOffset instant)
    {
        if (NewYork.Value is { } tz)
        {
            return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, tz).DateTime);
        }

        // No tz database: US rules since 2007 (EDT from the 2nd Sunday of March 02:00 to the 1st Sunday of November 02:00).
        var utc = instant.UtcDateTime;
        var dstStart = NthSunday(utc.Year, 3, 2).AddHours(2 + 5);
        var dstEnd = NthSunday(utc.Year, 11, 1).AddHours(2 + 4);
        var offset = utc >= dstStart && utc < dstEnd ? -4 : -5;
        return DateOnly.FromDateTime(utc.AddHours(offset));

        static DateTime NthSunday(int year, int month, int n)
        {
            var first = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc);
            var toSunday = ((int)DayOfWeek.Sunday - (int)first.DayOfWeek + 7) % 7;
            return first.AddDays(toSunday + (7 * (n - 1)));
        }
    }

    // ---- diagnostics ---------------------------------------------------------------------------------------------

    private static bool LooksLikeHtml(string prefix, string? root)
    {
        if (root is not null && root.Equals("html", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var head = prefix.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return head.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase)
            || head.Contains("<html", StringComparison.OrdinalIgnoreCase)
            || head.Contains("<body", StringComparison.OrdinalIgnoreCase);
    }

    private static string Snippet(string prefix)
    {
        var text = prefix;
        var body = text.IndexOf("<body", StringComparison.OrdinalIgnoreCase);
        if (body >= 0)
        {
            text = text[body..];
        }

        text = Text.Normalize(Tags().Replace(text, " "));
        return text.Length <= 200 ? $"\"{text}\"" : $"\"{text[..200]}...\"";
    }

    private static string NsSuffix(string ns) => ns.Length == 0 ? "" : $" (namespace {ns})";

    private static string StripLineInfo(string message) => LineInfoSuffix().Replace(message, "").Trim();

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

    [GeneratedRegex(
        @"^(?:[A-Za-z]{3},\s*)?(?<d>\d{1,2})\s+(?<mon>[A-Za-z]{3})\s+(?<y>\d{2,4})\s+(?<h>\d{1,2}):(?<mi>\d{2})(?::(?<s>\d{2}))?\s+(?<z>[+-]\d{4}|[A-Za-z]{1,3})$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Rfc822();

    [GeneratedRegex(@"\s*Line \d+, position \d+\.?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex LineInfoSuffix();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();

    /// <summary>Reads the text of the current element (all descendant text), leaving the reader after its end tag.</summary>
    private static string ReadText(XmlReader reader)
    {
        if (reader.IsEmptyElement)
        {
            reader.Read();
            return "";
        }

        var depth = reader.Depth;
        var sb = new StringBuilder();
        reader.Read();
        while (!(reader.NodeType == XmlNodeType.EndElement && reader.Depth == depth))
        {
            if (reader.NodeType is XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace
                or XmlNodeType.SignificantWhitespace)
            {
                sb.Append(reader.Value);
            }

            if (!reader.Read())
            {
                throw new XmlException("unexpected end of input inside an element");
            }
        }

        reader.Read();
        return sb.ToString();
    }

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

    /// <summary>Pass-through read-only stream that remembers the first bytes read, for error messages.</summary>
    private sealed class SniffingStream(Stream inner, int keep) : Stream
    {
        private readonly byte[] _prefix = new byte[keep];
        private int _kept;

        public string Prefix() => Encoding.UTF8.GetString(_prefix, 0, _kept);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            Remember(buffer[..n]);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Remember(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Remember(ReadOnlySpan<byte> data)
        {
            var take = Math.Min(data.Length, _prefix.Length - _kept);
            if (take > 0)
            {
                data[..take].CopyTo(_prefix.AsSpan(_kept));
                _kept += take;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
