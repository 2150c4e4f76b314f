using System.Text;
using System.Text.RegularExpressions;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Fuzz;

/// <summary>
/// Seed inputs cut from the real fixtures: big files are cut down to their first few records while staying
/// well-formed (the tail after the last record is kept), so that 10 000 cases run in seconds.
/// </summary>
public static partial class FuzzSeeds
{
    /// <summary>Every file of a fixture folder, each cut to its first <paramref name="keep"/> records.</summary>
    public static IReadOnlyList<FuzzSeed> Xml(string folder, int keep, params string[] recordEndTags) =>
        [.. Fixtures.Files(folder).Select(f => new FuzzSeed(Path.GetFileName(f), Encoding.UTF8.GetBytes(KeepFirst(File.ReadAllText(f), keep, recordEndTags))))];

    /// <summary>Keeps the first <paramref name="keep"/> records (ending with the first of <paramref name="endTags"/>
    /// found in the text) and everything after the last record.</summary>
    public static string KeepFirst(string text, int keep, params string[] endTags)
    {
        foreach (var tag in endTags)
        {
            var ends = Ends(text, tag, 0, text.Length);
            if (ends.Count == 0)
            {
                continue;
            }

            return ends.Count <= keep ? text : text[..ends[keep - 1]] + text[ends[^1]..];
        }

        return text;
    }

    /// <summary>Listing pages with <paramref name="keep"/> entries per section (or day), the "showing N of M"
    /// counts rewritten to match, so the parser's count check passes on the seed.</summary>
    public static IReadOnlyList<FuzzSeed> Listings(int keep) =>
        [.. Fixtures.Files("listing").Select(f => new FuzzSeed(Path.GetFileName(f), Encoding.UTF8.GetBytes(TrimListing(File.ReadAllText(f), keep))))];

    public static string TrimListing(string html, int keep)
    {
        var headings = new List<int>();
        for (var i = html.IndexOf("<h3", StringComparison.Ordinal); i >= 0; i = html.IndexOf("<h3", i + 1, StringComparison.Ordinal))
        {
            headings.Add(i);
        }

        if (headings.Count == 0)
        {
            return html;
        }

        var sb = new StringBuilder(html[..headings[0]]);
        for (var h = 0; h < headings.Count; h++)
        {
            var start = headings[h];
            var end = h + 1 < headings.Count ? headings[h + 1] : html.Length;
            var section = html[start..end];
            var ends = Ends(section, "</dd>", 0, section.Length);
            var kept = Math.Min(keep, ends.Count);
            if (ends.Count > keep)
            {
                section = section[..ends[keep - 1]] + section[ends[^1]..];
            }

            sb.Append(Showing().Replace(section, $"(showing {kept} of {kept} entries", 1));
        }

        return sb.ToString();
    }

    /// <summary>The Kaggle snapshot in windows of <paramref name="lines"/> lines.</summary>
    public static IReadOnlyList<FuzzSeed> KaggleWindows(int lines)
    {
        var seeds = new List<FuzzSeed>();
        foreach (var f in Fixtures.Files("kaggle"))
        {
            var all = File.ReadAllLines(f);
            for (var i = 0; i < all.Length; i += lines)
            {
                var window = string.Join('\n', all.Skip(i).Take(lines)) + "\n";
                seeds.Add(new FuzzSeed($"{Path.GetFileName(f)}#{i + 1}", Encoding.UTF8.GetBytes(window)));
            }
        }

        return seeds;
    }

    private static List<int> Ends(string text, string tag, int from, int to)
    {
        var ends = new List<int>();
        for (var i = text.IndexOf(tag, from, to - from, StringComparison.Ordinal); i >= 0; i = text.IndexOf(tag, i + 1, to - i - 1, StringComparison.Ordinal))
        {
            ends.Add(i + tag.Length);
        }

        return ends;
    }

    [GeneratedRegex(@"\(showing (?:first )?\d+ of \d+ entries")]
    private static partial Regex Showing();
}
