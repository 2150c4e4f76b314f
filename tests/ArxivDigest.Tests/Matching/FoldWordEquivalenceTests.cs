using ArxivDigest.Matching;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Matching;

/// <summary>
/// <see cref="Tokens.FoldWord(ReadOnlySpan{char}, Span{char})"/> is written with char comparisons for speed; this
/// holds it to the rules written with EndsWith and strings (kept here as the reference) on every word of the fixtures
/// and on every word up to six letters over the letters the rules look at.
/// </summary>
public sealed class FoldWordEquivalenceTests
{
    /// <param name="letters">The letters the plural rules read (s, e, y and the endings before them), or those of -ing and -ed.</param>
    [Theory]
    [InlineData("aeisuxzhcyo")]
    [InlineData("aeiyosdngl")]
    public void Every_short_word_over_the_suffix_letters_folds_as_the_reference_does(string letters)
    {
        var checkedWords = 0;
        var buffer = new char[16];
        foreach (var word in Words(letters, 6))
        {
            var n = Tokens.FoldWord(word, buffer);
            Assert.Equal(Reference(word), new string(buffer, 0, n));
            checkedWords++;
        }

        Assert.True(checkedWords > 1_000_000, $"{checkedWords} words");
    }

    [Fact]
    public void Every_word_of_the_fixtures_folds_as_the_reference_does()
    {
        var buffer = new char[4096];
        var words = File.ReadAllLines(Fixtures.At("kaggle/snapshot-head-200-lines.jsonl"))
            .SelectMany(l => TextNormalizer.Words(l))
            .Select(w => w.ToLowerInvariant())
            .Distinct()
            .ToList();
        foreach (var word in words)
        {
            Assert.Equal(Reference(word), new string(buffer, 0, Tokens.FoldWord(word, buffer)));
            Assert.Equal(Reference(word), Tokens.FoldWord(word));
        }

        Assert.True(words.Count > 3000, $"{words.Count} words");
    }

    private static IEnumerable<string> Words(string letters, int maxLength)
    {
        var current = new List<string> { "" };
        for (var length = 1; length <= maxLength; length++)
        {
            current = [.. current.SelectMany(w => letters.Select(c => w + c))];
            foreach (var w in current)
            {
                yield return w;
            }
        }
    }

    /// <summary>
    /// The folding rules as first written (plurals), then the inflection rules written with strings: -ing or -ed off
    /// when a stem of three letters or more with a vowel stays (not -eed; not the listed words), a doubled consonant
    /// undoubled (not l, s, z, except -ell/-oll in a stem of six letters or more), and the stem plural-folded again.
    /// </summary>
    private static string Reference(string word)
    {
        var plural = PluralReference(word);
        string stem;
        if (plural.Length >= 6 && plural.EndsWith("ing", StringComparison.Ordinal))
        {
            stem = plural[..^3];
        }
        else if (plural.Length >= 5 && plural.EndsWith("ed", StringComparison.Ordinal) && !plural.EndsWith("eed", StringComparison.Ordinal))
        {
            stem = plural[..^2];
        }
        else
        {
            return plural;
        }

        if (stem.Length < 3 || !System.Text.RegularExpressions.Regex.IsMatch(stem, "[aeiou]|.y")
            || plural is "embed" or "imbed" or "during" or "evening" or "morning" or "meaning" or "ceiling")
        {
            return plural;
        }

        var last = stem[^1];
        if (stem.Length >= 4 && last == stem[^2] && "bcdfghjklmnpqrstvwxyz".Contains(last)
            && (!"lsz".Contains(last) || (stem.Length >= 6 && (stem.EndsWith("ell", StringComparison.Ordinal) || stem.EndsWith("oll", StringComparison.Ordinal)))))
        {
            stem = stem[..^1];
        }

        return PluralReference(stem);
    }

    private static string PluralReference(string word)
    {
        var d = word.ToCharArray();
        var n = word.Length;
        if (n <= 3 || !char.IsAsciiLetterLower(word[^1]))
        {
            return word;
        }

        var w = word.AsSpan();
        if (n > 4 && w.EndsWith("ies"))
        {
            d[n - 3] = 'i';
            return new string(d, 0, n - 2);
        }

        if (w.EndsWith("sses") || w.EndsWith("xes") || w.EndsWith("ches") || w.EndsWith("shes") || w.EndsWith("zzes"))
        {
            n -= 2;
        }
        else if (LoneS(w))
        {
            n -= 1;
        }

        if (n >= 4 && d[n - 1] == 'e')
        {
            n -= 1;
        }
        else if (n >= 4 && d[n - 1] == 'y')
        {
            d[n - 1] = 'i';
            return new string(d, 0, n);
        }

        return n >= 4 && LoneS(d.AsSpan(0, n)) ? new string(d, 0, n - 1) : new string(d, 0, n);

        static bool LoneS(ReadOnlySpan<char> s) => s[^1] == 's' && !s.EndsWith("ss") && !s.EndsWith("us") && !s.EndsWith("is");
    }
}
