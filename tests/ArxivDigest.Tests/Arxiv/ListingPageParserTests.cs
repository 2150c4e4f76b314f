using System.Text;
using System.Text.RegularExpressions;
using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Arxiv;

public sealed partial class ListingPageParserTests
{
    private const string GrQc = "new-gr-qc-2024-08-09.html";
    private const string HepTh = "new-hep-th-2024-08-09.html";
    private const string MathPh = "new-math-ph-2024-08-09.html";
    private const string CsAi = "new-cs.AI-2026-08-12-EXCERPT-edited-in-source.html";
    private const string PastWeek = "pastweek-astro-ph-show1000-2024-11-18_to_22-BROWSER-SAVED.html";

    public static TheoryData<string> ListingFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Fixtures.Files("listing"))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ListingFiles))]
    public void Every_listing_fixture_parses_to_its_golden_json(string file)
    {
        var html = Read(file);
        object parsed = file.StartsWith("new-", StringComparison.Ordinal)
            ? ParseNew(file, html)
            : file.StartsWith("pastweek-", StringComparison.Ordinal) || file.StartsWith("recent-", StringComparison.Ordinal)
                ? ParseRecent(file, html)
                : throw new InvalidOperationException($"unknown listing fixture kind: {file}");

        // Every <dt> of the page became exactly one paper.
        var papers = parsed is Announcement a ? a.Papers : ((IReadOnlyList<Announcement>)parsed).SelectMany(x => x.Papers).ToList();
        Assert.Equal(CountOf(html, "<dt>"), papers.Count);
        Assert.All(papers, p =>
        {
            Assert.Matches(@"^\d{4}\.\d{4,5}$", p.Id);
            Assert.NotEmpty(p.Title);
            Assert.NotEmpty(p.Authors);
            Assert.NotEmpty(p.Subjects);
            Assert.Equal(p.PrimaryCategory, p.Subjects[0].Code);
            Assert.DoesNotContain("Title:", p.Title, StringComparison.Ordinal);
        });

        Golden.AssertJson($"listing/{file}.json", parsed);
    }

    [Theory]
    [InlineData(GrQc, "gr-qc", "2024-08-09", 14, 13, 18)]
    [InlineData(HepTh, "hep-th", "2024-08-09", 14, 22, 13)]
    [InlineData(MathPh, "math-ph", "2024-08-09", 6, 10, 7)]
    [InlineData(CsAi, "cs.AI", "2026-08-12", 2, 2, 2)]
    public void New_pages_yield_section_counts_and_listing_date(string file, string category, string date, int news, int crosses, int replacements)
    {
        var a = ParseNew(file, Read(file));

        Assert.Equal(AnnouncementKind.Papers, a.Kind);
        Assert.Equal(category, a.Category);
        Assert.Equal(DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), a.ListingDate);
        Assert.All(a.Papers, p => Assert.Equal(a.ListingDate, p.ListingDate));
        Assert.Equal(news, a.Papers.Count(p => p.AnnounceType == AnnounceType.New));
        Assert.Equal(crosses, a.Papers.Count(p => p.AnnounceType == AnnounceType.Cross));
        Assert.Equal(replacements, a.Papers.Count(p => p.AnnounceType is AnnounceType.Replace or AnnounceType.ReplaceCross));

        // Sections come in page order: new, then cross, then replacements.
        var order = a.Papers.Select(p => p.AnnounceType == AnnounceType.ReplaceCross ? AnnounceType.Replace : p.AnnounceType).ToList();
        Assert.Equal(order.Order().ToList(), order);

        // New entries are v1; cross-listed entries are primary elsewhere.
        Assert.All(a.Papers.Where(p => p.AnnounceType == AnnounceType.New), p => Assert.Equal(1, p.Version));
        Assert.All(a.Papers.Where(p => p.AnnounceType == AnnounceType.Cross), p => Assert.NotEqual(category, p.PrimaryCategory));
        Assert.All(a.Papers.Where(p => p.AnnounceType == AnnounceType.New), p => Assert.False(string.IsNullOrEmpty(p.Abstract)));
    }

    [Fact]
    public void Cs_ai_2026_excerpt_has_no_dl_and_still_sections_by_document_order()
    {
        var a = ParseNew(CsAi, Read(CsAi));

        Assert.Equal(["2608.09949", "2608.09967", "2505.11635", "2607.28646", "2112.07752", "2505.23399"], a.Papers.Select(p => p.Id));
        Assert.Equal(
            [AnnounceType.New, AnnounceType.New, AnnounceType.Cross, AnnounceType.Cross, AnnounceType.Replace, AnnounceType.Replace],
            a.Papers.Select(p => p.AnnounceType));
        Assert.Equal([1, 1, 2, null, 5, 2], a.Papers.Select(p => p.Version));

        var cross = a.Papers[3];
        Assert.Equal("\"YES! YES! I absolutely love this insight!\" Affirmative Narration as Interactional Strategy in Dialogues with LLM Chatbots", cross.Title);
        Assert.Equal(["Hanna-Riikka Roine", "Anne Sigrid Refsum", "Jill Walker Rettberg"], cross.Authors);
        Assert.Equal("In review for a special issue of Narrative Inquiry", cross.Comments);
        Assert.Equal("2026 Narrative Inquiry 23 (2)", cross.JournalRef);
        Assert.Equal("cs.HC", cross.PrimaryCategory);
        Assert.Equal([new Subject("cs.HC", "Human-Computer Interaction"), new Subject("cs.AI", "Artificial Intelligence")], cross.Subjects);
        Assert.Contains("the chatbot's utility", cross.Abstract, StringComparison.Ordinal);

        Assert.Equal("Accepted at NeurIPS 2025. Code available at this https URL", a.Papers[5].Comments);
        Assert.Contains(@"by 5--6\%,", a.Papers[5].Abstract, StringComparison.Ordinal);
    }

    [Fact]
    public void Gr_qc_paper_is_read_field_by_field()
    {
        var a = ParseNew(GrQc, Read(GrQc));
        var p = Assert.Single(a.Papers, x => x.Id == "2408.03967");

        Assert.Equal(1, p.Version);
        Assert.Equal(AnnounceType.New, p.AnnounceType);
        Assert.Equal(
            "The Stability of Anisotropic Compact Stars Influenced by Dark Matter under Teleparallel Gravity: An Extended Gravitational Deformation Approach",
            p.Title);
        Assert.Equal(5, p.Authors.Count);
        Assert.Equal("Sneha Pradhan", p.Authors[0]);
        Assert.Equal("Kazuharu Bamba", p.Authors[^1]);
        Assert.Equal("22 pages, 10 figures. Comments are welcome", p.Comments);
        Assert.Null(p.JournalRef);
        Assert.Null(p.Doi);
        Assert.Equal("gr-qc", p.PrimaryCategory);
        Assert.Equal(["General Relativity and Quantum Cosmology", "High Energy Physics - Theory"], p.Subjects.Select(s => s.Name));
        Assert.Equal(["gr-qc", "hep-th"], p.Subjects.Select(s => s.Code));
        Assert.StartsWith("In our investigation, we pioneer the development of geometrically deformed strange stars within the framework of $f(\\mathcal{T})$ gravity", p.Abstract, StringComparison.Ordinal);
        Assert.EndsWith("using the Bejger-Haensel approach in this formulation.", p.Abstract, StringComparison.Ordinal);
        Assert.Equal(new DateOnly(2024, 8, 9), p.ListingDate);

        var withJournal = Assert.Single(a.Papers, x => x.Id == "2408.03978");
        Assert.Equal("Classical and Quantum Gravity, 2024", withJournal.JournalRef);
        Assert.Equal("in press", withJournal.Comments);

        var cross = a.Papers.First(x => x.AnnounceType == AnnounceType.Cross);
        Assert.Equal("hep-th", cross.PrimaryCategory);
        Assert.Contains(cross.Subjects, s => s.Code == "gr-qc");
    }

    [Fact]
    public void Pastweek_page_yields_one_announcement_per_day_newest_first()
    {
        var html = Read(PastWeek);
        var days = ParseRecent(PastWeek, html);

        Assert.Equal(
            [new DateOnly(2024, 11, 22), new DateOnly(2024, 11, 21), new DateOnly(2024, 11, 20), new DateOnly(2024, 11, 19), new DateOnly(2024, 11, 18)],
            days.Select(d => d.ListingDate));
        Assert.Equal([75, 67, 94, 101, 60], days.Select(d => d.Papers.Count));
        Assert.All(days, d =>
        {
            Assert.Equal("astro-ph", d.Category);
            Assert.Equal(AnnouncementKind.Papers, d.Kind);
            Assert.All(d.Papers, p =>
            {
                Assert.Equal(d.ListingDate, p.ListingDate);
                Assert.Equal("", p.Abstract);
                Assert.Contains(p.AnnounceType, new[] { AnnounceType.New, AnnounceType.Cross });
            });
        });

        var all = days.SelectMany(d => d.Papers).ToList();
        Assert.Equal(CountOf(html, "(cross-list from"), all.Count(p => p.AnnounceType == AnnounceType.Cross));
        Assert.All(all.Where(p => p.AnnounceType == AnnounceType.New), p => Assert.StartsWith("astro-ph", p.PrimaryCategory, StringComparison.Ordinal));
        Assert.All(all.Where(p => p.AnnounceType == AnnounceType.Cross), p => Assert.False(p.PrimaryCategory.StartsWith("astro-ph", StringComparison.Ordinal)));

        var first = days[0].Papers[0];
        Assert.Equal("2411.14419", first.Id);
        Assert.Equal(1, first.Version);
        Assert.Equal("Combining summary statistics with simulation-based inference for the 21 cm signal from the Epoch of Reionization", first.Title);
        Assert.Equal(["Benoit Semelin", "Romain Mériot", "Ashutosh Mishra", "David Cornu"], first.Authors);
        Assert.Equal("11 pages, submitted to A&A", first.Comments);
        Assert.Equal([new Subject("astro-ph.CO", "Cosmology and Nongalactic Astrophysics")], first.Subjects);
    }

    [Fact]
    public void Pastweek_mathjax_rendered_dom_is_read_back_as_tex()
    {
        var days = ParseRecent(PastWeek, Read(PastWeek));
        var p = Assert.Single(days.SelectMany(d => d.Papers), x => x.Id == "2411.14273");

        Assert.Equal("Examining the evolution of the Supersoft X-ray Source RX J$0513.9-6951$", p.Title);
        Assert.All(days.SelectMany(d => d.Papers), x =>
        {
            Assert.DoesNotContain("MathJax", x.Title, StringComparison.Ordinal);
            Assert.DoesNotContain("\u2212", x.Title, StringComparison.Ordinal); // rendered minus sign from the MathJax spans
        });
    }

    [Fact]
    public void Replacement_marked_cross_list_is_replace_cross()
    {
        // No fixture has it (the 2024+ templates print only "(replaced)"); the pre-2024 pages marked replaced
        // cross-lists with "(cross-list from X)". Mark one real replacement that way.
        var html = Read(GrQc);
        var replacements = html.IndexOf("Replacement submissions for", StringComparison.Ordinal);
        var at = html.IndexOf("(replaced)", replacements, StringComparison.Ordinal);
        html = html[..at] + "(cross-list from hep-th)" + html[(at + "(replaced)".Length)..];

        var a = ParseNew(GrQc, html);

        var first = a.Papers.First(p => p.AnnounceType is AnnounceType.Replace or AnnounceType.ReplaceCross);
        Assert.Equal(AnnounceType.ReplaceCross, first.AnnounceType);
    }

    [Theory]
    [InlineData(GrQc, "gr-qc", 11, 7)]
    [InlineData(HepTh, "hep-th", 9, 4)]
    [InlineData(MathPh, "math-ph", 2, 5)]
    public void Replacements_whose_primary_category_is_elsewhere_are_replace_cross(string file, string category, int replace, int replaceCross)
    {
        var a = ListingPageParser.ParseNew(Read(file), category, file);

        Assert.Equal(replace, a.Papers.Count(p => p.AnnounceType == AnnounceType.Replace));
        Assert.Equal(replaceCross, a.Papers.Count(p => p.AnnounceType == AnnounceType.ReplaceCross));
        Assert.All(a.Papers.Where(p => p.AnnounceType == AnnounceType.ReplaceCross), p => Assert.NotEqual(category, p.PrimaryCategory));
        Assert.All(a.Papers.Where(p => p.AnnounceType == AnnounceType.Replace), p => Assert.Equal(category, p.PrimaryCategory));
    }

    [Fact]
    public void Pre_2024_layout_rewritten_from_a_real_page_parses_the_same()
    {
        // In-memory rewrite of a real page into the pre-2024 shape: short dates, "Cross-lists for" /
        // "Replacements for", no counts, ids in span.list-identifier without id attributes.
        var original = ParseNew(GrQc, Read(GrQc));
        var html = Read(GrQc)
            .Replace("New submissions for Friday, 9 August 2024 (showing 14 of 14 entries )", "New submissions for Fri, 9 Aug 24", StringComparison.Ordinal)
            .Replace("Cross submissions for Friday, 9 August 2024 (showing 13 of 13 entries )", "Cross-lists for Fri, 9 Aug 24", StringComparison.Ordinal)
            .Replace("Replacement submissions for Friday, 9 August 2024 (showing 18 of 18 entries )", "Replacements for Fri, 9 Aug 24", StringComparison.Ordinal);
        html = AbstractAnchor().Replace(html, m => $"<span class=\"list-identifier\"><a href=\"/abs/{m.Groups[1].Value}\" title=\"Abstract\">");
        html = html.Replace("</dt>", "</span></dt>", StringComparison.Ordinal);
        Assert.Contains("Cross-lists for Fri, 9 Aug 24", html, StringComparison.Ordinal);
        Assert.Equal(45, CountOf(html, "class=\"list-identifier\""));

        var legacy = ParseNew(GrQc, html);

        Assert.Equal(new DateOnly(2024, 8, 9), legacy.ListingDate);
        Assert.Equal(original.Papers.Count, legacy.Papers.Count);
        for (var i = 0; i < original.Papers.Count; i++)
        {
            Assert.True(original.Papers[i].ContentEquals(legacy.Papers[i]), $"paper {i} ({original.Papers[i].Id}) differs");
        }
    }

    [Fact]
    public void Paged_section_showing_fewer_than_total_is_accepted()
    {
        var html = Read(GrQc).Replace("(showing 14 of 14 entries )", "(showing first 14 of 40 entries )", StringComparison.Ordinal);

        var a = ParseNew(GrQc, html);

        Assert.Equal(14, a.Papers.Count(p => p.AnnounceType == AnnounceType.New));
    }

    [Fact]
    public void Missing_entry_in_a_section_fails_with_section_and_counts()
    {
        var html = Read(GrQc);
        var section = html.IndexOf("Cross submissions for", StringComparison.Ordinal);
        var html2 = RemoveEntryAfter(html, section);

        var ex = Assert.Throws<ArxivFormatException>(() => ParseNew(GrQc, html2));

        Assert.Contains("'Cross submissions'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("promises 13", ex.Message, StringComparison.Ordinal);
        Assert.Contains("parsed 12", ex.Message, StringComparison.Ordinal);
        Assert.Equal("listing/" + GrQc, ex.Origin);
    }

    [Fact]
    public void Missing_entry_in_the_2026_layout_fails_too()
    {
        var html = Read(CsAi);
        var html2 = RemoveEntryAfter(html, html.IndexOf("Replacement submissions", StringComparison.Ordinal));

        var ex = Assert.Throws<ArxivFormatException>(() => ParseNew(CsAi, html2));

        Assert.Contains("'Replacement submissions' promises 2 entries", ex.Message, StringComparison.Ordinal);
        Assert.Contains("parsed 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_entry_in_a_pastweek_day_fails_with_day_and_counts()
    {
        var html = Read(PastWeek);
        var html2 = RemoveEntryAfter(html, html.IndexOf("Thu, 21 Nov 2024 (showing", StringComparison.Ordinal));

        var ex = Assert.Throws<ArxivFormatException>(() => ParseRecent(PastWeek, html2));

        Assert.Contains("Thu, 21 Nov 2024", ex.Message, StringComparison.Ordinal);
        Assert.Contains("promises 67", ex.Message, StringComparison.Ordinal);
        Assert.Contains("parsed 66", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entry_missing_its_dt_or_dd_fails()
    {
        var html = Read(GrQc);
        var dt = html.IndexOf("<dt>", StringComparison.Ordinal);
        var dd = html.IndexOf("<dd>", dt, StringComparison.Ordinal);
        var ddEnd = html.IndexOf("</dd>", dd, StringComparison.Ordinal) + "</dd>".Length;

        var noDd = Assert.Throws<ArxivFormatException>(() => ParseNew(GrQc, html[..dd] + html[ddEnd..]));
        Assert.Contains("arXiv:2408.03961", noDd.Message, StringComparison.Ordinal);
        Assert.Contains("has no <dd>", noDd.Message, StringComparison.Ordinal);

        var noDt = Assert.Throws<ArxivFormatException>(() => ParseNew(GrQc, html[..dt] + html[dd..]));
        Assert.Contains("no <dt> with an arXiv id", noDt.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<html><body><h1>Service Unavailable</h1></body></html>")]
    [InlineData("<html><head><title>403 Forbidden</title></head><body><p>Access denied</p></body></html>")]
    [InlineData("")]
    public void Error_page_is_not_a_listing(string html)
    {
        var ex = Assert.Throws<ArxivFormatException>(() => ListingPageParser.ParseNew(html, "gr-qc", "test://error"));
        Assert.Contains("not an arXiv listing page", ex.Reason, StringComparison.Ordinal);
        Assert.Throws<ArxivFormatException>(() => ListingPageParser.ParseRecent(html, "gr-qc", "test://error"));
    }

    [Fact]
    public void Error_page_message_names_what_the_page_says()
    {
        var ex = Assert.Throws<ArxivFormatException>(() =>
            ListingPageParser.ParseNew("<html><body><h1>Service Unavailable</h1></body></html>", "gr-qc", "test://error"));
        Assert.Contains("Service Unavailable", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_updates_today_page_is_empty()
    {
        var html = Read(GrQc);
        var start = html.IndexOf("<dl id='articles'>", StringComparison.Ordinal);
        var end = html.LastIndexOf("</dl>", StringComparison.Ordinal) + "</dl>".Length;
        html = html[..start] + "<p>No updates today.</p>" + html[end..];
        Assert.DoesNotContain("<dt>", html, StringComparison.Ordinal);

        var a = ParseNew(GrQc, html);

        Assert.Equal(AnnouncementKind.Empty, a.Kind);
        Assert.Empty(a.Papers);
        Assert.Null(a.ListingDate); // the 2024 layout dates only the section headings
        Assert.Equal("gr-qc", a.Category);
    }

    [Fact]
    public void No_updates_today_in_the_2026_layout_keeps_the_listing_date()
    {
        var html = Read(CsAi);
        var start = html.IndexOf("<h3>New submissions", StringComparison.Ordinal);
        html = html[..start] + "<p>No updates today.</p></body></html>";

        var a = ParseNew(CsAi, html);

        Assert.Equal(AnnouncementKind.Empty, a.Kind);
        Assert.Empty(a.Papers);
        Assert.Equal(new DateOnly(2026, 8, 12), a.ListingDate);
    }

    [Fact]
    public void Entries_without_section_headings_fail()
    {
        var html = H3().Replace(Read(GrQc), "");

        var ex = Assert.Throws<ArxivFormatException>(() => ParseNew(GrQc, html));
        Assert.Contains("no section headings", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Page_without_listing_date_fails()
    {
        var html = Read(CsAi).Replace("<h3>Showing new listings for Wednesday, 12 August 2026</h3>", "", StringComparison.Ordinal);

        var ex = Assert.Throws<ArxivFormatException>(() => ParseNew(CsAi, html));
        Assert.Contains("no listing date", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_parser_for_the_page_fails()
    {
        Assert.Throws<ArxivFormatException>(() => ParseNew(PastWeek, Read(PastWeek)));
        Assert.Throws<ArxivFormatException>(() => ParseRecent(GrQc, Read(GrQc)));
        Assert.Throws<ArxivFormatException>(() => ParseRecent(CsAi, Read(CsAi)));
    }

    [Fact]
    public void Two_thousand_entry_page_parses_every_entry()
    {
        // Grow the real gr-qc page: repeat its 14 new entries to 2000 and fix the heading count.
        var html = Read(GrQc);
        var heading = "New submissions for Friday, 9 August 2024 (showing 14 of 14 entries )";
        var first = html.IndexOf("<dt>", html.IndexOf(heading, StringComparison.Ordinal), StringComparison.Ordinal);
        var end = html.LastIndexOf("</dd>", html.IndexOf("</dl>", first, StringComparison.Ordinal), StringComparison.Ordinal) + "</dd>".Length;
        var block = html[first..end];
        var entries = new StringBuilder();
        for (var i = 0; i < 2000 / 14; i++)
        {
            entries.Append(block).Append('\n');
        }

        var sections = 2000 / 14 * 14;
        var big = html[..first].Replace("(showing 14 of 14 entries )", $"(showing {sections} of {sections} entries )", StringComparison.Ordinal)
            + entries + html[end..];

        var a = ParseNew(GrQc, big);

        Assert.Equal(sections + 13 + 18, a.Papers.Count);
        Assert.Equal(sections, a.Papers.Count(p => p.AnnounceType == AnnounceType.New));
    }

    // -------------------------------------------------------------------------------------------------------------

    private static string Read(string file) => File.ReadAllText(Fixtures.At("listing/" + file));

    private static Announcement ParseNew(string file, string html) =>
        ListingPageParser.ParseNew(html, CategoryOf(file), "listing/" + file);

    private static IReadOnlyList<Announcement> ParseRecent(string file, string html) =>
        ListingPageParser.ParseRecent(html, CategoryOf(file), "listing/" + file);

    private static string CategoryOf(string file)
    {
        var m = FixtureName().Match(file);
        Assert.True(m.Success, $"cannot tell the category from fixture name {file}");
        return m.Groups["cat"].Value;
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    /// <summary>Cuts the first &lt;dt&gt;…&lt;/dd&gt; pair after <paramref name="from"/>.</summary>
    private static string RemoveEntryAfter(string html, int from)
    {
        Assert.True(from >= 0);
        var dt = html.IndexOf("<dt>", from, StringComparison.Ordinal);
        var dd = html.IndexOf("</dd>", dt, StringComparison.Ordinal) + "</dd>".Length;
        return html[..dt] + html[dd..];
    }

    [GeneratedRegex(@"^(?:new|pastweek|recent)-(?<cat>[a-z\-]+?(?:\.[A-Za-z]+)?)-(?:\d{4}-|show)")]
    private static partial Regex FixtureName();

    [GeneratedRegex(@"<a href =""/abs/([^""]+)"" title=""Abstract"" id=""[^""]+"">")]
    private static partial Regex AbstractAnchor();

    [GeneratedRegex(@"<h3>[^<]*</h3>")]
    private static partial Regex H3();
}
