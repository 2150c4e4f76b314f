using System.Text.RegularExpressions;
using ArxivDigest.Storage;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Translation;

/// <summary>The service's batching, caching (real SQLite), validation, retries and fallback, with scripted providers.</summary>
public sealed partial class TranslationServiceTests : IAsyncLifetime
{
    private readonly string dir = Directory.CreateTempSubdirectory("arxiv-digest-tr-").FullName;
    private SqliteStore store = null!;

    public async Task InitializeAsync() => store = await SqliteStore.OpenAsync(Path.Combine(dir, "cache.db"), CancellationToken.None);

    public async Task DisposeAsync()
    {
        await store.DisposeAsync();
        Directory.Delete(dir, recursive: true);
    }

    private static readonly TranslationOptions Fast = new() { InitialBackoff = TimeSpan.FromMilliseconds(10), MaxConcurrency = 4 };

    private static List<TranslationRequest> Requests(int n) =>
        Enumerable.Range(0, n).Select(i => new TranslationRequest($"p{i}/abstract", $"Abstract number {i} studies reinforcement learning with $x_{i}^2$ and https://example.org/{i}.", "en", "zh")).ToList();

    private TranslationService Service(TranslationOptions? options = null, params ScriptedProvider[] chain) =>
        new(chain, store, Glossary.Empty, options ?? Fast, TimeProvider.System);

    [Fact]
    public async Task Texts_are_packed_into_as_few_requests_as_the_limits_allow()
    {
        var provider = new ScriptedProvider("a", new BatchLimits(MaxTexts: 3, MaxChars: 100_000));

        var results = await Service(null, provider).TranslateAsync(Requests(10), CancellationToken.None);

        Assert.All(results, r => Assert.NotNull(r.Text));
        Assert.Equal(4, provider.Calls);
        Assert.All(provider.Batches, b => Assert.True(b <= 3));
    }

    [Fact]
    public async Task Math_and_urls_reach_the_provider_as_placeholders_and_come_back_restored()
    {
        var provider = new ScriptedProvider("a", new BatchLimits(10, 100_000));

        var results = await Service(null, provider).TranslateAsync(Requests(1), CancellationToken.None);

        Assert.DoesNotContain("$x_0^2$", provider.SeenTexts[0]);
        Assert.DoesNotContain("https://example.org/0", provider.SeenTexts[0]);
        Assert.Contains("$x_0^2$", results[0].Text);
        Assert.Contains("https://example.org/0", results[0].Text);
    }

    [Fact]
    public async Task A_second_call_answers_from_the_sqlite_cache_without_any_request()
    {
        var provider = new ScriptedProvider("a", new BatchLimits(5, 100_000));
        var first = await Service(null, provider).TranslateAsync(Requests(7), CancellationToken.None);
        var calls = provider.Calls;

        var service = Service(null, provider);
        var second = await service.TranslateAsync(Requests(7), CancellationToken.None);

        Assert.Equal(calls, provider.Calls);
        Assert.Equal(first.Select(r => r.Text), second.Select(r => r.Text));
        Assert.Equal(7, service.Stats[0].CacheHits);
        Assert.Equal(0, service.Stats[0].Requests);
    }

    [Fact]
    public async Task A_provider_that_fails_for_good_hands_its_texts_to_the_next_one()
    {
        var dead = new ScriptedProvider("dead", new BatchLimits(5, 100_000)) { Fail = () => new TranslationProviderException("dead", "HTTP 401 invalid key", transient: false) };
        var backup = new ScriptedProvider("backup", new BatchLimits(5, 100_000));
        var service = Service(null, dead, backup);

        var results = await service.TranslateAsync(Requests(6), CancellationToken.None);

        Assert.All(results, r => Assert.StartsWith("backup:", r.Text));
        Assert.Equal(2, dead.Calls); // one per batch, no retries for a non-transient failure
        Assert.Equal(2, service.Stats[0].Failures);
        Assert.Equal(6, service.Stats[1].Translated);
    }

    [Fact]
    public async Task Transient_failures_are_retried_after_retry_after()
    {
        var failures = 2;
        var flaky = new ScriptedProvider("flaky", new BatchLimits(10, 100_000))
        {
            Fail = () => Interlocked.Decrement(ref failures) >= 0 ? new TranslationProviderException("flaky", "HTTP 429", transient: true, retryAfter: TimeSpan.FromMilliseconds(50)) : null,
        };

        var results = await Service(null, flaky).TranslateAsync(Requests(3), CancellationToken.None);

        Assert.All(results, r => Assert.NotNull(r.Text));
        Assert.Equal(3, flaky.Calls);
    }

    [Fact]
    public async Task An_answer_that_lost_a_placeholder_is_retried_alone_then_handed_on()
    {
        var lossy = new ScriptedProvider("lossy", new BatchLimits(10, 100_000)) { Mangle = t => PlaceholderRegex().Replace(t, "") };
        var good = new ScriptedProvider("good", new BatchLimits(10, 100_000));
        var service = Service(null, lossy, good);

        var results = await service.TranslateAsync(Requests(2), CancellationToken.None);

        Assert.All(results, r => Assert.StartsWith("good:", r.Text));
        Assert.Equal(3, lossy.Calls); // the batch, then each text alone
        Assert.Equal(1, good.Calls);
    }

    [Fact]
    public async Task When_every_provider_fails_each_text_comes_back_with_an_error_and_no_text()
    {
        var dead = new ScriptedProvider("dead", new BatchLimits(10, 100_000)) { Fail = () => new TranslationProviderException("dead", "HTTP 500", transient: true) };

        var results = await Service(null, dead).TranslateAsync(Requests(4), CancellationToken.None);

        Assert.Equal(4, results.Count);
        Assert.All(results, r =>
        {
            Assert.Null(r.Text);
            Assert.Contains("HTTP 500", r.Error);
        });
        Assert.Equal(Fast.MaxAttempts, dead.Calls);
    }

    [Fact]
    public async Task No_more_requests_are_in_flight_than_the_concurrency_limit()
    {
        var slow = new ScriptedProvider("slow", new BatchLimits(1, 100_000)) { Delay = TimeSpan.FromMilliseconds(40) };

        await Service(Fast with { MaxConcurrency = 3 }, slow).TranslateAsync(Requests(12), CancellationToken.None);

        Assert.Equal(12, slow.Calls);
        Assert.Equal(3, slow.MaxInFlight);
    }

    [Fact]
    public async Task The_same_text_asked_twice_is_translated_once()
    {
        var provider = new ScriptedProvider("a", new BatchLimits(10, 100_000));
        var requests = Requests(2).Concat(Requests(2).Select(r => r with { Key = r.Key + "-again" })).ToList();

        var results = await Service(null, provider).TranslateAsync(requests, CancellationToken.None);

        Assert.Equal(4, results.Count);
        Assert.Equal(2, provider.SeenTexts.Count);
        Assert.Equal(results[0].Text, results[2].Text);
    }

    [Fact]
    public async Task Providers_that_count_tokens_get_batches_within_their_token_limit_and_report_tokens()
    {
        var provider = new TokenCountingProvider(new BatchLimits(MaxTexts: 100, MaxChars: 1_000_000, MaxTokens: 50));
        var service = new TranslationService([provider], store, Glossary.Empty, Fast, TimeProvider.System);

        await service.TranslateAsync(Requests(10), CancellationToken.None);

        // One "token" per word, ~9 per text: batches of at most 50 tokens, so 10 texts need at least two requests.
        Assert.All(provider.BatchTokens, t => Assert.True(t <= 50, $"batch of {t} tokens"));
        Assert.True(provider.Calls >= 2);
        Assert.Equal(10, provider.Batches.Sum());
        Assert.True(service.Stats[0].Tokens > 0);
        Assert.Contains(" tokens", service.Stats[0].ToString());
    }

    [Fact]
    public async Task Configured_prices_turn_usage_into_a_cost()
    {
        var provider = new ScriptedProvider("a", new BatchLimits(10, 100_000));
        var service = new TranslationService([provider], store, Glossary.Empty, Fast, TimeProvider.System, new Dictionary<string, decimal> { ["a"] = 2m });

        await service.TranslateAsync(Requests(2), CancellationToken.None);

        var chars = service.Stats[0].Characters;
        Assert.EndsWith($"cost {2m * chars / 1_000_000m:0.####}", service.Stats[0].ToString());
    }

    [Fact]
    public async Task Translations_that_miss_a_glossary_term_are_accepted_and_counted()
    {
        var provider = new ScriptedProvider("a", new BatchLimits(10, 100_000));
        var service = new TranslationService([provider], store, Glossary.BuiltIn("zh"), Fast, TimeProvider.System);
        var request = new TranslationRequest("t", "A token-level analysis of reward shaping in reinforcement learning agents", "en", "zh");

        var results = await service.TranslateAsync([request], CancellationToken.None);

        Assert.NotNull(results[0].Text);
        Assert.Equal(1, service.Stats[0].GlossaryMisses);
        Assert.Contains("1 glossary misses", service.Stats[0].ToString());
    }

    [GeneratedRegex("⟦[0-9]+⟧")]
    private static partial Regex PlaceholderRegex();

    /// <summary>A provider whose behaviour the test scripts: answers "name:" + Chinese-script text, placeholders kept.</summary>
    private sealed class ScriptedProvider(string name, BatchLimits limits) : ITranslationProvider
    {
        private int inFlight;

        public string Name => name;

        public string Model => "m";

        public BatchLimits Limits => limits;

        public Func<TranslationProviderException?>? Fail { get; init; }

        public Func<string, string>? Mangle { get; init; }

        public TimeSpan Delay { get; init; }

        public int Calls;

        public int MaxInFlight;

        public List<int> Batches { get; } = [];

        public List<string> SeenTexts { get; } = [];

        public async Task<IReadOnlyDictionary<string, string>> TranslateAsync(IReadOnlyList<ProviderText> texts, string sourceLanguage, string targetLanguage, Glossary glossary, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref Calls);
            var now = Interlocked.Increment(ref inFlight);
            lock (Batches)
            {
                MaxInFlight = Math.Max(MaxInFlight, now);
                Batches.Add(texts.Count);
                SeenTexts.AddRange(texts.Select(t => t.Text));
            }

            try
            {
                await Task.Delay(Delay, cancellationToken);
                if (Fail?.Invoke() is { } e)
                {
                    throw e;
                }

                return texts.ToDictionary(t => t.Id, t => (Mangle ?? (s => s))($"{name}:" + LetterRegex().Replace(t.Text, "中")));
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        }
    }

    [GeneratedRegex("[A-Za-z]")]
    private static partial Regex LetterRegex();

    private sealed class TokenCountingProvider(BatchLimits limits) : ITranslationProvider, ITokenCounter
    {
        public string Name => "tok";

        public string Model => "m";

        public BatchLimits Limits => limits;

        public int Calls;

        public List<int> Batches { get; } = [];

        public List<int> BatchTokens { get; } = [];

        public int CountTokens(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;

        public Task<IReadOnlyDictionary<string, string>> TranslateAsync(IReadOnlyList<ProviderText> texts, string sourceLanguage, string targetLanguage, Glossary glossary, CancellationToken cancellationToken)
        {
            lock (Batches)
            {
                Calls++;
                Batches.Add(texts.Count);
                BatchTokens.Add(texts.Sum(t => CountTokens(t.Text)));
            }

            return Task.FromResult<IReadOnlyDictionary<string, string>>(texts.ToDictionary(t => t.Id, t => LetterRegex().Replace(t.Text, "中")));
        }
    }
}
