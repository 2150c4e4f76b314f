using System.Text;
using System.Text.Json.Nodes;

namespace ArxivDigest.Translation;

/// <summary>
/// <c>--translator deepl</c>: DeepL API v2. <c>POST {base}/v2/translate</c> with header
/// <c>Authorization: DeepL-Auth-Key …</c> and JSON <c>{"text":[…],"source_lang":"EN","target_lang":"ZH-HANS"}</c>; the
/// answer <c>{"translations":[{"detected_source_language","text"}]}</c> is in request order. The host follows the key:
/// a key ending in <c>:fx</c> is a free-plan key (<c>https://api-free.deepl.com</c>), any other key is Pro
/// (<c>https://api.deepl.com</c>); <see cref="ProviderOptions.BaseUrl"/> overrides both.
/// <para>
/// Placeholders ⟦n⟧ are sent as plain text (no <c>tag_handling</c>): DeepL leaves such bracketed tokens alone in
/// practice, and the translation service validates that every placeholder came back. DeepL limits a request to
/// 128 KiB, hence <see cref="BatchLimits.MaxChars"/> 120,000; at most 50 texts per request.
/// </para>
/// <para>
/// Glossary: when any text of a batch has relevant glossary entries, the whole glossary is uploaded once as a DeepL
/// glossary (<c>POST {base}/v2/glossaries</c>, TSV entries, source/target language without variant, e.g. en → zh) and
/// its id is kept for that <see cref="Glossary.Version"/> and sent as <c>glossary_id</c>. When DeepL rejects the
/// glossary itself (a 4xx other than 401/403/429/456) the provider translates without it from then on.
/// </para>
/// </summary>
public sealed class DeepLProvider(HttpClient http, ProviderOptions options) : ITranslationProvider
{
    public const string FreeBaseUrl = "https://api-free.deepl.com";
    public const string ProBaseUrl = "https://api.deepl.com";

    /// <summary>DeepL's limit on a glossary entry's source or target, in UTF-8 bytes.</summary>
    private const int MaxEntryBytes = 1024;

    private readonly string baseUrl = BaseUrlFor(options.ApiKey, options.BaseUrl);
    private readonly SemaphoreSlim glossaryGate = new(1, 1);
    private string? glossaryVersion;
    private string? glossaryId;

    public string Name => "deepl";

    public string Model => "";

    public BatchLimits Limits { get; } = new(options.MaxBatchTexts ?? 50, 120_000);

    /// <summary>
    /// The API base URL (no trailing slash): <paramref name="overrideUrl"/> when given, else the free host for a key
    /// ending in <c>:fx</c> and the Pro host for any other key.
    /// </summary>
    public static string BaseUrlFor(string? apiKey, Uri? overrideUrl = null)
    {
        if (overrideUrl is not null)
        {
            return ProviderHttp.Base(overrideUrl, ProBaseUrl);
        }

        return apiKey is not null && apiKey.Trim().EndsWith(":fx", StringComparison.Ordinal) ? FreeBaseUrl : ProBaseUrl;
    }

    /// <summary>DeepL's target code: zh / zh-CN / zh-Hans → ZH-HANS, zh-TW / zh-Hant → ZH-HANT, others upper-cased.</summary>
    internal static string TargetCode(string language) => language.ToLowerInvariant().Replace('_', '-') switch
    {
        "zh" or "zh-cn" or "zh-sg" or "zh-hans" => "ZH-HANS",
        "zh-tw" or "zh-hk" or "zh-hant" => "ZH-HANT",
        var other => other.ToUpperInvariant(),
    };

    /// <summary>DeepL's source code: the primary language, upper-cased (EN, ZH ...); sources have no variants.</summary>
    internal static string SourceCode(string language) => PrimaryLanguage(language).ToUpperInvariant();

    /// <summary>Glossary languages have no variant: "zh-Hans" → "zh", "EN-US" → "en".</summary>
    internal static string PrimaryLanguage(string language) => language.Replace('_', '-').Split('-')[0].ToLowerInvariant();

    /// <summary>
    /// The glossary as DeepL TSV: one <c>source\ttarget</c> per line; entries DeepL would reject (empty, containing
    /// tabs, line breaks or control characters, over 1024 bytes, or a duplicate source) are left out.
    /// </summary>
    internal static string Tsv(IEnumerable<GlossaryEntry> entries)
    {
        var sb = new StringBuilder();
        var sources = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var source = entry.Source.Trim();
            var target = entry.Target.Trim();
            if (!Usable(source) || !Usable(target) || !sources.Add(source))
            {
                continue;
            }

            sb.Append(source).Append('\t').Append(target).Append('\n');
        }

        return sb.ToString();

        static bool Usable(string s) =>
            s.Length > 0 && !s.Any(char.IsControl) && Encoding.UTF8.GetByteCount(s) <= MaxEntryBytes;
    }

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
            throw new TranslationProviderException(Name, "no API key (set DEEPL_API_KEY)", transient: false);
        }

        string? id = null;
        if (glossary.Entries.Count > 0 && texts.Any(t => glossary.Relevant(t.Text).Count > 0))
        {
            id = await GlossaryIdAsync(glossary, sourceLanguage, targetLanguage, key, cancellationToken).ConfigureAwait(false);
        }

        var body = new JsonObject
        {
            ["text"] = new JsonArray(texts.Select(t => (JsonNode?)JsonValue.Create(t.Text)).ToArray()),
            ["source_lang"] = SourceCode(sourceLanguage),
            ["target_lang"] = TargetCode(targetLanguage),
        };
        if (id is not null)
        {
            body["glossary_id"] = id;
        }

        var json = await SendAsync("/v2/translate", body, key, cancellationToken).ConfigureAwait(false);
        if (json["translations"] is not JsonArray translations)
        {
            throw ProviderHttp.Malformed(Name, "no translations array");
        }

        return ProviderHttp.ByPosition(Name, texts, translations, item => item?["text"]);
    }

    /// <summary>The DeepL glossary id for <paramref name="glossary"/>, created on first use; null when DeepL rejected it.</summary>
    private async Task<string?> GlossaryIdAsync(Glossary glossary, string sourceLanguage, string targetLanguage, string key, CancellationToken cancellationToken)
    {
        var version = $"{glossary.Version}/{PrimaryLanguage(sourceLanguage)}/{PrimaryLanguage(targetLanguage)}";
        await glossaryGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (glossaryVersion == version)
            {
                return glossaryId;
            }

            var tsv = Tsv(glossary.Entries);
            string? id = null;
            if (tsv.Length > 0)
            {
                var body = new JsonObject
                {
                    ["name"] = $"arxiv-digest {glossary.Version}",
                    ["source_lang"] = PrimaryLanguage(sourceLanguage),
                    ["target_lang"] = PrimaryLanguage(targetLanguage),
                    ["entries"] = tsv,
                    ["entries_format"] = "tsv",
                };
                try
                {
                    var json = await SendAsync("/v2/glossaries", body, key, cancellationToken).ConfigureAwait(false);
                    id = json["glossary_id"] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0
                        ? s
                        : throw ProviderHttp.Malformed(Name, "glossary created without a glossary_id");
                }
                catch (TranslationProviderException e) when (!e.Transient && IsGlossaryRejection(e))
                {
                    id = null; // DeepL refused the glossary itself (e.g. unsupported pair): translate without it
                }
            }

            glossaryVersion = version;
            glossaryId = id;
            return id;
        }
        finally
        {
            glossaryGate.Release();
        }
    }

    private static bool IsGlossaryRejection(TranslationProviderException e) =>
        !e.Message.Contains("authorization failed", StringComparison.Ordinal)
        && !e.Message.Contains("quota exceeded", StringComparison.Ordinal);

    private Task<JsonNode> SendAsync(string path, JsonObject body, string key, CancellationToken cancellationToken) =>
        ProviderHttp.SendJsonAsync(
            http,
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + path) { Content = ProviderHttp.JsonContent(body) };
                request.Headers.TryAddWithoutValidation("Authorization", $"DeepL-Auth-Key {key}");
                return request;
            },
            Name,
            options.Timeout,
            key,
            cancellationToken);
}
