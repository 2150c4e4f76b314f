using System.Globalization;
using ArxivDigest.Delivery;
using ArxivDigest.Papers;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Storage;

/// <summary>
/// The store contract, run against every store (<see cref="SqliteStoreContractTests"/>, <see cref="PostgresStoreContractTests"/>):
/// migrations, round-trips, upserts, history, the translation cache, the delivery ledger, run claims and concurrency.
/// </summary>
public abstract class StoreContractTests
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    protected static readonly DateOnly Day1 = new(2026, 3, 24);
    protected static readonly DateOnly Day2 = new(2026, 3, 25);
    protected static readonly DateTimeOffset Fetched1 = new(2026, 3, 24, 0, 5, 12, 345, TimeSpan.FromHours(-4));
    protected static readonly DateTimeOffset Fetched2 = new(2026, 3, 25, 0, 7, 1, TimeSpan.Zero);

    /// <summary>Opens a new store instance (its own connection) on this test's database.</summary>
    protected abstract Task<IDigestStore> OpenAsync();

    /// <summary>The schema version this store's migrations reach.</summary>
    protected abstract int LatestVersion { get; }

    /// <summary>Every row of a query, read over a connection of the test's own.</summary>
    protected abstract Task<List<object?[]>> RowsAsync(string sql);

    protected abstract Task ExecuteAsync(string sql);

    protected async Task<long> ScalarAsync(string sql) => Convert.ToInt64((await RowsAsync(sql)).Single()[0], CultureInfo.InvariantCulture);

    protected async Task<List<string>> StringsAsync(string sql) =>
        (await RowsAsync(sql)).Select(r => Convert.ToString(r[0], CultureInfo.InvariantCulture) ?? "").ToList();

    // ---- migrations ---------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task Open_Fresh_CreatesLatestSchema()
    {
        await using (await OpenAsync())
        {
        }

        Assert.Equal(LatestVersion, await ScalarAsync("SELECT max(version) FROM schema_version"));
        Assert.Equal(LatestVersion, await ScalarAsync("SELECT count(*) FROM schema_version"));
        foreach (var table in new[] { "announcement_papers", "announcements", "fetch_state", "papers", "runs", "translations", "deliveries", "harvest_state", "run_claims" })
        {
            Assert.Equal(0, await ScalarAsync($"SELECT count(*) FROM {table}"));
        }
    }

    [StoreFact]
    public async Task Open_Twice_AppliesNothingNewAndKeepsData()
    {
        await using (var store = await OpenAsync())
        {
            await store.SaveAnnouncementAsync(Sample(), "https://rss.arxiv.org/rss/cs.CL", Fetched1, Ct);
        }

        var versionsBefore = await StringsAsync("SELECT version || ' ' || applied_at FROM schema_version ORDER BY version");
        await using (var store = await OpenAsync())
        {
            await store.MigrateAsync(Ct); // explicit re-run: idempotent too
            Assert.Equal(SamplePapers().Length, (await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct)).Count);
        }

        Assert.Equal(versionsBefore, await StringsAsync("SELECT version || ' ' || applied_at FROM schema_version ORDER BY version"));
        Assert.Equal(SamplePapers().Length, await ScalarAsync("SELECT count(*) FROM papers"));
    }

    [StoreFact]
    public async Task Open_FreshFromSeveralInstancesAtOnce_MigratesEachVersionOnce()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(OpenAsync)));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }

        Assert.Equal(LatestVersion, await ScalarAsync("SELECT count(*) FROM schema_version"));
        Assert.Equal(LatestVersion, await ScalarAsync("SELECT max(version) FROM schema_version"));
    }

    [StoreFact]
    public async Task Open_NewerSchemaVersion_ThrowsStoreExceptionNamingTheDatabase()
    {
        string display;
        await using (var store = await OpenAsync())
        {
            display = store.DisplayName;
        }

        var newer = LatestVersion + 5;
        await ExecuteAsync($"INSERT INTO schema_version (version, applied_at) VALUES ({newer}, '2030-01-01T00:00:00.0000000+00:00')");

        var ex = await Assert.ThrowsAsync<StoreException>(OpenAsync);
        Assert.Equal(display, ex.Database);
        Assert.StartsWith(display + ": ", ex.Message);
        Assert.Contains($"database schema version {newer} is newer than this ArxivDigest supports ({LatestVersion})", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.Equal(newer, await ScalarAsync("SELECT max(version) FROM schema_version"));
    }

    // ---- announcements ------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task SaveAnnouncement_ReadBack_RoundTripsEveryField()
    {
        var expected = SamplePapers();
        await using var store = await OpenAsync();
        await store.SaveAnnouncementAsync(Sample(), "https://rss.arxiv.org/rss/cs.CL", Fetched1, Ct);

        var actual = await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct);

        Assert.Equal(expected.Length, actual.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(expected[i].ContentEquals(actual[i]), $"paper {i}: expected {expected[i]}, got {actual[i]}");
            Assert.Equal(expected[i].Authors, actual[i].Authors);
            Assert.Equal(expected[i].Subjects, actual[i].Subjects);
            Assert.Equal(expected[i].Published, actual[i].Published);
            Assert.Equal(expected[i].JournalRef, actual[i].JournalRef);
            Assert.Equal(expected[i].Doi, actual[i].Doi);
        }

        Assert.Equal(expected.Select(p => p.Id), actual.Select(p => p.Id));
        Assert.Equal([AnnounceType.New, AnnounceType.Cross, AnnounceType.Replace, AnnounceType.ReplaceCross], actual.Select(p => p.AnnounceType));
        Assert.Null(actual[2].Version);
        Assert.Null(actual[0].Comments);
        Assert.Equal(new DateOnly(2026, 3, 20), actual[0].Published);
        Assert.All(actual, p => Assert.Equal(Day1, p.ListingDate));

        var stored = await store.GetAnnouncementAsync("cs.CL", Day1, Ct);
        Assert.Equal(new StoredAnnouncement("cs.CL", Day1, "https://rss.arxiv.org/rss/cs.CL", Fetched1, expected.Length), stored);
        Assert.Equal(Fetched1.Offset, stored!.FetchedAt.Offset);

        Assert.Null(await store.GetAnnouncementAsync("cs.CL", Day2, Ct));
        Assert.Null(await store.GetAnnouncementAsync("math.AG", Day1, Ct));
        Assert.Empty(await store.GetAnnouncedPapersAsync("cs.CL", Day2, Ct));
        Assert.Equal(["new", "cross", "replace", "replace-cross"], await StringsAsync("SELECT announce_type FROM announcement_papers ORDER BY position"));
        Assert.Equal(0, await ScalarAsync("SELECT version FROM papers WHERE id = 'hep-th/9901001'"));
    }

    [StoreFact]
    public async Task SaveAnnouncement_SameTwice_LeavesSameRows()
    {
        await using (var store = await OpenAsync())
        {
            await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);
        }

        var snapshot = await SnapshotAsync();
        await using (var store = await OpenAsync())
        {
            await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);
            await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);
        }

        Assert.Equal(SamplePapers().Length, await ScalarAsync("SELECT count(*) FROM papers"));
        Assert.Equal(SamplePapers().Length, await ScalarAsync("SELECT count(*) FROM announcement_papers"));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM announcements"));
        Assert.Equal(snapshot, await SnapshotAsync());
    }

    [StoreFact]
    public async Task SaveAnnouncement_ChangedPaperUpdates_NewVersionAddsRow()
    {
        await using var store = await OpenAsync();
        await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);
        var firstSeen = (await StringsAsync("SELECT first_seen FROM papers WHERE id = '2603.22293'")).Single();

        var corrected = SamplePapers()[0] with { Abstract = "Corrected: we show $O(n)$ suffices.", ListingDate = Day2 };
        await store.SaveAnnouncementAsync(new Announcement { Category = "cs.AI", ListingDate = Day2, Papers = [corrected] }, "rss", Fetched2, Ct);

        Assert.Equal(SamplePapers().Length, await ScalarAsync("SELECT count(*) FROM papers"));
        Assert.Equal("Corrected: we show $O(n)$ suffices.", (await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct))[0].Abstract);
        Assert.Equal(firstSeen, (await StringsAsync("SELECT first_seen FROM papers WHERE id = '2603.22293'")).Single());
        Assert.Equal(Fetched2.ToString("O", CultureInfo.InvariantCulture), (await StringsAsync("SELECT updated_at FROM papers WHERE id = '2603.22293'")).Single());

        var v2 = corrected with { Version = 2, Title = "Attention is not all you need (v2)", AnnounceType = AnnounceType.Replace };
        await store.SaveAnnouncementAsync(new Announcement { Category = "cs.AI", ListingDate = Day2, Papers = [v2] }, "rss", Fetched2, Ct);

        Assert.Equal(SamplePapers().Length + 1, await ScalarAsync("SELECT count(*) FROM papers"));
        Assert.Equal([1L, 2L], (await StringsAsync("SELECT version FROM papers WHERE id = '2603.22293' ORDER BY version")).Select(long.Parse));
        Assert.True(v2.ContentEquals(Assert.Single(await store.GetAnnouncedPapersAsync("cs.AI", Day2, Ct))));
        Assert.Equal(SamplePapers()[0].Title, (await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct))[0].Title);
    }

    [StoreFact]
    public async Task SaveAnnouncement_ReplacesMembershipInNewOrder()
    {
        await using var store = await OpenAsync();
        await store.SaveAnnouncementAsync(Sample(), "html", Fetched1, Ct);
        var papers = SamplePapers();
        await store.SaveAnnouncementAsync(Sample() with { Papers = [papers[3], papers[0]] }, "rss", Fetched2, Ct);

        Assert.Equal([papers[3].Id, papers[0].Id], (await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct)).Select(p => p.Id));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM announcement_papers"));
        Assert.Equal(papers.Length, await ScalarAsync("SELECT count(*) FROM papers"));
        Assert.Equal(new StoredAnnouncement("cs.CL", Day1, "rss", Fetched2, 2), await store.GetAnnouncementAsync("cs.CL", Day1, Ct));
    }

    [StoreFact]
    public async Task SaveAnnouncement_EmptyAnnouncement_IsStored()
    {
        await using var store = await OpenAsync();
        await store.SaveAnnouncementAsync(new Announcement { Category = "math.AG", ListingDate = Day2, Kind = AnnouncementKind.Empty }, "rss", Fetched2, Ct);

        Assert.Equal(0, (await store.GetAnnouncementAsync("math.AG", Day2, Ct))!.PaperCount);
        Assert.Empty(await store.GetAnnouncedPapersAsync("math.AG", Day2, Ct));
        Assert.Equal(Day2, await store.GetLatestListingDateAsync("math.AG", Ct));
    }

    [StoreFact]
    public async Task SaveAnnouncement_WithoutListingDate_Throws()
    {
        await using var store = await OpenAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => store.SaveAnnouncementAsync(new Announcement { Category = "cs.CL", ListingDate = null }, "rss", Fetched1, Ct));
    }

    [StoreFact]
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

        await using var store = await OpenAsync();
        await store.SaveAnnouncementAsync(new Announcement { Category = "cs.CL", ListingDate = Day1, Papers = papers }, "rss", Fetched1, Ct);

        var read = await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct);
        Assert.Equal(papers.Select(p => p.Id), read.Select(p => p.Id));
        Assert.True(papers[999].ContentEquals(read[999]));
    }

    [StoreFact]
    public async Task TwoInstancesOnOneDatabase_WriteConcurrently()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();

        async Task Write(IDigestStore store, string category)
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
        Assert.Equal(SamplePapers().Length, await ScalarAsync("SELECT count(*) FROM papers"));
    }

    [StoreFact]
    public async Task ReaderWhileWriterWrites_SeesOnlyWholeAnnouncements()
    {
        await using var writer = await OpenAsync();
        await using var reader = await OpenAsync();
        var papers = SamplePapers();
        string[] full = [.. papers.Select(p => p.Id)];
        string[] reordered = [papers[3].Id, papers[0].Id];
        await writer.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct);

        var done = false;
        var write = Task.Run(async () =>
        {
            for (var i = 0; i < 30; i++)
            {
                await writer.SaveAnnouncementAsync(i % 2 == 0 ? Sample() with { Papers = [papers[3], papers[0]] } : Sample(), "rss", Fetched1.AddMinutes(i), Ct);
            }

            Volatile.Write(ref done, true);
        });

        var seen = new List<string[]>();
        while (!Volatile.Read(ref done) || seen.Count == 0)
        {
            seen.Add((await reader.GetAnnouncedPapersAsync("cs.CL", Day1, Ct)).Select(p => p.Id).ToArray());
        }

        await write;
        Assert.All(seen, ids => Assert.True(ids.SequenceEqual(full) || ids.SequenceEqual(reordered), $"a read saw a half-written membership: {string.Join(", ", ids)}"));
        Assert.Equal(full, (await reader.GetAnnouncedPapersAsync("cs.CL", Day1, Ct)).Select(p => p.Id));
    }

    // ---- listing dates, fetch state, runs -----------------------------------------------------------------------

    [StoreFact]
    public async Task ListingDates_PerCategory_NewestFirst()
    {
        await using var store = await OpenAsync();
        Assert.Null(await store.GetLatestListingDateAsync("cs.CL", Ct));

        await store.SaveAnnouncementAsync(Sample() with { ListingDate = Day2 }, "rss", Fetched2, Ct);
        await store.SaveAnnouncementAsync(Sample(), "rss", Fetched1, Ct); // older date saved later
        await store.SaveAnnouncementAsync(new Announcement { Category = "math.AG", ListingDate = Day1 }, "rss", Fetched1, Ct);
        await store.SaveAnnouncementAsync(new Announcement { Category = "math.AG", ListingDate = new DateOnly(2025, 12, 31) }, "rss", Fetched1, Ct);

        Assert.Equal(Day2, await store.GetLatestListingDateAsync("cs.CL", Ct));
        Assert.Equal(Day1, await store.GetLatestListingDateAsync("math.AG", Ct));
        Assert.Null(await store.GetLatestListingDateAsync("hep-th", Ct));
        Assert.Equal([Day2, Day1], await store.GetListingDatesAsync("cs.CL", Ct));
        Assert.Equal([Day1, new DateOnly(2025, 12, 31)], await store.GetListingDatesAsync("math.AG", Ct));
        Assert.Empty(await store.GetListingDatesAsync("physics", Ct));
    }

    [StoreFact]
    public async Task FetchState_RoundTripsIncludingNulls()
    {
        await using var store = await OpenAsync();
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
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM fetch_state"));
    }

    [StoreFact]
    public async Task Runs_StartFinishAndListNewestFirst()
    {
        await using var store = await OpenAsync();
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
        Assert.Equal(TimeSpan.FromHours(1), runs[2].StartedAt.Offset);

        Assert.Equal([third, second], (await store.GetRunsAsync(2, Ct)).Select(r => r.Id));
        Assert.Empty(await store.GetRunsAsync(0, Ct));
        var missing = await Assert.ThrowsAsync<StoreException>(() => store.FinishRunAsync(third + 100, null, "complete", null, t0, Ct));
        Assert.Contains($"run {third + 100} does not exist", missing.Message);
    }

    [StoreFact]
    public async Task Runs_HasCompleteRun_PerDigestAndDate_HoweverOld()
    {
        await using var store = await OpenAsync();
        var t0 = new DateTimeOffset(2026, 3, 24, 6, 0, 0, TimeSpan.Zero);
        Assert.False(await store.HasCompleteRunAsync("nlp", Day1, Ct));

        await store.FinishRunAsync(await store.StartRunAsync("nlp", t0, Ct), Day1, "partial", null, t0, Ct);
        await store.FinishRunAsync(await store.StartRunAsync("nlp", t0, Ct), Day2, "complete", null, t0, Ct);
        await store.FinishRunAsync(await store.StartRunAsync("physics", t0, Ct), Day1, "complete", null, t0, Ct);
        Assert.False(await store.HasCompleteRunAsync("nlp", Day1, Ct));
        Assert.True(await store.HasCompleteRunAsync("nlp", Day2, Ct));
        Assert.True(await store.HasCompleteRunAsync("physics", Day1, Ct));

        // Completed once, before 501 later runs (hourly cron: "no new announcement"): still complete.
        await store.FinishRunAsync(await store.StartRunAsync("nlp", t0, Ct), Day1, "complete", null, t0, Ct);
        for (var i = 0; i < 501; i++)
        {
            await store.FinishRunAsync(await store.StartRunAsync("nlp", t0.AddHours(i), Ct), Day2, "no-new-announcement", null, t0.AddHours(i), Ct);
        }

        Assert.True(await store.HasCompleteRunAsync("nlp", Day1, Ct));
        Assert.False(await store.HasCompleteRunAsync("nlp", Day1.AddDays(-1), Ct));
    }

    // ---- history and resumable jobs -----------------------------------------------------------------------------

    [StoreFact]
    public async Task SavePapers_UpsertsWithoutDuplicates_AndKeepsAKnownPublishedDate()
    {
        await using var store = await OpenAsync();
        var papers = SamplePapers().Select(p => p with { ListingDate = null, AnnounceType = AnnounceType.New }).ToArray();
        await store.SavePapersAsync(papers, "oai-pmh", Fetched1, Ct);
        await store.SavePapersAsync(papers, "oai-pmh", Fetched1, Ct);
        Assert.Equal(papers.Length, await ScalarAsync("SELECT count(*) FROM papers"));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM announcements"));

        // The listing (which does not state the submission date) keeps the date history stored.
        await store.SaveAnnouncementAsync(Sample() with { Papers = SamplePapers().Select(p => p with { Published = null }).ToArray() }, "listing", Fetched2, Ct);
        var read = await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct);
        Assert.Equal(new DateOnly(2026, 3, 20), read[0].Published);
        Assert.Equal(new DateOnly(1999, 1, 4), read[2].Published);
        Assert.Null(read[1].Published);
        Assert.Equal(papers.Length, await ScalarAsync("SELECT count(*) FROM papers"));

        await store.SavePapersAsync([papers[1] with { Published = new DateOnly(2026, 3, 1) }], "api", Fetched2, Ct);
        Assert.Equal(new DateOnly(2026, 3, 1), (await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct))[1].Published);
        await store.SavePapersAsync([], "api", Fetched2, Ct);
    }

    [StoreFact]
    public async Task HarvestState_SavesOverwritesAndDeletes()
    {
        await using var store = await OpenAsync();
        Assert.Null(await store.GetHarvestStateAsync("backfill:cs.CL", Ct));

        await store.SaveHarvestStateAsync("backfill:cs.CL", "token=abc|2026-03-01", Fetched1, Ct);
        await store.SaveHarvestStateAsync("import:kaggle", "line 120000", Fetched1, Ct);
        await store.SaveHarvestStateAsync("backfill:cs.CL", "token=def|2026-03-02", Fetched2, Ct);

        Assert.Equal("token=def|2026-03-02", await store.GetHarvestStateAsync("backfill:cs.CL", Ct));
        Assert.Equal("line 120000", await store.GetHarvestStateAsync("import:kaggle", Ct));
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM harvest_state"));

        await store.SaveHarvestStateAsync("backfill:cs.CL", null, Fetched2, Ct);
        Assert.Null(await store.GetHarvestStateAsync("backfill:cs.CL", Ct));
        Assert.Equal(1, await ScalarAsync("SELECT count(*) FROM harvest_state"));
    }

    // ---- translation cache and delivery ledger ------------------------------------------------------------------

    [StoreFact]
    public async Task Translations_CachedByFullKey_OverwriteAndMisses()
    {
        await using var store = await OpenAsync();
        var key = new TranslationKey("sha256:ab12", "en", "zh-CN", "openai", "gpt-4o-mini", "g1");
        var otherModel = key with { Model = "gpt-4o" };
        var otherGlossary = key with { GlossaryVersion = "g2" };
        await store.SaveTranslationsAsync([], Ct);
        await store.SaveTranslationsAsync([new(key, "注意力并非全部 🚀"), new(otherModel, "另一个模型")], Ct);

        var found = await store.GetTranslationsAsync([key, otherModel, otherGlossary, key], Ct);
        Assert.Equal(2, found.Count);
        Assert.Equal("注意力并非全部 🚀", found[key]);
        Assert.Equal("另一个模型", found[otherModel]);
        Assert.False(found.ContainsKey(otherGlossary));

        await using var second = await OpenAsync();
        await second.SaveTranslationsAsync([new(key, "更正后的译文")], Ct);
        Assert.Equal("更正后的译文", (await store.GetTranslationsAsync([key], Ct))[key]);
        Assert.Equal(2, await ScalarAsync("SELECT count(*) FROM translations"));
    }

    [StoreFact]
    public async Task DeliveryLedger_DeliveredStaysDelivered_AttemptsCount()
    {
        await using var store = await OpenAsync();
        IDeliveryLedger ledger = store;
        Assert.Empty(await ledger.GetDeliveredChannelsAsync("nlp", Day1, Ct));

        await ledger.RecordDeliveryAsync("nlp", Day1, "slack", false, "503 Service Unavailable", Fetched1, Ct);
        Assert.Empty(await ledger.GetDeliveredChannelsAsync("nlp", Day1, Ct));
        await ledger.RecordDeliveryAsync("nlp", Day1, "slack", true, null, Fetched1.AddMinutes(5), Ct);
        await ledger.RecordDeliveryAsync("nlp", Day1, "email", true, null, Fetched1, Ct);
        await ledger.RecordDeliveryAsync("nlp", Day1, "email", false, "timeout", Fetched2, Ct); // a resend that failed
        await ledger.RecordDeliveryAsync("nlp", Day2, "feishu", false, "bad sign", Fetched2, Ct);

        Assert.Equal(["email", "slack"], (await ledger.GetDeliveredChannelsAsync("nlp", Day1, Ct)).Order());
        Assert.Empty(await ledger.GetDeliveredChannelsAsync("nlp", Day2, Ct));
        Assert.Empty(await ledger.GetDeliveredChannelsAsync("physics", Day1, Ct));
        Assert.Equal(2, await ScalarAsync("SELECT attempts FROM deliveries WHERE channel = 'slack'"));
        Assert.Equal(["timeout"], await StringsAsync("SELECT last_error FROM deliveries WHERE channel = 'email'"));
    }

    // ---- run claims ---------------------------------------------------------------------------------------------

    [StoreFact]
    public async Task RunClaims_TwoClaimantsAtOnce_ExactlyOneWinsEachDigest()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var lease = TimeSpan.FromHours(1);
        for (var i = 0; i < 20; i++)
        {
            var digest = $"digest-{i}";
            var results = await Task.WhenAll(
                Task.Run(() => a.TryClaimRunAsync(digest, Day1, "host-a/1", Fetched1, lease, Ct)),
                Task.Run(() => b.TryClaimRunAsync(digest, Day1, "host-b/2", Fetched1, lease, Ct)));
            Assert.Equal(1, results.Count(won => won));
        }

        Assert.Equal(20, await ScalarAsync("SELECT count(*) FROM run_claims"));
    }

    [StoreFact]
    public async Task RunClaims_HeldUntilReleasedOrExpired_OwnerRenews()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var lease = TimeSpan.FromMinutes(30);

        Assert.True(await a.TryClaimRunAsync("nlp", Day1, "a", Fetched1, lease, Ct));
        Assert.False(await b.TryClaimRunAsync("nlp", Day1, "b", Fetched1.AddMinutes(29), lease, Ct));
        Assert.True(await b.TryClaimRunAsync("nlp", Day2, "b", Fetched1, lease, Ct));      // another listing date
        Assert.True(await b.TryClaimRunAsync("physics", Day1, "b", Fetched1, lease, Ct));  // another digest

        // The owner renews: the lease now ends 30 minutes after the renewal.
        Assert.True(await a.TryClaimRunAsync("nlp", Day1, "a", Fetched1.AddMinutes(20), lease, Ct));
        Assert.False(await b.TryClaimRunAsync("nlp", Day1, "b", Fetched1.AddMinutes(40), lease, Ct));

        // Releasing someone else's claim does nothing; the owner's release frees it.
        await b.ReleaseRunClaimAsync("nlp", Day1, "b", Ct);
        Assert.False(await b.TryClaimRunAsync("nlp", Day1, "b", Fetched1.AddMinutes(41), lease, Ct));
        await a.ReleaseRunClaimAsync("nlp", Day1, "a", Ct);
        Assert.True(await b.TryClaimRunAsync("nlp", Day1, "b", Fetched1.AddMinutes(42), lease, Ct));

        // An owner that died never releases: its claim lapses at the end of the lease.
        Assert.False(await a.TryClaimRunAsync("nlp", Day1, "a", Fetched1.AddMinutes(42) + lease - TimeSpan.FromSeconds(1), lease, Ct));
        Assert.True(await a.TryClaimRunAsync("nlp", Day1, "a", Fetched1.AddMinutes(42) + lease, lease, Ct));
        Assert.Equal(["a", "b"], await StringsAsync("SELECT owner FROM run_claims WHERE digest = 'nlp' ORDER BY listing_date"));
    }

    [StoreFact]
    public async Task RunClaims_RenewExtendsOnlyTheOwnersClaim_LostClaimStaysLost()
    {
        await using var a = await OpenAsync();
        await using var b = await OpenAsync();
        var lease = TimeSpan.FromMinutes(30);

        Assert.False(await a.RenewRunClaimAsync("nlp", Day1, "a", Fetched1, lease, Ct)); // never creates a claim
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM run_claims"));

        // Renewed at +20 and +40 min, the claim is still held at +60 min, past the first lease's end.
        Assert.True(await a.TryClaimRunAsync("nlp", Day1, "a", Fetched1, lease, Ct));
        Assert.True(await a.RenewRunClaimAsync("nlp", Day1, "a", Fetched1.AddMinutes(20), lease, Ct));
        Assert.True(await a.RenewRunClaimAsync("nlp", Day1, "a", Fetched1.AddMinutes(40), lease, Ct));
        Assert.False(await b.TryClaimRunAsync("nlp", Day1, "b", Fetched1.AddMinutes(60), lease, Ct));
        Assert.False(await b.RenewRunClaimAsync("nlp", Day1, "b", Fetched1.AddMinutes(60), lease, Ct)); // not b's to renew
        Assert.Equal(["a"], await StringsAsync("SELECT owner FROM run_claims"));
        Assert.Equal((Fetched1.AddMinutes(40) + lease).ToUnixTimeMilliseconds(), await ScalarAsync("SELECT expires_at FROM run_claims"));

        // A lapsed claim nobody took is still the owner's: renewing it is safe (nobody else has run the digest).
        Assert.True(await a.RenewRunClaimAsync("nlp", Day1, "a", Fetched1.AddMinutes(75), lease, Ct));
        Assert.False(await b.TryClaimRunAsync("nlp", Day1, "b", Fetched1.AddMinutes(100), lease, Ct));

        // Lapsed and taken over: lost for good, and b's claim is untouched.
        Assert.True(await b.TryClaimRunAsync("nlp", Day1, "b", Fetched1.AddMinutes(105), lease, Ct));
        Assert.False(await a.RenewRunClaimAsync("nlp", Day1, "a", Fetched1.AddMinutes(106), lease, Ct));
        Assert.Equal(["b"], await StringsAsync("SELECT owner FROM run_claims"));
        Assert.Equal((Fetched1.AddMinutes(105) + lease).ToUnixTimeMilliseconds(), await ScalarAsync("SELECT expires_at FROM run_claims"));

        // Released by its owner: renewing finds nothing.
        await b.ReleaseRunClaimAsync("nlp", Day1, "b", Ct);
        Assert.False(await b.RenewRunClaimAsync("nlp", Day1, "b", Fetched1.AddMinutes(110), lease, Ct));
        Assert.Equal(0, await ScalarAsync("SELECT count(*) FROM run_claims"));
    }

    [StoreFact]
    public async Task RunClaims_RenewWhileTheSameInstanceIsInATransaction_DoesNotInterfere()
    {
        await using var store = await OpenAsync();
        var lease = TimeSpan.FromMinutes(30);
        Assert.True(await store.TryClaimRunAsync("nlp", Day1, "a", Fetched1, lease, Ct));
        var big = Sample() with
        {
            Papers = Enumerable.Range(0, 1000).Select(i => SamplePapers()[0] with { Id = $"2603.{i:D5}" }).ToList(),
        };

        // A renewal timer fires, again and again, while the pipeline saves a big announcement on the same instance
        // (a SQLite renewal on the store's own connection fails here: "Execute requires the command to have a transaction").
        var saves = Task.Run(() => store.SaveAnnouncementAsync(big, "https://rss.arxiv.org/rss/cs.CL", Fetched1, Ct));
        var renewals = 0;
        while (!saves.IsCompleted || renewals == 0)
        {
            renewals++;
            Assert.True(await store.RenewRunClaimAsync("nlp", Day1, "a", Fetched1.AddMinutes(renewals), lease, Ct));
        }

        await saves;
        Assert.Equal((Fetched1.AddMinutes(renewals) + lease).ToUnixTimeMilliseconds(), await ScalarAsync("SELECT expires_at FROM run_claims"));
        Assert.Equal(1000, (await store.GetAnnouncedPapersAsync("cs.CL", Day1, Ct)).Count);
    }

    // ---- sample data and helpers --------------------------------------------------------------------------------

    /// <summary>Every row of the data tables, as text, in a stable order.</summary>
    private async Task<List<string>> SnapshotAsync()
    {
        var rows = new List<string>();
        foreach (var (table, order) in new[] { ("papers", "id, version"), ("announcements", "category, listing_date"), ("announcement_papers", "category, listing_date, position") })
        {
            foreach (var row in await RowsAsync($"SELECT * FROM {table} ORDER BY {order}"))
            {
                rows.Add(table + ": " + string.Join(" | ", row.Select(v => v is null or DBNull ? "NULL" : Convert.ToString(v, CultureInfo.InvariantCulture))));
            }
        }

        return rows;
    }

    protected static Announcement Sample() => new()
    {
        Category = "cs.CL",
        ListingDate = Day1,
        Papers = SamplePapers(),
        Origin = "https://rss.arxiv.org/rss/cs.CL",
    };

    protected static Paper[] SamplePapers() =>
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
            Subjects = [new("cs.CL", "Computation and Language"), new("cs.AI", "Artificial Intelligence"), new("cs.LG", "Machine Learning")],
            AnnounceType = AnnounceType.New,
            ListingDate = Day1,
            Published = new DateOnly(2026, 3, 20),
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
            Published = new DateOnly(1999, 1, 4),
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
}
