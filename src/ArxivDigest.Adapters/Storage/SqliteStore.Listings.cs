using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>Listing-date queries of the SQLite store (for the static site and the daemon).</summary>
public sealed partial class SqliteStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<DateOnly>> GetListingDatesAsync(string category, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, "SELECT listing_date FROM announcements WHERE category = $category ORDER BY listing_date DESC");
            command.Parameters.AddWithValue("$category", category);
            var dates = new List<DateOnly>();
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                dates.Add(ParseDate(reader.GetString(0)));
            }

            return dates;
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot list listing dates", ex);
        }
    }
}
