using System.Text;
using System.Text.Json.Nodes;

namespace ArxivDigest.Translation;

/// <summary>
/// <c>--translator google</c>: the keyless Google Translate web endpoint used by browser extensions and peer tools,
/// <c>GET {base}/translate_a/single?client=gtx&amp;sl=en&amp;tl=zh-CN&amp;dt=t&amp;q=…</c> (base
/// <c>https://translate.googleapis.com</c> unless <see cref="ProviderOptions.BaseUrl"/> says otherwise). The answer is
/// a JSON array whose <c>[0][i][0]</c> strings, concatenated, are the translation.
/// <para>
/// Limits: the endpoint is unofficial and undocumented, may change or disappear without notice, is rate-limited per IP
/// address (bursts get HTTP 429, sometimes an HTML "unusual traffic" page) and has no service guarantee; it takes no
/// API key and supports no glossary (the glossary argument is ignored). One text per request; a text longer than
/// <see cref="MaxChunkChars"/> characters is split on sentence boundaries (". ", "? ", "! "; never inside a
/// placeholder ⟦n⟧) into several requests whose translations are joined in order.
/// </para>
/// </summary>
public sealed class GoogleWebProvider(HttpClient http, ProviderOptions options) : ITranslationProvider
{
    public const string DefaultBaseUrl = "https://translate.googleapis.com";

    /// <summary>Longest piece of text sent in one request (the query string has to stay a sane URL length).</summary>
    public const int MaxChunkChars = 4500;

    private readonly string baseUrl = ProviderHttp.Base(options.BaseUrl, DefaultBaseUrl);

    public string Name => "google";

    public string Model => "gtx";

    public BatchLimits Limits { get; } = new(1, MaxChunkChars);

    public async Task<IReadOnlyDictionary<string, string>> TranslateAsync(
        IReadOnlyList<ProviderText> texts,
        string sourceLanguage,
        string targetLanguage,
        Glossary glossary,
        CancellationToken cancellationToken)
    {
        var sl = LanguageCode(sourceLanguage);
        var tl = LanguageCode(targetLanguage);
        var joiner = IsCjk(tl) ? "" : " ";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var pieces = new List<string>();
            foreach (var chunk in Split(text.Text, MaxChunkChars))
            {
                pieces.Add(await TranslateOneAsync(chunk, sl, tl, cancellationToken).ConfigureAwait(false));
            }

            result[text.Id] = pieces.Count == 1 ? pieces[0] : string.Join(joiner, pieces.Select(p => p.Trim()));
        }

        return result;
    }

    /// <summary>The endpoint's language code: zh / zh-Hans → zh-CN, zh-Hant → zh-TW; others as given.</summary>
    internal static string LanguageCode(string language) => language.ToLowerInvariant() switch
    {
        "zh" or "zh-hans" or "zh-cn" or "zh-sg" => "zh-CN",
        "zh-hant" or "zh-tw" or "zh-hk" => "zh-TW",
        _ => language,
    };

    /// <summary>
    /// Splits <paramref name="text"/> into pieces of at most <paramref name="max"/> characters, preferring the end of a
    /// sentence (". ", "? ", "! "), then any whitespace, then a hard cut; never inside a placeholder ⟦n⟧ or a surrogate
    /// pair. Concatenating the pieces gives back the text.
    /// </summary>
    internal static List<string> Split(string text, int max)
    {
        var pieces = new List<string>();
        var start = 0;
        while (text.Length - start > max)
        {
            var limit = start + max; // the piece is text[start..cut], cut <= limit
            var cut = LastBoundary(text, start, limit);
            pieces.Add(text[start..cut]);
            start = cut;
        }

        if (start < text.Length || pieces.Count == 0)
        {
            pieces.Add(text[start..]);
        }

        return pieces;
    }

    private static int LastBoundary(string text, int start, int limit)
    {
        // End of a sentence: cut after the space that follows . ? !
        for (var i = limit - 1; i > start + 1; i--)
        {
            if (text[i] == ' ' && text[i - 1] is '.' or '?' or '!' && !InsidePlaceholder(text, start, i + 1))
            {
                return i + 1;
            }
        }

        for (var i = limit - 1; i > start; i--)
        {
            if (char.IsWhiteSpace(text[i]) && !InsidePlaceholder(text, start, i + 1))
            {
                return i + 1;
            }
        }

        var cut = limit;
        while (cut > start + 1 && (InsidePlaceholder(text, start, cut) || char.IsLowSurrogate(text[cut])))
        {
            cut--;
        }

        if (cut <= start + 1 && InsidePlaceholder(text, start, limit))
        {
            // A placeholder longer than the piece (cannot happen with ⟦n⟧): cut after it rather than inside.
            var close = text.IndexOf('⟧', limit);
            return close < 0 ? text.Length : close + 1;
        }

        return cut;
    }

    /// <summary>Whether cutting before index <paramref name="cut"/> would split a placeholder ⟦…⟧.</summary>
    private static bool InsidePlaceholder(string text, int start, int cut)
    {
        var open = text.LastIndexOf('⟦', cut - 1, cut - start);
        if (open < 0)
        {
            return false;
        }

        var close = text.IndexOf('⟧', open);
        return close >= cut;
    }

    private static bool IsCjk(string language) =>
        language.StartsWith("zh", StringComparison.OrdinalIgnoreCase)
        || language.StartsWith("ja", StringComparison.OrdinalIgnoreCase)
        || language.StartsWith("ko", StringComparison.OrdinalIgnoreCase);

    private async Task<string> TranslateOneAsync(string text, string sl, string tl, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return text;
        }

        var url = $"{baseUrl}/translate_a/single?client=gtx&sl={Uri.EscapeDataString(sl)}&tl={Uri.EscapeDataString(tl)}&dt=t&q={Uri.EscapeDataString(text)}";
        var json = await ProviderHttp.SendJsonAsync(http, () => new HttpRequestMessage(HttpMethod.Get, url), Name, options.Timeout, secret: null, cancellationToken)
            .ConfigureAwait(false);
        return Parse(json, Name);
    }

    /// <summary>Concatenates the <c>[0][i][0]</c> strings of the answer.</summary>
    internal static string Parse(JsonNode json, string provider)
    {
        if (json is not JsonArray root || root.Count == 0)
        {
            throw ProviderHttp.Malformed(provider, "expected a JSON array");
        }

        if (root[0] is null)
        {
            return ""; // nothing to translate
        }

        if (root[0] is not JsonArray sentences)
        {
            throw ProviderHttp.Malformed(provider, "expected an array of sentences at [0]");
        }

        var sb = new StringBuilder();
        foreach (var sentence in sentences)
        {
            if (sentence is JsonArray { Count: > 0 } parts && parts[0] is JsonValue v && v.TryGetValue<string>(out var s))
            {
                sb.Append(s);
            }
        }

        return sb.ToString();
    }
}
