using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ArxivDigest.Digests;
using ArxivDigest.Papers;
using ArxivDigest.Schedule;

namespace ArxivDigest.Rendering;

/// <summary>The machine-readable digest. Field names and meanings are a contract (see README "JSON output").</summary>
public sealed class JsonRenderer : IDigestRenderer
{
    public string Format => "json";

    public string Extension => "json";

    public void Render(Digest digest, TextWriter writer)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("name", digest.Name);
            w.WriteString("listingDate", digest.ListingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            w.WriteString("announcedAt", Iso(TimeZoneInfo.ConvertTime(digest.AnnouncedAt, ArxivSchedule.NewYork)));
            w.WriteString("generatedAt", Iso(TimeZoneInfo.ConvertTime(digest.GeneratedAt, digest.DisplayZone)));
            w.WriteStartArray("categories");
            foreach (var c in digest.Categories)
            {
                w.WriteStringValue(c);
            }

            w.WriteEndArray();
            w.WriteString("status", StatusName(digest.Status));
            w.WriteString("language", digest.Language);
            w.WriteString("translator", digest.Translator);
            w.WriteNumber("count", digest.Count);
            w.WriteStartArray("groups");
            foreach (var g in digest.Groups)
            {
                w.WriteStartObject();
                w.WriteString("query", g.Query);
                w.WriteNumber("count", g.Papers.Count);
                w.WriteStartArray("papers");
                foreach (var p in g.Papers)
                {
                    WritePaper(w, p);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        writer.Write(Encoding.UTF8.GetString(buffer.ToArray()));
        writer.Write('\n');
    }

    public static string StatusName(DigestStatus status) => status switch
    {
        DigestStatus.Complete => "complete",
        DigestStatus.Partial => "partial",
        _ => "no-announcement",
    };

    public static string AnnounceTypeName(AnnounceType type) => type switch
    {
        AnnounceType.New => "new",
        AnnounceType.Cross => "cross",
        AnnounceType.Replace => "replace",
        _ => "replace-cross",
    };

    private static void WritePaper(Utf8JsonWriter w, DigestPaper entry)
    {
        var p = entry.Paper;
        w.WriteStartObject();
        w.WriteString("id", p.Id);
        if (p.Version is { } v)
        {
            w.WriteNumber("version", v);
        }
        else
        {
            w.WriteNull("version");
        }

        w.WriteString("title", p.Title);
        WriteTranslation(w, "titleTranslated", entry.Title);
        w.WriteString("tldr", entry.Tldr);
        w.WriteStartArray("authors");
        foreach (var a in p.Authors)
        {
            w.WriteStringValue(a);
        }

        w.WriteEndArray();
        w.WriteStartArray("subjects");
        foreach (var s in p.Subjects)
        {
            w.WriteStartObject();
            w.WriteString("code", s.Code);
            w.WriteString("name", s.Name);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("primaryCategory", p.PrimaryCategory);
        w.WriteString("announceType", AnnounceTypeName(p.AnnounceType));
        w.WriteString("abstract", p.Abstract);
        WriteTranslation(w, "abstractTranslated", entry.Abstract);
        w.WriteString("comments", p.Comments);
        w.WriteString("journalRef", p.JournalRef);
        w.WriteString("doi", p.Doi);
        w.WriteString("absUrl", p.AbsUrl);
        w.WriteString("pdfUrl", p.PdfUrl);
        w.WriteString("matched", entry.Matched);
        w.WriteString("translation", (entry.Title.State, entry.Abstract.State) switch
        {
            (TranslationState.Pending, _) or (_, TranslationState.Pending) => "pending",
            (TranslationState.Done, TranslationState.Done) => "done",
            _ => "none",
        });
        w.WriteEndObject();
    }

    private static void WriteTranslation(Utf8JsonWriter w, string name, TranslatedText t) =>
        w.WriteString(name, t.State == TranslationState.Done ? t.Text : null);

    private static string Iso(DateTimeOffset t) => t.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
}
