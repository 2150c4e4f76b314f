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

    /// <summary>
    /// The claim, or null while another live instance holds it. A claim left by a process of this machine that no
    /// longer exists (killed, crashed) is taken over at once instead of waiting for its lease to end.
    /// </summary>
    public static async Task<RunClaim?> TryAcquireAsync(IPaperStore store, string digest, DateOnly listingDate, string owner, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.TryClaimRunAsync(digest, listingDate, owner, time.GetUtcNow(), Lease, cancellationToken))
        {
            return new RunClaim(store, digest, listingDate, owner);
        }

        if (await store.GetRunClaimOwnerAsync(digest, listingDate, cancellationToken) is { } holder && IsDeadLocalOwner(holder))
        {
            await store.ReleaseRunClaimAsync(digest, listingDate, holder, cancellationToken);
            if (await store.TryClaimRunAsync(digest, listingDate, owner, time.GetUtcNow(), Lease, cancellationToken))
            {
                return new RunClaim(store, digest, listingDate, owner);
            }
        }

        return null;
    }

    /// <summary>The owner string of this process: machine/pid/unique.</summary>
    public static string NewOwner() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>True when <paramref name="owner"/> names a process of this machine that is not running.</summary>
    internal static bool IsDeadLocalOwner(string owner)
    {
        var parts = owner.Split('/');
        if (parts.Length != 3 || parts[0] != Environment.MachineName || !int.TryParse(parts[1], out var pid))
        {
            return false;
        }

        if (pid == Environment.ProcessId)
        {
            return false; // this process (another job in it) holds the claim and is alive
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return process.HasExited;
        }
        catch (ArgumentException)
        {
            return true; // no such process
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    /// <summary>The stdout line of the instance that found the digest claimed (exit code 0: the other one delivers it).</summary>
    public static string SkippedMessage(string digest, DateOnly listingDate) =>
        $"another arxiv-digest is already running digest {digest} for {listingDate:yyyy-MM-dd}; skipped";

    public async ValueTask DisposeAsync() =>
        await store.ReleaseRunClaimAsync(digest, listingDate, owner, CancellationToken.None);
}
