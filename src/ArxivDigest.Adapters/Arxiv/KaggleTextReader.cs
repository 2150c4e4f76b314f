using System.Runtime.CompilerServices;
using System.Text.Json;
using ArxivDigest.Matching;

namespace ArxivDigest.Arxiv;

/// <summary>
/// The fast read of a snapshot line for <c>match</c> when the queries look only at text: one forward pass of a
/// <see cref="Utf8JsonReader"/> that unescapes title, abstract and comments into reusable buffers (no strings, no
/// paper) and checks the rest of the line only as far as <see cref="KaggleLineParser"/> would reject it.
/// <para>
/// It is conservative: it says <see langword="true"/> only for lines the full parser accepts. Anything unusual (a
/// field of another JSON type, an id to check by hand, a blank title, broken JSON) gives <see langword="false"/>, and
/// the caller then parses the line with <see cref="KaggleLineParser"/>, whose verdict and message stand. A property
/// test holds the two to the same verdict on every fuzzed line.
/// </para>
/// </summary>
public sealed class KaggleTextReader
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 16 };

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
        // surrogate; this reader skips most strings, so it checks the whole line for both first (vectorised).
        if ((utf8.ContainsAnyExceptInRange((byte)0, (byte)0x7f) && !System.Text.Unicode.Utf8.IsValid(utf8))
            || utf8.IndexOf("\\ud"u8) >= 0 || utf8.IndexOf("\\uD"u8) >= 0)
        {
            return false;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            var idOk = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8))
                {
                    idOk = NextIsString(ref reader) && IsPlainId(ref reader);
                }
                else if (reader.ValueTextEquals("title"u8))
                {
                    if (!NextIsStringOrNull(ref reader))
                    {
                        return false;
                    }

                    TitleLength = Read(ref reader, ref _title, out _titleRaw, out _titleIsRaw);
                }
                else if (reader.ValueTextEquals("abstract"u8))
                {
                    if (!NextIsStringOrNull(ref reader))
                    {
                        return false;
                    }

                    AbstractLength = Read(ref reader, ref _abstract, out _abstractRaw, out _abstractIsRaw);
                }
                else if (reader.ValueTextEquals("comments"u8))
                {
                    if (!NextIsStringOrNull(ref reader))
                    {
                        return false;
                    }

                    CommentsLength = Read(ref reader, ref _comments, out _commentsRaw, out _commentsIsRaw);
                }
                else if (reader.ValueTextEquals("authors"u8) || reader.ValueTextEquals("journal-ref"u8)
                    || reader.ValueTextEquals("doi"u8) || reader.ValueTextEquals("categories"u8))
                {
                    if (!NextIsStringOrNull(ref reader))
                    {
                        return false;
                    }
                }
                else if (reader.ValueTextEquals("versions"u8))
                {
                    if (!VersionsAreStrings(ref reader))
                    {
                        return false;
                    }
                }
                else
                {
                    // authors_parsed is read leniently by the full parser: any shape is accepted, like unknown fields.
                    reader.Read();
                    reader.Skip();
                }
            }

            // Closed object, nothing after it, an id the full parser takes, and a title that is not blank.
            return reader.TokenType == JsonTokenType.EndObject && !reader.Read() && idOk
                && !(_titleIsRaw ? IsBlank(utf8[_titleRaw]) : _title.AsSpan(0, TitleLength).IsWhiteSpace());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Broken JSON, or a string that is not valid UTF-8 (found by the property test): the full parser reports it.
            return false;
        }
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

    private static bool NextIsString(ref Utf8JsonReader reader) => reader.Read() && reader.TokenType == JsonTokenType.String;

    private static bool NextIsStringOrNull(ref Utf8JsonReader reader) =>
        reader.Read() && reader.TokenType is JsonTokenType.String or JsonTokenType.Null;

    /// <summary>
    /// The common id shapes, unescaped and without spaces, that <see cref="ArxivIds.TryParse"/> takes as they are:
    /// <c>2401.01234</c> (4 digits, dot, 4 or 5) and <c>hep-th/9901001</c> (lower-case archive, one optional dash, slash, 7 digits).
    /// Anything else goes to the full parser.
    /// </summary>
    private static bool IsPlainId(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return false;
        }

        var id = reader.ValueSpan;
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

    /// <summary>versions: every "version" and "created" value a string or null (the full parser reads them as strings).</summary>
    private static bool VersionsAreStrings(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return true;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.ValueTextEquals("version"u8) || reader.ValueTextEquals("created"u8))
                {
                    if (!NextIsStringOrNull(ref reader))
                    {
                        return false;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return true;
    }

    /// <summary>
    /// The current string: kept as its raw bytes (where they are in the line) when the reader may and they are plain
    /// escaped ASCII, else decoded into <paramref name="buffer"/> (returns the decoded length).
    /// </summary>
    private int Read(ref Utf8JsonReader reader, ref char[] buffer, out Range raw, out bool isRaw)
    {
        if (_raw && reader.TokenType == JsonTokenType.String && !reader.HasValueSequence && QuerySet.IsEscapedAscii(reader.ValueSpan))
        {
            // The value starts after the opening quote.
            var start = checked((int)reader.TokenStartIndex) + 1;
            raw = start..(start + reader.ValueSpan.Length);
            isRaw = true;
            return 0;
        }

        raw = default;
        isRaw = false;
        return Copy(ref reader, ref buffer);
    }

    /// <summary>Unescapes the current string (or null: empty) into <paramref name="buffer"/>, grown as needed; returns its length.</summary>
    private static int Copy(ref Utf8JsonReader reader, ref char[] buffer)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return 0;
        }

        // Never more chars than UTF-8 bytes.
        var max = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (buffer.Length < max)
        {
            buffer = new char[Math.Max(max, buffer.Length * 2)];
        }

        // Not whitespace-normalised as the full parser stores it: the words are the same either way (TeX included, see
        // TextNormalizer), and a property test holds the two paths to the same matches.
        return reader.CopyString(buffer);
    }
}
