using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Arxiv;

public class OaiPmhParserTests
{
    private const string DcPage1 = "oai/listrecords-oai_dc-set-cs-2021-03-20_to_30-page1of3-captured-2024-01-30.xml";
    private const string DcPage2 = "oai/listrecords-oai_dc-set-cs-2021-03-20_to_30-page2of3-captured-2024-01-30.xml";
    private const string DcPage3 = "oai/listrecords-oai_dc-set-cs-2021-03-20_to_30-page3of3-final-empty-token-captured-2024-01-30.xml";
    private const string RawPage = "oai/listrecords-arXivRaw-from-2016-10-20-resumptionToken-reformatted-trimmed.xml";

    private const string Envelope = """
        <?xml version="1.0" encoding="UTF-8"?>
        <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
        <responseDate>2025-05-01T10:00:00Z</responseDate>
        <request verb="ListRecords">https://oaipmh.arxiv.org/oai</request>
        BODY
        </OAI-PMH>
        """;

    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Fixtures.Files("oai"))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    private static OaiPage ParseFixture(string relative)
    {
        using var stream = File.OpenRead(Fixtures.At(relative));
        return OaiPmhParser.Parse(stream, relative);
    }

    /// <summary>Every OAI fixture: page summary and first 10 papers, or the error it raises.</summary>
    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Every_fixture_matches_its_golden(string file)
    {
        var relative = $"oai/{file}";
        object result;
        try
        {
            var page = ParseFixture(relative);
            result = new
            {
                Count = page.Papers.Count,
                DeletedCount = page.DeletedIds.Count,
                DeletedIds = page.DeletedIds.Take(10),
                page.ResumptionToken,
                page.CompleteListSize,
                page.Cursor,
                page.ResponseDate,
                Papers = page.Papers.Take(10),
            };
        }
        catch (ArxivFormatException ex)
        {
            result = new { Error = ex.Reason };
        }

        Golden.AssertJson($"oai/{Path.GetFileNameWithoutExtension(file)}.json", result);
    }

    [Fact]
    public void Oai_dc_harvest_pages_chain_by_resumption_token()
    {
        var p1 = ParseFixture(DcPage1);
        var p2 = ParseFixture(DcPage2);
        var p3 = ParseFixture(DcPage3);

        Assert.Equal("6965856|1001", p1.ResumptionToken);
        Assert.Equal("6965856|2001", p2.ResumptionToken);
        Assert.Null(p3.ResumptionToken); // the last page carries an EMPTY token element
        Assert.Equal([0, 1000, 2000], new[] { p1.Cursor, p2.Cursor, p3.Cursor }.Select(c => c ?? -1));
        Assert.All(new[] { p1, p2, p3 }, p => Assert.Equal(2358, p.CompleteListSize));
        Assert.Equal([1000, 1000, 358], new[] { p1, p2, p3 }.Select(p => p.Papers.Count));
        Assert.Equal(new DateTimeOffset(2024, 1, 30, 8, 19, 16, TimeSpan.Zero), p1.ResponseDate);

        var all = p1.Papers.Concat(p2.Papers).Concat(p3.Papers).ToList();
        Assert.Equal(2358, all.Count);
        Assert.Equal(2358, all.Select(p => p.Id).Distinct().Count());
        Assert.All(all, p =>
        {
            Assert.NotEmpty(p.Title);
            Assert.NotEmpty(p.Authors);
            Assert.NotEmpty(p.PrimaryCategory);
            Assert.Equal(p.PrimaryCategory, p.Subjects[0].Code);
            Assert.Null(p.Version);
        });
    }

    [Fact]
    public void Oai_dc_record_fields()
    {
        var papers = ParseFixture(DcPage1).Papers;

        var hilbert = papers[0];
        Assert.Equal("0912.0228", hilbert.Id);
        Assert.Equal("Answering Hilbert's 1st Problem", hilbert.Title);
        Assert.Equal(["Charles Sauerbier"], hilbert.Authors);
        Assert.Equal("cs.LO", hilbert.PrimaryCategory); // "Computer Science - Logic in Computer Science"; MSC 03E17 dropped
        Assert.Equal([new Subject("cs.LO", "Logic in Computer Science")], hilbert.Subjects);
        Assert.StartsWith("Hilbert's first problem is of importance", hilbert.Abstract, StringComparison.Ordinal);
        Assert.StartsWith("7 pages, 0 figures; full revision", hilbert.Comments, StringComparison.Ordinal);

        var brent = papers.Single(p => p.Id == "1004.3608");
        Assert.Equal(["Richard P. Brent"], brent.Authors);
        Assert.Equal(["cs.CC", "math.NA"], brent.Subjects.Select(s => s.Code));
        Assert.StartsWith("The Complexity of Computational Problem Solving (edited by R. S. Anderssen", brent.JournalRef, StringComparison.Ordinal);

        var queueing = papers.Single(p => p.Id == "1006.2403");
        Assert.Equal("On the Queueing Behavior of Random Codes over a Gilbert-Elliot Erasure Channel", queueing.Title);
        Assert.Equal(["Parimal Parag", "Jean-Francois Chamberland", "Henry D. Pfister", "Krishna R. Narayanan"], queueing.Authors);

        Assert.Contains(papers, p => p.Doi is not null && !p.Doi.StartsWith("doi:", StringComparison.Ordinal));
    }

    [Fact]
    public void ArXivRaw_versions_and_author_strings()
    {
        var page = ParseFixture(RawPage);
        Assert.Equal(387, page.Papers.Count);
        Assert.Equal("1403493|1001", page.ResumptionToken);
        Assert.Equal(1440, page.CompleteListSize);
        Assert.Equal(0, page.Cursor);

        var tsp = page.Papers[0];
        Assert.Equal("0803.4354", tsp.Id);
        Assert.Equal(6, tsp.Version);
        Assert.Equal("A O(n^8) X O(n^7) Linear Programming Model of the Traveling Salesman Problem", tsp.Title);
        Assert.Equal(["Moustapha Diaby"], tsp.Authors);
        Assert.Equal("cs.DM", tsp.PrimaryCategory);

        Assert.Contains(page.Papers, p => p.Authors.SequenceEqual(["K. Fritsch", "R. D'Ortenzio", "D. Venus"]));
        Assert.Contains(page.Papers, p => p.Authors.SequenceEqual(["Servane Gey"]));
        Assert.Contains(page.Papers, p => p.Authors.SequenceEqual(["B\\'ela Bollob\\'as", "Paul Smith", "Andrew Uzzell"]));
        Assert.Contains(page.Papers, p => p.Authors.SequenceEqual(
            ["Maciej Bilicki", "John A. Peacock", "Thomas H. Jarrett", "Michelle E. Cluver", "Louise Steward"]));
        Assert.All(page.Papers, p =>
        {
            Assert.NotNull(p.Version);
            Assert.NotEmpty(p.Authors);
            Assert.All(p.Authors, a => Assert.DoesNotContain('(', a));
        });
    }

    [Fact]
    public void ArXiv_format_records()
    {
        var record = Assert.Single(ParseFixture("oai/getrecord-arXiv-1507.03011-2015-08-06.xml").Papers);
        Assert.Equal("1507.03011", record.Id);
        Assert.Null(record.Version);
        Assert.Equal(["J. E. Young", "Rachel Kuzio de Naray", "Sharon X. Wang"], record.Authors);
        Assert.Equal([new Subject("astro-ph.GA", "Astrophysics of Galaxies")], record.Subjects);
        Assert.Equal("13 pages, 7 figures", record.Comments);

        var cs = ParseFixture("oai/listrecords-arXiv-set-cs-2015-01-16_to_18-captured-2016-01-18.xml");
        Assert.Equal(46, cs.Papers.Count);
        Assert.Null(cs.ResumptionToken);
        var first = cs.Papers[0];
        Assert.Equal("1101.4388", first.Id);
        Assert.Equal(["Guohui Song", "Haizhang Zhang", "Fred J. Hickernell"], first.Authors);
        Assert.Equal(["stat.ML", "cs.LG", "math.FA"], first.Subjects.Select(s => s.Code));
        Assert.Equal("10.1016/j.acha.2012.03.009", first.Doi);
        Assert.Equal("Appl. Comput. Harmon. Anal., 34:96-116, 2013", first.JournalRef);
        Assert.Equal(["Tobias Brunsch", "Heiko Röglin"], cs.Papers[1].Authors); // &#xf6; decoded

        var two = ParseFixture("oai/listrecords-arXiv-2015-01-01_to_03-captured-2018-06-21.xml");
        Assert.Equal(["1412.8544", "hep-th/9504118"], two.Papers.Select(p => p.Id));
        Assert.Equal(["Sander Uijlen", "Bas Westerbaan"], two.Papers[0].Authors); // affiliation not in the name
    }

    [Theory]
    [InlineData("oai/listidentifiers-arXiv-2009-01-01_to_02-captured-2018-06-21.xml")]
    [InlineData("oai/identify-captured-2018-06-21.xml")]
    [InlineData("oai/listsets-captured-2018-06-21.xml")]
    public void Responses_without_records_give_empty_pages(string relative)
    {
        var page = ParseFixture(relative);
        Assert.Empty(page.Papers);
        Assert.Empty(page.DeletedIds);
        Assert.Null(page.ResumptionToken);
        Assert.NotNull(page.ResponseDate);
    }

    [Fact]
    public void Throttling_page_is_not_xml_we_accept()
    {
        var ex = Assert.Throws<ArxivFormatException>(() => ParseFixture("oai/http503-retry-after-10-captured-2018-06-21.html"));
        Assert.Contains("Retry after 10 seconds", ex.Reason, StringComparison.Ordinal);
        Assert.Contains("not an OAI-PMH response", ex.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleted_records_are_reported_by_id()
    {
        var xml = Envelope.Replace("BODY", """
            <ListRecords>
            <record><header status="deleted"><identifier>oai:arXiv.org:2101.00001</identifier><datestamp>2025-04-30</datestamp><setSpec>cs</setSpec></header></record>
            <record><header><identifier>oai:arXiv.org:2101.00002</identifier><datestamp>2025-04-30</datestamp><setSpec>cs:cs:AI</setSpec></header>
            <metadata><arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>2101.00002</id><authors><author><keyname>Doe</keyname><forenames>John</forenames><suffix>Jr</suffix></author></authors><title>A title</title><categories>cs.AI cs.LG</categories><abstract>  An
            abstract. </abstract></arXiv></metadata></record>
            <record><header status="deleted"><identifier>oai:arXiv.org:math/0101001</identifier><datestamp>2025-04-30</datestamp></header></record>
            <resumptionToken cursor="0" completeListSize="3"></resumptionToken>
            </ListRecords>
            """, StringComparison.Ordinal);
        var page = OaiPmhParser.Parse(xml, "synthetic");
        Assert.Equal(["2101.00001", "math/0101001"], page.DeletedIds);
        var p = Assert.Single(page.Papers);
        Assert.Equal(["John Doe Jr"], p.Authors);
        Assert.Equal("An abstract.", p.Abstract);
        Assert.Null(page.ResumptionToken);
        Assert.Equal(3, page.CompleteListSize);
    }

    [Fact]
    public void Oai_errors_throw_except_no_records_match()
    {
        var bad = Envelope.Replace("BODY", "<error code=\"badResumptionToken\">The value of the resumptionToken argument is invalid or expired.</error>", StringComparison.Ordinal);
        var ex = Assert.Throws<ArxivFormatException>(() => OaiPmhParser.Parse(bad, "synthetic"));
        Assert.Equal("OAI-PMH error badResumptionToken: The value of the resumptionToken argument is invalid or expired.", ex.Reason);

        var none = Envelope.Replace("BODY", "<error code=\"noRecordsMatch\">No records match.</error>", StringComparison.Ordinal);
        var page = OaiPmhParser.Parse(none, "synthetic");
        Assert.Empty(page.Papers);
        Assert.Null(page.ResumptionToken);
    }

    [Fact]
    public void Malformed_and_foreign_xml_throw()
    {
        var xml = File.ReadAllText(Fixtures.At(DcPage3));
        var ex = Assert.Throws<ArxivFormatException>(() => OaiPmhParser.Parse(xml[..(xml.Length / 3)], "truncated"));
        Assert.Matches(@"malformed XML at line \d+, position \d+", ex.Reason);

        var atom = File.ReadAllText(Fixtures.At("api/query-1301.7746-2013-02-02-legacyformat.xml"));
        var ex2 = Assert.Throws<ArxivFormatException>(() => OaiPmhParser.Parse(atom, "atom"));
        Assert.Contains("not an OAI-PMH response", ex2.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cs", "cs")]
    [InlineData("physics:astro-ph", "astro-ph")]
    [InlineData("cs:cs:AI", "cs.AI")]
    [InlineData("math:math:AG", "math.AG")]
    public void Set_specs_map_to_codes(string setSpec, string code) =>
        Assert.Equal(code, OaiPmhParser.SetSpecToCode(setSpec));
}
