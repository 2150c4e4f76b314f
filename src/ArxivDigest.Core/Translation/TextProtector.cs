using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ArxivDigest.Translation;

/// <summary>
/// A text whose untranslatable spans were replaced by placeholders <c>⟦0⟧</c>, <c>⟦1⟧</c> ...;
/// <see cref="Originals"/>[n] is what <c>⟦n⟧</c> stands for.
/// </summary>
public sealed partial record ProtectedText(string Text, IReadOnlyList<string> Originals)
{
    /// <summary>
    /// Puts the originals back into a translation of <see cref="Text"/>. Tolerates whitespace a translator put inside
    /// the brackets (<c>⟦ 0 ⟧</c>) and full-width digits (<c>⟦０⟧</c>). Returns null when a placeholder is missing,
    /// appears twice, or an index that was never handed out appears: the translation cannot be trusted then.
    /// </summary>
    public string? Restore(string translated)
    {
        ArgumentNullException.ThrowIfNull(translated);
        var seen = new bool[Originals.Count];
        var failed = false;
        var result = PlaceholderRegex().Replace(translated, m =>
        {
            var index = ParseIndex(m.Groups[1].Value);
            if (index < 0 || index >= Originals.Count || seen[index])
            {
                failed = true;
                return m.Value;
            }

            seen[index] = true;
            return Originals[index];
        });

        return failed || Array.IndexOf(seen, false) >= 0 ? null : result;
    }

    /// <summary>ASCII or full-width digits to an index; -1 when absurdly long.</summary>
    private static int ParseIndex(string digits)
    {
        if (digits.Length > 9)
        {
            return -1;
        }

        var n = 0;
        foreach (var c in digits)
        {
            n = (n * 10) + (c is >= '０' and <= '９' ? c - '０' : c - '0');
        }

        return n;
    }

    [GeneratedRegex(@"⟦\s*([0-9０-９]+)\s*⟧")]
    private static partial Regex PlaceholderRegex();
}

/// <summary>
/// Shields what a translator must not touch: LaTeX math (<c>$$…$$</c>, <c>$…$</c>, <c>\(…\)</c>, <c>\[…\]</c>),
/// URLs, code spans and arXiv ids are replaced, left to right without overlap, by placeholders <c>⟦n⟧</c>
/// (U+27E6/U+27E7). Stray <c>⟦</c>/<c>⟧</c> characters of the text itself are protected too, so every
/// placeholder in <see cref="ProtectedText.Text"/> is one of ours and restoring is exact.
/// </summary>
public static partial class TextProtector
{
    public static ProtectedText Protect(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var originals = new List<string>();
        StringBuilder? sb = null;
        var pos = 0;
        while (pos < text.Length)
        {
            var m = ProtectRegex().Match(text, pos);
            if (!m.Success)
            {
                break;
            }

            var length = m.Groups["url"].Success ? UrlLength(text.AsSpan(m.Index, m.Length)) : m.Length;
            sb ??= new StringBuilder(text.Length);
            sb.Append(text, pos, m.Index - pos)
                .Append('⟦').Append(originals.Count.ToString(CultureInfo.InvariantCulture)).Append('⟧');
            originals.Add(text.Substring(m.Index, length));
            pos = m.Index + length;
        }

        if (sb is null)
        {
            return new ProtectedText(text, []);
        }

        sb.Append(text, pos, text.Length - pos);
        return new ProtectedText(sb.ToString(), originals);
    }

    /// <summary>
    /// The URL without trailing sentence punctuation: <c>.</c> <c>,</c> <c>;</c> <c>:</c> <c>!</c> <c>?</c> quotes,
    /// and closing brackets that have no opening partner inside the URL (so <c>…/Foo_(bar)</c> keeps its parenthesis).
    /// </summary>
    private static int UrlLength(ReadOnlySpan<char> url)
    {
        var end = url.Length;
        while (end > 0)
        {
            var c = url[end - 1];
            if (c is '.' or ',' or ';' or ':' or '!' or '?' or '\'' or '"' or '*')
            {
                end--;
                continue;
            }

            var open = c switch { ')' => '(', ']' => '[', '}' => '{', _ => '\0' };
            if (open != '\0' && url[..end].Count(open) < url[..end].Count(c))
            {
                end--;
                continue;
            }

            break;
        }

        return end; // ≥ 1: a URL starts with a letter of its scheme or "www."
    }

    // Alternatives at the same position are tried in order ($$ before $); the leftmost match wins overall.
    // Inline math follows pandoc: the opening $ is not followed by whitespace, the closing $ not preceded by
    // whitespace nor followed by a digit, so "costs $5 and $10" stays text. Code spans are single backticks not
    // touching another backtick and not padded with spaces, so LaTeX quotes ``like this'' and `this' stay text.
    [GeneratedRegex("""
        (?<dmath>(?<!\\)\$\$(?:\\[\s\S]|[^$\\])+?\$\$)
        |(?<imath>(?<!\\)\$(?!\s)(?:\\[\s\S]|[^$\\])+?(?<!\s)\$(?!\d))
        |(?<pmath>\\\([\s\S]+?\\\))
        |(?<bmath>\\\[[\s\S]+?\\\])
        |(?<url>\b(?:(?:[Hh][Tt][Tt][Pp][Ss]?|[Ff][Tt][Pp])://|[Ww][Ww][Ww]\.)[^\s<>"`⟦⟧\u3000-\u303F\uFF00-\uFFEF]+)
        |(?<code>(?<!`)`(?![`\s])[^`\n]+?(?<![\s`])`(?!`))
        |(?<arxiv>(?<![\w./-])(?:[Aa][Rr][Xx][Ii][Vv]:\s?)?(?:\d{2}(?:0[1-9]|1[0-2])\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?!\d)(?!\.\d))
        |(?<bracket>[⟦⟧])
        """, RegexOptions.IgnorePatternWhitespace)]
    private static partial Regex ProtectRegex();
}
