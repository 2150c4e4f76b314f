using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Npgsql;

namespace ArxivDigest.Tests.Storage;

/// <summary>
/// The store contract against the PostgreSQL server of <c>PG_CS</c>, each test in a fresh schema of its own;
/// skipped with a reason when there is no server (see <see cref="Postgres"/>).
/// </summary>
[RequiresPostgres]
public sealed class PostgresStoreContractTests : StoreContractTests, IAsyncLifetime
{
    private string _connectionString = "";
    private string _schema = "";

    protected override int LatestVersion => PostgresMigrations.LatestVersion;

    public async Task InitializeAsync() => (_connectionString, _schema) = await Postgres.CreateSchemaAsync();

    public async Task DisposeAsync()
    {
        if (_schema.Length > 0)
        {
            await Postgres.DropSchemaAsync(_schema);
        }
    }

    protected override async Task<IDigestStore> OpenAsync() => await PostgresStore.OpenAsync(_connectionString, Ct);

    protected override async Task<List<object?[]>> RowsAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(values);
        }

        return rows;
    }

    protected override async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    [StoreFact]
    public async Task Open_ByUrl_ReachesTheSameDatabase_AndNamesItWithoutThePassword()
    {
        var server = new NpgsqlConnectionStringBuilder(_connectionString);
        var url = $"postgres://{server.Username}:{Uri.EscapeDataString("pa:ss@w0rd/Secret")}@{server.Host}:{server.Port}/{server.Database}?search_path={_schema}";
        await using (var byKeywords = await OpenAsync())
        {
            await byKeywords.SaveHarvestStateAsync("k", "v", Fetched1, Ct);
        }

        await using var byUrl = await PostgresStore.OpenAsync(url, Ct);
        Assert.Equal("v", await byUrl.GetHarvestStateAsync("k", Ct));
        Assert.Equal($"postgresql://{server.Username}@{server.Host}:{server.Port}/{server.Database}", byUrl.DisplayName);
    }

    [StoreFact]
    public async Task Errors_NeverContainThePassword()
    {
        const string password = "Sup3r-Secret-Pw";
        await using (await OpenAsync())
        {
        }

        await ExecuteAsync($"INSERT INTO schema_version (version, applied_at) VALUES ({LatestVersion + 1}, 'x')");
        var withPassword = new NpgsqlConnectionStringBuilder(_connectionString) { Password = password }.ToString();

        var ex = await Assert.ThrowsAsync<StoreException>(() => PostgresStore.OpenAsync(withPassword, Ct));

        Assert.Contains("is newer than this ArxivDigest supports", ex.Message);
        Assert.DoesNotContain(password, ex.ToString());
        Assert.DoesNotContain(password, ex.Database);
    }
}
