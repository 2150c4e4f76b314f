using System.Text.Json;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Cli;

/// <summary>Named groups, an author watch list and exclusions, configured in TOML and run through the CLI.</summary>
public sealed class QueryGroupTests : IDisposable
{
    private readonly CliRunner cli = new();

    public QueryGroupTests() => cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";

    public void Dispose() => cli.Dispose();

    private async Task<JsonElement> RunWithConfig(string toml)
    {
        var config = Path.Combine(cli.Dir, "config.toml");
        await File.WriteAllTextAsync(config, toml);
        var result = await cli.RunJobAsync("run", "--config", config, "--from-file", Fixtures.At("listing/new-hep-th-2024-08-09.html"), "--format", "json");
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        var json = await File.ReadAllTextAsync(Path.Combine(cli.Out, "hep", "2024-08-09.json"));
        return JsonDocument.Parse(json).RootElement.Clone();
    }

    private static List<(string Query, List<JsonElement> Papers)> Groups(JsonElement digest) =>
        digest.GetProperty("groups").EnumerateArray()
            .Select(g => (g.GetProperty("query").GetString()!, g.GetProperty("papers").EnumerateArray().ToList()))
            .ToList();

    private static string Id(JsonElement paper) => paper.GetProperty("id").GetString()!;

    private const string Toml = """
        [[digest]]
        name = "hep"
        categories = ["hep-th"]
        include = ["new", "cross"]
        authors = ["Bob Holdom", "Friedrich Hubner"]
        queries = ["black hole"]
        exclude = ["warp drive"]

        [[digest.group]]
        name = "Gravity in gr-qc"
        query = "gravit* OR cosmolog*"
        categories = ["gr-qc"]
        exclude = ["ti:wormhole"]
        """;

    [Fact]
    public async Task The_author_watch_list_comes_first_and_folds_diacritics()
    {
        var groups = Groups(await RunWithConfig(Toml));

        Assert.Equal("Authors", groups[0].Query);
        // "Friedrich Hubner" finds "Friedrich Hübner"; "Bob Holdom" finds his paper.
        Assert.Equal(["2408.04089", "2408.04502"], groups[0].Papers.Select(Id).Order().ToArray());
    }

    [Fact]
    public async Task A_digest_wide_exclusion_drops_a_paper_from_every_group()
    {
        var groups = Groups(await RunWithConfig(Toml));

        var blackHole = groups.Single(g => g.Query == "black hole").Papers.Select(Id).ToList();
        Assert.Contains("2408.04408", blackHole);
        Assert.Contains("2408.04494", blackHole);
        Assert.DoesNotContain("2408.04495", blackHole); // "Black Holes, Warp Drives, and Energy Conditions"
        Assert.DoesNotContain(groups, g => g.Papers.Any(p => Id(p) == "2408.04495"));
    }

    [Fact]
    public async Task A_named_group_keeps_only_its_categories_and_its_own_exclusions()
    {
        var groups = Groups(await RunWithConfig(Toml));

        var gravity = groups.Single(g => g.Query == "Gravity in gr-qc").Papers;
        Assert.NotEmpty(gravity);
        Assert.All(gravity, p => Assert.Contains(p.GetProperty("subjects").EnumerateArray(), s => s.GetProperty("code").GetString() == "gr-qc"));
        Assert.DoesNotContain(gravity, p => p.GetProperty("title").GetString()!.Contains("Wormhole", StringComparison.OrdinalIgnoreCase));
        // The gr-qc paper "Weyl-Einsteinian-Cubic Gravity" is in; hep-th-only gravity papers are not.
        Assert.Contains(gravity, p => Id(p) == "2408.04282");
        Assert.DoesNotContain(gravity, p => Id(p) == "2408.04089");
    }

    [Fact]
    public async Task The_json_names_the_terms_that_matched()
    {
        var groups = Groups(await RunWithConfig(Toml));

        var paper = groups.Single(g => g.Query == "black hole").Papers.First(p => Id(p) == "2408.04408");
        Assert.Equal("black hole", paper.GetProperty("matched").GetString());
    }

    [Fact]
    public async Task A_bad_group_query_is_reported_with_file_line_and_position_and_nothing_runs()
    {
        var config = Path.Combine(cli.Dir, "config.toml");
        await File.WriteAllTextAsync(config, """
            [[digest]]
            name = "hep"
            categories = ["hep-th"]

            [[digest.group]]
            name = "broken"
            query = "(black hole OR"
            """);

        var result = await cli.RunJobAsync("run", "--config", config, "--from-file", Fixtures.At("listing/new-hep-th-2024-08-09.html"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{config}:7", result.Stderr);
        Assert.Contains("query \"(black hole OR\": at character 15: expected a term after 'OR'", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(cli.Out, "hep")));
    }

    [Fact]
    public async Task Config_check_lists_the_groups_authors_and_exclusions_of_each_digest()
    {
        var config = Path.Combine(cli.Dir, "config.toml");
        await File.WriteAllTextAsync(config, Toml);

        var result = await cli.RunAsync("config", "check", "--config", config);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains(
            "digest hep: categories hep-th; queries black hole; authors Bob Holdom, Friedrich Hubner; group Gravity in gr-qc: gravit* OR cosmolog*; exclude warp drive",
            result.Stdout);
    }

    [Fact]
    public async Task A_group_table_before_any_digest_is_a_config_error()
    {
        var config = Path.Combine(cli.Dir, "config.toml");
        await File.WriteAllTextAsync(config, """
            [[digest.group]]
            name = "orphan"
            query = "black hole"
            """);

        var result = await cli.RunAsync("config", "check", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"{config}:1", result.Stderr);
        Assert.Contains("[[digest.group]] must follow the [[digest]] table", result.Stderr);
    }
}
