namespace ArxivDigest.Translation;

/// <summary>
/// Settings of one translation provider. <see cref="ApiKey"/> comes from the environment (OPENAI_API_KEY, DEEPL_API_KEY,
/// GOOGLE_API_KEY, AZURE_TRANSLATOR_KEY) or a variable named in the config; it is never logged or printed.
/// </summary>
public sealed record ProviderOptions
{
    /// <summary>Base URL override (<c>--translator-url</c>); null for the provider's public endpoint.</summary>
    public Uri? BaseUrl { get; init; }

    public string? ApiKey { get; init; }

    /// <summary>Model name for LLM providers (e.g. gpt-4o-mini, deepseek-chat, qwen-plus); null for the default.</summary>
    public string? Model { get; init; }

    /// <summary>Azure region header (Ocp-Apim-Subscription-Region), when the resource is regional.</summary>
    public string? Region { get; init; }

    /// <summary>Per-request timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Texts per request, when the user wants fewer than the provider maximum (bench and tuning).</summary>
    public int? MaxBatchTexts { get; init; }

    public override string ToString() => $"ProviderOptions {{ BaseUrl = {BaseUrl}, Model = {Model}, Region = {Region}, ApiKey = {(ApiKey is null ? "none" : "***")} }}";
}
