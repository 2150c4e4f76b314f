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

    /// <summary><see cref="XmlRead.Settings"/> except that whitespace-only text nodes are kept, so text read from an
    /// element with child elements keeps the whitespace between them.</summary>
    private static readonly XmlReaderSettings Settings = KeepWhitespace(XmlRead.Settings);

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

        string? root = null;
        try
        {
            using var reader = open(Settings);
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

    private static XmlReaderSettings KeepWhitespace(XmlReaderSettings settings)
    {
        var copy = settings.Clone();
        copy.IgnoreWhitespace = false;
        return copy;
    }

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

    [GeneratedRegex(@"\s*Line \d+, position \d+\.?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex LineInfoSuffix();

    [GeneratedRegex(@"<[^>]*>", RegexOptions.CultureInvariant)]
    private static partial Regex Tags();
}
