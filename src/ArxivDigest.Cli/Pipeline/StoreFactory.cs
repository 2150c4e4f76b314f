using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>
/// Opens the store that <c>--db</c> names: a PostgreSQL server for <c>postgres://…</c>, <c>postgresql://…</c> or an
/// Npgsql keyword string (<c>Host=…;…</c>), otherwise a SQLite file.
/// </summary>
public static class StoreFactory
{
    public static async Task<IDigestStore> OpenAsync(string db, CancellationToken cancellationToken) =>
        PostgresConnectionString.IsPostgres(db)
            ? await PostgresStore.OpenAsync(db, cancellationToken)
            : await SqliteStore.OpenAsync(db, cancellationToken);

    /// <summary>The database as shown to the user: a path, or a server address without its password.</summary>
    public static string Display(string db) => PostgresConnectionString.IsPostgres(db) ? PostgresConnectionString.Redact(db) : db;
}
