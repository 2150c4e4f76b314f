using System.Text.RegularExpressions;
using ArxivDigest.Papers;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Papers;

public sealed partial class TaxonomyTests
{
    [Fact]
    public void Every_name_code_pair_in_listings_and_reference_agrees_with_the_table()
    {
        var pairs = ListingPairs().Concat(ReferencePairs()).Distinct().ToList();

        // Enough pairs that a broken extraction cannot pass vacuously.
        Assert.True(pairs.Count >= 60, $"only {pairs.Count} pairs found");
        Assert.Contains(("Artificial Intelligence", "cs.AI"), pairs);
        Assert.Contains(("General Relativity and Quantum Cosmology", "gr-qc"), pairs);
        Assert.Contains(("Machine Learning", "stat.ML"), pairs);

        var wrong = pairs
            .Where(p => Taxonomy.NameOf(p.Code) != p.Name)
            .Select(p => $"{p.Name} ({p.Code}) but table says '{Taxonomy.NameOf(p.Code)}'")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));

        Assert.All(pairs, p =>
        {
            Assert.Equal($"{p.Name} ({p.Code})", Taxonomy.SubjectOf(p.Code).ToString());
            Assert.True(Taxonomy.IsKnownCategoryOrArchive(p.Code), p.Code);
        });
    }

    [Fact]
    public void Every_category_in_the_rss_fixtures_is_known()
    {
        var codes = Fixtures.Files("rss")
            .SelectMany(f => CategoryElement().Matches(File.ReadAllText(f)))
            .Select(m => m.Groups["code"].Value)
            .Distinct()
            .ToList();

        Assert.True(codes.Count > 100, $"only {codes.Count} codes found");
        Assert.All(codes, c => Assert.True(Taxonomy.IsKnownCategoryOrArchive(c), c));
    }

    [Fact]
    public void Archives_are_the_valid_archive_names_arxiv_rss_lists()
    {
        // The RSS error feed for a bad archive lists the valid ones ("test" is arXiv's internal test archive).
        var text = File.ReadAllText(Fixtures.At("rss/rss2-error-bad-archive-astroph-2024-11-28.xml"));
        var listed = ValidArchives().Match(text).Groups["list"].Value
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(a => a != "test")
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(20, listed.Count);
        Assert.Equal(listed, Taxonomy.Archives.Order(StringComparer.Ordinal));
        Assert.All(Taxonomy.Archives, a =>
        {
            Assert.True(Taxonomy.IsKnownCategoryOrArchive(a), a);
            Assert.NotNull(Taxonomy.NameOf(a));
        });
    }

    [Theory]
    [InlineData("cs.AI", "Artificial Intelligence")]
    [InlineData("cs.CL", "Computation and Language")]
    [InlineData("cs.LG", "Machine Learning")]
    [InlineData("cs.RO", "Robotics")]
    [InlineData("hep-th", "High Energy Physics - Theory")]
    [InlineData("math-ph", "Mathematical Physics")]
    [InlineData("math.MP", "Mathematical Physics")]
    [InlineData("gr-qc", "General Relativity and Quantum Cosmology")]
    [InlineData("astro-ph.CO", "Cosmology and Nongalactic Astrophysics")]
    [InlineData("stat.ML", "Machine Learning")]
    [InlineData("eess.SY", "Systems and Control")]
    [InlineData("cond-mat.str-el", "Strongly Correlated Electrons")]
    [InlineData("q-bio.NC", "Neurons and Cognition")]
    [InlineData("q-fin.TR", "Trading and Market Microstructure")]
    [InlineData("econ.EM", "Econometrics")]
    [InlineData("nlin.CG", "Cellular Automata and Lattice Gases")]
    [InlineData("physics.atm-clus", "Atomic and Molecular Clusters")]
    [InlineData("quant-ph", "Quantum Physics")]
    [InlineData("nucl-th", "Nuclear Theory")]
    [InlineData("cs", "Computer Science")]
    [InlineData("astro-ph", "Astrophysics")]
    [InlineData("cond-mat", "Condensed Matter")]
    [InlineData("eess", "Electrical Engineering and Systems Science")]
    public void Known_codes_have_arxiv_names(string code, string name)
    {
        Assert.Equal(name, Taxonomy.NameOf(code));
        Assert.Equal(new Subject(code, name), Taxonomy.SubjectOf(code));
        Assert.True(Taxonomy.IsKnownCategoryOrArchive(code));
    }

    [Theory]
    [InlineData("astroph")]
    [InlineData("cs.ai")]
    [InlineData("CS.AI")]
    [InlineData("cs.XX")]
    [InlineData("test")]
    [InlineData("")]
    [InlineData(" cs.AI")]
    public void Unknown_codes_give_null_and_empty_name(string code)
    {
        Assert.Null(Taxonomy.NameOf(code));
        Assert.Equal(new Subject(code, ""), Taxonomy.SubjectOf(code));
        Assert.Equal(code, Taxonomy.SubjectOf(code).ToString());
        Assert.False(Taxonomy.IsKnownCategoryOrArchive(code));
    }

    [Fact]
    public void Defunct_archives_are_named_but_not_listable()
    {
        Assert.Equal("Exactly Solvable and Integrable Systems", Taxonomy.NameOf("solv-int"));
        Assert.False(Taxonomy.IsKnownCategoryOrArchive("solv-int"));
    }

    [Fact]
    public void Every_dotted_category_belongs_to_an_archive()
    {
        Assert.Equal(Taxonomy.Categories.Count, Taxonomy.Categories.Distinct().Count());
        Assert.True(Taxonomy.Categories.Count >= 150, $"{Taxonomy.Categories.Count} categories");
        Assert.All(Taxonomy.Categories.Where(c => c.Contains('.', StringComparison.Ordinal)), c =>
            Assert.Contains(c[..c.IndexOf('.', StringComparison.Ordinal)], Taxonomy.Archives));
    }

    private static IEnumerable<(string Name, string Code)> ListingPairs()
    {
        foreach (var file in Fixtures.Files("listing", "*.html"))
        {
            foreach (Match div in ListSubjectsDiv().Matches(File.ReadAllText(file)))
            {
                var text = Tags().Replace(div.Groups["body"].Value, " ").Replace("Subjects:", " ", StringComparison.Ordinal);
                foreach (var pair in SplitPairs(text))
                {
                    yield return pair;
                }
            }
        }
    }

    private static IEnumerable<(string Name, string Code)> ReferencePairs()
    {
        var lines = File.ReadAllLines(Fixtures.Reference());
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (lines[i].StartsWith("- Subjects:", StringComparison.Ordinal))
            {
                foreach (var pair in SplitPairs(lines[i + 1]))
                {
                    yield return pair;
                }
            }
        }
    }

    private static IEnumerable<(string Name, string Code)> SplitPairs(string text)
    {
        foreach (var part in text.Split(';'))
        {
            var p = Text.Normalize(part);
            if (p.Length == 0)
            {
                continue;
            }

            var m = Pair().Match(p);
            Assert.True(m.Success, $"not a 'Name (code)' pair: '{p}'");
            yield return (m.Groups["name"].Value, m.Groups["code"].Value);
        }
    }

    [GeneratedRegex(@"<div class=['""]list-subjects['""]>(?<body>.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex ListSubjectsDiv();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"^(?<name>.+) \((?<code>[^()\s]+)\)$")]
    private static partial Regex Pair();

    [GeneratedRegex(@"<category(?:>(?<code>[^<]+)</category>| term=""(?<code>[^""]+)"")")]
    private static partial Regex CategoryElement();

    [GeneratedRegex(@"Valid archive names are: (?<list>[^.<]+)\.")]
    private static partial Regex ValidArchives();
}
