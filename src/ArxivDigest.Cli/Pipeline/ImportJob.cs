using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Threading.Channels;
using ArxivDigest.Arxiv;
using ArxivDigest.Papers;
using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>What to import and how.</summary>
public sealed record ImportOptions
{
    /// <summary>The snapshot as the user named it (messages show this form).</summary>
    public required string File { get; init; }

    /// <summary>Papers (or malformed lines) per transaction; each commit also records the resume point.</summary>
    public int BatchSize { get; init; } = 5_000;

    /// <summary>In a pipe, one progress line per this many lines read.</summary>
    public long ProgressEvery { get; init; } = 100_000;

    /// <summary>Malformed lines reported one by one; the rest are only counted.</summary>
    public int MaxWarnings { get; init; } = 20;
}

/// <summary>
/// <c>arxiv-digest import FILE</c>: streams a Kaggle arXiv metadata snapshot (JSON Lines, optionally gzip) into the
/// store (SQLite or PostgreSQL, through <see cref="IBulkPaperImport"/>). A reader task parses lines into batches; this task commits each batch together with the resume point
/// (file size, mtime, last line, byte offset) in one transaction, so an interrupted import resumes exactly where the
/// last commit ended: a plain file by seeking to the byte offset, a gzip file by decompressing and skipping lines.
/// A file whose size or mtime changed starts over. The resume point is deleted when the import completes.
/// </summary>
public sealed class ImportJob(IBulkPaperImport store, Reporter reporter, TextWriter stderr, TimeProvider time)
{
    /// <summary>The harvest_state key of an import of <paramref name="fullPath"/>.</summary>
    public static string StateKey(string fullPath) => $"import:{fullPath}";

    public async Task<int> RunAsync(ImportOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = options.File;
        var full = Path.GetFullPath(name);
        var info = new FileInfo(full);
        if (!info.Exists)
        {
            return Error(name, Directory.Exists(full) ? "is a directory, not a snapshot file" : "no such file", ExitCodes.Usage);
        }

        FileStream file;
        try
        {
            file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Error(name, $"cannot read: {ex.Message}", ExitCodes.Usage);
        }

        await using (file)
        {
            var magic = new byte[2];
            var gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
            if (!gzip && full.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
            {
                return Error(name, "not a gzip file (the name ends in .gz)", ExitCodes.Source);
            }

            file.Position = 0;
            var key = StateKey(full);
            var fingerprint = $"size={info.Length} mtime={info.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture)}";
            var resume = await ResumePointAsync(key, fingerprint, name, cancellationToken);

            Stream input = file;
            IEnumerable<KaggleLine> lines;
            if (gzip)
            {
                input = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
                lines = KaggleSnapshotReader.Read(input, name, 1, resume.Line);
            }
            else
            {
                file.Position = resume.Offset;
                lines = KaggleSnapshotReader.Read(file, name, resume.Line + 1);
            }

            await using (input)
            {
                return await ImportAsync(options, lines, key, fingerprint, resume, gzip, cancellationToken);
            }
        }
    }

    private async Task<int> ImportAsync(ImportOptions options, IEnumerable<KaggleLine> lines, string key, string fingerprint, ResumePoint resume, bool gzip, CancellationToken cancellationToken)
    {
        var name = options.File;
        var started = time.GetTimestamp();
        var fetchedAt = time.GetUtcNow();
        await store.PrepareImportAsync(cancellationToken);

        var channel = Channel.CreateBounded<Batch>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(lines, options.BatchSize, channel.Writer, stop.Token), stop.Token);

        long papers = 0, malformed = 0, committedLine = resume.Line, nextProgress = resume.Line + options.ProgressEvery;
        var committedOffset = resume.Offset;
        try
        {
            await reporter.ProgressAsync($"importing {name}", async progress =>
            {
                await foreach (var batch in channel.Reader.ReadAllAsync(cancellationToken))
                {
                    foreach (var bad in batch.Errors)
                    {
                        if (++malformed <= options.MaxWarnings)
                        {
                            stderr.WriteLine($"warning: {name}:{bad.LineNumber}: {Reason(bad)}");
                        }
                    }

                    cancellationToken.ThrowIfCancellationRequested();
                    var offset = gzip ? batch.EndOffset : resume.Offset + batch.EndOffset;
                    await store.SaveImportBatchAsync(batch.Papers, "kaggle", fetchedAt, key, $"{fingerprint} line={batch.LastLine} offset={offset}", cancellationToken);
                    papers += batch.Papers.Count;
                    committedLine = batch.LastLine;
                    committedOffset = offset;

                    var seconds = Math.Max(time.GetElapsedTime(started).TotalSeconds, 1e-3);
                    var status = string.Create(CultureInfo.InvariantCulture, $"{name}: line {committedLine:N0}, {papers:N0} papers, {papers / seconds:N0} papers/s");
                    if (committedLine >= nextProgress || reporter.Interactive)
                    {
                        progress(status);
                        nextProgress = committedLine + options.ProgressEvery;
                    }
                }

                await producer;
                return 0;
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            stderr.WriteLine($"{name}: interrupted after line {committedLine}; run the same command again to resume");
            throw;
        }
        catch (InvalidDataException ex)
        {
            return Error(name, $"after line {committedLine}: corrupt gzip data ({ex.Message}); the {papers} papers before it are imported", ExitCodes.Source);
        }
        catch (IOException ex)
        {
            return Error(name, $"after line {committedLine}: read failed ({ex.Message}); {papers} papers imported, run again to resume", ExitCodes.Usage);
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await producer;
            }
            catch (Exception)
            {
                // Already reported through the channel (or cancelled on purpose).
            }
        }

        await store.SaveHarvestStateAsync(key, null, time.GetUtcNow(), CancellationToken.None);
        if (malformed > options.MaxWarnings)
        {
            stderr.WriteLine($"warning: {name}: {malformed - options.MaxWarnings} more malformed lines not shown");
        }

        var elapsed = time.GetElapsedTime(started).TotalSeconds;
        reporter.Result(string.Create(CultureInfo.InvariantCulture, $"imported {papers} papers ({malformed} malformed lines skipped) from {name} in {elapsed:0.0} s"));
        if (papers == 0 && malformed > 0)
        {
            return Error(name, $"no line could be read as a snapshot record ({malformed} malformed lines)", ExitCodes.Source);
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// Parses on its own task and hands over batches; the bounded channel keeps at most two in memory. A read
    /// failure faults this task after the batches before it were handed over, so those still get committed.
    /// </summary>
    private static async Task ProduceAsync(IEnumerable<KaggleLine> lines, int batchSize, ChannelWriter<Batch> writer, CancellationToken cancellationToken)
    {
        try
        {
            var batch = new Batch(batchSize);
            foreach (var line in lines)
            {
                if (line.Paper is { } paper)
                {
                    batch.Papers.Add(paper);
                }
                else
                {
                    batch.Errors.Add(line);
                }

                batch.LastLine = line.LineNumber;
                batch.EndOffset = line.EndOffset;
                if (batch.Papers.Count + batch.Errors.Count >= batchSize)
                {
                    await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch = new Batch(batchSize);
                }
            }

            if (batch.Papers.Count + batch.Errors.Count > 0)
            {
                await writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task<ResumePoint> ResumePointAsync(string key, string fingerprint, string name, CancellationToken cancellationToken)
    {
        var saved = await store.GetHarvestStateAsync(key, cancellationToken);
        if (saved is null)
        {
            return new ResumePoint(0, 0);
        }

        if (ResumePoint.TryParse(saved, fingerprint, out var point))
        {
            stderr.WriteLine($"{name}: resuming at line {point.Line + 1} ({point.Line} lines imported before)");
            return point;
        }

        stderr.WriteLine($"{name}: the file changed since the interrupted import (size or modification time); starting over");
        return new ResumePoint(0, 0);
    }

    /// <summary>"line 12: invalid JSON: …" → "invalid JSON: …".</summary>
    private static string Reason(KaggleLine line)
    {
        var prefix = $"line {line.LineNumber}: ";
        var error = line.Error ?? "unreadable";
        return error.StartsWith(prefix, StringComparison.Ordinal) ? error[prefix.Length..] : error;
    }

    private int Error(string name, string what, int code)
    {
        stderr.WriteLine($"error: {name}: {what}");
        return code;
    }

    private sealed class Batch(int capacity)
    {
        public List<Paper> Papers { get; } = new(capacity);

        public List<KaggleLine> Errors { get; } = [];

        public long LastLine { get; set; }

        public long EndOffset { get; set; }
    }

    /// <summary>The last committed line and the byte offset after it (of the decompressed text for gzip).</summary>
    private sealed record ResumePoint(long Line, long Offset)
    {
        /// <summary>"size=… mtime=… line=N offset=B", valid only when size and mtime are unchanged.</summary>
        public static bool TryParse(string value, string fingerprint, out ResumePoint point)
        {
            point = new ResumePoint(0, 0);
            if (!value.StartsWith(fingerprint + " ", StringComparison.Ordinal))
            {
                return false;
            }

            long line = -1, offset = -1;
            foreach (var part in value[(fingerprint.Length + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (part.StartsWith("line=", StringComparison.Ordinal))
                {
                    _ = long.TryParse(part.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out line);
                }
                else if (part.StartsWith("offset=", StringComparison.Ordinal))
                {
                    _ = long.TryParse(part.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out offset);
                }
            }

            if (line < 0 || offset < 0)
            {
                return false;
            }

            point = new ResumePoint(line, offset);
            return true;
        }
    }
}
