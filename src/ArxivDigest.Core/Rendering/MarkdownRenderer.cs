using System.Text;
using ArxivDigest.Digests;

namespace ArxivDigest.Rendering;

/// <summary>The digest as Markdown: same facts and order as the text digest, with headings and links.</summary>
public sealed class MarkdownRenderer : IDigestRenderer
{
    public string Format => "markdown";

    public string Extension => "md";

    public void Render(Digest digest, TextWriter writer)
    {
        var labels = Labels.For(digest.Language);
        writer.Write($"# arXiv digest {digest.Name}: {digest.ListingDate:yyyy-MM-dd}\n\n");
        writer.Write($"{labels.Header(digest)}\n\n");
        writer.Write($"**{labels.Count(digest.Count)}**\n");
        foreach (var group in digest.Groups)
        {
            writer.Write($"\n## Keyword: {Inline(group.Query)} ({group.Papers.Count})\n");
            foreach (var entry in group.Papers)
            {
                var p = entry.Paper;
                writer.Write($"\n### [{Inline(p.Title)}]({p.AbsUrl})\n\n");
                writer.Write($"{Inline(labels.Translation(entry.Title))}\n\n");
                if (entry.Tldr is { } tldr)
                {
                    writer.Write($"> **TL;DR** {Inline(tldr)}\n\n");
                }
                writer.Write($"- Authors: {Inline(string.Join(", ", p.Authors))}\n");
                writer.Write($"- Subjects: {Inline(string.Join("; ", p.Subjects))}\n");
                writer.Write($"- Matched: {string.Join(", ", entry.Matched.Split(" | ").Select(m => $"**{Inline(m)}**"))}\n");
                writer.Write($"- Links: [abs]({p.AbsUrl}) · [pdf]({p.PdfUrl})\n");
                if (p.Comments is { } c)
                {
                    writer.Write($"- Comments: {Inline(c)}\n");
                }

                writer.Write($"\n**Abstract**\n\n{Block(p.Abstract)}\n\n");
                writer.Write($"**{labels.TranslatedAbstract}**\n\n{Block(labels.Translation(entry.Abstract))}\n");
            }
        }
    }

    /// <summary>Escapes what would change the meaning of inline Markdown (emphasis, links, HTML), keeping TeX readable.</summary>
    public static string Inline(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '*' or '_' or '[' or ']' or '`' or '#' or '|' or '~':
                    sb.Append('\\').Append(c);
                    break;
                case '<':
                    sb.Append("&lt;");
                    break;
                case '>':
                    sb.Append("&gt;");
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Abstract paragraphs: raw HTML neutralised; TeX and underscores left for math renderers.</summary>
    private static string Block(string text) => text.Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
