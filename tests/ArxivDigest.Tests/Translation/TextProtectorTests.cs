using System.Text;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Translation;

/// <summary>TextProtector.Protect and ProtectedText.Restore: what is shielded, and that restoring is exact.</summary>
public sealed class TextProtectorTests
{
    private static void AssertRoundTrip(string text)
    {
        var p = TextProtector.Protect(text);
        Assert.Equal(text, p.Restore(p.Text));
    }

    // ---- what is protected ---------------------------------------------------------------------------------------

    [Theory]
    [InlineData(@"runs in $\mathcal{O}(n^2)$ time", @"$\mathcal{O}(n^2)$")]
    [InlineData(@"famous $$E=mc^2$$ indeed", "$$E=mc^2$$")]
    [InlineData(@"inline \(x\) math", @"\(x\)")]
    [InlineData(@"display \[y\] math", @"\[y\]")]
    [InlineData(@"with $a \$ b$ inside", @"$a \$ b$")]
    [InlineData("call `torch.compile()` first", "`torch.compile()`")]
    [InlineData("see arXiv:2501.01234 for details", "arXiv:2501.01234")]
    [InlineData("extends 2501.01234v2 further", "2501.01234v2")]
    [InlineData("as in hep-th/9901001 we", "hep-th/9901001")]
    [InlineData("as in math.AG/0601001v3 we", "math.AG/0601001v3")]
    public void Protects_one_span(string text, string span)
    {
        var p = TextProtector.Protect(text);

        Assert.Equal([span], p.Originals);
        Assert.Equal(text.Replace(span, "⟦0⟧", StringComparison.Ordinal), p.Text);
        Assert.Equal(text, p.Restore(p.Text));
    }

    [Theory]
    [InlineData("Code is at https://github.com/foo/bar.", "https://github.com/foo/bar", "Code is at ⟦0⟧.")]
    [InlineData("(see https://example.org/a?b=1), then", "https://example.org/a?b=1", "(see ⟦0⟧), then")]
    [InlineData("mirror: ftp://ftp.example.org/pub;", "ftp://ftp.example.org/pub", "mirror: ⟦0⟧;")]
    [InlineData("visit www.example.com, or not", "www.example.com", "visit ⟦0⟧, or not")]
    [InlineData("at https://en.wikipedia.org/wiki/Foo_(bar).", "https://en.wikipedia.org/wiki/Foo_(bar)", "at ⟦0⟧.")]
    [InlineData("Data: http://x.org/arXiv:2501.01234v2!", "http://x.org/arXiv:2501.01234v2", "Data: ⟦0⟧!")]
    public void Urls_lose_trailing_punctuation(string text, string url, string expected)
    {
        var p = TextProtector.Protect(text);

        Assert.Equal([url], p.Originals);
        Assert.Equal(expected, p.Text);
        Assert.Equal(text, p.Restore(p.Text));
    }

    [Theory]
    [InlineData(@"costs \$5 and \$10 today")]
    [InlineData("costs $5 and $10 today")]
    [InlineData("the ``AI Private Language'' thought experiment and ``another'' one")]
    [InlineData("a `quoted' word and `another' one")]
    [InlineData("improved by 50.5\\% and 11.8% over 1999.12345 runs")]
    [InlineData("an and/or choice, a 2x speedup, version 3.1.2, the URL")]
    [InlineData("")]
    [InlineData("纯中文文本,没有任何需要保护的内容。")]
    public void Text_without_anything_to_protect_is_unchanged(string text)
    {
        var p = TextProtector.Protect(text);

        Assert.Equal(text, p.Text);
        Assert.Empty(p.Originals);
        Assert.Equal(text, p.Restore(text));
    }

    [Fact]
    public void Spans_are_numbered_left_to_right()
    {
        var p = TextProtector.Protect(@"For $x$ see https://a.org/b and \(y\) in `z` (arXiv:2401.00001).");

        Assert.Equal(@"For ⟦0⟧ see ⟦1⟧ and ⟦2⟧ in ⟦3⟧ (⟦4⟧).", p.Text);
        Assert.Equal([@"$x$", "https://a.org/b", @"\(y\)", "`z`", "arXiv:2401.00001"], p.Originals);
    }

    [Fact]
    public void Display_math_is_one_span_not_two_inline_ones()
    {
        var p = TextProtector.Protect("$$a$$ and $b$");

        Assert.Equal(["$$a$$", "$b$"], p.Originals);
    }

    [Fact]
    public void A_url_inside_math_stays_part_of_the_math()
    {
        var p = TextProtector.Protect(@"$\text{http://x.org}$ done");

        Assert.Equal([@"$\text{http://x.org}$"], p.Originals);
    }

    [Fact]
    public void Stray_placeholder_brackets_in_the_source_are_protected_too()
    {
        var p = TextProtector.Protect("odd ⟦0⟧ text with $m$");

        Assert.Equal("odd ⟦0⟧0⟦1⟧ text with ⟦2⟧", p.Text);
        Assert.Equal("odd ⟦0⟧ text with $m$", p.Restore(p.Text));
    }

    // ---- restore -------------------------------------------------------------------------------------------------

    [Fact]
    public void Restore_puts_originals_into_a_translation_in_any_order()
    {
        var p = TextProtector.Protect("Complexity $O(n)$ as shown at https://x.org.");

        Assert.Equal("如 https://x.org 所示,复杂度为 $O(n)$。", p.Restore("如 ⟦1⟧ 所示,复杂度为 ⟦0⟧。"));
    }

    [Theory]
    [InlineData("复杂度 ⟦ 0 ⟧,见 ⟦1 ⟧。")]
    [InlineData("复杂度 ⟦  0⟧,见 ⟦\u30001⟧。")]
    [InlineData("复杂度 ⟦０⟧,见 ⟦１⟧。")]
    [InlineData("复杂度 ⟦ ０ ⟧,见 ⟦1⟧。")]
    public void Restore_tolerates_spaces_and_full_width_digits(string translated)
    {
        var p = TextProtector.Protect("complexity $O(n)$, see https://x.org.");

        var restored = p.Restore(translated);

        Assert.NotNull(restored);
        Assert.Contains("$O(n)$", restored, StringComparison.Ordinal);
        Assert.Contains("https://x.org", restored, StringComparison.Ordinal);
        Assert.DoesNotContain("⟦", restored, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("复杂度 ⟦0⟧。")] // ⟦1⟧ missing
    [InlineData("复杂度 ⟦0⟧,见 ⟦0⟧ 和 ⟦1⟧。")] // ⟦0⟧ duplicated
    [InlineData("复杂度 ⟦0⟧,见 ⟦1⟧ 和 ⟦2⟧。")] // unknown index
    [InlineData("复杂度 ⟦0⟧,见 ⟦99999999999⟧ 和 ⟦1⟧。")] // absurd index
    [InlineData("复杂度,见。")] // all missing
    public void Restore_returns_null_when_placeholders_do_not_match(string translated)
    {
        var p = TextProtector.Protect("complexity $O(n)$, see https://x.org.");

        Assert.Null(p.Restore(translated));
    }

    [Fact]
    public void Restore_without_originals_rejects_an_invented_placeholder()
    {
        var p = TextProtector.Protect("plain words");

        Assert.Equal("普通词语", p.Restore("普通词语"));
        Assert.Null(p.Restore("普通 ⟦0⟧ 词语"));
    }

    // ---- round trips ---------------------------------------------------------------------------------------------

    [Fact]
    public void Reference_abstracts_and_titles_round_trip()
    {
        var reference = ReferenceDigest.Load();
        foreach (var (_, paper, titleZh, abstractZh) in reference.Entries)
        {
            AssertRoundTrip(paper.Title);
            AssertRoundTrip(paper.Abstract);
            AssertRoundTrip(titleZh);
            AssertRoundTrip(abstractZh);
        }
    }

    [Fact]
    public void Reference_abstract_with_tex_protects_only_the_math()
    {
        var abs = ReferenceDigest.Load().Papers.Single(p => p.Abstract.Contains(@"$\langle$causal$\rangle$", StringComparison.Ordinal)).Abstract;

        var p = TextProtector.Protect(abs);

        Assert.Equal([@"$\langle$", @"$\rangle$", @"$\langle$", @"$\rangle$"], p.Originals);
        Assert.Equal(abs, p.Restore(p.Text));
    }

    [Fact]
    public void Tex_heavy_strings_round_trip()
    {
        string[] texts =
        [
            @"We show $\mathcal{O}(n^2)$ and $$E=mc^2$$ with \(x\) and \[y\] costing \$5.",
            @"Let $f:\mathbb{R}^d\to\mathbb{R}$ satisfy \[ \|f(x)-f(y)\| \le L\|x-y\| \] for all $x,y$.",
            @"Nested \(\text{$a$}\) and $$\begin{aligned} a &= b \\ c &= d \end{aligned}$$ end",
            @"Unclosed $math and unclosed \( paren and a lone ` backtick",
            "Code at https://github.com/a/b). Also (https://x.org/y). And www.z.com, arXiv:1706.03762v7.",
        ];

        foreach (var t in texts)
        {
            AssertRoundTrip(t);
        }
    }

    [Fact]
    public void Random_texts_built_from_tricky_pieces_round_trip()
    {
        string[] pieces =
        [
            "word", "Word", " ", " ", "  ", ".", ",", ")", "(", "\n", "50.5\\%", "$", "$$", "\\$", "\\(", "\\)", "\\[", "\\]",
            "$x$", "$$E=mc^2$$", @"$\mathcal{O}(n^2)$", @"\(a+b\)", @"\[\sum_i x_i\]", "`code`", "`", "``", "''", "'",
            "https://arxiv.org/abs/2501.01234", "http://x.org/a_(b)", "www.example.com", "ftp://f.org/x.",
            "arXiv:2501.01234", "2501.01234v2", "hep-th/9901001", "math.AG/0601001", "1999.12345", "12",
            "⟦", "⟧", "⟦0⟧", "⟦ 1 ⟧", "０", "词元", "模型", "。", "\\", "{", "}", "^", "_",
        ];
        var random = new Random(20260326);
        for (var n = 0; n < 500; n++)
        {
            var sb = new StringBuilder();
            var count = random.Next(0, 25);
            for (var k = 0; k < count; k++)
            {
                sb.Append(pieces[random.Next(pieces.Length)]);
            }

            var text = sb.ToString();
            var p = TextProtector.Protect(text);

            Assert.True(text == p.Restore(p.Text), $"round trip failed for: {text}");
            Assert.Equal(p.Originals.Count, p.Text.Count(c => c == '⟦'));
        }
    }
}
