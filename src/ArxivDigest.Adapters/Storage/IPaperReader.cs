using ArxivDigest.Papers;

namespace ArxivDigest.Storage;

/// <summary>One announcement a paper appeared in.</summary>
public sealed record PaperListing(string Category, DateOnly ListingDate, int Version, AnnounceType AnnounceType);

/// <summary>
/// The store as the web reader reads it: the <see cref="IPaperStore"/> queries plus a paper's stored versions and the
/// announcements that listed it. Implementations: <see cref="SqliteStore"/> and <see cref="PostgresStore"/>, with
/// identical results (the same rows in the same order).
/// </summary>
public interface IPaperReader : IPaperStore
{
    /// <summary>Every stored version of the paper, oldest first (version 0, unknown, first); empty when not stored.</summary>
    Task<IReadOnlyList<Paper>> GetPaperVersionsAsync(string id, CancellationToken cancellationToken);

    /// <summary>The announcements that listed the paper, newest listing date first, then by category (ordinal).</summary>
    Task<IReadOnlyList<PaperListing>> GetPaperListingsAsync(string id, CancellationToken cancellationToken);
}
