using System.Runtime.CompilerServices;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ArxivDigest.Tests.Support;

/// <summary>
/// Golden-file assertions. Expected files live under tests/ArxivDigest.Tests/Golden/. Set UPDATE_GOLDEN=1 to
/// (re)write them from the actual output, then review the diff before committing.
/// </summary>
public static class Golden
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
    };

    public static string Dir([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "Golden"));

    /// <summary>Serialises <paramref name="value"/> with <see cref="Json"/> and compares with Golden/<paramref name="relativePath"/>.</summary>
    public static void AssertJson(string relativePath, object value) =>
        AssertText(relativePath, JsonSerializer.Serialize(value, Json) + "\n");

    public static void AssertText(string relativePath, string actual)
    {
        var path = Path.Combine(Dir(), relativePath);
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"golden file missing: {path} (run with UPDATE_GOLDEN=1 to create it)");
        var expected = File.ReadAllText(path);
        if (expected != actual)
        {
            var e = expected.Split('\n');
            var a = actual.Split('\n');
            var i = 0;
            while (i < e.Length && i < a.Length && e[i] == a[i])
            {
                i++;
            }

            Assert.Fail($"{relativePath} differs at line {i + 1}:\n expected: {(i < e.Length ? e[i] : "<end>")}\n actual:   {(i < a.Length ? a[i] : "<end>")}");
        }
    }
}

/// <summary>Locates ../shared/fixtures from the repository root.</summary>
public static class Fixtures
{
    public static string Root([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "..", "shared", "fixtures", "arxiv"));

    public static string At(string relative) => Path.Combine(Root(), relative);

    public static IEnumerable<string> Files(string folder, string pattern = "*") =>
        Directory.EnumerateFiles(Path.Combine(Root(), folder), pattern).Order(StringComparer.Ordinal);

    public static string Reference([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "..", "shared", "reference", "digest-2026-03-26.txt"));
}
