using System.Text;
using System.Text.Json;
using ArxivDigest.Digests;
using ArxivDigest.Rendering;

namespace ArxivDigest.Output;

/// <summary>
/// Writes a digest's files at <c>{out}/{name}/{listing-date}.{ext}</c>, each atomically (temp file + rename).
/// If the files already hold the same digest, the earlier generation time is kept so that the bytes do not change.
/// </summary>
public static class DigestWriter
{
    public static IReadOnlyList<string> PathsFor(string outDir, string name, DateOnly listingDate, IEnumerable<IDigestRenderer> renderers) =>
        renderers.Select(r => Path.Combine(outDir, name, $"{listingDate:yyyy-MM-dd}.{r.Extension}")).ToList();

    /// <summary>Writes the files; returns their paths and whether anything changed on disk.</summary>
    public static (IReadOnlyList<string> Paths, bool Changed) Write(string outDir, Digest digest, IReadOnlyList<IDigestRenderer> renderers)
    {
        var dir = Path.Combine(outDir, digest.Name);
        Directory.CreateDirectory(dir);
        var paths = PathsFor(outDir, digest.Name, digest.ListingDate, renderers);

        var previous = PreviousGeneratedAt(Path.Combine(dir, $"{digest.ListingDate:yyyy-MM-dd}.json"));
        if (previous is { } earlier && earlier != digest.GeneratedAt)
        {
            var candidate = digest with { GeneratedAt = earlier };
            if (renderers.Zip(paths).All(x => File.Exists(x.Second) && File.ReadAllText(x.Second) == x.First.RenderToString(candidate)))
            {
                return (paths, false);
            }
        }

        var changed = false;
        foreach (var (renderer, path) in renderers.Zip(paths))
        {
            var content = renderer.RenderToString(digest);
            if (File.Exists(path) && File.ReadAllText(path) == content)
            {
                continue;
            }

            WriteAtomically(path, content);
            changed = true;
        }

        return (paths, changed);
    }

    public static void WriteAtomically(string path, string content)
    {
        var temp = path + $".tmp-{Environment.ProcessId}";
        File.WriteAllText(temp, content, new UTF8Encoding(false));
        File.Move(temp, path, overwrite: true);
    }

    private static DateTimeOffset? PreviousGeneratedAt(string jsonPath)
    {
        try
        {
            if (!File.Exists(jsonPath))
            {
                return null;
            }

            using var doc = JsonDocument.Parse(File.ReadAllText(jsonPath));
            return doc.RootElement.TryGetProperty("generatedAt", out var g) && g.TryGetDateTimeOffset(out var t) ? t : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }
}
