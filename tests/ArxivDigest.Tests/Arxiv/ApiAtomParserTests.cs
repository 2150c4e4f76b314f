using System.Text;
using System.Text.RegularExpressions;
using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Arxiv;

public class ApiAtomParserTests
{
    private const string LegacyElectronProton = "api/query-all-electron-AND-proton-2025-08-20-legacyformat.xml";
    private const string NewElectronProton = "api/query-all-electron-AND-proton-2025-11-11-newformat.xml";
    private const string LegacyPhantom = "api/idlist-3ids-2missing-phantom-empty-entries-2025-08-24-legacyformat.xml";
    private const string NewMissing = "api/idlist-4ids-3missing-2025-11-11-newformat.xml";

    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Fixtures.Files("api"))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    private static ApiFeed ParseFixture(string relative)
    {
        using var stream = File.OpenRead(Fixtures.At(relative));
        return ApiAtomParser.Parse(stream, relative);
    }

    /// <summary>Every API fixture: the feed's counts and its first 10 papers, or the error it raises.</summary>
    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Every_fixture_matches_its_golden(string file)
    {
        var relative = $"api/{file}";
        object result;
        try
        {
            var feed = ParseFixture(relative);
            result = new
            {
                feed.TotalResults,
                feed.StartIndex,
                feed.ItemsPerPage,
                Count = feed.Papers.Count,
                Papers = feed.Papers.Take(10),
            };
        }
        catch (ArxivFormatException ex)
        {
            result = new { Error = ex.Reason };
        }

        Golden.AssertJson($"api/{Path.GetFileNameWithoutExtension(file)}.json", result);
    }

    [Fact]
    public void Stream_and_string_overloads_agree()
    {
        var path = Fixtures.At(NewElectronProton);
        var fromStream = ParseFixture(NewElectronProton);
        var fromString = ApiAtomParser.Parse(File.ReadAllText(path), NewElectronProton);
        Assert.Equal(fromStream.Papers.Count, fromString.Papers.Count);
        Assert.All(fromStream.Papers.Zip(fromString.Papers), p => Assert.True(p.First.ContentEquals(p.Second)));
    }

    [Fact]
    public void Legacy_and_new_serializer_of_the_same_query_agree_on_shared_papers()
    {
        var legacy = ParseFixture(LegacyElectronProton);
        var modern = ParseFixture(NewElectronProton);

        Assert.Equal(10, legacy.Papers.Count);
        Assert.Equal(10, modern.Papers.Count);
        Assert.Equal(7370, legacy.TotalResults);
        Assert.Equal(7432, modern.TotalResults);
        Assert.Equal(0, legacy.StartIndex);
        Assert.Equal(10, modern.ItemsPerPage);

        var shared = legacy.Papers.Select(p => p.Id).Intersect(modern.Papers.Select(p => p.Id)).ToList();
        Assert.Equal(["1602.03411"], shared);

        var a = legacy.Papers.Single(p => p.Id == "1602.03411");
        var b = modern.Papers.Single(p => p.Id == "1602.03411");
        Assert.StartsWith("Proton mirror modes are large amplitude nonpropagating structures frequently observed", a.Abstract, StringComparison.Ordinal);
        Assert.Equal(a.Abstract, b.Abstract);
        Assert.DoesNotContain('\n', a.Abstract);
        Assert.Equal("Effects of electron temperature anisotropy on proton mirror instability evolution", a.Title);
        Assert.Equal("10.1002/2016JA022429", a.Doi);
        Assert.True(a.ContentEquals(b), "legacy and new serializations of 1602.03411 should give the same paper");
    }

    [Fact]
    public void Legacy_phantom_feed_and_new_missing_id_feed_give_the_same_paper()
    {
        var legacy = ParseFixture(LegacyPhantom);
        var modern = ParseFixture(NewMissing);

        var a = Assert.Single(legacy.Papers);
        var b = Assert.Single(modern.Papers);
        Assert.Equal(4, legacy.TotalResults); // 1 real + 3 phantom entries, as the legacy API counted them
        Assert.Equal(1, modern.TotalResults);
        Assert.Equal("2201.13452", a.Id);
        Assert.Equal(1, a.Version);
        Assert.Equal("Asymptotic Analysis for a Nonlinear Reaction-Diffusion System Modeling an Infectious Disease", a.Title);
        Assert.Equal(["Hong-Ming Yin", "Jun Zou"], a.Authors);
        Assert.Equal("34 pages", a.Comments);
        // The legacy <category term="35"> (an MSC class) is not an arXiv subject.
        Assert.Equal([new Subject("math.AP", "Analysis of PDEs")], a.Subjects);
        Assert.True(a.ContentEquals(b));
    }

    [Fact]
    public void New_format_links_without_rel_or_type_still_yield_ids()
    {
        var xml = File.ReadAllText(Fixtures.At(NewElectronProton));
        Assert.DoesNotContain("rel=\"alternate\"", xml, StringComparison.Ordinal); // the 2025-11-11 quirk
        var expected = ApiAtomParser.Parse(xml, NewElectronProton).Papers;
        Assert.Equal(
            ["nucl-ex/0408020", "1309.4668", "1606.02159", "1610.08734", "2102.00018", "0803.1617", "1205.6628", "nucl-th/9910021", "1602.03411", "1401.3666"],
            expected.Select(p => p.Id));
        Assert.Equal([1, 1, 1, 3, 2, 1, 2, 3, 1, 2], expected.Select(p => p.Version ?? 0));

        // Without <id>, the abs link (no rel, no type) alone identifies the entry.
        var withoutIds = Regex.Replace(xml, @"<id>http://arxiv\.org/abs/[^<]*</id>", "");
        var fromLinks = ApiAtomParser.Parse(withoutIds, NewElectronProton).Papers;
        Assert.Equal(expected.Select(p => (p.Id, p.Version)), fromLinks.Select(p => (p.Id, p.Version)));
    }

    [Fact]
    public void Phantom_entries_are_skipped()
    {
        var feed = ParseFixture(LegacyPhantom);
        Assert.Equal("2201.13452", Assert.Single(feed.Papers).Id);
    }

    [Theory]
    [InlineData("api/error-incorrect-id-format-INVALIDID-2019-01-04-legacyformat-http400.xml", "incorrect id format for INVALIDID")]
    [InlineData("api/error-incorrect-id-format-abc-2026-04-12-newformat-http400.xml", "incorrect id format for abc")]
    public void Error_feeds_throw_with_the_message(string relative, string message)
    {
        var ex = Assert.Throws<ArxivFormatException>(() => ParseFixture(relative));
        Assert.Equal($"arXiv API error: {message}", ex.Reason);
        Assert.Equal(relative, ex.Origin);
    }

    [Fact]
    public void Legacy_empty_result_says_one_but_has_no_papers()
    {
        var legacy = ParseFixture("api/empty-idlist-1201.56789-2025-08-20-legacyformat.xml");
        Assert.Empty(legacy.Papers);
        Assert.Equal(1, legacy.TotalResults);

        var modern = ParseFixture("api/empty-idlist-1201.56789-2025-11-11-newformat.xml");
        Assert.Empty(modern.Papers);
        Assert.Equal(0, modern.TotalResults);
    }

    [Fact]
    public void Old_style_id_with_doi_and_journal_ref()
    {
        var p = Assert.Single(ParseFixture("api/idlist-astro-ph-9812133-2019-01-04-legacyformat.xml").Papers);
        Assert.Equal("astro-ph/9812133", p.Id);
        Assert.Equal(1, p.Version);
        Assert.Equal("Measurements of Omega and Lambda from 42 High-Redshift Supernovae", p.Title);
        Assert.Equal("10.1086/307221", p.Doi);
        Assert.Equal("Astrophys.J.517:565-586,1999", p.JournalRef);
        Assert.Equal("astro-ph", p.PrimaryCategory);
        Assert.Equal(["astro-ph", "hep-ex", "hep-ph"], p.Subjects.Select(s => s.Code));
        Assert.Equal("Astrophysics", p.Subjects[0].Name);
        Assert.Equal("S. Perlmutter", p.Authors[0]); // the arxiv:affiliation is not part of the name
        Assert.Contains("(Omega_M <~ 1.5)", p.Abstract, StringComparison.Ordinal); // entities decoded
        Assert.StartsWith("21 pages and 10 figures. Accepted for publication in the Astrophysical Journal.", p.Comments, StringComparison.Ordinal);
        Assert.Equal(AnnounceType.New, p.AnnounceType);
        Assert.Null(p.ListingDate);
    }

    [Fact]
    public void Big_query_reads_all_entries()
    {
        var feed = ParseFixture("api/query-all-testing-max100-2026-04-12-newformat.xml");
        Assert.Equal(100, feed.Papers.Count);
        Assert.Equal(214881, feed.TotalResults);
        Assert.Equal(100, feed.Papers.Select(p => p.Id).Distinct().Count());
        Assert.All(feed.Papers, p =>
        {
            Assert.NotEmpty(p.Title);
            Assert.NotEmpty(p.Abstract);
            Assert.NotEmpty(p.Authors);
            Assert.Equal(p.PrimaryCategory, p.Subjects[0].Code);
        });

        var astro = ParseFixture("api/query-cat-astro-ph-wildcard-max63-2026-04-25-newformat.xml");
        Assert.Equal(63, astro.Papers.Count);
        Assert.All(astro.Papers, p => Assert.Contains(p.Subjects, s => s.Code.StartsWith("astro-ph", StringComparison.Ordinal)));
    }

    [Fact]
    public void Primary_category_is_moved_to_the_front()
    {
        var xml = File.ReadAllText(Fixtures.At("api/query-1301.7746-2013-02-02-legacyformat.xml"))
            .Replace("xmlns:arxiv=\"http://arxiv.org/schemas/atom\" term=\"cond-mat.dis-nn\"", "xmlns:arxiv=\"http://arxiv.org/schemas/atom\" term=\"cond-mat.str-el\"", StringComparison.Ordinal);
        Assert.Contains("<category term=\"cond-mat.dis-nn\"", xml, StringComparison.Ordinal);
        var p = Assert.Single(ApiAtomParser.Parse(xml, "edited").Papers);
        Assert.Equal("cond-mat.str-el", p.PrimaryCategory);
        Assert.Equal(["cond-mat.str-el", "cond-mat.dis-nn"], p.Subjects.Select(s => s.Code));
    }

    [Fact]
    public void Malformed_xml_throws_with_line_information()
    {
        var xml = File.ReadAllText(Fixtures.At(LegacyElectronProton));
        var truncated = xml[..(xml.Length / 2)];
        var ex = Assert.Throws<ArxivFormatException>(() => ApiAtomParser.Parse(truncated, "truncated"));
        Assert.Matches(@"malformed XML at line \d+, position \d+", ex.Reason);

        // A real capture cut off mid-entry (stored that way in its source repository).
        var rss = Fixtures.At("rss/atom-cs.AI-2025-08-20-TRUNCATED-in-source-not-wellformed.xml");
        using var stream = File.OpenRead(rss);
        var ex2 = Assert.Throws<ArxivFormatException>(() => ApiAtomParser.Parse(stream, "rss"));
        Assert.Contains("line 1233", ex2.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_atom_documents_throw()
    {
        var oai = Assert.Throws<ArxivFormatException>(() => ApiAtomParser.Parse(
            File.ReadAllText(Fixtures.At("oai/identify-captured-2018-06-21.xml")), "oai"));
        Assert.Contains("not an Atom feed", oai.Reason, StringComparison.Ordinal);

        var html = Assert.Throws<ArxivFormatException>(() => ApiAtomParser.Parse(
            "<!DOCTYPE html><html><head><title>arXiv</title></head><body><p>Rate exceeded.</p></body></html>", "html"));
        Assert.Contains("not an Atom feed", html.Reason, StringComparison.Ordinal);

        var notXml = Assert.Throws<ArxivFormatException>(() => ApiAtomParser.Parse(
            new MemoryStream(Encoding.UTF8.GetBytes("Rate exceeded.")), "text"));
        Assert.Contains("malformed XML", notXml.Reason, StringComparison.Ordinal);

        Assert.Throws<ArxivFormatException>(() => ApiAtomParser.Parse("", "empty"));
    }
}
