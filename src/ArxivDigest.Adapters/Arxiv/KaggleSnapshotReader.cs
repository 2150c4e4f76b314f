using System.Buffers;
using System.Text;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>One line of the snapshot: a paper, or an error ("line N: …") when the line could not be read.</summary>
public sealed record KaggleLine(long LineNumber, Paper? Paper, string? Error)
{
    /// <summary>
    /// With the <see cref="Stream"/> overload: the byte position just past this line's end of line, counted from
    /// where reading started (so start position + EndOffset is where the next line begins). 0 with a TextReader.
    /// </summary>
    public long EndOffset { get; init; }
}

/// <summary>
/// Streams the Kaggle "Cornell-University/arxiv" metadata snapshot (<c>arxiv-metadata-oai-snapshot.json</c>, JSON
/// Lines). One line is parsed at a time, so memory stays constant whatever the file size. A malformed line yields a
/// <see cref="KaggleLine"/> with an error and reading goes on; blank lines are skipped.
/// Authors come from <c>authors_parsed</c> ([last, first, suffix, affiliation?], Unicode) as "First Last Suffix",
/// falling back to splitting the TeX <c>authors</c> string; the 4th element (affiliation) is ignored. Version = highest
/// <c>versions[].version</c>; Published = the date of <c>versions[0].created</c>.
/// </summary>
public static class KaggleSnapshotReader
{
    /// <summary>Lines longer than this (no real record comes close) are reported and skipped, keeping memory bounded.</summary>
    public const int MaxLineBytes = 16 * 1024 * 1024;

    private const int InitialBufferBytes = 1024 * 1024;

    /// <summary>Reads lines from a <see cref="TextReader"/> (tests, small inputs); each line is re-encoded as UTF-8.</summary>
    public static IEnumerable<KaggleLine> Read(TextReader reader, string origin)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(origin);
        return ReadIterator(reader);
    }

    /// <summary>
    /// Reads UTF-8 JSON Lines from <paramref name="stream"/> through one pooled buffer (no string per line), the fast
    /// path for multi-gigabyte snapshots. The stream must be positioned at the start of line
    /// <paramref name="firstLineNumber"/>; lines numbered up to <paramref name="skipThrough"/> are counted but neither
    /// parsed nor yielded (resuming a compressed file, which cannot seek).
    /// </summary>
    public static IEnumerable<KaggleLine> Read(Stream stream, string origin, long firstLineNumber = 1, long skipThrough = 0)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(origin);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstLineNumber, 1);
        return ReadIterator(stream, firstLineNumber, skipThrough);
    }

    private static IEnumerable<KaggleLine> ReadIterator(TextReader reader)
    {
        long lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (lineNumber == 1)
            {
                line = line.TrimStart('\uFEFF'); // a BOM a StringReader or a non-detecting reader left in place
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            yield return KaggleLineParser.Parse(lineNumber, Encoding.UTF8.GetBytes(line));
        }
    }

    private static IEnumerable<KaggleLine> ReadIterator(Stream stream, long firstLineNumber, long skipThrough)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferBytes);
        int start = 0, end = 0;       // unread bytes are buffer[start..end)
        long consumed = 0;            // stream bytes before buffer[start]
        var lineNumber = firstLineNumber - 1;
        var eof = false;
        var discarding = false;       // inside a line longer than MaxLineBytes
        try
        {
            while (true)
            {
                var newline = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
                int length;
                int advance;
                if (newline >= 0)
                {
                    length = newline;
                    advance = newline + 1;
                }
                else if (eof)
                {
                    if (end == start && !discarding)
                    {
                        yield break;
                    }

                    length = advance = end - start; // the last line has no end of line
                }
                else
                {
                    if (discarding)
                    {
                        consumed += end - start;
                        start = end = 0;
                    }
                    else if (start > 0)
                    {
                        Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                        end -= start;
                        start = 0;
                    }

                    if (end == buffer.Length)
                    {
                        if (buffer.Length >= MaxLineBytes)
                        {
                            discarding = true;
                            consumed += end;
                            end = 0;
                        }
                        else
                        {
                            var larger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxLineBytes, buffer.Length * 2));
                            Buffer.BlockCopy(buffer, 0, larger, 0, end);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = larger;
                        }
                    }

                    var read = stream.Read(buffer, end, buffer.Length - end);
                    if (read == 0)
                    {
                        eof = true;
                    }

                    end += read;
                    continue;
                }

                lineNumber++;
                var lineStart = start;
                start += advance;
                consumed += advance;
                if (discarding)
                {
                    discarding = false;
                    if (lineNumber > skipThrough)
                    {
                        yield return new KaggleLine(lineNumber, null, $"line {lineNumber}: longer than {MaxLineBytes / (1024 * 1024)} MiB, skipped") { EndOffset = consumed };
                    }

                    continue;
                }

                if (lineNumber <= skipThrough)
                {
                    continue;
                }

                var result = Parse(lineNumber, buffer, lineStart, length, consumed);
                if (result is not null)
                {
                    yield return result;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Parses buffer[start..start+length) (one line without its '\n'); null for a blank line.</summary>
    private static KaggleLine? Parse(long lineNumber, byte[] buffer, int start, int length, long endOffset)
    {
        var line = buffer.AsSpan(start, length);
        if (lineNumber == 1 && line.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            line = line[3..];
        }

        line = line.TrimEnd((byte)'\r');
        if (line.Trim(" \t\r\f\v"u8).IsEmpty)
        {
            return null;
        }

        return KaggleLineParser.Parse(lineNumber, line) with { EndOffset = endOffset };
    }
}
