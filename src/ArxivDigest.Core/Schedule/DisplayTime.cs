using System.Globalization;

namespace ArxivDigest.Schedule;

/// <summary>Formats instants for digest headers in the user's display time zone.</summary>
public static class DisplayTime
{
    /// <summary>Resolves an IANA (or Windows) id, or a fixed offset such as <c>UTC+8</c> / <c>UTC-05:30</c>.</summary>
    public static bool TryResolve(string id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        var text = id.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        if ((text.StartsWith("UTC", StringComparison.OrdinalIgnoreCase) || text.StartsWith("GMT", StringComparison.OrdinalIgnoreCase))
            && text.Length > 3)
        {
            var rest = text[3..];
            var sign = rest[0] switch { '+' => 1, '-' => -1, _ => 0 };
            var parts = rest[1..].Split(':');
            var m = 0;
            if (sign != 0
                && parts.Length <= 2
                && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
                && (parts.Length == 1 || (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out m) && m < 60))
                && new TimeSpan(h, m, 0) <= TimeSpan.FromHours(14))
            {
                var offset = new TimeSpan(sign * h, sign * m, 0);
                zone = TimeZoneInfo.CreateCustomTimeZone(text.ToUpperInvariant(), offset, text, text);
                return true;
            }

            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(text);
            return true;
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The offset label the reference digest prints: <c>UTC+8</c>, <c>UTC-4</c>, <c>UTC+5:30</c>, <c>UTC</c>.</summary>
    public static string OffsetLabel(TimeSpan offset)
    {
        if (offset == TimeSpan.Zero)
        {
            return "UTC";
        }

        var sign = offset < TimeSpan.Zero ? "-" : "+";
        var abs = offset.Duration();
        return abs.Minutes == 0
            ? $"UTC{sign}{abs.Hours}"
            : string.Create(CultureInfo.InvariantCulture, $"UTC{sign}{abs.Hours}:{abs.Minutes:00}");
    }

    /// <summary><c>2026-03-26 08:00 UTC+8</c> style, or with seconds.</summary>
    public static string Format(DateTimeOffset instant, TimeZoneInfo zone, bool seconds = false)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        return local.ToString(seconds ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }
}
