using System.Collections.Concurrent;
using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Web;

/// <summary>
/// A few <see cref="SqliteStore"/>s (one connection each) over one database file, so that the web reader answers
/// several requests at once: SQLite's WAL journal lets readers run side by side (and beside a <c>run</c> writing in
/// another process). A connection is used by one request at a time; a request waits for a free one.
/// </summary>
public sealed class StorePool : IAsyncDisposable
{
    private readonly SqliteStore[] _stores;
    private readonly ConcurrentBag<SqliteStore> _free;
    private readonly SemaphoreSlim _slots;

    private StorePool(SqliteStore[] stores)
    {
        _stores = stores;
        _free = new ConcurrentBag<SqliteStore>(stores);
        _slots = new SemaphoreSlim(stores.Length, stores.Length);
    }

    /// <summary>The default size: one connection per core, at least two.</summary>
    public static int DefaultSize => Math.Max(2, Environment.ProcessorCount);

    public int Size => _stores.Length;

    /// <summary>Opens <paramref name="size"/> stores on <paramref name="path"/>; the first applies any pending migration.</summary>
    public static async Task<StorePool> OpenAsync(string path, int size, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var stores = new List<SqliteStore>(size);
        try
        {
            for (var i = 0; i < size; i++)
            {
                stores.Add(await SqliteStore.OpenAsync(path, cancellationToken).ConfigureAwait(false));
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

    /// <summary>Runs <paramref name="read"/> on a free store, waiting for one when all are busy.</summary>
    public async Task<T> UseAsync<T>(Func<SqliteStore, Task<T>> read, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!_free.TryTake(out var store))
        {
            _slots.Release();
            throw new InvalidOperationException("store pool: a slot without a free store");
        }

        try
        {
            return await read(store).ConfigureAwait(false);
        }
        finally
        {
            _free.Add(store);
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        _slots.Dispose();
    }
}
