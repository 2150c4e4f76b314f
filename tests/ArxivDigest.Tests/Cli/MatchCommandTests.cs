using System.IO.Compression;
using System.Text.Json;
using ArxivDigest.Arxiv;
using ArxivDigest.Matching;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Cli;

/// <summary><c>arxiv-digest match</c> over the real Kaggle snapshot sample, through the CLI.</summary>
public sealed class MatchCommandTests : IDisposable
{
    private static readonly string Snapshot = Fixtures.At("kaggle/snapshot-head-200-lines.jsonl");

    private static readonly string[] Queries =
    [
        "quantum", "black hole*", "ti:graph OR abs:lattice", "cat:math.CO", "cat:hep-ph -photon", "au:Balazs",
        "\"dark matter\"", "neutrino* AND NOT cat:astro-ph", "=QCD", "co:pages",
    ];

    private readonly CliRunner cli = new();

    public void Dispose() => cli.Dispose();

    private static List<(string Id, string[] Queries)> ParseJsonLines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Select(e => (e.GetProperty("id").GetString()!, e.GetProperty("queries").EnumerateArray().Select(q => q.GetString()!).ToArray()))
            .ToList();

    private Task<CliResult> Match(string file, params string[] extra) =>
        cli.RunAsync(["match", file, .. Queries.SelectMany(q => new[] { "--query", q }), .. extra]);

    [Fact]
    public async Task Json_output_equals_the_reference_matcher_over_every_paper_of_the_snapshot()
    {
        var result = await Match(Snapshot, "--format", "json");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var reader = new StreamReader(Snapshot);
        var expected = KaggleSnapshotReader.Read(reader, Snapshot)
            .Where(l => l.Paper is not null)
            .Select(l => (l.Paper!.Id, Queries.Where(q => Query.Parse(q).Match(l.Paper!) is not null).ToArray()))
            .Where(x => x.Item2.Length > 0)
            .ToList();
        var actual = ParseJsonLines(result.Stdout);
        Assert.True(expected.Count > 10, "the sample should match a good number of papers");
        Assert.Equal(expected.Select(e => $"{e.Id}: {string.Join(" | ", e.Item2)}"), actual.Select(a => $"{a.Id}: {string.Join(" | ", a.Queries)}"));
        Assert.Contains("scanned 200 papers (0 malformed lines skipped)", result.Stderr);
    }

    /// <summary>Queries that read only title, abstract and comments: the scanner's fast text read, no papers built for --count.</summary>
    private static readonly string[] TextQueries =
    [
        "quantum", "black hole*", "ti:graph OR abs:lattice", "\"dark matter\"", "=QCD", "co:pages", "neutrino -photon",
        "model-based", "NOT survey", "field AND (theory OR theories)", "pi", "diffus*", "studying", "calculated",
    ];

    /// <param name="wordsOnly">Without prefixes and exact-case terms: fields are then read as raw bytes, not decoded.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Text_only_queries_give_exactly_the_reference_matcher_s_papers_and_counts(bool wordsOnly)
    {
        var queries = TextQueries.Where(q => !wordsOnly || !(q.Contains('*') || q.Contains('='))).ToArray();
        Assert.Equal(wordsOnly, new QuerySet(queries.Select(Query.Parse)).ScansWordsOnly);
        var args = queries.SelectMany(q => new[] { "--query", q }).ToArray();
        var json = await cli.RunAsync(["match", Snapshot, .. args, "--format", "json"]);
        var count = await cli.RunAsync(["match", Snapshot, .. args, "--count"]);

        Assert.True(json.ExitCode == 0, json.Stderr);
        Assert.True(count.ExitCode == 0, count.Stderr);
        using var reader = new StreamReader(Snapshot);
        var papers = KaggleSnapshotReader.Read(reader, Snapshot).Where(l => l.Paper is not null).Select(l => l.Paper!).ToList();
        var expected = papers
            .Select(p => (p.Id, queries.Where(q => Query.Parse(q).Match(p) is not null).ToArray()))
            .Where(x => x.Item2.Length > 0)
            .Select(e => $"{e.Id}: {string.Join(" | ", e.Item2)}")
            .ToList();
        Assert.True(expected.Count > 100, "NOT survey alone matches most of the sample");
        Assert.Equal(expected, ParseJsonLines(json.Stdout).Select(a => $"{a.Id}: {string.Join(" | ", a.Queries)}"));
        Assert.Equal(
            queries.Select(q => $"{papers.Count(p => Query.Parse(q).Match(p) is not null)}\t{q}"),
            count.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("scanned 200 papers (0 malformed lines skipped)", count.Stderr);
    }

    [Fact]
    public async Task A_query_counts_the_papers_with_any_inflection_of_its_words_and_an_exact_one_only_its_own()
    {
        var result = await cli.RunAsync("match", Snapshot, "--query", "studying", "--query", "=studying", "--count");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var reader = new StreamReader(Snapshot);
        var texts = KaggleSnapshotReader.Read(reader, Snapshot).Where(l => l.Paper is not null)
            .Select(l => l.Paper!.Title + " " + l.Paper!.Abstract).ToList();
        int Count(string pattern) => texts.Count(t => System.Text.RegularExpressions.Regex.IsMatch(t, pattern));
        var anyForm = Count(@"\b(?i:study|studies|studied|studying)\b");
        Assert.True(anyForm > Count(@"\bstudying\b"), "the sample has papers with other forms of study");
        Assert.Equal([$"{anyForm}\tstudying", $"{Count(@"\bstudying\b")}\t=studying"], result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_gzipped_snapshot_gives_the_same_matches_as_the_plain_file()
    {
        var gz = Path.Combine(cli.Dir, "snapshot.jsonl.gz");
        await using (var output = File.Create(gz))
        await using (var zip = new GZipStream(output, CompressionLevel.Fastest))
        await using (var input = File.OpenRead(Snapshot))
        {
            await input.CopyToAsync(zip);
        }

        var plain = await Match(Snapshot);
        var zipped = await Match(gz);

        Assert.Equal(0, zipped.ExitCode);
        Assert.NotEmpty(plain.Stdout);
        Assert.Equal(plain.Stdout, zipped.Stdout);
    }

    [Fact]
    public async Task Malformed_lines_are_reported_with_their_line_numbers_and_the_rest_still_matches()
    {
        var lines = await File.ReadAllLinesAsync(Snapshot);
        var broken = lines.ToList();
        broken[2] = "{\"id\": \"0704.0003\", \"title\": \"broken"; // line 3: cut in the middle
        broken[9] = "[1, 2, 3]";                                  // line 10: not an object
        broken[^1] = broken[^1][..40];                            // last line truncated
        var file = Path.Combine(cli.Dir, "broken.jsonl");
        await File.WriteAllLinesAsync(file, broken);

        var result = await cli.RunAsync("match", file, "--query", "quantum", "--count");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"warning: {file}:3: invalid JSON", result.Stderr);
        Assert.Contains($"warning: {file}:10: expected a JSON object", result.Stderr);
        Assert.Contains($"warning: {file}:200: invalid JSON", result.Stderr);
        Assert.Contains("scanned 197 papers (3 malformed lines skipped)", result.Stderr);
    }

    [Fact]
    public async Task Count_prints_the_number_of_papers_per_query_in_query_order()
    {
        var result = await Match(Snapshot, "--count");
        var json = ParseJsonLines((await Match(Snapshot, "--format", "json")).Stdout);

        Assert.Equal(0, result.ExitCode);
        var expected = Queries.Select(q => $"{json.Count(j => j.Queries.Contains(q))}\t{q}");
        Assert.Equal(expected, result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task A_bad_query_is_a_usage_error_with_its_position_and_nothing_is_scanned()
    {
        var result = await cli.RunAsync("match", Snapshot, "--query", "quantum", "--query", "ti:(graph OR");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --query: query \"ti:(graph OR\": at character 13: expected a term after 'OR'", result.Stderr);
        Assert.DoesNotContain("scanned", result.Stderr);
    }

    [Fact]
    public async Task A_queries_file_error_names_its_file_and_line()
    {
        var queries = Path.Combine(cli.Dir, "queries.txt");
        await File.WriteAllLinesAsync(queries, ["# my queries", "quantum", "", "\"dark matter"]);

        var result = await cli.RunAsync("match", Snapshot, "--queries-file", queries);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: {queries}:4: query \"\"dark matter\": at character 1: unterminated quote", result.Stderr);
    }

    [Fact]
    public async Task A_missing_snapshot_file_is_a_usage_error_naming_it()
    {
        var missing = Path.Combine(cli.Dir, "nope.jsonl");

        var result = await cli.RunAsync("match", missing, "--query", "quantum");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"error: {missing}: snapshot file not found", result.Stderr);
    }
}
