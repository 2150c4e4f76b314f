using ArxivDigest.Papers;
using ArxivDigest.Storage;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Tests.Storage;

public sealed class SqliteStoreTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateOnly Day1 = new(2026, 3, 24);
    private static readonly DateOnly Day2 = new(2026, 3, 25);
    private static readonly DateTimeOffset Fetched1 = new(2026, 3, 24, 0, 5, 12, 345, TimeSpan.FromHours(-4));
    private static readonly DateTimeOffset Fetched2 = new(2026, 3, 25, 0, 7, 1, TimeSpan.Zero);

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("arxivdigest-sqlite-");

    /// <summary>A database file in a directory that does not exist yet (OpenAsync creates it).</summary>
    private string DbPath => Path.Combine(_dir.FullName, "data", "store.db");

    public void Dispose() => _dir.Delete(recursive: true);

    // ---- migrations ---------------------------------------------------------------------------------------------

    [Fact]
    public async Task Open_FreshFile_CreatesParentDirectoryAndLatestSchema()
    {
        await using (await SqliteStore.OpenAsync(DbPath, Ct))
        {
        }

        Assert.True(File.Exists(DbPath));
        Assert.Equal(SqliteMigrations.LatestVersion, Scalar("SELECT max(version) FROM schema_version"));
        Assert.Equal(SqliteMigrations.LatestVersion, Scalar("SELECT count(*) FROM schema_version"));
        Assert.Equal("wal", (string?)ScalarObject("PRAGMA journal_mode"));

        var tables = Strings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
        foreach (var table in new[] { "announcement_papers", "announcements", "fetch_state", "papers", "runs", "schema_version" })
        {
            Assert.Contains(table, tables);
        }
    }

    [Fact]
    public async Task Open_Twice_AppliesNothingNewAndKeepsData()
    {
        await using (var store = await SqliteStore.OpenAsync(DbPath, Ct))
        {
            await store.SaveAnnouncementAsync(Sample(), "https://rss.arxiv.org/rss/cs.CL", Fetched1, Ct);
        }

        var versionsBefore = Strings("SELECT version || ' ' || applied_at FROM schema_version ORDER BY version");

        await using (var store = await SqliteStore.OpenAsync(DbPath, Ct))
        {
            await store.MigrateAsync(Ct); // explicit re-run: idempotent too
            var papers = await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct);
            Assert.Equal(SamplePapers().Length, papers.Count);
        }

        Assert.Equal(versionsBefore, Strings("SELECT version || ' ' || applied_at FROM schema_version ORDER BY version"));
        Assert.Equal(SqliteMigrations.LatestVersion, Scalar("SELECT max(version) FROM schema_version"));
        Assert.Equal(SamplePapers().Length, Scalar("SELECT count(*) FROM papers"));
    }

    [Fact]
    public async Task Open_FreshFileFromSeveralConnectionsAtOnce_MigratesOnce()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => SqliteStore.OpenAsync(DbPath, Ct))));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        Assert.Equal(SqliteMigrations.LatestVersion, Scalar("SELECT count(*) FROM schema_version"));
        Assert.Equal(SqliteMigrations.LatestVersion, Scalar("SELECT max(version) FROM schema_version"));
    }

    [Fact]
    public async Task Open_NewerSchemaVersion_ThrowsStoreException()
    {
        await using (await SqliteStore.OpenAsync(DbPath, Ct))
        {
        }

        var newer = SqliteMigrations.LatestVersion + 5;
        Execute($"INSERT INTO schema_version (version, applied_at) VALUES ({newer}, '2030-01-01T00:00:00.0000000+00:00')");

        var ex = await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync(DbPath, Ct));
        Assert.Equal(Path.GetFullPath(DbPath), ex.Database);
        Assert.Contains(
            $"database schema version {newer} is newer than this ArxivDigest supports ({SqliteMigrations.LatestVersion})",
            ex.Message);
        Assert.StartsWith(Path.GetFullPath(DbPath), ex.Message);
        Assert.Equal(newer, Scalar("SELECT max(version) FROM schema_version"));
    }

    [Fact]
    public async Task Open_GarbageFile_ThrowsStoreExceptionNamingPath()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DbPath)!);
        var garbage = new byte[8192];
        new Random(42).NextBytes(garbage);
        "this is not a database\n"u8.CopyTo(garbage);
        await File.WriteAllBytesAsync(DbPath, garbage, Ct);

        var ex = await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync(DbPath, Ct));
        Assert.Equal(Path.GetFullPath(DbPath), ex.Database);
        Assert.Contains(Path.GetFullPath(DbPath), ex.Message);
        Assert.Contains("not a database", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain("SQLite Error", ex.Message);
        Assert.Equal(garbage, await File.ReadAllBytesAsync(DbPath, Ct)); // left untouched
    }

    [Fact]
    public async Task Open_Directory_ThrowsStoreExceptionNamingPath()
    {
        var ex = await Assert.ThrowsAsync<StoreException>(() => SqliteStore.OpenAsync(_dir.FullName, Ct));
        Assert.Contains(_dir.FullName, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    // ---- announcements ------------------------------------------------------------------------------------------

    [Fact]
    public async Task SaveAnnouncement_ReadBack_RoundTripsEveryField()
    {
        var expected = SamplePapers();
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SaveAnnouncementAsync(Sample(), "https://rss.arxiv.org/rss/cs.CL", Fetched1, Ct);

        var actual = await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct);

        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].ContentEquals(actual[i]), $"paper {i}: expected {expected[i]}, got {actual[i]}");
            Assert.Equal(expected[i].Authors, actual[i].Authors);
            Assert.Equal(expected[i].Subjects, actual[i].Subjects);
        }

        Assert.Equal(expected.Select(p => p.Id), actual.Select(p => p.Id));
        Assert.Equal(
            [AnnounceType.New, AnnounceType.Cross, AnnounceType.Replace, AnnounceType.ReplaceCross],
            actual.Select(p => p.AnnounceType));
        Assert.Null(actual[2].Version);
        Assert.Null(actual[0].Comments);
        Assert.All(actual, p => Assert.Equal(Day1, p.ListingDate));

        var stored = await store.GetAnnouncementAsync("cs.CL", Day1, Ct);
        Assert.NotNull(stored);
        Assert.Equal(new StoredAnnouncement("cs.CL", Day1, "https://rss.arxiv.org/rss/cs.CL", Fetched1, expected.Length), stored);
        Assert.Equal(Fetched1.Offset, stored.FetchedAt.Offset);

        Assert.Null(await store.GetAnnouncementAsync("cs.CL", Day2, Ct));
        Assert.Null(await store.GetAnnouncementAsync("math.AG", Day1, Ct));
        Assert.Empty(await store.GetAnnouncedPapersAsync("cs.CL", Day2, Ct));
        Assert.Equal(["new", "cross", "replace", "replace-cross"], Strings("SELECT announce_type FROM announcement_papers ORDER BY position"));
        Assert.Equal(0, Scalar("SELECT version FROM papers WHERE id = 'hep-th/9901001'"));
    }

    [Fact]
    public async Task SaveAnnouncement_SameTwice_LeavesSameRows()
    {
        await using (var store = await SqliteStore.OpenAsync(DbPath, Ct))
        {
            await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);
        }

        var snapshot = Snapshot();

        await using (var store = await SqliteStore.OpenAsync(DbPath, Ct))
        {
            await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);
            await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);
        }

        Assert.Equal(SamplePapers().Length, Scalar("SELECT count(*) FROM papers"));
        Assert.Equal(SamplePapers().Length, Scalar("SELECT count(*) FROM announcement_papers"));
        Assert.Equal(1, Scalar("SELECT count(*) FROM announcements"));
        Assert.Equal(snapshot, Snapshot());
    }

    [Fact]
    public async Task SaveAnnouncement_ChangedPaperUpdates_NewVersionAddsRow()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);
        var firstSeen = Strings("SELECT first_seen FROM papers WHERE id = '2603.22293'").Single();

        // Same id and version, corrected abstract, announced again (another category, next day).
        var corrected = SamplePapers()[0] with { Abstract = "Corrected: we show $O(n)$ suffices.", ListingDate = Day2 };
        await store.SaveAnnouncementAsync(
            new Announcement { Category = "cs.AI", ListingDate = Day2, Papers = [corrected] }, "rss", Fetched2, Ct);

        Assert.Equal(SamplePapers().Length, Scalar("SELECT count(*) FROM papers"));
        var day1 = await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct);
        Assert.Equal("Corrected: we show $O(n)$ suffices.", day1[0].Abstract);
        Assert.Equal(firstSeen, Strings("SELECT first_seen FROM papers WHERE id = '2603.22293'").Single());
        Assert.Equal(
            Fetched2.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            Strings("SELECT updated_at FROM papers WHERE id = '2603.22293'").Single());

        // A new version is a new row; the old version stays as it was.
        var v2 = corrected with { Version = 2, Title = "Attention is not all you need (v2)", AnnounceType = AnnounceType.Replace };
        await store.SaveAnnouncementAsync(
            new Announcement { Category = "cs.AI", ListingDate = Day2, Papers = [v2] }, "rss", Fetched2, Ct);

        Assert.Equal(SamplePapers().Length + 1, Scalar("SELECT count(*) FROM papers"));
        Assert.Equal([1L, 2L], Strings("SELECT version FROM papers WHERE id = '2603.22293' ORDER BY version").Select(long.Parse));
        var day2 = Assert.Single(await store.GetAnnouncedPapersAsync("cs.AI", Day2, Ct));
        Assert.True(v2.ContentEquals(day2));
        Assert.Equal(SamplePapers()[0].Title, (await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct))[0].Title);
    }

    [Fact]
    public async Task SaveAnnouncement_ReplacesMembershipInNewOrder()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SaveAnnouncementAsync(Sample(), "html", Fetched1, Ct);

        var papers = SamplePapers();
        var reordered = Sample() with { Papers = [papers[3], papers[0]] };
        await store.SaveAnnouncementAsync(reordered, "rss", Fetched2, Ct);

        var actual = await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct);
        Assert.Equal([papers[3].Id, papers[0].Id], actual.Select(p => p.Id));
        Assert.Equal(2, Scalar("SELECT count(*) FROM announcement_papers"));
        Assert.Equal(papers.Length, Scalar("SELECT count(*) FROM papers")); // papers are kept
        var stored = await store.GetAnnouncementAsync("cs.CL", Day1, Ct);
        Assert.Equal(new StoredAnnouncement("cs.CL", Day1, "rss", Fetched2, 2), stored);
    }

    [Fact]
    public async Task SaveAnnouncement_EmptyAnnouncement_IsStored()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SaveAnnouncementAsync(
            new Announcement { Category = "math.AG", ListingDate = Day2, Kind = AnnouncementKind.Empty }, "rss", Fetched2, Ct);

        Assert.Equal(0, (await store.GetAnnouncementAsync("math.AG", Day2, Ct))!.PaperCount);
        Assert.Empty(await store.GetAnnouncedPapersAsync("math.AG", Day2, Ct));
        Assert.Equal(Day2, await store.GetLatestListingDateAsync("math.AG", Ct));
    }

    [Fact]
    public async Task SaveAnnouncement_WithoutListingDate_Throws()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.SaveAnnouncementAsync(new Announcement { Category = "cs.CL", ListingDate = null }, "rss", Fetched1, Ct));
    }

    [Fact]
    public async Task SaveAnnouncement_ThousandPapers_RoundTripInOrder()
    {
        var papers = Enumerable.Range(0, 1000).Select(i => new Paper
        {
            Id = $"2603.{i:D5}",
            Version = 1 + (i % 3),
            Title = $"Paper number {i} on $\\mathbb{{R}}^{i}$",
            Authors = [$"Author {i}", "Ægir Þórsson"],
            Abstract = string.Concat(Enumerable.Repeat("We study large language models. ", 40)),
            PrimaryCategory = "cs.CL",
            Subjects = [new("cs.CL", "Computation and Language")],
            AnnounceType = (AnnounceType)(i % 4),
            ListingDate = Day1,
        }).ToArray();

        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        await store.SaveAnnouncementAsync(new Announcement { Category = "cs.CL", ListingDate = Day1, Papers = papers }, "rss", Fetched1, Ct);

        var read = await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct);
        Assert.Equal(papers.Select(p => p.Id), read.Select(p => p.Id));
        Assert.True(papers[999].ContentEquals(read[999]));
    }

    [Fact]
    public async Task TwoStoresOnOneFile_CanWriteConcurrently()
    {
        await using var a = await SqliteStore.OpenAsync(DbPath, Ct);
        await using var b = await SqliteStore.OpenAsync(DbPath, Ct);

        async Task Write(SqliteStore store, string category)
        {
            for (var i = 0; i < 20; i++)
            {
                var date = Day1.AddDays(i);
                var papers = SamplePapers().Select(p => p with { ListingDate = date }).ToArray();
                await store.SaveAnnouncementAsync(new Announcement { Category = category, ListingDate = date, Papers = papers }, "rss", Fetched1, Ct);
            }
        }

        await Task.WhenAll(Task.Run(() => Write(a, "cs.CL")), Task.Run(() => Write(b, "cs.AI")));

        Assert.Equal(Day1.AddDays(19), await a.GetLatestListingDateAsync("cs.AI", Ct));
        Assert.Equal(Day1.AddDays(19), await b.GetLatestListingDateAsync("cs.CL", Ct));
        Assert.Equal(SamplePapers().Length, (await b.GetAnnouncedPapersAsync("cs.CL", Day1.AddDays(7), Ct)).Count);
    }

    // ---- listing dates, fetch state, runs -----------------------------------------------------------------------

    [Fact]
    public async Task GetLatestListingDate_PerCategory()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        Assert.Null(await store.GetLatestListingDateAsync("cs.CL", Ct));

        await store.SaveAnnouncementAsync(Sample() with { ListingDate = Day2 }, "rss", Fetched2, Ct);
        await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct); // older date saved later
        await store.SaveAnnouncementAsync(new Announcement { Category = "math.AG", ListingDate = Day1 }, "rss", Fetched1, Ct);
        await store.SaveAnnouncementAsync(new Announcement { Category = "math.AG", ListingDate = new DateOnly(2025, 12, 31) }, "rss", Fetched1, Ct);

        Assert.Equal(Day2, await store.GetLatestListingDateAsync("cs.CL", Ct));
        Assert.Equal(Day1, await store.GetLatestListingDateAsync("math.AG", Ct));
        Assert.Null(await store.GetLatestListingDateAsync("hep-th", Ct));
    }

    [Fact]
    public async Task FetchState_RoundTripsIncludingNulls()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        const string url = "https://rss.arxiv.org/rss/cs.CL";
        Assert.Null(await store.GetFetchStateAsync(url, Ct));

        var full = new FetchState(url, "W/\"5f3a-1b2c\"", new DateTimeOffset(2026, 3, 24, 0, 30, 0, TimeSpan.Zero), Day1);
        await store.SaveFetchStateAsync(full, Ct);
        Assert.Equal(full, await store.GetFetchStateAsync(url, Ct));

        var nulls = new FetchState(url, null, null, null);
        await store.SaveFetchStateAsync(nulls, Ct);
        Assert.Equal(nulls, await store.GetFetchStateAsync(url, Ct));

        var other = new FetchState("https://arxiv.org/list/cs.AI/new", null, new DateTimeOffset(2026, 3, 24, 20, 0, 0, TimeSpan.FromHours(-4)), null);
        await store.SaveFetchStateAsync(other, Ct);
        var read = await store.GetFetchStateAsync(other.Url, Ct);
        Assert.Equal(other, read);
        Assert.Equal(TimeSpan.FromHours(-4), read!.LastModified!.Value.Offset);
        Assert.Equal(2, Scalar("SELECT count(*) FROM fetch_state"));
    }

    [Fact]
    public async Task Runs_StartFinishAndListNewestFirst()
    {
        await using var store = await SqliteStore.OpenAsync(DbPath, Ct);
        var t0 = new DateTimeOffset(2026, 3, 24, 6, 0, 0, TimeSpan.FromHours(1));

        var first = await store.StartRunAsync("nlp", t0, Ct);
        var second = await store.StartRunAsync("physics", t0.AddMinutes(1), Ct);
        var third = await store.StartRunAsync("nlp", t0.AddDays(1), Ct);
        Assert.True(first < second && second < third);

        await store.FinishRunAsync(first, Day1, "complete", null, t0.AddSeconds(42), Ct);
        await store.FinishRunAsync(second, null, "failed", "https://arxiv.org/list/hep-th/new: 503 Service Unavailable", t0.AddMinutes(2), Ct);

        var runs = await store.GetRunsAsync(10, Ct);
        Assert.Equal([third, second, first], runs.Select(r => r.Id));
        Assert.Equal(new RunRecord(third, "nlp", null, t0.AddDays(1), null, "running", null), runs[0]);
        Assert.Equal(new RunRecord(second, "physics", null, t0.AddMinutes(1), t0.AddMinutes(2), "failed", "https://arxiv.org/list/hep-th/new: 503 Service Unavailable"), runs[1]);
        Assert.Equal(new RunRecord(first, "nlp", Day1, t0, t0.AddSeconds(42), "complete", null), runs[2]);

        Assert.Equal([third, second], (await store.GetRunsAsync(2, Ct)).Select(r => r.Id));
        Assert.Empty(await store.GetRunsAsync(0, Ct));
        await Assert.ThrowsAsync<StoreException>(() => store.FinishRunAsync(third + 100, null, "complete", null, t0, Ct));
    }

    // ---- sample data --------------------------------------------------------------------------------------------

    private static Announcement Sample() => new()
    {
        Category = "cs.CL",
        ListingDate = Day1,
        Papers = SamplePapers(),
        Origin = "https://rss.arxiv.org/rss/cs.CL",
    };

    private static Paper[] SamplePapers() =>
    [
        new Paper
        {
            Id = "2603.22293",
            Version = 1,
            Title = "Attention Is Not All You Need: $\\mathcal{O}(n \\log n)$ Sparse Transformers",
            Authors = ["José Müller-Lüdenscheidt", "Zoë Ångström", "Łukasz Wróbel", "Nguyễn Thị Hương"],
            Abstract = "We prove that for $\\alpha \\in (0, 1]$ the attention matrix $A = \\mathrm{softmax}(QK^\\top/\\sqrt{d})$ admits a "
                + "\\emph{sparse} approximation with error $\\epsilon$ using $\\tilde{O}(n^{1+\\alpha})$ entries. Code: https://example.org/x?a=1&b=2.",
            Comments = null,
            PrimaryCategory = "cs.CL",
            Subjects =
            [
                new("cs.CL", "Computation and Language"),
                new("cs.AI", "Artificial Intelligence"),
                new("cs.LG", "Machine Learning"),
            ],
            AnnounceType = AnnounceType.New,
            ListingDate = Day1,
        },
        new Paper
        {
            Id = "2603.20001",
            Version = 2,
            Title = "大規模言語モデルの日本語評価 (Evaluating LLMs on Japanese and 中文 benchmarks)",
            Authors = ["山田 太郎", "李小龙", "O'Brien, Seán"],
            Abstract = "本研究では、大規模言語モデルの評価を行う。我们提出了一个新的基准 \"JCB\" — with emoji 🚀 and quotes ‘like this’.",
            Comments = "12 pages, 3 figures; accepted at ACL 2026",
            PrimaryCategory = "cs.AI",
            Subjects = [new("cs.AI", "Artificial Intelligence"), new("cs.CL", "Computation and Language")],
            AnnounceType = AnnounceType.Cross,
            ListingDate = Day1,
        },
        new Paper
        {
            Id = "hep-th/9901001",
            Version = null,
            Title = "Gauge Theory Correlators from Non-Critical String Theory",
            Authors = ["S. S. Gubser", "I. R. Klebanov", "A. M. Polyakov"],
            Abstract = "We suggest a means of obtaining certain Green's functions in $3+1$-dimensional $\\mathcal{N}=4$ SYM.",
            Comments = "15 pages, harvmac",
            JournalRef = "Phys. Lett. B428 (1998) 105-114",
            Doi = "10.1016/S0370-2693(98)00377-3",
            PrimaryCategory = "hep-th",
            Subjects = [new("hep-th", "High Energy Physics - Theory")],
            AnnounceType = AnnounceType.Replace,
            ListingDate = Day1,
        },
        new Paper
        {
            Id = "2501.01234",
            Version = 3,
            Title = "On the Čech Cohomology of Tokenizers",
            Authors = [],
            Abstract = "",
            Comments = "v3: fixed typo in Lemma 2.1",
            PrimaryCategory = "math.AT",
            Subjects = [new("math.AT", "Algebraic Topology"), new("cs.CL", "Computation and Language"), new("cs.FL", "")],
            AnnounceType = AnnounceType.ReplaceCross,
            ListingDate = Day1,
        },
    ];

    // ---- raw access ---------------------------------------------------------------------------------------------

    private SqliteConnection Raw()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DbPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private object? ScalarObject(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private long Scalar(string sql) => Convert.ToInt64(ScalarObject(sql), System.Globalization.CultureInfo.InvariantCulture);

    private void Execute(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private List<string> Strings(string sql)
    {
        using var connection = Raw();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture) ?? "");
        }

        return values;
    }

    /// <summary>Every row of the data tables, as text, in a stable order.</summary>
    private List<string> Snapshot()
    {
        var rows = new List<string>();
        foreach (var (table, order) in new[]
        {
            ("papers", "id, version"),
            ("announcements", "category, listing_date"),
            ("announcement_papers", "category, listing_date, position"),
        })
        {
            using var connection = Raw();
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM {table} ORDER BY {order}";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add(table + ": " + string.Join(" | ", values.Select(v => v is DBNull ? "NULL" : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture))));
            }
        }

        return rows;
    }
}
