using AngleSharp.Html.Parser;
using ArxivDigest.Cli.Web;
using ArxivDigest.Digests;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;

namespace ArxivDigest.Tests.Web;

/// <summary>Page markup rendered directly, for cases the seeded reader cannot show.</summary>
public sealed class WebPagesTests
{
    private static Digest Listing(string name, Paper paper) => new()
    {
        Name = name,
        ListingDate = new DateOnly(2024, 8, 9),
        AnnouncedAt = new DateTimeOffset(2024, 8, 8, 20, 0, 0, TimeSpan.FromHours(-4)),
        GeneratedAt = new DateTimeOffset(2024, 8, 9, 1, 0, 0, TimeSpan.Zero),
        Categories = ["hep-th"],
        Groups =
        [
            new DigestGroup("black hole",
            [
                new DigestPaper(paper, "black hole", new TranslatedText("黑洞", TranslationState.Done), new TranslatedText("关于黑洞。", TranslationState.Done)),
            ]),
        ],
    };

    [Fact]
    public void Home_listing_one_paper_under_two_digests_repeats_no_id()
    {
        var paper = new Paper
        {
            Id = "2408.00001", Version = 1, Title = "A black hole", Abstract = "About a black hole.", Authors = ["Alice Example"],
            PrimaryCategory = "hep-th", Subjects = [new Subject("hep-th", "High Energy Physics - Theory")],
        };
        var page = new PageContext("/", [], HtmlLanguages.Both, Math: false);

        var html = WebPages.Home(page, [(new DigestSpec { Name = "a", Categories = ["hep-th"] }, Listing("a", paper), 1), (new DigestSpec { Name = "b", Categories = ["hep-th"] }, Listing("b", paper), 1)], "zh");

        using var doc = new HtmlParser().ParseDocument(html);
        Assert.Equal(2, doc.QuerySelectorAll("article.paper").Length);
        var ids = doc.QuerySelectorAll("[id]").Select(e => e.Id!).ToList();
        Assert.Equal([], ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key));
    }

    [Fact]
    public void Day_page_keeps_the_paper_anchor()
    {
        var paper = new Paper
        {
            Id = "2408.00001", Version = 1, Title = "A black hole", Abstract = "About a black hole.", Authors = ["Alice Example"],
            PrimaryCategory = "hep-th", Subjects = [new Subject("hep-th", "High Energy Physics - Theory")],
        };
        var page = new PageContext("/digests/a/2024-08-09", [], HtmlLanguages.Both, Math: false);

        var html = WebPages.Day(page, Listing("a", paper), null, null, "zh");

        Assert.Contains("<article class=\"paper\" id=\"arxiv-2408.00001\">", html, StringComparison.Ordinal);
    }
}
