using ArxivDigest.Matching;
using ArxivDigest.Storage;

namespace ArxivDigest.Tests.Search;

/// <summary>The query tree → FTS5 expression translation: what each construct becomes, and when it may be negated.</summary>
public sealed class Fts5QueryTests
{
    [Theory]
    [InlineData("diffusion policies", "{title abstract} : \"diffusion polici\"", true)]
    [InlineData("ti:robot", "title : \"robot\"", true)]
    [InlineData("au:\"Jane Doe\"", "authors : \"jane doe\"", true)]
    [InlineData("au:smi*", "authors : \"smi\"*", true)]
    [InlineData("=GAN", "{title abstract} : \"gan\"", false)]
    [InlineData("cat:cs", "categories : (\"cs\" OR \"cs\uE02E\"*)", true)]
    [InlineData("cat:cs.LG", "categories : (\"cs\uE02Elg\" OR \"cs\uE02Elg\uE02E\"*)", true)]
    [InlineData("id:2603.01234v2", "ident : \"2603\uE02E01234\"", true)]
    [InlineData("a OR b", "({title abstract} : \"a\" OR {title abstract} : \"b\")", true)]
    [InlineData("robot -survey", "({title abstract} : \"robot\" NOT ({title abstract} : \"survei\"))", true)]
    [InlineData("robot -surv*", "{title abstract} : \"robot\"", false)]
    [InlineData("NOT survey", null, false)]
    [InlineData("robot OR NOT survey", null, false)]
    [InlineData("NOT NOT robot", "{title abstract} : \"robot\"", true)]
    public void Translates_each_construct(string query, string? expression, bool exact)
    {
        var t = Fts5Query.Translate(QueryParser.Parse(query));

        Assert.Equal(expression, t.Expression);
        Assert.Equal(exact, t.Exact);
    }

    [Theory]
    [InlineData("language model*", "{title abstract} : \"languag mode\"*")]
    [InlineData("spectral policy*", "{title abstract} : (\"spectral poli\"* OR \"spectral polici\")")]
    [InlineData("neutron star*", "{title abstract} : \"neutron star\"*")]
    public void A_long_prefix_after_other_words_is_cut_to_the_indexed_length(string query, string expression)
    {
        Assert.Equal(expression, Fts5Query.Translate(QueryParser.Parse(query)).Expression);
    }

    [Theory]
    [InlineData("language model*", false)]
    [InlineData("model*", true)]
    [InlineData("star*", false)]
    [InlineData("au:smith*", true)]
    [InlineData("robot -surv*", false)]
    [InlineData("robot -survey*", true)]
    [InlineData("cat:cs*", false)]
    public void Only_a_long_prefix_alone_needs_a_merge(string query, bool merge)
    {
        Assert.Equal(merge, Fts5Query.NeedsPrefixMerge(QueryParser.Parse(query)));
    }

    [Theory]
    [InlineData("reinforcement learning", "(title : (\"reinforcement\" AND \"learn\"))")]
    [InlineData("ti:robot* OR abs:x", "(title : (\"robo\"*))")]
    [InlineData("\"diffusion policies\" -survey", "(title : (\"diffusion\" AND \"polici\"))")]
    [InlineData("au:smith", null)]
    public void The_title_tier_ands_the_words_of_each_term(string query, string? tier)
    {
        Assert.Equal(tier, Fts5Query.TitleTier(QueryParser.Parse(query)));
    }

    [Fact]
    public void A_text_prefix_also_looks_for_folded_words_that_leave_the_prefix()
    {
        var t = Fts5Query.Translate(QueryParser.Parse("policy*"));

        Assert.Equal("{title abstract} : (\"policy\"* OR \"polici\")", t.Expression);
        Assert.False(t.Exact);
    }

    [Theory]
    [InlineData("policy", new[] { "polici" })]
    [InlineData("axe", new[] { "ax" })]
    [InlineData("cache", new[] { "cach" })]
    [InlineData("diffus", new string[0])]
    [InlineData("embedd", new[] { "embed" })]
    [InlineData("learni", new[] { "learn" })]
    [InlineData("studyi", new[] { "studi" })]
    public void Prefix_folds_are_the_folded_forms_outside_the_prefix(string prefix, string[] folds)
    {
        Assert.Equal(folds, Fts5Query.PrefixFolds(prefix));
    }

    [Fact]
    public void Every_word_starting_with_a_prefix_is_found_by_the_prefix_or_its_folds()
    {
        // All words of the prefix plus up to four letters from a small alphabet that exercises every folding rule
        // (plurals and inflections), and up to five from the letters of -ings, -ed and -es.
        const string letters = "aceihsyxzngdlo";
        foreach (var prefix in new[]
                 {
                     "pol", "poli", "polic", "policy", "cac", "cach", "bus", "axe", "pro", "class",
                     "emb", "embe", "embed", "embedd", "learn", "learni", "stud", "study", "plan", "plann", "model", "modell", "tun", "agre",
                 })
        {
            var folds = Fts5Query.PrefixFolds(prefix);
            foreach (var word in Suffixes(letters, 4).Concat(Suffixes("ingsde", 5)).Select(s => prefix + s))
            {
                var folded = Tokens.FoldWord(word);
                Assert.True(folded.StartsWith(prefix, StringComparison.Ordinal) || folds.Contains(folded), $"{word} → {folded} not found by {prefix}*");
            }
        }

        static IEnumerable<string> Suffixes(string alphabet, int max)
        {
            yield return "";
            if (max == 0)
            {
                yield break;
            }

            foreach (var c in alphabet)
            {
                foreach (var rest in Suffixes(alphabet, max - 1))
                {
                    yield return c + rest;
                }
            }
        }
    }
}
