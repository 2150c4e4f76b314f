using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Fuzz;

/// <summary>Minimised inputs of the bugs the fuzz suite found, replayed against the fixed parsers. Each runs under
/// the same watchdog as the fuzz cases, so a regression to a hang fails instead of stalling the suite.</summary>
public sealed class FuzzRegressionTests
{
    /// <summary>Found by OAI fuzz case 8 (DuplicateElement of a &lt;dc:title&gt;): the second title was not
    /// consumed, so the oai_dc walk never advanced and the parser hung.</summary>
    [Fact]
    public void Oai_dc_record_with_two_titles_keeps_the_first()
    {
        const string Xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
            <responseDate>2024-01-30T08:20:31Z</responseDate>
            <request verb="ListRecords">http://export.arxiv.org/oai2</request>
            <ListRecords>
            <record>
            <header>
             <identifier>oai:arXiv.org:2103.09226</identifier>
             <datestamp>2021-03-23</datestamp>
             <setSpec>cs</setSpec>
            </header>
            <metadata>
             <oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/">
             <dc:title>SymPKF: a symbolic toolbox</dc:title>
             <dc:title>SymPKF: a symbolic toolbox</dc:title>
             <dc:creator>Pannekoucke, Olivier</dc:creator>
             <dc:identifier>http://arxiv.org/abs/2103.09226</dc:identifier>
             </oai_dc:dc>
            </metadata>
            </record>
            </ListRecords>
            </OAI-PMH>
            """;

        var page = Watchdog(() => OaiPmhParser.Parse(Xml, "regression.xml"));

        var paper = Assert.Single(page.Papers);
        Assert.Equal("2103.09226", paper.Id);
        Assert.Equal("SymPKF: a symbolic toolbox", paper.Title);
        Assert.Equal(["Olivier Pannekoucke"], paper.Authors);
    }

    /// <summary>Found by OAI fuzz case 1630 (Combined: truncation then invalid UTF-8 at the start): XmlReader.Create
    /// decodes the first bytes in its constructor, which ran outside the XmlException → ArxivFormatException guard, so
    /// a raw XmlException escaped the API and OAI stream parsers.</summary>
    [Fact]
    public void Invalid_utf8_right_after_the_bom_is_a_format_error_in_the_stream_parsers()
    {
        byte[] input = [0xEF, 0xBB, 0xBF, 0xFF, (byte)'<'];

        var oai = Assert.Throws<ArxivFormatException>(() => OaiPmhParser.Parse(new MemoryStream(input), "oai.xml"));
        var api = Assert.Throws<ArxivFormatException>(() => ApiAtomParser.Parse(new MemoryStream(input), "api.xml"));
        var rss = Assert.Throws<ArxivFormatException>(() => RssFeedParser.Parse(new MemoryStream(input), "cs", "rss.xml"));

        Assert.StartsWith("oai.xml: malformed XML at line 1", oai.Message, StringComparison.Ordinal);
        Assert.StartsWith("api.xml: malformed XML at line 1", api.Message, StringComparison.Ordinal);
        Assert.Contains("rss.xml", rss.Message, StringComparison.Ordinal);
    }

    /// <summary>Found by config fuzz case 4387 (FlipBytes left an unterminated string ending in a backslash at the end of the file): Tomlyn's lexer
    /// threw ArgumentOutOfRangeException (formatting the end-of-file "character") out of ConfigFile.Read; now the
    /// file gets a problem naming it, and Resolve throws a ConfigurationException.</summary>
    [Theory]
    [InlineData("\"\\")]
    [InlineData("categories = [\"cs\"]\nqueries = \"diffusion\\")]
    public void Config_file_ending_in_a_backslash_is_a_configuration_error(string toml)
    {
        var dir = Directory.CreateTempSubdirectory("arxiv-digest-fuzz-regression");
        try
        {
            var path = Path.Combine(dir.FullName, "config.toml");
            File.WriteAllText(path, toml);

            var problem = Assert.Single(ConfigFile.Read(path).Problems);
            Assert.StartsWith(path, problem.Where, StringComparison.Ordinal);
            Assert.Contains("not valid TOML", problem.Message, StringComparison.Ordinal);
            var e = Assert.Throws<ConfigurationException>(() => SettingsResolver.Resolve(new RawOptions { Config = path }, new System.Collections.Hashtable()));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static string Excerpt() => File.ReadAllText(Fixtures.At("listing/new-cs.AI-2026-08-12-EXCERPT-edited-in-source.html"));

    /// <summary>Found by listing fuzz (FUZZ_SEED=1) case 3090 (HugeValue: a 23-digit number in "(showing N of N
    /// entries)"): int.Parse threw OverflowException; non-ASCII digits (which \d matches) threw FormatException.</summary>
    [Theory]
    [InlineData("showing 99999999999999999999999 of 2 entries")]
    [InlineData("showing \u0662 of 2 entries")]
    public void Listing_heading_count_out_of_range_is_a_format_error(string showing)
    {
        var html = ReplaceFirst(Excerpt(), "showing 2 of 2 entries", showing);

        var e = Assert.Throws<ArxivFormatException>(() => ListingPageParser.ParseNew(html, "cs.AI", "page.html"));
        Assert.Contains("unreadable entry count", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Same family (int.Parse on an unbounded \d+): a listing entry whose id carries a version that does
    /// not fit an int is a format error naming the entry; an out-of-range version in the HTML link is ignored (before: OverflowException).</summary>
    [Fact]
    public void Listing_entry_version_out_of_range_is_a_format_error()
    {
        var html = ReplaceFirst(Excerpt(), "title=\"Abstract\" id=\"2608.09949\"", "title=\"Abstract\" id=\"2608.09949v99999999999\"");
        var e = Assert.Throws<ArxivFormatException>(() => ListingPageParser.ParseNew(html, "cs.AI", "page.html"));
        Assert.Contains("2608.09949v99999999999", e.Message, StringComparison.Ordinal);

        html = ReplaceFirst(Excerpt(), "html/2608.09949v1", "html/2608.09949v99999999999");
        var paper = ListingPageParser.ParseNew(html, "cs.AI", "page.html").Papers.Single(p => p.Id == "2608.09949");
        Assert.Equal(1, paper.Version); // the link is ignored; a /new page's New section is v1
    }

    /// <summary>Same family in the RSS parser: a guid version that does not fit an int, or a channel pubDate with
    /// non-ASCII digits, no longer escape as OverflowException / FormatException.</summary>
    [Fact]
    public void Rss_guid_version_and_date_with_unreadable_digits_do_not_crash()
    {
        var feed = FuzzSeeds.KeepFirst(File.ReadAllText(Fixtures.At("rss/rss2-all-archives-combined-2024-11-28.xml")), 1, "</item>");

        var bigVersion = ReplaceFirst(feed, "oai:arXiv.org:2411.17700v1", "oai:arXiv.org:2411.17700v99999999999");
        var paper = Assert.Single(RssFeedParser.Parse(bigVersion, "astro-ph", "feed.xml").Papers);
        Assert.Equal("2411.17700", paper.Id);

        var arabicDay = ReplaceFirst(feed, "<pubDate>Thu, 28 Nov", "<pubDate>Thu, \u0662\u0668 Nov");
        var e = Assert.Throws<ArxivFormatException>(() => RssFeedParser.Parse(arabicDay, "astro-ph", "feed.xml"));
        Assert.Contains("feed.xml", e.Message, StringComparison.Ordinal);
    }

    private static string ReplaceFirst(string text, string what, string with)
    {
        var i = text.IndexOf(what, StringComparison.Ordinal);
        Assert.True(i >= 0, $"'{what}' not in the fixture");
        return text[..i] + with + text[(i + what.Length)..];
    }

    /// <summary>Runs <paramref name="parse"/> on the thread pool; fails (instead of hanging the run) after 10 s.</summary>
    private static T Watchdog<T>(Func<T> parse)
    {
        var task = Task.Run(parse);
        Assert.True(((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)), "the parser did not return within 10 s");
        return task.GetAwaiter().GetResult();
    }
}
