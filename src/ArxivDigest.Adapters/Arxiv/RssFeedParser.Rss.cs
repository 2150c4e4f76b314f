using System.Xml;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// The RSS 2.0 form: <rss><channel> with channel fields and <item>s.
public static partial class RssFeedParser
{
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

    private static void ReadChannel(XmlReader reader, Feed feed, string origin) =>
        XmlRead.Children(reader, () =>
        {
            if (reader.NamespaceURI.Length != 0)
            {
                reader.Skip();
                return;
            }

            switch (reader.LocalName)
            {
                case "title":
                    feed.Title = Text.Normalize(XmlRead.ReadText(reader));
                    break;
                case "description":
                    feed.Description = Text.Normalize(XmlRead.ReadText(reader));
                    break;
                case "pubDate":
                    feed.PubDate = ParseDate(XmlRead.ReadText(reader), "channel pubDate", origin);
                    break;
                case "lastBuildDate":
                    feed.LastBuildDate = ParseDate(XmlRead.ReadText(reader), "channel lastBuildDate", origin);
                    break;
                case "item":
                    feed.Items.Add(ReadRssItem(reader, feed.Items.Count + 1, origin));
                    break;
                default:
                    reader.Skip();
                    break;
            }
        });

    private static RawItem ReadRssItem(XmlReader reader, int index, string origin)
    {
        var item = new RawItem { Index = index };
        XmlRead.Children(reader, () =>
        {
            if (reader.NamespaceURI.Length == 0)
            {
                switch (reader.LocalName)
                {
                    case "title":
                        item.Title = XmlRead.ReadText(reader);
                        return;
                    case "link":
                        item.Link = XmlRead.ReadText(reader).Trim();
                        return;
                    case "description":
                        item.Description = XmlRead.ReadText(reader);
                        return;
                    case "guid":
                        item.Guid = XmlRead.ReadText(reader).Trim();
                        return;
                    case "category":
                        item.Categories.Add(XmlRead.ReadText(reader).Trim());
                        return;
                    case "pubDate":
                        item.PubDate = ParseDate(XmlRead.ReadText(reader), $"pubDate of item {index}", origin);
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
}
