using ArxivDigest.Digests;
using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Tests.Matching;

/// <summary>Phrase queries (case, word boundaries, plural folding) and how DigestBuilder.Select groups papers.</summary>
public sealed class QueryMatchingTests
{
    private static Paper P(string title, string abs = "", string id = "2603.00001", AnnounceType type = AnnounceType.New) =>
        new() { Id = id, Title = title, Abstract = abs, AnnounceType = type };

    private static MatchResult? Match(string query, string title, string abs = "") => Query.Parse(query).Match(P(title, abs));

    // ---- phrases ---------------------------------------------------------------------------------------------

    [Fact]
    public void Diffusion_policy_matches_plural_Diffusion_Policies_in_a_title()
    {
        var m = Match("diffusion policy", "Diffusion Policies for Dexterous Manipulation");

        Assert.NotNull(m);
        Assert.Equal(MatchField.Title, m.Field);
    }

    [Fact]
    public void Diffusion_policy_matches_hyphenated_diffusion_policy_in_an_abstract()
    {
        var m = Match("diffusion policy", "Robot Learning at Scale", "We train a diffusion-policy controller on 10k demos.");

        Assert.NotNull(m);
        Assert.Equal(MatchField.Abstract, m.Field);
    }

    [Fact]
    public void RL_does_not_match_inside_URL()
    {
        Assert.Null(Match("RL", "A URL shortener", "We shorten every URL and the URLs it links."));
    }

    [Fact]
    public void RL_matches_the_word_RL()
    {
        Assert.NotNull(Match("RL", "Exploration in deep RL agents"));
    }

    [Theory]
    [InlineData("Reinforcement-Learning from Human Feedback")]
    [InlineData("REINFORCEMENT LEARNING FOR ROBOTS")]
    [InlineData("reinforcement\nlearning across a line break")]
    public void Reinforcement_learning_matches_regardless_of_case_and_hyphen(string title)
    {
        Assert.NotNull(Match("reinforcement learning", title));
    }

    [Fact]
    public void Singular_model_matches_plural_models()
    {
        Assert.NotNull(Match("model", "World Models for Planning"));
    }

    [Fact]
    public void A_phrase_whose_words_appear_in_the_wrong_order_does_not_match()
    {
        Assert.Null(Match("diffusion policy", "Policy Diffusion in Social Networks", "Policy learning and diffusion models."));
        Assert.Null(Match("learning reinforcement", "Reinforcement Learning"));
    }

    [Fact]
    public void A_phrase_whose_words_are_not_adjacent_does_not_match()
    {
        Assert.Null(Match("diffusion policy", "Diffusion Models as a Policy Prior"));
    }

    [Fact]
    public void Field_is_Title_when_the_title_matches_even_if_the_abstract_does_too()
    {
        var m = Match("diffusion policy", "Diffusion Policy Distillation", "A diffusion policy is distilled.");

        Assert.Equal(("diffusion policy", MatchField.Title), (m!.Query, m.Field));
    }

    [Fact]
    public void Field_is_Abstract_when_only_the_abstract_matches()
    {
        var m = Match("diffusion policy", "Fast Robot Control", "A diffusion policy is distilled.");

        Assert.Equal(("diffusion policy", MatchField.Abstract), (m!.Query, m.Field));
    }

    [Fact]
    public void A_quoted_query_matches_exactly_what_the_unquoted_one_does()
    {
        var quoted = Query.Parse("\"diffusion policy\"");
        var plain = Query.Parse("diffusion policy");
        var papers = new[]
        {
            P("Diffusion Policies for Manipulation"),
            P("Robots", "a diffusion-policy controller"),
            P("Policy Diffusion"),
            P("Diffusion Models as a Policy Prior"),
        };

        Assert.Equal(papers.Select(p => plain.Match(p)?.Field), papers.Select(p => quoted.Match(p)?.Field));
        Assert.NotNull(quoted.Match(papers[0]));
        Assert.Null(quoted.Match(papers[2]));
    }

    [Theory]
    [InlineData("  --- ")]
    [InlineData("")]
    [InlineData("\"\"")]
    public void A_query_without_word_characters_throws_QuerySyntaxException(string query)
    {
        Assert.Throws<QuerySyntaxException>(() => Query.Parse(query));
    }

    [Theory]
    [InlineData("policies", "policy")]
    [InlineData("processes", "process")]
    [InlineData("models", "model")]
    [InlineData("approaches", "approach")]
    [InlineData("caches", "cache")]
    [InlineData("niches", "niche")]
    [InlineData("movies", "movie")]
    [InlineData("buses", "bus")]
    [InlineData("boxes", "box")]
    [InlineData("classes", "class")]
    [InlineData("uses", "use")]
    [InlineData("keys", "key")]
    public void FoldWord_folds_a_plural_and_its_singular_to_the_same_stem(string plural, string singular)
    {
        Assert.Equal(Tokens.FoldWord(singular), Tokens.FoldWord(plural));
    }

    [Theory]
    [InlineData("analysis")]
    [InlineData("bus")]
    [InlineData("class")]
    [InlineData("status")]
    [InlineData("rl")]
    public void FoldWord_keeps_words_that_only_look_plural(string word)
    {
        Assert.Equal(word, Tokens.FoldWord(word));
    }

    [Theory]
    [InlineData("model", "modal")]
    [InlineData("policy", "police")]
    [InlineData("mean", "meaning")]
    [InlineData("even", "evening")]
    [InlineData("filling", "filing")]
    [InlineData("install", "instal")]
    [InlineData("str", "string")]
    public void FoldWord_keeps_different_words_apart(string a, string b)
    {
        Assert.NotEqual(Tokens.FoldWord(a), Tokens.FoldWord(b));
    }

    [Theory]
    [InlineData("learned", "learn")]
    [InlineData("learning", "learn")]
    [InlineData("learnings", "learns")]
    [InlineData("tuned", "tune")]
    [InlineData("tuning", "tunes")]
    [InlineData("embedded", "embed")]
    [InlineData("embedding", "embeds")]
    [InlineData("embeddings", "embed")]
    [InlineData("studied", "study")]
    [InlineData("studying", "studies")]
    [InlineData("planned", "plan")]
    [InlineData("planning", "plans")]
    [InlineData("modelled", "model")]
    [InlineData("modeling", "models")]
    [InlineData("controlled", "control")]
    [InlineData("matched", "matches")]
    [InlineData("processing", "processes")]
    [InlineData("biased", "biases")]
    [InlineData("caching", "cache")]
    [InlineData("scaling", "scale")]
    [InlineData("based", "base")]
    [InlineData("played", "plays")]
    [InlineData("applied", "apply")]
    [InlineData("agreeing", "agree")]
    [InlineData("speeding", "speed")]
    [InlineData("filled", "fill")]
    [InlineData("passing", "pass")]
    [InlineData("focused", "focus")]
    public void FoldWord_folds_an_inflection_and_its_base_to_the_same_stem(string inflected, string word)
    {
        Assert.Equal(Tokens.FoldWord(word), Tokens.FoldWord(inflected));
    }

    [Theory]
    [InlineData("string")]
    [InlineData("spring")]
    [InlineData("thing")]
    [InlineData("bring")]
    [InlineData("during")]
    [InlineData("evening")]
    [InlineData("morning")]
    [InlineData("meaning")]
    [InlineData("ceiling")]
    [InlineData("embed")]
    [InlineData("speed")]
    [InlineData("need")]
    [InlineData("being")]
    [InlineData("using")]
    [InlineData("red")]
    [InlineData("bed")]
    public void FoldWord_keeps_words_whose_ing_or_ed_is_not_an_inflection(string word)
    {
        Assert.Equal(word, Tokens.FoldWord(word));
    }

    [Fact]
    public void A_query_matches_the_inflected_forms_of_its_words_unless_it_is_exact()
    {
        Assert.NotNull(Match("fine-tune", "Fine-Tuning Large Language Models"));
        Assert.NotNull(Match("fine-tuning", "Compact Models", "We show that models fine-tuned on 1k examples suffice."));
        Assert.NotNull(Match("learned embedding", "Learning Embeddings for Retrieval"));
        Assert.NotNull(Match("reinforcement learning", "Reinforcement-Learned Policies"));
        Assert.Null(Match("=fine-tune", "Fine-Tuning Large Language Models"));
        Assert.Null(Match("mean", "The Meaning of Field Theories"));
    }

    [Fact]
    public void Singular_query_matches_plural_of_a_word_ending_in_e()
    {
        Assert.NotNull(Match("KV cache", "Compressing KV Caches for Long-Context Inference"));
        Assert.NotNull(Match("movie", "Understanding Movies with Video LLMs"));
    }

    // ---- DigestBuilder.Select ------------------------------------------------------------------------------------

    private static DigestSpec Spec(params string[] queries) => new() { Queries = queries };

    [Fact]
    public void Select_puts_a_paper_matching_two_queries_only_under_the_first_query()
    {
        var both = P("Diffusion Policies Meet Reinforcement Learning", id: "2603.00002");
        var groups = DigestBuilder.Select([both], Spec("reinforcement learning", "diffusion policy"));

        Assert.Equal(["reinforcement learning", "diffusion policy"], groups.Select(g => g.Query));
        Assert.Equal(["2603.00002"], groups[0].Papers.Select(p => p.Paper.Id));
        Assert.Empty(groups[1].Papers);

        // Reversing the query order moves it to the other group.
        var reversed = DigestBuilder.Select([both], Spec("diffusion policy", "reinforcement learning"));
        Assert.Single(reversed[0].Papers);
        Assert.Empty(reversed[1].Papers);
    }

    [Fact]
    public void Select_lists_a_paper_announced_as_new_and_as_cross_list_once_as_new()
    {
        var cross = P("Reinforcement Learning for Trading", id: "2603.00003", type: AnnounceType.Cross) with { PrimaryCategory = "cs.LG" };
        var fresh = P("Reinforcement Learning for Trading", id: "2603.00003", type: AnnounceType.New) with { PrimaryCategory = "q-fin.TR" };
        var spec = Spec("reinforcement learning") with { Include = new HashSet<AnnounceType> { AnnounceType.New, AnnounceType.Cross } };

        foreach (var input in new[] { new[] { cross, fresh }, new[] { fresh, cross } })
        {
            var papers = DigestBuilder.Select(input, spec).Single().Papers;

            var only = Assert.Single(papers);
            Assert.Equal(AnnounceType.New, only.Paper.AnnounceType);
        }
    }

    [Fact]
    public void Select_with_include_new_only_drops_replacements_and_cross_lists()
    {
        var papers = new[]
        {
            P("Reinforcement Learning A", id: "2603.00010", type: AnnounceType.New),
            P("Reinforcement Learning B", id: "2603.00011", type: AnnounceType.Replace),
            P("Reinforcement Learning C", id: "2603.00012", type: AnnounceType.ReplaceCross),
            P("Reinforcement Learning D", id: "2603.00013", type: AnnounceType.Cross),
        };
        var spec = Spec("reinforcement learning") with { Include = new HashSet<AnnounceType> { AnnounceType.New } };

        var selected = DigestBuilder.Select(papers, spec).Single().Papers;

        Assert.Equal(["2603.00010"], selected.Select(p => p.Paper.Id));
    }

    [Fact]
    public void Select_records_which_query_and_field_matched()
    {
        var papers = new[] { P("Robots", "We use reinforcement learning.", id: "2603.00020") };

        var hit = DigestBuilder.Select(papers, Spec("reinforcement learning")).Single().Papers.Single();

        Assert.Equal(("reinforcement learning", MatchField.Abstract), (hit.Match!.Query, hit.Match.Field));
    }

    [Fact]
    public void Select_sorts_each_group_by_arxiv_id_with_old_style_first_and_four_digit_numbers_before_five_digit()
    {
        var ids = new[] { "2603.10000", "2604.00001", "hep-th/9901001", "2603.9999", "2512.99999", "astro-ph/9812133" };
        var papers = ids.Select(id => P("Reinforcement Learning", id: id));

        var sorted = DigestBuilder.Select(papers, Spec("reinforcement learning")).Single().Papers.Select(p => p.Paper.Id);

        Assert.Equal(["astro-ph/9812133", "hep-th/9901001", "2512.99999", "2603.9999", "2603.10000", "2604.00001"], sorted);
    }

    [Theory]
    [InlineData("2603.9999", "2603.10000")]
    [InlineData("hep-th/9901001", "2603.00001")]
    [InlineData("hep-th/9901001", "0704.0001")]
    [InlineData("0704.0001", "1501.00001")]
    [InlineData("2603.00009", "2603.00010")]
    public void ArxivIdComparer_orders_the_first_id_before_the_second(string first, string second)
    {
        Assert.True(ArxivIdComparer.Instance.Compare(first, second) < 0);
        Assert.True(ArxivIdComparer.Instance.Compare(second, first) > 0);
        Assert.Equal(0, ArxivIdComparer.Instance.Compare(first, first));
    }
}
