using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using ArxivDigest.Arxiv;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Matching;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>
/// <c>arxiv-digest match FILE --query Q…</c>: runs queries straight over a Kaggle-format snapshot (JSON Lines,
/// optionally gzip) without importing it. Prints every matching paper (text or JSON Lines) or, with
/// <c>--count</c>, the number of papers per query; a summary goes to stderr.
/// </summary>
public static class MatchCommand
{
    public static Command Create(CliContext context, Func<Func<Task<int>>, Task<int>> guard)
    {
        var file = new Argument<string>("FILE") { Description = "Snapshot file: JSON Lines as arxiv-metadata-oai-snapshot.json, or the same gzipped" };
        var query = new Option<string[]>("--query") { Description = "A query (repeatable), in the query language of digests", HelpName = "QUERY" };
        var queriesFile = new Option<string>("--queries-file") { Description = "A file of queries, one per line (# starts a comment)", HelpName = "FILE" };
        var format = new Option<string>("--format") { Description = "text (default): id, queries, title per line; json: one JSON object per line", HelpName = "text|json" };
        var count = new Option<bool>("--count") { Description = "Print only the number of matching papers per query" };
        var command = new Command("match", "Run queries over a Kaggle arXiv snapshot file without importing it (what would my digest have caught?)");
        command.Arguments.Add(file);
        command.Options.Add(query);
        command.Options.Add(queriesFile);
        command.Options.Add(format);
        command.Options.Add(count);
        command.SetAction((r, ct) => guard(() => RunAsync(
            context, r.GetValue(file)!, r.GetValue(query) ?? [], r.GetValue(queriesFile), r.GetValue(format) ?? "text", r.GetValue(count), ct)));
        return command;
    }

    private static async Task<int> RunAsync(
        CliContext context, string path, string[] queryTexts, string? queriesFile, string format, bool countOnly, CancellationToken ct)
    {
        var problems = new List<ConfigProblem>();
        if (format is not ("text" or "json"))
        {
            problems.Add(new ConfigProblem("--format", $"unknown format '{format}' (text or json)"));
        }

        var queries = new List<Query>();
        foreach (var text in queryTexts)
        {
            Add(text, "--query");
        }

        if (queriesFile is not null)
        {
            string[] lines;
            try
            {
                lines = await File.ReadAllLinesAsync(queriesFile, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException(queriesFile, $"cannot read queries file: {e.Message}");
            }

            for (var i = 0; i < lines.Length; i++)
            {
                var line = lines[i].Trim();
                if (line.Length > 0 && !line.StartsWith('#'))
                {
                    Add(line, $"{queriesFile}:{i + 1}");
                }
            }
        }

        if (queries.Count == 0 && problems.Count == 0)
        {
            problems.Add(new ConfigProblem("--query", "give at least one query (--query or --queries-file)"));
        }

        if (!File.Exists(path))
        {
            problems.Add(new ConfigProblem(path, "snapshot file not found"));
        }

        if (problems.Count > 0)
        {
            throw new ConfigurationException(problems);
        }

        var set = new QuerySet(queries);
        var perQuery = new long[queries.Count];
        var json = format == "json";
        var watch = Stopwatch.StartNew();
        var reported = 0;
        var jsonOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var writer = context.Out;

        ScanStats stats;
        await using (var input = Open(path))
        {
            stats = await SnapshotScanner.ScanAsync(
                input,
                set,
                m =>
                {
                    if (json)
                    {
                        using var buffer = new MemoryStream();
                        using (var w = new Utf8JsonWriter(buffer, jsonOptions))
                        {
                            w.WriteStartObject();
                            w.WriteNumber("line", m.Line);
                            w.WriteString("id", m.Paper.Id);
                            w.WriteString("title", Papers.Text.Normalize(m.Paper.Title));
                            w.WriteStartArray("categories");
                            foreach (var s in m.Paper.Subjects)
                            {
                                w.WriteStringValue(s.Code);
                            }

                            w.WriteEndArray();
                            w.WriteStartArray("queries");
                            foreach (var q in m.Queries)
                            {
                                w.WriteStringValue(queries[q].Text);
                            }

                            w.WriteEndArray();
                            w.WriteEndObject();
                        }

                        writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                    }
                    else
                    {
                        writer.WriteLine($"{m.Paper.Id}\t{string.Join(" | ", m.Queries.Select(q => queries[q].Text))}\t{Papers.Text.Normalize(m.Paper.Title)}");
                    }
                },
                (line, reason) =>
                {
                    if (++reported <= 20)
                    {
                        context.Error.WriteLine($"warning: {path}:{line}: {reason}; line skipped");
                    }
                },
                ct,
                countsPerQuery: countOnly ? perQuery : null);
        }

        if (countOnly)
        {
            for (var q = 0; q < queries.Count; q++)
            {
                writer.WriteLine($"{perQuery[q].ToString(CultureInfo.InvariantCulture)}\t{queries[q].Text}");
            }
        }

        writer.Flush();
        var seconds = watch.Elapsed.TotalSeconds;
        if (reported > 20)
        {
            context.Error.WriteLine($"warning: {reported - 20} more malformed lines skipped");
        }

        context.Error.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"scanned {stats.Papers} papers ({stats.Malformed} malformed lines skipped) in {seconds:0.0} s ({stats.Bytes / 1e6 / Math.Max(seconds, 1e-3):0} MB/s); {stats.Matches} matched {queries.Count} queries"));
        return ExitCodes.Success;

        void Add(string text, string where)
        {
            if (Query.TryParse(text, out var query, out var error))
            {
                queries.Add(query!);
            }
            else
            {
                problems.Add(new ConfigProblem(where, error!.Message));
            }
        }
    }

    private static Stream Open(string path)
    {
        try
        {
            return SnapshotScanner.Open(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException(path, $"cannot read snapshot file: {e.Message}");
        }
    }
}
