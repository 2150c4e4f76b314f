using ArxivDigest.Arxiv;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Tests.Search;

/// <summary>
/// Search over a real SQLite store: the FTS5 candidates plus verification must give exactly what the reference
/// matcher gives over every stored paper; ranking, filters, and the index following updates and new versions.
/// </summary>
public sealed class SqliteSearchTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Fetched = new(2026, 3, 24, 1, 0, 0, TimeSpan.Zero);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("arxivdigest-search-");

    private string DbPath => Path.Combine(_dir.FullName, "store.db");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>Queries over the fixture papers: phrases, plurals, fields, prefixes, exact case, NOT, OR, ids, categories.</summary>
    internal static readonly string[] QueryTexts =
    [
        "black hole", "black holes", "gravitational wave*", "quantum", "quantum -gravity", "ti:quantum",
        "abs:\"dark matter\"", "au:wang", "au:\"j wang\"", "au:smi*", "cat:gr-qc", "cat:hep-th OR cat:math-ph",
        "cat:astro-ph", "cat:cs", "cat:hep*", "id:0704.0001", "id:0704.00*", "=LHC", "=QCD OR =CMB", "co:pages",
        "co:\"figures\"", "NOT quantum", "-black", "neutron star*", "model*", "cosmolog*",
        "(inflation OR \"dark energy\") -string", "ti:(black OR hole)", "entangle* AND NOT ti:quantum", "string theory",
        "supersymmetr* OR susy", "galax* -cat:astro-ph", "spin", "polic*", "the", "NOT NOT field", "energies",
        "quantum NOT (au:wang OR cat:hep-th)", "abs:mass* -abs:massive", "ener* -energy",
        "studying", "calculate", "ti:interacted", "observ* -observed", "learned", "embedd*", "=studied", "studie*",
    ];

    public static TheoryData<string> FixtureQueries() => new(QueryTexts);

    [Theory]
    [MemberData(nameof(FixtureQueries))]
    public async Task Search_returns_exactly_the_papers_the_reference_matcher_matches(string text)
    {
        var (store, papers) = await StoreWithFixturesAsync();
        await using var _ = store;
        var query = Query.Parse(text);

        var expected = papers.Values.Where(p => query.Match(p) is not null).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        var page = await store.SearchAsync(query, new SearchFilter { Limit = 100_000 }, Ct);

        Assert.Equal(expected, page.Hits.Select(h => h.Paper.Id).Order(StringComparer.Ordinal).ToList());
        Assert.False(page.HasMore);
        Assert.Equal(Enumerable.Range(1, page.Hits.Count), page.Hits.Select(h => h.Rank));
        Assert.All(page.Hits, h => Assert.Equal(query.Match(h.Paper), h.Match, MatchResultComparer.Instance));
    }

    [Theory]
    [InlineData("quantum", 7)]
    [InlineData("cat:hep-th", 5)]
    [InlineData("quantum -gravity", 3)]
    [InlineData("black hole OR neutron star*", 1)]
    [InlineData("quantum -cat:hep-th", 2)]
    [InlineData("abs:mass* -abs:massive", 4)]
    public async Task Ranking_in_tiers_and_date_windows_pages_through_exactly_the_same_hits(string text, int window)
    {
        var (store, papers) = await StoreWithFixturesAsync();
        await using var _ = store;
        store.RankWindow = window;
        store.FirstRankWindow = Math.Max(1, window / 3); // windows grow from a third of the window
        store.RankLimit = window;
        var query = Query.Parse(text);
        var expected = papers.Values.Where(p => query.Match(p) is not null).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();

        var paged = new List<string>();
        for (var offset = 0; ; offset += 4)
        {
            var page = await store.SearchAsync(query, new SearchFilter { Limit = 4, Offset = offset }, Ct);
            paged.AddRange(page.Hits.Select(h => h.Paper.Id));
            Assert.Equal(Enumerable.Range(offset + 1, page.Hits.Count), page.Hits.Select(h => h.Rank));
            if (!page.HasMore)
            {
                break;
            }
        }

        Assert.Equal(paged.Count, paged.Distinct().Count());
        Assert.Equal(expected, paged.Order(StringComparer.Ordinal).ToList());
        Assert.True(expected.Count > window, $"{expected.Count} hits");
    }

    [Fact]
    public async Task Most_fixture_queries_have_hits_and_some_do_not_match_everything()
    {
        var (store, papers) = await StoreWithFixturesAsync();
        await using var _ = store;
        var counts = new List<int>();
        foreach (var text in QueryTexts)
        {
            counts.Add((await store.SearchAsync(Query.Parse(text), new SearchFilter { Limit = 100_000 }, Ct)).Hits.Count);
        }

        Assert.True(counts.Count(c => c > 0) >= 30, string.Join(",", counts));
        Assert.True(counts.Count(c => c > 0 && c < papers.Count) >= 25, string.Join(",", counts));
        Assert.True(papers.Count > 250, $"{papers.Count} papers");
    }

    [Fact]
    public async Task Paging_gives_consecutive_ranks_and_says_whether_more_exist()
    {
        var (store, _) = await StoreWithFixturesAsync();
        await using var __ = store;
        var query = Query.Parse("quantum");
        var all = await store.SearchAsync(query, new SearchFilter { Limit = 100_000 }, Ct);
        Assert.True(all.Hits.Count > 12);

        var first = await store.SearchAsync(query, new SearchFilter { Limit = 5 }, Ct);
        var second = await store.SearchAsync(query, new SearchFilter { Limit = 5, Offset = 5 }, Ct);
        var last = await store.SearchAsync(query, new SearchFilter { Limit = 5, Offset = all.Hits.Count - 3 }, Ct);

        Assert.Equal(all.Hits.Take(5).Select(h => h.Paper.Id), first.Hits.Select(h => h.Paper.Id));
        Assert.Equal(all.Hits.Skip(5).Take(5).Select(h => h.Paper.Id), second.Hits.Select(h => h.Paper.Id));
        Assert.Equal([6, 7, 8, 9, 10], second.Hits.Select(h => h.Rank));
        Assert.True(first.HasMore);
        Assert.Equal(3, last.Hits.Count);
        Assert.False(last.HasMore);
    }

    [Fact]
    public async Task A_title_hit_ranks_above_an_abstract_only_hit()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SavePapersAsync(
            [
                P("2601.00001", "Notes on sparse matrices", "We study the tokamak plasma. The tokamak is a device; tokamak plasmas confine tokamak heat."),
                P("2601.00002", "A tokamak study", "We present measurements of confinement."),
                P("2601.00003", "Unrelated", "Nothing here."),
                P("2601.00004", "Unrelated too", "Nothing here either."),
                P("2601.00005", "Still unrelated", "Nor here."),
                P("2601.00006", "Other", "Elsewhere."),
            ],
            "test",
            Fetched,
            Ct);

        var page = await store.SearchAsync(Query.Parse("tokamak"), new SearchFilter(), Ct);

        Assert.Equal(["2601.00002", "2601.00001"], page.Hits.Select(h => h.Paper.Id));
        Assert.True(page.Hits[0].Score > page.Hits[1].Score);
        Assert.Equal(MatchField.Title, page.Hits[0].Match.Field);
        Assert.Equal(MatchField.Abstract, page.Hits[1].Match.Field);
    }

    [Fact]
    public async Task With_a_common_word_title_hits_still_come_first()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        store.RankLimit = 1;
        await store.SavePapersAsync(
            [
                P("2601.00001", "Notes on sparse matrices", "We study the tokamak plasma."),
                P("2601.00002", "A tokamak study", "We present measurements of confinement."),
                P("2601.00003", "More sparse matrices", "Another tokamak."),
            ],
            "test",
            Fetched,
            Ct);

        var page = await store.SearchAsync(Query.Parse("tokamak"), new SearchFilter(), Ct);

        Assert.Equal(["2601.00002", "2601.00003", "2601.00001"], page.Hits.Select(h => h.Paper.Id));
    }

    [Fact]
    public async Task Date_and_category_filters_keep_only_papers_inside_them()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SavePapersAsync(
            [
                P("2601.00001", "Graph learning", "x", published: new DateOnly(2026, 1, 5), category: "cs.LG", cross: "stat.ML"),
                P("2601.00002", "Graph learning again", "x", published: new DateOnly(2026, 2, 5), category: "math.CO"),
                P("2601.00003", "Graph learning undated", "x", category: "cs.AI"),
                P("2601.00004", "Graph learning late", "x", published: new DateOnly(2026, 3, 5), category: "stat.ML", cross: "cs.LG"),
            ],
            "test",
            Fetched,
            Ct);
        var query = Query.Parse("graph learning");

        async Task<string[]> Ids(SearchFilter filter) =>
            [.. (await store.SearchAsync(query, filter, Ct)).Hits.Select(h => h.Paper.Id).Order(StringComparer.Ordinal)];

        Assert.Equal(["2601.00001", "2601.00002", "2601.00003", "2601.00004"], await Ids(new SearchFilter()));
        Assert.Equal(["2601.00002", "2601.00004"], await Ids(new SearchFilter { From = new DateOnly(2026, 2, 5) }));
        Assert.Equal(["2601.00001", "2601.00002"], await Ids(new SearchFilter { To = new DateOnly(2026, 2, 5) }));
        Assert.Equal(["2601.00002"], await Ids(new SearchFilter { From = new DateOnly(2026, 2, 1), To = new DateOnly(2026, 2, 28) }));
        Assert.Equal(["2601.00001", "2601.00003", "2601.00004"], await Ids(new SearchFilter { Category = "cs" }));
        Assert.Equal(["2601.00001", "2601.00004"], await Ids(new SearchFilter { Category = "CS.LG" }));
        Assert.Equal(["2601.00001", "2601.00004"], await Ids(new SearchFilter { Category = "stat" }));
        Assert.Empty(await Ids(new SearchFilter { Category = "c" }));
        Assert.Equal(["2601.00004"], await Ids(new SearchFilter { Category = "cs.LG", From = new DateOnly(2026, 2, 1) }));
    }

    [Theory]
    [InlineData("quantum", "hep-th")]
    [InlineData("black hole OR neutron star*", "gr-qc")]
    [InlineData("model* -quantum", "astro-ph")]
    [InlineData("ti:quantum", "quant-ph")]
    [InlineData("spin", "quant-ph")]
    public async Task A_category_filter_applied_by_the_index_or_by_verification_gives_the_same_pages(string text, string category)
    {
        var (store, papers) = await StoreWithFixturesAsync();
        await using var _ = store;
        var query = Query.Parse(text);
        var filter = new SearchFilter { Category = category };
        var expected = papers.Values.Where(p => PaperSearch.Verify(query, filter, new PaperText(p)) is not null)
            .Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(expected);

        async Task<List<string>> AllPages(double denseShare)
        {
            store.DenseCategoryShare = denseShare;
            var ids = new List<string>();
            for (var offset = 0; ; offset += 7)
            {
                var page = await store.SearchAsync(query, filter with { Offset = offset, Limit = 7 }, Ct);
                ids.AddRange(page.Hits.Select(h => h.Paper.Id));
                if (!page.HasMore)
                {
                    return ids;
                }
            }
        }

        var byIndex = await AllPages(double.PositiveInfinity); // never dense: the category is in the FTS expression
        var byVerification = await AllPages(0.0);              // always dense: only verification checks the category
        Assert.Equal(expected, byIndex.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(expected, byVerification.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(byIndex.Count, byIndex.Distinct().Count());
    }

    [Fact]
    public async Task The_paper_date_is_the_first_listing_date_else_the_published_date()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        var paper = P("2603.00001", "Listed graph paper", "x", published: new DateOnly(2026, 1, 1), version: 1);
        await store.SavePapersAsync([paper], "test", Fetched, Ct);
        var before = await store.SearchAsync(Query.Parse("graph"), new SearchFilter(), Ct);
        Assert.Equal(new DateOnly(2026, 1, 1), before.Hits.Single().Date);

        var listing = new DateOnly(2026, 3, 24);
        await store.SaveAnnouncementAsync(new Announcement { Category = "cs.LG", ListingDate = listing, Papers = [paper] }, "test", Fetched, Ct);

        var after = await store.SearchAsync(Query.Parse("graph"), new SearchFilter { From = listing }, Ct);
        Assert.Equal(listing, after.Hits.Single().Date);
        Assert.Equal(listing, after.Hits.Single().Paper.ListingDate);
    }

    [Fact]
    public async Task A_paper_changed_in_place_is_found_by_its_new_text_only()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SavePapersAsync([P("2601.00001", "Alpha particles", "first text", version: 1)], "test", Fetched, Ct);
        Assert.Single((await store.SearchAsync(Query.Parse("alpha"), new SearchFilter(), Ct)).Hits);

        await store.SavePapersAsync([P("2601.00001", "Beta particles", "second text", version: 1)], "test", Fetched, Ct);

        Assert.Empty((await store.SearchAsync(Query.Parse("alpha"), new SearchFilter(), Ct)).Hits);
        Assert.Equal("Beta particles", (await store.SearchAsync(Query.Parse("beta"), new SearchFilter(), Ct)).Hits.Single().Paper.Title);
        Assert.Equal(1, await store.CountIndexedAsync(Ct));
    }

    [Fact]
    public async Task A_row_changed_by_another_writer_is_reindexed_before_the_next_search()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SavePapersAsync([P("2601.00001", "Alpha particles", "first text", version: 1)], "test", Fetched, Ct);

        Execute("UPDATE papers SET title = 'Gamma rays' WHERE id = '2601.00001'");

        Assert.Empty((await store.SearchAsync(Query.Parse("alpha"), new SearchFilter(), Ct)).Hits);
        Assert.Single((await store.SearchAsync(Query.Parse("ti:gamma"), new SearchFilter(), Ct)).Hits);
    }

    [Fact]
    public async Task Only_the_latest_version_of_a_paper_is_a_hit()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SavePapersAsync([P("2601.00001", "Gamma rays", "old abstract about pulsars", version: 1)], "test", Fetched, Ct);
        await store.SavePapersAsync([P("2601.00001", "Gamma rays revisited", "new abstract about magnetars", version: 3)], "test", Fetched, Ct);
        await store.SavePapersAsync([P("2601.00001", "Gamma rays v2", "middle abstract about pulsars", version: 2)], "test", Fetched, Ct);

        var hit = (await store.SearchAsync(Query.Parse("gamma"), new SearchFilter(), Ct)).Hits.Single();
        Assert.Equal(3, hit.Paper.Version);
        Assert.Empty((await store.SearchAsync(Query.Parse("pulsars"), new SearchFilter(), Ct)).Hits);
        Assert.Single((await store.SearchAsync(Query.Parse("magnetar"), new SearchFilter(), Ct)).Hits);
    }

    [Fact]
    public async Task A_deleted_latest_version_gives_way_to_the_previous_one()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SavePapersAsync(
            [P("2601.00001", "Gamma rays", "pulsars", version: 1), P("2601.00001", "Gamma rays", "magnetars", version: 2)],
            "test",
            Fetched,
            Ct);

        Execute("DELETE FROM papers WHERE id = '2601.00001' AND version = 2");

        Assert.Equal(1, (await store.SearchAsync(Query.Parse("pulsar"), new SearchFilter(), Ct)).Hits.Single().Paper.Version);
        Assert.Empty((await store.SearchAsync(Query.Parse("magnetar"), new SearchFilter(), Ct)).Hits);
    }

    [Fact]
    public async Task An_index_pointing_at_moved_rows_is_rebuilt()
    {
        await using (var store = await SqliteStore.OpenAsync(DbPath, Ct))
        {
            await store.SavePapersAsync([P("2601.00001", "Gamma rays", "pulsars"), P("2601.00002", "Delta rays", "quasars")], "test", Fetched, Ct);
        }

        // Swap the two rows' rowids behind the index's back (as a VACUUM renumbering could), without triggers.
        Execute("""
            DROP TRIGGER papers_search_updated;
            UPDATE papers SET rowid = 100 WHERE id = '2601.00001';
            UPDATE papers SET rowid = 1 WHERE id = '2601.00002';
            UPDATE papers SET rowid = 2 WHERE id = '2601.00001';
            """);

        await using (var store = await SqliteStore.OpenAsync(DbPath, Ct))
        {
            Assert.Equal("2601.00001", (await store.SearchAsync(Query.Parse("pulsar"), new SearchFilter(), Ct)).Hits.Single().Paper.Id);
            Assert.Equal("2601.00002", (await store.SearchAsync(Query.Parse("quasar"), new SearchFilter(), Ct)).Hits.Single().Paper.Id);
        }
    }

    [Fact]
    public async Task The_schema_upgrade_to_inflection_folding_rebuilds_the_search_index()
    {
        var (store, papers) = await StoreWithFixturesAsync();
        var query = Query.Parse("studying"); // folds as studied, studies and study do
        var expected = papers.Values.Where(p => query.Match(p) is not null).Select(p => p.Id).Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.Count > 10, $"{expected.Count} fixture papers match");
        await store.SearchAsync(query, new SearchFilter(), Ct); // the index is filled and complete
        await store.DisposeAsync();

        // A store of schema v7, whose index holds words the new folding does not look up: here none at all, while the
        // watermark says every paper is indexed, so only the upgrade can make the search find them again.
        Execute("INSERT INTO papers_fts (papers_fts) VALUES ('delete-all'); DELETE FROM schema_version WHERE version = 8;");

        await using var upgraded = await SqliteStore.OpenAsync(DbPath, Ct);
        var page = await upgraded.SearchAsync(query, new SearchFilter { Limit = 100_000 }, Ct);
        Assert.Equal(expected, page.Hits.Select(h => h.Paper.Id).Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task A_store_filled_before_the_index_existed_is_indexed_on_first_search()
    {
        await using (var store = await SqliteStore.OpenAsync(DbPath, Ct))
        {
            await store.SavePapersAsync([P("2601.00001", "Gamma rays", "pulsars")], "test", Fetched, Ct);
        }

        Execute("INSERT INTO papers_fts (papers_fts) VALUES ('delete-all'); DELETE FROM search_index; UPDATE search_watermark SET last_rowid = 0;");

        await using (var store = await SqliteStore.OpenAsync(DbPath, Ct))
        {
            Assert.Single((await store.SearchAsync(Query.Parse("gamma"), new SearchFilter(), Ct)).Hits);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(int.MaxValue)]
    public async Task Index_segments_left_by_small_saves_are_merged_once_more_than_the_limit_pile_up(int maxSegments)
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        store.MaxIndexSegments = maxSegments;
        var most = 0L;
        for (var i = 1; i <= 12; i++)
        {
            // One paper per save: each commit flushes a new segment (FTS5 automerges only four of a level at a time).
            await store.SavePapersAsync([P($"2601.{i:00000}", $"Topic {i} rays", "pulsars and quasars")], "test", Fetched, Ct);
            most = Math.Max(most, await store.CountIndexSegmentsAsync(Ct));
        }

        if (maxSegments == int.MaxValue)
        {
            Assert.True(most > 2, $"without the limit the saves should leave several segments (at most {most} seen)");
        }
        else
        {
            Assert.True(most <= maxSegments, $"{most} segments after a save, limit {maxSegments}");
        }

        Assert.Equal(12, (await store.SearchAsync(Query.Parse("pulsars"), new SearchFilter { Limit = 100 }, Ct)).Hits.Count);
        Assert.Equal("2601.00007", (await store.SearchAsync(Query.Parse("ti:\"topic 7\""), new SearchFilter(), Ct)).Hits.Single().Paper.Id);
    }

    [Fact]
    public async Task An_index_update_of_many_papers_is_merged_into_one_segment()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        store.MaxIndexSegments = int.MaxValue;
        store.OptimizeAfter = 3;
        for (var i = 1; i <= 3; i++)
        {
            await store.SavePapersAsync([P($"2601.{i:00000}", $"Topic {i}", "pulsars")], "test", Fetched, Ct);
        }

        Assert.True(await store.CountIndexSegmentsAsync(Ct) > 1, "single-paper saves are below OptimizeAfter and keep their segments");

        await store.SavePapersAsync([P("2601.00011", "A", "quasars"), P("2601.00012", "B", "quasars"), P("2601.00013", "C", "quasars")], "test", Fetched, Ct);

        Assert.Equal(1, await store.CountIndexSegmentsAsync(Ct));
        Assert.Equal(3, (await store.SearchAsync(Query.Parse("quasars"), new SearchFilter(), Ct)).Hits.Count);
        Assert.Equal(3, (await store.SearchAsync(Query.Parse("pulsars"), new SearchFilter(), Ct)).Hits.Count);
    }

    [Fact]
    public async Task Invalid_filters_are_rejected()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        var q = Query.Parse("x");
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SearchAsync(q, new SearchFilter { Limit = 0 }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SearchAsync(q, new SearchFilter { Offset = -1 }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SearchAsync(q, new SearchFilter { From = new DateOnly(2026, 2, 1), To = new DateOnly(2026, 1, 1) }, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.SearchAsync(q, new SearchFilter { Category = "cs LG" }, Ct));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    /// <summary>The listing fixtures (as announcements) and the Kaggle 200-line snapshot (as history), saved; the papers by id as last saved.</summary>
    private async Task<(SqliteStore Store, Dictionary<string, Paper> Papers)> StoreWithFixturesAsync()
    {
        var store = await SqliteStore.OpenAsync(DbPath, Ct);
        var papers = new Dictionary<string, Paper>(StringComparer.Ordinal);
        foreach (var (file, category) in new[]
                 {
                     ("listing/new-gr-qc-2024-08-09.html", "gr-qc"), ("listing/new-hep-th-2024-08-09.html", "hep-th"),
                     ("listing/new-math-ph-2024-08-09.html", "math-ph"), ("listing/new-cs.AI-2026-08-12-EXCERPT-edited-in-source.html", "cs.AI"),
                 })
        {
            var announcement = ListingPageParser.ParseNew(await File.ReadAllTextAsync(Fixtures.At(file), Ct), category, file);
            await store.SaveAnnouncementAsync(announcement, file, Fetched, Ct);
            foreach (var p in announcement.Papers)
            {
                papers[p.Id] = p;
            }
        }

        using (var reader = new StreamReader(Fixtures.At("kaggle/snapshot-head-200-lines.jsonl")))
        {
            var kaggle = KaggleSnapshotReader.Read(reader, "kaggle").Select(l => l.Paper!).ToList();
            await store.SavePapersAsync(kaggle, "kaggle", Fetched, Ct);
            foreach (var p in kaggle)
            {
                papers[p.Id] = p;
            }
        }

        return (store, papers);
    }

    private static Paper P(string id, string title, string abstractText, DateOnly? published = null, string category = "cs.LG", string? cross = null, int? version = 1) => new()
    {
        Id = id,
        Version = version,
        Title = title,
        Abstract = abstractText,
        Authors = ["Ada Lovelace"],
        PrimaryCategory = category,
        Subjects = cross is null ? [new Subject(category, "")] : [new Subject(category, ""), new Subject(cross, "")],
        Published = published,
    };

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private sealed class MatchResultComparer : IEqualityComparer<MatchResult?>
    {
        public static readonly MatchResultComparer Instance = new();

        public bool Equals(MatchResult? x, MatchResult? y) =>
            x is not null && y is not null && x.Query == y.Query && x.Field == y.Field
            && x.Terms.Count == y.Terms.Count && x.Terms.Zip(y.Terms).All(p => p.First.SequenceEqual(p.Second));

        public int GetHashCode(MatchResult? obj) => 0;
    }
}
