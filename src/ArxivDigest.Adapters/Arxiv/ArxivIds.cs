using System.Globalization;
using System.Text.RegularExpressions;

namespace ArxivDigest.Arxiv;

/// <summary>arXiv identifiers as they appear in URLs, OAI identifiers and metadata.</summary>
internal static partial class ArxivIds
{
    [GeneratedRegex(@"^(?<id>\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)?(?:\.[A-Z]{2})?/\d{7})(?:v(?<v>\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();

    /// <summary>
    /// Accepts <c>2501.01234</c>, <c>2501.01234v2</c>, <c>astro-ph/9812133v1</c>, with an optional
    /// <c>http(s)://…/abs/</c>, <c>oai:arXiv.org:</c> or <c>arXiv:</c> prefix.
    /// </summary>
    public static bool TryParse(string? raw, out string id, out int? version)
    {
        id = "";
        version = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return false;
        }

        var s = raw.Trim();
        var abs = s.IndexOf("/abs/", StringComparison.Ordinal);
        if (abs >= 0)
        {
            s = s[(abs + 5)..];
        }
        else if (s.StartsWith("oai:arXiv.org:", StringComparison.OrdinalIgnoreCase))
        {
            s = s["oai:arXiv.org:".Length..];
        }
        else if (s.StartsWith("arXiv:", StringComparison.OrdinalIgnoreCase))
        {
            s = s["arXiv:".Length..];
        }

        s = s.TrimEnd('/');
        var m = IdPattern().Match(s);
        if (!m.Success)
        {
            return false;
        }

        id = m.Groups["id"].Value;
        if (m.Groups["v"].Success && int.TryParse(m.Groups["v"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            version = v;
        }

        return true;
    }

    /// <summary>"v3" → 3; null when it is not of that form.</summary>
    public static int? ParseVersion(string? raw)
    {
        var s = raw?.Trim();
        if (string.IsNullOrEmpty(s) || (s[0] != 'v' && s[0] != 'V'))
        {
            return null;
        }

        return int.TryParse(s.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : null;
    }
}
