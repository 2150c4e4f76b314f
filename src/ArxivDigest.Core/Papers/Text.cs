using System.Text;

namespace ArxivDigest.Papers;

/// <summary>Whitespace normalisation shared by every source.</summary>
public static class Text
{
    /// <summary>Collapses every run of whitespace (spaces, tabs, line breaks, NBSP) to one space and trims.</summary>
    public static string Normalize(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = sb.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                sb.Append(' ');
                pendingSpace = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>Normalises, and maps an empty result to null (for optional fields).</summary>
    public static string? NormalizeOptional(string? text)
    {
        var n = Normalize(text);
        return n.Length == 0 ? null : n;
    }
}
