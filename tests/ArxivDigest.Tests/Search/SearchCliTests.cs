using System.Collections;
using System.Text.Json;
using ArxivDigest.Arxiv;
using ArxivDigest.Cli;
using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Storage;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Search;

/// <summary><c>arxiv-digest search</c> end to end: the real CLI in-process over a store holding the Kaggle fixture.</summary>
public sealed class SearchCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arxiv-digest-search-cli-").FullName;
    private readonly Hashtable _env = new();

    public SearchCliTests() => File.WriteAllText(EmptyConfig, "");

    private string Db => Path.Combine(_dir, "store.db");

    private string EmptyConfig => Path.Combine(_dir, "empty.toml");

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task SeedAsync()
    {
        await using var store = await SqliteStore.OpenAsync(Db, CancellationToken.None);
        using var reader = new StreamReader(Fixtures.At("kaggle/snapshot-head-200-lines.jsonl"));
        var papers = KaggleSnapshotReader.Read(reader, "kaggle").Select(l => l.Paper!).ToList();
        await store.SavePapersAsync(papers, "kaggle", DateTimeOffset.UnixEpoch, CancellationToken.None);
    }

    private async Task<CliResult> Search(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(
            ["search", .. args, "--db", Db, "--config", EmptyConfig],
            new CliContext(stdout, stderr, _env, TimeProvider.System, Interactive: false));
        return new CliResult(code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>Imports <see cref="SearchIndexNotice.Threshold"/> papers through the CLI: the fixture's 200 lines again and again, each with an id of its own.</summary>
    private async Task ImportManyAsync()
    {
        var file = Path.Combine(_dir, "snapshot.jsonl");
        var lines = File.ReadAllLines(Fixtures.At("kaggle/snapshot-head-200-lines.jsonl"));
        await using (var writer = new StreamWriter(file))
        {
            for (var i = 0; i < SearchIndexNotice.Threshold; i++)
            {
                var line = lines[i % lines.Length];
                var id = JsonDocument.Parse(line).RootElement.GetProperty("id").GetString();
                await writer.WriteLineAsync(line.Replace($"{{\"id\":\"{id}\"", $"{{\"id\":\"2601.{i:D5}\"", StringComparison.Ordinal));
            }
        }

        var import = await CliApp.RunAsync(["import", file, "--db", Db, "--config", EmptyConfig],
            new CliContext(new StringWriter(), new StringWriter(), _env, TimeProvider.System, Interactive: false));
        Assert.Equal(0, import);
    }

    private static string Notice(string firstWork) =>
        $"the search index lacks {SearchIndexNotice.Threshold:N0} stored papers (after an import or an upgrade that rebuilds it): " +
        $"the first {firstWork} indexes them, once; about 6 minutes per million papers on 2 cores";

    [Fact]
    public async Task After_an_import_of_many_papers_the_first_search_says_it_indexes_them_and_finds_them()
    {
        await ImportManyAsync();

        var first = await Search("ti:\"diphoton production\"", "--limit", "100");
        var again = await Search("ti:\"diphoton production\"", "--limit", "100");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal($"info: {Notice("search")}\n", first.Stderr);
        Assert.Equal(SearchIndexNotice.Threshold / 200, first.Stdout.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal("", again.Stderr);
        Assert.Equal(first.Stdout, again.Stdout);
    }

    [Fact]
    public async Task After_an_import_of_many_papers_run_says_its_save_indexes_them_first_and_site_which_saves_nothing_does_not()
    {
        await ImportManyAsync();
        var siteErr = new StringWriter();
        var site = await CliApp.RunAsync(["site", "--out", Path.Combine(_dir, "site"), "--db", Db, "--config", EmptyConfig],
            new CliContext(new StringWriter(), siteErr, _env, TimeProvider.System, Interactive: false));
        Assert.True(site == 0, siteErr.ToString());
        Assert.DoesNotContain("the search index lacks", siteErr.ToString(), StringComparison.Ordinal);

        var out1 = new StringWriter();
        var err1 = new StringWriter();
        string[] run =
        [
            "run", "--from-file", Fixtures.At("listing/new-gr-qc-2024-08-09.html"), "--category", "gr-qc", "--query", "black hole",
            "--translator", "none", "--db", Db, "--config", EmptyConfig, "--out", Path.Combine(_dir, "out"),
        ];

        var code = await CliApp.RunAsync(run, new CliContext(out1, err1, _env, TimeProvider.System, Interactive: false));
        var err2 = new StringWriter();
        await CliApp.RunAsync(run, new CliContext(new StringWriter(), err2, _env, TimeProvider.System, Interactive: false));

        Assert.True(code == 0, err1.ToString());
        Assert.Contains($"info {Notice("save of papers")}", err1.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("the search index lacks", err2.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_an_import_of_many_papers_serve_says_its_first_search_indexes_them()
    {
        await ImportManyAsync();

        using var serve = await Web.ServingCli.StartAsync("--db", Db, "--config", EmptyConfig, "--translator", "none");
        for (var i = 0; i < 200 && !serve.Stderr.ToString().Contains("the search index lacks", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        Assert.StartsWith($"info: {Notice("search")}\n", serve.Stderr.ToString(), StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(serve.Address) };
        var page = await http.GetStringAsync("/api/search?q=ti:%22diphoton%20production%22&limit=100");
        Assert.Equal(SearchIndexNotice.Threshold / 200, JsonDocument.Parse(page).RootElement.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Text_output_has_one_block_per_hit_with_rank_id_date_title_authors_categories_link_and_terms()
    {
        await SeedAsync();

        var r = await Search("ti:\"diphoton production\"", "--limit", "2");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("", r.Stderr);
        var blocks = r.Stdout.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        var first = blocks[0].Split('\n');
        Assert.Matches(@"^1\. 0704\.0001v\d+  (\d{4}-\d{2}-\d{2}|\(no date\))  score \d+\.\d\d$", first[0]);
        Assert.Equal("   Calculation of prompt diphoton production cross sections at Tevatron and LHC energies", first[1]);
        Assert.Equal("   C. Balázs, E. L. Berger, P. M. Nadolsky, C.-P. Yuan", first[2]);
        Assert.Equal("   hep-ph", first[3]);
        Assert.Matches(@"^   https://arxiv\.org/abs/0704\.\d{4}$", first[4]);
        Assert.Equal("   matched in title: diphoton production", first[5]);
    }

    [Fact]
    public async Task Json_output_is_an_array_of_hits_with_the_same_fields()
    {
        await SeedAsync();

        var r = await Search("quantum", "--format", "json", "--limit", "3", "--category", "quant-ph");

        Assert.Equal(0, r.ExitCode);
        using var json = JsonDocument.Parse(r.Stdout);
        var hits = json.RootElement.EnumerateArray().ToList();
        Assert.InRange(hits.Count, 1, 3);
        Assert.Equal(Enumerable.Range(1, hits.Count), hits.Select(h => h.GetProperty("rank").GetInt32()));
        foreach (var h in hits)
        {
            Assert.StartsWith("0704.", h.GetProperty("id").GetString());
            Assert.Contains("quant-ph", h.GetProperty("categories").EnumerateArray().Select(c => c.GetString()));
            Assert.Equal("https://arxiv.org/abs/" + h.GetProperty("id").GetString(), h.GetProperty("absUrl").GetString());
            Assert.Contains("quantum", h.GetProperty("matchedTerms").EnumerateArray().Select(t => t.GetString()));
            Assert.NotEmpty(h.GetProperty("authors").EnumerateArray());
            var date = h.GetProperty("date");
            Assert.True(date.ValueKind == JsonValueKind.Null || DateOnly.TryParseExact(date.GetString(), "yyyy-MM-dd", out _));
        }
    }

    [Fact]
    public async Task Json_escapes_quotes_backslashes_and_control_characters_in_stored_text()
    {
        await using (var store = await SqliteStore.OpenAsync(Db, CancellationToken.None))
        {
            await store.SavePapersAsync(
                [new ArxivDigest.Papers.Paper { Id = "2601.00001", Title = "Quoted \"tokamak\" \\ with\ttab </script>", Abstract = "x", Authors = ["A \"B\" C"] }],
                "test",
                DateTimeOffset.UnixEpoch,
                CancellationToken.None);
        }

        var r = await Search("tokamak", "--format", "json");

        Assert.Equal(0, r.ExitCode);
        using var json = JsonDocument.Parse(r.Stdout);
        Assert.Equal("Quoted \"tokamak\" \\ with\ttab </script>", json.RootElement[0].GetProperty("title").GetString());
        Assert.Equal("A \"B\" C", json.RootElement[0].GetProperty("authors")[0].GetString());
    }

    [Fact]
    public async Task No_hit_prints_no_papers_match_and_exits_0()
    {
        await SeedAsync();

        var r = await Search("zzyzx nonexistentword");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("no papers match\n", r.Stdout);
        Assert.Equal("[]\n", (await Search("zzyzx", "--format", "json")).Stdout);
    }

    [Fact]
    public async Task Paging_says_how_to_get_more()
    {
        await SeedAsync();

        var r = await Search("quantum", "--limit", "2");

        Assert.Equal(0, r.ExitCode);
        Assert.EndsWith("more papers match: --offset 2\n", r.Stdout);
        var next = await Search("quantum", "--limit", "2", "--offset", "2");
        Assert.StartsWith("3. ", next.Stdout);
    }

    [Fact]
    public async Task A_bad_query_is_one_error_line_with_the_position_and_exit_2()
    {
        var r = await Search("ti:(quantum OR");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("error: query \"ti:(quantum OR\": at character 15: expected a term after 'OR'\n", r.Stderr);
    }

    [Theory]
    [InlineData("--from", "2026-13-01", "error: --from: '2026-13-01' is not a date (YYYY-MM-DD)")]
    [InlineData("--category", "cs.XX", "error: --category: 'cs.XX' is not an arXiv category or archive (cs, cs.LG, hep-th ...)")]
    [InlineData("--format", "xml", "error: --format: 'xml' is not a search output format (text or json)")]
    [InlineData("--limit", "0", "error: --limit: 0 is not a number of hits (1 or more)")]
    public async Task Bad_options_are_one_error_line_and_exit_2(string option, string value, string error)
    {
        var r = await Search("quantum", option, value);

        Assert.Equal(2, r.ExitCode);
        Assert.Equal(error + "\n", r.Stderr);
    }

    [Fact]
    public async Task Search_help_matches_its_snapshot()
    {
        var stdout = new StringWriter();
        var code = await CliApp.RunAsync(["search", "--help"], new CliContext(stdout, new StringWriter(), _env, TimeProvider.System, Interactive: false));

        Assert.Equal(0, code);
        var text = stdout.ToString().ReplaceLineEndings("\n")
            .Replace($"\n  {System.CommandLine.RootCommand.ExecutableName} ", "\n  arxiv-digest ", StringComparison.Ordinal);
        Assert.Contains("Usage:\n  arxiv-digest search <QUERY> [options]", text);
        foreach (var option in new[] { "--from", "--to", "--category", "--limit", "--offset", "--format", "--config", "--db" })
        {
            Assert.Contains(option + " <", text);
        }

        if (Console.IsOutputRedirected)
        {
            // System.CommandLine wraps at the real console's width when stdout is a terminal.
            Golden.AssertText("cli/help-search.txt", text);
        }
    }
}
