using ArxivDigest.Arxiv;
using ArxivDigest.Papers;

namespace ArxivDigest.Tests.Arxiv;

/// <summary>Which OAI-PMH set a category is harvested from, and which harvested papers a category keeps.</summary>
public sealed class OaiHarvesterTests
{
    [Theory]
    [InlineData("cs", "cs")]
    [InlineData("cs.LG", "cs")]
    [InlineData("math.AG", "math")]
    [InlineData("hep-th", "physics:hep-th")]
    [InlineData("astro-ph.CO", "physics:astro-ph")]
    [InlineData("physics.optics", "physics:physics")]
    [InlineData("quant-ph", "physics:quant-ph")]
    [InlineData("q-bio.NC", "q-bio")]
    public void Set_spec_is_the_archive_set_as_ListSets_names_it(string category, string set) =>
        Assert.Equal(set, OaiHarvester.SetSpecFor(category));

    [Fact]
    public void A_sub_category_keeps_papers_listing_it_anywhere_and_an_archive_keeps_its_sub_categories()
    {
        var paper = new Paper
        {
            Id = "1101.4388",
            Title = "t",
            PrimaryCategory = "stat.ML",
            Subjects = [new Subject("stat.ML", ""), new Subject("cs.LG", ""), new Subject("math.FA", "")],
        };

        Assert.True(OaiHarvester.InAny(paper, ["cs.LG"]));
        Assert.True(OaiHarvester.InAny(paper, ["cs"]));
        Assert.False(OaiHarvester.InAny(paper, ["cs.AI"]));
        Assert.False(OaiHarvester.InAny(paper, ["c"]));
    }
}
