using System.Text.RegularExpressions;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>Category codes → <see cref="Subject"/>s, primary first.</summary>
internal static partial class SubjectList
{
    // arXiv category codes (cs.AI, hep-th, astro-ph.GA, q-bio.NC, math-ph, cmp-lg, physics.atom-ph, ...). The legacy API
    // also lists MSC/ACM classes (35, F.2.1) as <category>; those are not arXiv subjects and are dropped.
    [GeneratedRegex(@"^[a-z]+(?:-[a-z]+)?(?:\.[A-Za-z]+(?:-[a-z]+)?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CodePattern();

    public static bool IsCode(string code) => CodePattern().IsMatch(code);

    /// <summary>Builds the subject list: codes in order, de-duplicated, the primary moved (or added) to the front.
    /// With no primary given, the first code is the primary.</summary>
    public static (string Primary, IReadOnlyList<Subject> Subjects) Build(string? primary, IEnumerable<string> codes)
    {
        var list = new List<string>();
        foreach (var raw in codes)
        {
            var c = raw.Trim();
            if (c.Length > 0 && IsCode(c) && !list.Contains(c, StringComparer.Ordinal))
            {
                list.Add(c);
            }
        }

        var p = primary?.Trim() ?? "";
        if (p.Length > 0)
        {
            list.Remove(p);
            list.Insert(0, p);
        }
        else if (list.Count > 0)
        {
            p = list[0];
        }

        return (p, list.Select(Taxonomy.SubjectOf).ToList());
    }

    /// <summary>Space-separated codes (OAI <c>categories</c>, Kaggle <c>categories</c>), first = primary.</summary>
    public static (string Primary, IReadOnlyList<Subject> Subjects) FromSpaceSeparated(string? codes) =>
        Build(null, (codes ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
