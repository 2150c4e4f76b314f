using System.Globalization;
using System.Text;
using ArxivDigest.Digests;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Schedule;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace ArxivDigest.Output;

/// <summary>
/// A user-supplied Scriban template standing in for a built-in format (text, markdown, html, email). The template
/// sees an explicitly built model (snake_case keys, no reflection):
/// <code>
/// digest: name, listing_date (yyyy-MM-dd), generated_at (yyyy-MM-dd HH:mm:ss in the display zone),
///         announced_at_et ("2026-03-25 20:00 EDT"), header (the built-in header line), count, count_text,
///         status (complete | partial | no-announcement), language, translator, categories[],
///         groups[] { query, count, papers[] }
/// paper:  id, version (null when unknown), versioned_id, title, title_translated, authors[], authors_text,
///         subjects[] { code, name }, subjects_text ("Name (code); …"), abs_url, pdf_url, abstract,
///         abstract_translated, tldr (null when absent), matched, comments (null when absent),
///         translation (done | pending | none)
/// labels: count_text, translated_abstract, not_translated, translation_pending, generated, announced
/// </code>
/// A missing translation is the same visible marker the built-in renderers print, never empty.
/// Nothing is escaped automatically: HTML templates must pipe text through <c>html.escape</c> (Scriban's
/// built-in) or the equivalent <c>escape</c> function the model adds, e.g. <c>{{ p.title | escape }}</c>.
/// Template text is read with \r\n normalised to \n; output lines end in \n. Parse and runtime errors become
/// <see cref="FormatException"/>s reading <c>path(line,column): message</c>.
/// </summary>
public sealed class TemplateRenderer : IDigestRenderer
{
    private readonly Template _template;

    private TemplateRenderer(string format, string extension, string path, Template template)
    {
        Format = format;
        Extension = extension;
        Path = path;
        _template = template;
    }

    public string Format { get; }

    public string Extension { get; }

    /// <summary>The template file, as given to <see cref="Load"/>.</summary>
    public string Path { get; }

    /// <summary>Reads and parses the template; a syntax error throws <see cref="FormatException"/> naming the first error's position.</summary>
    public static TemplateRenderer Load(string format, string extension, string path)
    {
        var text = File.ReadAllText(path).Replace("\r\n", "\n", StringComparison.Ordinal);
        return Parse(format, extension, path, text);
    }

    /// <summary>Parses template text; <paramref name="path"/> is used in error messages only.</summary>
    public static TemplateRenderer Parse(string format, string extension, string path, string text)
    {
        var template = Template.Parse(text, path);
        if (template.HasErrors)
        {
            var first = template.Messages.FirstOrDefault(m => m.Type == ParserMessageType.Error) ?? template.Messages.First();
            throw new FormatException(Located(path, first.Span, first.Message));
        }

        return new TemplateRenderer(format, extension, path, template);
    }

    public void Render(Digest digest, TextWriter writer)
    {
        var context = new TemplateContext
        {
            NewLine = "\n",
            StrictVariables = true,
            LoopLimit = 0,
            LimitToString = 0,
            MemberRenamer = member => member.Name,
        };
        context.PushCulture(CultureInfo.InvariantCulture);
        context.PushGlobal(Model(digest));
        string output;
        try
        {
            output = _template.Render(context);
        }
        catch (ScriptRuntimeException e)
        {
            throw new FormatException(Located(Path, e.Span, e.OriginalMessage), e);
        }

        writer.Write(output);
    }

    /// <summary>HTML-escapes <c>&amp; &lt; &gt; " '</c>; null becomes empty. Offered to templates as <c>escape</c>.</summary>
    public static string Escape(string? text) => string.IsNullOrEmpty(text) ? "" : HtmlRenderer.Escape(text);

    /// <summary>The globals a template sees: <c>digest</c>, <c>labels</c> and the <c>escape</c> function.</summary>
    internal static ScriptObject Model(Digest digest)
    {
        var labels = Labels.For(digest.Language);
        var groups = new ScriptArray();
        foreach (var group in digest.Groups)
        {
            var papers = new ScriptArray();
            foreach (var entry in group.Papers)
            {
                papers.Add(PaperModel(entry, labels));
            }

            groups.Add(new ScriptObject
            {
                ["query"] = group.Query,
                ["count"] = group.Papers.Count,
                ["papers"] = papers,
            });
        }

        var model = new ScriptObject
        {
            ["digest"] = new ScriptObject
            {
                ["name"] = digest.Name,
                ["listing_date"] = digest.ListingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                ["generated_at"] = DisplayTime.Format(digest.GeneratedAt, digest.DisplayZone, seconds: true),
                ["announced_at_et"] = $"{DisplayTime.Format(digest.AnnouncedAt, ArxivSchedule.NewYork)} {ArxivSchedule.NewYorkAbbreviation(digest.AnnouncedAt)}",
                ["header"] = labels.Header(digest),
                ["count"] = digest.Count,
                ["count_text"] = labels.Count(digest.Count),
                ["status"] = digest.Status switch
                {
                    DigestStatus.Partial => "partial",
                    DigestStatus.NoAnnouncement => "no-announcement",
                    _ => "complete",
                },
                ["language"] = digest.Language,
                ["translator"] = digest.Translator,
                ["categories"] = new ScriptArray(digest.Categories),
                ["groups"] = groups,
            },
            ["labels"] = new ScriptObject
            {
                ["count_text"] = labels.Count(digest.Count),
                ["translated_abstract"] = labels.TranslatedAbstract,
                ["not_translated"] = labels.NotTranslated,
                ["translation_pending"] = labels.TranslationPending,
                ["generated"] = labels.Generated,
                ["announced"] = labels.Announced,
            },
        };
        model["escape"] = Scriban.Runtime.DelegateCustomFunction.CreateFunc<string?, string>(Escape);
        return model;
    }

    private static ScriptObject PaperModel(DigestPaper entry, Labels labels)
    {
        var p = entry.Paper;
        var subjects = new ScriptArray();
        foreach (var s in p.Subjects)
        {
            subjects.Add(new ScriptObject { ["code"] = s.Code, ["name"] = s.Name });
        }

        return new ScriptObject
        {
            ["id"] = p.Id,
            ["version"] = p.Version,
            ["versioned_id"] = p.Version is { } v ? $"{p.Id}v{v.ToString(CultureInfo.InvariantCulture)}" : p.Id,
            ["title"] = p.Title,
            ["title_translated"] = labels.Translation(entry.Title),
            ["authors"] = new ScriptArray(p.Authors),
            ["authors_text"] = string.Join(", ", p.Authors),
            ["subjects"] = subjects,
            ["subjects_text"] = string.Join("; ", p.Subjects.Select(SubjectText)),
            ["abs_url"] = p.AbsUrl,
            ["pdf_url"] = p.PdfUrl,
            ["abstract"] = p.Abstract,
            ["abstract_translated"] = labels.Translation(entry.Abstract),
            ["tldr"] = entry.Tldr,
            ["matched"] = entry.Matched,
            ["comments"] = p.Comments,
            ["translation"] = (entry.Title.State, entry.Abstract.State) switch
            {
                (TranslationState.Pending, _) or (_, TranslationState.Pending) => "pending",
                (TranslationState.Done, TranslationState.Done) => "done",
                _ => "none",
            },
        };
    }

    private static string SubjectText(Subject s) => s.ToString();

    private static string Located(string path, SourceSpan span, string message)
    {
        var line = span.Start.Line + 1;
        var column = span.Start.Column + 1;
        return $"{path}({line.ToString(CultureInfo.InvariantCulture)},{column.ToString(CultureInfo.InvariantCulture)}): {message}";
    }
}
