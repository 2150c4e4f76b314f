using ArxivDigest.Digests;

namespace ArxivDigest.Rendering;

/// <summary>
/// The plain-text digest, line for line the layout of shared/reference/digest-2026-03-26.txt (with one
/// <c>Subjects:</c>, where the reference doubled it). Lines end in \n; the file has no trailing newline, as the reference.
/// </summary>
public sealed class TextRenderer : IDigestRenderer
{
    public string Format => "text";

    public string Extension => "txt";

    public void Render(Digest digest, TextWriter writer)
    {
        var labels = Labels.For(digest.Language);
        var lines = new List<string> { labels.Header(digest), labels.Count(digest.Count) };
        foreach (var group in digest.Groups)
        {
            lines.Add($"Keyword: {group.Query}");
            foreach (var entry in group.Papers)
            {
                var p = entry.Paper;
                lines.Add(p.Title);
                lines.Add(labels.Translation(entry.Title));
                if (entry.Tldr is { } tldr)
                {
                    lines.Add($"TL;DR: {tldr}");
                }
                lines.Add($"- Authors: {string.Join(", ", p.Authors)}");
                lines.Add("- Subjects:");
                lines.Add(string.Join("; ", p.Subjects));
                lines.Add($"- Arxiv link: {p.AbsUrl}");
                lines.Add($"- Pdf link: {p.PdfUrl}");
                lines.Add("- Abstract");
                lines.Add(p.Abstract);
                lines.Add($"- {labels.TranslatedAbstract}");
                lines.Add(labels.Translation(entry.Abstract));
            }
        }

        writer.Write(string.Join("\n", lines));
    }
}
