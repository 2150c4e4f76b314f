using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using ArxivDigest.Matching;

namespace ArxivDigest.Arxiv;

/// <summary>
/// The fast read of a snapshot line for <c>match</c> when the queries look only at text: one forward pass of a small
/// validating JSON scanner that finds title, abstract and comments (kept as their raw bytes, or unescaped into
/// reusable buffers: no strings, no paper) and checks the rest of the line only as far as
/// <see cref="KaggleLineParser"/> would reject it. Strings are crossed with a vectorised search for the next quote,
/// backslash or control char; nothing is tokenised that the match does not read.
/// <para>
/// It is conservative: it says <see langword="true"/> only for lines the full parser accepts. Anything unusual (a
/// number, an escaped key, a field of another JSON type, an id to check by hand, a blank title, deep nesting, broken
/// JSON) gives <see langword="false"/>, and the caller then parses the line with <see cref="KaggleLineParser"/>, whose
/// verdict and message stand. A property test holds the two to the same verdict on every fuzzed line.
/// </para>
/// </summary>
public sealed class KaggleTextReader
{
    /// <summary>Deeper values are left to the full parser (its limit is 16).</summary>
    private const int MaxDepth = 12;

    /// <summary>What ends a run of plain string bytes: the closing quote, an escape, or a control char (invalid in JSON).</summary>
    private static readonly SearchValues<byte> StringSpecials = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(b => (byte)b), (byte)'"', (byte)'\\']);

    private readonly bool _raw;
    private char[] _title = new char[1024];
    private char[] _abstract = new char[8192];
    private char[] _comments = new char[1024];

    // Where a field's raw bytes are in the line, when it was kept raw (else it is decoded into its char buffer).
    private Range _titleRaw, _abstractRaw, _commentsRaw;
    private bool _titleIsRaw, _abstractIsRaw, _commentsIsRaw;

    /// <param name="raw">
    /// Keep a field that is plain escaped ASCII (<see cref="QuerySet.IsEscapedAscii"/>) as its bytes in the line, not
    /// decoded: for query sets that compare word ids alone (<see cref="QuerySet.ScansWordsOnly"/>).
    /// </param>
    public KaggleTextReader(bool raw = false)
    {
        _raw = raw;
    }

    /// <summary>The title as chars; only when the reader does not keep raw fields.</summary>
    public ReadOnlySpan<char> Title => _titleIsRaw ? throw RawField() : _title.AsSpan(0, TitleLength);

    public ReadOnlySpan<char> Abstract => _abstractIsRaw ? throw RawField() : _abstract.AsSpan(0, AbstractLength);

    public ReadOnlySpan<char> Comments => _commentsIsRaw ? throw RawField() : _comments.AsSpan(0, CommentsLength);

    /// <summary>The title of the line last read (pass that line), as chars or as its raw bytes.</summary>
    public TextField TitleField(ReadOnlySpan<byte> line) => _titleIsRaw ? TextField.FromEscapedAscii(line[_titleRaw]) : TextField.FromChars(_title.AsSpan(0, TitleLength));

    public TextField AbstractField(ReadOnlySpan<byte> line) => _abstractIsRaw ? TextField.FromEscapedAscii(line[_abstractRaw]) : TextField.FromChars(_abstract.AsSpan(0, AbstractLength));

    public TextField CommentsField(ReadOnlySpan<byte> line) => _commentsIsRaw ? TextField.FromEscapedAscii(line[_commentsRaw]) : TextField.FromChars(_comments.AsSpan(0, CommentsLength));

    private int TitleLength { get; set; }

    private int AbstractLength { get; set; }

    private int CommentsLength { get; set; }

    private static InvalidOperationException RawField() => new("the field was kept as raw bytes: use TitleField/AbstractField/CommentsField");

    /// <summary>Reads the text fields of one line; false when the line needs the full parser (to read or to reject it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryRead(ReadOnlySpan<byte> utf8)
    {
        TitleLength = AbstractLength = CommentsLength = 0;
        _titleIsRaw = _abstractIsRaw = _commentsIsRaw = false;

        // The full parser turns every string it reads into UTF-16, and fails on invalid UTF-8 or an escaped lone
        // surrogate; this reader skips most strings, so it checks the whole line for both first (vectorised). With no
        // \uD800-\uDFFF escape at all, every \u escape below is one char.
        if ((utf8.ContainsAnyExceptInRange((byte)0, (byte)0x7f) && !System.Text.Unicode.Utf8.IsValid(utf8))
            || utf8.IndexOf("\\ud"u8) >= 0 || utf8.IndexOf("\\uD"u8) >= 0)
        {
            return false;
        }

        var i = SkipSpace(utf8, 0);
        if (i >= utf8.Length || utf8[i] != (byte)'{')
        {
            return false;
        }

        i = SkipSpace(utf8, i + 1);
        var idOk = false;
        while (true)
        {
            if (!Key(utf8, ref i, out var key))
            {
                return false;
            }

            bool ok;
            if (key.SequenceEqual("id"u8))
            {
                ok = String(utf8, ref i, out var value, out var escaped) && !escaped && IsPlainId(utf8[value]);
                idOk = ok;
            }
            else if (key.SequenceEqual("title"u8))
            {
                ok = Text(utf8, ref i, ref _title, out _titleRaw, out _titleIsRaw, out var length);
                TitleLength = length;
            }
            else if (key.SequenceEqual("abstract"u8))
            {
                ok = Text(utf8, ref i, ref _abstract, out _abstractRaw, out _abstractIsRaw, out var length);
                AbstractLength = length;
            }
            else if (key.SequenceEqual("comments"u8))
            {
                ok = Text(utf8, ref i, ref _comments, out _commentsRaw, out _commentsIsRaw, out var length);
                CommentsLength = length;
            }
            else if (key.SequenceEqual("authors"u8) || key.SequenceEqual("journal-ref"u8) || key.SequenceEqual("doi"u8) || key.SequenceEqual("categories"u8))
            {
                ok = StringOrNull(utf8, ref i, out _, out _, out _);
            }
            else if (key.SequenceEqual("versions"u8))
            {
                ok = VersionsAreStrings(utf8, ref i);
            }
            else
            {
                // authors_parsed is read leniently by the full parser: any shape is accepted, like unknown fields.
                ok = SkipValue(utf8, ref i, depth: 1);
            }

            if (!ok)
            {
                return false;
            }

            i = SkipSpace(utf8, i);
            if (i < utf8.Length && utf8[i] == (byte)',')
            {
                i = SkipSpace(utf8, i + 1);
                continue;
            }

            if (i < utf8.Length && utf8[i] == (byte)'}')
            {
                break;
            }

            return false;
        }

        // Closed object, nothing after it, an id the full parser takes, and a title that is not blank.
        return SkipSpace(utf8, i + 1) == utf8.Length && idOk
            && !(_titleIsRaw ? IsBlank(utf8[_titleRaw]) : _title.AsSpan(0, TitleLength).IsWhiteSpace());
    }

    /// <summary>JSON whitespace from <paramref name="i"/> on; returns where it ends.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int SkipSpace(ReadOnlySpan<byte> utf8, int i)
    {
        while (i < utf8.Length && utf8[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }

        return i;
    }

    /// <summary>A property name without escapes and its colon; <paramref name="i"/> ends at the value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Key(ReadOnlySpan<byte> utf8, ref int i, out ReadOnlySpan<byte> key)
    {
        key = default;
        if (!String(utf8, ref i, out var range, out var escaped) || escaped)
        {
            return false; // an escaped name may still be "title": the full parser compares it unescaped
        }

        key = utf8[range];
        i = SkipSpace(utf8, i);
        if (i >= utf8.Length || utf8[i] != (byte)':')
        {
            return false;
        }

        i = SkipSpace(utf8, i + 1);
        return true;
    }

    /// <summary>
    /// A JSON string at <paramref name="i"/> (its opening quote): valid escapes, no control char. Gives the range of
    /// its contents and whether it holds an escape; <paramref name="i"/> ends after the closing quote.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool String(ReadOnlySpan<byte> utf8, ref int i, out Range value, out bool escaped)
    {
        value = default;
        escaped = false;
        if (i >= utf8.Length || utf8[i] != (byte)'"')
        {
            return false;
        }

        var start = ++i;
        while (true)
        {
            var next = utf8[i..].IndexOfAny(StringSpecials);
            if (next < 0)
            {
                return false; // not closed
            }

            i += next;
            var b = utf8[i];
            if (b == (byte)'"')
            {
                value = start..i;
                i++;
                return true;
            }

            if (b != (byte)'\\' || i + 1 >= utf8.Length)
            {
                return false; // a raw control char
            }

            escaped = true;
            var e = utf8[i + 1];
            if (e == (byte)'u')
            {
                if (i + 6 > utf8.Length || !IsHex(utf8[i + 2]) || !IsHex(utf8[i + 3]) || !IsHex(utf8[i + 4]) || !IsHex(utf8[i + 5]))
                {
                    return false;
                }

                i += 6;
            }
            else if (e is (byte)'"' or (byte)'\\' or (byte)'/' or (byte)'b' or (byte)'f' or (byte)'n' or (byte)'r' or (byte)'t')
            {
                i += 2;
            }
            else
            {
                return false;
            }
        }
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    /// <summary>A string or null (<paramref name="isNull"/>); anything else is false.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool StringOrNull(ReadOnlySpan<byte> utf8, ref int i, out Range value, out bool escaped, out bool isNull)
    {
        isNull = utf8[i..].StartsWith("null"u8);
        if (isNull)
        {
            value = default;
            escaped = false;
            i += 4;
            return true;
        }

        return String(utf8, ref i, out value, out escaped);
    }

    /// <summary>
    /// A text field (string or null): kept as its raw bytes when the reader may and they are plain escaped ASCII, else
    /// unescaped into <paramref name="buffer"/> (grown as needed; <paramref name="length"/> chars).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Text(ReadOnlySpan<byte> utf8, ref int i, ref char[] buffer, out Range raw, out bool isRaw, out int length)
    {
        raw = default;
        isRaw = false;
        length = 0;
        if (!StringOrNull(utf8, ref i, out var value, out var escaped, out var isNull))
        {
            return false;
        }

        if (isNull)
        {
            return true;
        }

        var bytes = utf8[value];
        if (_raw && QuerySet.IsEscapedAscii(bytes))
        {
            raw = value;
            isRaw = true;
            return true;
        }

        // Never more chars than UTF-8 bytes.
        if (buffer.Length < bytes.Length)
        {
            buffer = new char[Math.Max(bytes.Length, buffer.Length * 2)];
        }

        // Not whitespace-normalised as the full parser stores it: the words are the same either way (TeX included, see
        // TextNormalizer), and a property test holds the two paths to the same matches.
        length = escaped ? Unescape(bytes, buffer) : Encoding.UTF8.GetChars(bytes, buffer);
        return true;
    }

    /// <summary>The chars of a checked string's contents with escapes (no surrogate escapes: the line was checked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Unescape(ReadOnlySpan<byte> bytes, Span<char> chars)
    {
        var n = 0;
        while (true)
        {
            var slash = bytes.IndexOf((byte)'\\');
            var run = slash < 0 ? bytes : bytes[..slash];
            n += Encoding.UTF8.GetChars(run, chars[n..]);
            if (slash < 0)
            {
                return n;
            }

            var e = bytes[slash + 1];
            if (e == (byte)'u')
            {
                chars[n++] = (char)((Hex(bytes[slash + 2]) << 12) | (Hex(bytes[slash + 3]) << 8) | (Hex(bytes[slash + 4]) << 4) | Hex(bytes[slash + 5]));
                bytes = bytes[(slash + 6)..];
            }
            else
            {
                chars[n++] = e switch
                {
                    (byte)'b' => '\b',
                    (byte)'f' => '\f',
                    (byte)'n' => '\n',
                    (byte)'r' => '\r',
                    (byte)'t' => '\t',
                    _ => (char)e, // " \ /
                };
                bytes = bytes[(slash + 2)..];
            }
        }
    }

    private static int Hex(byte b) => b <= (byte)'9' ? b - '0' : (b | 0x20) - 'a' + 10;

    /// <summary>
    /// Any value, checked as JSON: strings, null, true, false, and arrays and objects of them (not deeper than
    /// <see cref="MaxDepth"/>). Numbers, and anything else, are left to the full parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool SkipValue(ReadOnlySpan<byte> utf8, ref int i, int depth)
    {
        if (i >= utf8.Length)
        {
            return false;
        }

        switch (utf8[i])
        {
            case (byte)'"':
                return String(utf8, ref i, out _, out _);
            case (byte)'n':
                return Literal(utf8, ref i, "null"u8);
            case (byte)'t':
                return Literal(utf8, ref i, "true"u8);
            case (byte)'f':
                return Literal(utf8, ref i, "false"u8);
            case (byte)'[':
                return Container(utf8, ref i, (byte)']', depth + 1);
            case (byte)'{':
                return Container(utf8, ref i, (byte)'}', depth + 1);
            default:
                return false;
        }
    }

    private static bool Literal(ReadOnlySpan<byte> utf8, ref int i, ReadOnlySpan<byte> literal)
    {
        if (!utf8[i..].StartsWith(literal))
        {
            return false;
        }

        i += literal.Length;
        return true;
    }

    /// <summary>An array or an object (<paramref name="close"/> is <c>]</c> or <c>}</c>): each member a value, or a name and a value, checked as JSON.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Container(ReadOnlySpan<byte> utf8, ref int i, byte close, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        i = SkipSpace(utf8, i + 1);
        if (i < utf8.Length && utf8[i] == close)
        {
            i++;
            return true;
        }

        while (true)
        {
            if ((close == (byte)'}' && !Key(utf8, ref i, out _)) || !SkipValue(utf8, ref i, depth) || !Next(utf8, ref i, close, out var end))
            {
                return false;
            }

            if (end)
            {
                return true;
            }
        }
    }

    /// <summary>After a value in an array or object: a comma (and the next value's start) or the closing bracket.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Next(ReadOnlySpan<byte> utf8, ref int i, byte close, out bool end)
    {
        i = SkipSpace(utf8, i);
        end = false;
        if (i >= utf8.Length)
        {
            return false;
        }

        if (utf8[i] == (byte)',')
        {
            i = SkipSpace(utf8, i + 1);
            return true;
        }

        if (utf8[i] == close)
        {
            i++;
            end = true;
            return true;
        }

        return false;
    }

    /// <summary>A raw escaped-ASCII value that decodes to whitespace only (spaces and the \n \t \r \f escapes; not \b, a quote or a slash).</summary>
    private static bool IsBlank(ReadOnlySpan<byte> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] == (byte)'\\')
            {
                if (raw[++i] is not ((byte)'n' or (byte)'t' or (byte)'r' or (byte)'f'))
                {
                    return false;
                }
            }
            else if (raw[i] != (byte)' ')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The common id shapes, unescaped and without spaces, that <see cref="ArxivIds.TryParse"/> takes as they are:
    /// <c>2401.01234</c> (4 digits, dot, 4 or 5) and <c>hep-th/9901001</c> (lower-case archive, one optional dash, slash, 7 digits).
    /// Anything else goes to the full parser.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsPlainId(ReadOnlySpan<byte> id)
    {
        if (id.Length is 9 or 10 && id[4] == '.' && IsDigits(id[..4]) && IsDigits(id[5..]))
        {
            return true;
        }

        var slash = id.IndexOf((byte)'/');
        if (slash <= 0 || id.Length - slash - 1 != 7 || !IsDigits(id[(slash + 1)..]))
        {
            return false;
        }

        // [a-z]+(-[a-z]+)? before the slash, as ArxivIds' pattern has it (its ".XX" form goes to the full parser).
        var archive = id[..slash];
        var dash = archive.IndexOf((byte)'-');
        return dash < 0 ? IsLower(archive) : IsLower(archive[..dash]) && IsLower(archive[(dash + 1)..]);
    }

    private static bool IsLower(ReadOnlySpan<byte> s) => s.Length > 0 && !s.ContainsAnyExceptInRange((byte)'a', (byte)'z');

    private static bool IsDigits(ReadOnlySpan<byte> s) => s.Length > 0 && !s.ContainsAnyExceptInRange((byte)'0', (byte)'9');

    /// <summary>versions: every "version" and "created" value a string or null (the full parser reads them as strings); other shapes are skipped as it does.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool VersionsAreStrings(ReadOnlySpan<byte> utf8, ref int i)
    {
        if (i >= utf8.Length || utf8[i] != (byte)'[')
        {
            return SkipValue(utf8, ref i, depth: 1);
        }

        i = SkipSpace(utf8, i + 1);
        if (i < utf8.Length && utf8[i] == (byte)']')
        {
            i++;
            return true;
        }

        while (true)
        {
            if (i < utf8.Length && utf8[i] == (byte)'{')
            {
                if (!Version(utf8, ref i))
                {
                    return false;
                }
            }
            else if (!SkipValue(utf8, ref i, depth: 2))
            {
                return false;
            }

            if (!Next(utf8, ref i, (byte)']', out var end))
            {
                return false;
            }

            if (end)
            {
                return true;
            }
        }
    }

    /// <summary>One object of versions: "version" and "created" strings or null, anything else skipped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Version(ReadOnlySpan<byte> utf8, ref int i)
    {
        i = SkipSpace(utf8, i + 1);
        if (i < utf8.Length && utf8[i] == (byte)'}')
        {
            i++;
            return true;
        }

        while (true)
        {
            if (!Key(utf8, ref i, out var key))
            {
                return false;
            }

            var ok = key.SequenceEqual("version"u8) || key.SequenceEqual("created"u8)
                ? StringOrNull(utf8, ref i, out _, out _, out _)
                : SkipValue(utf8, ref i, depth: 3);
            if (!ok || !Next(utf8, ref i, (byte)'}', out var end))
            {
                return false;
            }

            if (end)
            {
                return true;
            }
        }
    }
}
