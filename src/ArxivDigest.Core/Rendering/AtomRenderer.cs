using System.Globalization;
using System.Xml;
using ArxivDigest.Digests;

namespace ArxivDigest.Rendering;

/// <summary>
/// The digest as an Atom 1.0 feed (RFC 4287). Ids are stable tag URIs: the feed's from its listing date and name,
/// each entry's from the paper's id and version. <c>updated</c> is the arXiv announcement, not the generation time.
/// </summary>
public sealed class AtomRenderer : IDigestRenderer
{
    public const string Namespace = "http://www.w3.org/2005/Atom";

    private const string XmlNamespace = "http://www.w3.org/XML/1998/namespace";

    public string Format => "atom";

    public string Extension => "atom.xml";

    public void Render(Digest digest, TextWriter writer)
    {
        var labels = Labels.For(digest.Language);
        var lang = HtmlRenderer.LanguageTag(digest.Language);
        var listing = digest.ListingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var updated = Iso(digest.AnnouncedAt);
        writer.Write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        using (var x = XmlWriter.Create(writer, RssRenderer.Settings()))
        {
            x.WriteStartElement("feed", Namespace);
            x.WriteElementString("id", Namespace, FeedId(digest));
            x.WriteElementString("title", Namespace, RssRenderer.Safe($"arXiv digest {digest.Name}: {listing}"));
            x.WriteElementString("subtitle", Namespace, RssRenderer.Safe(RssRenderer.Description(digest)));
            x.WriteElementString("updated", Namespace, updated);
            x.WriteStartElement("author", Namespace);
            x.WriteElementString("name", Namespace, "ArxivDigest");
            x.WriteEndElement();
            WriteLink(x, "alternate", "text/html", "https://arxiv.org");
            x.WriteElementString("generator", Namespace, "ArxivDigest");
            foreach (var group in digest.Groups)
            {
                foreach (var entry in group.Papers)
                {
                    WriteEntry(x, entry, labels, lang, updated);
                }
            }

            x.WriteEndElement();
        }

        writer.Write('\n');
    }

    /// <summary><c>tag:arxiv-digest,2026-03-26:default</c>: one id per digest name and listing day.</summary>
    public static string FeedId(Digest digest) =>
        $"tag:arxiv-digest,{digest.ListingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}:{Uri.EscapeDataString(digest.Name)}";

    /// <summary><c>tag:arxiv-digest:2603.22293v1</c>: the same paper version always gets the same id.</summary>
    public static string EntryId(DigestPaper entry) => $"tag:arxiv-digest:{RssRenderer.Safe(RssRenderer.VersionedId(entry))}";

    private static void WriteEntry(XmlWriter x, DigestPaper entry, Labels labels, string lang, string updated)
    {
        var p = entry.Paper;
        x.WriteStartElement("entry", Namespace);
        x.WriteElementString("id", Namespace, EntryId(entry));
        x.WriteStartElement("title", Namespace);
        x.WriteAttributeString("type", "text");
        x.WriteString(RssRenderer.Safe(RssRenderer.TitleWithTranslation(entry)));
        x.WriteEndElement();
        x.WriteElementString("updated", Namespace, updated);
        WriteLink(x, "alternate", "text/html", p.AbsUrl);
        WriteLink(x, "related", "application/pdf", p.PdfUrl);
        foreach (var author in p.Authors)
        {
            x.WriteStartElement("author", Namespace);
            x.WriteElementString("name", Namespace, RssRenderer.Safe(author));
            x.WriteEndElement();
        }

        foreach (var s in p.Subjects)
        {
            x.WriteStartElement("category", Namespace);
            x.WriteAttributeString("term", RssRenderer.Safe(s.Code));
            if (s.Name.Length > 0)
            {
                x.WriteAttributeString("label", RssRenderer.Safe(s.Name));
            }

            x.WriteEndElement();
        }

        x.WriteStartElement("summary", Namespace);
        x.WriteAttributeString("type", "text");
        x.WriteAttributeString("xml", "lang", XmlNamespace, "en");
        x.WriteString(RssRenderer.Safe(p.Abstract));
        x.WriteEndElement();
        var translated = entry.Abstract is { State: TranslationState.Done, Text: { Length: > 0 } t } ? t : null;
        if (translated is not null || entry.Tldr is not null)
        {
            x.WriteStartElement("content", Namespace);
            x.WriteAttributeString("type", "text");
            x.WriteAttributeString("xml", "lang", XmlNamespace, lang);
            var tldr = entry.Tldr is { } s ? $"TL;DR: {s}" : null;
            var body = translated is null ? tldr! : tldr is null ? translated : $"{tldr}\n\n{labels.TranslatedAbstract}: {translated}";
            x.WriteString(RssRenderer.Safe(body));
            x.WriteEndElement();
        }

        x.WriteEndElement();
    }

    private static void WriteLink(XmlWriter x, string rel, string type, string href)
    {
        x.WriteStartElement("link", Namespace);
        x.WriteAttributeString("rel", rel);
        x.WriteAttributeString("type", type);
        x.WriteAttributeString("href", href);
        x.WriteEndElement();
    }

    private static string Iso(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
