// Translation throughput bench (issue 3): 1,000 abstracts through TranslationService → OpenAiProvider → an in-process
// fake OpenAI-compatible server that answers every request after 300 ms, with at most 8 requests in flight.
// For each batch size: wall time of the first run against the lower bound ceil(requests / 8) × 300 ms, and the
// number of requests of a second run over the same texts and the same SQLite cache (must be 0).
//
//   dotnet run -c Release --project bench/TranslationThroughput [-- --sizes 1,10,20,50] [--reference PATH] [--no-write]
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using ArxivDigest.Bench;
using ArxivDigest.Storage;
using ArxivDigest.Translation;

const int TextCount = 1000;
const int Concurrency = 8;
const int Seed = 20260326;
var latency = TimeSpan.FromMilliseconds(300);
const string Command = "dotnet run -c Release --project bench/TranslationThroughput";

var sizes = new[] { 1, 10, OpenAiProvider.DefaultMaxTexts, 50 };
string? referencePath = null;
var write = true;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--sizes" when i + 1 < args.Length:
            sizes = args[++i].Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            break;
        case "--reference" when i + 1 < args.Length:
            referencePath = args[++i];
            break;
        case "--no-write":
            write = false;
            break;
        default:
            Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: [--sizes 1,10,20,50] [--reference PATH] [--no-write]");
            return 2;
    }
}

var projectDir = FindUp(AppContext.BaseDirectory, "TranslationThroughput.csproj") ?? Directory.GetCurrentDirectory();
var repoRoot = FindUp(projectDir, "ArxivDigest.slnx") ?? Directory.GetCurrentDirectory();
referencePath ??= Path.GetFullPath(Path.Combine(repoRoot, "..", "shared", "reference", "digest-2026-03-26.txt"));
if (!File.Exists(referencePath))
{
    Console.Error.WriteLine($"reference digest not found: {referencePath} (pass --reference PATH)");
    return 2;
}

var bases = Abstracts.Read(referencePath);
var texts = Abstracts.Vary(bases, TextCount, Seed);
var requests = texts.Select((t, i) => new TranslationRequest($"abs{i:0000}", t, "en", "zh")).ToList();
Console.WriteLine($"{bases.Count} reference abstracts → {texts.Count} distinct texts, {texts.Average(t => t.Length):0} chars on average " +
                  $"({texts.Min(t => t.Length)}–{texts.Max(t => t.Length)}); provider char limit per request {OpenAiProvider.DefaultMaxChars}");

await using var server = await FakeServer.StartAsync(latency);
using var http = new HttpClient(new SocketsHttpHandler
{
    AutomaticDecompression = DecompressionMethods.All,
    MaxConnectionsPerServer = Concurrency,
})
{ Timeout = Timeout.InfiniteTimeSpan };

var tempDir = Path.Combine(Path.GetTempPath(), "arxivdigest-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(tempDir);
var rows = new List<Row>();
try
{
    // Warm-up (not measured): JIT of the service, provider, store and Kestrel paths, and the 8 keep-alive connections,
    // on texts of its own in a store of its own.
    var warmTexts = Abstracts.Vary(bases, 2 * Concurrency, Seed + 1).Select(t => "Warm-up. " + t).ToList();
    await Bench.RunAsync(server, http, Path.Combine(tempDir, "warmup.db"), 1, Concurrency, warmTexts.Select((t, i) => new TranslationRequest($"w{i}", t, "en", "zh")).ToList());

    foreach (var size in sizes)
    {
        Console.WriteLine($"batch size {size} …");
        var row = await Bench.RunAsync(server, http, Path.Combine(tempDir, $"cache-b{size}.db"), size, Concurrency, requests);
        rows.Add(row);
        Console.WriteLine($"  {row.Requests} requests, {row.WallMs:0} ms (bound {row.BoundMs(latency):0} ms, ×{row.Ratio(latency):0.000}), second run {row.SecondRequests} requests in {row.SecondWallMs:0} ms");
    }
}
finally
{
    try
    {
        Directory.Delete(tempDir, recursive: true);
    }
    catch (IOException)
    {
    }
}

var report = Report.Markdown(rows, latency, Concurrency, TextCount, bases.Count, Command);
Console.WriteLine();
Console.WriteLine(report);
if (write)
{
    var path = Path.Combine(projectDir, "results.md");
    await File.WriteAllTextAsync(path, report);
    Console.WriteLine($"written to {path}");
}

var failed = rows.Any(r => r.Failed > 0 || r.SecondRequests > 0 || r.SecondFailed > 0);
return failed ? 1 : 0;

static string? FindUp(string start, string file)
{
    for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, file)))
        {
            return dir.FullName;
        }
    }

    return null;
}

namespace ArxivDigest.Bench
{
    /// <summary>One batch size: the first (cold cache) run and the second (warm cache) run.</summary>
    internal sealed record Row(
        int BatchSize,
        int Requests,
        int Texts,
        double WallMs,
        int MaxConcurrent,
        int Failed,
        double CacheReadMs,
        double CacheWriteMs,
        double FirstArrivalMs,
        double LastResponseMs,
        double MedianServerMs,
        int SecondRequests,
        double SecondWallMs,
        int SecondFailed,
        int Warnings)
    {
        public double BoundMs(TimeSpan latency) => Math.Ceiling(Requests / 8.0) * latency.TotalMilliseconds;

        public double Ratio(TimeSpan latency) => Requests == 0 ? double.NaN : WallMs / BoundMs(latency);
    }

    internal static class Bench
    {
        public static async Task<Row> RunAsync(FakeServer server, HttpClient http, string dbPath, int batchSize, int concurrency, List<TranslationRequest> requests)
        {
            var ct = CancellationToken.None;
            await using var store = await SqliteStore.OpenAsync(dbPath, ct);
            var cache = new TimedCache(store);
            var provider = new OpenAiProvider(http, new ProviderOptions { BaseUrl = new Uri(server.Url), ApiKey = "bench", MaxBatchTexts = batchSize });
            var options = new TranslationOptions { MaxConcurrency = concurrency };
            var warnings = 0;

            GC.Collect();
            GC.WaitForPendingFinalizers();
            var first = new TranslationService([provider], cache, Glossary.Empty, options, TimeProvider.System);
            first.Warning += _ => Interlocked.Increment(ref warnings);
            server.Reset();
            var start = Stopwatch.GetTimestamp();
            var results = await first.TranslateAsync(requests, ct);
            var wall = Stopwatch.GetElapsedTime(start);
            var (count, maxConcurrent, firstArrival, lastResponse, medianServer) = server.Snapshot(start);
            var failed = results.Count(r => r.Text is null);
            if (failed > 0)
            {
                Console.Error.WriteLine($"  {failed} texts not translated, e.g. {results.First(r => r.Text is null).Error}");
            }

            var second = new TranslationService([provider], store, Glossary.Empty, options, TimeProvider.System);
            server.Reset();
            var start2 = Stopwatch.GetTimestamp();
            var results2 = await second.TranslateAsync(requests, ct);
            var wall2 = Stopwatch.GetElapsedTime(start2);
            var (count2, _, _, _, _) = server.Snapshot(start2);
            var failed2 = results2.Count(r => r.Text is null);

            return new Row(batchSize, count, requests.Count, wall.TotalMilliseconds, maxConcurrent, failed,
                cache.Read.TotalMilliseconds, cache.Write.TotalMilliseconds, firstArrival, lastResponse, medianServer,
                count2, wall2.TotalMilliseconds, failed2, warnings);
        }
    }

    /// <summary>The SQLite cache with the time spent in it measured.</summary>
    internal sealed class TimedCache(ITranslationCache inner) : ITranslationCache
    {
        public TimeSpan Read { get; private set; }

        public TimeSpan Write { get; private set; }

        public async Task<IReadOnlyDictionary<TranslationKey, string>> GetTranslationsAsync(IReadOnlyCollection<TranslationKey> keys, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                return await inner.GetTranslationsAsync(keys, cancellationToken);
            }
            finally
            {
                Read += Stopwatch.GetElapsedTime(start);
            }
        }

        public async Task SaveTranslationsAsync(IReadOnlyCollection<KeyValuePair<TranslationKey, string>> entries, CancellationToken cancellationToken)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await inner.SaveTranslationsAsync(entries, cancellationToken);
            }
            finally
            {
                Write += Stopwatch.GetElapsedTime(start);
            }
        }
    }

    /// <summary>The 33 abstracts of the reference digest, and 1,000 distinct deterministic variations of them.</summary>
    internal static partial class Abstracts
    {
        public static List<string> Read(string path)
        {
            var lines = File.ReadAllLines(path);
            var list = new List<string>();
            for (var i = 0; i + 1 < lines.Length; i++)
            {
                if (lines[i].Trim() == "- Abstract" && lines[i + 1].Trim().Length > 0)
                {
                    list.Add(lines[i + 1].Trim());
                }
            }

            if (list.Count == 0)
            {
                throw new InvalidDataException($"no '- Abstract' sections in {path}");
            }

            return list;
        }

        /// <summary>Abstract i mod n with its sentences shuffled (seeded) and an index sentence appended.</summary>
        public static List<string> Vary(List<string> bases, int count, int seed)
        {
            var rng = new Random(seed);
            var sentences = bases.Select(b => SentenceEnd().Split(b)).ToList();
            var texts = new List<string>(count);
            for (var i = 0; i < count; i++)
            {
                var s = sentences[i % bases.Count].ToArray();
                rng.Shuffle(s);
                texts.Add(string.Join(' ', s) + string.Create(CultureInfo.InvariantCulture, $" This is abstract variant {i + 1} of {count}."));
            }

            if (texts.Distinct(StringComparer.Ordinal).Count() != count)
            {
                throw new InvalidOperationException("the varied abstracts are not all distinct");
            }

            return texts;
        }

        [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z(])")]
        private static partial Regex SentenceEnd();
    }

    internal static class Report
    {
        public static string Markdown(List<Row> rows, TimeSpan latency, int concurrency, int texts, int bases, string command)
        {
            var ms = latency.TotalMilliseconds;
            var sb = new StringBuilder();
            var inv = CultureInfo.InvariantCulture;
            sb.AppendLine("# Translation throughput");
            sb.AppendLine();
            sb.AppendLine(inv, $"{texts:N0} distinct abstracts (the {bases} of the reference digest 2026-03-26, sentences shuffled with a fixed seed, an index sentence appended), en → zh, through `TranslationService` → `OpenAiProvider` → an in-process fake OpenAI-compatible server (Kestrel, 127.0.0.1) that answers every request after {ms:0} ms. `MaxConcurrency` = {concurrency}, `SocketsHttpHandler.MaxConnectionsPerServer` = {concurrency}, a fresh SQLite cache file per batch size, `Glossary.Empty`, `TimeProvider.System`. One unmeasured warm-up pass (16 other texts) before the first row.");
            sb.AppendLine();
            sb.AppendLine(inv, $"- Date: {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
            sb.AppendLine(inv, $"- Machine: {Environment.ProcessorCount} logical CPUs (`nproc`), {RuntimeInformation.OSDescription.Trim()} {RuntimeInformation.OSArchitecture}, {RuntimeInformation.FrameworkDescription}");
            sb.AppendLine(inv, $"- Reproduce: `{command}`");
            sb.AppendLine();
            sb.AppendLine("| batch size | requests | lower bound ms | wall ms | wall/bound | max concurrent | second-run requests |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in rows)
            {
                sb.AppendLine(inv, $"| {r.BatchSize} | {r.Requests} | {r.BoundMs(latency):0} | {r.WallMs:0} | {r.Ratio(latency):0.000} | {r.MaxConcurrent} | {r.SecondRequests} |");
            }

            sb.AppendLine();
            sb.AppendLine("Where the first run's time goes (ms from the start of `TranslateAsync`; server-side times from the fake):");
            sb.AppendLine();
            sb.AppendLine("| batch size | texts/request | first request arrives | last response sent | after last response | cache read | cache write | median request at server | second-run wall ms | untranslated | warnings |");
            sb.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var r in rows)
            {
                sb.AppendLine(inv, $"| {r.BatchSize} | {(double)r.Texts / Math.Max(1, r.Requests):0.0} | {r.FirstArrivalMs:0} | {r.LastResponseMs:0} | {r.WallMs - r.LastResponseMs:0} | {r.CacheReadMs:0} | {r.CacheWriteMs:0} | {r.MedianServerMs:0} | {r.SecondWallMs:0} | {r.Failed + r.SecondFailed} | {r.Warnings} |");
            }

            if (rows.Count > 0)
            {
                var best = rows.MinBy(r => r.WallMs)!;
                var ratio = best.Ratio(latency);
                sb.AppendLine();
                sb.AppendLine(inv, $"Target (issue 3): wall ≤ 1.15 × bound at the best batch size — best is {best.BatchSize} ({best.WallMs:0} ms, ×{ratio:0.000}): **{(ratio <= 1.15 ? "met" : "missed")}**. " +
                                   $"Second run 0 requests at every batch size: **{(rows.All(r => r.SecondRequests == 0) ? "met" : "missed")}**.");
                sb.AppendLine();
                sb.AppendLine(inv, $"The requests column is what the service actually sent: a batch closes at the batch size or at {OpenAiProvider.DefaultMaxChars:N0} characters (`OpenAiProvider.DefaultMaxChars`), whichever comes first, so large batch sizes are capped by characters (see texts/request). The lower bound is ceil(requests / {concurrency}) × {ms:0} ms.");
                if (rows.Any(r => r != best && r.Requests == best.Requests))
                {
                    sb.AppendLine();
                    sb.AppendLine(inv, $"Batch sizes {string.Join(" and ", rows.Where(r => r.Requests == best.Requests).Select(r => r.BatchSize))} sent the same {best.Requests} requests (the character cap, not the batch size, closed the batches): they are one configuration, and their difference in wall time is run-to-run noise.");
                }
            }

            return sb.ToString();
        }
    }
}
