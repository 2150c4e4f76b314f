using System.Text;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>Author-string handling shared by arXivRaw and the Kaggle fallback.</summary>
internal static class AuthorNames
{
    /// <summary>
    /// Splits arXiv's free-text author line ("A. One, B. Two (Univ X, Y), and C. Three") into names. Commas and the word
    /// "and" separate names only outside parentheses; parenthesised affiliations are dropped. TeX is left as is.
    /// </summary>
    public static List<string> Split(string? authors)
    {
        var result = new List<string>();
        if (string.IsNullOrWhiteSpace(authors))
        {
            return result;
        }

        var s = Text.Normalize(authors);
        var current = new StringBuilder();
        var depth = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '(')
            {
                depth++;
                continue;
            }

            if (c == ')')
            {
                depth = Math.Max(0, depth - 1);
                continue;
            }

            if (depth > 0)
            {
                continue;
            }

            if (c == ',' || c == ';')
            {
                Flush(current, result);
                continue;
            }

            // " and " between names (also ", and ").
            if (c == ' ' && string.CompareOrdinal(s, i, " and ", 0, 5) == 0)
            {
                Flush(current, result);
                i += 3; // loop's i++ moves past the trailing space
                continue;
            }

            current.Append(c);
        }

        Flush(current, result);
        return result;
    }

    private static void Flush(StringBuilder current, List<string> result)
    {
        var name = Text.Normalize(current.ToString());
        current.Clear();
        if (name.StartsWith("and ", StringComparison.Ordinal))
        {
            name = name[4..];
        }

        if (name.Length > 0 && name != "and")
        {
            result.Add(name);
        }
    }

    /// <summary>"Forenames Keyname Suffix", skipping empty parts, whitespace-normalised.</summary>
    public static string Join(string? forenames, string? keyname, string? suffix)
    {
        var parts = new[] { forenames, keyname, suffix }.Select(Text.Normalize).Where(p => p.Length > 0);
        return string.Join(' ', parts);
    }
}
