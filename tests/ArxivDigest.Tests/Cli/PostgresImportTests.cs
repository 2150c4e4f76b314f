using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ArxivDigest.Arxiv;
using ArxivDigest.Cli;
using ArxivDigest.Papers;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Npgsql;

namespace ArxivDigest.Tests.Cli;

/// <summary>
/// <c>arxiv-digest import --db &lt;PostgreSQL&gt;</c> through the real CLI, each test in a fresh schema: the 200-line
/// Kaggle fixture stored exactly as the row-by-row upsert stores it and searchable at once, malformed lines,
/// interruption and resumption, re-import, a paper listed twice in one batch, and an unreachable server.
/// </summary>
public sealed class PostgresImportTests : IAsyncLifetime
{
    private static readonly string Snapshot = Fixtures.At("kaggle/snapshot-head-200-lines.jsonl");

    private readonly CliRunner cli = new();
    private readonly List<string> schemas = [];
    private string db = "";

    private string EmptyConfig => Path.Combine(cli.Dir, "empty.toml");

    public Task InitializeAsync()
    {
        File.WriteAllText(EmptyConfig, "");
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        cli.Dispose();
        foreach (var schema in schemas)
        {
            await Postgres.DropSchemaAsync(schema);
        }
    }

    /// <summary>A connection string to a new empty schema (the CLI creates the tables).</summary>
    private async Task<string> NewDbAsync()
    {
        var (cs, schema) = await Postgres.CreateSchemaAsync();
        schemas.Add(schema);
        return cs;
    }

    private async Task<string> DbAsync() => db = db.Length > 0 ? db : await NewDbAsync();

    private async Task<CliResult> Import(string file, params string[] more) =>
        await cli.RunAsync(["import", file, "--db", await DbAsync(), "--config", EmptyConfig, .. more]);

    private async Task<CliResult> Search(string query) =>
        await cli.RunAsync(["search", query, "--db", await DbAsync(), "--config", EmptyConfig, "--limit", "50"]);

    private string Copy(string name, Func<string[], IEnumerable<string>> change)
    {
        var path = Path.Combine(cli.Dir, name);
        File.WriteAllText(path, string.Join('\n', change(File.ReadAllLines(Snapshot))) + "\n", new UTF8Encoding(false));
        return path;
    }

    private async Task<List<string>> Rows(string sql, string? connectionString = null)
    {
        await using var connection = new NpgsqlConnection(connectionString ?? await DbAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join(" | ", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private async Task<long> Scalar(string sql) => long.Parse((await Rows(sql)).Single(), CultureInfo.InvariantCulture);

    private Task<List<string>> Ids() => Rows("SELECT id FROM papers ORDER BY id");

    private static IEnumerable<string> FixtureIds(int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => $"0704.{i:D4}");

    /// <summary>Every stored column but the two timestamps, search document included, one line per paper.</summary>
    private const string Content = """
        SELECT id, version, title, authors_json, abstract, comments, journal_ref, doi, primary_category, subjects_json,
               published::text, search_doc::text
        FROM papers ORDER BY id, version
        """;

    [PostgresFact]
    public async Task Fixture_import_stores_200_papers_with_search_documents_and_search_finds_them()
    {
        var r = await Import(Snapshot, "--batch-size", "64");

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Matches($@"^imported 200 papers \(0 malformed lines skipped\) from {Regex.Escape(Snapshot)} in \d+\.\d s\n$", r.Stdout);
        Assert.Equal(FixtureIds(1, 200), await Ids());
        Assert.Equal(200, await Scalar("SELECT count(published) FROM papers"));
        Assert.Equal(1, await Scalar("SELECT count(*) FROM papers WHERE id = '0704.0001' AND version = 2 AND published = '2007-04-02'"));
        Assert.Equal(0, await Scalar("SELECT count(*) FROM papers WHERE search_doc IS NULL")); // written by the import, not by the first search
        Assert.Equal(0, await Scalar("SELECT count(*) FROM harvest_state")); // a finished import leaves no resume point

        var title = await Search("ti:\"diphoton production\"");
        var quantum = await Search("quantum");

        Assert.True(title.ExitCode == ExitCodes.Success, title.Stderr);
        Assert.StartsWith("1. 0704.0001v2  ", title.Stdout, StringComparison.Ordinal);
        Assert.Contains("   Calculation of prompt diphoton production cross sections at Tevatron and LHC energies\n", title.Stdout, StringComparison.Ordinal);
        Assert.True(quantum.ExitCode == ExitCodes.Success, quantum.Stderr);
        Assert.True(Regex.Matches(quantum.Stdout, @"(?m)^\d+\. 0704\.\d{4}v\d+  ").Count >= 5, quantum.Stdout);
    }

    [PostgresFact]
    public async Task Imported_rows_are_exactly_what_the_row_by_row_upsert_stores()
    {
        var r = await Import(Snapshot, "--batch-size", "50");
        var reference = await NewDbAsync();
        await using (var store = await PostgresStore.OpenAsync(reference, CancellationToken.None))
        {
            using var reader = new StreamReader(Snapshot);
            var papers = KaggleSnapshotReader.Read(reader, "kaggle").Select(l => l.Paper!).ToList();
            await store.SavePapersAsync(papers, "kaggle", DateTimeOffset.UnixEpoch, CancellationToken.None);
        }

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        var imported = await Rows(Content);
        Assert.Equal(200, imported.Count);
        Assert.Equal(await Rows(Content, reference), imported);
    }

    [PostgresFact]
    public async Task Malformed_line_3_is_reported_with_its_number_and_the_other_199_imported()
    {
        var file = Copy("broken.jsonl", lines =>
        {
            lines[2] = lines[2].Replace("\"title\":", "\"title\" ", StringComparison.Ordinal); // no colon
            return lines;
        });

        var r = await Import(file, "--batch-size", "40");

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Contains($"warning: {file}:3: invalid JSON", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Split('\n'), l => l.StartsWith("warning: ", StringComparison.Ordinal));
        Assert.Contains("imported 199 papers (1 malformed lines skipped)", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 200).Where(id => id != "0704.0003"), await Ids());
    }

    [PostgresFact]
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
        var stderr = new CancelOnWrite("warning:", cancel);
        var code = await CliApp.RunAsync(
            ["import", file, "--db", await DbAsync(), "--config", EmptyConfig, "--batch-size", "50"],
            new CliContext(new StringWriter(), stderr, cli.Environment, TimeProvider.System, Interactive: false),
            cancel.Token);

        Assert.True(code == ExitCodes.Cancelled, stderr.ToString());
        Assert.Contains($"{file}: interrupted after line 50; run the same command again to resume", stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 50), await Ids());
        Assert.Equal(1, await Scalar("SELECT count(*) FROM harvest_state WHERE value LIKE '% line=50 offset=%'"));

        var again = await Import(file, "--batch-size", "50");

        Assert.True(again.ExitCode == ExitCodes.Success, again.Stderr);
        Assert.Contains($"{file}: resuming at line 51 (50 lines imported before)", again.Stderr, StringComparison.Ordinal);
        Assert.Contains($"warning: {file}:60: invalid JSON", again.Stderr, StringComparison.Ordinal);
        Assert.Contains("imported 149 papers (1 malformed lines skipped)", again.Stdout, StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 200).Where(id => id != "0704.0060"), await Ids());
        Assert.Equal(199, await Scalar("SELECT count(*) FROM papers"));
        Assert.Equal(0, await Scalar("SELECT count(*) FROM harvest_state"));
    }

    [PostgresFact]
    public async Task Reimport_is_idempotent_no_duplicate_rows_and_unchanged_rows_not_rewritten()
    {
        var first = await Import(Snapshot);
        var before = await Rows("SELECT id, version, updated_at, xmin::text FROM papers ORDER BY id, version");
        var second = await Import(Snapshot, "--batch-size", "7");

        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.True(second.ExitCode == ExitCodes.Success, second.Stderr);
        Assert.Contains("imported 200 papers", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(200, await Scalar("SELECT count(*) FROM papers"));
        Assert.Equal(before, await Rows("SELECT id, version, updated_at, xmin::text FROM papers ORDER BY id, version"));
    }

    [PostgresFact]
    public async Task A_changed_paper_is_rewritten_and_a_paper_listed_twice_in_one_batch_is_saved_as_its_last_line()
    {
        await Import(Snapshot);
        var before = await Rows("SELECT id, updated_at, xmin::text FROM papers WHERE id IN ('0704.0005', '0704.0006') ORDER BY id");
        var file = Copy("twice.jsonl", lines =>
        [
            .. lines,
            lines[4].Replace("\"title\":\"", "\"title\":\"Zeppelin tokamak ", StringComparison.Ordinal),
        ]);

        var r = await Import(file);

        Assert.True(r.ExitCode == ExitCodes.Success, r.Stderr);
        Assert.Contains("imported 201 papers (0 malformed lines skipped)", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(FixtureIds(1, 200), await Ids());
        var after = await Rows("SELECT id, updated_at, xmin::text FROM papers WHERE id IN ('0704.0005', '0704.0006') ORDER BY id");
        Assert.NotEqual(before[0], after[0]); // the changed paper is rewritten
        Assert.Equal(before[1], after[1]);    // its unchanged neighbour is not
        var title = Assert.Single(await Rows("SELECT title FROM papers WHERE id = '0704.0005'"));
        Assert.StartsWith("Zeppelin tokamak ", title, StringComparison.Ordinal);
        var hit = await Search("ti:\"zeppelin tokamak\"");
        Assert.StartsWith("1. 0704.0005v", hit.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_batch_keeps_one_paper_per_key_in_key_order_the_last_line_with_an_earlier_published_date()
    {
        var date = new DateOnly(2007, 4, 2);
        Paper P(string id, int? version, string title, DateOnly? published = null) =>
            new() { Id = id, Version = version, Title = title, Abstract = "", Published = published };

        var unique = PostgresStore.UniqueByKey(
        [
            P("0704.0002", 1, "b"),
            P("0704.0001", 2, "first", date),
            P("0704.0001", 1, "older version"),
            P("0704.0001", 2, "last"),
        ]);

        Assert.Equal(["0704.0001 v1 older version", "0704.0001 v2 last 2007-04-02", "0704.0002 v1 b"],
            unique.Select(p => $"{p.Id} v{p.Version} {p.Title}{(p.Published is { } d ? $" {d:yyyy-MM-dd}" : "")}"));
    }

    [Fact]
    public async Task An_unreachable_server_is_one_error_line_without_the_password_exit_2()
    {
        var r = await cli.RunAsync("import", Snapshot, "--db", "postgres://u:secret@127.0.0.1:1/db", "--config", EmptyConfig);

        Assert.Equal(ExitCodes.Usage, r.ExitCode);
        Assert.StartsWith("error: database postgresql://u@127.0.0.1:1/db: cannot open database: ", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("secret", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout);
    }
}
