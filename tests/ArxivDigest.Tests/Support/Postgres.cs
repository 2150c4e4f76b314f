using Npgsql;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace ArxivDigest.Tests.Support;

/// <summary>
/// The PostgreSQL server the tests use: env <c>PG_CS</c> (scripts/test.sh starts one on loopback). Without it the
/// PostgreSQL tests are skipped with a reason, unless <c>REQUIRE_POSTGRES=1</c> (CI), where they run and fail.
/// </summary>
public static class Postgres
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("PG_CS") is { Length: > 0 } cs ? cs : null;

    /// <summary>Why PostgreSQL tests are skipped, or null when they run.</summary>
    public static string? SkipReason =>
        ConnectionString is null && Environment.GetEnvironmentVariable("REQUIRE_POSTGRES") != "1"
            ? "PostgreSQL not available: PG_CS is not set (scripts/test.sh sets it when PostgreSQL is installed; REQUIRE_POSTGRES=1 makes this a failure)"
            : null;

    /// <summary>Creates an empty schema of its own and returns a connection string whose search path is that schema.</summary>
    public static async Task<(string ConnectionString, string Schema)> CreateSchemaAsync()
    {
        var cs = ConnectionString ?? throw new InvalidOperationException("REQUIRE_POSTGRES=1 but PG_CS is not set: no PostgreSQL server to test against");
        var schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await command.ExecuteNonQueryAsync();
        }

        return (new NpgsqlConnectionStringBuilder(cs) { SearchPath = schema }.ToString(), schema);
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(ConnectionString!);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A fact that needs the PostgreSQL server: skipped with a reason when there is none (see <see cref="Postgres"/>).</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        Skip = Postgres.SkipReason;
    }
}

/// <summary>A theory that needs the PostgreSQL server: skipped with a reason when there is none (see <see cref="Postgres"/>).</summary>
public sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        Skip = Postgres.SkipReason;
    }
}

/// <summary>Marks a test class (a store contract run) that needs the PostgreSQL server.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class RequiresPostgresAttribute : Attribute;

/// <summary>
/// A fact of the shared store contract: declared once on the abstract base class, run for each store, and skipped
/// (with <see cref="Postgres.SkipReason"/>) in classes marked <see cref="RequiresPostgresAttribute"/> when there is no server.
/// </summary>
[XunitTestCaseDiscoverer("ArxivDigest.Tests.Support.StoreFactDiscoverer", "ArxivDigest.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class StoreFactAttribute : FactAttribute;

/// <summary>Discovers <see cref="StoreFactAttribute"/> tests, skipping PostgreSQL ones when the server is absent.</summary>
public sealed class StoreFactDiscoverer(IMessageSink diagnosticMessageSink) : IXunitTestCaseDiscoverer
{
    public IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute)
    {
        var display = discoveryOptions.MethodDisplayOrDefault();
        var options = discoveryOptions.MethodDisplayOptionsOrDefault();
        var needsServer = testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any();
        if (needsServer && Postgres.SkipReason is { } reason)
        {
            yield return new XunitSkippedDataRowTestCase(diagnosticMessageSink, display, options, testMethod, reason);
        }
        else
        {
            yield return new XunitTestCase(diagnosticMessageSink, display, options, testMethod);
        }
    }
}
