using System.Globalization;
using System.Text;

namespace ArxivDigest.Matching;

/// <summary>
/// The one normalisation that queries, papers and the full-text index share, so both sides always agree:
/// TeX markup is taken apart (<c>$\pi$</c> → <c>pi</c>, <c>\emph{x}</c> → <c>x</c>, <c>Bal\'azs</c> → <c>Balazs</c>,
/// braces dropped), then Unicode NFKC, diacritics removed (<c>Balázs</c> → <c>Balazs</c>, <c>ø</c> → <c>o</c>),
/// and words cut as maximal runs of letters and digits (so <c>model-based</c> ≡ <c>model based</c>).
/// </summary>
public static class TextNormalizer
{
    /// <summary>TeX commands that only format their argument: dropped, the argument kept.</summary>
    private static readonly HashSet<string> FormattingCommands = new(StringComparer.Ordinal)
    {
        "emph", "textbf", "textit", "textrm", "textsf", "texttt", "textsc", "textsl", "textup", "textnormal", "text",
        "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "mathcal", "mathbb", "mathfrak", "mathscr", "mathnormal",
        "boldsymbol", "bm", "operatorname", "it", "bf", "rm", "em", "sc", "sf", "tt", "sl", "cal", "bold",
        "left", "right", "big", "Big", "bigg", "Bigg", "displaystyle", "textstyle", "scriptstyle", "mbox", "hbox",
        "underline", "overline", "widetilde", "widehat", "tilde", "hat", "bar", "vec", "dot", "ddot", "url", "href",
    };

    /// <summary>Letters NFD does not decompose, folded to ASCII.</summary>
    private static readonly Dictionary<char, string> SpecialLetters = new()
    {
        ['ø'] = "o", ['Ø'] = "O", ['ł'] = "l", ['Ł'] = "L", ['ß'] = "ss", ['ẞ'] = "SS", ['æ'] = "ae", ['Æ'] = "AE",
        ['œ'] = "oe", ['Œ'] = "OE", ['đ'] = "d", ['Đ'] = "D", ['ı'] = "i", ['þ'] = "th", ['Þ'] = "Th", ['ð'] = "d",
    };

    /// <summary>TeX text-mode letters without argument: <c>\ss</c>, <c>\o</c>, <c>\l</c>, <c>\ae</c> ...</summary>
    private static readonly Dictionary<string, string> LetterCommands = new(StringComparer.Ordinal)
    {
        ["ss"] = "ss", ["o"] = "o", ["O"] = "O", ["l"] = "l", ["L"] = "L", ["ae"] = "ae", ["AE"] = "AE",
        ["oe"] = "oe", ["OE"] = "OE", ["aa"] = "a", ["AA"] = "A", ["i"] = "i", ["j"] = "j",
    };

    /// <summary>
    /// The text with TeX markup resolved and diacritics removed, case kept. Word boundaries are where
    /// <see cref="char.IsLetterOrDigit(char)"/> is false.
    /// </summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (IsPlain(text))
        {
            return text;
        }

        var detexed = text.AsSpan().IndexOfAny('\\', '$', '{') >= 0 || text.Contains('}', StringComparison.Ordinal)
            ? Detex(text)
            : text;
        return System.Text.Ascii.IsValid(detexed) ? detexed : FoldDiacritics(detexed);
    }

    /// <summary>The words of <paramref name="text"/> after <see cref="Clean"/>, case kept.</summary>
    public static List<string> Words(string text)
    {
        var clean = Clean(text);
        if (clean.Length > 0 && !clean.AsSpan().ContainsAnyExcept(AsciiLettersAndDigits))
        {
            return [clean]; // one plain word (a query's usual token): no bounds to find
        }

        var bounds = WordBounds(clean);
        var words = new List<string>(bounds.Length / 2);
        for (var i = 0; i < bounds.Length; i += 2)
        {
            words.Add(clean.Substring(bounds[i], bounds[i + 1]));
        }

        return words;
    }

    /// <summary>
    /// Start and length of each word of a cleaned text, in pairs: the runs of <see cref="char.IsLetterOrDigit(char)"/>.
    /// </summary>
    internal static int[] WordBounds(string clean)
    {
        var bounds = new List<int>(clean.Length / 4);
        var start = -1;
        for (var i = 0; i <= clean.Length; i++)
        {
            var isWord = i < clean.Length && char.IsLetterOrDigit(clean[i]);
            if (isWord && start < 0)
            {
                start = i;
            }
            else if (!isWord && start >= 0)
            {
                bounds.Add(start);
                bounds.Add(i - start);
                start = -1;
            }
        }

        return [.. bounds];
    }

    /// <summary>
    /// The form the full-text index stores: every word lower-cased and folded (plurals, inflections)
    /// (<see cref="Tokens.FoldWord"/>), separated by single spaces.
    /// </summary>
    public static string IndexForm(string text)
    {
        var words = Words(text);
        var builder = new StringBuilder(text.Length);
        foreach (var w in words)
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            builder.Append(Tokens.FoldWord(w.ToLowerInvariant()));
        }

        return builder.ToString();
    }

    private static readonly System.Buffers.SearchValues<char> AsciiLettersAndDigits =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly System.Buffers.SearchValues<char> TexChars = System.Buffers.SearchValues.Create("\\${}");

    /// <summary>True when <see cref="Clean"/> would return the text unchanged: printable ASCII without TeX characters.</summary>
    public static bool IsPlain(ReadOnlySpan<char> text) =>
        !text.ContainsAnyExceptInRange('\0', '\u007e') && !text.ContainsAny(TexChars);

    /// <summary>Removes TeX markup, keeping the words it stands for.</summary>
    private static string Detex(string text)
    {
        var buffer = new char[text.Length + 16];
        var length = Detex(text, ref buffer);
        return new string(buffer, 0, length);
    }

    /// <summary>
    /// <see cref="Clean"/> without allocating when the text is ASCII: the cleaned text is written into
    /// <paramref name="buffer"/> (grown as needed) and returned as a span of it; other text goes through
    /// <see cref="Clean"/> itself.
    /// </summary>
    internal static ReadOnlySpan<char> Clean(ReadOnlySpan<char> text, ref char[] buffer)
    {
        if (IsPlain(text))
        {
            return text;
        }

        if (!Ascii.IsValid(text))
        {
            return Clean(new string(text)).AsSpan();
        }

        if (!text.ContainsAny(TexChars))
        {
            return text;
        }

        var length = Detex(text, ref buffer); // may replace the buffer
        return buffer.AsSpan(0, length);
    }

    /// <summary>The one TeX remover: writes the text without its markup into <paramref name="buffer"/> (grown as needed); returns the length.</summary>
    private static int Detex(ReadOnlySpan<char> text, ref char[] buffer)
    {
        var b = new Writer(buffer);
        var i = 0;
        while (i < text.Length)
        {
            // Copy the run up to the next TeX character in one go.
            var run = text[i..].IndexOfAny(TexChars);
            if (run != 0)
            {
                var length = run < 0 ? text.Length - i : run;
                b.Append(text.Slice(i, length));
                i += length;
                continue;
            }

            var c = text[i];
            switch (c)
            {
                case '$' or '{' or '}':
                    i++;
                    continue;
                case '\\' when i + 1 < text.Length:
                    i = Command(text, i + 1, ref b);
                    continue;
                default:
                    b.Append(c);
                    i++;
                    continue;
            }
        }

        buffer = b.Buffer;
        return b.Length;
    }

    /// <summary>A growable char buffer (the caller keeps the array it ends in).</summary>
    private ref struct Writer(char[] buffer)
    {
        public char[] Buffer = buffer;
        public int Length;

        public void Append(char c)
        {
            if (Length == Buffer.Length)
            {
                Array.Resize(ref Buffer, Math.Max(16, Buffer.Length * 2));
            }

            Buffer[Length++] = c;
        }

        public void Append(ReadOnlySpan<char> s)
        {
            if (Length + s.Length > Buffer.Length)
            {
                Array.Resize(ref Buffer, Math.Max(Length + s.Length, Buffer.Length * 2));
            }

            s.CopyTo(Buffer.AsSpan(Length));
            Length += s.Length;
        }
    }

    private static readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> LetterCommandsBySpan = LetterCommands.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> FormattingCommandsBySpan = FormattingCommands.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Handles the command after a backslash at <paramref name="i"/>; returns the index after it.</summary>
    private static int Command(ReadOnlySpan<char> text, int i, ref Writer b)
    {
        var c = text[i];
        if (IsAccent(c) && !(char.IsAsciiLetter(c) && i + 1 < text.Length && char.IsAsciiLetter(text[i + 1])))
        {
            // \'a, \"{o}, \c{c}, \v c: the accent goes, the letter stays in the word.
            var j = i + 1;
            while (j < text.Length && (text[j] == '{' || (char.IsAsciiLetter(c) && char.IsWhiteSpace(text[j]))))
            {
                j++;
            }

            if (j < text.Length && text[j] == '\\' && j + 1 < text.Length && text[j + 1] is 'i' or 'j')
            {
                b.Append(text[j + 1]);
                j += 2;
            }
            else if (j < text.Length && char.IsLetter(text[j]))
            {
                b.Append(text[j]);
                j++;
            }

            while (j < text.Length && text[j] == '}')
            {
                j++;
            }

            return j;
        }

        if (!char.IsAsciiLetter(c))
        {
            // \\, \,, \;, \%, \& ... : a separator, or the escaped character itself for \% \& \_ \#.
            b.Append(c is '%' or '&' or '#' ? c : ' ');
            return i + 1;
        }

        var end = i;
        while (end < text.Length && char.IsAsciiLetter(text[end]))
        {
            end++;
        }

        var name = text[i..end];
        if (LetterCommandsBySpan.TryGetValue(name, out var letters))
        {
            b.Append(letters);
            // "\ss{}" or "\o " ends the command; the word goes on. TeX skips all the spaces (and a line break) after a
            // command word, so a text reads the same before and after its whitespace is collapsed.
            while (end < text.Length && char.IsWhiteSpace(text[end]))
            {
                end++;
            }
        }
        else if (!FormattingCommandsBySpan.Contains(name))
        {
            // \pi, \alpha, \ell: the command's name is the word (separated from its neighbours).
            b.Append(' ');
            b.Append(name);
            b.Append(' ');
        }

        return end;
    }

    private static bool IsAccent(char c) => c is '\'' or '"' or '^' or '`' or '~' or '=' or '.' or 'c' or 'v' or 'u' or 'H' or 'k' or 'r' or 'b' or 'd' or 't';

    private static string FoldDiacritics(string text)
    {
        var nfkc = text.IsNormalized(NormalizationForm.FormKC) ? text : text.Normalize(NormalizationForm.FormKC);
        var decomposed = nfkc.Normalize(NormalizationForm.FormD);
        var b = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark)
            {
                continue;
            }

            if (SpecialLetters.TryGetValue(c, out var folded))
            {
                b.Append(folded);
            }
            else
            {
                b.Append(c);
            }
        }

        return b.ToString().Normalize(NormalizationForm.FormC);
    }
}
