using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// Splitting the single dc:creator author string.
public static partial class RssFeedParser
{
    /// <summary>
    /// Splits arXiv's single author string on commas outside parentheses, so "A (Univ X, Dept Y), B" gives
    /// "A (Univ X, Dept Y)" and "B". A top-level " and " in the last part ("A, B and C") also separates authors.
    /// If the parentheses do not balance, falls back to splitting on every comma.
    /// </summary>
    internal static IReadOnlyList<string> SplitAuthors(string? creators)
    {
        var text = Text.Normalize(creators);
        if (text.Length == 0)
        {
            return [];
        }

        var parts = SplitTopLevel(text, out var balanced);
        if (!balanced)
        {
            parts = [.. text.Split(',')];
        }

        var authors = new List<string>(parts.Count + 1);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i].Trim();
            if (part.StartsWith("and ", StringComparison.Ordinal))
            {
                part = part[4..].TrimStart(); // Oxford comma: "A, B, and C"
            }

            var at = i == parts.Count - 1 ? LastTopLevelAnd(part) : -1;
            if (at >= 0)
            {
                AddNonEmpty(authors, part[..at]);
                AddNonEmpty(authors, part[(at + " and ".Length)..]);
                continue;
            }

            AddNonEmpty(authors, part);
        }

        return authors;

        static void AddNonEmpty(List<string> list, string s)
        {
            s = s.Trim();
            if (s.Length > 0)
            {
                list.Add(s);
            }
        }
    }

    private static List<string> SplitTopLevel(string text, out bool balanced)
    {
        var parts = new List<string>();
        var depth = 0;
        var start = 0;
        balanced = true;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    if (depth == 0)
                    {
                        balanced = false;
                    }
                    else
                    {
                        depth--;
                    }

                    break;
                case ',' when depth == 0:
                    parts.Add(text[start..i]);
                    start = i + 1;
                    break;
            }
        }

        parts.Add(text[start..]);
        balanced &= depth == 0;
        return parts;
    }

    private static int LastTopLevelAnd(string part)
    {
        var found = -1;
        var depth = 0;
        for (var i = 0; i < part.Length; i++)
        {
            var c = part[i];
            if (c == '(')
            {
                depth++;
            }
            else if (c == ')' && depth > 0)
            {
                depth--;
            }
            else if (depth == 0 && c == ' ' && string.CompareOrdinal(part, i, " and ", 0, 5) == 0)
            {
                found = i;
            }
        }

        return found;
    }
}
