using System.Text;
using System.Text.Json;
using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Arxiv;

public class KaggleSnapshotReaderTests
{
    private const string Snapshot = "kaggle/snapshot-head-200-lines.jsonl";

    public static TheoryData<string> AllFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Fixtures.Files("kaggle"))
        {
            data.Add(Path.GetFileName(f));
        }

        return data;
    }

    private static List<KaggleLine> ReadFixture(string relative)
    {
        using var reader = new StreamReader(Fixtures.At(relative));
        return [.. KaggleSnapshotReader.Read(reader, relative)];
    }

    /// <summary>Every snapshot fixture: line/paper/error counts, the errors, and the first 10 papers.</summary>
    [Theory]
    [MemberData(nameof(AllFiles))]
    public void Every_fixture_matches_its_golden(string file)
    {
        var lines = ReadFixture($"kaggle/{file}");
        var result = new
        {
            Lines = lines.Count,
            Papers = lines.Count(l => l.Paper is not null),
            Errors = lines.Where(l => l.Error is not null).Select(l => l.Error),
            First = lines.Where(l => l.Paper is not null).Take(10).Select(l => l.Paper),
        };
        Golden.AssertJson($"kaggle/{Path.GetFileNameWithoutExtension(file)}.json", result);
    }

    [Fact]
    public void Two_hundred_lines_give_two_hundred_papers()
    {
        var lines = ReadFixture(Snapshot);
        Assert.Equal(200, lines.Count);
        Assert.All(lines, l => Assert.Null(l.Error));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), lines.Select(l => l.LineNumber));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"0704.{i:D4}"), lines.Select(l => l.Paper!.Id));
        Assert.All(lines, l =>
        {
            var p = l.Paper!;
            Assert.NotEmpty(p.Title);
            Assert.DoesNotContain('\n', p.Title);
            Assert.False(p.Abstract.StartsWith(' '));
            Assert.NotEmpty(p.Authors);
            Assert.NotNull(p.Version);
            Assert.Equal(p.PrimaryCategory, p.Subjects[0].Code);
        });
    }

    [Fact]
    public void First_paper_fields_and_unicode_authors()
    {
        var p = ReadFixture(Snapshot)[0].Paper!;
        Assert.Equal("0704.0001", p.Id);
        Assert.Equal(2, p.Version);
        Assert.Equal("Calculation of prompt diphoton production cross sections at Tevatron and LHC energies", p.Title);
        // authors is "C. Bal\'azs, ..." (TeX); authors_parsed is Unicode.
        Assert.Equal("C. Balázs", p.Authors[0]);
        Assert.Equal(["C. Balázs", "E. L. Berger", "P. M. Nadolsky", "C.-P. Yuan"], p.Authors); // "C. -P." rejoined
        Assert.Equal("10.1103/PhysRevD.76.013009", p.Doi);
        Assert.Equal("Phys.Rev.D76:013009,2007", p.JournalRef);
        Assert.Equal("37 pages, 15 figures; published version", p.Comments);
        Assert.Equal([new Subject("hep-ph", "High Energy Physics - Phenomenology")], p.Subjects);
        Assert.StartsWith("A fully differential calculation in perturbative quantum chromodynamics is presented", p.Abstract, StringComparison.Ordinal);

        var second = ReadFixture(Snapshot)[1].Paper!;
        Assert.Null(second.Doi);
        Assert.Null(second.JournalRef);
        Assert.Equal(["math.CO", "cs.CG"], second.Subjects.Select(s => s.Code));

        var frenkel = ReadFixture(Snapshot).Single(l => l.Paper!.Id == "0704.0028").Paper!;
        Assert.Equal(["Péter E. Frenkel"], frenkel.Authors);
    }

    [Fact]
    public void Corrupted_line_reports_its_number_and_reading_continues()
    {
        var lines = File.ReadAllLines(Fixtures.At(Snapshot));
        lines[4] = lines[4][..(lines[4].Length / 2)]; // line 5 cut mid-record
        using var reader = new StringReader(string.Join('\n', lines));
        var result = KaggleSnapshotReader.Read(reader, "corrupted").ToList();

        Assert.Equal(200, result.Count);
        var bad = Assert.Single(result, l => l.Error is not null);
        Assert.Equal(5, bad.LineNumber);
        Assert.Null(bad.Paper);
        Assert.StartsWith("line 5: invalid JSON", bad.Error, StringComparison.Ordinal);
        Assert.Equal("0704.0006", result[5].Paper!.Id);
        Assert.Equal(199, result.Count(l => l.Paper is not null));
    }

    [Fact]
    public void Missing_id_or_title_and_non_objects_are_errors()
    {
        var text = string.Join('\n',
            "\uFEFF" + """{"title":"No id here"}""",
            """{"id":"0704.0001","title":null}""",
            "",
            "[1,2,3]",
            """{"id":12,"title":"numeric id"}""",
            """{"id":"2501.01234","title":"Fine","authors":"A. One, B. Two and C. Three","categories":"cs.AI"}""");
        using var reader = new StringReader(text);
        var result = KaggleSnapshotReader.Read(reader, "synthetic").ToList();

        Assert.Equal(5, result.Count); // the blank line 3 is skipped
        Assert.Equal("line 1: missing id", result[0].Error);
        Assert.Equal("line 2: 0704.0001: missing title", result[1].Error);
        Assert.Equal(4, result[2].LineNumber);
        Assert.StartsWith("line 4: expected a JSON object", result[2].Error, StringComparison.Ordinal);
        Assert.StartsWith("line 5: unexpected value", result[3].Error, StringComparison.Ordinal);
        var fine = result[4].Paper!;
        Assert.Equal(["A. One", "B. Two", "C. Three"], fine.Authors); // no authors_parsed: split the string
        Assert.Null(fine.Version);
    }

    [Fact]
    public void Reading_is_lazy()
    {
        // An endless snapshot: only streaming can take the first three lines.
        using var reader = new EndlessReader(File.ReadLines(Fixtures.At(Snapshot)).First());
        var first = KaggleSnapshotReader.Read(reader, "endless").Take(3).ToList();
        Assert.Equal([1L, 2L, 3L], first.Select(l => l.LineNumber));
        Assert.All(first, l => Assert.Equal("0704.0001", l.Paper!.Id));
    }

    [Fact]
    public void Stream_reader_gives_the_same_papers_and_the_byte_offset_after_each_line()
    {
        using var stream = File.OpenRead(Fixtures.At(Snapshot));
        var fromStream = KaggleSnapshotReader.Read(stream, Snapshot).ToList();
        var fromText = ReadFixture(Snapshot);

        Assert.Equal(fromText.Count, fromStream.Count);
        Assert.All(fromText.Zip(fromStream), pair => Assert.True(pair.First.Paper!.ContentEquals(pair.Second.Paper!), pair.First.Paper!.Id));
        var bytes = File.ReadAllBytes(Fixtures.At(Snapshot));
        var ends = new List<long>();
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                ends.Add(i + 1);
            }
        }

        Assert.Equal(ends, fromStream.Select(l => l.EndOffset));
    }

    /// <summary>The one-pass reader against a plain JsonDocument reading of every fixture line (the reference).</summary>
    [Fact]
    public void Fields_equal_a_reference_reading_with_JsonDocument()
    {
        foreach (var (line, paper) in File.ReadLines(Fixtures.At(Snapshot)).Zip(ReadFixture(Snapshot).Select(l => l.Paper!)))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            string? Get(string name) => root.GetProperty(name).GetString();
            Assert.Equal(Text.Normalize(Get("title")), paper.Title);
            Assert.Equal(Text.Normalize(Get("abstract")), paper.Abstract);
            Assert.Equal(Text.NormalizeOptional(Get("comments")), paper.Comments);
            Assert.Equal(Text.NormalizeOptional(Get("journal-ref")), paper.JournalRef);
            Assert.Equal(Text.NormalizeOptional(Get("doi")), paper.Doi);
            var authors = root.GetProperty("authors_parsed").EnumerateArray()
                .Select(a => AuthorNames.Join(a[1].GetString(), a[0].GetString(), a[2].GetString()).Replace(". -", ".-", StringComparison.Ordinal));
            Assert.Equal(authors, paper.Authors);
            var versions = root.GetProperty("versions").EnumerateArray().ToList();
            Assert.Equal(versions.Max(v => int.Parse(v.GetProperty("version").GetString()![1..], System.Globalization.CultureInfo.InvariantCulture)), paper.Version);
            var created = DateTimeOffset.Parse(versions[0].GetProperty("created").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(DateOnly.FromDateTime(created.UtcDateTime), paper.Published);
        }
    }

    [Theory]
    [InlineData("Mon, 2 Apr 2007 19:18:42 GMT", "2007-04-02")]
    [InlineData("Sat, 31 Mar 2007 02:26:18 GMT", "2007-03-31")]
    [InlineData("Tue, 29 Feb 2000 00:00:01 GMT", "2000-02-29")]
    [InlineData("2019-05-01T10:00:00Z", "2019-05-01")]
    public void Created_dates_are_read(string created, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), KaggleLineParser.ParseCreated(created));

    [Theory]
    [InlineData("Mon, 31 Feb 2007 19:18:42 GMT")]
    [InlineData("yesterday")]
    [InlineData("")]
    public void Unreadable_created_dates_give_no_published_date(string created) => Assert.Null(KaggleLineParser.ParseCreated(created));

    [Fact]
    public void Stream_reader_handles_bom_crlf_blank_lines_and_a_missing_final_newline()
    {
        var first = File.ReadLines(Fixtures.At(Snapshot)).First();
        var text = "\uFEFF" + first + "\r\n\r\n   \n" + first.Replace("0704.0001", "0704.0002", StringComparison.Ordinal);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var lines = KaggleSnapshotReader.Read(stream, "mixed").ToList();

        Assert.Equal([1L, 4L], lines.Select(l => l.LineNumber));
        Assert.Equal(["0704.0001", "0704.0002"], lines.Select(l => l.Paper!.Id));
        Assert.Equal(stream.Length, lines[^1].EndOffset);
    }

    [Fact]
    public void Stream_reader_starts_at_a_given_line_number_or_skips_lines_unparsed()
    {
        var bytes = File.ReadAllBytes(Fixtures.At(Snapshot));
        using (var all = new MemoryStream(bytes))
        {
            var skipped = KaggleSnapshotReader.Read(all, "skip", 1, skipThrough: 150).ToList();
            Assert.Equal(Enumerable.Range(151, 50).Select(i => (long)i), skipped.Select(l => l.LineNumber));
            Assert.Equal("0704.0151", skipped[0].Paper!.Id);
        }

        var offset = Array.IndexOf(bytes, (byte)'\n') + 1; // after line 1
        using var rest = new MemoryStream(bytes, offset, bytes.Length - offset);
        var lines = KaggleSnapshotReader.Read(rest, "rest", firstLineNumber: 2).ToList();
        Assert.Equal(199, lines.Count);
        Assert.Equal(2, lines[0].LineNumber);
        Assert.Equal("0704.0002", lines[0].Paper!.Id);
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_reported_and_skipped_with_bounded_memory()
    {
        var first = File.ReadLines(Fixtures.At(Snapshot)).First();
        var huge = "{\"id\":\"0704.0009\",\"title\":\"" + new string('x', KaggleSnapshotReader.MaxLineBytes + 10) + "\"}";
        var text = first + "\n" + huge + "\n" + first.Replace("0704.0001", "0704.0003", StringComparison.Ordinal) + "\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        var lines = KaggleSnapshotReader.Read(stream, "huge").ToList();

        Assert.Equal([1L, 2L, 3L], lines.Select(l => l.LineNumber));
        Assert.Equal("line 2: longer than 16 MiB, skipped", lines[1].Error);
        Assert.Equal("0704.0003", lines[2].Paper!.Id);
        Assert.Equal(stream.Length, lines[2].EndOffset);
    }

    private sealed class EndlessReader(string line) : TextReader
    {
        public override string ReadLine() => line;
    }
}
