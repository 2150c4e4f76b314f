using System.Text.RegularExpressions;
using System.Xml.Linq;
using ArxivDigest.Arxiv;
using ArxivDigest.Digests;
using ArxivDigest.Output;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Output;

public sealed partial class SiteBuilderTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset GeneratedAt = new(2026, 8, 13, 1, 2, 3, TimeSpan.Zero);
    private static readonly DateTimeOffset FetchedAt = new(2026, 8, 12, 0, 5, 0, TimeSpan.Zero);
    private static readonly DateOnly GrQcDay = new(2024, 8, 9);
    private static readonly DateOnly GrQcNextDay = new(2024, 8, 10);
    private static readonly DateOnly CsAiDay = new(2026, 8, 12);

    private static readonly DigestSpec Gravity = new() { Name = "gravity", Categories = ["gr-qc"], Queries = ["black hole"] };
    private static readonly DigestSpec Agents = new() { Name = "agents", Categories = ["cs.AI"], Queries = ["reinforcement learning"] };

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("arxivdigest-site-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string Out => Path.Combine(_dir.FullName, "site");

    private static Announcement GrQc() =>
        ListingPageParser.ParseNew(File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html")), "gr-qc", "f");

    private static Announcement CsAi() =>
        ListingPageParser.ParseNew(File.ReadAllText(Fixtures.At("listing/new-cs.AI-2026-08-12-EXCERPT-edited-in-source.html")), "cs.AI", "f");

    /// <summary>gr-qc on 2024-08-09 and (re-saved) 2024-08-10; cs.AI on 2026-08-12.</summary>
    private async Task<(SqliteStore Store, IReadOnlyList<DateOnly> Dates)> FilledStoreAsync()
    {
        var store = await SqliteStore.OpenAsync(Path.Combine(_dir.FullName, "store.db"), Ct);
        var grqc = GrQc();
        Assert.Equal(GrQcDay, grqc.ListingDate);
        await store.SaveAnnouncementAsync(grqc, "listing", FetchedAt, Ct);
        await store.SaveAnnouncementAsync(
            grqc with { ListingDate = GrQcNextDay, Papers = grqc.Papers.Select(p => p with { ListingDate = GrQcNextDay }).ToList() },
            "listing", FetchedAt, Ct);
        var csai = CsAi();
        Assert.Equal(CsAiDay, csai.ListingDate);
        await store.SaveAnnouncementAsync(csai, "listing", FetchedAt, Ct);
        var dates = await SiteBuilder.ListingDatesAsync(store, [Gravity, Agents], Ct);
        return (store, dates);
    }

    private Task<SiteResult> BuildAsync(IPaperStore store, IReadOnlyList<DateOnly> dates) =>
        SiteBuilder.BuildAsync(store, [Gravity, Agents], dates, new NoneTranslator(), GeneratedAt, Out, Ct);

    private static IReadOnlyList<string> ExpectedIds(Announcement a, DigestSpec spec) =>
        DigestBuilder.Select(a.Papers, spec).SelectMany(g => g.Papers.Select(p => p.Paper.Id)).ToList();

    [Fact]
    public async Task Listing_dates_are_the_union_over_the_specs_categories_newest_first()
    {
        var (store, dates) = await FilledStoreAsync();
        await using var _ = store;
        Assert.Equal([CsAiDay, GrQcNextDay, GrQcDay], dates);
    }

    [Fact]
    public async Task Site_has_every_page_and_feed_and_reports_them()
    {
        var (store, dates) = await FilledStoreAsync();
        await using var _ = store;

        var result = await BuildAsync(store, dates);

        string[] expected =
        [
            "index.html",
            "gravity/index.html", "gravity/2024-08-10.html", "gravity/2024-08-09.html", "gravity/feed.rss.xml", "gravity/feed.atom.xml",
            "agents/index.html", "agents/2026-08-12.html", "agents/feed.rss.xml", "agents/feed.atom.xml",
        ];
        Assert.Equal(expected.Select(f => Path.Combine(Out, f)).Order(StringComparer.Ordinal), result.Files.Order(StringComparer.Ordinal));
        Assert.All(result.Files, f => Assert.True(File.Exists(f), f));
        Assert.Equal(3, result.Days);
        Assert.Equal(6, result.Pages);

        // Days without a stored announcement for the spec's categories get no page.
        Assert.False(File.Exists(Path.Combine(Out, "gravity", "2026-08-12.html")));
        Assert.False(File.Exists(Path.Combine(Out, "agents", "2024-08-09.html")));
        Assert.Empty(Directory.EnumerateFiles(Out, "*.tmp-*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Every_relative_link_resolves_to_a_file_of_the_site()
    {
        var (store, dates) = await FilledStoreAsync();
        await using var _ = store;
        await BuildAsync(store, dates);

        var index = File.ReadAllText(Path.Combine(Out, "index.html"));
        var rootLinks = Hrefs(index).Where(h => !h.StartsWith("https://", StringComparison.Ordinal)).ToList();
        foreach (var f in new[] { "gravity/index.html", "gravity/2024-08-10.html", "gravity/2024-08-09.html", "agents/index.html", "agents/2026-08-12.html", "gravity/feed.rss.xml", "agents/feed.atom.xml" })
        {
            Assert.Contains(f, rootLinks);
        }

        foreach (var html in Directory.EnumerateFiles(Out, "*.html", SearchOption.AllDirectories))
        {
            foreach (var href in Hrefs(File.ReadAllText(html)))
            {
                if (href.StartsWith("https://arxiv.org/", StringComparison.Ordinal))
                {
                    continue;
                }

                Assert.DoesNotContain("://", href, StringComparison.Ordinal);
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(html)!, Uri.UnescapeDataString(href.Split('#')[0])));
                Assert.True(File.Exists(target), $"{html}: {href} -> {target}");
            }
        }

        // The digest index lists its days newest first with counts.
        var gravity = File.ReadAllText(Path.Combine(Out, "gravity", "index.html"));
        Assert.True(gravity.IndexOf("2024-08-10.html", StringComparison.Ordinal) < gravity.IndexOf("2024-08-09.html", StringComparison.Ordinal));
        var count = ExpectedIds(GrQc(), Gravity).Count;
        Assert.Contains($"<td class=\"n\">{count}</td>", gravity, StringComparison.Ordinal);
        Assert.Contains($"{count} papers</a>", index, StringComparison.Ordinal);
        Assert.True(index.IndexOf("agents/2026-08-12.html", StringComparison.Ordinal) < index.IndexOf("gravity/2024-08-10.html", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Day_pages_hold_the_matching_papers_of_their_day_and_link_to_neighbouring_days()
    {
        var (store, dates) = await FilledStoreAsync();
        await using var _ = store;
        await BuildAsync(store, dates);

        var grIds = ExpectedIds(GrQc(), Gravity);
        var aiIds = ExpectedIds(CsAi(), Agents);
        Assert.NotEmpty(grIds);
        Assert.NotEmpty(aiIds);

        foreach (var day in new[] { "2024-08-09", "2024-08-10" })
        {
            var page = File.ReadAllText(Path.Combine(Out, "gravity", $"{day}.html"));
            Assert.Equal(grIds, ArticleIds(page));
            Assert.Contains($"arXiv digest gravity: {day}", page, StringComparison.Ordinal);
        }

        var ai = File.ReadAllText(Path.Combine(Out, "agents", "2026-08-12.html"));
        Assert.Equal(aiIds, ArticleIds(ai));
        Assert.DoesNotContain(grIds[0], ai, StringComparison.Ordinal);

        // The page is the renderer's output with navigation added around it.
        var digest = await DigestBuilder.BuildAsync(CsAi().Papers, Agents, CsAiDay, GeneratedAt, new NoneTranslator(), Ct);
        var rendered = new HtmlRenderer().RenderToString(digest);
        var main = rendered[rendered.IndexOf("<header>", StringComparison.Ordinal)..rendered.IndexOf("</main>", StringComparison.Ordinal)];
        Assert.Contains(main, ai, StringComparison.Ordinal);

        var older = File.ReadAllText(Path.Combine(Out, "gravity", "2024-08-09.html"));
        var newer = File.ReadAllText(Path.Combine(Out, "gravity", "2024-08-10.html"));
        Assert.Equal(["2024-08-10.html"], Rel(older, "next"));
        Assert.Empty(Rel(older, "prev"));
        Assert.Equal(["2024-08-09.html"], Rel(newer, "prev"));
        Assert.Empty(Rel(newer, "next"));
        Assert.Empty(Rel(ai, "prev"));
        Assert.Empty(Rel(ai, "next"));
        Assert.Contains("href=\"../index.html\"", ai, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feeds_merge_the_days_as_xml_with_unique_stable_guids()
    {
        var (store, dates) = await FilledStoreAsync();
        await using var _ = store;
        await BuildAsync(store, dates);

        var grIds = ExpectedIds(GrQc(), Gravity);
        var rss = XDocument.Parse(File.ReadAllText(Path.Combine(Out, "gravity", SiteBuilder.RssFileName)));
        var guids = rss.Descendants("item").Select(i => i.Element("guid")!.Value).ToList();
        Assert.Equal(guids.Count, guids.Distinct(StringComparer.Ordinal).Count());
        // The same paper versions were announced on both days: each appears once, as id + version.
        var versions = GrQc().Papers.Where(p => grIds.Contains(p.Id)).GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Version);
        Assert.Equal(grIds.Select(id => $"arxiv:{id}v{versions[id]}").Order(StringComparer.Ordinal), guids.Order(StringComparer.Ordinal));
        Assert.All(rss.Descendants("item"), i => Assert.StartsWith("https://arxiv.org/abs/", i.Element("link")!.Value, StringComparison.Ordinal));

        XNamespace a = AtomRenderer.Namespace;
        var atom = XDocument.Parse(File.ReadAllText(Path.Combine(Out, "gravity", SiteBuilder.AtomFileName)));
        Assert.Equal(a + "feed", atom.Root!.Name);
        var ids = atom.Root.Elements(a + "entry").Select(e => e.Element(a + "id")!.Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(grIds.Count, ids.Count);
        Assert.All(ids, id => Assert.Matches(@"^tag:arxiv-digest:\d{4}\.\d{4,5}v\d+$", id));
        Assert.NotNull(atom.Root.Element(a + "updated"));

        var aiRss = XDocument.Parse(File.ReadAllText(Path.Combine(Out, "agents", SiteBuilder.RssFileName)));
        Assert.Equal(ExpectedIds(CsAi(), Agents).Count, aiRss.Descendants("item").Count());
        XDocument.Parse(File.ReadAllText(Path.Combine(Out, "agents", SiteBuilder.AtomFileName)));
    }

    [Fact]
    public async Task Pages_are_self_contained_and_link_out_only_to_arxiv()
    {
        var (store, dates) = await FilledStoreAsync();
        await using var _ = store;
        await BuildAsync(store, dates);

        foreach (var file in Directory.EnumerateFiles(Out, "*", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            if (file.EndsWith(".html", StringComparison.Ordinal))
            {
                Assert.Contains("<style>", text, StringComparison.Ordinal);
                Assert.DoesNotContain("<script", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain(" src=", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("url(", text, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("@import", text, StringComparison.OrdinalIgnoreCase);
                foreach (var href in Hrefs(text).Where(h => h.Contains(':', StringComparison.Ordinal)))
                {
                    Assert.StartsWith("https://arxiv.org/", href, StringComparison.Ordinal);
                }
            }
            else
            {
                var doc = XDocument.Parse(text);
                var urls = doc.Descendants().Where(e => e.Name.LocalName == "link").Select(e => (string?)e.Attribute("href") ?? e.Value);
                Assert.All(urls, u => Assert.Matches(@"^https://arxiv\.org(/|$)", u));
            }

            foreach (Match m in UrlPattern().Matches(text))
            {
                var url = m.Value;
                Assert.True(
                    url.StartsWith("https://arxiv.org", StringComparison.Ordinal)
                    || url == AtomRenderer.Namespace
                    || url.StartsWith("http://purl.org/dc/elements/1.1/", StringComparison.Ordinal)
                    || url.StartsWith("http://www.w3.org/XML/1998/namespace", StringComparison.Ordinal),
                    $"{file}: {url}");
            }
        }
    }

    [Fact]
    public async Task Rebuilding_gives_byte_identical_files()
    {
        var (store, dates) = await FilledStoreAsync();
        await using var _ = store;
        var first = await BuildAsync(store, dates);
        var bytes = first.Files.ToDictionary(f => f, File.ReadAllBytes);

        Directory.Delete(Out, recursive: true);
        var second = await BuildAsync(store, dates);
        Assert.Equal(first.Files, second.Files);
        foreach (var f in second.Files)
        {
            Assert.Equal(bytes[f], File.ReadAllBytes(f));
        }

        var third = await BuildAsync(store, dates);
        Assert.All(third.Files, f => Assert.Equal(bytes[f], File.ReadAllBytes(f)));
    }

    [Fact]
    public async Task Digest_text_is_escaped_and_bad_names_are_refused()
    {
        var (store, dates) = await FilledStoreAsync();
        await using var _ = store;
        var spec = Agents with { Name = "odd", Queries = ["reinforcement learning", "<b>&\"x\""] };
        await SiteBuilder.BuildAsync(store, [spec], dates, new NoneTranslator(), GeneratedAt, Out, Ct);

        foreach (var file in new[] { "index.html", "odd/index.html", "odd/2026-08-12.html" })
        {
            var text = File.ReadAllText(Path.Combine(Out, file));
            Assert.DoesNotContain("<b>", text, StringComparison.Ordinal);
            Assert.Contains("&lt;b&gt;&amp;", text, StringComparison.Ordinal);
        }

        await Assert.ThrowsAsync<ArgumentException>(() =>
            SiteBuilder.BuildAsync(store, [Agents with { Name = "../up" }], dates, new NoneTranslator(), GeneratedAt, Out, Ct));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            SiteBuilder.BuildAsync(store, [Agents, Gravity with { Name = "agents" }], dates, new NoneTranslator(), GeneratedAt, Out, Ct));
    }

    private static List<string> Hrefs(string html) =>
        HrefPattern().Matches(html).Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();

    private static List<string> ArticleIds(string html) =>
        ArticlePattern().Matches(html).Select(m => m.Groups[1].Value).ToList();

    private static List<string> Rel(string html, string rel) =>
        Regex.Matches(html, $"<a rel=\"{rel}\" href=\"([^\"]*)\"").Select(m => m.Groups[1].Value).Distinct().ToList();

    [GeneratedRegex("href=\"([^\"]*)\"")]
    private static partial Regex HrefPattern();

    [GeneratedRegex("<article id=\"arxiv-([^\"]+)\">")]
    private static partial Regex ArticlePattern();

    [GeneratedRegex(@"https?://[^\s""'<>)]+")]
    private static partial Regex UrlPattern();
}
