namespace ArxivDigest.Matching;

/// <summary>
/// Word tokenisation with case and plural folding, shared by queries and papers so both sides fold alike:
/// words are maximal runs of letters and digits, so <c>RL</c> never matches inside <c>URL</c> and
/// <c>model-based</c> reads as <c>model based</c>.
/// </summary>
public static class Tokens
{
    public static List<string> Fold(string text)
    {
        var tokens = new List<string>();
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
                tokens.Add(FoldWord(text[start..i].ToLowerInvariant()));
                start = -1;
            }
        }

        return tokens;
    }

    /// <summary>
    /// English plural folding to a shared stem: a plural suffix is removed, then a final <c>e</c> dropped and a final
    /// <c>y</c> read as <c>i</c>, so singular and plural fold alike (policy/policies → polici, cache/caches → cach,
    /// movie/movies → movi, process/processes → process, bus/buses → bus, model/models → model,
    /// bias/biases → bia, lens/lenses → len). Words of three
    /// letters or fewer (RL, GAN) are kept as they are.
    /// </summary>
    public static string FoldWord(string w)
    {
        if (w.Length <= 3 || !char.IsAsciiLetterLower(w[^1]))
        {
            return w;
        }

        if (w.Length > 4 && w.EndsWith("ies", StringComparison.Ordinal))
        {
            return w[..^3] + "i";
        }

        if (w.EndsWith("sses", StringComparison.Ordinal) || w.EndsWith("xes", StringComparison.Ordinal)
            || w.EndsWith("ches", StringComparison.Ordinal) || w.EndsWith("shes", StringComparison.Ordinal)
            || w.EndsWith("zzes", StringComparison.Ordinal))
        {
            w = w[..^2];
        }
        else if (IsLoneS(w))
        {
            w = w[..^1];
        }

        if (w.Length >= 4 && w[^1] == 'e')
        {
            w = w[..^1];
        }
        else if (w.Length >= 4 && w[^1] == 'y')
        {
            return w[..^1] + "i";
        }

        // A singular ending in a lone s (bias, lens, canvas) takes -es: bias → bia and biases → biase → bias → bia.
        return w.Length >= 4 && IsLoneS(w) ? w[..^1] : w;
    }

    /// <summary>A final s that may be a plural ending: not in ss, us or is (class, status, analysis).</summary>
    private static bool IsLoneS(string w) =>
        w[^1] == 's' && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal)
        && !w.EndsWith("is", StringComparison.Ordinal);
}
