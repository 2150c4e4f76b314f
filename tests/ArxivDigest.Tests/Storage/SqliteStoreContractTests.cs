using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Tests.Storage;

/// <summary>The store contract against a SQLite file, plus what only a file can get wrong.</summary>
public sealed class SqliteStoreContractTests : StoreContractTests, IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("arxivdigest-sqlite-");

    /// <summary>A database file in a directory that does not exist yet (OpenAsync creates it).</summary>
    private string DbPath => Path.Combine(_dir.FullName, "data", "store.db");

    protected override int LatestVersion => SqliteMigrations.LatestVersion;

    protected override async Task<IDigestStore> OpenAsync() => await SqliteStore.OpenAsync(DbPath, Ct);

    protected override Task<List<object?[]>> RowsAsync(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var values = new object?[reader.FieldCount];
            reader.GetValues(values!);
            rows.Add(values);
        }

        return Task.FromResult(rows);
    }

    protected override Task ExecuteAsync(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [StoreFact]
    public async Task Open_FreshFile_CreatesParentDirectoryInWalMode()
    {
        await using (await SqliteStore.OpenAsync(DbPath, Ct))
        {
        }

        Assert.True(File.Exists(DbPath));
        Assert.Equal(["wal"], await StringsAsync("PRAGMA journal_mode"));
        Assert.Equal(["ok"], await StringsAsync("PRAGMA integrity_check"));
    }

    [StoreFact]
    public async Task Open_GarbageFile_ThrowsStoreExceptionNamingPath()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        var garbage = new byte[8192];
        new Random(42).NextBytes(garbage);
        "this is not a database\n"u8.CopyTo(garbage);
        await File.WriteAllBytesAsync(DbPath, garbage, Ct);

        var ex = await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync(DbPath, Ct));
        Assert.Equal(Path.GetFullPath(DbPath), ex.Database);
        Assert.Contains(Path.GetFullPath(DbPath), ex.Message);
        Assert.Contains("not a database", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain("SQLite Error", ex.Message);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(DbPath, Ct)); // left untouched
    }

    [StoreFact]
    public async Task Open_Directory_ThrowsStoreExceptionNamingPath()
    {
        var ex = await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync(_dir.FullName, Ct));
        Assert.Contains(_dir.FullName, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    private SqliteConnection Raw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
