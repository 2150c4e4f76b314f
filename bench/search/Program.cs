using System.Diagnostics;
using System.Globalization;
using ArxivDigest.Arxiv;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using ArxivDigest.Storage;

// Usage:
//   dotnet run -c Release --project bench/search -- seed DB COUNT FIXTURE.jsonl   generate COUNT papers into DB (resumes)
//   dotnet run -c Release --project bench/search -- run DB [REPEATS]               20 queries, REPEATS times each (default 20)
var ct = CancellationToken.None;
if (args.Length >= 4 && args[0] == "seed")
{
    await Seed(args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
}
else if (args.Length >= 2 && args[0] == "run")
{
    await Run(args[1], args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20);
}
else if (args.Length >= 3 && args[0] == "one")
{
    // one DB QUERY [CATEGORY]: a single query 50 times in-process (after one warm-up), median and p95.
    await using var store = await SqliteStore.OpenAsync(args[1], ct);
    var filter = new SearchFilter { Limit = 20, Category = args.Length > 3 ? args[3] : null };
    var query = Query.Parse(args[2]);
    await store.SearchAsync(query, filter, ct);
    var times = new List<double>();
    for (var i = 0; i < 50; i++)
    {
        var sw = Stopwatch.StartNew();
        await store.SearchAsync(query, filter, ct);
        times.Add(sw.Elapsed.TotalMilliseconds);
    }

    Console.WriteLine($"{args[2]}: median {Percentile(times, 50):F2} ms, p95 {Percentile(times, 95):F2} ms");
}
else if (args.Length >= 3 && args[0] == "mix")
{
    // mix DB N: N searches as bench/web/distinct.lua makes them (five phrases, each with a new made-up exclusion,
    // category cs.AI), one at a time after N/4 warm-up searches: mean CPU-bound cost of an uncached search.
    await using var store = await SqliteStore.OpenAsync(args[1], ct);
    var n = int.Parse(args[2], CultureInfo.InvariantCulture);
    string[] phrases = ["diffusion policy", "reinforcement learning", "language model*", "ti:robot*", "graph OR network"];
    var filter = new SearchFilter { Limit = 20, Category = "cs.AI" };
    async Task<double> Batch(string salt, int count)
    {
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await store.SearchAsync(Query.Parse($"{phrases[i % phrases.Length]} -zq{salt}{i}"), filter, ct);
        }

        return sw.Elapsed.TotalMilliseconds / count;
    }

    await Batch("w", n / 4);
    var times = new List<double>();
    for (var r = 0; r < 5; r++)
    {
        times.Add(await Batch("m" + r, n / 5));
    }

    Console.WriteLine($"mix: {string.Join(" ", times.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))} ms per search (min {times.Min():F3})");
}
else if (args.Length >= 3 && args[0] == "trace")
{
    // trace DB QUERY [CATEGORY]: the SQL statements one search runs, with their times (sqlite3_profile).
    await using var store = await SqliteStore.OpenAsync(args[1], ct);
    var filter = new SearchFilter { Limit = 20, Category = args.Length > 3 ? args[3] : null };
    var query = Query.Parse(args[2]);
    await store.SearchAsync(query, filter, ct);
    var connection = (Microsoft.Data.Sqlite.SqliteConnection)typeof(SqliteStore)
        .GetField("_connection", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(store)!;
    var lines = new List<(string Sql, long Ns)>();
    SQLitePCL.raw.sqlite3_profile(connection.Handle, (SQLitePCL.strdelegate_profile)((_, sql, ns) => lines.Add((sql, ns))), null);
    var sw = Stopwatch.StartNew();
    var page = await store.SearchAsync(query, filter, ct);
    var total = sw.Elapsed.TotalMilliseconds;
    SQLitePCL.raw.sqlite3_profile(connection.Handle, (SQLitePCL.strdelegate_profile?)null, null);
    foreach (var group in lines.GroupBy(l => l.Sql.Split('\n')[0].Trim()))
    {
        Console.WriteLine($"{group.Count(),4} x {group.Sum(l => l.Ns) / 1e6,8:F3} ms  {group.Key[..Math.Min(150, group.Key.Length)]}");
    }

    Console.WriteLine($"total {total:F2} ms, sql {lines.Sum(l => l.Ns) / 1e6:F2} ms, hits {page.Hits.Count}");
}
else if (args.Length >= 3 && args[0] == "sql")
{
    using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={args[1]}");
    c.Open();
    for (var r = 0; r < 3; r++)
    {
        using var cmd = c.CreateCommand();
        cmd.CommandText = args[2];
        var sw = Stopwatch.StartNew();
        using var rd = cmd.ExecuteReader();
        var rows = 0;
        object? first = null;
        while (rd.Read())
        {
            first ??= rd.GetValue(0);
            rows++;
        }

        Console.WriteLine($"{rows} rows, first {first}, {sw.Elapsed.TotalMilliseconds:F1} ms");
    }
}
else
{
    Console.Error.WriteLine("usage: seed DB COUNT FIXTURE.jsonl | run DB [REPEATS]");
    return 2;
}

return 0;

async Task Seed(string db, int count, string fixture)
{
    List<Paper> source;
    using (var reader = new StreamReader(fixture))
    {
        source = [.. KaggleSnapshotReader.Read(reader, fixture).Where(l => l.Paper is not null).Select(l => l.Paper!)];
    }

    var generator = new PaperGenerator(source);
    await using var store = await SqliteStore.OpenAsync(db, ct);
    var start = await store.CountIndexedAsync(ct);
    const int batch = 5000;
    var clock = Stopwatch.StartNew();
    for (var i = (int)start; i < count; i += batch)
    {
        var papers = Enumerable.Range(i, Math.Min(batch, count - i)).Select(generator.Make).ToList();
        await store.SavePapersAsync(papers, "bench", DateTimeOffset.UnixEpoch, ct);
        if ((i / batch) % 20 == 0)
        {
            Console.Error.WriteLine($"{i + papers.Count} papers, {clock.Elapsed.TotalSeconds:F0} s");
        }
    }

    Console.WriteLine($"seeded {count - start} papers in {clock.Elapsed.TotalSeconds:F0} s ({store.DatabasePath}, {new FileInfo(store.DatabasePath).Length / 1e9:F2} GB)");
}

async Task Run(string db, int repeats)
{
    await using var store = await SqliteStore.OpenAsync(db, ct);
    var cases = BenchQueries.All;

    // Catching up the index (after seeding, an import or a schema change), timed apart, then a warm-up: every query
    // once (JIT, page cache).
    var clock = Stopwatch.StartNew();
    var added = await store.IndexPendingAsync(ct);
    if (added > 0)
    {
        Console.WriteLine($"indexed {added:N0} papers first, in {clock.Elapsed.TotalSeconds:F0} s");
        Console.WriteLine();
    }

    var indexed = await store.CountIndexedAsync(ct);
    foreach (var (text, filter) in cases)
    {
        await store.SearchAsync(Query.Parse(text), filter, ct);
    }

    var all = new List<double>();
    Console.WriteLine($"| # | query | filter | hits on page | more | median ms | p95 ms |");
    Console.WriteLine($"|---|---|---|---|---|---|---|");
    var n = 0;
    foreach (var (text, filter) in cases)
    {
        var times = new List<double>();
        SearchPage? page = null;
        for (var r = 0; r < repeats; r++)
        {
            var sw = Stopwatch.StartNew();
            page = await store.SearchAsync(Query.Parse(text), filter, ct);
            times.Add(sw.Elapsed.TotalMilliseconds);
        }

        all.AddRange(times);
        var f = filter.Category is { } c ? $"--category {c}" : filter.From is { } d ? $"--from {d:yyyy-MM-dd}" : "";
        Console.WriteLine($"| {++n} | `{text}` | {f} | {page!.Hits.Count} | {(page.HasMore ? "yes" : "no")} | {Percentile(times, 50):F1} | {Percentile(times, 95):F1} |");
    }

    Console.WriteLine();
    Console.WriteLine($"Overall ({cases.Count} queries x {repeats} runs, {indexed:N0} papers indexed): median {Percentile(all, 50):F1} ms, p95 {Percentile(all, 95):F1} ms, max {all.Max():F1} ms");
}

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    var rank = p / 100 * (sorted.Count - 1);
    var lo = (int)Math.Floor(rank);
    var hi = (int)Math.Ceiling(rank);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/// <summary>The 20 typical queries: phrases, OR, NOT, fields, wildcards, exact case, category and date filters.</summary>
internal static class BenchQueries
{
    public static readonly IReadOnlyList<(string Text, SearchFilter Filter)> All =
    [
        ("quantum", new SearchFilter()),
        ("black hole", new SearchFilter()),
        ("\"dark matter\"", new SearchFilter()),
        ("magnetic field", new SearchFilter()),
        ("neutron star*", new SearchFilter()),
        ("cosmolog*", new SearchFilter()),
        ("galax* -cluster", new SearchFilter()),
        ("ti:quantum", new SearchFilter()),
        ("au:wang", new SearchFilter()),
        ("supersymmetr* OR susy", new SearchFilter()),
        ("entangle*", new SearchFilter()),
        ("quantum NOT gravity", new SearchFilter()),
        ("abs:\"phase transition\"", new SearchFilter()),
        ("(inflation OR \"dark energy\") -string", new SearchFilter()),
        ("spin", new SearchFilter { Category = "hep-th" }),
        ("graph* AND theorem", new SearchFilter()),
        ("=QCD", new SearchFilter()),
        ("monte carlo", new SearchFilter { Category = "astro-ph" }),
        ("lattice -qcd", new SearchFilter()),
        ("ti:(quantum OR classical) field theory", new SearchFilter { From = new DateOnly(2020, 1, 1) }),
    ];
}

/// <summary>
/// Deterministic papers made from the fixture's text: paper i draws (with a seed of i) a title and abstract from the
/// fixture's sentences and words, with about one word in ten replaced by a random fixture word, and one in forty by a
/// made-up rare word, so phrases recur at realistic rates and the vocabulary has a long tail.
/// </summary>
internal sealed class PaperGenerator
{
    private readonly string[][] _sentences;
    private readonly string[] _words;
    private readonly string[] _titleWords;
    private readonly string[] _authors;
    private readonly string[] _categories;

    public PaperGenerator(IReadOnlyList<Paper> papers)
    {
        _sentences = [.. papers.SelectMany(p => p.Abstract.Split(". ", StringSplitOptions.RemoveEmptyEntries)).Select(s => s.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(s => s.Length > 3)];
        _words = [.. _sentences.SelectMany(s => s)];
        _titleWords = [.. papers.SelectMany(p => p.Title.Split(' ', StringSplitOptions.RemoveEmptyEntries))];
        _authors = [.. papers.SelectMany(p => p.Authors).Distinct()];
        _categories = [.. papers.SelectMany(p => p.Subjects.Select(s => s.Code)).Distinct()];
    }

    public Paper Make(int i)
    {
        var random = new Random(i);
        var title = string.Join(' ', Enumerable.Range(0, random.Next(5, 13)).Select(_ => _titleWords[random.Next(_titleWords.Length)]));
        var sentences = new List<string>();
        for (var s = random.Next(4, 9); s > 0; s--)
        {
            var words = _sentences[random.Next(_sentences.Length)].Select(w =>
            {
                var roll = random.Next(40);
                return roll < 4 ? _words[random.Next(_words.Length)] : roll == 4 ? Rare(random) : w;
            });
            sentences.Add(string.Join(' ', words));
        }

        var primary = _categories[random.Next(_categories.Length)];
        var cross = random.Next(3) == 0 ? _categories[random.Next(_categories.Length)] : null;
        var year = 7 + (i % 20);
        return new Paper
        {
            Id = string.Create(CultureInfo.InvariantCulture, $"{year:D2}{1 + (i / 20 % 12):D2}.{i / 240:D5}"),
            Version = 1 + random.Next(3),
            Title = title,
            Abstract = string.Join(". ", sentences) + ".",
            Authors = [.. Enumerable.Range(0, random.Next(1, 6)).Select(_ => _authors[random.Next(_authors.Length)])],
            Comments = random.Next(2) == 0 ? $"{random.Next(5, 40)} pages, {random.Next(1, 12)} figures" : null,
            PrimaryCategory = primary,
            Subjects = cross is null || cross == primary ? [new Subject(primary, "")] : [new Subject(primary, ""), new Subject(cross, "")],
            Published = new DateOnly(2000 + year, 1 + (i / 20 % 12), 1 + (i % 28)),
        };
    }

    private static string Rare(Random random)
    {
        const string letters = "bcdfghjklmnpqrstvwxz";
        return string.Concat(Enumerable.Range(0, random.Next(5, 9)).Select(_ => letters[random.Next(letters.Length)]));
    }
}

