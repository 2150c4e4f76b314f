namespace ArxivDigest.Translation;

/// <summary>How much one request to a provider may carry.</summary>
/// <param name="MaxTexts">Texts per request (DeepL: 50; Google web: 1; an LLM: what fits the prompt).</param>
/// <param name="MaxChars">Characters of source text per request, all texts together.</param>
/// <param name="MaxTokens">Tokens of source text per request, for providers that count tokens (<see cref="ITokenCounter"/>).</param>
public sealed record BatchLimits(int MaxTexts, int MaxChars, int? MaxTokens = null);

/// <summary>A provider billed and limited in tokens counts them offline (e.g. an LLM's tokenizer).</summary>
public interface ITokenCounter
{
    int CountTokens(string text);
}

/// <summary>One text handed to a provider: already protected (math, URLs ... replaced by placeholders ⟦n⟧).</summary>
public sealed record ProviderText(string Id, string Text);

/// <summary>
/// A translation provider: one request to one remote API. Batching, caching, retries, fallback and validation live in
/// <see cref="TranslationService"/>, not here. Returns one entry per text it could translate, keyed by id (a missing
/// id is a failure for that text). Throws <see cref="TranslationProviderException"/> when the request as a whole failed.
/// Never logs or includes API keys in messages.
/// </summary>
public interface ITranslationProvider
{
    /// <summary>Provider name as chosen on the command line (<c>openai</c>, <c>deepl</c> ...).</summary>
    string Name { get; }

    /// <summary>Model or variant, part of the cache key ("" when the provider has none).</summary>
    string Model { get; }

    BatchLimits Limits { get; }

    Task<IReadOnlyDictionary<string, string>> TranslateAsync(
        IReadOnlyList<ProviderText> texts,
        string sourceLanguage,
        string targetLanguage,
        Glossary glossary,
        CancellationToken cancellationToken);
}

/// <summary>A failed provider request. <see cref="Transient"/> says whether trying again may help.</summary>
public sealed class TranslationProviderException(string provider, string message, bool transient, TimeSpan? retryAfter = null, Exception? inner = null)
    : Exception($"{provider}: {message}", inner)
{
    public string Provider { get; } = provider;

    public bool Transient { get; } = transient;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>A provider that can also write one-sentence TL;DRs of abstracts in the target language (LLMs).</summary>
public interface ISummarizer
{
    string Name { get; }

    string Model { get; }

    Task<IReadOnlyDictionary<string, string>> SummarizeAsync(IReadOnlyList<ProviderText> texts, string sourceLanguage, string targetLanguage, CancellationToken cancellationToken);
}
