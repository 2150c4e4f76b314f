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
    /// movie/movies → movi, process/processes → process, bus/buses → bus, model/models → model). Words of three
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
        else if (w[^1] == 's' && !w.EndsWith("ss", StringComparison.Ordinal) && !w.EndsWith("us", StringComparison.Ordinal)
                 && !w.EndsWith("is", StringComparison.Ordinal))
        {
            w = w[..^1];
        }

        if (w.Length >= 4 && w[^1] == 'e')
        {
            return w[..^1];
        }

        return w.Length >= 4 && w[^1] == 'y' ? w[..^1] + "i" : w;
    }

    /// <summary>
    /// <see cref="FoldWord(string)"/> without allocating: folds the lower-case <paramref name="word"/> into
    /// <paramref name="destination"/> (at least as long) and returns the folded length. Always equal to the string form.
    /// </summary>
    public static int FoldWord(ReadOnlySpan<char> word, Span<char> destination)
    {
        word.CopyTo(destination);
        var n = word.Length;
        if (n <= 3 || !char.IsAsciiLetterLower(word[^1]))
        {
            return n;
        }

        var w = destination[..n];
        if (n > 4 && w.EndsWith("ies"))
        {
            destination[n - 3] = 'i';
            return n - 2;
        }

        if (w.EndsWith("sses") || w.EndsWith("xes") || w.EndsWith("ches") || w.EndsWith("shes") || w.EndsWith("zzes"))
        {
            n -= 2;
        }
        else if (w[^1] == 's' && !w.EndsWith("ss") && !w.EndsWith("us") && !w.EndsWith("is"))
        {
            n -= 1;
        }

        if (n >= 4 && destination[n - 1] == 'e')
        {
            return n - 1;
        }

        if (n >= 4 && destination[n - 1] == 'y')
        {
            destination[n - 1] = 'i';
        }

        return n;
    }
}
