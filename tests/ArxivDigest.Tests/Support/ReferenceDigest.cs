using System.Globalization;
using System.Text.RegularExpressions;
using ArxivDigest.Papers;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Support;

/// <summary>
/// Reads shared/reference/digest-2026-03-26.txt back into its papers and translations, so tests can rebuild it
/// through the real filter, builder and renderer.
/// </summary>
public sealed partial class ReferenceDigest
{
    public required string Text { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required IReadOnlyList<(string Query, Paper Paper, string TitleZh, string AbstractZh)> Entries { get; init; }

    /// <summary>The reference as our renderer must print it: one "Subjects:" instead of the doubled word.</summary>
    public string Expected => Text.Replace("- Subjects: Subjects:\n", "- Subjects:\n", StringComparison.Ordinal);

    public IEnumerable<Paper> Papers => Entries.Select(e => e.Paper);

    public FixedTranslator Translator()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in Entries)
        {
            map[e.Paper.Title] = e.TitleZh;
            map[e.Paper.Abstract] = e.AbstractZh;
        }

        return new FixedTranslator(map);
    }

    public static ReferenceDigest Load()
    {
        var text = File.ReadAllText(Fixtures.Reference());
        var lines = text.Split('\n');
        var gen = GeneratedRegex().Match(lines[0]);
        var generatedAt = DateTimeOffset.ParseExact(gen.Groups[1].Value + " +08:00", "yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
        var entries = new List<(string, Paper, string, string)>();
        string? query = null;
        var i = 2;
        while (i < lines.Length)
        {
            if (lines[i].StartsWith("Keyword: ", StringComparison.Ordinal))
            {
                query = lines[i]["Keyword: ".Length..];
                i++;
                continue;
            }

            // title, translated title, - Authors, - Subjects: Subjects:, subjects, - Arxiv link, - Pdf link, - Abstract, abstract, - 中文摘要, translation
            var title = lines[i];
            var titleZh = lines[i + 1];
            var authors = lines[i + 2]["- Authors: ".Length..].Split(", ");
            var subjects = lines[i + 4].Split("; ").Select(ParseSubject).ToList();
            var id = lines[i + 5]["- Arxiv link: https://arxiv.org/abs/".Length..];
            var abs = lines[i + 8];
            var absZh = lines[i + 10];
            entries.Add((query!, new Paper
            {
                Id = id,
                Version = 1,
                Title = title,
                Authors = authors,
                Abstract = abs,
                Subjects = subjects,
                PrimaryCategory = subjects[0].Code,
                AnnounceType = AnnounceType.New,
                ListingDate = new DateOnly(2026, 3, 26),
            }, titleZh, absZh));
            i += 11;
        }

        return new ReferenceDigest { Text = text, GeneratedAt = generatedAt, Entries = entries };
    }

    private static Subject ParseSubject(string s)
    {
        var m = SubjectRegex().Match(s);
        return new Subject(m.Groups[2].Value, m.Groups[1].Value);
    }

    [GeneratedRegex(@"^生成时间: (\S+ \S+) \(UTC\+8\)")]
    private static partial Regex GeneratedRegex();

    [GeneratedRegex(@"^(.*) \(([^()]+)\)$")]
    private static partial Regex SubjectRegex();
}

/// <summary>A translation test double: answers from a fixed source→translation table, counting calls.</summary>
public sealed class FixedTranslator(IReadOnlyDictionary<string, string> table) : ITranslator
{
    public string Name => "fixed";

    public int Calls { get; private set; }

    public Task<IReadOnlyList<TranslationResult>> TranslateAsync(IReadOnlyList<TranslationRequest> requests, CancellationToken cancellationToken)
    {
        Calls++;
        return Task.FromResult<IReadOnlyList<TranslationResult>>(requests
            .Select(r => table.TryGetValue(r.Text, out var t) ? new TranslationResult(r.Key, t) : new TranslationResult(r.Key, null, "not in table"))
            .ToList());
    }
}
