using System.Collections.Concurrent;
using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Web;

/// <summary>
/// The stores the web reader reads through, so that it answers several requests at once.
/// <list type="bullet">
/// <item>SQLite: a few <see cref="SqliteStore"/>s (one connection each) over one database file; the WAL journal lets
/// readers run side by side (and beside a <c>run</c> writing in another process). A connection is used by one
/// request at a time; a request waits for a free one.</item>
/// <item>PostgreSQL: one <see cref="PostgresStore"/>, shared by every request: it is safe for concurrent use (each
/// call takes a connection of its own from Npgsql's pool, whose size is the connection string's <c>Max Pool Size</c>,
/// 100 by default), so there is nothing to hand out.</item>
/// </list>
/// </summary>
public sealed class StorePool : IAsyncDisposable
{
    private readonly IPaperReader[] _stores;
    private readonly PostgresStore? _shared;
    private readonly ConcurrentBag<IPaperReader>? _free;
    private readonly SemaphoreSlim? _slots;

    private StorePool(PostgresStore shared)
    {
        _stores = [shared];
        _shared = shared;
    }

    private StorePool(IPaperReader[] stores)
    {
        _stores = stores;
        _free = new ConcurrentBag<IPaperReader>(stores);
        _slots = new SemaphoreSlim(stores.Length, stores.Length);
    }

    /// <summary>The default size of a SQLite pool: one connection per core, at least two.</summary>
    public static int DefaultSize => Math.Max(2, Environment.ProcessorCount);

    /// <summary>How many stores the pool holds (1 for a shared PostgreSQL store).</summary>
    public int Size => _stores.Length;

    /// <summary>The one store every request shares (PostgreSQL), or null when each request takes a store of its own (SQLite).</summary>
    public IDigestStore? SharedStore => _shared;

    /// <summary>
    /// Opens the store <paramref name="db"/> names (see <see cref="Pipeline.StoreFactory"/>): a PostgreSQL server as
    /// one shared store, or <paramref name="size"/> stores on a SQLite file. The first store opened applies any
    /// pending migration.
    /// </summary>
    public static async Task<StorePool> OpenAsync(string db, int size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (PostgresConnectionString.IsPostgres(db))
        {
            return new StorePool(await PostgresStore.OpenAsync(db, cancellationToken).ConfigureAwait(false));
        }

        var stores = new List<IPaperReader>(size);
        try
        {
            for (var i = 0; i < size; i++)
            {
                stores.Add(await SqliteStore.OpenAsync(db, cancellationToken).ConfigureAwait(false));
            }
        }
        catch
        {
            foreach (var s in stores)
            {
                await s.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new StorePool([.. stores]);
    }

    /// <summary>Runs <paramref name="read"/> on a store: the shared one, or a free one, waiting for one when all are busy.</summary>
    public Task<T> UseAsync<T>(Func<IPaperReader, Task<T>> read, CancellationToken cancellationToken) =>
        _slots is null ? UseSharedAsync(read) : UseFreeAsync(_slots, read, cancellationToken);

    private async Task<T> UseSharedAsync<T>(Func<IPaperReader, Task<T>> read) => await read(_shared!).ConfigureAwait(false);

    private async Task<T> UseFreeAsync<T>(SemaphoreSlim slots, Func<IPaperReader, Task<T>> read, CancellationToken cancellationToken)
    {
        await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!_free!.TryTake(out var store))
        {
            slots.Release();
            throw new InvalidOperationException("store pool: a slot without a free store");
        }

        try
        {
            return await read(store).ConfigureAwait(false);
        }
        finally
        {
            _free.Add(store);
            slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        _slots?.Dispose();
    }
}
