using ArxivDigest.Papers;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>Read queries for the web reader (<see cref="IPaperReader"/>): a paper's versions and listings.</summary>
public sealed partial class SqliteStore : IPaperReader
{
    private const string PaperColumns = """
        p.id, p.version, p.title, p.authors_json, p.abstract, p.comments, p.journal_ref, p.doi,
        p.primary_category, p.subjects_json, p.published
        """;

    /// <inheritdoc />
    public async Task<IReadOnlyList<Paper>> GetPaperVersionsAsync(string id, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, $"SELECT {PaperColumns}, NULL FROM papers p WHERE p.id = $id ORDER BY p.version");
            command.Parameters.AddWithValue("$id", id);
            return await ReadPapersAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read paper versions", ex);
        }
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<PaperListing>> GetPaperListingsAsync(string id, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            using var command = Command(null, """
                SELECT category, listing_date, version, announce_type FROM announcement_papers
                WHERE paper_id = $id ORDER BY listing_date DESC, category
                """);
            command.Parameters.AddWithValue("$id", id);
            using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var result = new List<PaperListing>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                result.Add(new PaperListing(reader.GetString(0), ParseDate(reader.GetString(1)), reader.GetInt32(2), ParseAnnounceType(reader.GetString(3))));
            }

            return result;
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read paper listings", ex);
        }
    }

    private static async Task<IReadOnlyList<Paper>> ReadPapersAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var papers = new List<Paper>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            papers.Add(ReadPaper(reader) with
            {
                Published = reader.IsDBNull(10) ? null : ParseDate(reader.GetString(10)),
                ListingDate = reader.IsDBNull(11) ? null : ParseDate(reader.GetString(11)),
            });
        }

        return papers;
    }

    /// <summary>
    /// The paper in the ten columns from <paramref name="at"/> on: id, version, title, authors_json, abstract, comments,
    /// journal_ref, doi, primary_category, subjects_json (the first ten of <see cref="PaperColumns"/>).
    /// </summary>
    internal static Paper ReadPaper(SqliteDataReader reader, int at = 0)
    {
        var version = reader.GetInt32(at + 1);
        return new Paper
        {
            Id = reader.GetString(at),
            Version = version == 0 ? null : version,
            Title = reader.GetString(at + 2),
            Authors = AuthorsFromJson(reader.GetString(at + 3)),
            Abstract = reader.GetString(at + 4),
            Comments = reader.IsDBNull(at + 5) ? null : reader.GetString(at + 5),
            JournalRef = reader.IsDBNull(at + 6) ? null : reader.GetString(at + 6),
            Doi = reader.IsDBNull(at + 7) ? null : reader.GetString(at + 7),
            PrimaryCategory = reader.GetString(at + 8),
            Subjects = SubjectsFromJson(reader.GetString(at + 9)),
        };
    }
}
