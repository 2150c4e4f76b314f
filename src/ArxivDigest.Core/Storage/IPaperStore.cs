using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Storage;

/// <summary>A stored announcement: which papers one category's mailing of one listing date held.</summary>
public sealed record StoredAnnouncement(
    string Category,
    DateOnly ListingDate,
    string Source,
    DateTimeOffset FetchedAt,
    int PaperCount);

/// <summary>HTTP validators remembered per URL, for conditional GET.</summary>
public sealed record FetchState(string Url, string? ETag, DateTimeOffset? LastModified, DateOnly? ListingDate);

/// <summary>One invocation of a verb, with its outcome.</summary>
public sealed record RunRecord(
    long Id,
    string Digest,
    DateOnly? ListingDate,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    string Status,
    string? Message);

/// <summary>
/// The store seam. Implementations: SQLite (default, embedded) and PostgreSQL (server mode). Every method is safe to call repeatedly with the
/// same data: upserts never duplicate rows. Failures throw (typically <see cref="StoreException"/>).
/// </summary>
public interface IPaperStore : IAsyncDisposable
{
    /// <summary>Creates or upgrades the schema (versioned migrations); idempotent.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records one category's announcement for a listing date in one transaction: upserts each paper by
    /// (id, version; unknown version stored as 0) and replaces the announcement's membership list (paper order,
    /// announce type). Re-saving the same announcement leaves the same rows.
    /// </summary>
    Task SaveAnnouncementAsync(Announcement announcement, string source, DateTimeOffset fetchedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Upserts papers outside any announcement (history from OAI-PMH, the API or a snapshot) in one transaction,
    /// by (id, version) as <see cref="SaveAnnouncementAsync"/> does; a paper already stored keeps its rows.
    /// </summary>
    Task SavePapersAsync(IReadOnlyList<Paper> papers, string source, DateTimeOffset fetchedAt, CancellationToken cancellationToken);

    /// <summary>The progress a resumable job (backfill, import) saved under <paramref name="key"/>, or null.</summary>
    Task<string?> GetHarvestStateAsync(string key, CancellationToken cancellationToken);

    /// <summary>Saves (null: deletes) a resumable job's progress under <paramref name="key"/>.</summary>
    Task SaveHarvestStateAsync(string key, string? value, DateTimeOffset at, CancellationToken cancellationToken);

    Task<StoredAnnouncement?> GetAnnouncementAsync(string category, DateOnly listingDate, CancellationToken cancellationToken);

    /// <summary>The papers of a stored announcement in their listing order, with AnnounceType and ListingDate set.</summary>
    Task<IReadOnlyList<Paper>> GetAnnouncedPapersAsync(string category, DateOnly listingDate, CancellationToken cancellationToken);

    /// <summary>Every listing date stored for the category, newest first.</summary>
    Task<IReadOnlyList<DateOnly>> GetListingDatesAsync(string category, CancellationToken cancellationToken);

    /// <summary>The newest listing date stored for the category, or null.</summary>
    Task<DateOnly?> GetLatestListingDateAsync(string category, CancellationToken cancellationToken);

    Task<FetchState?> GetFetchStateAsync(string url, CancellationToken cancellationToken);

    Task SaveFetchStateAsync(FetchState state, CancellationToken cancellationToken);

    /// <summary>Starts a run row with status "running" and returns its id.</summary>
    Task<long> StartRunAsync(string digest, DateTimeOffset startedAt, CancellationToken cancellationToken);

    /// <summary>Sets the run's listing date, final status (complete, partial, no-announcement, failed ...) and message.</summary>
    Task FinishRunAsync(long runId, DateOnly? listingDate, string status, string? message, DateTimeOffset finishedAt, CancellationToken cancellationToken);

    /// <summary>The most recent runs, newest first.</summary>
    Task<IReadOnlyList<RunRecord>> GetRunsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>
    /// True when a run of <paramref name="digest"/> for <paramref name="listingDate"/> finished with status "complete"
    /// (its files written and every channel delivered), however many runs came after it.
    /// </summary>
    Task<bool> HasCompleteRunAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken);

    /// <summary>
    /// Full-text search over the stored papers. Contract for every implementation:
    /// <list type="bullet">
    /// <item>only the latest stored version of each paper id is a candidate (highest version; an unknown version,
    /// stored as 0, counts as older than any known one);</item>
    /// <item>a paper is a hit exactly when <see cref="PaperSearch.Verify"/> says so (the query's reference semantics
    /// and the filter's category) and its paper date lies within <see cref="SearchFilter.From"/>..<see cref="SearchFilter.To"/>:
    /// an index may only narrow the candidates, never decide the result;</item>
    /// <item>hits are ordered by relevance (full-text rank, title hits weighted above abstract, author and comment
    /// hits); a query with no positive text term (<c>NOT survey</c>, <c>cat:cs.LG</c>) orders by paper date, newest first.
    /// To bound latency a store may use a coarser order for queries with very common words (SQLite: title hits first,
    /// then the rest, newest first, in windows of its 4,000 newest candidates); the set of hits over all pages is the
    /// same either way;</item>
    /// <item>the page is hits <see cref="SearchFilter.Offset"/> .. Offset + <see cref="SearchFilter.Limit"/> - 1 of that order,
    /// and <see cref="SearchPage.HasMore"/> says whether a further hit exists;</item>
    /// <item>papers saved by <see cref="SaveAnnouncementAsync"/> or <see cref="SavePapersAsync"/> (new rows and rows
    /// changed in place) are searchable once the save returns.</item>
    /// </list>
    /// </summary>
    /// <exception cref="ArgumentException">The filter is invalid (<see cref="PaperSearch.Validate"/>).</exception>
    Task<SearchPage> SearchAsync(Query query, SearchFilter filter, CancellationToken cancellationToken);

    /// <summary>
    /// Claims the right to build and deliver <paramref name="digest"/> for <paramref name="listingDate"/> until
    /// <paramref name="now"/> + <paramref name="lease"/>, so that several instances sharing the database never run it
    /// twice at once. True when the claim is free, expired (its owner died or overran its lease), or already held by
    /// <paramref name="owner"/> (which renews the lease); false while another owner holds a live claim. Atomic: of
    /// several claimants racing, exactly one wins.
    /// </summary>
    Task<bool> TryClaimRunAsync(string digest, DateOnly listingDate, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Extends the lease of the claim <paramref name="owner"/> holds on <paramref name="digest"/> for
    /// <paramref name="listingDate"/> to <paramref name="now"/> + <paramref name="lease"/>, while a long run is still
    /// building or delivering it. True when <paramref name="owner"/> still holds the claim (also when its lease had
    /// lapsed but nobody took it over, since then nobody else has run it); false when the claim is gone (released) or
    /// belongs to another owner (taken over after lapsing): the claim is lost, and the caller must not deliver. Never
    /// creates a claim. Atomic against <see cref="TryClaimRunAsync"/>. Unlike the other methods, safe to call
    /// concurrently with any other call on the same instance: a renewal timer runs beside the pipeline.
    /// </summary>
    Task<bool> RenewRunClaimAsync(string digest, DateOnly listingDate, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>The owner of the claim on <paramref name="digest"/> for <paramref name="listingDate"/>, live or expired; null when none.</summary>
    Task<string?> GetRunClaimOwnerAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken);

    /// <summary>Releases the claim if <paramref name="owner"/> holds it; no-op otherwise.</summary>
    Task ReleaseRunClaimAsync(string digest, DateOnly listingDate, string owner, CancellationToken cancellationToken);
}

/// <summary>
/// A whole store as the pipeline uses it: papers and runs, the translation cache and the delivery ledger.
/// Implementations: SQLite (a file) and PostgreSQL (a server shared by several instances).
/// </summary>
public interface IDigestStore : IPaperStore, ArxivDigest.Translation.ITranslationCache, ArxivDigest.Delivery.IDeliveryLedger
{
    /// <summary>The database as shown in messages (a file path, or a server address without the password).</summary>
    string DisplayName { get; }
}

/// <summary>A store with a full-text search index that it fills lazily (after an import or a schema upgrade).</summary>
public interface ISearchIndexStatus
{
    /// <summary>
    /// How many stored paper rows the search index has yet to take in: the next save or search (SQLite) or the next
    /// search (PostgreSQL) indexes them first. Cheap when the index is up to date.
    /// </summary>
    Task<long> CountUnindexedAsync(CancellationToken cancellationToken);
}

/// <summary>A store that cannot be opened, migrated or written; names the database.</summary>
public sealed class StoreException(string database, string message, Exception? inner = null)
    : Exception($"{database}: {message}", inner)
{
    public string Database { get; } = database;
}
