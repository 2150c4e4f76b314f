using ArxivDigest.Matching;

namespace ArxivDigest.Tests.Matching;

/// <summary>TeX, Unicode (NFKC, diacritics) and word cutting, the normalisation queries and papers share.</summary>
public sealed class TextNormalizerTests
{
    [Theory]
    [InlineData("$\\pi$-policy", "pi policy")]
    [InlineData("\\emph{diffusion} policy", "diffusion policy")]
    [InlineData("\\textbf{Deep} \\textit{RL}", "Deep RL")]
    [InlineData("{D}iffusion", "Diffusion")]
    [InlineData("Bal\\'azs", "Balazs")]
    [InlineData("Bal\\'{a}zs", "Balazs")]
    [InlineData("Erd\\H{o}s", "Erdos")]
    [InlineData("M\\\"{u}ller", "Muller")]
    [InlineData("M\\\"uller", "Muller")]
    [InlineData("Gau\\ss", "Gauss")]
    [InlineData("Stra\\ss{}e", "Strasse")]
    [InlineData("Ma\\'{\\i}a", "Maia")]
    [InlineData("\\v{S}koda", "Skoda")]
    [InlineData("$\\mathcal{O}(n)$ time", "O n time")]
    [InlineData("R\\&D", "R D")]
    public void TeX_markup_resolves_to_the_words_it_stands_for(string text, string words)
    {
        Assert.Equal(words, string.Join(' ', TextNormalizer.Words(text)));
    }

    [Theory]
    [InlineData("Balázs", "Balazs")]
    [InlineData("Erdős", "Erdos")]
    [InlineData("Bala\u0301zs", "Balazs")] // decomposed: a + combining acute
    [InlineData("Łukasz Søren", "Lukasz Soren")]
    [InlineData("Straße STRAẞE", "Strasse STRASSE")]
    [InlineData("Ærø", "AEro")]
    public void Diacritics_are_folded_to_ASCII_letters(string text, string words)
    {
        Assert.Equal(words, string.Join(' ', TextNormalizer.Words(text)));
    }

    [Theory]
    [InlineData("\uFB01ne-tuning", "fine tuning")] // ﬁ ligature
    [InlineData("Ｄｉｆｆｕｓｉｏｎ　Ｐｏｌｉｃｙ", "Diffusion Policy")] // full-width letters and space
    [InlineData("x² scaling", "x2 scaling")]
    [InlineData("\U0001D49F\U0001D4B6\U0001D4C9\U0001D4B6", "Data")] // mathematical script letters
    public void NFKC_turns_compatibility_characters_into_plain_letters(string text, string words)
    {
        Assert.Equal(words, string.Join(' ', TextNormalizer.Words(text)));
    }

    [Theory]
    [InlineData("model-based", "model based")]
    [InlineData("model – based", "model based")]
    [InlineData("vision/language, (multi)modal", "vision language multi modal")]
    [InlineData("  ", "")]
    public void Words_are_maximal_runs_of_letters_and_digits(string text, string words)
    {
        Assert.Equal(words, string.Join(' ', TextNormalizer.Words(text)));
    }

    [Fact]
    public void Plain_ASCII_text_is_returned_unchanged_by_Clean()
    {
        const string text = "Diffusion Policies: a survey (2026)";
        Assert.Same(text, TextNormalizer.Clean(text));
    }

    [Fact]
    public void IndexForm_lower_cases_folds_plurals_and_inflections_and_joins_with_single_spaces()
    {
        Assert.Equal("diffusion polici for model bas rl with bia learn", TextNormalizer.IndexForm("Diffusion Policies for Model-Based RL with Biases Learned"));
    }

    [Fact]
    public void IndexForm_of_a_TeX_title_equals_that_of_its_plain_spelling()
    {
        Assert.Equal(TextNormalizer.IndexForm("pi-Policies by Balazs"), TextNormalizer.IndexForm("$\\pi$-\\emph{Policies} by Bal\\'azs"));
    }

    [Theory]
    [InlineData("bias", "biases")]
    [InlineData("lens", "lenses")]
    [InlineData("canvas", "canvases")]
    [InlineData("atlas", "atlases")]
    [InlineData("house", "houses")]
    [InlineData("virus", "viruses")]
    [InlineData("gas", "gases")]
    [InlineData("case", "cases")]
    public void FoldWord_folds_a_singular_ending_in_s_or_se_with_its_plural(string singular, string plural)
    {
        Assert.Equal(Tokens.FoldWord(singular), Tokens.FoldWord(plural));
    }
}
