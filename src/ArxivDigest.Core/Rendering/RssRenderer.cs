using System.Globalization;
using System.Text;
using System.Xml;
using ArxivDigest.Digests;

namespace ArxivDigest.Rendering;

/// <summary>
/// The digest as an RSS 2.0 feed, one item per paper. Dates are the arXiv announcement (not the generation time) so
/// that re-rendering the same listing yields the same feed; item GUIDs are <c>arxiv:&lt;id&gt;v&lt;version&gt;</c>.
/// All text is written through <see cref="XmlWriter"/>, which escapes it.
/// </summary>
public sealed class RssRenderer : IDigestRenderer
{
    private const string DublinCore = "http://purl.org/dc/elements/1.1/";

    public string Format => "rss";

    public string Extension => "rss.xml";

    public void Render(Digest digest, TextWriter writer)
    {
        var labels = Labels.For(digest.Language);
        var date = Rfc1123(digest.AnnouncedAt);
        writer.Write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        using (var x = XmlWriter.Create(writer, Settings()))
        {
            x.WriteStartElement("rss");
            x.WriteAttributeString("version", "2.0");
            x.WriteAttributeString("xmlns", "dc", null, DublinCore);
            x.WriteStartElement("channel");
            x.WriteElementString("title", Safe($"arXiv digest {digest.Name}"));
            x.WriteElementString("link", "https://arxiv.org");
            x.WriteElementString("description", Safe(Description(digest)));
            x.WriteElementString("language", HtmlRenderer.LanguageTag(digest.Language).ToLowerInvariant());
            x.WriteElementString("pubDate", date);
            x.WriteElementString("lastBuildDate", date);
            x.WriteElementString("generator", "ArxivDigest");
            foreach (var group in digest.Groups)
            {
                foreach (var entry in group.Papers)
                {
                    WriteItem(x, entry, labels, date);
                }
            }

            x.WriteEndElement();
            x.WriteEndElement();
        }

        writer.Write('\n');
    }

    private static void WriteItem(XmlWriter x, DigestPaper entry, Labels labels, string date)
    {
        var p = entry.Paper;
        x.WriteStartElement("item");
        x.WriteElementString("title", Safe(TitleWithTranslation(entry)));
        x.WriteElementString("link", p.AbsUrl);
        x.WriteStartElement("guid");
        x.WriteAttributeString("isPermaLink", "false");
        x.WriteString(Safe($"arxiv:{VersionedId(entry)}"));
        x.WriteEndElement();
        x.WriteElementString("description", Safe(Body(entry, labels)));
        if (p.Authors.Count > 0)
        {
            x.WriteElementString("dc", "creator", DublinCore, Safe(string.Join(", ", p.Authors)));
        }

        foreach (var s in p.Subjects)
        {
            x.WriteElementString("category", Safe(s.Code));
        }

        x.WriteElementString("pubDate", date);
        x.WriteEndElement();
    }

    /// <summary>The feed's line about what it holds: date, categories, queries and the count.</summary>
    internal static string Description(Digest d) =>
        $"arXiv papers announced for {d.ListingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} in "
        + $"{string.Join(", ", d.Categories)} matching {string.Join(", ", d.Groups.Select(g => $"\"{g.Query}\""))}: "
        + $"{d.Count.ToString(CultureInfo.InvariantCulture)} papers";

    /// <summary>Original title, then " / " and the translation when there is one.</summary>
    internal static string TitleWithTranslation(DigestPaper entry) =>
        entry.Title is { State: TranslationState.Done, Text: { Length: > 0 } t } ? $"{entry.Paper.Title} / {t}" : entry.Paper.Title;

    /// <summary><c>2603.22293v1</c>, or the bare id when the source did not state a version.</summary>
    internal static string VersionedId(DigestPaper entry) =>
        entry.Paper.Version is { } v ? $"{entry.Paper.Id}v{v.ToString(CultureInfo.InvariantCulture)}" : entry.Paper.Id;

    /// <summary>Plain-text item body: TL;DR, abstract, translated abstract (when done), comments.</summary>
    private static string Body(DigestPaper entry, Labels labels)
    {
        var p = entry.Paper;
        var sb = new StringBuilder();
        if (entry.Tldr is { } tldr)
        {
            sb.Append("TL;DR: ").Append(tldr).Append("\n\n");
        }

        sb.Append(p.Abstract);
        if (entry.Abstract is { State: TranslationState.Done, Text: { Length: > 0 } t })
        {
            sb.Append("\n\n").Append(labels.TranslatedAbstract).Append(": ").Append(t);
        }

        if (p.Comments is { } c)
        {
            sb.Append("\n\nComments: ").Append(c);
        }

        return sb.ToString();
    }

    internal static string Rfc1123(DateTimeOffset t) => t.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

    internal static XmlWriterSettings Settings() => new()
    {
        Indent = true,
        IndentChars = "  ",
        NewLineChars = "\n",
        NewLineHandling = NewLineHandling.Replace,
        OmitXmlDeclaration = true,
        CheckCharacters = true,
        CloseOutput = false,
    };

    /// <summary>Drops characters XML 1.0 cannot hold (C0 controls, lone surrogates), which XmlWriter would refuse.</summary>
    public static string Safe(string text)
    {
        var ok = true;
        for (var i = 0; i < text.Length && ok; i++)
        {
            ok = XmlConvert.IsXmlChar(text[i]) || (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]));
            if (ok && char.IsHighSurrogate(text[i]))
            {
                i++;
            }
        }

        if (ok)
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (XmlConvert.IsXmlChar(text[i]))
            {
                sb.Append(text[i]);
            }
            else if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                sb.Append(text[i]).Append(text[i + 1]);
                i++;
            }
        }

        return sb.ToString();
    }
}
