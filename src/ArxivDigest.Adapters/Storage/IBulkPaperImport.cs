using ArxivDigest.Papers;

namespace ArxivDigest.Storage;

/// <summary>
/// The bulk path a resumable import writes through (<c>arxiv-digest import</c>): batches of papers, each committed
/// together with the job's resume point. Implementations: <see cref="SqliteStore"/> (prepared row upserts on its one
/// connection) and <see cref="PostgresStore"/> (binary COPY into a temporary table, then one set-based upsert).
/// </summary>
public interface IBulkPaperImport
{
    /// <summary>Tunes the store for a long run of <see cref="SaveImportBatchAsync"/> calls (a no-op where nothing helps).</summary>
    ValueTask PrepareImportAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Upserts <paramref name="papers"/> by (id, version) with the rule of <see cref="IPaperStore.SavePapersAsync"/>
    /// (unchanged rows are not rewritten; a known <c>published</c> date is never erased; the rows are searchable once
    /// this returns) and saves <paramref name="stateKey"/> = <paramref name="stateValue"/> in ONE transaction, so an
    /// interrupted import never loses a committed batch nor records progress it did not make. Throws
    /// <see cref="StoreException"/> on a database failure. An implementation may observe cancellation: it then throws
    /// <see cref="OperationCanceledException"/> and commits nothing of the batch.
    /// </summary>
    ValueTask SaveImportBatchAsync(IReadOnlyList<Paper> papers, string source, DateTimeOffset fetchedAt, string stateKey, string stateValue, CancellationToken cancellationToken);

    /// <inheritdoc cref="IPaperStore.GetHarvestStateAsync"/>
    Task<string?> GetHarvestStateAsync(string key, CancellationToken cancellationToken);

    /// <inheritdoc cref="IPaperStore.SaveHarvestStateAsync"/>
    Task SaveHarvestStateAsync(string key, string? value, DateTimeOffset at, CancellationToken cancellationToken);
}
