namespace ArxivDigest.Matching;

/// <summary>
/// Word tokenisation with case, plural and inflection folding, shared by queries and papers so both sides fold alike:
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
    /// English plural and inflection folding to a shared stem, so that the forms of one word fold alike:
    /// <list type="bullet">
    /// <item>plurals: a plural suffix is removed, then a final <c>e</c> dropped and a final <c>y</c> read as <c>i</c>
    /// (policy/policies → polici, cache/caches → cach, movie/movies → movi, process/processes → process,
    /// bus/buses → bus, model/models → model, bias/biases → bia, lens/lenses → len);</item>
    /// <item>verb inflections: then <c>-ing</c> or <c>-ed</c> is removed when at least three letters with a vowel stay
    /// (not after <c>e</c>: need, speed, exceed), a doubled final consonant is undoubled (not ll, ss, zz, except
    /// <c>-elled</c>/<c>-olled</c> after four letters: modelled, controlled), and the stem is plural-folded again
    /// (learn/learns/learned/learning → learn, tune/tuned/tuning → tun, embed/embedded/embedding → embed,
    /// study/studied/studying → studi, plan/planned/planning → plan).</item>
    /// </list>
    /// Words of three letters or fewer (RL, GAN) are kept as they are, as are words whose <c>-ing</c> or <c>-ed</c> is
    /// not an inflection (string, spring, thing; embed; during, evening, morning, meaning, ceiling).
    /// </summary>
    public static string FoldWord(string w)
    {
        if (w.Length <= 3 || !char.IsAsciiLetterLower(w[^1]))
        {
            return w;
        }

        Span<char> buffer = w.Length <= 128 ? stackalloc char[w.Length] : new char[w.Length];
        var n = FoldWord(w, buffer);
        return n == w.Length && buffer[..n].SequenceEqual(w) ? w : new string(buffer[..n]);
    }

    /// <summary>
    /// <see cref="FoldWord(string)"/> without allocating: folds the lower-case <paramref name="word"/> into
    /// <paramref name="destination"/> (at least as long) and returns the folded length. The one implementation.
    /// </summary>
    public static int FoldWord(ReadOnlySpan<char> word, Span<char> destination)
    {
        var n = FoldPlural(word, destination);

        if (n < 5)
        {
            return n;
        }

        // Most words end in neither -ing nor -ed: one comparison each, then out.
        var last = destination[n - 1];
        int stem;
        if (last == 'g' && n >= 6 && destination[n - 2] == 'n' && destination[n - 3] == 'i')
        {
            stem = n - 3;
        }
        else if (last == 'd' && destination[n - 2] == 'e' && destination[n - 3] != 'e')
        {
            stem = n - 2;
        }
        else
        {
            return n;
        }

        if (!HasVowel(destination[..stem]) || IsNotInflected(destination[..n]))
        {
            return n;
        }

        var c = destination[stem - 1];
        if (stem >= 4 && c == destination[stem - 2] && char.IsAsciiLetterLower(c) && !IsVowel(c)
            && (c is not ('l' or 's' or 'z') || (c == 'l' && stem >= 6 && destination[stem - 3] is 'e' or 'o')))
        {
            stem--; // planned → plan, embedding → embed, modelled → model (but filled → fill, passing → pass)
        }

        return FoldPlural(destination[..stem], destination);
    }

    private static bool IsVowel(char c) => c is 'a' or 'e' or 'i' or 'o' or 'u';

    /// <summary>A stem of at least three letters with a vowel (a y after the first letter counts: flying, trying).</summary>
    private static bool HasVowel(ReadOnlySpan<char> stem)
    {
        if (stem.Length < 3)
        {
            return false;
        }

        for (var i = 0; i < stem.Length; i++)
        {
            if (IsVowel(stem[i]) || (i > 0 && stem[i] == 'y'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Words whose -ing or -ed is part of the word, and whose stem would be another word (during/dur, meaning/mean).</summary>
    private static bool IsNotInflected(ReadOnlySpan<char> word) =>
        word is "embed" or "imbed" or "during" or "evening" or "morning" or "meaning" or "ceiling";

    /// <summary>The plural folding of <see cref="FoldWord(ReadOnlySpan{char}, Span{char})"/> (its first step); <paramref name="word"/> may be <paramref name="destination"/> itself.</summary>
    private static int FoldPlural(ReadOnlySpan<char> word, Span<char> destination)
    {
        word.CopyTo(destination);
        var n = word.Length;
        if (n <= 3)
        {
            return n;
        }

        // Only a word ending in s, e or y changes (most words do not: one comparison for them). Char comparisons
        // rather than EndsWith: this runs for every word of every paper a snapshot scan reads.
        var last = word[n - 1];
        if (last is not ('s' or 'e' or 'y'))
        {
            return n;
        }

        if (last == 's')
        {
            var c2 = word[n - 2];
            var c3 = word[n - 3];
            if (n > 4 && c2 == 'e' && c3 == 'i')
            {
                destination[n - 3] = 'i'; // -ies → -i
                return n - 2;
            }

            var c4 = word[n - 4];
            if (c2 == 'e' && (c3 == 'x' || (c3 == 's' && c4 == 's') || (c3 == 'h' && c4 is 'c' or 's') || (c3 == 'z' && c4 == 'z')))
            {
                n -= 2; // -sses -xes -ches -shes -zzes
            }
            else if (c2 is not ('s' or 'u' or 'i'))
            {
                n -= 1; // a lone s
            }
        }

        if (n >= 4 && destination[n - 1] == 'e')
        {
            n -= 1;
        }
        else if (n >= 4 && destination[n - 1] == 'y')
        {
            destination[n - 1] = 'i';
            return n;
        }

        // A singular ending in a lone s (bias, lens, canvas) takes -es: bias → bia and biases → biase → bias → bia.
        return n >= 4 && IsLoneS(destination[..n]) ? n - 1 : n;
    }

    /// <summary>A final s that may be a plural ending: not in ss, us or is (class, status, analysis).</summary>
    private static bool IsLoneS(ReadOnlySpan<char> w) =>
        w[^1] == 's' && w[^2] is not ('s' or 'u' or 'i');
}
