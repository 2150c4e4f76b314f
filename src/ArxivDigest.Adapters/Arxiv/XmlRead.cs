using System.Globalization;
using System.Text;
using System.Xml;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>XmlReader plumbing shared by the API Atom, OAI-PMH and RSS feed parsers.</summary>
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

    /// <summary>Reads <paramref name="xml"/> with <see cref="Settings"/>, running <paramref name="read"/> under <see cref="Guard{T}"/>.</summary>
    public static T Parse<T>(Stream xml, string origin, Func<XmlReader, string, T> read) =>
        Guard(origin, () =>
        {
            // Created inside the guard: the constructor already decodes the first bytes and throws on invalid ones.
            using var reader = XmlReader.Create(xml, Settings);
            return read(reader, origin);
        });

    /// <inheritdoc cref="Parse{T}(Stream, string, Func{XmlReader, string, T})"/>
    public static T Parse<T>(string xml, string origin, Func<XmlReader, string, T> read) =>
        Guard(origin, () =>
        {
            using var text = new StringReader(xml);
            using var reader = XmlReader.Create(text, Settings);
            return read(reader, origin);
        });

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
