using System.Text.Json;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>One line of the snapshot: a paper, or an error ("line N: …") when the line could not be read.</summary>
public sealed record KaggleLine(long LineNumber, Paper? Paper, string? Error);

/// <summary>
/// Streams the Kaggle "Cornell-University/arxiv" metadata snapshot (<c>arxiv-metadata-oai-snapshot.json</c>, JSON
/// Lines). One line is parsed at a time, so memory stays constant whatever the file size. A malformed line yields a
/// <see cref="KaggleLine"/> with an error and reading goes on; blank lines are skipped.
/// Authors come from <c>authors_parsed</c> ([last, first, suffix, affiliation?], Unicode) as "First Last Suffix",
/// falling back to splitting the TeX <c>authors</c> string; the 4th element (affiliation) is ignored. Version = highest <c>versions[].version</c>.
/// </summary>
public static class KaggleSnapshotReader
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 16 };

    public static IEnumerable<KaggleLine> Read(TextReader reader, string origin)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(origin);
        return ReadIterator(reader);
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

            yield return ParseLine(lineNumber, line);
        }
    }

    private static KaggleLine ParseLine(long lineNumber, string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line, Options);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Fail(lineNumber, $"expected a JSON object, found {root.ValueKind}");
            }

            var id = String(root, "id");
            if (string.IsNullOrWhiteSpace(id))
            {
                return Fail(lineNumber, "missing id");
            }

            if (!ArxivIds.TryParse(id, out var arxivId, out var idVersion))
            {
                return Fail(lineNumber, $"'{id}' is not an arXiv id");
            }

            var title = Text.Normalize(String(root, "title"));
            if (title.Length == 0)
            {
                return Fail(lineNumber, $"{arxivId}: missing title");
            }

            var (primary, subjects) = SubjectList.FromSpaceSeparated(String(root, "categories"));
            var paper = new Paper
            {
                Id = arxivId,
                Version = LastVersion(root) ?? idVersion,
                Title = title,
                Abstract = Text.Normalize(String(root, "abstract")),
                Authors = Authors(root),
                Comments = Text.NormalizeOptional(String(root, "comments")),
                JournalRef = Text.NormalizeOptional(String(root, "journal-ref")),
                Doi = Text.NormalizeOptional(String(root, "doi")),
                PrimaryCategory = primary,
                Subjects = subjects,
            };
            return new KaggleLine(lineNumber, paper, null);
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

    private static KaggleLine Fail(long lineNumber, string what) => new(lineNumber, null, $"line {lineNumber}: {what}");

    /// <summary>The string value of a property; null when absent or JSON null; throws InvalidOperationException for other kinds.</summary>
    private static string? String(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetString() : null;

    private static int? LastVersion(JsonElement root)
    {
        if (!root.TryGetProperty("versions", out var versions) || versions.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        int? max = null;
        foreach (var v in versions.EnumerateArray())
        {
            if (v.ValueKind == JsonValueKind.Object
                && ArxivIds.ParseVersion(String(v, "version")) is { } n
                && (max is null || n > max))
            {
                max = n;
            }
        }

        return max;
    }

    private static List<string> Authors(JsonElement root)
    {
        var names = new List<string>();
        if (root.TryGetProperty("authors_parsed", out var parsed) && parsed.ValueKind == JsonValueKind.Array)
        {
            foreach (var a in parsed.EnumerateArray())
            {
                if (a.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                string? Part(int i) => a.GetArrayLength() > i && a[i].ValueKind == JsonValueKind.String ? a[i].GetString() : null;

                // authors_parsed splits hyphenated initials ("C.-P." → "C. -P."); put them back together.
                var name = AuthorNames.Join(Part(1), Part(0), Part(2)).Replace(". -", ".-", StringComparison.Ordinal);
                if (name.Length > 0)
                {
                    names.Add(name);
                }
            }
        }

        return names.Count > 0 ? names : AuthorNames.Split(String(root, "authors"));
    }
}
