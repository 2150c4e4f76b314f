using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>Run claims of the SQLite store: one row per (digest, listing date) with a lease.</summary>
public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public async Task<bool> TryClaimRunAsync(string digest, DateOnly listingDate, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(owner);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            // One statement, so the check and the write are atomic (SQLite serialises writers).
            using var command = Command(null, """
                INSERT INTO run_claims (digest, listing_date, owner, claimed_at, expires_at)
                VALUES ($digest, $date, $owner, $claimedAt, $expiresAt)
                ON CONFLICT (digest, listing_date) DO UPDATE SET
                    owner = excluded.owner,
                    claimed_at = excluded.claimed_at,
                    expires_at = excluded.expires_at
                WHERE run_claims.owner = excluded.owner OR run_claims.expires_at <= $nowMs
                """);
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$claimedAt", FormatTime(now));
            command.Parameters.AddWithValue("$expiresAt", (now + lease).ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$nowMs", now.ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot claim the {digest} run of {FormatDate(listingDate)}", ex);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Runs on a connection of its own, opened for the call: the store's connection is not thread-safe, and a renewal
    /// timer calls this while the pipeline uses the store (possibly inside a transaction).
    /// </remarks>
    public async Task<bool> RenewRunClaimAsync(string digest, DateOnly listingDate, string owner, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        ArgumentNullException.ThrowIfNull(owner);
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = DatabasePath,
                Mode = SqliteOpenMode.ReadWrite,
                Pooling = false,
            }.ToString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using (var pragma = connection.CreateCommand())
            {
                pragma.CommandText = "PRAGMA busy_timeout=10000";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            // Only the owner's row is touched: a claim taken over (another owner) or released (no row) stays lost.
            using var command = connection.CreateCommand();
            command.CommandText = """
                UPDATE run_claims SET expires_at = $expiresAt
                WHERE digest = $digest AND listing_date = $date AND owner = $owner
                """;
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            command.Parameters.AddWithValue("$owner", owner);
            command.Parameters.AddWithValue("$expiresAt", (now + lease).ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot renew the claim on the {digest} run of {FormatDate(listingDate)}", ex);
        }
    }

    /// <inheritdoc />
    public async Task<string?> GetRunClaimOwnerAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, "SELECT owner FROM run_claims WHERE digest = $digest AND listing_date = $date");
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot read the claim on the {digest} run of {FormatDate(listingDate)}", ex);
        }
    }

    /// <inheritdoc />
    public async Task ReleaseRunClaimAsync(string digest, DateOnly listingDate, string owner, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, "DELETE FROM run_claims WHERE digest = $digest AND listing_date = $date AND owner = $owner");
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            command.Parameters.AddWithValue("$owner", owner);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot release the {digest} run of {FormatDate(listingDate)}", ex);
        }
    }
}
