using System.Buffers;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>A paper of a snapshot that matched, with its line and the indexes of the queries it matched.</summary>
public sealed record SnapshotMatch(long Line, Paper Paper, IReadOnlyList<int> Queries);

/// <summary>What a scan saw.</summary>
public sealed record ScanStats(long Lines, long Papers, long Matches, long Malformed, long Bytes);

/// <summary>
/// Runs a <see cref="QuerySet"/> straight over a Kaggle-format snapshot (JSON Lines, plain or gzip), without a
/// store: the fast path behind <c>arxiv-digest match</c>. A reader cuts the stream into blocks of whole lines,
/// one worker per core parses (only the fields queries can look at) and matches, and the results come out in file
/// order. Memory is bounded by the blocks in flight (a few MB), whatever the file size.
/// </summary>
public static class SnapshotScanner
{
    private const int BlockSize = 1 << 20;

    /// <summary>Opens a snapshot file, decompressing when it starts with the gzip magic bytes.</summary>
    public static Stream Open(string path)
    {
        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var b1 = file.ReadByte();
        var b2 = file.ReadByte();
        file.Position = 0;
        return b1 == 0x1f && b2 == 0x8b ? new GZipStream(file, CompressionMode.Decompress) : file;
    }

    /// <summary>
    /// Scans <paramref name="input"/>; <paramref name="onMatch"/> and <paramref name="onMalformed"/> (line, reason) are
    /// called in file order from one thread. With <paramref name="countsPerQuery"/> (one slot per query), matches are
    /// only counted into it, by the workers, and <paramref name="onMatch"/> is not called: no paper is built.
    /// </summary>
    public static async Task<ScanStats> ScanAsync(
        Stream input,
        QuerySet queries,
        Action<SnapshotMatch> onMatch,
        Action<long, string> onMalformed,
        CancellationToken cancellationToken,
        int workers = 0,
        Action<ScanStats>? progress = null,
        long[]? countsPerQuery = null)
    {
        if (countsPerQuery is not null && countsPerQuery.Length != queries.Queries.Count)
        {
            throw new ArgumentException("one count per query", nameof(countsPerQuery));
        }

        workers = workers > 0 ? workers : Environment.ProcessorCount;
        var blocks = Channel.CreateBounded<Block>(new BoundedChannelOptions(workers * 2) { SingleWriter = true });
        var results = Channel.CreateBounded<BlockResult>(new BoundedChannelOptions(workers * 2) { SingleReader = true });

        var reader = Task.Run(() => ReadBlocksAsync(input, blocks.Writer, cancellationToken), cancellationToken);
        var matchers = Enumerable.Range(0, workers)
            .Select(_ => Task.Run(() => MatchBlocksAsync(blocks.Reader, results.Writer, queries, countsPerQuery, cancellationToken), cancellationToken))
            .ToArray();
        var closer = Task.WhenAll(matchers).ContinueWith(t => results.Writer.TryComplete(t.Exception), TaskScheduler.Default);

        long lines = 0, papers = 0, matches = 0, malformed = 0, bytes = 0;
        var pending = new Dictionary<long, BlockResult>();
        long next = 0;
        try
        {
            await foreach (var result in results.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                pending[result.Sequence] = result;
                while (pending.Remove(next, out var ready))
                {
                    next++;
                    lines += ready.Lines;
                    papers += ready.Papers;
                    bytes += ready.Bytes;
                    matches += ready.Counted;
                    foreach (var m in ready.Matches)
                    {
                        matches++;
                        onMatch(m);
                    }

                    foreach (var (line, reason) in ready.Malformed)
                    {
                        malformed++;
                        onMalformed(line, reason);
                    }

                    progress?.Invoke(new ScanStats(lines, papers, matches, malformed, bytes));
                }
            }
        }
        finally
        {
            blocks.Writer.TryComplete();
        }

        await reader.ConfigureAwait(false);
        await closer.ConfigureAwait(false);
        return new ScanStats(lines, papers, matches, malformed, bytes);
    }

    private sealed record Block(long Sequence, long FirstLine, byte[] Buffer, int Length);

    /// <summary>A block's outcome; <see cref="Counted"/> is the matching papers only counted (not in <see cref="Matches"/>).</summary>
    private sealed record BlockResult(long Sequence, long Lines, long Papers, long Bytes, List<SnapshotMatch> Matches, List<(long, string)> Malformed, long Counted);

    /// <summary>Reads the stream into pooled blocks that end on a line break (a longer line grows its block).</summary>
    private static async Task ReadBlocksAsync(Stream input, ChannelWriter<Block> writer, CancellationToken cancellationToken)
    {
        try
        {
            var carry = Array.Empty<byte>();
            var carryLength = 0;
            long sequence = 0;
            long line = 1;
            var eof = false;
            while (!eof)
            {
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(BlockSize, carryLength * 2));
                carry.AsSpan(0, carryLength).CopyTo(buffer);
                var length = carryLength;
                while (length < buffer.Length)
                {
                    var n = await input.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        eof = true;
                        break;
                    }

                    length += n;
                }

                var end = eof ? length : buffer.AsSpan(0, length).LastIndexOf((byte)'\n') + 1;
                if (end == 0)
                {
                    // One line longer than the block: keep reading into a larger one.
                    carry = buffer[..length];
                    carryLength = length;
                    ArrayPool<byte>.Shared.Return(buffer);
                    continue;
                }

                carryLength = length - end;
                carry = carryLength == 0 ? [] : buffer[end..length];
                if (end > 0)
                {
                    await writer.WriteAsync(new Block(sequence++, line, buffer, end), cancellationToken).ConfigureAwait(false);
                    line += buffer.AsSpan(0, end).Count((byte)'\n') + (eof && buffer[end - 1] != '\n' ? 1 : 0);
                }
                else
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }

            writer.TryComplete();
        }
        catch (Exception e)
        {
            writer.TryComplete(e);
            throw;
        }
    }

    /// <summary>
    /// One worker: parses and matches the lines of each block (<see cref="BlockMatcher"/>), and adds its counts to
    /// <paramref name="totals"/> at the end.
    /// </summary>
    private static async Task MatchBlocksAsync(ChannelReader<Block> blocks, ChannelWriter<BlockResult> results, QuerySet queries, long[]? totals, CancellationToken cancellationToken)
    {
        var worker = new BlockMatcher(queries, totals is null ? null : new long[totals.Length]);
        await foreach (var block in blocks.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            var result = worker.Match(block);
            ArrayPool<byte>.Shared.Return(block.Buffer);
            await results.WriteAsync(result, cancellationToken).ConfigureAwait(false);
        }

        if (totals is not null)
        {
            lock (totals)
            {
                for (var q = 0; q < totals.Length; q++)
                {
                    totals[q] += worker.Counts![q];
                }
            }
        }
    }

    /// <summary>
    /// A worker's state. When the queries read only text, a line is read by <see cref="KaggleTextReader"/> (no
    /// strings, no paper) and a paper is built only for a match that is printed; lines that reader declines go
    /// through <see cref="KaggleLineParser"/>, whose verdict stands. With <see cref="Counts"/>, matches are counted
    /// per query instead of kept.
    /// </summary>
    private sealed class BlockMatcher(QuerySet queries, long[]? counts)
    {
        private readonly QuerySet.Matcher _matcher = CreateMatcher(queries, sorted: counts is null);
        private readonly KaggleTextReader? _text = queries.ReadsOnlyText ? new KaggleTextReader(raw: queries.ScansWordsOnly) : null;
        private readonly List<int> _hits = [];

        public long[]? Counts => counts;

        private static QuerySet.Matcher CreateMatcher(QuerySet queries, bool sorted)
        {
            var matcher = queries.CreateMatcher();
            matcher.SortResults = sorted; // counts need no order
            return matcher;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public BlockResult Match(Block block)
        {
            var matches = new List<SnapshotMatch>();
            var malformed = new List<(long, string)>();
            long lines = 0, papers = 0, counted = 0;
            var span = block.Buffer.AsSpan(0, block.Length);
            var lineNumber = block.FirstLine;
            while (span.Length > 0)
            {
                var nl = span.IndexOf((byte)'\n');
                var line = nl < 0 ? span : span[..nl];
                span = nl < 0 ? [] : span[(nl + 1)..];
                lines++;
                if (line.Length > 0 && line[^1] == '\r')
                {
                    line = line[..^1];
                }

                if (lineNumber == 1 && line.StartsWith("\uFEFF"u8))
                {
                    line = line[3..];
                }

                if (line.Trim(" \t"u8).Length > 0)
                {
                    if (_text is not null && _text.TryRead(line))
                    {
                        if (counts is not null)
                        {
                            papers++;
                            if (_matcher.CountMatches(_text.TitleField(line), _text.AbstractField(line), _text.CommentsField(line), counts))
                            {
                                counted++;
                            }
                        }
                        else
                        {
                            _matcher.MatchingQueries(_text.TitleField(line), _text.AbstractField(line), _text.CommentsField(line), _hits);
                            if (_hits.Count == 0)
                            {
                                papers++;
                            }
                            else
                            {
                                // A match to print: the full parser builds the paper (its verdict stands all the same).
                                Handle(KaggleLineParser.Parse(lineNumber, line), matched: true, matches, malformed, ref papers, ref counted);
                            }
                        }
                    }
                    else
                    {
                        Handle(KaggleLineParser.Parse(lineNumber, line), matched: false, matches, malformed, ref papers, ref counted);
                    }
                }

                lineNumber++;
            }

            return new BlockResult(block.Sequence, lines, papers, block.Length, matches, malformed, counted);
        }

        /// <summary>A parsed line: its paper matched (when not already, into the hits) and kept or counted, or its error reported.</summary>
        private void Handle(KaggleLine parsed, bool matched, List<SnapshotMatch> matches, List<(long, string)> malformed, ref long papers, ref long counted)
        {
            if (parsed.Paper is { } paper)
            {
                papers++;
                if (!matched)
                {
                    _matcher.MatchingQueries(new PaperText(paper), _hits);
                }

                if (counts is not null)
                {
                    counted += Count();
                }
                else if (_hits.Count > 0)
                {
                    matches.Add(new SnapshotMatch(parsed.LineNumber, paper, _hits.ToArray()));
                }
            }
            else
            {
                // The import's parser, so both verbs read a snapshot alike; its reason starts "line N: ".
                var reason = parsed.Error ?? "unreadable line";
                var prefix = $"line {parsed.LineNumber}: ";
                malformed.Add((parsed.LineNumber, reason.StartsWith(prefix, StringComparison.Ordinal) ? reason[prefix.Length..] : reason));
            }
        }

        /// <summary>Counts the hits of the line just matched per query; 1 when it matched any (0 when none, or when matches are kept).</summary>
        private int Count()
        {
            if (_hits.Count == 0 || counts is null)
            {
                return 0;
            }

            foreach (var q in _hits)
            {
                counts[q]++;
            }

            return 1;
        }
    }
}
