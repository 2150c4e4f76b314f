using System.Globalization;
using System.Text;

namespace ArxivDigest.Tests.Fuzz;

/// <summary>The kinds of mutation; <see cref="Combined"/> applies two to four of the others in a row.</summary>
public enum MutationKind
{
    Truncate,
    FlipBytes,
    DeleteElement,
    DuplicateElement,
    HugeValue,
    InvalidUtf8,
    Combined,
}

/// <summary>What an "element" is for a format, when one is deleted or duplicated.</summary>
public enum ElementSyntax
{
    /// <summary>XML/HTML: a tag-delimited span <c>&lt;name …&gt;…&lt;/name&gt;</c>.</summary>
    Markup,

    /// <summary>JSON Lines: a whole line or one <c>"key": value</c> field of a line.</summary>
    JsonLines,

    /// <summary>TOML: a line or a whole <c>[table]</c> / <c>[[table]]</c>.</summary>
    Toml,

    /// <summary>Query language: a word (space-delimited) or a parenthesised group.</summary>
    Query,
}

/// <summary>One mutated input and how it was made.</summary>
public sealed record Mutation(MutationKind Kind, string Detail, byte[] Data);

/// <summary>
/// Deterministic mutation engine: the same <see cref="Random"/> seed and input give the same mutation. Mutations work
/// on bytes so that truncation and invalid UTF-8 can land anywhere, including inside a multi-byte character.
/// </summary>
/// <param name="hugeText">Size of the huge text values (default 200 KB).</param>
public sealed class Mutator(Random random, ElementSyntax syntax, IReadOnlyList<string> preferredElements, int hugeText = 200_000)
{
    /// <summary>Malformed UTF-8: lone continuation, overlong '/', truncated 3-byte, surrogate half, 0xFE/0xFF,
    /// a code point above U+10FFFF, a 2-byte lead before ASCII.</summary>
    private static readonly byte[][] InvalidSequences =
    [
        [0x80], [0xBF], [0xC0, 0xAF], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xFE], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xC3, 0x28],
        [0xF0, 0x9F, 0x98], [0xEF, 0xBB, 0xBF],
    ];

    private static readonly byte[] InterestingBytes = "<>&\"'/=;:[]{}()\\#*-+,.\n\r\t\0 "u8.ToArray().Concat(new byte[] { 0x80, 0xFF, 0x7F }).ToArray();

    public Mutation Mutate(byte[] input)
    {
        var kind = (MutationKind)random.Next(Enum.GetValues<MutationKind>().Length);
        var details = new List<string>();
        var data = input;
        if (kind == MutationKind.Combined)
        {
            var steps = random.Next(2, 5);
            for (var i = 0; i < steps; i++)
            {
                var step = (MutationKind)random.Next((int)MutationKind.Combined);
                data = Apply(step, data, details);
            }
        }
        else
        {
            data = Apply(kind, data, details);
        }

        return new Mutation(kind, string.Join("; ", details), data);
    }

    private byte[] Apply(MutationKind kind, byte[] data, List<string> details) => kind switch
    {
        MutationKind.Truncate => Truncate(data, details),
        MutationKind.FlipBytes => FlipBytes(data, details),
        MutationKind.DeleteElement => Element(data, details, duplicate: false),
        MutationKind.DuplicateElement => Element(data, details, duplicate: true),
        MutationKind.HugeValue => HugeValue(data, details),
        MutationKind.InvalidUtf8 => InvalidUtf8(data, details),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private byte[] Truncate(byte[] data, List<string> details)
    {
        var at = data.Length == 0 ? 0 : random.Next(data.Length);
        details.Add($"truncate at byte {at} of {data.Length}");
        return data[..at];
    }

    private byte[] FlipBytes(byte[] data, List<string> details)
    {
        if (data.Length == 0)
        {
            details.Add("flip: empty input");
            return data;
        }

        var copy = (byte[])data.Clone();
        var count = random.Next(1, 9);
        var what = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var at = random.Next(copy.Length);
            if (random.Next(2) == 0)
            {
                var bit = random.Next(8);
                copy[at] ^= (byte)(1 << bit);
                what.Add($"{at}^bit{bit}");
            }
            else
            {
                copy[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                what.Add($"{at}=0x{copy[at]:X2}");
            }
        }

        details.Add($"flip bytes {string.Join(",", what)}");
        return copy;
    }

    private byte[] Element(byte[] data, List<string> details, bool duplicate)
    {
        var span = PickElement(data);
        if (span is not { } s)
        {
            details.Add(duplicate ? "duplicate: no element found" : "delete: no element found");
            return data;
        }

        var (start, length) = s;
        var preview = Encoding.UTF8.GetString(data, start, Math.Min(length, 40)).ReplaceLineEndings(" ");
        details.Add($"{(duplicate ? "duplicate" : "delete")} element at byte {start} length {length} '{preview}'");
        return duplicate
            ? [.. data[..(start + length)], .. data[start..(start + length)], .. data[(start + length)..]]
            : [.. data[..start], .. data[(start + length)..]];
    }

    /// <summary>A span to delete or duplicate, or null when the input has none.</summary>
    private (int Start, int Length)? PickElement(byte[] data)
    {
        if (data.Length == 0)
        {
            return null;
        }

        return syntax switch
        {
            ElementSyntax.Markup => MarkupElement(data),
            ElementSyntax.JsonLines => random.Next(2) == 0 ? Line(data) : JsonField(data),
            ElementSyntax.Toml => random.Next(2) == 0 ? Line(data) : TomlTable(data),
            ElementSyntax.Query => QueryElement(data),
            _ => null,
        };
    }

    private (int, int)? MarkupElement(byte[] data)
    {
        int lt;
        if (preferredElements.Count > 0 && random.Next(2) == 0)
        {
            // One of the record-level elements (<entry>, <dd>, <record> ...), chosen among its occurrences.
            var name = preferredElements[random.Next(preferredElements.Count)];
            var starts = Occurrences(data, Encoding.UTF8.GetBytes("<" + name), requireNameEnd: true);
            if (starts.Count == 0)
            {
                return null;
            }

            lt = starts[random.Next(starts.Count)];
        }
        else
        {
            lt = NextStartTag(data, random.Next(data.Length));
            if (lt < 0)
            {
                lt = NextStartTag(data, 0);
            }

            if (lt < 0)
            {
                return null;
            }
        }

        var nameEnd = lt + 1;
        while (nameEnd < data.Length && !IsNameEnd(data[nameEnd]))
        {
            nameEnd++;
        }

        var tagName = data[(lt + 1)..nameEnd];
        var close = data.AsSpan(nameEnd).IndexOf([.. "</"u8, .. tagName]);
        var endSearch = close >= 0 ? nameEnd + close : lt;
        var gt = data.AsSpan(endSearch).IndexOf((byte)'>');
        var end = gt >= 0 ? endSearch + gt + 1 : data.Length;
        return (lt, end - lt);
    }

    private static int NextStartTag(byte[] data, int from)
    {
        for (var i = from; i < data.Length - 1; i++)
        {
            if (data[i] == '<' && char.IsAsciiLetter((char)data[i + 1]))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool IsNameEnd(byte b) => b is (byte)' ' or (byte)'>' or (byte)'/' or (byte)'\t' or (byte)'\n' or (byte)'\r';

    private static List<int> Occurrences(byte[] data, byte[] needle, bool requireNameEnd)
    {
        var found = new List<int>();
        var from = 0;
        while (from < data.Length)
        {
            var i = data.AsSpan(from).IndexOf(needle);
            if (i < 0)
            {
                break;
            }

            var at = from + i;
            var after = at + needle.Length;
            if (!requireNameEnd || after >= data.Length || IsNameEnd(data[after]))
            {
                found.Add(at);
            }

            from = at + 1;
        }

        return found;
    }

    /// <summary>A whole line, newline included.</summary>
    private (int, int)? Line(byte[] data)
    {
        var starts = new List<int> { 0 };
        starts.AddRange(Occurrences(data, "\n"u8.ToArray(), false).Select(i => i + 1).Where(i => i < data.Length));
        var start = starts[random.Next(starts.Count)];
        var nl = data.AsSpan(start).IndexOf((byte)'\n');
        return (start, nl < 0 ? data.Length - start : nl + 1);
    }

    /// <summary>One <c>, "key": value</c> of a JSON line: from a <c>, "</c> to the next one (or the line's end).</summary>
    private (int, int)? JsonField(byte[] data)
    {
        var separators = Occurrences(data, ", \""u8.ToArray(), false);
        if (separators.Count == 0)
        {
            return null;
        }

        var start = separators[random.Next(separators.Count)];
        var next = data.AsSpan(start + 1).IndexOf(", \""u8);
        var nl = data.AsSpan(start).IndexOf((byte)'\n');
        var end = next >= 0 ? start + 1 + next : data.Length;
        if (nl >= 0 && start + nl < end)
        {
            end = start + nl - 1; // stop before the closing brace
        }

        return end > start ? (start, end - start) : null;
    }

    /// <summary>A <c>[table]</c> or <c>[[table]]</c> header and its keys, up to the next table.</summary>
    private (int, int)? TomlTable(byte[] data)
    {
        var headers = Occurrences(data, "\n["u8.ToArray(), false).Select(i => i + 1).ToList();
        if (data.Length > 0 && data[0] == '[')
        {
            headers.Insert(0, 0);
        }

        if (headers.Count == 0)
        {
            return Line(data);
        }

        var k = random.Next(headers.Count);
        var end = k + 1 < headers.Count ? headers[k + 1] : data.Length;
        return (headers[k], end - headers[k]);
    }

    /// <summary>A parenthesised group (half the time, when there is one) or a space-delimited word.</summary>
    private (int, int)? QueryElement(byte[] data)
    {
        var opens = Occurrences(data, "("u8.ToArray(), false);
        if (opens.Count > 0 && random.Next(2) == 0)
        {
            var open = opens[random.Next(opens.Count)];
            var depth = 0;
            for (var i = open; i < data.Length; i++)
            {
                depth += data[i] == '(' ? 1 : data[i] == ')' ? -1 : 0;
                if (depth == 0)
                {
                    return (open, i + 1 - open);
                }
            }

            return (open, data.Length - open);
        }

        var at = random.Next(data.Length);
        var start = at;
        while (start > 0 && data[start - 1] != ' ')
        {
            start--;
        }

        var end = at;
        while (end < data.Length && data[end] != ' ')
        {
            end++;
        }

        return end > start ? (start, end - start) : null;
    }

    private byte[] HugeValue(byte[] data, List<string> details)
    {
        byte[] value;
        string what;
        switch (random.Next(4))
        {
            case 0:
            {
                // A huge text value (200 KB by default): words, accents, a TeX fragment, no markup.
                var sb = new StringBuilder(hugeText + 16);
                var words = new[] { "diffusion ", "policy ", "Balázs ", "$\\alpha$ ", "état ", "論文 ", "x" };
                while (sb.Length < hugeText)
                {
                    sb.Append(words[random.Next(words.Length)]);
                }

                value = Encoding.UTF8.GetBytes(sb.ToString());
                what = $"{sb.Length}-character text";
                break;
            }

            case 1:
                value = Digits(random.Next(2) == 0 ? 1_000_000 : 100_000);
                what = $"{value.Length}-digit number";
                break;
            case 2:
            {
                // Edge numbers, and digits that are not ASCII but that Regex \d matches (Arabic-Indic, full-width).
                string[] edge = ["\u0663", "\uFF11\uFF12", "2147483648", "-2147483649", "9223372036854775808", "99999999999999999999999", "1e999999", "-0", "0x7FFFFFFF", "NaN", "1.5", "-1"];
                value = Encoding.UTF8.GetBytes(edge[random.Next(edge.Length)]);
                what = $"number '{Encoding.UTF8.GetString(value)}'";
                break;
            }

            default:
                // One huge word: no spaces, for tokenisers and regexes.
                value = Enumerable.Repeat((byte)'a', hugeText).ToArray();
                what = $"{hugeText}-letter word";
                break;
        }

        var (start, length) = ValueSlot(data, numeric: what.Contains("number", StringComparison.Ordinal));
        details.Add($"huge value: {what} replacing {length} bytes at byte {start}");
        return [.. data[..start], .. value, .. data[(start + length)..]];
    }

    private byte[] Digits(int count)
    {
        var digits = new byte[count];
        digits[0] = (byte)('1' + random.Next(9));
        for (var i = 1; i < count; i++)
        {
            digits[i] = (byte)('0' + random.Next(10));
        }

        return digits;
    }

    /// <summary>Where a value goes: a digit run (numbers) or a text content / string value (text), else anywhere.</summary>
    private (int Start, int Length) ValueSlot(byte[] data, bool numeric)
    {
        if (data.Length == 0)
        {
            return (0, 0);
        }

        var from = random.Next(data.Length);
        if (numeric)
        {
            for (var i = from; i < data.Length; i++)
            {
                if (char.IsAsciiDigit((char)data[i]))
                {
                    var end = i;
                    while (end < data.Length && char.IsAsciiDigit((char)data[end]))
                    {
                        end++;
                    }

                    return (i, end - i);
                }
            }

            return (from, 0);
        }

        // Text: the content after a '>' (markup), or after an opening quote (JSON, TOML, queries).
        var opener = syntax == ElementSyntax.Markup ? (byte)'>' : (byte)'"';
        var at = data.AsSpan(from).IndexOf(opener);
        if (at < 0)
        {
            return (from, 0);
        }

        var valueStart = from + at + 1;
        var closer = syntax == ElementSyntax.Markup ? (byte)'<' : (byte)'"';
        var close = data.AsSpan(valueStart).IndexOf(closer);
        return (valueStart, close < 0 ? 0 : close);
    }

    private byte[] InvalidUtf8(byte[] data, List<string> details)
    {
        var result = new List<byte>(data);
        var count = random.Next(1, 5);
        var what = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var seq = InvalidSequences[random.Next(InvalidSequences.Length)];
            var at = random.Next(result.Count + 1);
            result.InsertRange(at, seq);
            what.Add($"{string.Join(" ", seq.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)))}@{at}");
        }

        details.Add($"invalid UTF-8 {string.Join(", ", what)}");
        return [.. result];
    }
}
