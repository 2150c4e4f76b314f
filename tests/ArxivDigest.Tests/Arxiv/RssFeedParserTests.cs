using System.Text;
using System.Text.RegularExpressions;
using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Arxiv;

public sealed class RssFeedParserTests
{
    private const string Combined = "rss/rss2-all-archives-combined-2024-11-28.xml";
    private const string ErrorFeed = "rss/rss2-error-bad-archive-astroph-2024-11-28.xml";
    private const string EmptyFeed = "rss/rss2-empty-test-archive-2024-11-28.xml";
    private const string TruncatedAtom = "rss/atom-cs.AI-2025-08-20-TRUNCATED-in-source-not-wellformed.xml";

    public static TheoryData<string> RssFixtures()
    {
        var data = new TheoryData<string>();
        foreach (var file in Fixtures.Files("rss"))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    private static Announcement ParseFixture(string relative, string category = "test")
    {
        using var stream = File.OpenRead(Fixtures.At(relative));
        return RssFeedParser.Parse(stream, category, relative);
    }

    [Theory]
    [MemberData(nameof(RssFixtures))]
    public void Every_rss_fixture_matches_its_golden(string file)
    {
        var relative = $"rss/{file}";
        object result;
        try
        {
            var announcement = ParseFixture(relative, CategoryFromName(file));
            result = announcement.Papers.Count > 50
                ? new
                {
                    summary = Summary(announcement),
                    first20 = announcement with { Papers = [.. announcement.Papers.Take(20)] },
                }
                : announcement;
        }
        catch (ArxivFormatException ex)
        {
            result = new { error = ex.Message };
        }

        Golden.AssertJson($"rss/{Path.GetFileNameWithoutExtension(file)}.json", result);
    }

    [Fact]
    public void Combined_feed_has_all_1504_items_with_the_right_types_and_date()
    {
        var a = ParseFixture(Combined);

        Assert.Equal(AnnouncementKind.Papers, a.Kind);
        Assert.Equal(new DateOnly(2024, 11, 28), a.ListingDate);
        Assert.Equal(1504, a.Papers.Count);
        Assert.Equal(926, a.Papers.Count(p => p.AnnounceType == AnnounceType.New));
        Assert.Equal(9, a.Papers.Count(p => p.AnnounceType == AnnounceType.Cross));
        Assert.Equal(569, a.Papers.Count(p => p.AnnounceType == AnnounceType.Replace));
        Assert.Equal(0, a.Papers.Count(p => p.AnnounceType == AnnounceType.ReplaceCross));
        Assert.Equal(1504, a.Papers.Select(p => p.Id).Distinct().Count());
        Assert.Equal(111, a.Papers.Count(p => p.Doi is not null));
        Assert.Equal(97, a.Papers.Count(p => p.JournalRef is not null));

        Assert.All(a.Papers, p =>
        {
            Assert.Equal(new DateOnly(2024, 11, 28), p.ListingDate);
            Assert.Matches(@"^\d{4}\.\d{4,5}$", p.Id);
            Assert.NotNull(p.Version);
            Assert.NotEqual("", p.Title);
            Assert.NotEmpty(p.Authors);
            Assert.NotEqual("", p.Abstract);
            Assert.False(p.Abstract.StartsWith("arXiv:", StringComparison.Ordinal), p.Id);
            Assert.False(p.Abstract.StartsWith("Abstract:", StringComparison.Ordinal), p.Id);
            Assert.DoesNotContain("Announce Type", p.Abstract, StringComparison.Ordinal);
            Assert.Null(p.Comments);
            Assert.NotEmpty(p.Subjects);
            Assert.Equal(p.Subjects[0].Code, p.PrimaryCategory);
            Assert.All(p.Subjects, s => Assert.NotEqual("", s.Name)); // every code in the feed is in the taxonomy
            Assert.All(p.Authors, au => Assert.Equal(au.Trim(), au));
        });
    }

    [Fact]
    public void Combined_feed_item_with_affiliations_is_read_field_by_field()
    {
        var p = Assert.Single(ParseFixture(Combined).Papers, p => p.Id == "2411.17753");

        Assert.Equal(1, p.Version);
        Assert.Equal("Observability in Fog Computing", p.Title);
        Assert.Equal(
            [
                "Aleteia Araujo (University of Brasilia Brazil, The University of Melbourne Australia)",
                "Breno Costa (University of Brasilia Brazil)",
                "Joao Bachiega Jr (University of Brasilia Brazil)",
                "Leonardo R. Carvalho (University of Brasilia Brazil)",
                "Rajkumar Buyya (The University of Melbourne Australia)",
            ],
            p.Authors);
        Assert.Equal(AnnounceType.New, p.AnnounceType);
        Assert.Equal("cs.DC", p.PrimaryCategory);
        Assert.Equal([new Subject("cs.DC", "Distributed, Parallel, and Cluster Computing")], p.Subjects);
        Assert.StartsWith("Fog Computing provides computational resources close to the end user, supporting", p.Abstract);
        Assert.EndsWith("there is a discussion about the future directions of Fog observability.", p.Abstract);
        Assert.Null(p.Doi);
        Assert.Null(p.JournalRef);
        Assert.Null(p.Comments);
        Assert.Equal("https://arxiv.org/abs/2411.17753", p.AbsUrl);
    }

    [Fact]
    public void Combined_feed_multi_category_item_keeps_order_and_names()
    {
        var p = Assert.Single(ParseFixture(Combined).Papers, p => p.Id == "2411.17748");

        Assert.Equal("eess.SP", p.PrimaryCategory);
        Assert.Equal(
            [
                new Subject("eess.SP", "Signal Processing"),
                new Subject("cs.LG", "Machine Learning"),
                new Subject("stat.ML", "Machine Learning"),
            ],
            p.Subjects);
        Assert.Equal("Mohammed Riadh Berramdane (IFPEN)", p.Authors[0]);
        Assert.Equal(@"Benjamin R\'emy (LEMTA)", p.Authors[4]); // TeX is left as is
        Assert.Equal(6, p.Authors.Count);
    }

    [Fact]
    public void Combined_feed_replacement_carries_doi_and_journal_ref()
    {
        var p = Assert.Single(ParseFixture(Combined).Papers, p => p.Id == "1712.07645");

        Assert.Equal(2, p.Version);
        Assert.Equal(AnnounceType.Replace, p.AnnounceType);
        Assert.Equal("10.1134/S1547477118030159", p.Doi);
        Assert.Equal("Phys. Part. Nucl. Lett. 15(3), 225-229 (2018)", p.JournalRef);
        Assert.Equal("nucl-th", p.PrimaryCategory);
        Assert.Equal(
            [new Subject("nucl-th", "Nuclear Theory"), new Subject("hep-ph", "High Energy Physics - Phenomenology")],
            p.Subjects);
        Assert.Equal(
            ["G. Roepke", "D. Blaschke", "Yu. B. Ivanov", "Iu. Karpenko", "O. V. Rogachevsky", "H. H. Wolter"],
            p.Authors);
        Assert.StartsWith("We estimate the chemical freeze-out of light nuclear clusters", p.Abstract);
    }

    [Fact]
    public void Cross_item_takes_first_category_as_primary()
    {
        var p = Assert.Single(ParseFixture(Combined).Papers, p => p.Id == "2202.06515");

        Assert.Equal(AnnounceType.Cross, p.AnnounceType);
        Assert.Equal(3, p.Version);
        Assert.Equal("astro-ph.CO", p.PrimaryCategory);
        Assert.Equal(["astro-ph.CO", "astro-ph.GA", "physics.flu-dyn"], p.Subjects.Select(s => s.Code));
    }

    [Fact]
    public void String_and_stream_overloads_agree()
    {
        var fromStream = ParseFixture(Combined);
        var fromString = RssFeedParser.Parse(File.ReadAllText(Fixtures.At(Combined)), "test", Combined);

        Assert.Equal(fromStream.Papers.Count, fromString.Papers.Count);
        Assert.Equal(fromStream.ListingDate, fromString.ListingDate);
        Assert.All(fromStream.Papers.Zip(fromString.Papers), pair => Assert.True(pair.First.ContentEquals(pair.Second)));
    }

    [Fact]
    public void Error_feed_throws_with_the_feed_error_title()
    {
        var ex = Assert.Throws<ArxivFormatException>(() => ParseFixture(ErrorFeed, "astroph"));

        Assert.Contains("Feed error", ex.Message, StringComparison.Ordinal);
        Assert.Contains("arXiv RSS reports a feed error: Feed error for query: http://rss.arxiv.org/rss/astroph", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Bad archive 'astroph'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorFeed, ex.Origin);
    }

    [Fact]
    public void Empty_feed_is_an_empty_announcement_with_its_date()
    {
        var a = ParseFixture(EmptyFeed, "test");

        Assert.Equal(AnnouncementKind.Empty, a.Kind);
        Assert.Empty(a.Papers);
        Assert.Equal(new DateOnly(2024, 11, 28), a.ListingDate);
        Assert.Equal("test", a.Category);
        Assert.Equal(EmptyFeed, a.Origin);
    }

    [Fact]
    public void Truncated_atom_feed_is_reported_as_malformed_with_its_line()
    {
        var ex = Assert.Throws<ArxivFormatException>(() => ParseFixture(TruncatedAtom, "cs.AI"));

        Assert.Contains("malformed", ex.Message, StringComparison.Ordinal);
        Assert.Matches(new Regex(@"line \d+, position \d+"), ex.Message);
        Assert.IsAssignableFrom<System.Xml.XmlException>(ex.InnerException);
        var line = ((System.Xml.XmlException)ex.InnerException!).LineNumber;
        Assert.Contains($"line {line},", ex.Message, StringComparison.Ordinal);
        Assert.True(line > 1000, $"line {line}"); // the cut is near the end of the 1233-line file
    }

    [Fact]
    public void Atom_variant_parses_when_well_formed()
    {
        // The only Atom capture is cut off mid-entry; its first two entries, closed properly, exercise the Atom path
        // on real arXiv markup.
        var text = File.ReadAllText(Fixtures.At(TruncatedAtom));
        var third = NthIndexOf(text, "<entry>", 3);
        var xml = text[..third] + "</feed>\n";

        var a = RssFeedParser.Parse(xml, "cs.AI", "atom-excerpt");

        Assert.Equal(AnnouncementKind.Papers, a.Kind);
        Assert.Equal(new DateOnly(2025, 8, 20), a.ListingDate);
        Assert.Equal(2, a.Papers.Count);

        var p = a.Papers[0];
        Assert.Equal("2508.13167", p.Id);
        Assert.Equal(1, p.Version);
        Assert.Equal("Chain-of-Agents: End-to-End Agent Foundation Models via Multi-Agent Distillation and Agentic RL", p.Title);
        Assert.Equal(AnnounceType.New, p.AnnounceType);
        Assert.Equal("cs.AI", p.PrimaryCategory);
        Assert.Equal([new Subject("cs.AI", "Artificial Intelligence"), new Subject("cs.CL", "Computation and Language")], p.Subjects);
        Assert.Equal(30, p.Authors.Count);
        Assert.Equal("Weizhen Li", p.Authors[0]);
        Assert.Equal("Wangchunshu Zhou", p.Authors[^1]);
        Assert.StartsWith("Recent advances in large language models (LLMs) and multi-agent systems", p.Abstract);
        Assert.Equal(new DateOnly(2025, 8, 20), p.ListingDate);
        Assert.Equal("2508.13171", a.Papers[1].Id);
    }

    [Fact]
    public void Atom_feed_error_title_is_an_error_too()
    {
        const string xml = """
            <?xml version='1.0' encoding='UTF-8'?>
            <feed xmlns="http://www.w3.org/2005/Atom">
              <id>http://rss.arxiv.org/atom/astroph</id>
              <title>Feed error for query: http://rss.arxiv.org/atom/astroph</title>
              <updated>2025-08-20T04:00:19.866337+00:00</updated>
            </feed>
            """;

        var ex = Assert.Throws<ArxivFormatException>(() => RssFeedParser.Parse(xml, "astroph", "inline"));
        Assert.Contains("Feed error", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_xml_html_error_page_is_a_format_error()
    {
        const string html = """
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>503 Service Unavailable</title></head>
            <body><h1>Service Unavailable</h1><p>Please try again later.<br></p></body>
            </html>
            """;

        var ex = Assert.Throws<ArxivFormatException>(() => RssFeedParser.Parse(html, "cs.AI", "inline-html"));
        Assert.Contains("HTML page", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Service Unavailable", ex.Message, StringComparison.Ordinal);

        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(html));
        var fromStream = Assert.Throws<ArxivFormatException>(() => RssFeedParser.Parse(stream, "cs.AI", "inline-html"));
        Assert.Equal(ex.Message, fromStream.Message);
    }

    [Theory]
    [InlineData("oai/http503-retry-after-10-captured-2018-06-21.html")]
    [InlineData("listing/new-gr-qc-2024-08-09.html")]
    public void Html_fixtures_are_format_errors(string relative)
    {
        using var stream = File.OpenRead(Fixtures.At(relative));
        var ex = Assert.Throws<ArxivFormatException>(() => RssFeedParser.Parse(stream, "gr-qc", relative));
        Assert.Contains("HTML page", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Retry after 10 seconds")]
    [InlineData("<?xml version='1.0'?><OAI-PMH xmlns='http://www.openarchives.org/OAI/2.0/'/>")]
    [InlineData("<rss version='2.0'></rss>")]
    public void Other_non_feeds_are_format_errors(string body)
    {
        Assert.Throws<ArxivFormatException>(() => RssFeedParser.Parse(body, "cs.AI", "inline"));
    }

    [Fact]
    public void Missing_guid_and_announce_type_fall_back_to_description_and_link()
    {
        const string xml = """
            <?xml version='1.0' encoding='UTF-8'?>
            <rss xmlns:dc="http://purl.org/dc/elements/1.1/" version="2.0">
              <channel>
                <title>cs.CL updates on arXiv.org</title>
                <lastBuildDate>Tue, 12 Mar 2024 04:31:00 +0000</lastBuildDate>
                <item>
                  <title>A   title
                    over two lines</title>
                  <link>https://arxiv.org/abs/2403.06001</link>
                  <description>arXiv:2403.06001v2 Announce Type: replace-cross 
            Abstract: Text with
              a line break.</description>
                  <category>cs.CL</category>
                  <category>cs.AI</category>
                  <dc:creator>Ann One, Bob Two, and Cy Three</dc:creator>
                </item>
                <item>
                  <title>Only a link</title>
                  <link>https://arxiv.org/abs/hep-th/9901001</link>
                  <description>Abstract: Old-style id.</description>
                  <category>hep-th</category>
                  <dc:creator>Dee Four and Eve Five</dc:creator>
                  <arxiv:announce_type xmlns:arxiv="http://arxiv.org/schemas/atom">cross</arxiv:announce_type>
                </item>
              </channel>
            </rss>
            """;

        var a = RssFeedParser.Parse(xml, "cs.CL", "inline");

        // lastBuildDate 04:31 UTC is 00:31 EDT on 12 Mar (DST began 10 Mar 2024); under EST it would be the 11th.
        Assert.Equal(new DateOnly(2024, 3, 12), a.ListingDate);
        var first = a.Papers[0];
        Assert.Equal("2403.06001", first.Id);
        Assert.Equal(2, first.Version);
        Assert.Equal(AnnounceType.ReplaceCross, first.AnnounceType);
        Assert.Equal("A title over two lines", first.Title);
        Assert.Equal("Text with a line break.", first.Abstract);
        Assert.Equal(["Ann One", "Bob Two", "Cy Three"], first.Authors);

        var second = a.Papers[1];
        Assert.Equal("hep-th/9901001", second.Id);
        Assert.Null(second.Version);
        Assert.Equal(AnnounceType.Cross, second.AnnounceType);
        Assert.Equal("Old-style id.", second.Abstract);
        Assert.Equal(["Dee Four", "Eve Five"], second.Authors);
    }

    [Fact]
    public void Item_without_any_id_is_a_format_error()
    {
        const string xml = """
            <rss version="2.0"><channel><title>x</title>
              <pubDate>Thu, 28 Nov 2024 00:00:00 -0500</pubDate>
              <item><title>No id</title><description>Abstract: none</description></item>
            </channel></rss>
            """;

        var ex = Assert.Throws<ArxivFormatException>(() => RssFeedParser.Parse(xml, "cs.AI", "inline"));
        Assert.Contains("no arXiv id", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Jun Cui", new[] { "Jun Cui" })]
    [InlineData("A. One, B. Two", new[] { "A. One", "B. Two" })]
    [InlineData("A. One (Univ X, Dept Y), B. Two (Z)", new[] { "A. One (Univ X, Dept Y)", "B. Two (Z)" })]
    [InlineData("A. One, B. Two and C. Three", new[] { "A. One", "B. Two", "C. Three" })]
    [InlineData("A. One, B. Two, and C. Three", new[] { "A. One", "B. Two", "C. Three" })]
    [InlineData("A (Andrew and Peggy Dept, X), B (Y)", new[] { "A (Andrew and Peggy Dept, X)", "B (Y)" })]
    [InlineData("A (Inst (Sub, Unit), City), B", new[] { "A (Inst (Sub, Unit), City)", "B" })]
    [InlineData("A (unclosed, B, C", new[] { "A (unclosed", "B", "C" })]
    [InlineData("  A  One ,\n B ", new[] { "A One", "B" })]
    [InlineData("", new string[0])]
    public void Authors_split_on_top_level_commas(string creator, string[] expected)
    {
        Assert.Equal(expected, RssFeedParser.SplitAuthors(creator));
    }

    [Theory]
    [InlineData("2024-11-28T05:00:00+00:00", 2024, 11, 28)] // midnight EST
    [InlineData("2024-11-28T04:59:59+00:00", 2024, 11, 27)]
    [InlineData("2025-08-20T04:00:19.866337+00:00", 2025, 8, 20)] // midnight EDT
    [InlineData("2025-08-20T00:00:00-04:00", 2025, 8, 20)]
    public void Eastern_date_of_an_instant(string instant, int y, int m, int d)
    {
        var value = DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(new DateOnly(y, m, d), RssFeedParser.EasternDate(value));
    }

    private static object Summary(Announcement a) => new
    {
        category = a.Category,
        listingDate = a.ListingDate,
        kind = a.Kind,
        papers = a.Papers.Count,
        byAnnounceType = new Dictionary<string, int>
        {
            ["new"] = a.Papers.Count(p => p.AnnounceType == AnnounceType.New),
            ["cross"] = a.Papers.Count(p => p.AnnounceType == AnnounceType.Cross),
            ["replace"] = a.Papers.Count(p => p.AnnounceType == AnnounceType.Replace),
            ["replace-cross"] = a.Papers.Count(p => p.AnnounceType == AnnounceType.ReplaceCross),
        },
        withDoi = a.Papers.Count(p => p.Doi is not null),
        withJournalRef = a.Papers.Count(p => p.JournalRef is not null),
        authors = a.Papers.Sum(p => p.Authors.Count),
        primaryArchives = a.Papers.GroupBy(p => Archive(p.PrimaryCategory)).OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count()),
    };

    private static string Archive(string code)
    {
        var dot = code.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? code : code[..dot];
    }

    private static string CategoryFromName(string file) =>
        file.Contains("cs.AI", StringComparison.Ordinal) ? "cs.AI"
        : file.Contains("astroph", StringComparison.Ordinal) ? "astroph"
        : file.Contains("empty-test", StringComparison.Ordinal) ? "test"
        : "astro-ph+cond-mat+physics+quant-ph+math+cs+econ+eess+gr-qc+hep-ex+hep-lat+hep-ph+hep-th+math-ph+nlin+nucl-ex+nucl-th+q-bio+q-fin+stat";

    private static int NthIndexOf(string text, string value, int n)
    {
        var at = -1;
        for (var i = 0; i < n; i++)
        {
            at = text.IndexOf(value, at + 1, StringComparison.Ordinal);
            Assert.True(at >= 0);
        }

        return at;
    }
}
