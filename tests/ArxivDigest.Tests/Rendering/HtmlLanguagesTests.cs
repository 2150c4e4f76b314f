using ArxivDigest.Digests;
using ArxivDigest.Rendering;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Rendering;

public sealed class HtmlLanguagesTests
{
    private static async Task<(Digest Digest, ReferenceDigest Reference)> Reference()
    {
        var reference = ReferenceDigest.Load();
        var spec = new DigestSpec { Queries = ["reinforcement learning", "diffusion policy"], DisplayZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai") };
        var digest = await DigestBuilder.BuildAsync(reference.Papers, spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, reference.Translator(), CancellationToken.None);
        return (digest, reference);
    }

    [Fact]
    public async Task Original_only_shows_no_translation_and_translation_only_hides_translated_english_abstracts()
    {
        var (digest, reference) = await Reference();
        var first = reference.Entries[0];

        var both = new HtmlRenderer(HtmlLanguages.Both).RenderToString(digest);
        var original = new HtmlRenderer(HtmlLanguages.Original).RenderToString(digest);
        var translation = new HtmlRenderer(HtmlLanguages.Translation).RenderToString(digest);

        Assert.Contains(first.AbstractZh, both);
        Assert.Contains("<h4>Abstract</h4>", both);
        Assert.DoesNotContain(first.AbstractZh, original);
        Assert.DoesNotContain(first.TitleZh, original);
        Assert.Contains("<h4>Abstract</h4>", original);
        Assert.Contains(first.AbstractZh, translation);
        Assert.DoesNotContain("<h4>Abstract</h4>", translation);
        Assert.Equal(both, new HtmlRenderer().RenderToString(digest));
    }

    [Fact]
    public async Task Translation_only_still_shows_the_english_abstract_when_there_is_no_translation()
    {
        var reference = ReferenceDigest.Load();
        var digest = await DigestBuilder.BuildAsync(reference.Papers, new DigestSpec { Queries = ["reinforcement learning"] }, new DateOnly(2026, 3, 26), reference.GeneratedAt, new ArxivDigest.Translation.NoneTranslator(), CancellationToken.None);

        var html = new HtmlRenderer(HtmlLanguages.Translation).RenderToString(digest);

        Assert.Contains("<h4>Abstract</h4>", html);
    }
}
