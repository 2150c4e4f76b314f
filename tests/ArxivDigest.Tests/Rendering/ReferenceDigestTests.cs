using ArxivDigest.Digests;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Rendering;

public sealed class ReferenceDigestTests
{
    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static readonly DigestSpec Spec = new()
    {
        Categories = ["cs"],
        Queries = ["reinforcement learning", "diffusion policy"],
        Language = "zh",
        DisplayZone = Shanghai,
    };

    [Fact]
    public async Task Text_renderer_reproduces_the_reference_digest_from_its_papers_through_filter_and_translator()
    {
        var reference = ReferenceDigest.Load();
        Assert.Equal(33, reference.Entries.Count);

        // Shuffle the papers and add replacements/cross-lists that must be left out, so grouping, ordering and the
        // announce-type filter are all exercised rather than replayed.
        var rng = new Random(20260326);
        var papers = reference.Papers
            .Concat(reference.Papers.Take(3).Select(p => p with { Id = "2601.0000" + p.Id[^1], AnnounceType = AnnounceType.Replace }))
            .Concat(reference.Papers.Skip(5).Take(2).Select(p => p with { Id = "2602.1111" + p.Id[^1], AnnounceType = AnnounceType.Cross }))
            .OrderBy(_ => rng.Next())
            .ToList();

        var digest = await DigestBuilder.BuildAsync(papers, Spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, reference.Translator(), CancellationToken.None);
        var actual = new TextRenderer().RenderToString(digest);

        Assert.Equal(33, digest.Count);
        Assert.Equal(DigestStatus.Complete, digest.Status);
        AssertSameLines(reference.Expected, actual);
    }

    [Fact]
    public async Task Header_shows_generation_time_and_the_announcement_in_EDT_and_UTC_plus_8()
    {
        var reference = ReferenceDigest.Load();
        var generated = new DateTimeOffset(2026, 3, 26, 9, 30, 5, TimeSpan.FromHours(8));
        var digest = await DigestBuilder.BuildAsync(reference.Papers, Spec, new DateOnly(2026, 3, 26), generated, new NoneTranslator(), CancellationToken.None);
        var first = new TextRenderer().RenderToString(digest).Split('\n')[0];
        Assert.Equal("生成时间: 2026-03-26 09:30:05 (UTC+8); Arxiv 发布时间: 2026-03-25 20:00 EDT (2026-03-26 08:00 UTC+8)", first);
    }

    [Fact]
    public async Task Winter_announcement_is_labelled_EST_and_shifts_the_UTC_plus_8_time()
    {
        var reference = ReferenceDigest.Load();
        var digest = await DigestBuilder.BuildAsync(reference.Papers, Spec, new DateOnly(2026, 1, 13), reference.GeneratedAt, new NoneTranslator(), CancellationToken.None);
        var first = new TextRenderer().RenderToString(digest).Split('\n')[0];
        Assert.EndsWith("Arxiv 发布时间: 2026-01-12 20:00 EST (2026-01-13 09:00 UTC+8)", first);
    }

    [Fact]
    public async Task Missing_translations_are_marked_visibly_never_left_as_empty_lines()
    {
        var reference = ReferenceDigest.Load();
        var digest = await DigestBuilder.BuildAsync(reference.Papers, Spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, new NoneTranslator(), CancellationToken.None);
        var lines = new TextRenderer().RenderToString(digest).Split('\n');
        Assert.DoesNotContain(lines, l => l.Length == 0);
        Assert.Equal(66, lines.Count(l => l == Labels.Chinese.NotTranslated));
        Assert.Equal(DigestStatus.Complete, digest.Status);
    }

    [Fact]
    public async Task Failed_translations_are_marked_pending_and_make_the_digest_partial()
    {
        var reference = ReferenceDigest.Load();
        var partial = new FixedTranslator(new Dictionary<string, string> { [reference.Entries[0].Paper.Title] = reference.Entries[0].TitleZh });
        var digest = await DigestBuilder.BuildAsync(reference.Papers, Spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, partial, CancellationToken.None);
        var lines = new TextRenderer().RenderToString(digest).Split('\n');
        Assert.Equal(DigestStatus.Partial, digest.Status);
        Assert.Equal(reference.Entries[0].TitleZh, lines[4]);
        Assert.Equal(65, lines.Count(l => l == Labels.Chinese.TranslationPending));
    }

    [Theory]
    [InlineData("markdown", "reference-2026-03-26.md")]
    [InlineData("json", "reference-2026-03-26.json")]
    public async Task Markdown_and_json_renderings_of_the_reference_digest_match_their_golden_files(string format, string golden)
    {
        var reference = ReferenceDigest.Load();
        var digest = await DigestBuilder.BuildAsync(reference.Papers, Spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, reference.Translator(), CancellationToken.None);
        Golden.AssertText($"render/{golden}", Renderers.Find(format)!.RenderToString(digest));
    }

    [Fact]
    public async Task Json_rendering_carries_the_contract_fields_for_every_paper()
    {
        var reference = ReferenceDigest.Load();
        var digest = await DigestBuilder.BuildAsync(reference.Papers, Spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, reference.Translator(), CancellationToken.None);
        using var doc = System.Text.Json.JsonDocument.Parse(new JsonRenderer().RenderToString(digest));
        var root = doc.RootElement;
        Assert.Equal("2026-03-25T20:00:00-04:00", root.GetProperty("announcedAt").GetString());
        Assert.Equal("2026-03-25T16:55:47+08:00", root.GetProperty("generatedAt").GetString());
        Assert.Equal("complete", root.GetProperty("status").GetString());
        Assert.Equal(33, root.GetProperty("count").GetInt32());
        var first = root.GetProperty("groups")[0].GetProperty("papers")[0];
        Assert.Equal("2603.22293", first.GetProperty("id").GetString());
        Assert.Equal(reference.Entries[0].TitleZh, first.GetProperty("titleTranslated").GetString());
        Assert.Equal(reference.Entries[0].AbstractZh, first.GetProperty("abstractTranslated").GetString());
        Assert.Equal("cs.CL", first.GetProperty("subjects")[0].GetProperty("code").GetString());
        Assert.Equal("Computation and Language", first.GetProperty("subjects")[0].GetProperty("name").GetString());
        Assert.Equal("https://arxiv.org/pdf/2603.22293", first.GetProperty("pdfUrl").GetString());
        Assert.Equal("reinforcement learning", first.GetProperty("matched").GetString());
        Assert.Equal("new", first.GetProperty("announceType").GetString());
    }

    private static void AssertSameLines(string expected, string actual)
    {
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Min(e.Length, a.Length); i++)
        {
            Assert.True(e[i] == a[i], $"line {i + 1} differs:\n expected: {e[i]}\n actual:   {a[i]}");
        }

        Assert.Equal(e.Length, a.Length);
        Assert.Equal(expected, actual);
    }
}
