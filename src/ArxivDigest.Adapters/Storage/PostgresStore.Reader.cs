using ArxivDigest.Papers;

namespace ArxivDigest.Storage;

/// <summary>
/// Read queries for the web reader (<see cref="IPaperReader"/>): a paper's versions and listings, with the same rows
/// in the same order as <see cref="SqliteStore"/> (categories compare byte-wise, <c>COLLATE "C"</c>, as SQLite's
/// BINARY does, whatever the database's collation).
/// </summary>
public sealed partial class PostgresStore : IPaperReader
{
    /// <inheritdoc />
    public Task<IReadOnlyList<Paper>> GetPaperVersionsAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return RunAsync<IReadOnlyList<Paper>>("cannot read paper versions", async c =>
        {
            await using var command = Command(c, null, """
                SELECT id, version, title, authors_json, abstract, comments, journal_ref, doi, primary_category, subjects_json, published
                FROM papers WHERE id = @id ORDER BY version
                """);
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var papers = new List<Paper>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                papers.Add(ReadPaper(reader) with { Published = reader.IsDBNull(10) ? null : reader.GetFieldValue<DateOnly>(10) });
            }

            return papers;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<PaperListing>> GetPaperListingsAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        return RunAsync<IReadOnlyList<PaperListing>>("cannot read paper listings", async c =>
        {
            await using var command = Command(c, null, """
                SELECT category, listing_date, version, announce_type FROM announcement_papers
                WHERE paper_id = @id ORDER BY listing_date DESC, category COLLATE "C"
                """);
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var listings = new List<PaperListing>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                listings.Add(new PaperListing(
                    reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt32(2), SqliteStore.ParseAnnounceType(reader.GetString(3))));
            }

            return listings;
        }, cancellationToken);
    }
}
