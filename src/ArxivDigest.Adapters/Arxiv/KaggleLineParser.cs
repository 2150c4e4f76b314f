using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>
/// One snapshot line (UTF-8 JSON object) → <see cref="KaggleLine"/>, in one forward pass of a
/// <see cref="Utf8JsonReader"/> (no DOM): unknown fields are skipped, only the needed strings are materialised.
/// </summary>
internal static class KaggleLineParser
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 16 };

    /// <summary>Category strings repeat across millions of lines; their subject lists are built once (bounded cache).</summary>
    [ThreadStatic]
    private static Dictionary<string, (string Primary, IReadOnlyList<Subject> Subjects)>? subjectCache;

    private const int SubjectCacheLimit = 8192;

    public static KaggleLine Parse(long lineNumber, ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, Options);
            if (!reader.Read())
            {
                return Fail(lineNumber, "invalid JSON: empty line");
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Fail(lineNumber, $"expected a JSON object, found {KindOf(reader.TokenType)}");
            }

            var fields = default(Fields);
            while (true)
            {
                if (!reader.Read())
                {
                    return Fail(lineNumber, "invalid JSON: the object is not closed");
                }

                if (reader.TokenType == JsonTokenType.EndObject)
                {
                    break;
                }

                ReadProperty(ref reader, ref fields);
            }

            if (reader.Read())
            {
                return Fail(lineNumber, "invalid JSON: more than one value on the line");
            }

            return Build(lineNumber, ref fields);
        }
        catch (JsonException ex)
        {
            return Fail(lineNumber, $"invalid JSON: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            // A field of an unexpected JSON type (e.g. a number where a string belongs).
            return Fail(lineNumber, $"unexpected value: {ex.Message}");
        }
    }

    private static KaggleLine Build(long lineNumber, ref Fields f)
    {
        if (string.IsNullOrWhiteSpace(f.Id))
        {
            return Fail(lineNumber, "missing id");
        }

        if (!ArxivIds.TryParse(f.Id, out var arxivId, out var idVersion))
        {
            return Fail(lineNumber, $"'{f.Id}' is not an arXiv id");
        }

        var title = f.Title ?? "";
        if (title.Length == 0)
        {
            return Fail(lineNumber, $"{arxivId}: missing title");
        }

        var (primary, subjects) = Subjects(f.Categories);
        var paper = new Paper
        {
            Id = arxivId,
            Version = f.LastVersion ?? idVersion,
            Title = title,
            Abstract = f.Abstract ?? "",
            Authors = f.ParsedAuthors is { Count: > 0 } parsed ? parsed : AuthorNames.Split(f.Authors),
            Comments = NullIfEmpty(f.Comments),
            JournalRef = NullIfEmpty(f.JournalRef),
            Doi = NullIfEmpty(f.Doi),
            PrimaryCategory = primary,
            Subjects = subjects,
            Published = f.Published,
        };
        return new KaggleLine(lineNumber, paper, null);
    }

    private static void ReadProperty(ref Utf8JsonReader reader, ref Fields f)
    {
        if (reader.ValueTextEquals("id"u8))
        {
            f.Id = NextString(ref reader, "id");
        }
        else if (reader.ValueTextEquals("title"u8))
        {
            f.Title = NextText(ref reader, "title");
        }
        else if (reader.ValueTextEquals("abstract"u8))
        {
            f.Abstract = NextText(ref reader, "abstract");
        }
        else if (reader.ValueTextEquals("authors"u8))
        {
            f.Authors = NextString(ref reader, "authors");
        }
        else if (reader.ValueTextEquals("comments"u8))
        {
            f.Comments = NextText(ref reader, "comments");
        }
        else if (reader.ValueTextEquals("journal-ref"u8))
        {
            f.JournalRef = NextText(ref reader, "journal-ref");
        }
        else if (reader.ValueTextEquals("doi"u8))
        {
            f.Doi = NextText(ref reader, "doi");
        }
        else if (reader.ValueTextEquals("categories"u8))
        {
            f.Categories = NextString(ref reader, "categories");
        }
        else if (reader.ValueTextEquals("versions"u8))
        {
            reader.Read();
            ReadVersions(ref reader, ref f);
        }
        else if (reader.ValueTextEquals("authors_parsed"u8))
        {
            reader.Read();
            f.ParsedAuthors = ReadParsedAuthors(ref reader);
        }
        else
        {
            reader.Read();
            reader.Skip();
        }
    }

    /// <summary>Moves to the property's value: its string, null for JSON null; other kinds throw InvalidOperationException.</summary>
    private static string? NextString(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => reader.GetString(),
            JsonTokenType.Null => null,
            _ => throw new InvalidOperationException($"'{name}' is {KindOf(reader.TokenType)}, expected a string"),
        };
    }

    /// <summary>versions: [{"version":"v1","created":"Mon, 2 Apr 2007 19:18:42 GMT"}, …]; anything else is ignored.</summary>
    private static void ReadVersions(ref Utf8JsonReader reader, ref Fields f)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return;
        }

        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                first = false;
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                if (reader.ValueTextEquals("version"u8))
                {
                    if (ArxivIds.ParseVersion(NextString(ref reader, "version")) is { } n && (f.LastVersion is null || n > f.LastVersion))
                    {
                        f.LastVersion = n;
                    }
                }
                else if (first && reader.ValueTextEquals("created"u8))
                {
                    f.Published = ParseCreated(NextString(ref reader, "created"));
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            first = false;
        }
    }

    /// <summary>authors_parsed: [[last, first, suffix, affiliation?], …] → "First Last Suffix"; non-string parts are empty.</summary>
    private static List<string> ReadParsedAuthors(ref Utf8JsonReader reader)
    {
        var names = new List<string>();
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return names;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reader.Skip();
                continue;
            }

            // The parts are unescaped into one pooled buffer, then assembled as "first last suffix" and normalised
            // in one pass: the same text as normalising each part and joining the non-empty ones with spaces.
            Span<Range> parts = [default, default, default];
            EnsureCapacity(ref scratch, 0);
            var used = 0;
            var i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String && i < 3)
                {
                    var needed = used + MaxChars(ref reader);
                    EnsureCapacity(ref scratch, needed);
                    var n = reader.CopyString(scratch.AsSpan(used));
                    parts[i] = used..(used + n);
                    used += n;
                }
                else
                {
                    reader.Skip();
                }

                i++;
            }

            EnsureCapacity(ref assembled, used + 3);
            var length = 0;
            foreach (var part in (ReadOnlySpan<int>)[1, 0, 2])
            {
                scratch.AsSpan(parts[part]).CopyTo(assembled.AsSpan(length));
                length += parts[part].GetOffsetAndLength(used).Length;
                assembled[length++] = ' ';
            }

            var text = assembled.AsSpan(0, NormalizeInPlace(assembled.AsSpan(0, length)));

            // authors_parsed splits hyphenated initials ("C.-P." → "C. -P."); put them back together.
            var name = text.Contains(". -", StringComparison.Ordinal)
                ? text.ToString().Replace(". -", ".-", StringComparison.Ordinal)
                : text.ToString();
            if (name.Length > 0)
            {
                names.Add(name);
            }
        }

        return names;
    }

    [ThreadStatic]
    private static char[]? scratch;

    [ThreadStatic]
    private static char[]? assembled;

    /// <summary>
    /// Moves to the property's value and returns it whitespace-normalised (as <see cref="Text.Normalize"/>), unescaped
    /// straight into a pooled buffer: one string allocated per field. Null for JSON null; other kinds throw.
    /// </summary>
    private static string? NextText(ref Utf8JsonReader reader, string name)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            throw new InvalidOperationException($"'{name}' is {KindOf(reader.TokenType)}, expected a string");
        }

        EnsureCapacity(ref scratch, MaxChars(ref reader));
        var n = reader.CopyString(scratch);
        return new string(scratch.AsSpan(0, NormalizeInPlace(scratch.AsSpan(0, n))));
    }

    /// <summary>An upper bound of the unescaped length in chars: never more chars than UTF-8 bytes.</summary>
    private static int MaxChars(ref Utf8JsonReader reader) =>
        reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;

    private static void EnsureCapacity([NotNull] ref char[]? buffer, int length)
    {
        if (buffer is null)
        {
            buffer = new char[Math.Max(length, 4096)];
        }
        else if (buffer.Length < length)
        {
            Array.Resize(ref buffer, Math.Max(length, buffer.Length * 2)); // keeps what is already there
        }
    }

    /// <summary>Collapses runs of whitespace to one space and trims, in place (as <see cref="Text.Normalize"/>); returns the new length.</summary>
    private static int NormalizeInPlace(Span<char> text)
    {
        var w = 0;
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = w > 0;
                continue;
            }

            if (pendingSpace)
            {
                text[w++] = ' ';
                pendingSpace = false;
            }

            text[w++] = c;
        }

        return w;
    }

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>"Mon, 2 Apr 2007 19:18:42 GMT" (RFC 1123, one- or two-digit day) → 2007-04-02; null when unreadable.</summary>
    internal static DateOnly? ParseCreated(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var s = text.AsSpan().Trim();
        var comma = s.IndexOf(',');
        if (comma >= 0)
        {
            s = s[(comma + 1)..].TrimStart();
        }

        // "2 Apr 2007 …"
        var parts = new Range[4];
        var n = s.Split(parts, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (n >= 3
            && int.TryParse(s[parts[0]], NumberStyles.None, CultureInfo.InvariantCulture, out var day)
            && MonthOf(s[parts[1]]) is { } month
            && int.TryParse(s[parts[2]], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            && year is >= 1 and <= 9999 && day >= 1 && day <= DateTime.DaysInMonth(year, month))
        {
            return new DateOnly(year, month, day);
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed)
            ? DateOnly.FromDateTime(parsed.UtcDateTime)
            : null;
    }

    private static int? MonthOf(ReadOnlySpan<char> name)
    {
        ReadOnlySpan<string> months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        for (var i = 0; i < months.Length; i++)
        {
            if (name.Equals(months[i], StringComparison.OrdinalIgnoreCase))
            {
                return i + 1;
            }
        }

        return null;
    }

    private static (string Primary, IReadOnlyList<Subject> Subjects) Subjects(string? categories)
    {
        var key = categories ?? "";
        var cache = subjectCache ??= new Dictionary<string, (string, IReadOnlyList<Subject>)>(StringComparer.Ordinal);
        if (cache.TryGetValue(key, out var hit))
        {
            return hit;
        }

        var built = SubjectList.FromSpaceSeparated(key);
        if (cache.Count < SubjectCacheLimit)
        {
            cache[key] = built;
        }

        return built;
    }

    private static string KindOf(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "Object",
        JsonTokenType.StartArray => "Array",
        JsonTokenType.String => "String",
        JsonTokenType.Number => "Number",
        JsonTokenType.True => "True",
        JsonTokenType.False => "False",
        JsonTokenType.Null => "Null",
        _ => token.ToString(),
    };

    private static KaggleLine Fail(long lineNumber, string what) => new(lineNumber, null, $"line {lineNumber}: {what}");

    private struct Fields
    {
        public string? Id, Title, Abstract, Authors, Comments, JournalRef, Doi, Categories;
        public int? LastVersion;
        public DateOnly? Published;
        public List<string>? ParsedAuthors;
    }
}
