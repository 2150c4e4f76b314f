using System.Collections;
using System.CommandLine;
using ArxivDigest.Cli;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Cli;

/// <summary>
/// The real CLI run in-process: help and error-message snapshots, exit codes, and configuration from file,
/// environment and options. Every job command gets --db/--out (and an empty --config unless the test brings its
/// own) inside a fresh temp directory, and an environment of its own, so nothing reads or writes the user's home.
/// </summary>
public sealed class CliTests : IDisposable
{
    private const string UsageHint = "Run 'arxiv-digest --help' for usage.";

    private static readonly string[] CommonOptionNames =
    [
        "--config", "--db", "--out", "--category", "--query", "--include", "--source", "--arxiv-url", "--rss-url",
        "--api-url", "--from-file", "--format", "--timezone", "--language", "--translator", "--request-interval",
    ];

    private readonly string dir = Directory.CreateTempSubdirectory("arxiv-digest-cli-").FullName;
    private readonly Hashtable env = new();

    public CliTests() => File.WriteAllText(EmptyConfig, "");

    private string Db => Path.Combine(dir, "store.db");

    private string Out => Path.Combine(dir, "digests");

    /// <summary>An empty config file: keeps a real ~/.config/arxiv-digest/config.toml out of the tests.</summary>
    private string EmptyConfig => Path.Combine(dir, "empty.toml");

    public void Dispose()
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private sealed record Result(int Code, string Stdout, string Stderr)
    {
        public string[] ErrorLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private async Task<Result> Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(stdout, stderr, env, TimeProvider.System, Interactive: false));
        return new Result(code, stdout.ToString().ReplaceLineEndings("\n"), stderr.ToString().ReplaceLineEndings("\n"));
    }

    /// <summary>Runs a (sub)command with this test's --db and --out, and the empty config unless --config is given.</summary>
    private Task<Result> RunJob(string command, params string[] args) =>
        Run([.. command.Split(' '), "--db", Db, "--out", Out, .. args.Contains("--config") ? [] : new[] { "--config", EmptyConfig }, .. args]);

    private string Tmp(string name) => Path.Combine(dir, name);

    /// <summary>Replaces this test's temp directory with &lt;tmp&gt; so snapshots do not depend on it.</summary>
    private string Normalise(string text) => text.Replace(dir, "<tmp>", StringComparison.Ordinal);

    /// <summary>One line per problem, each starting with "error:", no stack trace; parse errors end with the usage hint.</summary>
    private static void AssertErrorLines(Result r, bool usageHint = false)
    {
        Assert.DoesNotContain("   at ", r.Stderr);
        Assert.NotEmpty(r.ErrorLines);
        var lines = usageHint ? r.ErrorLines[..^1] : r.ErrorLines;
        if (usageHint)
        {
            Assert.Equal(UsageHint, r.ErrorLines[^1]);
        }

        Assert.NotEmpty(lines);
        Assert.All(lines, l => Assert.StartsWith("error: ", l, StringComparison.Ordinal));
    }

    private void AssertErrorSnapshot(string golden, Result r, bool usageHint = false)
    {
        Assert.True(r.Code == ExitCodes.Usage, $"exit {r.Code}\n{r.Stderr}");
        AssertErrorLines(r, usageHint);
        Assert.Equal("", r.Stdout);
        Golden.AssertText($"cli/{golden}", Normalise(r.Stderr));
    }

    // ---- help ----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Help wraps at Console.WindowWidth when the test process's own stdout is a terminal (System.CommandLine looks
    /// at the real console, not at CliContext.Out); under `dotnet test` it is redirected, so nothing wraps. The usage
    /// line names the running executable (testhost here), shown as arxiv-digest in the snapshots.
    /// </summary>
    private static void AssertHelpSnapshot(string golden, Result r)
    {
        Assert.Equal(ExitCodes.Success, r.Code);
        Assert.Equal("", r.Stderr);
        var text = r.Stdout.Replace($"\n  {RootCommand.ExecutableName} ", "\n  arxiv-digest ", StringComparison.Ordinal);
        Assert.Contains("Usage:\n  arxiv-digest", text);
        if (Console.IsOutputRedirected)
        {
            Golden.AssertText($"cli/{golden}", text);
        }
    }

    [Fact]
    public async Task Root_help_matches_its_snapshot_and_lists_every_verb()
    {
        var r = await Run("--help");

        AssertHelpSnapshot("help-root.txt", r);
        foreach (var verb in new[] { "run", "fetch", "digest", "config", "import", "serve" })
        {
            Assert.Matches($"(?m)^  {verb} ", r.Stdout);
        }
    }

    [Fact]
    public async Task Run_help_matches_its_snapshot_and_lists_every_option()
    {
        var r = await RunJob("run", "--help");

        AssertHelpSnapshot("help-run.txt", r);
        foreach (var option in CommonOptionNames)
        {
            Assert.Matches($"(?m)^  {option} <", r.Stdout);
        }
    }

    [Fact]
    public async Task Config_help_matches_its_snapshot_and_lists_init_and_check()
    {
        var r = await Run("config", "--help");

        AssertHelpSnapshot("help-config.txt", r);
        Assert.Matches("(?m)^  init ", r.Stdout);
        Assert.Matches("(?m)^  check ", r.Stdout);
    }

    [Fact]
    public async Task Backfill_help_matches_its_snapshot_and_explains_oai_datestamps()
    {
        var r = await RunJob("backfill", "--help");

        AssertHelpSnapshot("help-backfill.txt", r);
        Assert.Matches("(?m)^  --from <YYYY-MM-DD> \\(REQUIRED\\)", r.Stdout);
        Assert.Contains("--oai-url <URL>", r.Stdout);
        Assert.Contains("LAST-MODIFIED", r.Stdout);
    }

    [Fact]
    public async Task Digest_help_matches_its_snapshot_and_lists_date_and_every_option()
    {
        var r = await RunJob("digest", "--help");

        AssertHelpSnapshot("help-digest.txt", r);
        Assert.Matches("(?m)^  --date <YYYY-MM-DD> \\(REQUIRED\\)", r.Stdout);
        foreach (var option in CommonOptionNames)
        {
            Assert.Matches($"(?m)^  {option} <", r.Stdout);
        }
    }

    [Fact]
    public async Task Import_help_matches_its_snapshot_and_names_the_file_argument_and_exit_codes()
    {
        var r = await Run("import", "--help");

        AssertHelpSnapshot("help-import.txt", r);
        Assert.Matches("(?m)^  <FILE> ", r.Stdout);
        Assert.Matches("(?m)^  --batch-size <N> ", r.Stdout);
        Assert.Contains("Exit 0 when done", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_help_lists_every_option()
    {
        var r = await RunJob("config check", "--help");

        Assert.Equal(ExitCodes.Success, r.Code);
        foreach (var option in CommonOptionNames)
        {
            Assert.Matches($"(?m)^  {option} <", r.Stdout);
        }
    }

    // ---- error messages ------------------------------------------------------------------------------------------

    [Fact]
    public async Task Unknown_verb_exits_2_naming_it()
    {
        // Parsing fails before any action runs, and the root command has no --db/--out (passing them would only add
        // one "Unrecognized" line per token), so this is the one command run without them.
        var r = await Run("frobnicate");

        AssertErrorSnapshot("error-unknown-verb.txt", r, usageHint: true);
        Assert.Contains("'frobnicate'", r.Stderr);
    }

    [Fact]
    public async Task Run_with_request_interval_below_3s_for_arxiv_org_exits_2_naming_the_option_and_the_limit()
    {
        var r = await RunJob("run", "--request-interval", "1");

        AssertErrorSnapshot("error-request-interval.txt", r);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("--request-interval", line);
        Assert.Contains("3 s", line);
        Assert.Contains("arxiv.org", line);
    }

    [Fact]
    public async Task Request_interval_below_3s_is_not_refused_for_a_host_other_than_arxiv()
    {
        var r = await RunJob("config check", "--request-interval", "1", "--arxiv-url", "http://127.0.0.1:9");

        Assert.True(r.Code == ExitCodes.Success, r.Stderr);
        Assert.Equal("", r.Stderr);
        Assert.StartsWith("ok: ", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_interval_below_3s_is_refused_by_config_check_too()
    {
        var r = await RunJob("config check", "--request-interval", "1");

        Assert.Equal(ExitCodes.Usage, r.Code);
        AssertErrorLines(r);
        Assert.Contains("--request-interval", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public async Task Unknown_category_exits_2_naming_it()
    {
        var r = await RunJob("run", "--category", "astroph");

        AssertErrorSnapshot("error-unknown-category.txt", r);
        Assert.Contains("'astroph'", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public async Task Unknown_format_exits_2_listing_the_valid_formats()
    {
        var r = await RunJob("run", "--format", "pdf");

        AssertErrorSnapshot("error-unknown-format.txt", r);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("'pdf'", line);
        Assert.Contains("text, markdown, json", line);
    }

    [Fact]
    public async Task Unknown_translator_exits_2_listing_the_valid_names()
    {
        var r = await RunJob("run", "--translator", "yandex");

        AssertErrorSnapshot("error-unknown-translator.txt", r);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("'yandex'", line);
        Assert.Contains("valid: google, openai, deepl, google-cloud, azure, none", line);
    }

    [Fact]
    public async Task Unknown_timezone_exits_2_naming_it()
    {
        var r = await RunJob("run", "--timezone", "Mars/Olympus");

        AssertErrorSnapshot("error-unknown-timezone.txt", r);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("--timezone", line);
        Assert.Contains("'Mars/Olympus'", line);
    }

    [Fact]
    public async Task Out_of_range_utc_offset_timezone_exits_2_naming_the_option()
    {
        var r = await RunJob("run", "--timezone", "UTC+14:30");

        Assert.Equal(ExitCodes.Usage, r.Code);
        AssertErrorLines(r);
        Assert.Contains("--timezone", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public async Task Digest_with_an_impossible_date_exits_2_naming_date()
    {
        var r = await RunJob("digest", "--date", "2026-13-01");

        AssertErrorSnapshot("error-digest-date.txt", r);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("--date", line);
        Assert.Contains("'2026-13-01'", line);
        Assert.False(File.Exists(Db), "the database must not be created for a bad date");
    }

    [Fact]
    public async Task From_file_that_does_not_exist_exits_2_naming_the_file()
    {
        var missing = Tmp("nonexistent.html");
        var r = await RunJob("run", "--from-file", missing);

        AssertErrorSnapshot("error-from-file-missing.txt", r);
        var line = Assert.Single(r.ErrorLines);
        Assert.Contains("--from-file", line);
        Assert.Contains(missing, line);
    }

    [Fact]
    public async Task From_file_absolute_nonexistent_path_exits_2_naming_it()
    {
        var r = await RunJob("run", "--from-file", "/nonexistent");

        Assert.Equal(ExitCodes.Usage, r.Code);
        AssertErrorLines(r);
        Assert.Contains("/nonexistent", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public async Task Db_pointing_at_a_directory_exits_2_with_one_line_naming_the_path()
    {
        var db = Tmp("db-is-a-dir");
        Directory.CreateDirectory(db);

        // digest opens the store before anything else and never fetches, so no network is involved.
        var r = await Run("digest", "--date", "2026-03-26", "--db", db, "--out", Out, "--config", EmptyConfig);

        AssertErrorSnapshot("error-db-is-directory.txt", r);
        Assert.Contains(db, Assert.Single(r.ErrorLines));
    }

    // ---- config init / check -------------------------------------------------------------------------------------

    [Fact]
    public async Task Config_init_writes_a_file_that_config_check_accepts_as_the_defaults()
    {
        var path = Tmp("c.toml");

        var init = await Run("config", "init", "--config", path);

        Assert.True(init.Code == ExitCodes.Success, init.Stderr);
        Assert.True(File.Exists(path));
        Assert.Contains(path, init.Stdout);
        Assert.Contains("categories = [\"cs\"]", File.ReadAllText(path));

        var check = await RunJob("config check", "--config", path);

        Assert.True(check.Code == ExitCodes.Success, check.Stderr);
        Assert.Equal("", check.Stderr);
        Assert.StartsWith($"ok: {path}\n", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("digest default: categories cs; queries reinforcement learning | diffusion policy", check.Stdout);
    }

    [Fact]
    public async Task Config_init_refuses_to_overwrite_without_force()
    {
        var path = Tmp("c.toml");
        Assert.Equal(ExitCodes.Success, (await Run("config", "init", "--config", path)).Code);
        File.AppendAllText(path, "# edited by hand\n");

        var again = await Run("config", "init", "--config", path);

        Assert.Equal(ExitCodes.Usage, again.Code);
        AssertErrorLines(again);
        var line = Assert.Single(again.ErrorLines);
        Assert.Contains(path, line);
        Assert.Contains("--force", line);
        Assert.EndsWith("# edited by hand\n", File.ReadAllText(path));

        var forced = await Run("config", "init", "--config", path, "--force");

        Assert.Equal(ExitCodes.Success, forced.Code);
        Assert.DoesNotContain("# edited by hand", File.ReadAllText(path));
    }

    [Fact]
    public async Task Config_check_reports_every_problem_of_a_config_file_with_its_path_and_line()
    {
        var path = Tmp("bad.toml");
        File.WriteAllText(path, string.Join("\n",
            "# several problems",         // 1
            "timezone = \"Nowhere/Never\"", // 2: bad time zone
            "colour = \"blue\"",          // 3: unknown key
            "categories = 5",             // 4: wrong type
            "",                           // 5
            "[foo]",                      // 6: unknown table
            "x = 1",                      // 7
            ""));

        var r = await RunJob("config check", "--config", path);

        Assert.Equal(ExitCodes.Usage, r.Code);
        AssertErrorLines(r);
        Assert.Equal("", r.Stdout);
        Assert.Equal(4, r.ErrorLines.Length);
        Assert.Contains(r.ErrorLines, l => l.StartsWith($"error: {path}:2: ", StringComparison.Ordinal) && l.Contains("Nowhere/Never"));
        Assert.Contains(r.ErrorLines, l => l.StartsWith($"error: {path}:3: ", StringComparison.Ordinal) && l.Contains("'colour'"));
        Assert.Contains(r.ErrorLines, l => l.StartsWith($"error: {path}:4: ", StringComparison.Ordinal) && l.Contains("'categories'"));
        Assert.Contains(r.ErrorLines, l => l.StartsWith($"error: {path}:6: ", StringComparison.Ordinal) && l.Contains("[foo]"));
        Golden.AssertText("cli/error-config-several-problems.txt", Normalise(r.Stderr));
    }

    [Theory]
    [InlineData("out = \"x\"\n= 5\nqueries = [\"a\"]\n")] // a value without a key on line 2
    [InlineData("out = \"x\"\nlanguage = \"zh\nqueries = [\"a\"]\n")] // an unterminated string on line 2
    [InlineData("out = \"x\"\nout = \"y\"\n")] // a key defined twice, the second time on line 2
    public async Task Config_check_reports_a_toml_syntax_error_with_its_line(string text)
    {
        var path = Tmp("syntax.toml");
        File.WriteAllText(path, text);

        var r = await RunJob("config check", "--config", path);

        Assert.Equal(ExitCodes.Usage, r.Code);
        AssertErrorLines(r);
        Assert.Contains(r.ErrorLines, l => l.StartsWith($"error: {path}:2: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Config_check_reports_digest_tables_with_the_same_name()
    {
        var path = Tmp("dup.toml");
        File.WriteAllText(path, string.Join("\n",
            "queries = [\"rl\"]",   // 1
            "",                     // 2
            "[[digest]]",           // 3
            "name = \"robots\"",    // 4
            "",                     // 5
            "[[digest]]",           // 6
            "name = \"robots\"",    // 7
            "categories = [\"cs.RO\"]",
            ""));

        var r = await RunJob("config check", "--config", path);

        Assert.Equal(ExitCodes.Usage, r.Code);
        AssertErrorLines(r);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith($"error: {path}:7: ", line, StringComparison.Ordinal);
        Assert.Contains("'robots'", line);
        Assert.Contains("twice", line);
    }

    [Fact]
    public async Task Config_check_prints_each_digest_table_with_its_categories_and_queries()
    {
        var path = Tmp("two.toml");
        File.WriteAllText(path, string.Join("\n",
            "queries = [\"reinforcement learning\"]",
            "[[digest]]",
            "name = \"robots\"",
            "categories = [\"cs.RO\"]",
            "queries = [\"diffusion policy\", \"sim-to-real\"]",
            "[[digest]]",
            "name = \"ml\"",
            "categories = [\"cs.LG\", \"stat.ML\"]",
            ""));

        var r = await RunJob("config check", "--config", path);

        Assert.True(r.Code == ExitCodes.Success, r.Stderr);
        Assert.Equal(
            $"ok: {path}\n"
            + $"  database {Db}; output {Out}; formats text,markdown,json\n"
            + "  translators google\n"
            + "  digest robots: categories cs.RO; queries diffusion policy | sim-to-real\n"
            + "  digest ml: categories cs.LG, stat.ML; queries reinforcement learning\n",
            r.Stdout);
    }

    [Fact]
    public async Task An_invalid_timezone_from_the_environment_is_reported_naming_the_variable()
    {
        env["ARXIV_DIGEST_TIMEZONE"] = "Nowhere/Never";

        var r = await RunJob("config check");

        Assert.Equal(ExitCodes.Usage, r.Code);
        AssertErrorLines(r);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: ARXIV_DIGEST_TIMEZONE: ", line, StringComparison.Ordinal);
        Assert.Contains("'Nowhere/Never'", line);
    }

    [Fact]
    public async Task A_comma_separated_category_variable_gives_both_categories()
    {
        env["ARXIV_DIGEST_CATEGORY"] = "cs.AI,cs.LG";

        var r = await RunJob("config check");

        Assert.True(r.Code == ExitCodes.Success, r.Stderr);
        Assert.Contains("digest default: categories cs.AI, cs.LG;", r.Stdout);
    }

    [Fact]
    public async Task An_unknown_html_show_value_is_reported_with_its_line()
    {
        var path = Tmp("show.toml");
        File.WriteAllText(path, "out = \"x\"\nhtml_show = \"english\"\n");

        var r = await RunJob("config check", "--config", path);

        Assert.Equal(ExitCodes.Usage, r.Code);
        Assert.Contains($"{path}:2: html_show must be both, original or translation, got 'english'", Assert.Single(r.ErrorLines));
    }

    [Fact]
    public async Task A_comma_separated_category_option_gives_both_categories()
    {
        var r = await RunJob("config check", "--category", "cs.AI,cs.LG", "--category", "cs.RO");

        Assert.True(r.Code == ExitCodes.Success, r.Stderr);
        Assert.Contains("digest default: categories cs.AI, cs.LG, cs.RO;", r.Stdout);
    }

    [Fact]
    public async Task An_unknown_ARXIV_DIGEST_variable_is_reported_by_name()
    {
        env["ARXIV_DIGEST_CATEGORIES"] = "cs.AI";

        var r = await RunJob("config check");

        Assert.Equal(ExitCodes.Usage, r.Code);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: ARXIV_DIGEST_CATEGORIES: unknown variable", line);
        Assert.Contains("ARXIV_DIGEST_CATEGORY", line);
    }

    [Fact]
    public async Task A_quoted_query_and_its_unquoted_twin_make_one_group()
    {
        var r = await RunJob("config check", "--query", "\"diffusion policy\"", "--query", "diffusion policy");

        Assert.True(r.Code == ExitCodes.Success, r.Stderr);
        Assert.Contains("queries \"diffusion policy\"\n", r.Stdout);
    }

    [Fact]
    public async Task Command_line_beats_environment_which_beats_the_config_file()
    {
        var path = Tmp("prec.toml");
        File.WriteAllText(path, "categories = [\"cs.RO\"]\nqueries = [\"file query\"]\n");

        var fileOnly = await RunJob("config check", "--config", path);
        Assert.True(fileOnly.Code == ExitCodes.Success, fileOnly.Stderr);
        Assert.Contains("digest default: categories cs.RO; queries file query\n", fileOnly.Stdout);

        env["ARXIV_DIGEST_CATEGORY"] = "cs.LG";
        env["ARXIV_DIGEST_QUERY"] = "env query;second env query";
        var envOverFile = await RunJob("config check", "--config", path);
        Assert.True(envOverFile.Code == ExitCodes.Success, envOverFile.Stderr);
        Assert.Contains("digest default: categories cs.LG; queries env query | second env query\n", envOverFile.Stdout);

        var cliOverEnv = await RunJob("config check", "--config", path, "--category", "cs.AI", "--query", "cli query");
        Assert.True(cliOverEnv.Code == ExitCodes.Success, cliOverEnv.Stderr);
        Assert.Contains("digest default: categories cs.AI; queries cli query\n", cliOverEnv.Stdout);

        // Mixed: categories from the command line, queries still from the environment.
        var mixed = await RunJob("config check", "--config", path, "--category", "cs.AI");
        Assert.Contains("digest default: categories cs.AI; queries env query | second env query\n", mixed.Stdout);
    }

    [Fact]
    public async Task Command_line_request_interval_beats_an_environment_value_that_would_be_refused()
    {
        env["ARXIV_DIGEST_REQUEST_INTERVAL"] = "1";

        var fromEnv = await RunJob("config check");
        Assert.Equal(ExitCodes.Usage, fromEnv.Code);
        Assert.StartsWith("error: ARXIV_DIGEST_REQUEST_INTERVAL: ", Assert.Single(fromEnv.ErrorLines), StringComparison.Ordinal);

        var overridden = await RunJob("config check", "--request-interval", "3");
        Assert.True(overridden.Code == ExitCodes.Success, overridden.Stderr);
    }

    [Fact]
    public async Task A_missing_config_file_named_by_the_environment_is_reported_naming_the_variable()
    {
        var missing = Tmp("missing.toml");
        env["ARXIV_DIGEST_CONFIG"] = missing;

        // No --config: the variable is the only source of the path.
        var r = await Run("config", "check", "--db", Db, "--out", Out);

        Assert.Equal(ExitCodes.Usage, r.Code);
        AssertErrorLines(r);
        var line = Assert.Single(r.ErrorLines);
        Assert.StartsWith("error: ARXIV_DIGEST_CONFIG: ", line, StringComparison.Ordinal);
        Assert.Contains(missing, line);
    }
}
