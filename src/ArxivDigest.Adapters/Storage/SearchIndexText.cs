using System.Text;
using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Storage;

/// <summary>
/// What the full-text index stores for a paper, in exactly the words the matcher compares, so an FTS5 phrase over
/// these columns means what the query language means. The table uses FTS5's <c>ascii</c> tokenizer: it splits
/// only at ASCII characters that are not letters or digits and folds only ASCII case, so the tokens are exactly the
/// space-separated words written here (the normalisation is <see cref="TextNormalizer"/>'s alone, never re-done by
/// a Unicode tokenizer that might fold differently).
/// <list type="bullet">
/// <item>title, abstract, comments: <see cref="TextNormalizer.IndexForm"/> (lower-cased words, plurals and inflections folded);</item>
/// <item>authors: each name's words lower-cased but not folded (as <c>au:</c> compares them), names separated by
/// <see cref="AuthorSeparator"/> so that no phrase runs from one name into the next;</item>
/// <item>categories, ident: each code (lower case) or the id as one token (<see cref="Token"/>).</item>
/// </list>
/// </summary>
internal static class SearchIndexText
{
    /// <summary>A token no query word can contain (not a letter or digit): keeps author phrases within one name.</summary>
    public const string AuthorSeparator = "\uE100";

    public static string Title(Paper paper) => TextNormalizer.IndexForm(paper.Title);

    public static string Abstract(Paper paper) => TextNormalizer.IndexForm(paper.Abstract);

    public static string Comments(Paper paper) => paper.Comments is { } c ? TextNormalizer.IndexForm(c) : "";

    public static string Authors(Paper paper)
    {
        var b = new StringBuilder();
        foreach (var author in paper.Authors)
        {
            if (b.Length > 0)
            {
                b.Append(' ').Append(AuthorSeparator).Append(' ');
            }

            var first = true;
            foreach (var word in TextNormalizer.Words(author))
            {
                if (!first)
                {
                    b.Append(' ');
                }

                b.Append(word.ToLowerInvariant());
                first = false;
            }
        }

        return b.ToString();
    }

    /// <summary>The category codes as <see cref="PaperText.Categories"/> lists them (lower case, primary first), one token each.</summary>
    public static string Categories(PaperText paper) => string.Join(' ', paper.Categories.Select(Token));

    public static string Ident(PaperText paper) => Token(paper.Id);

    /// <summary>
    /// A value as one token of the <c>ascii</c> tokenizer: every ASCII character that is not a letter or digit (which
    /// would split the token) is moved to the private-use plane (U+E000 + code), so <c>cs.lg</c> is one token and
    /// prefix queries on it behave as <see cref="string.StartsWith(string)"/>.
    /// </summary>
    public static string Token(string value)
    {
        var b = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            b.Append(c < 0x80 && !char.IsAsciiLetterOrDigit(c) ? (char)(0xE000 + c) : c);
        }

        return b.ToString();
    }
}
