using System.Text.Json;
using System.Text.RegularExpressions;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Cli;

/// <summary>Translation through the CLI: a fake arXiv and a fake OpenAI-compatible server on 127.0.0.1.</summary>
public sealed partial class TranslationEndToEndTests : IAsyncLifetime
{
    private FakeArxivServer arxiv = null!;
    private FakeOpenAiServer openai = null!;
    private readonly CliRunner cli = new();

    public async Task InitializeAsync()
    {
        arxiv = await FakeArxivServer.StartAsync();
        arxiv.Listings["gr-qc"] = File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html"));
        openai = await FakeOpenAiServer.StartAsync();

        // A "translation" in Chinese script of the same length, placeholders untouched: passes the validator.
        openai.Translate = (text, _) => Letters().Replace(text, "中");
        cli.Environment["OPENAI_API_KEY"] = FakeOpenAiServer.Key;
    }

    public async Task DisposeAsync()
    {
        await arxiv.DisposeAsync();
        await openai.DisposeAsync();
        cli.Dispose();
    }

    private Task<CliResult> Run(string verb = "run", params string[] extra) => cli.RunJobAsync(
        verb,
        [
            "--arxiv-url", arxiv.Url, "--request-interval", "0.2", "--category", "gr-qc", "--query", "black hole",
            "--translator", "openai", "--translator-url", openai.Url, .. extra,
        ]);

    private string DigestFile(string ext) => Path.Combine(cli.Out, "default", $"2024-08-09.{ext}");

    [Fact]
    public async Task Openai_translations_appear_in_text_markdown_and_json()
    {
        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(DigestFile("json")));
        Assert.Equal("complete", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("openai", json.RootElement.GetProperty("translator").GetString());
        var papers = json.RootElement.GetProperty("groups")[0].GetProperty("papers").EnumerateArray().ToList();
        Assert.NotEmpty(papers);
        foreach (var p in papers)
        {
            var title = p.GetProperty("title").GetString()!;
            Assert.Equal(Letters().Replace(title, "中"), p.GetProperty("titleTranslated").GetString());
            Assert.Equal(Letters().Replace(p.GetProperty("abstract").GetString()!, "中"), p.GetProperty("abstractTranslated").GetString());
            Assert.Equal("done", p.GetProperty("translation").GetString());
        }

        var text = File.ReadAllText(DigestFile("txt"));
        var markdown = File.ReadAllText(DigestFile("md"));
        var firstTranslatedAbstract = papers[0].GetProperty("abstractTranslated").GetString()!;
        Assert.Contains("\n- 中文摘要\n" + firstTranslatedAbstract, text);
        Assert.Contains(firstTranslatedAbstract, markdown.Replace("&lt;", "<").Replace("&gt;", ">"));
        Assert.DoesNotContain("[未翻译", text);
        Assert.DoesNotContain("[翻译待完成", text);

        // Titles and abstracts went out batched: far fewer requests than texts.
        Assert.True(openai.RequestCount < papers.Count * 2, $"{openai.RequestCount} requests for {papers.Count * 2} texts");
        Assert.Contains("translation openai:", result.Stderr);
    }

    [Fact]
    public async Task Translations_are_cached_so_rendering_again_makes_zero_requests()
    {
        Assert.Equal(0, (await Run()).ExitCode);
        var requests = openai.RequestCount;
        Assert.True(requests > 0);
        File.Delete(DigestFile("txt"));

        var again = await Run("digest", "--date", "2024-08-09");
        var rerun = await Run();

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.Equal(requests, openai.RequestCount);
        Assert.True(File.Exists(DigestFile("txt")));
        Assert.DoesNotContain("[翻译待完成", File.ReadAllText(DigestFile("txt")));
    }

    [Fact]
    public async Task A_dead_provider_gives_english_with_a_pending_marker_and_partial_status_then_a_later_run_completes()
    {
        openai.Down = true;

        var first = await Run();

        Assert.Equal(4, first.ExitCode); // partial: written, translations pending
        using (var json = JsonDocument.Parse(File.ReadAllText(DigestFile("json"))))
        {
            Assert.Equal("partial", json.RootElement.GetProperty("status").GetString());
            var p = json.RootElement.GetProperty("groups")[0].GetProperty("papers")[0];
            Assert.Equal("pending", p.GetProperty("translation").GetString());
            Assert.Equal(JsonValueKind.Null, p.GetProperty("abstractTranslated").ValueKind);
            Assert.False(string.IsNullOrEmpty(p.GetProperty("abstract").GetString()));
        }

        Assert.Contains("[翻译待完成", File.ReadAllText(DigestFile("txt")));
        Assert.Contains("translations pending", first.Stderr);
        Assert.Contains("status partial", first.Stdout);

        openai.Down = false;
        var second = await Run();

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.DoesNotContain("no new announcement", second.Stdout);
        using var done = JsonDocument.Parse(File.ReadAllText(DigestFile("json")));
        Assert.Equal("complete", done.RootElement.GetProperty("status").GetString());
        Assert.DoesNotContain("[翻译待完成", File.ReadAllText(DigestFile("txt")));
    }

    [Fact]
    public async Task A_missing_api_key_is_a_configuration_error_naming_the_variable()
    {
        cli.Environment.Remove("OPENAI_API_KEY");

        var result = await cli.RunJobAsync("run", "--translator", "deepl", "--category", "hep-th");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("DEEPL_API_KEY", result.Stderr);
    }

    [Fact]
    public async Task The_api_key_never_appears_in_output_or_errors()
    {
        openai.ExpectedKey = "sk-a-different-key";

        var result = await Run();

        Assert.DoesNotContain(FakeOpenAiServer.Key, result.Stdout + result.Stderr);
        foreach (var file in Directory.EnumerateFiles(cli.Out, "*", SearchOption.AllDirectories))
        {
            Assert.DoesNotContain(FakeOpenAiServer.Key, File.ReadAllText(file));
        }
    }

    [Fact]
    public async Task When_the_first_provider_is_down_the_next_one_in_the_chain_translates()
    {
        await using var google = await FakeTranslationApis.StartAsync();
        google.Transform = text => Letters().Replace(text, "文");
        openai.Down = true;

        var result = await cli.RunJobAsync(
            "run",
            "--arxiv-url", arxiv.Url, "--request-interval", "0.2", "--category", "gr-qc", "--query", "black hole",
            "--translator", "openai,google", "--translator-url", $"openai={openai.Url},google={google.Url}");

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(DigestFile("json")));
        Assert.Equal("complete", json.RootElement.GetProperty("status").GetString());
        var p = json.RootElement.GetProperty("groups")[0].GetProperty("papers")[0];
        Assert.Equal(Letters().Replace(p.GetProperty("title").GetString()!, "文"), p.GetProperty("titleTranslated").GetString());
        Assert.True(openai.RequestCount > 0);
        Assert.True(google.GoogleWebCount > 0);
        Assert.Contains("trying google", result.Stderr);
    }

    [Fact]
    public async Task An_answer_that_lost_a_math_placeholder_is_retried_and_the_digest_keeps_the_math()
    {
        // The first answer for a text with a placeholder drops it; asked again, the model keeps it.
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        openai.Translate = (text, _) => PlaceholderRegex().IsMatch(text) && seen.TryAdd(text, true)
            ? Letters().Replace(PlaceholderRegex().Replace(text, ""), "中")
            : Letters().Replace(text, "中");
        var page = arxiv.Listings["gr-qc"];
        var at = page.IndexOf("black hole", StringComparison.Ordinal);
        arxiv.Listings["gr-qc"] = page.Insert(at, "$\\mathcal{O}(r^{-2})$ ");

        var result = await Run();

        Assert.True(result.ExitCode == 0, result.Stderr);
        var text = File.ReadAllText(DigestFile("txt"));
        Assert.DoesNotContain("[翻译待完成", text);
        Assert.DoesNotContain("⟦", text);
        using var json = JsonDocument.Parse(File.ReadAllText(DigestFile("json")));
        var translated = json.RootElement.GetProperty("groups")[0].GetProperty("papers").EnumerateArray()
            .SelectMany(p => new[] { p.GetProperty("titleTranslated").GetString(), p.GetProperty("abstractTranslated").GetString() });
        Assert.Contains(translated, t => t!.Contains("$\\mathcal{O}(r^{-2})$", StringComparison.Ordinal));
        Assert.True(openai.Requests.Count(r => r.Texts.Count == 1) >= 1, "rejected answers are retried one text per request");
    }

    [Fact]
    public async Task Tldr_is_off_by_default_and_when_asked_appears_under_each_title_in_every_format()
    {
        Assert.Equal(0, (await Run()).ExitCode);
        Assert.DoesNotContain("TL;DR", File.ReadAllText(DigestFile("txt")));
        Assert.DoesNotContain(openai.Requests, r => r.SystemPrompt!.Contains("TL;DR", StringComparison.Ordinal));

        var result = await Run("digest", "--date", "2024-08-09", "--tldr");

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains(openai.Requests, r => r.SystemPrompt!.Contains("TL;DR", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(File.ReadAllText(DigestFile("json")));
        var p = json.RootElement.GetProperty("groups")[0].GetProperty("papers")[0];
        var tldr = p.GetProperty("tldr").GetString();
        Assert.Equal(Letters().Replace(p.GetProperty("abstract").GetString()!, "中"), tldr);
        var text = File.ReadAllText(DigestFile("txt"));
        Assert.Contains($"\n{p.GetProperty("titleTranslated").GetString()}\nTL;DR: {tldr}\n- Authors: ", text);
        Assert.Contains("> **TL;DR** ", File.ReadAllText(DigestFile("md")));
    }

    [Fact]
    public async Task Tldr_without_the_openai_translator_is_a_configuration_error()
    {
        var result = await cli.RunJobAsync("run", "--translator", "google", "--tldr", "--category", "gr-qc");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("TL;DR needs the openai translator", result.Stderr);
    }

    [GeneratedRegex("⟦[0-9]+⟧")]
    private static partial Regex PlaceholderRegex();

    [GeneratedRegex("[A-Za-z]")]
    private static partial Regex Letters();
}
