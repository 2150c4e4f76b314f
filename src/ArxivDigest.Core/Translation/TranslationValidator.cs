using System.Globalization;

namespace ArxivDigest.Translation;

/// <summary>
/// Cheap plausibility checks of a machine translation, so an obviously broken answer (empty, the English echoed
/// back, cut off halfway) is rejected and retried or sent to the next provider instead of being cached.
/// Placeholders (<c>⟦n⟧</c>) are not checked here: <see cref="ProtectedText.Restore"/> does that.
/// </summary>
public static class TranslationValidator
{
    /// <summary>Sources shorter than this (in chars) are not length-checked: short titles vary too much.</summary>
    public const int MinLengthCheckedSource = 40;

    /// <summary>Sources at least this long (abstracts) get the tighter lower bound <see cref="MinRatioLong"/>.</summary>
    public const int LongSource = 400;

    /// <summary>
    /// zh translation length / source length, lower bound for sources of 40–399 chars (titles). The reference
    /// digest's titles range 0.186–0.424 (lowest: 效率衰减现象… for a 102-char title), so 0.12 leaves a wide margin.
    /// </summary>
    public const double MinRatioShort = 0.12;

    /// <summary>
    /// Lower bound for sources of 400+ chars (abstracts). The reference abstracts range 0.255–0.422, so 0.20 is ~20%
    /// below the lowest; a translation cut at half length (≤ 0.21) fails for every abstract but the wordiest one,
    /// and a translation stopping after a sentence or two (≈ 0.05–0.15) always fails.
    /// </summary>
    public const double MinRatioLong = 0.20;

    /// <summary>Upper bound (both sizes): reference max 0.42; above 1.5 the answer carries more than a translation.</summary>
    public const double MaxRatio = 1.5;

    /// <summary>
    /// For zh/ja/ko: CJK characters must be at least this share of the translation's letters (reference minimum
    /// 0.27, for "SpecXMaster 技术报告"), else the translation is taken for the source echoed back.
    /// </summary>
    public const double MinCjkShare = 0.10;

    /// <summary>Null when <paramref name="translation"/> is acceptable, otherwise why it is not.</summary>
    public static string? Problem(string source, string translation, string targetLanguage)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(targetLanguage);
        if (string.IsNullOrWhiteSpace(translation))
        {
            return "the translation is empty";
        }

        var src = source.Trim();
        var dst = translation.Trim();
        var lang = targetLanguage.Trim().Replace('_', '-').Split('-')[0].ToLowerInvariant();
        if (lang is "zh" or "ja" or "ko" && LetterWords(src) >= 3)
        {
            var (cjk, other) = CountLetters(dst);
            if (cjk < 2 || cjk < MinCjkShare * (cjk + other))
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the translation is not in {lang}: only {cjk} CJK characters among {cjk + other} letters (source echoed back?)");
            }
        }

        if (lang == "zh" && src.Length >= MinLengthCheckedSource)
        {
            var ratio = (double)dst.Length / src.Length;
            var min = src.Length >= LongSource ? MinRatioLong : MinRatioShort;
            if (ratio < min)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the translation is too short ({dst.Length} chars for {src.Length}: ratio {ratio:0.00} < {min:0.00}); truncated?");
            }

            if (ratio > MaxRatio)
            {
                return string.Create(CultureInfo.InvariantCulture,
                    $"the translation is too long ({dst.Length} chars for {src.Length}: ratio {ratio:0.00} > {MaxRatio:0.00})");
            }
        }

        return null;
    }

    /// <summary>Runs of two or more non-CJK letters ("words" of an alphabetic script).</summary>
    private static int LetterWords(string text)
    {
        var words = 0;
        var run = 0;
        foreach (var c in text + " ")
        {
            if (char.IsLetter(c) && !IsCjk(c))
            {
                run++;
                continue;
            }

            if (run >= 2)
            {
                words++;
            }

            run = 0;
        }

        return words;
    }

    private static (int Cjk, int Other) CountLetters(string text)
    {
        int cjk = 0, other = 0;
        foreach (var c in text)
        {
            if (IsCjk(c))
            {
                cjk++;
            }
            else if (char.IsLetter(c))
            {
                other++;
            }
        }

        return (cjk, other);
    }

    /// <summary>Han ideographs, kana and Hangul (BMP; surrogate-pair ideographs are rare enough to ignore).</summary>
    private static bool IsCjk(char c) =>
        c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF')
            or (>= '\u3040' and <= '\u30FF') or (>= '\u31F0' and <= '\u31FF')
            or (>= '\uAC00' and <= '\uD7AF') or (>= '\u1100' and <= '\u11FF') or (>= '\u3130' and <= '\u318F');
}
