using System.Globalization;
using System.Text.RegularExpressions;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

// RFC 822 / ISO dates of the feeds, and the America/New_York date of a mailing.
public static partial class RssFeedParser
{
    private static DateTimeOffset ParseDate(string text, string what, string origin)
    {
        var s = text.Trim();
        if (TryParseRfc822(s, out var rfc))
        {
            return rfc;
        }

        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var iso))
        {
            return iso;
        }

        throw new ArxivFormatException(origin, $"cannot read the {what} '{s}' as a date");
    }

    private static bool TryParseRfc822(string s, out DateTimeOffset value)
    {
        value = default;
        var m = Rfc822().Match(s);
        if (!m.Success)
        {
            return false;
        }

        var month = Array.IndexOf(Months, m.Groups["mon"].Value.ToLowerInvariant()) + 1;
        if (month == 0)
        {
            return false;
        }

        var year = int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture);
        if (year < 100)
        {
            year += year < 50 ? 2000 : 1900;
        }

        var zone = m.Groups["z"].Value;
        TimeSpan offset;
        if (zone[0] is '+' or '-')
        {
            var minutes = (int.Parse(zone.AsSpan(1, 2), CultureInfo.InvariantCulture) * 60)
                + int.Parse(zone.AsSpan(3, 2), CultureInfo.InvariantCulture);
            offset = TimeSpan.FromMinutes(zone[0] == '-' ? -minutes : minutes);
        }
        else if (!ZoneNames.TryGetValue(zone, out offset))
        {
            return false;
        }

        try
        {
            var local = new DateTime(
                year,
                month,
                int.Parse(m.Groups["d"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["h"].Value, CultureInfo.InvariantCulture),
                int.Parse(m.Groups["mi"].Value, CultureInfo.InvariantCulture),
                m.Groups["s"].Success ? int.Parse(m.Groups["s"].Value, CultureInfo.InvariantCulture) : 0,
                DateTimeKind.Unspecified);
            value = new DateTimeOffset(local, offset);
            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false;
        }
    }

    private static readonly string[] Months =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    private static readonly Dictionary<string, TimeSpan> ZoneNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["GMT"] = TimeSpan.Zero,
        ["UT"] = TimeSpan.Zero,
        ["UTC"] = TimeSpan.Zero,
        ["Z"] = TimeSpan.Zero,
        ["EST"] = TimeSpan.FromHours(-5),
        ["EDT"] = TimeSpan.FromHours(-4),
        ["CST"] = TimeSpan.FromHours(-6),
        ["CDT"] = TimeSpan.FromHours(-5),
        ["MST"] = TimeSpan.FromHours(-7),
        ["MDT"] = TimeSpan.FromHours(-6),
        ["PST"] = TimeSpan.FromHours(-8),
        ["PDT"] = TimeSpan.FromHours(-7),
    };

    private static readonly Lazy<TimeZoneInfo?> NewYork = new(() =>
    {
        foreach (var id in new[] { "America/New_York", "Eastern Standard Time" })
        {
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (TimeZoneNotFoundException)
            {
            }
            catch (InvalidTimeZoneException)
            {
            }
        }

        return null;
    });

    /// <summary>The America/New_York calendar date of an instant (arXiv's mailings are dated in ET).</summary>
    internal static DateOnly EasternDate(DateTimeOffset instant)
    {
        if (NewYork.Value is { } tz)
        {
            return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, tz).DateTime);
        }

        // No tz database: US rules since 2007 (EDT from the 2nd Sunday of March 02:00 to the 1st Sunday of November 02:00).
        var utc = instant.UtcDateTime;
        var dstStart = NthSunday(utc.Year, 3, 2).AddHours(2 + 5);
        var dstEnd = NthSunday(utc.Year, 11, 1).AddHours(2 + 4);
        var offset = utc >= dstStart && utc < dstEnd ? -4 : -5;
        return DateOnly.FromDateTime(utc.AddHours(offset));

        static DateTime NthSunday(int year, int month, int n)
        {
            var first = new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Utc);
            var toSunday = ((int)DayOfWeek.Sunday - (int)first.DayOfWeek + 7) % 7;
            return first.AddDays(toSunday + (7 * (n - 1)));
        }
    }

    [GeneratedRegex(
        @"^(?:[A-Za-z]{3},\s*)?(?<d>[0-9]{1,2})\s+(?<mon>[A-Za-z]{3})\s+(?<y>[0-9]{2,4})\s+(?<h>[0-9]{1,2}):(?<mi>[0-9]{2})(?::(?<s>[0-9]{2}))?\s+(?<z>[+-][0-9]{4}|[A-Za-z]{1,3})$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Rfc822();
}
