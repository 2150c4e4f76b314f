using ArxivDigest.Cli.Web;
using ArxivDigest.Storage;

namespace ArxivDigest.Tests.Web;

/// <summary>The web reader's connection pool: as many readers at once as connections, each connection used by one.</summary>
public sealed class StorePoolTests : IAsyncLifetime
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pool-" + Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Two_connections_serve_two_readers_at_once_on_different_stores_and_a_third_waits()
    {
        await using var pool = await StorePool.OpenAsync(Path.Combine(_dir, "s.db"), 2, CancellationToken.None);
        var release = new TaskCompletionSource();
        var inside = new List<IPaperReader>();
        var entered = new SemaphoreSlim(0);

        async Task<int> Hold(IPaperReader store)
        {
            lock (inside)
            {
                inside.Add(store);
            }

            entered.Release();
            await release.Task;
            return (await store.GetRunsAsync(1, CancellationToken.None)).Count;
        }

        var first = pool.UseAsync(Hold, CancellationToken.None);
        var second = pool.UseAsync(Hold, CancellationToken.None);
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(10)), "the second reader should not wait for the first");
        var third = pool.UseAsync(Hold, CancellationToken.None);
        Assert.False(await entered.WaitAsync(TimeSpan.FromMilliseconds(200)), "a third reader must wait for a free connection");

        release.SetResult();
        var counts = await Task.WhenAll(first, second, third);
        Assert.Equal(new[] { 0, 0, 0 }, counts);
        Assert.Equal(3, inside.Count);
        Assert.NotSame(inside[0], inside[1]);
    }

    [Fact]
    public async Task A_failing_reader_gives_its_connection_back()
    {
        await using var pool = await StorePool.OpenAsync(Path.Combine(_dir, "f.db"), 1, CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => pool.UseAsync<int>(_ => throw new InvalidOperationException("boom"), CancellationToken.None));

        Assert.Empty(await pool.UseAsync(s => s.GetRunsAsync(1, CancellationToken.None), CancellationToken.None));
    }
}
