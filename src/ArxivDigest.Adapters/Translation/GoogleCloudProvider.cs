using System.Text.Json.Nodes;

namespace ArxivDigest.Translation;

/// <summary>
/// <c>--translator google-cloud</c>: Google Cloud Translation v2 (Basic) REST,
/// <c>POST {base}/language/translate/v2?key=…</c> with <c>{"q":[…],"source":"en","target":"zh-CN","format":"text"}</c>;
/// the answer <c>{"data":{"translations":[{"translatedText"}]}}</c> is in request order. Base
/// <c>https://translation.googleapis.com</c> unless <see cref="ProviderOptions.BaseUrl"/> says otherwise. The key travels
/// in the URL, so it is scrubbed from every error message. No glossary (v2 has none; the argument is ignored).
/// </summary>
public sealed class GoogleCloudProvider(HttpClient http, ProviderOptions options) : ITranslationProvider
{
    public const string DefaultBaseUrl = "https://translation.googleapis.com";

    private readonly string baseUrl = ProviderHttp.Base(options.BaseUrl, DefaultBaseUrl);

    public string Name => "google-cloud";

    public string Model => "v2";

    public BatchLimits Limits { get; } = new(options.MaxBatchTexts ?? 128, 30_000);

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
            throw new TranslationProviderException(Name, "no API key (set GOOGLE_API_KEY)", transient: false);
        }

        var body = new JsonObject
        {
            ["q"] = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t.Text)).ToArray()),
            ["source"] = GoogleWebProvider.LanguageCode(sourceLanguage),
            ["target"] = GoogleWebProvider.LanguageCode(targetLanguage),
            ["format"] = "text",
        };
        var url = $"{baseUrl}/language/translate/v2?key={Uri.EscapeDataString(key)}";
        var json = await ProviderHttp.SendJsonAsync(
            http,
            () => new HttpRequestMessage(HttpMethod.Post, url) { Content = ProviderHttp.JsonContent(body) },
            Name,
            options.Timeout,
            key,
            cancellationToken).ConfigureAwait(false);

        if (json["data"]?["translations"] is not JsonArray translations)
        {
            throw ProviderHttp.Malformed(Name, "no data.translations array");
        }

        return ProviderHttp.ByPosition(Name, texts, translations, item => item?["translatedText"]);
    }
}
