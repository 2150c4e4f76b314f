using System.Xml;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// The Atom form: <feed> with feed fields and <entry>s.
public static partial class RssFeedParser
{
    private static Feed ReadAtom(XmlReader reader, string origin)
    {
        var feed = new Feed();
        if (reader.IsEmptyElement)
        {
            return feed;
        }

        XmlRead.Children(reader, () =>
        {
            if (reader.NamespaceURI != AtomNs)
            {
                reader.Skip();
                return;
            }

            switch (reader.LocalName)
            {
                case "title":
                    feed.Title = Text.Normalize(XmlRead.ReadText(reader));
                    break;
                case "subtitle":
                    feed.Description = Text.Normalize(XmlRead.ReadText(reader));
                    break;
                case "updated":
                    feed.LastBuildDate = ParseDate(XmlRead.ReadText(reader), "feed updated", origin);
                    break;
                case "entry":
                    feed.Items.Add(ReadAtomEntry(reader, feed.Items.Count + 1, origin));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        });

        // The Atom form has no channel pubDate; each entry's <published> is arXiv's midnight ET (2025-08-20T00:00:00-04:00).
        feed.PubDate = feed.Items.Select(i => i.PubDate).FirstOrDefault(d => d is not null);
        return feed;
    }

    private static RawItem ReadAtomEntry(XmlReader reader, int index, string origin)
    {
        var item = new RawItem { Index = index };
        XmlRead.Children(reader, () =>
        {
            if (reader.NamespaceURI == AtomNs)
            {
                switch (reader.LocalName)
                {
                    case "id":
                        item.Guid = XmlRead.ReadText(reader).Trim();
                        return;
                    case "title":
                        item.Title = XmlRead.ReadText(reader);
                        return;
                    case "summary":
                        item.Description = XmlRead.ReadText(reader);
                        return;
                    case "link":
                        var rel = reader.GetAttribute("rel");
                        if (item.Link is null && (rel is null || rel == "alternate"))
                        {
                            item.Link = reader.GetAttribute("href")?.Trim();
                        }

                        reader.Skip();
                        return;
                    case "category":
                        var term = reader.GetAttribute("term")?.Trim();
                        if (!string.IsNullOrEmpty(term))
                        {
                            item.Categories.Add(term);
                        }

                        reader.Skip();
                        return;
                    case "published":
                        item.PubDate = ParseDate(XmlRead.ReadText(reader), $"published of entry {index}", origin);
                        return;
                    case "author":
                        item.AtomAuthors.AddRange(ReadAtomAuthorNames(reader));
                        return;
                }
            }
            else if (ReadArxivOrDc(reader, item))
            {
                return;
            }

            reader.Skip();
        });

        return item;
    }

    /// <summary>The <c>name</c>s inside an Atom <c>author</c> (at any depth), whitespace-normalised, empty ones dropped.</summary>
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
                var name = Text.Normalize(XmlRead.ReadText(reader));
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
}
