using ArxivDigest.Arxiv;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Search;

/// <summary>The search contract on PostgreSQL (tsvector narrows, the matcher verifies; skipped with a reason when there is no server).</summary>
[RequiresPostgres]
public sealed class PostgresSearchTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Fetched = new(2026, 3, 24, 1, 0, 0, TimeSpan.Zero);

    private string schema = "";
    private string connectionString = "";
    private PostgresStore store = null!;
    private readonly Dictionary<string, Paper> papers = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        if (Postgres.SkipReason is not null)
        {
            return;
        }

        (connectionString, schema) = await Postgres.CreateSchemaAsync();
        store = await PostgresStore.OpenAsync(connectionString, CancellationToken.None);
        foreach (var (file, category) in new[] { ("listing/new-gr-qc-2024-08-09.html", "gr-qc"), ("listing/new-hep-th-2024-08-09.html", "hep-th") })
        {
            var announcement = ListingPageParser.ParseNew(await File.ReadAllTextAsync(Fixtures.At(file)), category, file);
            await store.SaveAnnouncementAsync(announcement, file, Fetched, CancellationToken.None);
            foreach (var p in announcement.Papers)
            {
                papers[p.Id] = p;
            }
        }

        using var reader = new StreamReader(Fixtures.At("kaggle/snapshot-head-200-lines.jsonl"));
        var kaggle = KaggleSnapshotReader.Read(reader, "kaggle").Select(l => l.Paper!).ToList();
        await store.SavePapersAsync(kaggle, "kaggle", Fetched, CancellationToken.None);
        foreach (var p in kaggle)
        {
            papers[p.Id] = p;
        }
    }

    public async Task DisposeAsync()
    {
        if (store is not null)
        {
            await store.DisposeAsync();
        }

        if (schema.Length > 0)
        {
            await Postgres.DropSchemaAsync(schema);
        }
    }

    [StoreFact]
    public async Task Every_fixture_query_returns_exactly_what_the_reference_matcher_matches_and_pages_without_duplicates()
    {
        foreach (var text in SqliteSearchTests.QueryTexts)
        {
            var query = Query.Parse(text);
            var expected = papers.Values.Where(p => query.Match(p) is not null).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();

            var paged = new List<string>();
            for (var offset = 0; ; offset += 7)
            {
                var page = await store.SearchAsync(query, new SearchFilter { Limit = 7, Offset = offset }, CancellationToken.None);
                paged.AddRange(page.Hits.Select(h => h.Paper.Id));
                if (!page.HasMore)
                {
                    break;
                }
            }

            Assert.True(expected.SequenceEqual(paged.Order(StringComparer.Ordinal)), $"query {text}: expected {expected.Count} hits, got {paged.Count}");
            Assert.Equal(paged.Count, paged.Distinct().Count());
        }
    }

    [StoreFact]
    public async Task The_full_text_index_selects_a_superset_of_every_query_s_matches_and_exactly_them_when_exact()
    {
        var narrowed = 0;
        foreach (var text in SqliteSearchTests.QueryTexts)
        {
            var query = Query.Parse(text);
            var expected = papers.Values.Where(p => query.Match(p) is not null).Select(p => p.Id).ToHashSet(StringComparer.Ordinal);
            var (tsquery, exact) = PgSearchText.Translate(query.Root);
            if (tsquery is null)
            {
                continue;
            }

            var candidates = await SqlIdsAsync("SELECT id FROM papers p WHERE search_doc @@ @q::tsquery AND NOT EXISTS (SELECT 1 FROM papers n WHERE n.id = p.id AND n.version > p.version)", tsquery);
            Assert.True(expected.IsSubsetOf(candidates), $"query {text}: the index misses {string.Join(", ", expected.Except(candidates))}");
            if (exact)
            {
                Assert.True(candidates.SetEquals(expected), $"query {text}: exact, but {candidates.Count} candidates for {expected.Count} matches");
            }

            narrowed += candidates.Count < papers.Count ? 1 : 0;
        }

        Assert.True(narrowed >= 30, $"only {narrowed} fixture queries were narrowed by the index");
    }

    [StoreFact]
    public async Task Papers_stored_before_the_index_existed_are_indexed_by_the_first_search()
    {
        await SqlIdsAsync("UPDATE papers SET search_doc = NULL RETURNING id", null);
        var query = Query.Parse("black hole");
        var expected = papers.Values.Where(p => query.Match(p) is not null).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();

        var page = await store.SearchAsync(query, new SearchFilter { Limit = 1000 }, CancellationToken.None);

        Assert.Equal(expected, page.Hits.Select(h => h.Paper.Id).Order(StringComparer.Ordinal));
        Assert.Empty(await SqlIdsAsync("SELECT id FROM papers WHERE search_doc IS NULL", null));
    }

    [StoreFact]
    public async Task The_schema_upgrade_to_inflection_folding_rewrites_every_search_document()
    {
        var query = Query.Parse("studying"); // folds as studied, studies and study do
        var expected = papers.Values.Where(p => query.Match(p) is not null).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count > 10, $"{expected.Count} fixture papers match");

        // A store of schema v3, whose documents hold words the new folding does not look up: here none at all.
        await SqlIdsAsync("UPDATE papers SET search_doc = ''::tsvector RETURNING id", null);
        await SqlIdsAsync("DELETE FROM schema_version WHERE version = 4 RETURNING '4'", null);

        await using var upgraded = await PostgresStore.OpenAsync(connectionString, CancellationToken.None);
        var page = await upgraded.SearchAsync(query, new SearchFilter { Limit = 1000 }, CancellationToken.None);

        Assert.Equal(expected, page.Hits.Select(h => h.Paper.Id).Order(StringComparer.Ordinal));
        Assert.Empty(await SqlIdsAsync("SELECT id FROM papers WHERE search_doc IS NULL OR search_doc = ''::tsvector", null));
    }

    private async Task<HashSet<string>> SqlIdsAsync(string sql, string? tsquery)
    {
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(sql, connection);
        if (tsquery is not null)
        {
            command.Parameters.AddWithValue("q", tsquery);
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    [StoreFact]
    public async Task Title_hits_come_before_abstract_only_hits_and_the_date_filter_applies()
    {
        var page = await store.SearchAsync(Query.Parse("black hole"), new SearchFilter { Limit = 100 }, CancellationToken.None);
        var fields = page.Hits.Select(h => h.Match.Field).ToList();
        Assert.Contains(MatchField.Title, fields);
        Assert.Contains(MatchField.Abstract, fields);
        Assert.True(fields.SkipWhile(f => f == MatchField.Title).All(f => f != MatchField.Title));

        var dated = await store.SearchAsync(Query.Parse("black hole"), new SearchFilter { From = new DateOnly(2024, 8, 9), To = new DateOnly(2024, 8, 9), Limit = 100 }, CancellationToken.None);
        Assert.NotEmpty(dated.Hits);
        Assert.All(dated.Hits, h => Assert.Equal(new DateOnly(2024, 8, 9), h.Date));
        Assert.True(dated.Hits.Count < page.Hits.Count);
    }
}
