using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Translation;

/// <summary>TranslationValidator, calibrated on the 33 papers (66 title/abstract pairs) of the reference digest.</summary>
public sealed class TranslationValidatorTests
{
    /// <summary>(source, translation) for every title and abstract of shared/reference/digest-2026-03-26.txt.</summary>
    public static TheoryData<string, string, string> ReferencePairs()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (_, paper, titleZh, abstractZh) in ReferenceDigest.Load().Entries)
        {
            data.Add(paper.Id + "/title", paper.Title, titleZh);
            data.Add(paper.Id + "/abstract", paper.Abstract, abstractZh);
        }

        return data;
    }

    private static (string Source, string Translation) TipsAbstract()
    {
        var e = ReferenceDigest.Load().Entries.Single(e => e.Paper.Title.StartsWith("TIPS:", StringComparison.Ordinal));
        return (e.Paper.Abstract, e.AbstractZh);
    }

    [Theory]
    [MemberData(nameof(ReferencePairs))]
    public void Every_reference_translation_passes(string key, string source, string translation)
    {
        Assert.True(TranslationValidator.Problem(source, translation, "zh") is null, key + ": " + TranslationValidator.Problem(source, translation, "zh"));
    }

    [Fact]
    public void There_are_66_reference_pairs()
    {
        Assert.Equal(66, ReferencePairs().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\t ")]
    public void Empty_translation_fails(string translation)
    {
        Assert.Equal("the translation is empty", TranslationValidator.Problem("Offline reinforcement learning", translation, "zh"));
        Assert.NotNull(TranslationValidator.Problem("Hallo", translation, "de"));
    }

    [Theory]
    [InlineData("zh")]
    [InlineData("zh-CN")]
    [InlineData("ja")]
    [InlineData("ko")]
    public void English_echoed_back_fails_for_cjk_targets(string lang)
    {
        var (source, _) = TipsAbstract();

        var problem = TranslationValidator.Problem(source, source, lang);

        Assert.NotNull(problem);
        Assert.Contains("not in", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void English_echoed_back_title_fails_even_with_a_stray_cjk_character()
    {
        const string title = "Rethinking Token-Level Policy Optimization for Multimodal Chain-of-Thought";

        Assert.NotNull(TranslationValidator.Problem(title, title, "zh"));
        Assert.NotNull(TranslationValidator.Problem(title, title + " 的", "zh"));
    }

    [Fact]
    public void Script_check_needs_three_words_in_the_source()
    {
        // Names and acronyms may legitimately stay Latin.
        Assert.Null(TranslationValidator.Problem("SpecXMaster", "SpecXMaster", "zh"));
        Assert.Null(TranslationValidator.Problem("GPT-4 Turbo", "GPT-4 Turbo", "zh"));
    }

    [Fact]
    public void Non_cjk_targets_are_not_script_or_length_checked()
    {
        var (source, _) = TipsAbstract();

        Assert.Null(TranslationValidator.Problem(source, source, "de"));
        Assert.Null(TranslationValidator.Problem(source, "Kurz.", "en"));
    }

    /// <summary>
    /// The TIPS abstract is 1207 chars, its reference translation 381 (ratio 0.316, mid-range of the reference
    /// abstracts 0.255–0.422). Cut at half length it is 190 chars: ratio 0.157 — above the 0.12 a single bound would
    /// need to let every title pass (lowest title 0.186), but below the 0.20 bound for sources of 400+ chars, whose
    /// lowest reference abstract (0.255) keeps a ~20% margin. So the half-cut translation must fail.
    /// </summary>
    [Fact]
    public void Long_translation_cut_at_half_length_fails()
    {
        var (source, translation) = TipsAbstract();
        var half = translation[..(translation.Length / 2)];
        Assert.InRange((double)half.Length / source.Length, 0.12, TranslationValidator.MinRatioLong);

        var problem = TranslationValidator.Problem(source, half, "zh");

        Assert.NotNull(problem);
        Assert.Contains("too short", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Half_cut_fails_for_every_reference_abstract_below_ratio_0_40()
    {
        foreach (var (_, paper, _, abstractZh) in ReferenceDigest.Load().Entries)
        {
            if ((double)abstractZh.Length / paper.Abstract.Length < 0.40)
            {
                Assert.NotNull(TranslationValidator.Problem(paper.Abstract, abstractZh[..(abstractZh.Length / 2)], "zh"));
            }
        }
    }

    [Fact]
    public void Translation_stopping_after_the_first_sentence_fails()
    {
        var (source, translation) = TipsAbstract();
        var firstSentence = translation[..(translation.IndexOf('。', StringComparison.Ordinal) + 1)];

        Assert.NotNull(TranslationValidator.Problem(source, firstSentence, "zh"));
    }

    [Fact]
    public void Translation_much_longer_than_the_source_fails()
    {
        var (source, translation) = TipsAbstract();
        var padded = translation + string.Concat(Enumerable.Repeat("以下是对该摘要的详细解释和补充说明。", 100));

        Assert.Contains("too long", TranslationValidator.Problem(source, padded, "zh"), StringComparison.Ordinal);
    }

    [Fact]
    public void Short_sources_are_not_length_checked()
    {
        Assert.Null(TranslationValidator.Problem("SpecXMaster Technical Report", "SpecXMaster 技术报告", "zh"));
        Assert.Null(TranslationValidator.Problem("A Short Title on Agents", "智能体", "zh"));
    }

    [Fact]
    public void Placeholders_are_not_the_validators_concern()
    {
        Assert.Null(TranslationValidator.Problem("Complexity $O(n)$ of the proposed method", "所提方法的复杂度 ⟦0⟧", "zh"));
    }
}
