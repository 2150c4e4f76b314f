using System.Text;
using System.Text.Json;
using ArxivDigest.Digests;
using ArxivDigest.Rendering;

namespace ArxivDigest.Output;

/// <summary>
/// Writes a digest's files at <c>{out}/{name}/{listing-date}.{ext}</c>, each atomically (temp file flushed to disk,
/// then renamed over the target), so a file never exists half-written, even if the process is killed. The JSON file,
/// which carries the digest's status ("complete"), is written last: it never says complete before the other files are.
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

        RemoveAbandonedTemps(dir);
        var changed = false;
        foreach (var (renderer, path) in renderers.Zip(paths).OrderBy(x => x.First.Extension == "json" ? 1 : 0))
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
        var temp = path + TempMarker + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            var bytes = new UTF8Encoding(false).GetBytes(content);
            stream.Write(bytes);
            stream.Flush(flushToDisk: true); // the rename must not reach the disk before the bytes do
        }

        File.Move(temp, path, overwrite: true);
    }

    private const string TempMarker = ".tmp-";

    /// <summary>Deletes temp files left by a killed writer (its process id no longer runs).</summary>
    private static void RemoveAbandonedTemps(string dir)
    {
        foreach (var temp in Directory.EnumerateFiles(dir, "*" + TempMarker + "*"))
        {
            var pidText = temp[(temp.LastIndexOf(TempMarker, StringComparison.Ordinal) + TempMarker.Length)..];
            if (!int.TryParse(pidText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) || IsRunning(pid))
            {
                continue;
            }

            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the next run.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return false;
        }
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
