using System.Xml.Linq;
using AngleSharp.Html.Parser;
using ArxivDigest.Digests;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Rendering;

public sealed class HtmlAndFeedRendererTests
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private static readonly DigestSpec Spec = new()
    {
        Categories = ["cs"],
        Queries = ["reinforcement learning", "diffusion policy"],
        Language = "zh",
        DisplayZone = Shanghai,
    };

    private const string XssTitle = "<script>alert(1)</script>";

    private const string XssAbstract =
        "We study \"onerror=alert(1) x=\" and <img src=x onerror=alert(2)> with javascript:alert(1) then </textarea> & reinforcement learning.";

    private const string XssAuthor = "<b>Mallory</b>";

    private static async Task<Digest> ReferenceAsync(ITranslator? translator = null, DateTimeOffset? generatedAt = null)
    {
        var reference = ReferenceDigest.Load();
        return await DigestBuilder.BuildAsync(
            reference.Papers, Spec, new DateOnly(2026, 3, 26), generatedAt ?? reference.GeneratedAt, translator ?? reference.Translator(), CancellationToken.None);
    }

    private static Digest Hostile()
    {
        var paper = new Paper
        {
            Id = "2603.99999",
            Version = 2,
            Title = XssTitle,
            Authors = [XssAuthor, "Eve \"Quote\" O'Neil"],
            Abstract = XssAbstract,
            Comments = "<iframe src=\"https://evil.example\"></iframe>",
            Subjects = [new Subject("cs.LG", "Machine <Learning>")],
            PrimaryCategory = "cs.LG",
        };
        return new Digest
        {
            Name = "x<y>",
            ListingDate = new DateOnly(2026, 3, 26),
            AnnouncedAt = new DateTimeOffset(2026, 3, 25, 20, 0, 0, TimeSpan.FromHours(-4)),
            GeneratedAt = new DateTimeOffset(2026, 3, 26, 9, 0, 0, TimeSpan.FromHours(8)),
            Categories = ["cs"],
            Groups =
            [
                new DigestGroup("reinforcement learning",
                [
                    new DigestPaper(paper, "reinforcement learning",
                        new TranslatedText("<script>alert('zh')</script>", TranslationState.Done),
                        new TranslatedText("</textarea><svg onload=alert(3)>", TranslationState.Done))
                    {
                        Tldr = "<a href=\"javascript:alert(1)\">x</a>",
                    },
                ]),
            ],
        };
    }

    [Theory]
    [InlineData("html", "reference-2026-03-26.html")]
    [InlineData("rss", "reference-2026-03-26.rss.xml")]
    [InlineData("atom", "reference-2026-03-26.atom.xml")]
    public async Task Html_rss_and_atom_renderings_of_the_reference_digest_match_their_golden_files(string format, string golden)
    {
        var digest = await ReferenceAsync();
        var renderer = Renderers.Find(format);
        Assert.NotNull(renderer);
        Assert.EndsWith(renderer.Extension, golden, StringComparison.Ordinal);
        Golden.AssertText($"render/{golden}", renderer.RenderToString(digest));
    }

    [Fact]
    public void New_formats_are_registered_after_the_default_three()
    {
        Assert.Equal(["text", "markdown", "json", "html", "rss", "atom"], Renderers.Names);
        Assert.IsType<HtmlRenderer>(Renderers.Find(" HTML "));
        Assert.IsType<RssRenderer>(Renderers.Find("rss"));
        Assert.IsType<AtomRenderer>(Renderers.Find("Atom"));
    }

    [Fact]
    public async Task Html_page_is_self_contained_with_one_section_per_query_and_one_article_per_paper()
    {
        var reference = ReferenceDigest.Load();
        var html = new HtmlRenderer().RenderToString(await ReferenceAsync());
        using var doc = new HtmlParser().ParseDocument(html);

        Assert.StartsWith("<!DOCTYPE html>\n<html lang=\"zh-CN\">", html, StringComparison.Ordinal);
        Assert.NotNull(doc.QuerySelector("meta[charset='utf-8']"));
        Assert.Contains("width=device-width", doc.QuerySelector("meta[name='viewport']")?.GetAttribute("content"), StringComparison.Ordinal);
        Assert.Equal(33, doc.QuerySelectorAll("article").Length);
        Assert.Equal(2, doc.QuerySelectorAll("section").Length);
        Assert.Equal(["Keyword: reinforcement learning", "Keyword: diffusion policy"],
            doc.QuerySelectorAll("section > h2").Select(h => h.TextContent[..h.TextContent.LastIndexOf(" (", StringComparison.Ordinal)]));
        Assert.Empty(doc.QuerySelectorAll("script, link, img, iframe, object, embed"));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.Ordinal);
        Assert.DoesNotContain("url(", html, StringComparison.Ordinal);
        Assert.Empty(doc.QuerySelectorAll("[src]"));
        var hrefs = doc.QuerySelectorAll("[href]").Select(e => e.GetAttribute("href")!).ToList();
        Assert.Equal(33 * 3, hrefs.Count);
        Assert.All(hrefs, h => Assert.Matches(@"^https://arxiv\.org/(abs|pdf)/\d{4}\.\d{4,5}$", h));

        var header = doc.QuerySelector("header")!.TextContent;
        Assert.Contains("生成时间: 2026-03-25 16:55:47 (UTC+8); Arxiv 发布时间: 2026-03-25 20:00 EDT (2026-03-26 08:00 UTC+8)", header, StringComparison.Ordinal);
        Assert.Contains("今天共有 33 篇相关文章", header, StringComparison.Ordinal);

        var first = doc.QuerySelector("article")!;
        var (_, paper, titleZh, absZh) = reference.Entries[0];
        Assert.Equal(paper.Title, first.QuerySelector("h3")!.TextContent);
        Assert.Equal(paper.AbsUrl, first.QuerySelector("h3 a")!.GetAttribute("href"));
        Assert.Equal(titleZh, first.QuerySelector(".title-tr")!.TextContent);
        Assert.Equal(paper.Abstract, first.QuerySelector(".abstracts > div[lang='en'] p")!.TextContent);
        Assert.Equal(absZh, first.QuerySelector(".abstracts > div[lang='zh-CN'] p")!.TextContent);
        Assert.Contains(first.QuerySelectorAll("a"), a => a.GetAttribute("href") == paper.PdfUrl);
        var marks = first.QuerySelectorAll("h3 mark, .abstracts mark").Select(m => m.TextContent.ToLowerInvariant()).ToList();
        Assert.Contains(marks, m => m.Replace('-', ' ') == "reinforcement learning");

        // Every paper in the second group has "diffusion policy" (any case, plural) marked somewhere.
        foreach (var article in doc.QuerySelectorAll("section")[1].QuerySelectorAll("article"))
        {
            Assert.Contains(article.QuerySelectorAll("mark"), m => m.TextContent.StartsWith("diffusion", StringComparison.OrdinalIgnoreCase));
        }
    }

    [Fact]
    public void Highlighting_marks_whole_words_case_and_plural_insensitively_and_across_hyphens_only()
    {
        string[][] queries = [ArxivDigest.Matching.Tokens.Fold("reinforcement learning").ToArray(), ArxivDigest.Matching.Tokens.Fold("RL").ToArray()];
        Assert.Equal(
            "<mark>Reinforcement-Learning</mark> &amp; <mark>RL</mark>; not URL, not reinforcement. Learning; <mark>reinforcement  learnings</mark> &lt;b&gt;",
            HtmlRenderer.Highlight("Reinforcement-Learning & RL; not URL, not reinforcement. Learning; reinforcement  learnings <b>", queries));
        Assert.Equal("a &lt;<mark>RL</mark>&gt; &quot;x&quot;", HtmlRenderer.Highlight("a <RL> \"x\"", queries));
    }

    [Fact]
    public void Highlighting_marks_the_inflected_forms_a_query_matches()
    {
        string[][] queries = [ArxivDigest.Matching.Tokens.Fold("fine-tune").ToArray(), ArxivDigest.Matching.Tokens.Fold("learned embedding").ToArray()];
        Assert.Equal(
            "<mark>Fine-Tuning</mark> and <mark>Learning Embeddings</mark>, models <mark>fine-tuned</mark>; not the meaning of tunes",
            HtmlRenderer.Highlight("Fine-Tuning and Learning Embeddings, models fine-tuned; not the meaning of tunes", queries));
    }

    [Fact]
    public void Html_escapes_everything_from_arXiv_and_the_translator()
    {
        var html = new HtmlRenderer().RenderToString(Hostile());
        using var doc = new HtmlParser().ParseDocument(html);

        Assert.Empty(doc.QuerySelectorAll("script, img, svg, iframe, textarea, b"));
        Assert.All(doc.All, e => Assert.DoesNotContain(e.Attributes, a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.All(doc.QuerySelectorAll("[href]"), e => Assert.StartsWith("https://arxiv.org/", e.GetAttribute("href"), StringComparison.Ordinal));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("</textarea>", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"onerror", html, StringComparison.Ordinal);

        var article = Assert.Single(doc.QuerySelectorAll("article"));
        Assert.Equal(XssTitle, article.QuerySelector("h3")!.TextContent);
        var text = article.TextContent;
        Assert.Contains(XssAuthor, text, StringComparison.Ordinal);
        Assert.Contains("Eve \"Quote\" O'Neil", text, StringComparison.Ordinal);
        Assert.Contains("<iframe src=\"https://evil.example\"></iframe>", text, StringComparison.Ordinal);
        Assert.Contains("Machine <Learning> (cs.LG)", text, StringComparison.Ordinal);
        Assert.Contains("<script>alert('zh')</script>", text, StringComparison.Ordinal);
        Assert.Contains("</textarea><svg onload=alert(3)>", text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"javascript:alert(1)\">x</a>", text, StringComparison.Ordinal);
        var abs = article.QuerySelector(".abstracts > div[lang='en'] p")!;
        Assert.Equal(XssAbstract, abs.TextContent);
        Assert.Equal("reinforcement learning", Assert.Single(abs.QuerySelectorAll("mark")).TextContent);
        Assert.Contains("x&lt;y&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_marks_missing_and_pending_translations_visibly()
    {
        var none = new HtmlRenderer().RenderToString(await ReferenceAsync(new NoneTranslator()));
        using var doc = new HtmlParser().ParseDocument(none);
        Assert.Equal(66, doc.QuerySelectorAll(".missing").Count(e => e.TextContent == Labels.Chinese.NotTranslated));

        var reference = ReferenceDigest.Load();
        var partial = new FixedTranslator(new Dictionary<string, string> { [reference.Entries[0].Paper.Title] = reference.Entries[0].TitleZh });
        using var doc2 = new HtmlParser().ParseDocument(new HtmlRenderer().RenderToString(await ReferenceAsync(partial)));
        Assert.Equal(65, doc2.QuerySelectorAll("article .pending").Count(e => e.TextContent == Labels.Chinese.TranslationPending));
        Assert.NotNull(doc2.QuerySelector("header .status"));
    }

    [Fact]
    public async Task Rss_is_well_formed_rss_2_with_stable_unique_guids()
    {
        var reference = ReferenceDigest.Load();
        var xml = new RssRenderer().RenderToString(await ReferenceAsync());
        var doc = XDocument.Parse(xml);
        var rss = doc.Root!;
        Assert.Equal("rss", rss.Name.LocalName);
        Assert.Equal("2.0", rss.Attribute("version")?.Value);
        var channel = rss.Element("channel")!;
        Assert.Equal("arXiv digest default", channel.Element("title")?.Value);
        Assert.Equal("https://arxiv.org", channel.Element("link")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(channel.Element("description")?.Value));
        Assert.Equal("Thu, 26 Mar 2026 00:00:00 GMT", channel.Element("lastBuildDate")?.Value);
        Assert.Equal("Thu, 26 Mar 2026 00:00:00 GMT", channel.Element("pubDate")?.Value);

        var items = channel.Elements("item").ToList();
        Assert.Equal(33, items.Count);
        Assert.All(items, i =>
        {
            Assert.False(string.IsNullOrWhiteSpace(i.Element("title")?.Value));
            Assert.Matches(@"^https://arxiv\.org/abs/", i.Element("link")!.Value);
            Assert.Equal("false", i.Element("guid")!.Attribute("isPermaLink")?.Value);
            Assert.NotEmpty(i.Elements("category"));
        });
        var guids = items.Select(i => i.Element("guid")!.Value).ToList();
        Assert.Equal(guids.Count, guids.Distinct().Count());

        var (_, paper, titleZh, absZh) = reference.Entries[0];
        var first = items[0];
        Assert.Equal($"arxiv:{paper.Id}v1", first.Element("guid")!.Value);
        Assert.Equal($"{paper.Title} / {titleZh}", first.Element("title")!.Value);
        Assert.Equal(paper.AbsUrl, first.Element("link")!.Value);
        Assert.StartsWith(paper.Abstract, first.Element("description")!.Value, StringComparison.Ordinal);
        Assert.EndsWith(absZh, first.Element("description")!.Value, StringComparison.Ordinal);
        Assert.Equal(paper.Subjects.Select(s => s.Code), first.Elements("category").Select(c => c.Value));

        var later = XDocument.Parse(new RssRenderer().RenderToString(await ReferenceAsync(generatedAt: reference.GeneratedAt.AddHours(7))));
        Assert.Equal(guids, later.Root!.Element("channel")!.Elements("item").Select(i => i.Element("guid")!.Value));
    }

    [Fact]
    public async Task Atom_is_well_formed_rfc_4287_with_stable_unique_ids()
    {
        var reference = ReferenceDigest.Load();
        var xml = new AtomRenderer().RenderToString(await ReferenceAsync());
        var feed = XDocument.Parse(xml).Root!;
        Assert.Equal(Atom + "feed", feed.Name);
        Assert.Equal("tag:arxiv-digest,2026-03-26:default", feed.Element(Atom + "id")?.Value);
        Assert.False(string.IsNullOrWhiteSpace(feed.Element(Atom + "title")?.Value));
        Assert.Equal("2026-03-26T00:00:00Z", feed.Element(Atom + "updated")?.Value);
        Assert.NotNull(feed.Element(Atom + "author")?.Element(Atom + "name"));

        var entries = feed.Elements(Atom + "entry").ToList();
        Assert.Equal(33, entries.Count);
        Assert.All(entries, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Element(Atom + "title")?.Value));
            Assert.True(DateTimeOffset.TryParse(e.Element(Atom + "updated")?.Value, System.Globalization.CultureInfo.InvariantCulture, out _));
            Assert.Matches(@"^https://arxiv\.org/abs/", e.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "alternate").Attribute("href")!.Value);
            Assert.Matches(@"^https://arxiv\.org/pdf/", e.Elements(Atom + "link").Single(l => (string?)l.Attribute("rel") == "related").Attribute("href")!.Value);
        });
        var ids = entries.Select(e => e.Element(Atom + "id")!.Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());

        var (_, paper, _, absZh) = reference.Entries[0];
        var first = entries[0];
        Assert.Equal($"tag:arxiv-digest:{paper.Id}v1", first.Element(Atom + "id")!.Value);
        Assert.Equal(paper.Abstract, first.Element(Atom + "summary")!.Value);
        Assert.Equal(absZh, first.Element(Atom + "content")!.Value);
        Assert.Equal("text", first.Element(Atom + "content")!.Attribute("type")?.Value);
        Assert.Equal(paper.Subjects.Select(s => s.Code), first.Elements(Atom + "category").Select(c => c.Attribute("term")!.Value));
        Assert.Equal(paper.Authors, first.Elements(Atom + "author").Select(a => a.Element(Atom + "name")!.Value));

        var later = XDocument.Parse(new AtomRenderer().RenderToString(await ReferenceAsync(generatedAt: reference.GeneratedAt.AddDays(1)))).Root!;
        Assert.Equal(feed.Element(Atom + "id")!.Value, later.Element(Atom + "id")!.Value);
        Assert.Equal(ids, later.Elements(Atom + "entry").Select(e => e.Element(Atom + "id")!.Value));
    }

    [Fact]
    public void Feeds_carry_hostile_text_as_escaped_text_that_reads_back_unchanged()
    {
        var rss = XDocument.Parse(new RssRenderer().RenderToString(Hostile())).Root!.Element("channel")!;
        var item = Assert.Single(rss.Elements("item"));
        Assert.Equal($"{XssTitle} / <script>alert('zh')</script>", item.Element("title")!.Value);
        Assert.Equal("arxiv:2603.99999v2", item.Element("guid")!.Value);
        Assert.Contains(XssAbstract, item.Element("description")!.Value, StringComparison.Ordinal);
        Assert.Contains("</textarea><svg onload=alert(3)>", item.Element("description")!.Value, StringComparison.Ordinal);
        Assert.Equal("arXiv digest x<y>", rss.Element("title")!.Value);
        Assert.Empty(item.Element("description")!.Elements());

        var feed = XDocument.Parse(new AtomRenderer().RenderToString(Hostile())).Root!;
        Assert.Equal("tag:arxiv-digest,2026-03-26:x%3Cy%3E", feed.Element(Atom + "id")!.Value);
        var entry = Assert.Single(feed.Elements(Atom + "entry"));
        Assert.Equal("tag:arxiv-digest:2603.99999v2", entry.Element(Atom + "id")!.Value);
        Assert.Equal($"{XssTitle} / <script>alert('zh')</script>", entry.Element(Atom + "title")!.Value);
        Assert.Equal(XssAbstract, entry.Element(Atom + "summary")!.Value);
        Assert.Contains("</textarea><svg onload=alert(3)>", entry.Element(Atom + "content")!.Value, StringComparison.Ordinal);
        Assert.Equal([XssAuthor, "Eve \"Quote\" O'Neil"], entry.Elements(Atom + "author").Select(a => a.Element(Atom + "name")!.Value));
        Assert.Empty(entry.Element(Atom + "summary")!.Elements());
    }

    [Fact]
    public async Task Feeds_render_without_translations_and_without_versions_and_drop_characters_xml_cannot_hold()
    {
        var digest = await ReferenceAsync(new NoneTranslator());
        var rss = XDocument.Parse(new RssRenderer().RenderToString(digest)).Root!.Element("channel")!;
        var item = rss.Elements("item").First();
        var paper = digest.Groups[0].Papers[0].Paper;
        Assert.Equal(paper.Title, item.Element("title")!.Value);
        Assert.Equal(paper.Abstract, item.Element("description")!.Value);

        var feed = XDocument.Parse(new AtomRenderer().RenderToString(digest)).Root!;
        var entry = feed.Elements(Atom + "entry").First();
        Assert.Equal(paper.Title, entry.Element(Atom + "title")!.Value);
        Assert.Null(entry.Element(Atom + "content"));

        var odd = Hostile();
        var entryOdd = odd.Groups[0].Papers[0];
        odd = odd with
        {
            Groups = [new DigestGroup("q", [entryOdd with { Paper = entryOdd.Paper with { Version = null, Title = "bell\u0007 and \ud83d\ude00 and lone \ud800 end" } }])],
        };
        var rssOdd = XDocument.Parse(new RssRenderer().RenderToString(odd)).Root!.Element("channel")!.Element("item")!;
        Assert.Equal("arxiv:2603.99999", rssOdd.Element("guid")!.Value);
        Assert.StartsWith("bell and \ud83d\ude00 and lone  end / ", rssOdd.Element("title")!.Value, StringComparison.Ordinal);
        var atomOdd = XDocument.Parse(new AtomRenderer().RenderToString(odd)).Root!.Element(Atom + "entry")!;
        Assert.Equal("tag:arxiv-digest:2603.99999", atomOdd.Element(Atom + "id")!.Value);
        using var html = new HtmlParser().ParseDocument(new HtmlRenderer().RenderToString(odd));
        Assert.Equal("bell and \ud83d\ude00 and lone  end", html.QuerySelector("h3")!.TextContent);
    }
}
