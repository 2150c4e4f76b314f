using System.Reflection;

namespace ArxivDigest.Cli.Web;

/// <summary>One static file served under /assets/.</summary>
public sealed record WebAsset(byte[] Content, string ContentType);

/// <summary>
/// The static files embedded in the assembly (resource names <c>assets/…</c>): the stylesheet, the script, and
/// KaTeX when the build could fetch it from npm. Embedding keeps the packaged tool self-contained.
/// </summary>
public sealed record WebAssets(IReadOnlyDictionary<string, WebAsset> Files)
{
    /// <summary>True when KaTeX (script, auto-render, stylesheet) is bundled.</summary>
    public bool Math => Files.ContainsKey("katex/katex.min.js") && Files.ContainsKey("katex/contrib/auto-render.min.js") && Files.ContainsKey("katex/katex.min.css");

    public static WebAssets Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var files = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith("assets/", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var memory = new MemoryStream();
            stream.CopyTo(memory);
            files[name["assets/".Length..]] = new WebAsset(memory.ToArray(), ContentType(name));
        }

        return new WebAssets(files);
    }

    private static string ContentType(string name) => Path.GetExtension(name) switch
    {
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".woff2" => "font/woff2",
        ".woff" => "font/woff",
        ".ttf" => "font/ttf",
        _ => "application/octet-stream",
    };
}
