using ArxivDigest.Digests;

namespace ArxivDigest.Rendering;

/// <summary>The render seam: writes one digest in one format into a <see cref="TextWriter"/>.</summary>
public interface IDigestRenderer
{
    /// <summary>Format name as given to <c>--format</c>.</summary>
    string Format { get; }

    /// <summary>File extension without the dot.</summary>
    string Extension { get; }

    void Render(Digest digest, TextWriter writer);
}

/// <summary>Renderers by format name.</summary>
public static class Renderers
{
    public static readonly IReadOnlyList<IDigestRenderer> All = [new TextRenderer(), new MarkdownRenderer(), new JsonRenderer(), new HtmlRenderer(), new RssRenderer(), new AtomRenderer()];

    public static IReadOnlyList<string> Names => All.Select(r => r.Format).ToList();

    public static IDigestRenderer? Find(string format) =>
        All.FirstOrDefault(r => string.Equals(r.Format, format.Trim(), StringComparison.OrdinalIgnoreCase)
                                || (format.Trim().Equals("txt", StringComparison.OrdinalIgnoreCase) && r is TextRenderer)
                                || (format.Trim().Equals("md", StringComparison.OrdinalIgnoreCase) && r is MarkdownRenderer));

    public static string RenderToString(this IDigestRenderer renderer, Digest digest)
    {
        using var sw = new StringWriter { NewLine = "\n" };
        renderer.Render(digest, sw);
        return sw.ToString();
    }
}
