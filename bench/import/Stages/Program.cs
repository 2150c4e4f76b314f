using System.Diagnostics;
using System.Globalization;
using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Storage;

// CPU seconds of the two import stages, measured one after the other on one thread, so the figures do not depend on
// what else the machine runs: (1) reading + parsing the snapshot, (2) reading + parsing + writing to a fresh SQLite
// file through SqliteStore.SaveImportBatch. Writing alone = (2) - (1). The import runs the stages on two threads, so on
// two idle cores its rate is bounded by the slower stage.
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Stages SNAPSHOT [BATCH]");
    return 2;
}

var file = args[0];
var batchSize = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 5000;
var process = Process.GetCurrentProcess();

TimeSpan Cpu()
{
    process.Refresh();
    return process.TotalProcessorTime;
}

// Warm-up (JIT) on the first 20,000 lines, not measured.
using (var warm = File.OpenRead(file))
{
    _ = KaggleSnapshotReader.Read(warm, file).Take(20_000).Count();
}

var cpu0 = Cpu();
long papers = 0;
using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
{
    foreach (var line in KaggleSnapshotReader.Read(stream, file))
    {
        papers += line.Paper is null ? 0 : 1;
    }
}

var read = (Cpu() - cpu0).TotalSeconds;

var db = Path.Combine(Path.GetTempPath(), $"stages-{Environment.ProcessId}.db");
var cpu1 = Cpu();
await using (var store = await SqliteStore.OpenAsync(db, CancellationToken.None))
{
    store.PrepareForBulkImport();
    using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
    var batch = new List<Paper>(batchSize);
    long last = 0;
    foreach (var line in KaggleSnapshotReader.Read(stream, file))
    {
        if (line.Paper is { } paper)
        {
            batch.Add(paper);
        }

        last = line.LineNumber;
        if (batch.Count == batchSize)
        {
            store.SaveImportBatch(batch, "bench", DateTimeOffset.UtcNow, "bench", $"line={last}");
            batch.Clear();
        }
    }

    store.SaveImportBatch(batch, "bench", DateTimeOffset.UtcNow, "bench", $"line={last}");
}

var both = (Cpu() - cpu1).TotalSeconds;
foreach (var f in Directory.GetFiles(Path.GetTempPath(), $"stages-{Environment.ProcessId}.db*"))
{
    File.Delete(f);
}

var write = both - read;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"papers {papers}; CPU s: read+parse {read:0.0} ({papers / read:0} papers/s), write {write:0.0} ({papers / write:0} papers/s), both on one thread {both:0.0} ({papers / both:0} papers/s); two idle cores, pipelined: about {papers / Math.Max(read, write):0} papers/s"));
return 0;
