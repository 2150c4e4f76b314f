using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Cli;

/// <summary>Every kind of bad user configuration, reported all at once with file and line, before anything runs.</summary>
public sealed class ConfigProblemsTests : IDisposable
{
    private const string Secret = "hunter2-very-secret";

    private readonly CliRunner cli = new();

    public void Dispose() => cli.Dispose();

    private string WriteConfig()
    {
        var path = Path.Combine(cli.Dir, "bad.toml");
        File.WriteAllText(path, string.Join("\n",
            "colour = \"blue\"",                    // 1: unknown key
            "request_interval = \"soon\"",          // 2: wrong type
            "translator = [\"deepl\", \"babelfish\"]", // 3: unknown provider
            "timezone = \"Mars/Olympus\"",          // 4: bad time zone
            "queries = [\"robot AND\"]",            // 5: bad query
            "",                                     // 6
            "[[digest]]",                           // 7
            "name = \"ok\"",                        // 8
            "exclude = [\"(survey\"]",              // 9: bad exclusion query
            "",                                     // 10
            "[[channel]]",                          // 11
            "name = \"mail\"",                      // 12
            "type = \"pigeon\"",                    // 13: unknown channel type
            $"smtp_password = \"{Secret}\"",        // 14: a secret that must never be echoed
            ""));
        return path;
    }

    private static void AssertEveryProblem(string path, string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.StartsWith("error: ", l));
        Assert.Contains(lines, l => l.StartsWith($"error: {path}:1: ", StringComparison.Ordinal) && l.Contains("'colour'"));
        Assert.Contains(lines, l => l.StartsWith($"error: {path}:2: ", StringComparison.Ordinal) && l.Contains("request_interval"));
        Assert.Contains(lines, l => l.StartsWith($"error: {path}:3: ", StringComparison.Ordinal) && l.Contains("babelfish"));
        Assert.Contains(lines, l => l.StartsWith($"error: {path}:4: ", StringComparison.Ordinal) && l.Contains("Mars/Olympus"));
        Assert.Contains(lines, l => l.StartsWith($"error: {path}:5: ", StringComparison.Ordinal) && l.Contains("at character 10: expected a term after 'AND'"));
        Assert.Contains(lines, l => l.StartsWith($"error: {path}:9: ", StringComparison.Ordinal) && l.Contains("expected ')'"));
        Assert.Contains(lines, l => l.StartsWith($"error: {path}:", StringComparison.Ordinal) && l.Contains("pigeon"));
        Assert.DoesNotContain(Secret, stderr);
    }

    [Fact]
    public async Task Config_check_reports_every_problem_at_once_with_file_and_line_and_never_the_secret()
    {
        var path = WriteConfig();

        var result = await cli.RunAsync("config", "check", "--config", path);

        Assert.Equal(2, result.ExitCode);
        AssertEveryProblem(path, result.Stderr);
        Assert.DoesNotContain(Secret, result.Stdout);
    }

    [Fact]
    public async Task Run_with_the_same_config_reports_the_same_problems_and_runs_nothing()
    {
        var path = WriteConfig();

        var result = await cli.RunJobAsync("run", "--config", path, "--from-file", Fixtures.At("listing/new-hep-th-2024-08-09.html"), "--category", "hep-th");

        Assert.Equal(2, result.ExitCode);
        AssertEveryProblem(path, result.Stderr);
        Assert.False(Directory.Exists(cli.Out), "no output may be written by a half-configured run");
        Assert.False(File.Exists(cli.Db), "no store may be created by a half-configured run");
    }
}
