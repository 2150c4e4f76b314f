using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>
/// This instance's claim on building and delivering one digest for one listing date (see
/// <see cref="IPaperStore.TryClaimRunAsync"/>); disposing releases it. A process that dies keeps its claim only until
/// the lease ends, so a crash never blocks the digest for longer than <see cref="Lease"/>.
/// </summary>
public sealed class RunClaim : IAsyncDisposable
{
    /// <summary>How long a claim lasts without its owner releasing it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromHours(1);

    private readonly IPaperStore store;
    private readonly string digest;
    private readonly DateOnly listingDate;
    private readonly string owner;

    private RunClaim(IPaperStore store, string digest, DateOnly listingDate, string owner)
    {
        this.store = store;
        this.digest = digest;
        this.listingDate = listingDate;
        this.owner = owner;
    }

    /// <summary>The claim, or null while another live instance holds it.</summary>
    public static async Task<RunClaim?> TryAcquireAsync(IPaperStore store, string digest, DateOnly listingDate, string owner, TimeProvider time, CancellationToken cancellationToken) =>
        await store.TryClaimRunAsync(digest, listingDate, owner, time.GetUtcNow(), Lease, cancellationToken)
            ? new RunClaim(store, digest, listingDate, owner)
            : null;

    /// <summary>The stdout line of the instance that found the digest claimed (exit code 0: the other one delivers it).</summary>
    public static string SkippedMessage(string digest, DateOnly listingDate) =>
        $"another arxiv-digest is already running digest {digest} for {listingDate:yyyy-MM-dd}; skipped";

    public async ValueTask DisposeAsync() =>
        await store.ReleaseRunClaimAsync(digest, listingDate, owner, CancellationToken.None);
}
