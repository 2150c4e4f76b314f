using System.Runtime.CompilerServices;
using ArxivDigest.Digests;
using ArxivDigest.Output;
using ArxivDigest.Rendering;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Output;

public sealed class TemplateRendererTests : IDisposable
{
    private static readonly DigestSpec Spec = new()
    {
        Categories = ["cs"],
        Queries = ["reinforcement learning", "diffusion policy"],
        Language = "zh",
        DisplayZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
    };

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "template-renderer-" + Guid.NewGuid().ToString("N"));

    public TemplateRendererTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Example_text_template_reproduces_the_built_in_text_renderer_byte_for_byte()
    {
        var digest = await ReferenceDigestAsync();
        Assert.Equal(33, digest.Count);
        var renderer = TemplateRenderer.Load("text", "txt", DocsTemplate("digest.txt.scriban"));

        var expected = new TextRenderer().RenderToString(digest);
        var actual = renderer.RenderToString(digest);

        Assert.Equal("text", renderer.Format);
        Assert.Equal("txt", renderer.Extension);
        Assert.False(actual.EndsWith('\n'));
        var e = expected.Split('\n');
        var a = actual.Split('\n');
        for (var i = 0; i < Math.Min(e.Length, a.Length); i++)
        {
            Assert.True(e[i] == a[i], $"line {i + 1} differs:\n expected: {e[i]}\n actual:   {a[i]}");
        }

        Assert.Equal(expected, actual);
    }

    [Fact]
    public async Task Example_text_template_prints_tldr_lines_like_the_built_in_renderer()
    {
        var digest = await ReferenceDigestAsync();
        var first = digest.Groups[0];
        digest = digest with { Groups = [first with { Papers = [first.Papers[0] with { Tldr = "一句话总结" }, .. first.Papers.Skip(1)] }, .. digest.Groups.Skip(1)] };
        var renderer = TemplateRenderer.Load("text", "txt", DocsTemplate("digest.txt.scriban"));
        Assert.Equal(new TextRenderer().RenderToString(digest), renderer.RenderToString(digest));
    }

    [Theory]
    [InlineData("digest.md.scriban", "markdown", "md")]
    [InlineData("digest.html.scriban", "html", "html")]
    public async Task Other_example_templates_parse_and_render(string file, string format, string extension)
    {
        var digest = await ReferenceDigestAsync();
        var output = TemplateRenderer.Load(format, extension, DocsTemplate(file)).RenderToString(digest);
        Assert.Contains(digest.Groups[0].Papers[0].Paper.AbsUrl, output, StringComparison.Ordinal);
        Assert.Contains(Labels.Chinese.Count(33), output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Custom_template_sees_the_model_fields()
    {
        var digest = await ReferenceDigestAsync();
        var first = digest.Groups[0].Papers[0];
        var path = Write("custom.scriban", """
            count={{ digest.count }}
            name={{ digest.name }} date={{ digest.listing_date }} et={{ digest.announced_at_et }} status={{ digest.status }} lang={{ digest.language }}
            first={{ digest.groups[0].papers[0].title }}
            zh={{ digest.groups[0].papers[0].title_translated }}
            tldr=[{{ digest.groups[0].papers[0].tldr }}]
            id={{ digest.groups[0].papers[0].id }}v{{ digest.groups[0].papers[0].version }} authors={{ digest.groups[0].papers[0].authors | array.size }}
            subjects={{ digest.groups[0].papers[0].subjects_text }}
            query={{ digest.groups[0].query }} matched={{ digest.groups[0].papers[0].matched }}
            """);

        var lines = TemplateRenderer.Load("text", "txt", path).RenderToString(digest).Split('\n');

        Assert.Equal("count=33", lines[0]);
        Assert.Equal($"name={digest.Name} date=2026-03-26 et=2026-03-25 20:00 EDT status=complete lang=zh", lines[1]);
        Assert.Equal($"first={first.Paper.Title}", lines[2]);
        Assert.Equal($"zh={first.Title.Text}", lines[3]);
        Assert.Equal("tldr=[]", lines[4]);
        Assert.Equal($"id={first.Paper.Id}v1 authors={first.Paper.Authors.Count}", lines[5]);
        Assert.Equal($"subjects={string.Join("; ", first.Paper.Subjects)}", lines[6]);
        Assert.Equal($"query={digest.Groups[0].Query} matched={first.Matched}", lines[7]);
    }

    [Fact]
    public async Task Missing_translation_shows_the_label_marker()
    {
        var reference = ReferenceDigest.Load();
        var digest = await DigestBuilder.BuildAsync(reference.Papers, Spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, new ArxivDigest.Translation.NoneTranslator(), CancellationToken.None);
        var path = Write("marker.scriban", "{{ digest.groups[0].papers[0].title_translated }}|{{ digest.groups[0].papers[0].abstract_translated }}");
        Assert.Equal($"{Labels.Chinese.NotTranslated}|{Labels.Chinese.NotTranslated}", TemplateRenderer.Load("text", "txt", path).RenderToString(digest));
    }

    [Fact]
    public void Syntax_error_reports_the_path_and_line()
    {
        var path = Write("broken.scriban", "line one\nline two\n{{ for p in }}\n");
        var e = Assert.Throws<FormatException>(() => TemplateRenderer.Load("text", "txt", path));
        Assert.StartsWith(path + "(3,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_function_is_a_format_error_with_the_path_and_position()
    {
        var digest = await ReferenceDigestAsync();
        var path = Write("unknown.scriban", "ok\n{{ no_such_function digest.name }}");
        var renderer = TemplateRenderer.Load("text", "txt", path);
        var e = Assert.Throws<FormatException>(() => renderer.RenderToString(digest));
        Assert.StartsWith(path + "(2,", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Html_escape_and_escape_neutralise_markup_in_titles()
    {
        var digest = await ReferenceDigestAsync();
        var group = digest.Groups[0];
        var evil = group.Papers[0] with { Paper = group.Papers[0].Paper with { Title = "<script>alert('x')</script> & \"q\"" } };
        digest = digest with { Groups = [group with { Papers = [evil, .. group.Papers.Skip(1)] }, .. digest.Groups.Skip(1)] };
        var path = Write("html.scriban", "{{ p = digest.groups[0].papers[0] }}<h3>{{ p.title | html.escape }}</h3>|{{ escape p.title }}|{{ p.title }}");

        var parts = TemplateRenderer.Load("html", "html", path).RenderToString(digest).Split('|');

        Assert.DoesNotContain("<script>", parts[0], StringComparison.Ordinal);
        Assert.StartsWith("<h3>&lt;script&gt;alert(", parts[0], StringComparison.Ordinal);
        Assert.Equal("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;", parts[1]);
        Assert.Equal(evil.Paper.Title, parts[2]);
    }

    private static async Task<Digest> ReferenceDigestAsync()
    {
        var reference = ReferenceDigest.Load();
        return await DigestBuilder.BuildAsync(reference.Papers, Spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, reference.Translator(), CancellationToken.None);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string DocsTemplate(string name, [CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "..", "docs", "templates", name));
}
