using System.Diagnostics;
using ArxivDigest.Arxiv;
using ArxivDigest.Matching;

// CPU seconds, on one thread, of the stages of `match` over a snapshot, so the figures do not depend on what else
// the machine runs: (1) cutting lines, (2) + the text-only JSON read (KaggleTextReader), (2b) + TeX/Unicode cleaning, (3) + matching the queries.
// `match` runs (3) on every core; (2) minus (1) is the JSON read, (3) minus (2) the matching.
// Usage: MatchStages SNAPSHOT QUERIES-FILE [LINES]; STAGE=name runs only the stages whose name holds it;
// SCAN_WORKERS=n runs the whole scan (SnapshotScanner) on n workers instead, three times;
// COMPILE=1 times, three times, parsing the queries, building the set and its first match (the lazily built parts).
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: MatchStages SNAPSHOT QUERIES-FILE [LINES]");
    return 2;
}

if (Environment.GetEnvironmentVariable("COMPILE") is not null)
{
    // The first round includes the JIT's work, as a `match` run pays it.
    for (var r = 0; r < (Environment.GetEnvironmentVariable("ROUNDS") is { } rr ? int.Parse(rr) : 3); r++)
    {
        var alloc0 = GC.GetTotalAllocatedBytes(precise: true);
        var gcs0 = GC.CollectionCount(0);
        var sw0 = Stopwatch.StartNew();
        var parsed = File.ReadAllLines(args[1]).Where(l => l.Trim().Length > 0).Select(Query.Parse).ToList();
        var t1 = sw0.Elapsed.TotalMilliseconds;
        var alloc1 = GC.GetTotalAllocatedBytes(precise: true);
        var qs = new QuerySet(parsed);
        var t2 = sw0.Elapsed.TotalMilliseconds;
        var m = qs.CreateMatcher();
        m.MatchingQueries("a b", "with the model", "", new List<int>());
        var t3 = sw0.Elapsed.TotalMilliseconds;
        var alloc3 = GC.GetTotalAllocatedBytes(precise: true);
        Console.WriteLine($"parse {t1:F0} ms ({(alloc1 - alloc0) / 1e6:F0} MB allocated), set and first match {t3 - t1:F0} ms ({(alloc3 - alloc1) / 1e6:F0} MB), {GC.CollectionCount(0) - gcs0} GCs");
    }
    return 0;
}

var bytes = File.ReadAllBytes(args[0]);
var limit = args.Length > 2 ? long.Parse(args[2]) : long.MaxValue;
var set = new QuerySet(File.ReadAllLines(args[1]).Where(l => l.Trim().Length > 0).Select(Query.Parse));
var process = Process.GetCurrentProcess();

double Cpu()
{
    process.Refresh();
    return process.TotalProcessorTime.TotalSeconds;
}

long Lines(Func<ReadOnlySpan<byte>, long> each)
{
    long n = 0, result = 0;
    var span = bytes.AsSpan();
    while (span.Length > 0 && n < limit)
    {
        var nl = span.IndexOf((byte)'\n');
        var line = nl < 0 ? span : span[..nl];
        span = nl < 0 ? [] : span[(nl + 1)..];
        result += each(line);
        n++;
    }

    return result;
}

var reader = new KaggleTextReader();
var rawReader = new KaggleTextReader(raw: set.ScansWordsOnly);
var matcher = set.CreateMatcher();
matcher.SortResults = false; // as `match --count` runs it
var hits = new List<int>();
var counts = new long[set.Queries.Count];
var stages = new (string Name, Func<ReadOnlySpan<byte>, long> Each)[]
{
    ("lines", l => l.Length),
    ("+ text read", l => reader.TryRead(l) ? 1 : 0),
    ("+ clean", l =>
    {
        if (!reader.TryRead(l))
        {
            return 0;

        }

        long n = 0;
        if (!TextNormalizer.IsPlain(reader.Title))
        {
            n += TextNormalizer.Clean(new string(reader.Title)).Length;
        }

        if (!TextNormalizer.IsPlain(reader.Abstract))
        {
            n += TextNormalizer.Clean(new string(reader.Abstract)).Length;
        }

        return n;
    }),
    ("+ match", l =>
    {
        if (!reader.TryRead(l))
        {
            return 0;
        }

        matcher.MatchingQueries(reader.Title, reader.Abstract, reader.Comments, hits);
        Count();
        return hits.Count;
    }),
    ("+ match (raw)", l =>
    {
        if (!rawReader.TryRead(l))
        {
            return 0;
        }

        // As `match --count` runs it.
        return matcher.CountMatches(rawReader.TitleField(l), rawReader.AbstractField(l), rawReader.CommentsField(l), counts) ? 1 : 0;
    }),
};

// Per-query counts, as `match --count` keeps them.
void Count()
{
    foreach (var q in hits)
    {
        counts[q]++;
    }
}

if (Environment.GetEnvironmentVariable("SCAN_WORKERS") is { } w)
{
    // The whole scan as `match --count` runs it, three times: the first round includes the JIT's warm-up.
    for (var round = 0; round < 3; round++)
    {
        var totals = new long[set.Queries.Count];
        var t0 = Cpu();
        var sw = Stopwatch.StartNew();
        var stats = await SnapshotScanner.ScanAsync(new MemoryStream(bytes), set, _ => { }, (_, _) => { }, CancellationToken.None, int.Parse(w), null, totals);
        Console.WriteLine($"scan x{w}: {Cpu() - t0:F2} s CPU {sw.Elapsed.TotalSeconds:F2} s wall, {stats.Matches} matches");
    }

    return 0;
}

foreach (var (name, each) in stages.Where(s => Environment.GetEnvironmentVariable("STAGE") is not { } only || s.Name.Contains(only)))
{
    Lines(each); // warm-up
    long r = 0;
    var s = double.MaxValue;
    for (var round = 0; round < 3; round++) // the fastest of three: the least disturbed by whatever else runs
    {
        var t = Cpu();
        r = Lines(each);
        s = Math.Min(s, Cpu() - t);
    }

    Console.WriteLine($"{name,-14} {s,6:F2} s CPU  {bytes.Length / 1e6 / s,7:F0} MB/s per core  (result {r})");
}

return 0;
