using System.Text.Json.Nodes;

namespace ArxivDigest.Translation;

/// <summary>
/// <c>--translator azure</c>: Microsoft Translator v3, <c>POST {base}/translate?api-version=3.0&amp;from=en&amp;to=zh-Hans</c>
/// with headers <c>Ocp-Apim-Subscription-Key</c> and, for a regional resource, <c>Ocp-Apim-Subscription-Region</c>
/// (<see cref="ProviderOptions.Region"/>); body <c>[{"Text":"…"}, …]</c>, answer <c>[{"translations":[{"text","to"}]}, …]</c>
/// in request order. Base <c>https://api.cognitive.microsofttranslator.com</c> unless
/// <see cref="ProviderOptions.BaseUrl"/> says otherwise. The API takes up to 1000 elements and 50,000 characters per
/// request; we send at most <see cref="ProviderOptions.MaxBatchTexts"/> (default 100). No glossary (ignored).
/// </summary>
public sealed class AzureTranslatorProvider(HttpClient http, ProviderOptions options) : ITranslationProvider
{
    public const string DefaultBaseUrl = "https://api.cognitive.microsofttranslator.com";

    private readonly string baseUrl = ProviderHttp.Base(options.BaseUrl, DefaultBaseUrl);

    public string Name => "azure";

    public string Model => "v3";

    public BatchLimits Limits { get; } = new(options.MaxBatchTexts ?? 100, 50_000);

    /// <summary>Translator's language code: zh / zh-CN → zh-Hans, zh-TW → zh-Hant; others as given.</summary>
    internal static string LanguageCode(string language) => language.ToLowerInvariant() switch
    {
        "zh" or "zh-cn" or "zh-sg" or "zh-hans" => "zh-Hans",
        "zh-tw" or "zh-hk" or "zh-hant" => "zh-Hant",
        _ => language,
    };

    public async Task<IReadOnlyDictionary<string, string>> TranslateAsync(
        IReadOnlyList<ProviderText> texts,
        string sourceLanguage,
        string targetLanguage,
        Glossary glossary,
        CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return new Dictionary<string, string>();
        }

        var key = options.ApiKey;
        if (string.IsNullOrEmpty(key))
        {
            throw new TranslationProviderException(Name, "no API key (set AZURE_TRANSLATOR_KEY)", transient: false);
        }

        var body = new JsonArray(texts.Select(t => (JsonNode?)new JsonObject { ["Text"] = t.Text }).ToArray());
        var url = $"{baseUrl}/translate?api-version=3.0&from={Uri.EscapeDataString(LanguageCode(sourceLanguage))}&to={Uri.EscapeDataString(LanguageCode(targetLanguage))}";
        var json = await ProviderHttp.SendJsonAsync(
            http,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = ProviderHttp.JsonContent(body) };
                request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Key", key);
                if (!string.IsNullOrWhiteSpace(options.Region))
                {
                    request.Headers.TryAddWithoutValidation("Ocp-Apim-Subscription-Region", options.Region);
                }

                return request;
            },
            Name,
            options.Timeout,
            key,
            cancellationToken).ConfigureAwait(false);

        if (json is not JsonArray items)
        {
            throw ProviderHttp.Malformed(Name, "expected a JSON array");
        }

        return ProviderHttp.ByPosition(Name, texts, items, item => item?["translations"] is JsonArray { Count: > 0 } t ? t[0]?["text"] : null);
    }
}
