using System.Text.Json;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Translation;

public sealed class OpenAiProviderTests : IAsyncLifetime
{
    private static readonly ProviderText[] Batch =
    [
        new("p0", "A faithful title with ⟦0⟧ inside"),
        new("p1", "An abstract about $x^2$ and ⟦1⟧."),
        new("p2", "Third text."),
    ];

    private readonly HttpClient http = new();
    private FakeOpenAiServer server = null!;

    public async Task InitializeAsync() => server = await FakeOpenAiServer.StartAsync();

    public async Task DisposeAsync()
    {
        http.Dispose();
        await server.DisposeAsync();
    }

    private OpenAiProvider Provider(string? key = FakeOpenAiServer.Key, TimeSpan? timeout = null, string? model = null) =>
        new(http, new ProviderOptions
        {
            BaseUrl = new Uri(server.Url),
            ApiKey = key,
            Model = model,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        });

    private static Task<IReadOnlyDictionary<string, string>> Translate(OpenAiProvider provider, IReadOnlyList<ProviderText>? texts = null, Glossary? glossary = null) =>
        provider.TranslateAsync(texts ?? Batch, "en", "zh", glossary ?? Glossary.Empty, CancellationToken.None);

    [Fact]
    public void Defaults_name_model_and_limits()
    {
        var p = new OpenAiProvider(http, new ProviderOptions());
        Assert.Equal("openai", p.Name);
        Assert.Equal("gpt-4o-mini", p.Model);
        Assert.Equal(new BatchLimits(20, 24000, 6000), p.Limits);

        var q = new OpenAiProvider(http, new ProviderOptions { Model = "deepseek-chat", MaxBatchTexts = 5 });
        Assert.Equal("deepseek-chat", q.Model);
        Assert.Equal(new BatchLimits(5, 24000, 6000), q.Limits);
    }

    [Fact]
    public async Task Sends_a_chat_completions_request_with_bearer_key_and_json_shape()
    {
        await Translate(Provider(model: "qwen-plus"));

        var r = Assert.Single(server.Requests);
        Assert.Equal("/v1/chat/completions", r.Path);
        Assert.Equal("Bearer " + FakeOpenAiServer.Key, r.Authorization);
        Assert.Equal("qwen-plus", r.Model);
        Assert.Equal(0, r.Temperature);
        Assert.Equal("json_object", r.ResponseFormat);
        Assert.Equal("en", r.Source);
        Assert.Equal("zh", r.Target);
        Assert.Equal(Batch.Select(t => new OpenAiText(t.Id, t.Text)), r.Texts);

        // Placeholders and LaTeX travel literally (not \u escaped) so the model sees them as they are.
        Assert.Contains("⟦0⟧", r.UserContent, StringComparison.Ordinal);
        Assert.Contains("$x^2$", r.UserContent, StringComparison.Ordinal);

        Assert.NotNull(r.SystemPrompt);
        Assert.Contains("English", r.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains("Chinese", r.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains("⟦0⟧", r.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains("LaTeX", r.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains("summar", r.SystemPrompt, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("{\"translations\":[{\"id\":", r.SystemPrompt, StringComparison.Ordinal);
        Assert.Contains("exactly once", r.SystemPrompt, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Omits_the_authorization_header_without_a_key()
    {
        server.ExpectedKey = null;
        var result = await Translate(Provider(key: null));

        Assert.Equal(3, result.Count);
        Assert.Null(Assert.Single(server.Requests).Authorization);
    }

    [Fact]
    public async Task Maps_the_batch_answer_by_id()
    {
        var result = await Translate(Provider());

        Assert.Equal(
            new Dictionary<string, string>
            {
                ["p0"] = "译:A faithful title with ⟦0⟧ inside",
                ["p1"] = "译:An abstract about $x^2$ and ⟦1⟧.",
                ["p2"] = "译:Third text.",
            },
            result);
    }

    [Fact]
    public async Task Empty_batch_sends_nothing()
    {
        var result = await Translate(Provider(), []);

        Assert.Empty(result);
        Assert.Equal(0, server.RequestCount);
    }

    [Fact]
    public async Task Missing_id_is_absent_and_the_others_are_kept()
    {
        server.Enqueue(OpenAiFault.MissingId());
        var result = await Translate(Provider());

        Assert.Equal(["p0", "p1"], result.Keys.Order());
        Assert.False(result.ContainsKey("p2"));
    }

    [Fact]
    public async Task Extra_unknown_id_is_ignored()
    {
        server.Enqueue(OpenAiFault.ExtraId());
        var result = await Translate(Provider());

        Assert.Equal(["p0", "p1", "p2"], result.Keys.Order());
        Assert.DoesNotContain("unknown-extra-id", result.Keys);
    }

    [Fact]
    public async Task Fenced_json_is_accepted()
    {
        server.Enqueue(OpenAiFault.Fenced());
        var result = await Translate(Provider());

        Assert.Equal("译:Third text.", result["p2"]);
        Assert.Equal(3, result.Count);
    }

    [Fact]
    public async Task Malformed_content_is_a_transient_failure()
    {
        server.Enqueue(OpenAiFault.MalformedContent());
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider()));

        Assert.True(e.Transient);
        Assert.Equal("openai", e.Provider);
        Assert.Contains("malformed JSON from model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_without_translations_array_is_a_transient_failure()
    {
        server.Enqueue(OpenAiFault.NoTranslationsArray());
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider()));

        Assert.True(e.Transient);
        Assert.Contains("malformed JSON from model", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7", null, 7000)]
    [InlineData(null, "1500", 1500)]
    [InlineData("20", "250", 250)] // retry-after-ms is the more precise of the two
    public async Task Rate_limit_is_transient_with_retry_after(string? retryAfter, string? retryAfterMs, int expectedMs)
    {
        server.Enqueue(OpenAiFault.RateLimited(retryAfter, retryAfterMs));
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider()));

        Assert.True(e.Transient);
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), e.RetryAfter);
        Assert.Contains("429", e.Message, StringComparison.Ordinal);
        Assert.Contains("Rate limit reached", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rate_limit_with_an_http_date_retry_after()
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(90);
        server.Enqueue(OpenAiFault.RateLimited(at.ToString("R")));
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider()));

        Assert.True(e.Transient);
        Assert.NotNull(e.RetryAfter);
        Assert.InRange(e.RetryAfter.Value, TimeSpan.FromSeconds(80), TimeSpan.FromSeconds(91));
    }

    [Fact]
    public async Task Server_error_is_transient()
    {
        server.Enqueue(OpenAiFault.ServerError());
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider()));

        Assert.True(e.Transient);
        Assert.Null(e.RetryAfter);
        Assert.Contains("500", e.Message, StringComparison.Ordinal);

        // The fault was served once; the next request succeeds.
        Assert.Equal(3, (await Translate(Provider())).Count);
        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task Down_server_is_transient_every_time()
    {
        server.Down = true;
        for (var i = 0; i < 2; i++)
        {
            var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider()));
            Assert.True(e.Transient);
        }

        Assert.Equal(2, server.RequestCount);
    }

    [Fact]
    public async Task Unauthorized_is_permanent_with_the_api_message_and_without_the_key()
    {
        server.Enqueue(OpenAiFault.Unauthorized());
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider()));

        Assert.False(e.Transient);
        Assert.Contains("401", e.Message, StringComparison.Ordinal);
        Assert.Contains("Incorrect API key provided", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeOpenAiServer.Key, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(FakeOpenAiServer.Key, e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_key_is_permanent_and_not_echoed()
    {
        const string wrong = "sk-wrong-key-that-must-not-leak";
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider(key: wrong)));

        Assert.False(e.Transient);
        Assert.Contains("Incorrect API key provided", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_is_transient()
    {
        server.Enqueue(OpenAiFault.Stall(TimeSpan.FromSeconds(20)));
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(Provider(timeout: TimeSpan.FromMilliseconds(300))));

        Assert.True(e.Transient);
        Assert.Contains("no response within", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_provider_failure()
    {
        server.Enqueue(OpenAiFault.Stall(TimeSpan.FromSeconds(20)));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Provider().TranslateAsync(Batch, "en", "zh", Glossary.Empty, cts.Token));
    }

    [Fact]
    public async Task Unreachable_server_is_transient()
    {
        var port = new Uri(server.Url).Port;
        await server.DisposeAsync();
        server = await FakeOpenAiServer.StartAsync(); // keep DisposeAsync happy; the old port is now closed
        var provider = new OpenAiProvider(http, new ProviderOptions { BaseUrl = new Uri($"http://127.0.0.1:{port}"), ApiKey = FakeOpenAiServer.Key });

        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Translate(provider));
        Assert.True(e.Transient);
        Assert.DoesNotContain(FakeOpenAiServer.Key, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "https://api.openai.com/v1/chat/completions")]
    [InlineData("http://127.0.0.1:8080", "http://127.0.0.1:8080/v1/chat/completions")]
    [InlineData("http://localhost:11434/", "http://localhost:11434/v1/chat/completions")]
    [InlineData("https://api.deepseek.com/v1", "https://api.deepseek.com/v1/chat/completions")]
    [InlineData("https://api.siliconflow.cn/v1/", "https://api.siliconflow.cn/v1/chat/completions")]
    [InlineData("https://dashscope.aliyuncs.com/compatible-mode/v1", "https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions")]
    [InlineData("https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1/chat/completions")]
    public void Base_url_rule(string? baseUrl, string expected)
    {
        Assert.Equal(new Uri(expected), OpenAiProvider.ChatCompletionsUrl(baseUrl is null ? null : new Uri(baseUrl)));
    }

    [Fact]
    public async Task Base_url_without_path_reaches_v1_on_the_fake()
    {
        Assert.DoesNotContain("/v1", server.Url, StringComparison.Ordinal);
        await Translate(Provider());

        Assert.Equal("/v1/chat/completions", Assert.Single(server.Requests).Path);
    }

    [Fact]
    public async Task Relevant_glossary_entries_are_listed_once()
    {
        var glossary = Glossary.BuiltIn("zh");
        var texts = new ProviderText[]
        {
            new("a", "We fine-tune a large language model with reinforcement learning from human feedback."),
            new("b", "A diffusion model and a large language model for reinforcement learning of graph neural networks."),
        };
        var expected = texts.SelectMany(t => glossary.Relevant(t.Text)).DistinctBy(e => (e.Source, e.Target)).ToList();
        Assert.Contains(expected, e => e.Source == "large language model");

        await Translate(Provider(), texts, glossary);

        var prompt = Assert.Single(server.Requests).SystemPrompt!;
        foreach (var e in expected)
        {
            var line = $"- {e.Source} → {e.Target}";
            Assert.Contains(line, prompt, StringComparison.Ordinal);
            Assert.Equal(prompt.IndexOf(line, StringComparison.Ordinal), prompt.LastIndexOf(line, StringComparison.Ordinal));
        }

        Assert.DoesNotContain("→ 词元", prompt, StringComparison.Ordinal); // not relevant to this batch
    }

    [Fact]
    public void Parses_tolerantly_but_strictly_by_id()
    {
        var p = new OpenAiProvider(http, new ProviderOptions());
        var texts = new ProviderText[] { new("a", "x"), new("b", "y"), new("c", "z"), new("d", "w") };
        var content = JsonSerializer.Serialize(new
        {
            translations = new object[]
            {
                new { id = "a", text = "甲" },
                new { id = "b", text = "  " }, // empty: dropped
                new { id = "c", text = "丙" },
                new { id = "c", text = "丙2" }, // duplicated: which one is right is unknown, so neither
                new { id = "zz", text = "多余" },
                new { id = "d" }, // no text
            },
        });

        var result = p.ParseTranslations("Here you go:\n```json\n" + content + "\n```", texts);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "甲" }, result);
    }
}

public sealed class OpenAiTokenCountingTests
{
    [Fact]
    public void Tokens_are_counted_offline_with_the_o200k_vocabulary()
    {
        var provider = new ArxivDigest.Translation.OpenAiProvider(new HttpClient(), new ArxivDigest.Translation.ProviderOptions());

        Assert.Equal(0, provider.CountTokens(""));
        var english = provider.CountTokens("Reinforcement learning from human feedback aligns large language models.");
        Assert.InRange(english, 8, 16);
        Assert.True(provider.CountTokens(string.Concat(Enumerable.Repeat("token ", 1000))) >= 1000);
        Assert.Equal(6000, provider.Limits.MaxTokens);
    }
}
