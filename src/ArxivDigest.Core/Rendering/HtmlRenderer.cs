using System.Globalization;
using System.Text;
using ArxivDigest.Digests;
using ArxivDigest.Matching;

namespace ArxivDigest.Rendering;

/// <summary>
/// The digest as one self-contained HTML page: inline CSS only, no scripts, no external requests; the only links
/// are the papers' arXiv abs and pdf pages. Everything that came from arXiv or a translator is HTML-escaped; query
/// terms are marked in titles and abstracts by escaping each text segment separately (never by rewriting markup).
/// </summary>
/// <summary>Which texts the HTML page shows: the original, the translation, or both side by side.</summary>
public enum HtmlLanguages
{
    Both,
    Original,
    Translation,
}

public sealed class HtmlRenderer(HtmlLanguages languages = HtmlLanguages.Both) : IDigestRenderer
{
    public HtmlRenderer()
        : this(HtmlLanguages.Both)
    {
    }

    public HtmlLanguages Languages => languages;

    private const string Style = """
        :root{color-scheme:light dark;--fg:#1f2328;--muted:#636c76;--bg:#fff;--card:#f6f8fa;--line:#d0d7de;--accent:#b31b1b;--mark:#fff3a3;--warn:#9a6700}
        @media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--card:#161b22;--line:#30363d;--accent:#ff7b72;--mark:#5c4a00;--warn:#d29922}}
        *{box-sizing:border-box}
        body{margin:0 auto;max-width:80rem;padding:1rem;color:var(--fg);background:var(--bg);font:16px/1.6 system-ui,-apple-system,"Segoe UI","PingFang SC","Hiragino Sans GB","Microsoft YaHei","Noto Sans CJK SC",sans-serif;overflow-wrap:anywhere}
        header{border-bottom:2px solid var(--accent);margin-bottom:1rem}
        h1{font-size:1.5rem;margin:.2rem 0}
        h2{font-size:1.25rem;margin:1.5rem 0 .5rem;color:var(--accent)}
        h3{font-size:1.1rem;margin:0 0 .25rem;line-height:1.4}
        h4{font-size:.85rem;margin:0 0 .25rem;color:var(--muted);text-transform:uppercase;letter-spacing:.04em}
        .meta{color:var(--muted);font-size:.9rem;margin:.25rem 0}
        .count{font-weight:600;margin:.25rem 0 .75rem}
        .status{color:var(--warn);font-weight:600}
        a{color:inherit}
        h3 a{text-decoration:none}
        h3 a:hover{text-decoration:underline}
        article{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:.9rem 1rem;margin:0 0 1rem}
        .title-tr{font-size:1.05rem;margin:0 0 .5rem}
        .missing{color:var(--muted);font-style:italic;font-size:.9rem}
        .pending{color:var(--warn);font-style:italic;font-size:.9rem}
        .tldr{border-left:3px solid var(--accent);padding-left:.6rem;margin:.5rem 0}
        dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:.5rem 0;font-size:.9rem}
        dt{color:var(--muted)}
        dd{margin:0}
        .abstracts{display:grid;grid-template-columns:1fr;gap:1rem;margin-top:.75rem}
        @media (min-width:56rem){.abstracts{grid-template-columns:1fr 1fr}}
        .abstracts p{margin:0;text-align:justify;white-space:pre-line}
        mark{background:var(--mark);color:inherit;padding:0 .1em;border-radius:2px}
        .empty{color:var(--muted)}
        """;

    public string Format => "html";

    public string Extension => "html";

    public void Render(Digest digest, TextWriter writer)
    {
        var labels = Labels.For(digest.Language);
        var lang = LanguageTag(digest.Language);
        var queries = digest.Groups.Select(g => g.Query)
            .Concat(digest.Groups.SelectMany(g => g.Papers.Select(p => p.Matched)))
            .Concat(digest.Groups.SelectMany(g => g.Papers.SelectMany(p => p.Terms.Select(t => string.Join(' ', t)))))
            .Select(q => Tokens.Fold(q).ToArray())
            .Where(t => t.Length > 0)
            .DistinctBy(t => string.Join(' ', t), StringComparer.Ordinal)
            .OrderByDescending(t => t.Length)
            .ToList();
        var title = $"arXiv digest {digest.Name}: {digest.ListingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

        var w = new StringBuilder();
        w.Append("<!DOCTYPE html>\n");
        w.Append("<html lang=\"").Append(Escape(lang)).Append("\">\n");
        w.Append("<head>\n");
        w.Append("<meta charset=\"utf-8\">\n");
        w.Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.Append("<meta name=\"generator\" content=\"ArxivDigest\">\n");
        w.Append("<title>").Append(Escape(title)).Append("</title>\n");
        w.Append("<style>\n").Append(Style.Replace("\r\n", "\n", StringComparison.Ordinal)).Append("\n</style>\n");
        w.Append("</head>\n");
        w.Append("<body>\n");
        w.Append("<header>\n");
        w.Append("<h1>").Append(Escape(title)).Append("</h1>\n");
        w.Append("<p class=\"meta\">").Append(Escape(labels.Header(digest))).Append("</p>\n");
        w.Append("<p class=\"meta\">Categories: ").Append(Escape(string.Join(", ", digest.Categories)))
            .Append("; translator: ").Append(Escape(digest.Translator)).Append("</p>\n");
        w.Append("<p class=\"count\">").Append(Escape(labels.Count(digest.Count))).Append("</p>\n");
        if (digest.Status == DigestStatus.Partial)
        {
            w.Append("<p class=\"status\">").Append(Escape(labels.TranslationPending)).Append("</p>\n");
        }
        else if (digest.Status == DigestStatus.NoAnnouncement)
        {
            w.Append("<p class=\"status\">no announcement</p>\n");
        }

        w.Append("</header>\n");
        w.Append("<main>\n");
        foreach (var group in digest.Groups)
        {
            w.Append("<section>\n");
            w.Append("<h2>Keyword: ").Append(Escape(group.Query)).Append(" (")
                .Append(group.Papers.Count.ToString(CultureInfo.InvariantCulture)).Append(")</h2>\n");
            if (group.Papers.Count == 0)
            {
                w.Append("<p class=\"empty\">—</p>\n");
            }

            foreach (var entry in group.Papers)
            {
                WritePaper(w, entry, labels, lang, queries);
            }

            w.Append("</section>\n");
        }

        w.Append("</main>\n");
        w.Append("</body>\n");
        w.Append("</html>\n");
        writer.Write(w.ToString());
    }

    private void WritePaper(StringBuilder w, DigestPaper entry, Labels labels, string lang, IReadOnlyList<string[]> queries)
    {
        var p = entry.Paper;
        var version = p.Version is { } v ? $"v{v.ToString(CultureInfo.InvariantCulture)}" : "";
        w.Append("<article id=\"arxiv-").Append(Escape(p.Id)).Append("\">\n");
        w.Append("<h3 lang=\"en\"><a href=\"").Append(Escape(p.AbsUrl)).Append("\">")
            .Append(Highlight(p.Title, queries)).Append("</a></h3>\n");
        if (languages != HtmlLanguages.Original)
        {
            w.Append("<p class=\"title-tr").Append(StateClass(entry.Title)).Append("\" lang=\"").Append(Escape(lang)).Append("\">")
                .Append(Escape(labels.Translation(entry.Title))).Append("</p>\n");
        }

        if (entry.Tldr is { } tldr)
        {
            w.Append("<p class=\"tldr\" lang=\"").Append(Escape(lang)).Append("\"><strong>TL;DR</strong> ").Append(Escape(tldr)).Append("</p>\n");
        }

        w.Append("<dl>\n");
        w.Append("<dt>Authors</dt><dd>").Append(Escape(string.Join(", ", p.Authors))).Append("</dd>\n");
        w.Append("<dt>Subjects</dt><dd>").Append(Escape(string.Join("; ", p.Subjects))).Append("</dd>\n");
        if (p.Comments is { } comments)
        {
            w.Append("<dt>Comments</dt><dd>").Append(Escape(comments)).Append("</dd>\n");
        }

        if (p.JournalRef is { } journal)
        {
            w.Append("<dt>Journal ref</dt><dd>").Append(Escape(journal)).Append("</dd>\n");
        }

        if (p.Doi is { } doi)
        {
            w.Append("<dt>DOI</dt><dd>").Append(Escape(doi)).Append("</dd>\n");
        }

        w.Append("<dt>Links</dt><dd><a href=\"").Append(Escape(p.AbsUrl)).Append("\">arXiv:").Append(Escape(p.Id + version))
            .Append("</a> · <a href=\"").Append(Escape(p.PdfUrl)).Append("\">pdf</a></dd>\n");
        w.Append("</dl>\n");
        w.Append("<div class=\"abstracts\">\n");
        // "translation" still shows the original when there is no translation to show instead.
        if (languages != HtmlLanguages.Translation || entry.Abstract.State != TranslationState.Done)
        {
            w.Append("<div lang=\"en\"><h4>Abstract</h4><p>").Append(Highlight(p.Abstract, queries)).Append("</p></div>\n");
        }

        if (languages != HtmlLanguages.Original)
        {
            w.Append("<div lang=\"").Append(Escape(lang)).Append("\"><h4>").Append(Escape(labels.TranslatedAbstract)).Append("</h4><p")
                .Append(entry.Abstract.State == TranslationState.Done ? "" : $" class=\"{StateClass(entry.Abstract).TrimStart()}\"")
                .Append('>').Append(Escape(labels.Translation(entry.Abstract))).Append("</p></div>\n");
        }
        w.Append("</div>\n");
        w.Append("</article>\n");
    }

    private static string StateClass(TranslatedText t) => t.State switch
    {
        TranslationState.Done => "",
        TranslationState.Pending => " pending",
        _ => " missing",
    };

    /// <summary>The BCP 47 tag for a digest language: <c>zh</c> is written <c>zh-CN</c> (simplified Chinese).</summary>
    internal static string LanguageTag(string language) =>
        string.Equals(language, "zh", StringComparison.OrdinalIgnoreCase) ? "zh-CN" : language;

    /// <summary>Escapes text for HTML element content and double- or single-quoted attributes; drops C0 controls and lone surrogates.</summary>
    /// <summary>Escapes text for HTML content and quoted attributes; drops lone surrogates (shared by every HTML writer).</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 16);
        AppendEscaped(sb, text.AsSpan());
        return sb.ToString();
    }

    private static void AppendEscaped(StringBuilder sb, ReadOnlySpan<char> text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsSurrogate(c))
            {
                // Pairs pass through; a lone surrogate cannot be encoded as UTF-8 and is dropped.
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    sb.Append(c).Append(text[i + 1]);
                    i++;
                }

                continue;
            }

            switch (c)
            {
                case '&':
                    sb.Append("&amp;");
                    break;
                case '<':
                    sb.Append("&lt;");
                    break;
                case '>':
                    sb.Append("&gt;");
                    break;
                case '"':
                    sb.Append("&quot;");
                    break;
                case '\'':
                    sb.Append("&#39;");
                    break;
                case '\t' or '\n' or '\r':
                    sb.Append(c);
                    break;
                default:
                    if (c >= ' ' && c != '\u007f')
                    {
                        sb.Append(c);
                    }

                    break;
            }
        }
    }

    /// <summary>
    /// Escapes <paramref name="text"/> and wraps each occurrence of a query phrase in <c>&lt;mark&gt;</c>. Words fold as
    /// the matcher folds them (<see cref="Tokens"/>: case, plurals, whole words); inside a phrase the words may be
    /// separated by spaces or dashes only, so <c>reinforcement-learning</c> is marked but a phrase is never marked
    /// across punctuation.
    /// </summary>
    public static string Highlight(string text, IReadOnlyList<string[]> queries)
    {
        // Words as (start, end) in the text and their folded forms as slices of one buffer: no string per word.
        var words = new List<HighlightWord>(text.Length / 6);
        var folded = new char[text.Length];
        Span<char> scratch = stackalloc char[64];
        var at = 0;
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var isWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                var word = text.AsSpan(start, i - start);
                var lower = word.Length <= scratch.Length ? scratch[..word.Length] : new char[word.Length];
                word.ToLowerInvariant(lower);
                var n = Tokens.FoldWord(lower, folded.AsSpan(at));
                words.Add(new HighlightWord(start, i, at, n));
                at += n;
                start = -1;
            }
        }

        var sb = new StringBuilder(text.Length + 32);
        var written = 0;
        for (var i = 0; i < words.Count; i++)
        {
            foreach (var q in queries)
            {
                if (!MatchesAt(text, words, folded, i, q))
                {
                    continue;
                }

                var from = words[i].Start;
                var to = words[i + q.Length - 1].End;
                AppendEscaped(sb, text.AsSpan(written, from - written));
                sb.Append("<mark>");
                AppendEscaped(sb, text.AsSpan(from, to - from));
                sb.Append("</mark>");
                written = to;
                i += q.Length - 1;
                break;
            }
        }

        AppendEscaped(sb, text.AsSpan(written));
        return sb.ToString();
    }

    private readonly record struct HighlightWord(int Start, int End, int FoldStart, int FoldLength);

    private static bool MatchesAt(string text, List<HighlightWord> words, char[] folded, int i, string[] query)
    {
        if (i + query.Length > words.Count)
        {
            return false;
        }

        for (var j = 0; j < query.Length; j++)
        {
            var w = words[i + j];
            if (!folded.AsSpan(w.FoldStart, w.FoldLength).SequenceEqual(query[j]))
            {
                return false;
            }

            if (j > 0)
            {
                for (var k = words[i + j - 1].End; k < w.Start; k++)
                {
                    if (!char.IsWhiteSpace(text[k]) && CharUnicodeInfo.GetUnicodeCategory(text[k]) != UnicodeCategory.DashPunctuation)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }
}
