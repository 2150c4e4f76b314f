using System.Globalization;
using ArxivDigest.Delivery;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>The delivery ledger part of the SQLite store.</summary>
public sealed partial class SqliteStore : IDeliveryLedger
{
    /// <inheritdoc />
    public Task<IReadOnlySet<string>> GetDeliveredChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
        ChannelsInStateAsync(digest, listingDate, 1, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> GetInterruptedChannelsAsync(string digest, DateOnly listingDate, CancellationToken cancellationToken) =>
        ChannelsInStateAsync(digest, listingDate, 2, cancellationToken);

    /// <summary>The channels whose row has <c>delivered = state</c> (1 delivered, 2 sending when interrupted).</summary>
    private async Task<IReadOnlySet<string>> ChannelsInStateAsync(string digest, DateOnly listingDate, int state, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, "SELECT channel FROM deliveries WHERE digest = $digest AND listing_date = $date AND delivered = $state");
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            command.Parameters.AddWithValue("$state", state);
            var channels = new HashSet<string>(StringComparer.Ordinal);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                channels.Add(reader.GetString(0));
            }

            return channels;
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read the delivery ledger", ex);
        }
    }

    /// <inheritdoc />
    public async Task MarkSendingAsync(string digest, DateOnly listingDate, string channel, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                INSERT INTO deliveries (digest, listing_date, channel, delivered, attempts, last_error, updated_at)
                VALUES ($digest, $date, $channel, 2, 0, NULL, $at)
                ON CONFLICT (digest, listing_date, channel) DO UPDATE SET delivered = 2, updated_at = excluded.updated_at
                """);
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            command.Parameters.AddWithValue("$channel", channel);
            command.Parameters.AddWithValue("$at", at.ToString("O", CultureInfo.InvariantCulture));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot record a delivery", ex);
        }
    }

    /// <inheritdoc />
    public async Task RecordDeliveryAsync(string digest, DateOnly listingDate, string channel, bool delivered, string? error, DateTimeOffset at, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                INSERT INTO deliveries (digest, listing_date, channel, delivered, attempts, last_error, updated_at)
                VALUES ($digest, $date, $channel, $delivered, 1, $error, $at)
                ON CONFLICT (digest, listing_date, channel) DO UPDATE SET
                    delivered = CASE WHEN excluded.delivered = 1 OR deliveries.delivered = 1 THEN 1 ELSE 0 END,
                    attempts = deliveries.attempts + 1,
                    last_error = excluded.last_error,
                    updated_at = excluded.updated_at
                """);
            command.Parameters.AddWithValue("$digest", digest);
            command.Parameters.AddWithValue("$date", FormatDate(listingDate));
            command.Parameters.AddWithValue("$channel", channel);
            command.Parameters.AddWithValue("$delivered", delivered ? 1 : 0);
            command.Parameters.AddWithValue("$error", (object?)error ?? DBNull.Value);
            command.Parameters.AddWithValue("$at", at.ToString("O", CultureInfo.InvariantCulture));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot record a delivery", ex);
        }
    }
}
