using System.Security.Cryptography;
using System.Text;

namespace ArxivDigest.Translation;

/// <summary>How the service batches, paces and retries.</summary>
public sealed record TranslationOptions
{
    /// <summary>Requests in flight at once, over all providers.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Attempts per batch and provider for transient failures (429, 5xx, timeouts, malformed answers).</summary>
    public int MaxAttempts { get; init; } = 3;

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest Retry-After honoured before moving on to the next provider.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Per-provider request rate limit (null: none).</summary>
    public int? RequestsPerMinute { get; init; }

    /// <summary>Per-provider token rate limit, for providers that count tokens (null: none).</summary>
    public int? TokensPerMinute { get; init; }
}

/// <summary>
/// The translator used by runs: protects math, URLs and ids with placeholders; answers from the cache first; packs
/// the rest into as few requests as each provider allows and runs them concurrently; validates every answer
/// (placeholders intact, right script, plausible length) and retries, then falls back along the provider chain.
/// Texts no provider could translate come back with an error, never silently empty.
/// </summary>
public sealed class TranslationService : ITranslator
{
    private readonly IReadOnlyList<ITranslationProvider> chain;
    private readonly ITranslationCache cache;
    private readonly Glossary glossary;
    private readonly TranslationOptions options;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim slots;
    private readonly SemaphoreSlim cacheWriter = new(1, 1);
    private readonly Dictionary<string, RequestPacer> pacers;

    public TranslationService(IReadOnlyList<ITranslationProvider> chain, ITranslationCache cache, Glossary glossary, TranslationOptions options, TimeProvider time, IReadOnlyDictionary<string, decimal>? prices = null)
    {
        if (chain.Count == 0)
        {
            throw new ArgumentException("at least one provider is needed", nameof(chain));
        }

        this.chain = chain;
        this.cache = cache;
        this.glossary = glossary;
        this.options = options;
        this.time = time;
        slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrency));
        pacers = chain.ToDictionary(p => p.Name, _ => new RequestPacer(options.RequestsPerMinute, options.TokensPerMinute, time));
        Stats = chain.Select(p => new ProviderStats(p.Name) { PricePerMillion = prices?.TryGetValue(p.Name, out var price) == true ? price : null }).ToList();
    }

    public string Name => string.Join(",", chain.Select(p => p.Name));

    /// <summary>Per-provider figures of this service's lifetime (one run).</summary>
    public IReadOnlyList<ProviderStats> Stats { get; }

    /// <summary>Fired with a one-line message on each retry or fallback (for logs; never contains keys).</summary>
    public event Action<string>? Warning;

    public async Task<IReadOnlyList<TranslationResult>> TranslateAsync(IReadOnlyList<TranslationRequest> requests, CancellationToken cancellationToken)
    {
        var results = new Dictionary<string, string>(StringComparer.Ordinal); // source text -> translation
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var group in requests.GroupBy(r => (r.SourceLanguage, r.TargetLanguage)))
        {
            var (source, target) = group.Key;
            var texts = group.Select(r => r.Text).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            await TranslateTextsAsync(texts, source, target, results, errors, cancellationToken);
        }

        return requests
            .Select(r => results.TryGetValue(r.Text, out var t)
                ? new TranslationResult(r.Key, t)
                : new TranslationResult(r.Key, null, errors.GetValueOrDefault(r.Text, "not translated")))
            .ToList();
    }

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private TranslationKey Key(string text, string source, string target, ITranslationProvider p) =>
        new(Hash(text), source, target, p.Name, p.Model, glossary.Version);

    private async Task TranslateTextsAsync(List<string> texts, string source, string target, Dictionary<string, string> results, Dictionary<string, string> errors, CancellationToken cancellationToken)
    {
        // 1. The cache, for every provider of the chain (a text once translated by a fallback is not asked again).
        var keys = texts.ToDictionary(t => t, t => chain.Select(p => Key(t, source, target, p)).ToArray(), StringComparer.Ordinal);
        var cached = await cache.GetTranslationsAsync(keys.Values.SelectMany(k => k).ToList(), cancellationToken);
        foreach (var (t, perProvider) in keys)
        {
            for (var i = 0; i < chain.Count; i++)
            {
                if (cached.TryGetValue(perProvider[i], out var hit))
                {
                    results[t] = hit;
                    Stats[i].Hit(1);
                    break;
                }
            }
        }

        // 2. The providers, in order, each taking what the previous ones could not do.
        var remaining = texts.Where(t => !results.ContainsKey(t)).ToList();
        for (var i = 0; i < chain.Count && remaining.Count > 0; i++)
        {
            var provider = chain[i];
            var done = await RunProviderAsync(provider, Stats[i], remaining, source, target, errors, cancellationToken);
            foreach (var (text, translation) in done)
            {
                results[text] = translation;
            }

            remaining = remaining.Where(t => !done.ContainsKey(t)).ToList();
            if (remaining.Count > 0 && i + 1 < chain.Count)
            {
                Warning?.Invoke($"{provider.Name} could not translate {remaining.Count} texts; trying {chain[i + 1].Name}");
            }
        }
    }

    private async Task<Dictionary<string, string>> RunProviderAsync(
        ITranslationProvider provider, ProviderStats stats, List<string> texts, string source, string target, Dictionary<string, string> errors, CancellationToken cancellationToken)
    {
        var done = new Dictionary<string, string>(StringComparer.Ordinal);
        var gate = new object();
        var batches = Batch(texts, provider.Limits, provider as ITokenCounter);
        await Task.WhenAll(batches.Select(async batch =>
        {
            var answer = await RunBatchAsync(provider, stats, batch, source, target, cancellationToken);

            // Each batch is cached as soon as it is back (one writer at a time), so an interrupted run keeps its work.
            var translated = answer.Where(a => a.Result.Translation is not null)
                .Select(a => KeyValuePair.Create(Key(a.Text, source, target, provider), a.Result.Translation!)).ToList();
            await cacheWriter.WaitAsync(cancellationToken);
            try
            {
                await cache.SaveTranslationsAsync(translated, cancellationToken);
            }
            finally
            {
                cacheWriter.Release();
            }

            lock (gate)
            {
                foreach (var (text, result) in answer)
                {
                    if (result.Translation is { } t)
                    {
                        done[text] = t;
                        errors.Remove(text);
                    }
                    else
                    {
                        var error = result.Error ?? "no answer";
                        errors[text] = error.StartsWith(provider.Name + ":", StringComparison.Ordinal) ? error : $"{provider.Name}: {error}";
                    }
                }
            }
        }));
        stats.Done(done.Count);
        return done;
    }

    /// <summary>
    /// One batch against one provider. Texts whose answers were rejected (lost placeholder, wrong script or length,
    /// missing id) are retried once, each in a request of its own; a request that failed as a whole is not.
    /// </summary>
    private async Task<List<(string Text, (string? Translation, string? Error) Result)>> RunBatchAsync(
        ITranslationProvider provider, ProviderStats stats, List<string> batch, string source, string target, CancellationToken cancellationToken)
    {
        var (answers, failed) = await CallWithRetriesAsync(provider, stats, batch, source, target, cancellationToken);
        var output = new List<(string, (string?, string?))>();
        var rejected = new List<string>();
        foreach (var text in batch)
        {
            var answer = answers.TryGetValue(text, out var a) ? a : (null, "no answer for this text");
            if (answer.Item1 is null && !failed)
            {
                rejected.Add(text);
            }
            else
            {
                output.Add((text, answer));
            }
        }

        if (rejected.Count > 0)
        {
            Warning?.Invoke($"{provider.Name}: {rejected.Count} answers rejected ({answers.GetValueOrDefault(rejected[0]).Error ?? "missing"}); retrying them one by one");
        }

        foreach (var text in rejected)
        {
            var (single, _) = await CallWithRetriesAsync(provider, stats, [text], source, target, cancellationToken);
            output.Add((text, single.TryGetValue(text, out var s) ? s : (null, "no answer for this text")));
        }

        return output;
    }

    /// <summary>Calls the provider for a set of texts; returns per text a valid translation or the reason it was rejected.</summary>
    private async Task<(Dictionary<string, (string? Translation, string? Error)> Answers, bool RequestFailed)> CallWithRetriesAsync(
        ITranslationProvider provider, ProviderStats stats, List<string> texts, string source, string target, CancellationToken cancellationToken)
    {
        var protectedTexts = texts.Select(TextProtector.Protect).ToList();
        var request = protectedTexts.Select((p, i) => new ProviderText(i.ToString(System.Globalization.CultureInfo.InvariantCulture), p.Text)).ToList();
        var backoff = options.InitialBackoff;
        for (var attempt = 1; ; attempt++)
        {
            IReadOnlyDictionary<string, string>? answer = null;
            TranslationProviderException? failure = null;
            await slots.WaitAsync(cancellationToken);
            try
            {
                var tokens = provider is ITokenCounter counter ? request.Sum(r => (long)counter.CountTokens(r.Text)) : 0;
                await pacers[provider.Name].WaitAsync(tokens, cancellationToken);
                stats.Request(request.Sum(r => (long)r.Text.Length), tokens);
                answer = await provider.TranslateAsync(request, source, target, glossary, cancellationToken);
            }
            catch (TranslationProviderException e)
            {
                stats.Fail();
                failure = e.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }
                    ? new TranslationProviderException(provider.Name, "cannot resolve the provider's host (offline?)", transient: false, inner: e)
                    : e;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or System.Text.Json.JsonException
                                      || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                stats.Fail();
                failure = new TranslationProviderException(provider.Name, e.Message, transient: e is not HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError }, inner: e);
            }
            finally
            {
                slots.Release();
            }

            if (failure is not null)
            {
                var wait = failure.RetryAfter ?? backoff;
                if (!failure.Transient || attempt >= options.MaxAttempts || wait > options.MaxRetryAfter)
                {
                    return (texts.ToDictionary(t => t, _ => ((string?)null, (string?)failure.Message), StringComparer.Ordinal), true);
                }

                Warning?.Invoke($"{failure.Message}; retrying in {wait.TotalSeconds:0.#} s (attempt {attempt + 1} of {options.MaxAttempts})");
                await Task.Delay(wait, time, cancellationToken);
                backoff *= 2;
                continue;
            }

            var result = new Dictionary<string, (string?, string?)>(StringComparer.Ordinal);
            for (var i = 0; i < texts.Count; i++)
            {
                if (!answer!.TryGetValue(request[i].Id, out var raw))
                {
                    continue;
                }

                var restored = protectedTexts[i].Restore(raw);
                var problem = restored is null ? "a placeholder (math, URL or id) was lost" : TranslationValidator.Problem(texts[i], restored, target);
                result[texts[i]] = problem is null ? (restored, null) : (null, problem);
                if (problem is null && glossary.Violations(texts[i], restored!).Count > 0)
                {
                    // Terminology is checked, counted and reported, not enforced: rejecting would retry forever on
                    // providers that cannot take a glossary (Google, Azure).
                    stats.GlossaryMiss();
                }
            }

            return (result, false);
        }
    }

    private static List<List<string>> Batch(List<string> texts, BatchLimits limits, ITokenCounter? counter)
    {
        var batches = new List<List<string>>();
        var current = new List<string>();
        var chars = 0;
        var tokens = 0;
        foreach (var t in texts)
        {
            var n = counter is not null && limits.MaxTokens is not null ? counter.CountTokens(t) : 0;
            if (current.Count > 0 && (current.Count >= limits.MaxTexts || chars + t.Length > limits.MaxChars
                                      || (limits.MaxTokens is { } max && tokens + n > max)))
            {
                batches.Add(current);
                current = [];
                chars = 0;
                tokens = 0;
            }

            current.Add(t);
            chars += t.Length;
            tokens += n;
        }

        if (current.Count > 0)
        {
            batches.Add(current);
        }

        return batches;
    }
}

/// <summary>Spaces requests to stay within requests-per-minute and tokens-per-minute limits.</summary>
internal sealed class RequestPacer(int? perMinute, int? tokensPerMinute, TimeProvider time)
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private DateTimeOffset next = DateTimeOffset.MinValue;

    public async Task WaitAsync(long tokens, CancellationToken cancellationToken)
    {
        var spacing = TimeSpan.Zero;
        if (perMinute is { } rpm && rpm > 0)
        {
            spacing = TimeSpan.FromMinutes(1.0 / rpm);
        }

        if (tokensPerMinute is { } tpm && tpm > 0 && tokens > 0)
        {
            var byTokens = TimeSpan.FromMinutes((double)tokens / tpm);
            spacing = byTokens > spacing ? byTokens : spacing;
        }

        if (spacing == TimeSpan.Zero)
        {
            return;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            if (next > now)
            {
                await Task.Delay(next - now, time, cancellationToken);
            }

            next = (next > now ? next : now) + spacing;
        }
        finally
        {
            gate.Release();
        }
    }
}
