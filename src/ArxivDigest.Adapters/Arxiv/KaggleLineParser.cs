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

        var title = Text.Normalize(f.Title);
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
            Abstract = Text.Normalize(f.Abstract),
            Authors = f.ParsedAuthors is { Count: > 0 } parsed ? parsed : AuthorNames.Split(f.Authors),
            Comments = Text.NormalizeOptional(f.Comments),
            JournalRef = Text.NormalizeOptional(f.JournalRef),
            Doi = Text.NormalizeOptional(f.Doi),
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
            f.Title = NextString(ref reader, "title");
        }
        else if (reader.ValueTextEquals("abstract"u8))
        {
            f.Abstract = NextString(ref reader, "abstract");
        }
        else if (reader.ValueTextEquals("authors"u8))
        {
            f.Authors = NextString(ref reader, "authors");
        }
        else if (reader.ValueTextEquals("comments"u8))
        {
            f.Comments = NextString(ref reader, "comments");
        }
        else if (reader.ValueTextEquals("journal-ref"u8))
        {
            f.JournalRef = NextString(ref reader, "journal-ref");
        }
        else if (reader.ValueTextEquals("doi"u8))
        {
            f.Doi = NextString(ref reader, "doi");
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

            string? last = null, first = null, suffix = null;
            var i = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (reader.TokenType == JsonTokenType.String && i < 3)
                {
                    var part = reader.GetString();
                    switch (i)
                    {
                        case 0: last = part; break;
                        case 1: first = part; break;
                        default: suffix = part; break;
                    }
                }
                else
                {
                    reader.Skip();
                }

                i++;
            }

            // authors_parsed splits hyphenated initials ("C.-P." → "C. -P."); put them back together.
            var name = AuthorNames.Join(first, last, suffix).Replace(". -", ".-", StringComparison.Ordinal);
            if (name.Length > 0)
            {
                names.Add(name);
            }
        }

        return names;
    }

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
