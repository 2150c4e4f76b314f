using System.Globalization;
using System.Text.RegularExpressions;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// Recognising listing, section and day headings and reading their dates and "(showing N of M entries)" counts.
public static partial class ListingPageParser
{
    private static readonly string[] DateFormats =
    [
        "dddd, d MMMM yyyy",
        "ddd, d MMM yyyy",
        "ddd, d MMM yy",
        "dddd, d MMM yyyy",
        "ddd, d MMMM yyyy",
        "d MMMM yyyy",
        "d MMM yyyy",
        "d MMM yy",
    ];

    [GeneratedRegex(@"\(\s*(?:continued,\s*)?showing\s+(?:first\s+|last\s+)?(?<n>\d+)\s+of\s+(?<m>\d+)\s+entries\s*\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShowingRegex();

    [GeneratedRegex(@"^(?<label>New submissions|Cross submissions|Cross-lists|Cross lists|Replacement submissions|Replacements)(?:\s+for\s+(?<date>[^()]+?))?\s*(?:\(.*\))?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SectionRegex();

    [GeneratedRegex(@"^Showing new listings for\s+(?<date>[^()]+?)\s*(?:\(.*\))?\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ListingRegex();

    [GeneratedRegex(@"^(?<date>[A-Za-z]{3,9},\s+\d{1,2}\s+[A-Za-z]{3,9}\s+\d{2,4})\s*(?:\(.*\))?\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex DayRegex();

    private static Heading? ClassifyHeading(string text, string origin)
    {
        if (text.Length == 0 || text.Length > 200)
        {
            return null;
        }

        var showing = ShowingRegex().Match(text);
        int? shown = null, total = null;
        if (showing.Success)
        {
            // \d also matches non-ASCII digits, and a count can overflow: both are a corrupt heading, not a crash.
            if (!int.TryParse(showing.Groups["n"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                || !int.TryParse(showing.Groups["m"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var of))
            {
                throw new ArxivFormatException(origin, $"heading '{text}': unreadable entry count");
            }

            (shown, total) = (n, of);
        }

        var m = ListingRegex().Match(text);
        if (m.Success)
        {
            return new Heading(HeadingKind.Listing, text, "Showing new listings", AnnounceType.New,
                ParseDate(m.Groups["date"].Value, text, origin), shown, total);
        }

        m = SectionRegex().Match(text);
        if (m.Success)
        {
            var label = m.Groups["label"].Value;
            var type = char.ToUpperInvariant(label[0]) switch
            {
                'N' => AnnounceType.New,
                'C' => AnnounceType.Cross,
                _ => AnnounceType.Replace,
            };
            var date = m.Groups["date"].Success ? ParseDate(m.Groups["date"].Value, text, origin) : (DateOnly?)null;
            return new Heading(HeadingKind.Section, text, label, type, date, shown, total);
        }

        m = DayRegex().Match(text);
        if (m.Success && TryParseDate(m.Groups["date"].Value) is { } day)
        {
            return new Heading(HeadingKind.Day, text, m.Groups["date"].Value, AnnounceType.New, day, shown, total);
        }

        return null;
    }

    private static DateOnly? TryParseDate(string s) =>
        DateTime.TryParseExact(Text.Normalize(s), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var dt)
            ? DateOnly.FromDateTime(dt)
            : null;

    private static DateOnly ParseDate(string s, string heading, string origin) =>
        TryParseDate(s) ?? throw new ArxivFormatException(origin, $"cannot read the date '{Text.Normalize(s)}' in heading '{heading}'");
}
