using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ArxivDigest.Translation;

/// <summary>
/// An LLM behind the OpenAI-compatible Chat Completions API (OpenAI, DeepSeek, Qwen/DashScope compatible mode,
/// SiliconFlow, Moonshot, Ollama, vLLM, LM Studio ...). One call is one <c>POST {base}/chat/completions</c> carrying
/// the whole batch as JSON; the model answers <c>{"translations":[{"id":…,"text":…}]}</c>.
/// </summary>
/// <remarks>
/// Base URL rule: <see cref="ProviderOptions.BaseUrl"/> null means <c>https://api.openai.com/v1</c>. A base URL
/// without a path (<c>http://localhost:11434</c>) gets <c>/v1</c> appended; a base URL with any path
/// (<c>https://api.deepseek.com/v1</c>, <c>https://dashscope.aliyuncs.com/compatible-mode/v1</c>,
/// <c>https://openrouter.ai/api/v1</c>) is used as is. <c>/chat/completions</c> is then appended.
/// The <c>Authorization: Bearer</c> header is sent only when an API key is set (local servers need none).
/// </remarks>
public sealed class OpenAiProvider(HttpClient http, ProviderOptions options) : ITranslationProvider, ITokenCounter, ISummarizer
{
    public const string DefaultModel = "gpt-4o-mini";

    public const int DefaultMaxTexts = 20;

    public const int DefaultMaxChars = 24000;

    public static readonly Uri DefaultBaseUrl = new("https://api.openai.com/v1");

    private const string MalformedMessage = "malformed JSON from model";

    /// <summary>Keeps ⟦n⟧, LaTeX and non-Latin text literal in the prompt instead of \uXXXX escapes.</summary>
    private static readonly JsonWriterOptions PromptJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly Uri endpoint = ChatCompletionsUrl(options.BaseUrl);

    public string Name => "openai";

    public string Model { get; } = string.IsNullOrWhiteSpace(options.Model) ? DefaultModel : options.Model;

    /// <summary>Source tokens per request: leaves room for a Chinese answer of similar token count in a 16k output.</summary>
    public const int DefaultMaxTokens = 6000;

    public BatchLimits Limits { get; } = new(options.MaxBatchTexts is int n and > 0 ? n : DefaultMaxTexts, DefaultMaxChars, DefaultMaxTokens);

    /// <summary>
    /// Counts tokens offline with the o200k_base vocabulary (GPT-4o family, shipped in a NuGet package); for other
    /// OpenAI-compatible models it is a close estimate, used for batching, tokens-per-minute pacing and cost.
    /// </summary>
    public int CountTokens(string text) => Tokenizer.Value.CountTokens(text);

    private static readonly Lazy<Microsoft.ML.Tokenizers.Tokenizer> Tokenizer =
        new(() => Microsoft.ML.Tokenizers.TiktokenTokenizer.CreateForModel("gpt-4o"));

    /// <summary>The Chat Completions endpoint for a base URL, by the rule in the class remarks.</summary>
    public static Uri ChatCompletionsUrl(Uri? baseUrl)
    {
        var b = baseUrl ?? DefaultBaseUrl;
        var root = b.GetLeftPart(UriPartial.Authority);
        var path = b.AbsolutePath.TrimEnd('/');
        if (path.Length == 0)
        {
            path = "/v1";
        }

        return new Uri(root + path + "/chat/completions" + b.Query);
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
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return await CompleteAsync(texts, sourceLanguage, targetLanguage, SystemPrompt(sourceLanguage, targetLanguage, RelevantGlossary(texts, glossary)), cancellationToken);
    }

    /// <summary>One-sentence TL;DRs of abstracts in the target language, same wire format and checks as translations.</summary>
    public async Task<IReadOnlyDictionary<string, string>> SummarizeAsync(
        IReadOnlyList<ProviderText> texts,
        string sourceLanguage,
        string targetLanguage,
        CancellationToken cancellationToken)
    {
        if (texts.Count == 0)
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        return await CompleteAsync(texts, sourceLanguage, targetLanguage, TldrPrompt(sourceLanguage, targetLanguage), cancellationToken);
    }

    internal static string TldrPrompt(string source, string target)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"You write TL;DRs of scientific papers. For each arXiv abstract (in {LanguageName(source)}), write ONE sentence in {LanguageName(target)} saying what the paper does and finds. ");
        sb.Append("No preamble, no LaTeX unless essential, at most 60 words or 80 characters of Chinese.\n");
        sb.Append("The user message is JSON: {\"source\":…,\"target\":…,\"texts\":[{\"id\":…,\"text\":…}]}.\n");
        sb.Append("Reply ONLY with a JSON object, no prose and no code fences: {\"translations\":[{\"id\":\"…\",\"text\":\"…\"}]}, ");
        sb.Append("containing every id of the input exactly once, with text being the one-sentence TL;DR (TL;DR).");
        return sb.ToString();
    }

    private async Task<IReadOnlyDictionary<string, string>> CompleteAsync(
        IReadOnlyList<ProviderText> texts,
        string sourceLanguage,
        string targetLanguage,
        string systemMessage,
        CancellationToken cancellationToken)
    {
        var body = RequestBody(texts, sourceLanguage, targetLanguage, systemMessage);
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", options.ApiKey);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Timeout);
        string content;
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                throw HttpFailure(response, text);
            }

            content = MessageContent(text);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TranslationProviderException(Name, $"no response within {options.Timeout.TotalSeconds:0.#} s", transient: true, inner: e);
        }
        catch (HttpRequestException e)
        {
            var what = e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}";
            throw new TranslationProviderException(Name, Scrub($"cannot reach {endpoint.GetLeftPart(UriPartial.Path)} ({what})"), transient: true, inner: e);
        }
        catch (IOException e)
        {
            throw new TranslationProviderException(Name, Scrub(e.Message), transient: true, inner: e);
        }

        return ParseTranslations(content, texts);
    }

    private byte[] RequestBody(IReadOnlyList<ProviderText> texts, string source, string target, string systemMessage)
    {
        using var user = new MemoryStream();
        using (var w = new Utf8JsonWriter(user, PromptJson))
        {
            w.WriteStartObject();
            w.WriteString("source", source);
            w.WriteString("target", target);
            w.WriteStartArray("texts");
            foreach (var t in texts)
            {
                w.WriteStartObject();
                w.WriteString("id", t.Id);
                w.WriteString("text", t.Text);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        var userMessage = Encoding.UTF8.GetString(user.ToArray());

        using var body = new MemoryStream();
        using (var w = new Utf8JsonWriter(body))
        {
            w.WriteStartObject();
            w.WriteString("model", Model);
            w.WriteNumber("temperature", 0);
            w.WriteStartObject("response_format");
            w.WriteString("type", "json_object");
            w.WriteEndObject();
            w.WriteStartArray("messages");
            w.WriteStartObject();
            w.WriteString("role", "system");
            w.WriteString("content", systemMessage);
            w.WriteEndObject();
            w.WriteStartObject();
            w.WriteString("role", "user");
            w.WriteString("content", userMessage);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return body.ToArray();
    }

    /// <summary>The glossary entries relevant to any text of the batch, each once, in first-seen order.</summary>
    internal static IReadOnlyList<GlossaryEntry> RelevantGlossary(IReadOnlyList<ProviderText> texts, Glossary glossary)
    {
        var seen = new HashSet<(string, string)>();
        var entries = new List<GlossaryEntry>();
        foreach (var t in texts)
        {
            foreach (var e in glossary.Relevant(t.Text))
            {
                if (seen.Add((e.Source, e.Target)))
                {
                    entries.Add(e);
                }
            }
        }

        return entries;
    }

    internal static string SystemPrompt(string source, string target, IReadOnlyList<GlossaryEntry> glossary)
    {
        var from = LanguageName(source);
        var to = LanguageName(target);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"You are a professional translator of scientific papers. Translate arXiv paper titles and abstracts from {from} to {to}.\n");
        sb.Append("Rules:\n");
        sb.Append("1. Translate faithfully and completely, sentence by sentence. Do not summarize, shorten, explain, or add anything.\n");
        sb.Append("2. Keep placeholders such as ⟦0⟧, ⟦1⟧ exactly as they are (same characters, same number of times); they stand for formulas, URLs and names.\n");
        sb.Append("3. Keep LaTeX (e.g. $x^2$, \\mathcal{O}(n)) and code unchanged.\n");
        sb.Append("4. Use standard technical terminology of the field; keep well-known acronyms (e.g. LLM, GAN) as they are.\n");
        if (glossary.Count > 0)
        {
            sb.Append("5. Use these glossary translations:\n");
            foreach (var e in glossary)
            {
                sb.Append(CultureInfo.InvariantCulture, $"   - {e.Source} → {e.Target}");
                if (e.Avoid.Count > 0)
                {
                    sb.Append(CultureInfo.InvariantCulture, $" (not: {string.Join(", ", e.Avoid)})");
                }

                sb.Append('\n');
            }
        }

        sb.Append("The user message is JSON: {\"source\":…,\"target\":…,\"texts\":[{\"id\":…,\"text\":…}]}.\n");
        sb.Append("Reply ONLY with a JSON object, no prose and no code fences: {\"translations\":[{\"id\":\"…\",\"text\":\"…\"}]}, ");
        sb.Append("containing every id of the input exactly once, with the id copied unchanged and text being the full translation.");
        return sb.ToString();
    }

    private static string LanguageName(string code) => code.ToLowerInvariant() switch
    {
        "en" => "English (en)",
        "zh" or "zh-cn" or "zh-hans" => "Simplified Chinese (zh)",
        "zh-tw" or "zh-hk" or "zh-hant" => $"Traditional Chinese ({code})",
        "ja" => "Japanese (ja)",
        "ko" => "Korean (ko)",
        "de" => "German (de)",
        "fr" => "French (fr)",
        "es" => "Spanish (es)",
        "it" => "Italian (it)",
        "pt" => "Portuguese (pt)",
        "ru" => "Russian (ru)",
        _ => code,
    };

    private TranslationProviderException HttpFailure(HttpResponseMessage response, string body)
    {
        var code = (int)response.StatusCode;
        var detail = ApiErrorMessage(body);
        var message = $"HTTP {code} {response.ReasonPhrase}".TrimEnd() + (detail is null ? "" : $": {detail}");
        message = Scrub(message);
        var transient = code is 408 or 409 or 425 or 429 || code >= 500;
        return new TranslationProviderException(Name, message, transient, transient ? RetryAfter(response) : null);
    }

    /// <summary><c>{"error":{"message":…}}</c> (OpenAI and most compatibles), or <c>{"error":"…"}</c> (Ollama), or <c>{"message":…}</c>.</summary>
    private static string? ApiErrorMessage(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            if (root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.String)
                {
                    return Shorten(error.GetString());
                }

                if (error.ValueKind == JsonValueKind.Object && error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String)
                {
                    return Shorten(m.GetString());
                }
            }

            return root.TryGetProperty("message", out var msg) && msg.ValueKind == JsonValueKind.String ? Shorten(msg.GetString()) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Shorten(string? s)
    {
        if (string.IsNullOrWhiteSpace(s))
        {
            return null;
        }

        s = s.Trim();
        return s.Length <= 500 ? s : s[..500] + "…";
    }

    /// <summary><c>retry-after-ms</c> (OpenAI, precise) first, then <c>Retry-After</c> as seconds or an HTTP date.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis)
            && millis >= 0 && !double.IsInfinity(millis))
        {
            return TimeSpan.FromMilliseconds(millis);
        }

        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var d = date - DateTimeOffset.UtcNow;
            return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        }

        // Some servers send fractional seconds, which the typed header rejects.
        if (response.Headers.TryGetValues("Retry-After", out var raw)
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0 && !double.IsInfinity(seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return null;
    }

    /// <summary><c>choices[0].message.content</c> of a Chat Completions answer.</summary>
    private string MessageContent(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("choices", out var choices)
                && choices.ValueKind == JsonValueKind.Array
                && choices.GetArrayLength() > 0
                && choices[0].ValueKind == JsonValueKind.Object
                && choices[0].TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("content", out var content)
                && content.ValueKind == JsonValueKind.String)
            {
                return content.GetString()!;
            }

            var finish = doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("choices", out var c) && c.ValueKind == JsonValueKind.Array && c.GetArrayLength() > 0
                && c[0].ValueKind == JsonValueKind.Object && c[0].TryGetProperty("finish_reason", out var f) && f.ValueKind == JsonValueKind.String
                ? $" (finish_reason {f.GetString()})"
                : "";
            throw new TranslationProviderException(Name, $"no message content in the answer{finish}", transient: true);
        }
        catch (JsonException e)
        {
            throw new TranslationProviderException(Name, "the answer is not a Chat Completions JSON response", transient: true, inner: e);
        }
    }

    /// <summary>
    /// Maps the model's JSON to id → text. Unknown ids, ids given more than once, and empty texts are dropped (the
    /// service then treats those texts as failed); content that is not the expected JSON fails the whole call.
    /// </summary>
    internal IReadOnlyDictionary<string, string> ParseTranslations(string content, IReadOnlyList<ProviderText> texts)
    {
        var json = StripFences(content);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new TranslationProviderException(Name, MalformedMessage, transient: true, inner: e);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty("translations", out var list)
                || list.ValueKind != JsonValueKind.Array)
            {
                throw new TranslationProviderException(Name, MalformedMessage + " (no translations array)", transient: true);
            }

            var requested = new HashSet<string>(texts.Select(t => t.Id), StringComparer.Ordinal);
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            var duplicated = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in list.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.Object
                    || !item.TryGetProperty("id", out var idElement)
                    || !item.TryGetProperty("text", out var textElement)
                    || textElement.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                var id = idElement.ValueKind switch
                {
                    JsonValueKind.String => idElement.GetString()!,
                    JsonValueKind.Number => idElement.GetRawText(),
                    _ => null,
                };
                var text = textElement.GetString();
                if (id is null || !requested.Contains(id) || string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                if (!result.TryAdd(id, text))
                {
                    duplicated.Add(id);
                }
            }

            foreach (var id in duplicated)
            {
                result.Remove(id);
            }

            return result;
        }
    }

    /// <summary>Drops ```json fences and any prose around the outermost JSON object.</summary>
    internal static string StripFences(string content)
    {
        var s = content.Trim();
        if (s.StartsWith("```", StringComparison.Ordinal))
        {
            var firstLine = s.IndexOf('\n', StringComparison.Ordinal);
            s = firstLine < 0 ? s[3..] : s[(firstLine + 1)..];
            var close = s.LastIndexOf("```", StringComparison.Ordinal);
            if (close >= 0)
            {
                s = s[..close];
            }

            s = s.Trim();
        }

        if (!s.StartsWith('{'))
        {
            var start = s.IndexOf('{', StringComparison.Ordinal);
            var end = s.LastIndexOf('}');
            if (start >= 0 && end > start)
            {
                s = s[start..(end + 1)];
            }
        }

        return s;
    }

    private string Scrub(string message) =>
        string.IsNullOrEmpty(options.ApiKey) ? message : message.Replace(options.ApiKey, "***", StringComparison.Ordinal);
}
