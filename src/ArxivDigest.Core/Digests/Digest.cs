using ArxivDigest.Papers;

namespace ArxivDigest.Digests;

/// <summary>complete; partial when something (a translation) is pending; no-announcement for an empty mailing.</summary>
public enum DigestStatus
{
    Complete,
    Partial,
    NoAnnouncement,
}

/// <summary>State of one translated field.</summary>
public enum TranslationState
{
    /// <summary>Translated.</summary>
    Done,

    /// <summary>No translator configured (<c>--translator none</c>), or the target language is the source's.</summary>
    Disabled,

    /// <summary>Translation was attempted and failed; a later run fills it in.</summary>
    Pending,
}

public sealed record TranslatedText(string? Text, TranslationState State, string? Error = null)
{
    public static readonly TranslatedText Disabled = new(null, TranslationState.Disabled);
}

public sealed record DigestPaper(Paper Paper, string Matched, TranslatedText Title, TranslatedText Abstract)
{
    /// <summary>Optional one-sentence summary in the target language (<c>--tldr</c>); null when off or not available.</summary>
    public string? Tldr { get; init; }

    /// <summary>The query phrases that hit, as words (for highlighting); empty for digests stored before.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Terms { get; init; } = [];
}

public sealed record DigestGroup(string Query, IReadOnlyList<DigestPaper> Papers);

/// <summary>Everything a renderer needs; renderers add nothing but layout.</summary>
public sealed record Digest
{
    public required string Name { get; init; }

    public required DateOnly ListingDate { get; init; }

    public required DateTimeOffset AnnouncedAt { get; init; }

    public required DateTimeOffset GeneratedAt { get; init; }

    public required IReadOnlyList<string> Categories { get; init; }

    public required IReadOnlyList<DigestGroup> Groups { get; init; }

    /// <summary>Target language code (<c>zh</c>).</summary>
    public string Language { get; init; } = "zh";

    /// <summary>Display time zone for the header.</summary>
    public TimeZoneInfo DisplayZone { get; init; } = TimeZoneInfo.Utc;

    /// <summary>Translator name, for messages in the output.</summary>
    public string Translator { get; init; } = "none";

    public int Count => Groups.Sum(g => g.Papers.Count);

    public DigestStatus Status =>
        NoAnnouncement ? DigestStatus.NoAnnouncement
        : Groups.Any(g => g.Papers.Any(p => p.Title.State == TranslationState.Pending || p.Abstract.State == TranslationState.Pending))
            ? DigestStatus.Partial
            : DigestStatus.Complete;

    /// <summary>Set when the source said the mailing was empty.</summary>
    public bool NoAnnouncement { get; init; }
}
