using ArxivDigest.Digests;
using ArxivDigest.Output;
using ArxivDigest.Rendering;

namespace ArxivDigest.Tests.Output;

/// <summary>Crash safety of the digest files: atomic writes, the status-carrying JSON last, abandoned temps removed.</summary>
public sealed class DigestWriterTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("arxiv-digest-writer-").FullName;

    private static readonly Digest Digest = new()
    {
        Name = "default",
        ListingDate = new DateOnly(2026, 3, 26),
        AnnouncedAt = new DateTimeOffset(2026, 3, 25, 20, 0, 0, TimeSpan.FromHours(-4)),
        GeneratedAt = new DateTimeOffset(2026, 3, 26, 9, 0, 0, TimeSpan.FromHours(8)),
        Categories = ["cs"],
        Groups = [],
    };

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void The_json_file_that_says_complete_is_written_after_the_other_formats_whatever_their_order()
    {
        var order = new List<string>();
        IDigestRenderer[] renderers = [new Recording(new JsonRenderer(), order), new Recording(new TextRenderer(), order), new Recording(new MarkdownRenderer(), order)];

        DigestWriter.Write(dir, Digest, renderers);

        Assert.Equal(["txt", "md", "json"], order);
    }

    [Fact]
    public void Temp_files_of_a_killed_writer_are_removed_and_no_temp_file_is_left_behind()
    {
        var target = Path.Combine(dir, "default");
        Directory.CreateDirectory(target);
        var abandoned = Path.Combine(target, "2026-03-26.txt.tmp-2147483646"); // no such process
        File.WriteAllText(abandoned, "half a dig");

        var (paths, _) = DigestWriter.Write(dir, Digest, [new TextRenderer(), new JsonRenderer()]);

        Assert.False(File.Exists(abandoned));
        Assert.Equal(paths.Order(StringComparer.Ordinal), Directory.GetFiles(target).Order(StringComparer.Ordinal));
        Assert.Equal(new TextRenderer().RenderToString(Digest), File.ReadAllText(paths[0]));
    }

    private sealed class Recording(IDigestRenderer inner, List<string> order) : IDigestRenderer
    {
        public string Format => inner.Format;

        public string Extension => inner.Extension;

        public void Render(Digest digest, TextWriter writer)
        {
            order.Add(Extension);
            inner.Render(digest, writer);
        }
    }
}
