namespace ArxivDigest.Papers;

/// <summary>What a source said about one category's latest mailing.</summary>
public enum AnnouncementKind
{
    /// <summary>A mailing with papers (possibly none after filtering by announce type).</summary>
    Papers,

    /// <summary>The source says there was nothing today ("No updates today.", an RSS channel with zero items).</summary>
    Empty,
}

/// <summary>
/// One category's announcement as read from a source. <see cref="ListingDate"/> is null only when the source
/// carries no date at all (an empty RSS channel without pubDate).
/// </summary>
public sealed record Announcement
{
    public required string Category { get; init; }

    public DateOnly? ListingDate { get; init; }

    public AnnouncementKind Kind { get; init; } = AnnouncementKind.Papers;

    public IReadOnlyList<Paper> Papers { get; init; } = [];

    /// <summary>Where it came from (URL or file path), for messages.</summary>
    public string Origin { get; init; } = "";
}
