using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Storage;

namespace ArxivDigest.Tests.Storage;

/// <summary>Which <c>--db</c> values select PostgreSQL, how they parse, and that no message shows the password (no server needed).</summary>
public sealed class PostgresConnectionStringTests
{
    private const string Password = "p@ss:w0rd/Secret";

    [Theory]
    [InlineData("postgres://u:p@db.example.org:5433/arxiv", true)]
    [InlineData("postgresql://db.example.org/arxiv", true)]
    [InlineData("POSTGRES://h/d", true)]
    [InlineData("Host=127.0.0.1;Port=5432;Database=arxiv", true)]
    [InlineData("Username=u; host = db; Database=arxiv", true)]
    [InlineData("Server=db;Database=arxiv", true)]
    [InlineData("/var/lib/arxiv-digest/store.db", false)]
    [InlineData("~/data/host=1.db", false)]
    [InlineData("store.db", false)]
    [InlineData("C:\\data\\store.db", false)]
    public void IsPostgres_TellsServersFromFiles(string db, bool expected) =>
        Assert.Equal(expected, PostgresConnectionString.IsPostgres(db));

    [Fact]
    public void Url_ParsesEveryPart_PercentDecoded()
    {
        var b = PostgresConnectionString.Parse($"postgres://alice%40lab:{Uri.EscapeDataString(Password)}@db.example.org:5433/arxiv%20digest?sslmode=disable&search_path=team1");

        Assert.Equal("db.example.org", b.Host);
        Assert.Equal(5433, b.Port);
        Assert.Equal("alice@lab", b.Username);
        Assert.Equal(Password, b.Password);
        Assert.Equal("arxiv digest", b.Database);
        Assert.Equal(Npgsql.SslMode.Disable, b.SslMode);
        Assert.Equal("team1", b.SearchPath);
        Assert.Equal("postgresql://alice%40lab@db.example.org:5433/arxiv digest", PostgresConnectionString.Display(b));
    }

    [Fact]
    public void Url_WithoutPort_UsesTheDefault()
    {
        var b = PostgresConnectionString.Parse("postgresql://bob@localhost/arxiv");
        Assert.Equal(5432, b.Port);
        Assert.Null(b.Password);
        Assert.Equal("postgresql://bob@localhost:5432/arxiv", PostgresConnectionString.Display(b));
    }

    [Theory]
    [InlineData("postgres://u:" + Password + "@h:5432/d?no_such_option=1")]
    [InlineData("Host=h;Password=" + Password + ";NoSuchKeyword=1")]
    [InlineData("postgres://u:" + Password + "@/d")]
    public void Malformed_ThrowsStoreExceptionWithoutThePassword(string db)
    {
        var ex = Assert.Throws<StoreException>(() => PostgresConnectionString.Parse(db));
        Assert.DoesNotContain(Password, ex.Message);
        Assert.DoesNotContain("w0rd", ex.ToString());
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public async Task UnreachableServer_ThrowsStoreExceptionNamingTheServerWithoutThePassword()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var ex = await Assert.ThrowsAsync<StoreException>(() =>
            PostgresStore.OpenAsync($"Host=127.0.0.1;Port=1;Username=alice;Password={Password};Database=arxiv;Timeout=5", CancellationToken.None));

        Assert.Equal("postgresql://alice@127.0.0.1:1/arxiv", ex.Database);
        Assert.StartsWith("postgresql://alice@127.0.0.1:1/arxiv: cannot open database: ", ex.Message);
        Assert.DoesNotContain("w0rd", ex.ToString());
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void StoreFactoryDisplay_RedactsEvenUnparsableStrings()
    {
        Assert.Equal("/tmp/store.db", StoreFactory.Display("/tmp/store.db"));
        Assert.DoesNotContain("w0rd", StoreFactory.Display($"Host=h;Password={Password};Bogus=1"));
        Assert.DoesNotContain("w0rd", StoreFactory.Display($"postgres://u:{Password}@h/d?bogus=1"));
    }
}
