using ArxivDigest.Matching;
using ArxivDigest.Papers;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace ArxivDigest.Tests.Matching;

/// <summary>
/// Property tests of the query language over a small vocabulary, so random queries and random papers meet often:
/// printing and parsing round-trip, the boolean laws hold on random papers, folding never misses what is written
/// verbatim (nor its plural, hyphenated, TeX-wrapped or accented variant), and the many-query matcher
/// (<see cref="QuerySet"/>) agrees with evaluating each <see cref="Query"/> on its own. A fixed replay seed keeps runs
/// reproducible; change <see cref="Seed"/> (or delete Replay) to explore other cases.
/// </summary>
public sealed class QueryPropertyTests
{
    private const string Seed = "9181726354433221100,2718281828459045235";

    /// <summary>Two forms of each word that fold alike: singular and plural, or a verb's base and an inflection (learn, learned); words without either repeat the word.</summary>
    private static readonly (string One, string Many)[] Nouns =
    [
        ("policy", "policies"), ("model", "models"), ("cache", "caches"), ("process", "processes"),
        ("bias", "biases"), ("class", "classes"), ("box", "boxes"), ("network", "networks"), ("robot", "robots"),
        ("graph", "graphs"), ("movie", "movies"), ("lens", "lenses"), ("approach", "approaches"), ("gan", "gans"),
        ("diffusion", "diffusions"), ("canvas", "canvases"), ("status", "statuses"), ("virus", "viruses"),
        ("learning", "learning"), ("based", "based"), ("neural", "neural"), ("deep", "deep"), ("rl", "rl"),
        ("search", "search"), ("and", "and"), ("or", "or"), ("not", "not"), ("pi", "pi"), ("sim2real", "sim2real"),
        ("learn", "learned"), ("embedding", "embedded"), ("tune", "tuning"), ("study", "studied"), ("plan", "planning"),
        ("control", "controlled"), ("string", "strings"), ("speed", "speeds"),
    ];

    private static readonly string[] Authors =
    [
        "Balázs Szegedy", "Bal\\'azs Szegedy", "Balazs Szegedy", "Paul Erd\\H{o}s", "Paul Erdős", "Jürgen Schmidhuber",
        "J\\\"{u}rgen Schmidhuber", "Yann LeCun", "Sergey Levine", "Chelsea Finn", "Ana Müller-Lopez",
    ];

    private static readonly string[] AuthorWords = ["balazs", "Balazs", "szegedy", "erdos", "Erdos", "jurgen", "schmidhuber", "lecun", "LeCun", "levine", "finn", "muller", "lopez", "ana"];

    private static readonly string[] Categories = ["cs.LG", "cs.AI", "cs.RO", "cs.CL", "stat.ML", "math.OC", "hep-th", "quant-ph"];

    private static readonly string[] CategoryQueries = ["cs", "cs.LG", "cs.lg", "cs.RO", "stat", "stat.ML", "math", "hep-th", "quant-ph", "physics"];

    private static readonly string[] Ids = ["2603.01234", "2603.01235", "2603.11111", "2512.00001", "hep-th/9901001"];

    private static readonly string[] IdQueries = ["2603.01234", "2603.01235", "2512.00001", "hep-th/9901001", "1999.99999"];

    private static readonly string[] IdPrefixes = ["2603", "2603.0123", "2512", "hep-th/99"];

    // ---- generators ----------------------------------------------------------------------------------------------

    private static Gen<string> RandomCase(string word) =>
        Gen.Elements(0, 1, 2, 3).Select(k => k switch
        {
            0 => word,
            1 => word.ToUpperInvariant(),
            2 => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..],
            _ => word.ToLowerInvariant(),
        });

    /// <summary>One noun as a paper might print it: singular or plural, any case, maybe TeX-wrapped or accented.</summary>
    private static Gen<string> Variant((string One, string Many) noun) =>
        from many in Gen.Elements(false, true)
        from cased in RandomCase(many ? noun.Many : noun.One)
        from wrap in Gen.Elements(0, 0, 0, 1, 2, 3, 4, 5)
        select Wrap(cased, wrap);

    private static string Wrap(string word, int how) => how switch
    {
        1 => $"\\emph{{{word}}}",
        2 => $"{{{word}}}",
        3 => $"${word}$",
        4 => Accent(word, tex: false),
        5 => Accent(word, tex: true),
        _ => word,
    };

    /// <summary>The first vowel with a diacritic (<c>é</c>, or TeX <c>\'e</c>); folding must remove it again.</summary>
    private static string Accent(string word, bool tex)
    {
        var i = word.IndexOfAny(['a', 'e', 'o', 'u', 'A', 'E', 'O', 'U']);
        if (i < 0)
        {
            return word;
        }

        var accented = tex ? $"\\'{word[i]}" : (word[i] + "\u0301").Normalize(System.Text.NormalizationForm.FormC);
        return word[..i] + accented + word[(i + 1)..];
    }

    private static readonly Gen<string> Separator = Gen.Elements(" ", " ", " ", "-", " - ", ", ");

    /// <summary>A title or abstract: 0–8 nouns in variants joined by spaces, hyphens or commas.</summary>
    private static Gen<string> TextGen(int max) =>
        from n in Gen.Choose(0, max)
        from words in Gen.Elements(Nouns).SelectMany(Variant).ArrayOf(n)
        from seps in Separator.ArrayOf(n)
        select string.Concat(words.Select((w, i) => i == 0 ? w : seps[i] + w));

    private static readonly Gen<Paper> PaperGen =
        from title in TextGen(8)
        from abs in TextGen(10)
        from hasComments in Gen.Elements(false, true)
        from comments in TextGen(4)
        from nAuthors in Gen.Choose(0, 3)
        from authors in Gen.Elements(Authors).ArrayOf(nAuthors)
        from nCats in Gen.Choose(1, 3)
        from cats in Gen.Elements(Categories).ArrayOf(nCats)
        from id in Gen.Elements(Ids)
        select new Paper
        {
            Id = id,
            Title = title,
            Abstract = abs,
            Comments = hasComments ? comments : null,
            Authors = authors,
            PrimaryCategory = cats[0],
            Subjects = [.. cats.Distinct().Select(c => new Subject(c, ""))],
        };

    /// <summary>A canonical term (its words as the parser stores them), over the vocabulary.</summary>
    private static readonly Gen<QueryNode> TermGen = Gen.OneOf(
        from field in Gen.Elements(QueryField.Any, QueryField.Any, QueryField.Title, QueryField.Abstract, QueryField.Comments)
        from n in Gen.Choose(1, 3)
        from words in Gen.Elements(Nouns).SelectMany(noun => Gen.Elements(noun.One, noun.Many)).SelectMany(RandomCase).ArrayOf(n)
        from prefixCut in Gen.Choose(0, 3)
        from exact in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        select Text(field, words, prefixCut, exact),
        from n in Gen.Choose(1, 2)
        from words in Gen.Elements(AuthorWords).ArrayOf(n)
        from prefixCut in Gen.Choose(0, 4)
        from exact in Gen.Frequency((4, Gen.Constant(false)), (1, Gen.Constant(true)))
        select Text(QueryField.Author, words, prefixCut, exact),
        from value in Gen.Elements(CategoryQueries)
        from prefix in Gen.Frequency((5, Gen.Constant(false)), (1, Gen.Constant(true)))
        select (QueryNode)new TermNode(QueryField.Category, [], prefix) { Value = prefix ? value[..Math.Min(value.Length, 3)] : value },
        from exactId in Gen.Elements(false, true)
        from value in exactId ? Gen.Elements(IdQueries) : Gen.Elements(IdPrefixes)
        select (QueryNode)new TermNode(QueryField.Id, [], !exactId) { Value = value });

    /// <summary>
    /// A phrase term; <paramref name="prefixCut"/> 1 cuts the last word to a prefix (kept at ≥ 3 characters), other
    /// values leave it whole.
    /// </summary>
    private static QueryNode Text(QueryField field, string[] words, int prefixCut, bool exact)
    {
        var normal = TextNormalizer.Words(string.Join(' ', words));
        var prefix = prefixCut == 1 && normal[^1].Length >= 3;
        if (prefix)
        {
            var last = normal[^1];
            normal[^1] = last[..Math.Max(3, last.Length - 2)];
        }

        return new TermNode(field, normal, prefix, exact);
    }

    private static Gen<QueryNode> AstGen(int size) =>
        size <= 1
            ? TermGen
            : Gen.Frequency(
                (3, TermGen),
                (1, AstGen(size / 2).Select(c => (QueryNode)new NotNode(c))),
                (2, from n in Gen.Choose(2, 3)
                    from children in AstGen(size / n).ArrayOf(n)
                    select (QueryNode)new AndNode(children)),
                (2, from n in Gen.Choose(2, 3)
                    from children in AstGen(size / n).ArrayOf(n)
                    select (QueryNode)new OrNode(children)));

    private static readonly Gen<QueryNode> QueryGen = Gen.Sized(s => AstGen(Math.Min(s, 24)));

    private static Arbitrary<QueryNode> Asts => Arb.From(QueryGen);

    private static Arbitrary<PaperText> Papers => Arb.From(PaperGen.Select(p => new PaperText(p)));

    private static bool Matches(QueryNode node, PaperText paper) => Query.From(node).Match(paper) is not null;

    private static bool Matches(string query, PaperText paper) => Query.Parse(query).Match(paper) is not null;

    // ---- (a) parse ∘ print -----------------------------------------------------------------------------------------

    [Property(MaxTest = 2000, Replay = Seed)]
    public Property Parsing_a_printed_query_gives_back_an_equal_tree() =>
        Prop.ForAll(Asts, ast => Equals(QueryParser.Parse(QueryPrinter.Print(ast)), ast)
            .Label($"printed: {QueryPrinter.Print(ast)} reparsed: {QueryPrinter.Print(QueryParser.Parse(QueryPrinter.Print(ast)))}"));

    [Property(MaxTest = 1000, Replay = Seed)]
    public Property Printing_a_parsed_query_is_a_fixed_point() =>
        Prop.ForAll(Arb.From(QueryTextGen), text =>
        {
            if (!QueryParser.TryParse(text, out var node, out _))
            {
                return true.Label("does not parse");
            }

            var once = QueryPrinter.Print(node!);
            var twice = QueryPrinter.Print(QueryParser.Parse(once));
            return (once == twice).Label($"{text} → {once} → {twice}");
        });

    /// <summary>Query text as people type it: bare words, operators, fields, quotes, exclusions, wildcards.</summary>
    private static readonly Gen<string> QueryTextGen =
        from n in Gen.Choose(1, 8)
        from parts in Gen.OneOf(
            Gen.Elements(Nouns).SelectMany(Variant),
            Gen.Elements("AND", "OR", "NOT", "-", "(", ")", "ti:", "abs:", "au:", "co:", "=", "\"", "*", "diffus*", "-survey",
                "cat:cs.LG", "cat:cs", "id:2603.01234v2", "id:arXiv:2603.01234", "au:Bal\\'azs", "ti:\"deep model\"", "=GAN")).ArrayOf(n)
        from seps in Gen.Elements(" ", " ", "").ArrayOf(n)
        select string.Concat(parts.Select((p, i) => i == 0 ? p : seps[i] + p));

    // ---- (b) boolean laws on random papers ---------------------------------------------------------------------------

    [Property(MaxTest = 1000, Replay = Seed)]
    public Property NOT_a_matches_exactly_when_a_does_not() =>
        Prop.ForAll(Asts, Papers, (a, p) => Matches($"NOT ({a})", p) == !Matches(a, p));

    [Property(MaxTest = 1000, Replay = Seed)]
    public Property A_AND_b_matches_exactly_when_both_match_and_is_commutative() =>
        Prop.ForAll(Asts, Asts, Papers, (a, b, p) =>
            Matches($"({a}) AND ({b})", p) == (Matches(a, p) && Matches(b, p))
            && Matches($"({a}) AND ({b})", p) == Matches($"({b}) AND ({a})", p)
            && Matches($"({a}) ({b})", p) == Matches($"({a}) AND ({b})", p));

    [Property(MaxTest = 1000, Replay = Seed)]
    public Property A_OR_b_matches_exactly_when_either_matches_and_is_commutative() =>
        Prop.ForAll(Asts, Asts, Papers, (a, b, p) =>
            Matches($"({a}) OR ({b})", p) == (Matches(a, p) || Matches(b, p))
            && Matches($"({a}) OR ({b})", p) == Matches($"({b}) OR ({a})", p));

    [Property(MaxTest = 1000, Replay = Seed)]
    public Property De_Morgan_and_double_negation_hold() =>
        Prop.ForAll(Asts, Asts, Papers, (a, b, p) =>
            Matches($"NOT (({a}) AND ({b}))", p) == Matches($"NOT ({a}) OR NOT ({b})", p)
            && Matches($"NOT (({a}) OR ({b}))", p) == Matches($"NOT ({a}) AND NOT ({b})", p)
            && Matches($"NOT NOT ({a})", p) == Matches(a, p));

    [Property(MaxTest = 1000, Replay = Seed)]
    public Property Minus_b_excludes_from_the_whole_sequence() =>
        Prop.ForAll(Asts, Asts, Arb.From(from c in QueryGen from p in PaperGen select (c, new PaperText(p))), (a, b, cp) =>
            cp is var (c, p) && Matches($"({a}) OR ({b}) -({c})", p) == ((Matches(a, p) || Matches(b, p)) && !Matches(c, p)));

    // ---- (c) folding never misses an exact match ---------------------------------------------------------------------

    /// <summary>A phrase of 1–3 nouns, the title around it, and how the phrase is written in the title.</summary>
    private sealed record Embedded((string One, string Many)[] Phrase, string Before, string Written, string After)
    {
        public string Title => $"{Before} {Written} {After}";

        public override string ToString() => $"phrase [{string.Join(' ', Phrase.Select(p => p.One))}] title \"{Title}\"";
    }

    private static readonly Gen<Embedded> EmbeddedGen =
        from n in Gen.Choose(1, 3)
        from phrase in Gen.Elements(Nouns).ArrayOf(n)
        from before in TextGen(3)
        from after in TextGen(3)
        from written in phrase.Aggregate(Gen.Constant(Array.Empty<string>()), (acc, noun) => from l in acc from w in Variant(noun) select (string[])[.. l, w])
        from seps in Separator.ArrayOf(n)
        select new Embedded(phrase, before, string.Concat(written.Select((w, i) => i == 0 ? w : seps[i] + w)), after);

    [Property(MaxTest = 1500, Replay = Seed)]
    public Property A_phrase_written_verbatim_in_the_title_matches_its_non_exact_query() =>
        Prop.ForAll(Arb.From(EmbeddedGen), e =>
            Matches($"\"{e.Written}\"", PaperOf(e.Title)) && Matches($"ti:\"{e.Written}\"", PaperOf(e.Title))
            // Bare, unless it holds an upper-case operator word.
            && (e.Written.Split(' ', '-').Any(w => w is "AND" or "OR" or "NOT") || Matches(e.Written, PaperOf(e.Title))));

    [Property(MaxTest = 1500, Replay = Seed)]
    public Property Singular_plural_and_hyphenated_forms_of_the_phrase_all_match() =>
        Prop.ForAll(Arb.From(EmbeddedGen), e =>
        {
            var paper = PaperOf(e.Title);
            var singular = string.Join(' ', e.Phrase.Select(p => p.One));
            var plural = string.Join(' ', e.Phrase.Select(p => p.Many));
            var hyphenated = string.Join('-', e.Phrase.Select(p => p.One));
            var tex = string.Join(' ', e.Phrase.Select(p => $"\\emph{{{p.Many}}}"));
            return (Matches(singular, paper) && Matches(plural, paper) && Matches(hyphenated, paper) && Matches(tex, paper))
                .Label($"singular {Matches(singular, paper)} plural {Matches(plural, paper)} hyphenated {Matches(hyphenated, paper)} tex {Matches(tex, paper)}");
        });

    [Property(MaxTest = 1000, Replay = Seed)]
    public Property Whatever_an_exact_term_matches_its_folded_and_prefix_forms_match_too() =>
        Prop.ForAll(Arb.From(TermGen.Where(t => t is TermNode { Value: null })), Papers, (node, p) =>
        {
            var t = (TermNode)node;
            var exact = t with { Exact = true };
            var matched = Matches(exact, p);
            return (!matched || (Matches(t with { Exact = false }, p) && Matches(exact with { Prefix = true }, p)))
                .Label($"exact {exact} matched {matched}");
        });

    private static PaperText PaperOf(string title) => new(new Paper { Id = "2603.00001", Title = title });

    // ---- (d) QuerySet ≡ Query ----------------------------------------------------------------------------------------

    private static readonly Gen<Query[]> QuerySetGen =
        from n in Gen.Choose(1, 200)
        from asts in QueryGen.ArrayOf(n)
        select asts.Select(Query.From).ToArray();

    [Property(MaxTest = 300, Replay = Seed)]
    public Property QuerySet_matches_exactly_the_queries_that_match_one_by_one() =>
        Prop.ForAll(Arb.From(QuerySetGen), Arb.From(PaperGen.ArrayOf(5)), (queries, papers) =>
        {
            var matcher = new QuerySet(queries).CreateMatcher();
            foreach (var paper in papers)
            {
                var text = new PaperText(paper);
                var expected = Enumerable.Range(0, queries.Length).Where(i => queries[i].Match(text) is not null).ToList();
                var actual = matcher.MatchingQueries(text);
                if (!expected.SequenceEqual(actual))
                {
                    var diff = expected.Except(actual).Concat(actual.Except(expected)).First();
                    return false.Label($"query {queries[diff].Text} on title \"{paper.Title}\" abstract \"{paper.Abstract}\" authors [{string.Join("; ", paper.Authors)}]: one-by-one {expected.Contains(diff)}");
                }
            }

            return true.Label("ok");
        });
}
