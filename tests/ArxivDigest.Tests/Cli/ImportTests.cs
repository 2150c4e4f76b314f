using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using ArxivDigest.Cli;
using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Tests.Cli;

/// <summary>
/// <c>arxiv-digest import</c> through the real CLI into a real SQLite file: the 200-line Kaggle fixture (plain and
/// gzip), malformed lines, interruption and resumption (by byte offset and by skipping gzip lines), re-import.
/// </summary>
public sealed class ImportTests : IDisposable
{
    private static readonly string Snapshot = Fixtures.At("kaggle/snapshot-head-200-lines.jsonl");

    private readonly CliRunner cli = new();

    public ImportTests() => File.WriteAllText(EmptyConfig, "");

    private string EmptyConfig => Path.Combine(cli.Dir, "empty.toml");

    public void Dispose() => cli.Dispose();

    private Task<CliResult> Import(string file, params string[] more) =>
        cli.RunAsync(["import", file, "--db", cli.Db, "--config", EmptyConfig, .. more]);

    private string Copy(string name, Func<string[], IEnumerable<string>>? change = null, bool finalNewline = true)
    {
        var lines = File.ReadAllLines(Snapshot);
        var text = string.Join('\n', change is null ? lines : change(lines)) + (finalNewline ? "\n" : "");
        var path = Path.Combine(cli.Dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    private string Gzip(string source)
    {
        var path = Path.Combine(cli.Dir, Path.GetFileName(source) + ".gz");
        using var input = File.OpenRead(source);
        using var output = new GZipStream(File.Create(path), CompressionLevel.Fastest);
        input.CopyTo(output);
        return path;
    }

    private List<string> Ids()
    {
        using var connection = new SqliteConnection($"Data Source={cli.Db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id FROM papers ORDER BY id";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private long Scalar(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={cli.Db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private string Text(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={cli.Db};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture) ?? "";
    }

    private static IEnumerable<string> FixtureIds(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"0704.{i:D4}");

    [Fact]
    public async Task Fixture_import_stores_200_papers_with_published_dates_and_prints_the_summary()
    {
        var r = await Import(Snapshot);

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Matches($@"^imported 200 papers \(0 malformed lines skipped\) from {Regex.Escape(Snapshot)} in \d+\.\d s\n$", r.Stdout);
        Assert.Equal(FixtureIds(1, 200), Ids());
        Assert.Equal(200, Scalar("SELECT count(published) FROM papers"));
        Assert.Equal(1, Scalar("SELECT count(*) FROM papers WHERE id = '0704.0001' AND version = 2 AND published = '2007-04-02'"));
        Assert.Equal(0, Scalar("SELECT count(*) FROM harvest_state")); // a finished import leaves no resume point
    }

    [Fact]
    public async Task Gzip_snapshot_imports_the_same_200_papers()
    {
        var r = await Import(Gzip(Copy("snapshot.jsonl")));

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Contains("imported 200 papers (0 malformed lines skipped)", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 200), Ids());
    }

    [Fact]
    public async Task Malformed_line_3_and_truncated_last_line_are_reported_with_numbers_and_the_rest_imported()
    {
        var file = Copy("broken.jsonl", lines =>
        {
            lines[2] = lines[2].Replace("\"title\":", "\"title\" ", StringComparison.Ordinal); // no colon
            lines[199] = lines[199][..(lines[199].Length / 2)];                               // cut, no newline
            return lines;
        }, finalNewline: false);

        var r = await Import(file);

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Contains($"warning: {file}:3: invalid JSON", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"warning: {file}:200: invalid JSON", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, r.Stderr.Split('\n').Count(l => l.StartsWith("warning: ", StringComparison.Ordinal)));
        Assert.Contains("imported 198 papers (2 malformed lines skipped)", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 200).Where(id => id is not "0704.0003" and not "0704.0200"), Ids());
    }

    [Fact]
    public async Task Interrupted_import_keeps_committed_batches_and_the_rerun_resumes_without_duplicates()
    {
        // Batches of 50 lines; line 60 is malformed. Its warning is printed just before batch 2 would commit, and the
        // stderr writer cancels there: batch 1 (lines 1-50) is committed with its resume point, batch 2 is not.
        var file = Copy("interrupted.jsonl", lines =>
        {
            lines[59] = "{not json";
            return lines;
        });
        using var cancel = new CancellationTokenSource();
        var stdout = new StringWriter();
        var stderr = new CancelOnWrite("warning:", cancel);
        var code = await CliApp.RunAsync(
            ["import", file, "--db", cli.Db, "--config", EmptyConfig, "--batch-size", "50"],
            new CliContext(stdout, stderr, cli.Environment, TimeProvider.System, Interactive: false),
            cancel.Token);

        Assert.True(code == ExitCodes.Cancelled, stderr.ToString());
        Assert.Contains($"{file}: interrupted after line 50; run the same command again to resume", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 50), Ids());
        Assert.Equal(1, Scalar("SELECT count(*) FROM harvest_state WHERE value LIKE '% line=50 offset=%'"));

        var again = await Import(file, "--batch-size", "50");

        Assert.True(again.ExitCode == ExitCodes.Success, again.Stderr);
        Assert.Contains($"{file}: resuming at line 51 (50 lines imported before)", again.Stderr, StringComparison.Ordinal);
        Assert.Contains($"warning: {file}:60: invalid JSON", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("imported 149 papers (1 malformed lines skipped)", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 200).Where(id => id != "0704.0060"), Ids());
        Assert.Equal(199, Scalar("SELECT count(*) FROM papers"));
        Assert.Equal(0, Scalar("SELECT count(*) FROM harvest_state"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_saved_resume_point_continues_after_line_100_by_offset_or_by_skipping_gzip_lines(bool gzip)
    {
        var plain = Copy("resume.jsonl");
        var file = gzip ? Gzip(plain) : plain;
        var offset = File.ReadAllLines(plain).Take(100).Sum(l => Encoding.UTF8.GetByteCount(l) + 1L);
        await SeedStateAsync(file, $"line=100 offset={offset}");

        var r = await Import(file);

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Contains($"{file}: resuming at line 101 (100 lines imported before)", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("imported 100 papers", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(FixtureIds(101, 200), Ids()); // exactly the lines after the resume point: the offset is right
    }

    [Fact]
    public async Task A_changed_file_starts_over_with_a_note()
    {
        var file = Copy("changed.jsonl");
        await SeedStateAsync(file, "line=100 offset=12345", size: 1);

        var r = await Import(file);

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Contains($"{file}: the file changed since the interrupted import (size or modification time); starting over", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 200), Ids());
    }

    [Fact]
    public async Task Reimport_is_idempotent_no_duplicate_rows()
    {
        var first = await Import(Snapshot);
        var updated = Text("SELECT group_concat(DISTINCT updated_at) FROM papers");
        var second = await Import(Snapshot, "--batch-size", "7");

        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.True(second.ExitCode == ExitCodes.Success, second.Stderr);
        Assert.Contains("imported 200 papers", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(200, Scalar("SELECT count(*) FROM papers"));
        Assert.Equal(200, Scalar("SELECT count(DISTINCT id || 'v' || version) FROM papers"));
        Assert.Equal(updated, Text("SELECT group_concat(DISTINCT updated_at) FROM papers")); // unchanged rows not rewritten
    }

    [Fact]
    public async Task Missing_file_exits_2_naming_it()
    {
        var missing = Path.Combine(cli.Dir, "nope.jsonl");
        var r = await Import(missing);

        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.Equal($"error: {missing}: no such file\n", r.Stderr);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public async Task A_gz_name_on_a_plain_file_exits_3()
    {
        var file = Path.Combine(cli.Dir, "plain.jsonl.gz");
        File.Copy(Snapshot, file);

        var r = await Import(file);

        Assert.Equal(ExitCodes.Source, r.ExitCode);
        Assert.Equal($"error: {file}: not a gzip file (the name ends in .gz)\n", r.Stderr);
        Assert.Equal(0, Scalar("SELECT count(*) FROM papers"));
    }

    [Fact]
    public async Task Corrupt_gzip_data_exits_3_keeping_the_papers_before_it()
    {
        var file = Gzip(Copy("corrupt.jsonl"));
        var bytes = File.ReadAllBytes(file);
        for (var i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++)
        {
            bytes[i] ^= 0x55;
        }

        File.WriteAllBytes(file, bytes);

        var r = await Import(file, "--batch-size", "10");

        Assert.Equal(ExitCodes.Source, r.ExitCode);
        Assert.Matches($@"(?m)^error: {Regex.Escape(file)}: after line \d+: corrupt gzip data \(.+\); the \d+ papers before it are imported$", r.Stderr);
        var ids = Ids();
        Assert.NotEmpty(ids);
        Assert.Equal(FixtureIds(1, ids.Count), ids); // a prefix of the file, no gaps
    }

    [Fact]
    public async Task A_file_without_one_readable_record_exits_3_after_reporting_its_lines()
    {
        var file = Path.Combine(cli.Dir, "notes.txt");
        File.WriteAllText(file, "hello\nworld\n");

        var r = await Import(file);

        Assert.Equal(ExitCodes.Source, r.ExitCode);
        Assert.Contains($"warning: {file}:1: invalid JSON", r.Stderr, StringComparison.Ordinal);
        Assert.Contains($"warning: {file}:2: invalid JSON", r.Stderr, StringComparison.Ordinal);
        Assert.EndsWith($"error: {file}: no line could be read as a snapshot record (2 malformed lines)\n", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_first_20_malformed_lines_are_printed_then_a_count()
    {
        var file = Copy("many-bad.jsonl", lines => lines.Select((l, i) => i % 5 == 4 ? "]" : l)); // 40 bad lines
        var r = await Import(file);

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Equal(20, r.Stderr.Split('\n').Count(l => l.StartsWith($"warning: {file}:", StringComparison.Ordinal) && l.Contains("invalid JSON", StringComparison.Ordinal)));
        Assert.Contains($"warning: {file}: 20 more malformed lines not shown", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("imported 160 papers (40 malformed lines skipped)", r.Stdout, StringComparison.Ordinal);
    }

    private async Task SeedStateAsync(string file, string progress, long? size = null)
    {
        var info = new FileInfo(file);
        var value = $"size={size ?? info.Length} mtime={info.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture)} {progress}";
        await using var store = await SqliteStore.OpenAsync(cli.Db, CancellationToken.None);
        await store.SaveHarvestStateAsync(ImportJob.StateKey(Path.GetFullPath(file)), value, DateTimeOffset.UtcNow, CancellationToken.None);
    }
}
