using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>
/// This instance's claim on building and delivering one digest for one listing date (see
/// <see cref="IPaperStore.TryClaimRunAsync"/>); disposing releases it. While held, the lease is renewed every
/// <see cref="RenewEvery"/> (a timer on the injected <see cref="TimeProvider"/>, through
/// <see cref="IPaperStore.RenewRunClaimAsync"/>), so a run that takes longer than <see cref="Lease"/> (slow translation
/// of a big day) keeps it. A process that dies stops renewing and keeps its claim only until the lease ends, so a
/// crash never blocks the digest for longer than <see cref="Lease"/>.
/// <para>
/// A claim can still be lost: when no renewal got through for a whole lease (the machine slept, the database was
/// unreachable) and another instance took the digest over. A renewal that finds this sets <see cref="Lost"/> and stops;
/// <see cref="StillHeldAsync"/>, called before each delivery, renews once more on the spot and says whether this
/// instance may still deliver. A lost claim is never taken back: the instance that holds it now delivers.
/// </para>
/// </summary>
public sealed class RunClaim : IAsyncDisposable
{
    /// <summary>How long a claim lasts without its owner renewing or releasing it.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromHours(1);

    /// <summary>How often a held claim is renewed: three renewals per lease, so one failed renewal costs nothing.</summary>
    public static readonly TimeSpan RenewEvery = Lease / 3;

    private readonly IPaperStore store;
    private readonly string digest;
    private readonly DateOnly listingDate;
    private readonly string owner;
    private readonly TimeProvider time;
    private readonly ITimer timer;
    private readonly Lock gate = new();
    private Task renewal = Task.CompletedTask;
    private bool stopped;
    private volatile bool lost;

    private RunClaim(IPaperStore store, string digest, DateOnly listingDate, string owner, TimeProvider time)
    {
        this.store = store;
        this.digest = digest;
        this.listingDate = listingDate;
        this.owner = owner;
        this.time = time;
        timer = time.CreateTimer(_ => Renew(), null, RenewEvery, RenewEvery);
    }

    /// <summary>True once a renewal found the claim taken over or gone: this instance must not deliver.</summary>
    public bool Lost => lost;

    /// <summary>The renewal in flight (or the last one), for tests driving the clock.</summary>
    internal Task Renewal
    {
        get
        {
            lock (gate)
            {
                return renewal;
            }
        }
    }

    /// <summary>
    /// The claim, or null while another live instance holds it. A claim left by a process of this machine that no
    /// longer exists (killed, crashed) is taken over at once instead of waiting for its lease to end.
    /// </summary>
    public static async Task<RunClaim?> TryAcquireAsync(IPaperStore store, string digest, DateOnly listingDate, string owner, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.TryClaimRunAsync(digest, listingDate, owner, time.GetUtcNow(), Lease, cancellationToken))
        {
            return new RunClaim(store, digest, listingDate, owner, time);
        }

        if (await store.GetRunClaimOwnerAsync(digest, listingDate, cancellationToken) is { } holder && IsDeadLocalOwner(holder))
        {
            await store.ReleaseRunClaimAsync(digest, listingDate, holder, cancellationToken);
            if (await store.TryClaimRunAsync(digest, listingDate, owner, time.GetUtcNow(), Lease, cancellationToken))
            {
                return new RunClaim(store, digest, listingDate, owner, time);
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

    /// <summary>The warning of an instance that lost its claim: it does not deliver, the holder does.</summary>
    public string LostMessage(IEnumerable<string> channels) =>
        $"{digest}: lost the claim on the {listingDate:yyyy-MM-dd} digest (no renewal got through for {Lease.TotalMinutes:0} minutes and another "
        + $"instance took it over); not delivered to {string.Join(", ", channels)} by this instance: the instance holding the claim delivers it";

    /// <summary>
    /// Renews the lease now and says whether this instance still holds the claim (false: lost, do not deliver).
    /// Called before each delivery, so that a claim lost between two timer ticks is noticed before anything is sent.
    /// </summary>
    /// <exception cref="StoreException">The store cannot be reached: whether the claim is held is unknown.</exception>
    public async Task<bool> StillHeldAsync(CancellationToken cancellationToken)
    {
        if (!lost && !await store.RenewRunClaimAsync(digest, listingDate, owner, time.GetUtcNow(), Lease, cancellationToken))
        {
            lost = true;
        }

        return !lost;
    }

    /// <summary>A timer tick: starts a renewal unless one is still running, the claim is lost or disposal began.</summary>
    private void Renew()
    {
        lock (gate)
        {
            if (stopped || lost || !renewal.IsCompleted)
            {
                return;
            }

            renewal = Task.Run(RenewOnceAsync);
        }
    }

    private async Task RenewOnceAsync()
    {
        try
        {
            if (!await store.RenewRunClaimAsync(digest, listingDate, owner, time.GetUtcNow(), Lease, CancellationToken.None))
            {
                lost = true;
            }
        }
        catch (Exception e) when (e is StoreException or ObjectDisposedException)
        {
            // The next tick tries again (two more before the lease ends); if the store stays unreachable,
            // StillHeldAsync before a delivery throws and the run fails without delivering.
        }
    }

    /// <summary>Stops renewing (waiting for a renewal in flight), then releases the claim if this instance still holds it.</summary>
    public async ValueTask DisposeAsync()
    {
        Task last;
        lock (gate)
        {
            stopped = true;
            last = renewal;
        }

        await timer.DisposeAsync();
        await last;
        await store.ReleaseRunClaimAsync(digest, listingDate, owner, CancellationToken.None);
    }
}
