using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Tests.Matching;

/// <summary>
/// The query language by example: every syntax form, precedence, errors with their positions, and what each form
/// matches (TeX, Unicode, diacritics, hyphens, plurals, fields, exact terms).
/// </summary>
public sealed class QueryParserTests
{
    private static string Canonical(string query) => QueryParser.Parse(query).ToString();

    private static Paper P(string title = "", string abs = "", string[]? authors = null, string id = "2603.01234",
        string[]? categories = null, string? comments = null) => new()
    {
        Id = id,
        Title = title,
        Abstract = abs,
        Authors = authors ?? [],
        Comments = comments,
        PrimaryCategory = categories?[0] ?? "cs.LG",
        Subjects = [.. (categories ?? ["cs.LG"]).Select(c => new Subject(c, ""))],
    };

    private static bool Matches(string query, Paper paper) => Query.Parse(query).Match(paper) is not null;

    private static QuerySyntaxException Error(string query) => Assert.Throws<QuerySyntaxException>(() => QueryParser.Parse(query));

    // ---- syntax forms and precedence ---------------------------------------------------------------------------

    [Theory]
    [InlineData("diffusion policy", "\"diffusion policy\"")]
    [InlineData("\"diffusion policy\"", "\"diffusion policy\"")]
    [InlineData("robot AND drone", "\"robot\" AND \"drone\"")]
    [InlineData("robot && drone", "\"robot\" AND \"drone\"")]
    [InlineData("robot OR drone", "\"robot\" OR \"drone\"")]
    [InlineData("robot || drone", "\"robot\" OR \"drone\"")]
    [InlineData("NOT survey", "NOT \"survey\"")]
    [InlineData("-survey", "NOT \"survey\"")]
    [InlineData("ti:robot \"diffusion policy\"", "ti:\"robot\" AND \"diffusion policy\"")]
    [InlineData("(robot OR drone) AND grasping", "(\"robot\" OR \"drone\") AND \"grasping\"")]
    [InlineData("ti:diffusion policy", "ti:\"diffusion policy\"")]
    [InlineData("ti:\"diffusion policy\"", "ti:\"diffusion policy\"")]
    [InlineData("TI:robot", "ti:\"robot\"")]
    [InlineData("abs:robot", "abs:\"robot\"")]
    [InlineData("au:LeCun", "au:\"LeCun\"")]
    [InlineData("co:\"accepted at ICLR\"", "co:\"accepted at ICLR\"")]
    [InlineData("cat:cs.LG", "cat:cs.LG")]
    [InlineData("cat:cs.L*", "cat:cs.L*")]
    [InlineData("id:2603.01234", "id:2603.01234")]
    [InlineData("id:2603.01234v3", "id:2603.01234")]
    [InlineData("id:arXiv:2603.01234v3", "id:2603.01234")]
    [InlineData("id:hep-th/9901001v1", "id:hep-th/9901001")]
    [InlineData("ti:(robot OR drone)", "ti:\"robot\" OR ti:\"drone\"")]
    [InlineData("diffus*", "\"diffus\"*")]
    [InlineData("diffusion pol*", "\"diffusion pol\"*")]
    [InlineData("\"diffusion pol\"*", "\"diffusion pol\"*")]
    [InlineData("=GAN", "=\"GAN\"")]
    [InlineData("=\"Diffusion Policy\"", "=\"Diffusion Policy\"")]
    [InlineData("ti:=GAN", "ti:=\"GAN\"")]
    [InlineData("ti:=\"GAN\"*", "ti:=\"GAN\"*")]
    [InlineData("model-based RL", "\"model based RL\"")]
    [InlineData("X - Y", "\"X Y\"")]
    [InlineData("ti:robot(drone)", "ti:\"robot\" AND \"drone\"")]
    public void Each_syntax_form_parses_to_its_canonical_tree(string query, string canonical)
    {
        Assert.Equal(canonical, Canonical(query));
    }

    [Theory]
    [InlineData("a OR b AND c", "\"a\" OR \"b\" AND \"c\"")]
    [InlineData("(a OR b) AND c", "(\"a\" OR \"b\") AND \"c\"")]
    [InlineData("NOT a AND b", "NOT \"a\" AND \"b\"")]
    [InlineData("NOT (a AND b)", "NOT (\"a\" AND \"b\")")]
    [InlineData("a b OR c", "\"a b\" OR \"c\"")]
    [InlineData("ti:a ti:b OR c", "ti:\"a\" AND ti:\"b\" OR \"c\"")]
    public void NOT_binds_tighter_than_AND_which_binds_tighter_than_OR(string query, string canonical)
    {
        Assert.Equal(canonical, Canonical(query));
    }

    [Fact]
    public void Minus_term_excludes_from_the_whole_sequence_not_just_the_last_branch()
    {
        var node = QueryParser.Parse("A OR B -survey");

        var expected = new AndNode([
            new OrNode([new TermNode(QueryField.Any, ["A"]), new TermNode(QueryField.Any, ["B"])]),
            new NotNode(new TermNode(QueryField.Any, ["survey"])),
        ]);
        Assert.Equal(expected, node);
        Assert.False(Matches("A OR B -survey", P("B: a survey")));
        Assert.True(Matches("A OR B -survey", P("B: a study")));
    }

    [Fact]
    public void Minus_term_inside_parentheses_excludes_only_from_that_group()
    {
        Assert.Equal("(\"a\" OR \"b\") AND NOT \"c\" OR \"d\"", Canonical("(a OR b -c) OR d"));
        Assert.True(Matches("(a OR b -c) OR d", P("d with c")));
    }

    [Theory]
    [InlineData("search and rescue", "\"search and rescue\"")]
    [InlineData("search or rescue", "\"search or rescue\"")]
    [InlineData("not all", "\"not all\"")]
    public void Lower_case_and_or_not_are_words_of_a_phrase(string query, string canonical)
    {
        Assert.Equal(canonical, Canonical(query));
        Assert.True(Matches(query, P($"Robots for {query.ToUpperInvariant()[0]}{query[1..]}")));
        Assert.False(Matches(query, P($"{query.Split(' ')[0]} things")));
    }

    [Fact]
    public void Words_are_stored_normalised_with_case_kept()
    {
        var term = Assert.IsType<TermNode>(QueryParser.Parse("au:Bal\\'azs"));
        Assert.Equal(["Balazs"], term.Words);
        Assert.Equal(QueryField.Author, term.Field);
    }

    // ---- errors --------------------------------------------------------------------------------------------------

    [Theory]
    [InlineData("\"diffusion policy", 1, "unterminated quote")]
    [InlineData("ti:\"diffusion policy", 4, "unterminated quote")]
    [InlineData("robot OR \"drone", 10, "unterminated quote")]
    [InlineData("(robot OR drone", 16, "expected ')' to close the '(' at character 1")]
    [InlineData("a AND (b OR (c)", 16, "expected ')' to close the '(' at character 7")]
    [InlineData("robot OR drone)", 15, "unmatched ')'")]
    [InlineData(")", 1, "unmatched ')'")]
    [InlineData("robot AND", 10, "expected a term after 'AND'")]
    [InlineData("AND robot", 1, "expected a term before 'AND'")]
    [InlineData("robot AND OR drone", 11, "expected a term after 'AND'")]
    [InlineData("robot OR", 9, "expected a term after 'OR'")]
    [InlineData("OR robot", 1, "expected a term before 'OR'")]
    [InlineData("(robot OR) drone", 10, "expected a term after 'OR'")]
    [InlineData("NOT", 4, "expected a term after 'NOT'")]
    [InlineData("robot NOT", 10, "expected a term after 'NOT'")]
    [InlineData("robot -", 7, "expected a term after '-'")]
    [InlineData("- robot", 1, "expected a term after '-'")]
    [InlineData("(robot -)", 8, "expected a term after '-'")]
    [InlineData("", 1, "empty query")]
    [InlineData("   ", 1, "empty query")]
    [InlineData("()", 2, "empty parentheses")]
    [InlineData("ti:", 4, "expected a value after 'ti:'")]
    [InlineData("robot ti:", 10, "expected a value after 'ti:'")]
    [InlineData("ab*", 1, "at least 3 letters")]
    [InlineData("diffusion ab*", 11, "at least 3 letters")]
    [InlineData("\"ab\"*", 1, "at least 3 letters")]
    [InlineData("cat:\"cs LG\"", 5, "expected a category")]
    [InlineData("\"\"", 1, "no letters or digits")]
    public void A_bad_query_names_the_position_and_what_was_expected(string query, int position, string expected)
    {
        var e = Error(query);
        Assert.Equal(position, e.Position);
        Assert.Contains(expected, e.Reason, StringComparison.Ordinal);
        Assert.Equal($"query \"{query}\": at character {position}: {e.Reason}", e.Message);
    }

    [Theory]
    [InlineData("(", 100_000)]
    [InlineData("NOT ", 100_000)]
    [InlineData("-(", 100_000)]
    [InlineData("NOT (", 50_000)]
    public void Deep_nesting_throws_a_syntax_error_instead_of_overflowing_the_stack(string unit, int count)
    {
        var query = string.Concat(Enumerable.Repeat(unit, count)) + "robot" + new string(')', unit.Contains('(') ? count : 0);

        var e = Error(query);
        Assert.Contains("nested too deeply", e.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Nesting_within_the_limit_parses()
    {
        var query = new string('(', 60) + "robot" + new string(')', 60);
        Assert.Equal("\"robot\"", Canonical(query));
    }

    [Fact]
    public void TryParse_returns_the_error_instead_of_throwing()
    {
        Assert.False(QueryParser.TryParse("robot AND", out var node, out var error));
        Assert.Null(node);
        Assert.Equal(10, error!.Position);
        Assert.True(QueryParser.TryParse("robot", out node, out error));
        Assert.Null(error);
        Assert.NotNull(node);
    }

    [Fact]
    public void Query_TryParse_gives_the_query_Parse_gives_or_the_error()
    {
        Assert.True(Query.TryParse("  ti:robot OR \"diffusion policy\" ", out var query, out var error));
        Assert.Null(error);
        var parsed = Query.Parse("  ti:robot OR \"diffusion policy\" ");
        Assert.Equal(parsed.Text, query!.Text);
        Assert.Equal(parsed.Root, query.Root);

        Assert.False(Query.TryParse("robot AND", out query, out error));
        Assert.Null(query);
        Assert.Equal(10, error!.Position);
    }

    [Fact]
    public void Phrases_that_share_their_first_word_hash_apart_and_equal_ones_alike()
    {
        // A query set deduplicates terms in a hash table: 10,000 phrases with a common first word must not share one bucket.
        var a = (TermNode)QueryParser.Parse("\"of the model\"");
        var b = (TermNode)QueryParser.Parse("\"of the policy\"");
        var again = (TermNode)QueryParser.Parse("of the model");

        Assert.NotEqual(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a, again);
        Assert.Equal(a.GetHashCode(), again.GetHashCode());
    }

    // ---- TeX, Unicode, diacritics ----------------------------------------------------------------------------------

    [Theory]
    [InlineData("pi policy", "Learning a $\\pi$-Policy from Demonstrations")]
    [InlineData("$\\pi$-policy", "Learning a pi policy from Demonstrations")]
    [InlineData("diffusion policy", "\\emph{Diffusion} Policies for Manipulation")]
    [InlineData("\\emph{diffusion} policy", "Diffusion Policies for Manipulation")]
    [InlineData("diffusion policy", "{D}iffusion {P}olicy")]
    [InlineData("diffusion policy", "\\textbf{Diffusion \\textit{Policy}}")]
    [InlineData("fine tuning", "E\uFB03cient \uFB01ne-tuning")]
    [InlineData("diffusion", "Ｄｉｆｆｕｓｉｏｎ Models")]
    [InlineData("efficient", "E\uFB03cient \uFB01ne-tuning")]
    public void TeX_and_Unicode_forms_do_not_break_a_phrase(string query, string title)
    {
        Assert.True(Matches(query, P(title)));
    }

    [Theory]
    [InlineData("au:Balázs", "Balázs Szegedy")]
    [InlineData("au:Balázs", "Bal\\'azs Szegedy")]
    [InlineData("au:Balázs", "Balazs Szegedy")]
    [InlineData("au:Bal\\'azs", "Balázs Szegedy")]
    [InlineData("au:Bal\\'azs", "Balazs Szegedy")]
    [InlineData("au:Balazs", "Balázs Szegedy")]
    [InlineData("au:Balazs", "Bal\\'{a}zs Szegedy")]
    [InlineData("au:\"balazs szegedy\"", "Bal\\'azs SZEGEDY")]
    [InlineData("au:Erd\\H{o}s", "Paul Erdős")]
    [InlineData("au:Erdős", "Paul Erd\\H{o}s")]
    [InlineData("au:M\\\"{u}ller", "Anna Müller")]
    [InlineData("au:M\\\"uller", "Anna Müller")]
    [InlineData("au:\"M\\\"uller\"", "Anna Müller")]
    [InlineData("au:Muller", "Anna M\\\"{u}ller")]
    [InlineData("au:Strasse", "Eva Stra\\ss{}e")]
    [InlineData("au:Strasse", "Eva Straße")]
    [InlineData("au:Lukasz", "Łukasz Kaiser")]
    public void Author_names_match_regardless_of_diacritics_and_their_TeX_spelling(string query, string author)
    {
        Assert.True(Matches(query, P("Some Title", authors: ["Someone Else", author])));
    }

    [Fact]
    public void An_author_phrase_matches_within_one_author_not_across_two()
    {
        var paper = P("Title", authors: ["Anna Balazs", "Szegedy Bob"]);
        Assert.False(Matches("au:\"Balazs Szegedy\"", paper));
        Assert.True(Matches("au:Balazs au:Szegedy", paper));
    }

    [Fact]
    public void An_author_term_does_not_look_at_the_title_and_a_plain_term_does_not_look_at_authors()
    {
        Assert.False(Matches("au:Levine", P("Levine's Lemma")));
        Assert.False(Matches("Levine", P("Robots", authors: ["Sergey Levine"])));
    }

    [Fact]
    public void Author_terms_are_not_plural_folded()
    {
        Assert.False(Matches("au:Jone", P("T", authors: ["Ann Jones"])));
        Assert.True(Matches("au:Jones", P("T", authors: ["Ann JONES"])));
    }

    // ---- hyphens, plurals, word boundaries ---------------------------------------------------------------------------

    [Theory]
    [InlineData("model-based", "Model Based Planning")]
    [InlineData("model based", "Model-Based Planning")]
    [InlineData("model-based", "model - based planning")]
    [InlineData("\"model based\"", "MODEL-BASED planning")]
    public void Hyphen_and_space_are_equivalent(string query, string title)
    {
        Assert.True(Matches(query, P(title)));
    }

    [Theory]
    [InlineData("bias", "Mitigating Biases in Reward Models")]
    [InlineData("biases", "The Bias of Reward Models")]
    [InlineData("lens", "Lenses for Interpretability")]
    [InlineData("policy", "Policies")]
    [InlineData("policies", "A Policy")]
    [InlineData("GAN", "Training GANs")]
    [InlineData("process", "Gaussian Processes")]
    [InlineData("class", "Classes")]
    public void Singular_and_plural_match_each_other_by_default(string query, string title)
    {
        Assert.True(Matches(query, P(title)));
    }

    [Fact]
    public void A_phrase_does_not_match_inside_longer_words()
    {
        Assert.False(Matches("RL", P("A URL parser")));
        Assert.False(Matches("diffusion policy", P("diffusion policymakers")));
        Assert.True(Matches("diffusion polic*", P("diffusion policymakers")));
    }

    [Fact]
    public void A_prefix_wildcard_matches_any_word_starting_with_it_case_insensitively()
    {
        Assert.True(Matches("diffus*", P("DIFFUSE Reflections")));
        Assert.True(Matches("diffus*", P("", abs: "We study diffusion.")));
        Assert.False(Matches("diffus*", P("Confusion")));
        Assert.False(Matches("ti:diffus*", P("Robots", abs: "diffusion")));
    }

    // ---- exact ---------------------------------------------------------------------------------------------------

    [Fact]
    public void Exact_GAN_is_case_sensitive_and_not_plural_folded_while_gan_folds_both()
    {
        var upper = P("A GAN for Images");
        var lower = P("a gan for images");
        var plural = P("Training GANs");
        Assert.True(Matches("=GAN", upper));
        Assert.False(Matches("=GAN", lower));
        Assert.False(Matches("=GAN", plural));
        Assert.True(Matches("gan", upper));
        Assert.True(Matches("gan", lower));
        Assert.True(Matches("gan", plural));
    }

    [Fact]
    public void An_exact_phrase_does_not_match_its_plural()
    {
        Assert.True(Matches("=\"Diffusion Policy\"", P("A Diffusion Policy")));
        Assert.False(Matches("=\"Diffusion Policy\"", P("Diffusion Policies")));
        Assert.True(Matches("ti:=\"Diffus\"*", P("Diffusion Policies")));
        Assert.False(Matches("ti:=\"Diffus\"*", P("diffusion policies")));
    }

    // ---- fields --------------------------------------------------------------------------------------------------

    [Fact]
    public void Title_abstract_and_comment_fields_look_only_at_their_field()
    {
        var paper = P("Robot Learning", abs: "We use drones.", comments: "Accepted at ICRA 2026");
        Assert.True(Matches("ti:robot", paper));
        Assert.False(Matches("abs:robot", paper));
        Assert.True(Matches("abs:drone", paper));
        Assert.False(Matches("ti:drone", paper));
        Assert.True(Matches("drone", paper));
        Assert.True(Matches("co:ICRA", paper));
        Assert.False(Matches("ICRA", paper));
        Assert.False(Matches("co:ICRA", P("Robot Learning")));
    }

    [Fact]
    public void A_field_before_parentheses_applies_to_every_term_inside()
    {
        Assert.True(Matches("ti:(robot OR drone)", P("Drone Racing")));
        Assert.False(Matches("ti:(robot OR drone)", P("Racing", abs: "drone")));
    }

    [Theory]
    [InlineData("cat:cs", true)]
    [InlineData("cat:cs.LG", true)]
    [InlineData("cat:cs.lg", true)]
    [InlineData("cat:stat.ML", true)]
    [InlineData("cat:stat", true)]
    [InlineData("cat:cs.AI", false)]
    [InlineData("cat:math", false)]
    [InlineData("cat:c", false)]
    [InlineData("cat:cs.L*", true)]
    [InlineData("cat:cs.A*", false)]
    public void Category_terms_match_a_code_or_its_archive(string query, bool expected)
    {
        Assert.Equal(expected, Matches(query, P("T", categories: ["cs.LG", "stat.ML"])));
    }

    [Fact]
    public void Category_archive_does_not_match_a_longer_archive_name()
    {
        Assert.False(Matches("cat:hep", P("T", categories: ["hep-th"])));
        Assert.True(Matches("cat:hep-th", P("T", categories: ["hep-th"])));
        Assert.True(Matches("cat:math", P("T", categories: ["math.OC"])));
    }

    [Theory]
    [InlineData("id:2603.01234", "2603.01234", true)]
    [InlineData("id:2603.01234v2", "2603.01234", true)]
    [InlineData("id:arXiv:2603.01234", "2603.01234", true)]
    [InlineData("id:ARXIV:2603.01234V2", "2603.01234", true)]
    [InlineData("id:2603.0123", "2603.01234", false)]
    [InlineData("id:2603.0123*", "2603.01234", true)]
    [InlineData("id:2603.01234", "2603.012345", false)]
    [InlineData("id:hep-th/9901001v1", "hep-th/9901001", true)]
    [InlineData("id:HEP-TH/9901001", "hep-th/9901001", true)]
    public void Id_terms_ignore_version_and_arXiv_prefix(string query, string id, bool expected)
    {
        Assert.Equal(expected, Matches(query, P("T", id: id)));
    }

    [Fact]
    public void A_term_without_words_built_in_code_matches_nothing_in_Query_and_QuerySet()
    {
        var term = new TermNode(QueryField.Author, TextNormalizer.Words("--"));
        var paper = new PaperText(P("T", authors: ["Ann Lee"]));

        Assert.Null(Query.From(term).Match(paper));
        Assert.Empty(new QuerySet([Query.From(term)]).CreateMatcher().MatchingQueries(paper));
        Assert.Equal([0], new QuerySet([Query.From(new NotNode(term))]).CreateMatcher().MatchingQueries(paper));
    }

    [Fact]
    public void Digest_groups_match_TeX_spelled_watched_authors_and_apply_exclusions()
    {
        var spec = new ArxivDigest.Digests.DigestSpec
        {
            Authors = ["Bal\\'azs Szegedy", "--"],
            Queries = ["diffusion policy"],
            Exclude = ["survey"],
        };
        var groups = spec.CompiledGroups();
        var set = new QuerySet(groups.Select(g => g.Query));
        var matcher = set.CreateMatcher();

        var byAuthor = new PaperText(P("Robots", authors: ["Balázs Szegedy"]));
        var survey = new PaperText(P("Diffusion Policies: a Survey", authors: ["Balazs Szegedy"]));
        Assert.Equal(["Authors", "diffusion policy"], groups.Select(g => g.Name));
        Assert.Equal([0], matcher.MatchingQueries(byAuthor));
        Assert.Empty(matcher.MatchingQueries(survey));
        Assert.Null(groups[0].Query.Match(survey));
    }

    // ---- the many-query matcher's structure --------------------------------------------------------------------------

    [Fact]
    public void QuerySet_of_10000_phrase_queries_shares_terms_and_evaluates_only_queries_whose_terms_hit()
    {
        // Queries i and i + 5000 share their phrase; the second half also excludes "survey".
        var queries = Enumerable.Range(0, 10_000)
            .Select(i => Query.Parse($"w{i % 5000} v" + (i >= 5000 ? " -survey" : "")))
            .ToList();
        var set = new QuerySet(queries);

        Assert.Equal(5001, set.TermCount);
        var matcher = set.CreateMatcher();
        var matching = matcher.MatchingQueries(new PaperText(P("W17 v and w42-V, not w99")));
        Assert.Equal([17, 42, 5017, 5042], matching);
        Assert.Equal(4, matcher.CandidateCount);

        // "survey" hits, but only under NOT: it makes no query a candidate.
        matching = matcher.MatchingQueries(new PaperText(P("W17 v: a survey")));
        Assert.Equal([17], matching);
        Assert.Equal(2, matcher.CandidateCount);

        matcher.MatchingQueries(new PaperText(P("nothing here")));
        Assert.Equal(0, matcher.CandidateCount);
    }
    [Fact]
    public void QuerySet_counts_a_phrase_once_per_paper_in_each_field_its_query_covers()
    {
        // A phrase said several times in title and abstract, asked for anywhere, in the title, in the abstract and in
        // the comments; the same words as a longer phrase; the phrase as a term that some other query negates; and a
        // term twice in one query.
        string[] texts =
        [
            "policy gradient", "ti:\"policy gradient\"", "abs:\"policy gradient\"", "co:\"policy gradient\"",
            "policy gradient methods", "ti:policy", "policy", "learning -\"policy gradient\"",
            "policy OR (policy AND learning)",
        ];
        var queries = texts.Select(Query.Parse).ToArray();
        var matcher = new QuerySet(queries).CreateMatcher();

        void Check(string title, string abs)
        {
            var paper = new PaperText(P(title, abs));
            var expected = Enumerable.Range(0, queries.Length).Where(i => queries[i].Match(paper) is not null).ToList();
            Assert.Equal(expected, matcher.MatchingQueries(paper));

            // The count path (match --count) agrees, and counts each query once.
            var counts = new long[queries.Length];
            Assert.Equal(expected.Count > 0, matcher.CountMatches(TextField.FromChars(title), TextField.FromChars(abs), default, counts));
            Assert.Equal(Enumerable.Range(0, queries.Length).Select(i => expected.Contains(i) ? 1L : 0L), counts);
        }

        Check("Policy gradient, policy gradients", "We study policy gradient methods. Policy gradient learning.");
        Check("Policy gradient", "Nothing relevant here.");
        Check("Learning to act", "A policy gradient method, and policy gradient methods again.");
        Check("Learning to act", "A policy, then gradient.");
        Check("Policy gradient methods", "");
    }
}
