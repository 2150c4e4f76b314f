using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ArxivDigest.Translation;

/// <summary>
/// Shared HTTP plumbing of the REST translation providers: one request under the per-request timeout, and the mapping
/// of every failure to a <see cref="TranslationProviderException"/>:
/// <list type="bullet">
/// <item>429 and 5xx: transient, with the Retry-After header (delta seconds or HTTP-date) when sent;</item>
/// <item>401/403: not transient, "authorization failed"; 456 (DeepL): not transient, "quota exceeded";</item>
/// <item>other 4xx: not transient, with the API's own message taken from the JSON error body when there is one
/// (DeepL <c>{"message"}</c>, Google <c>{"error":{"message"}}</c>, Azure <c>{"error":{"code","message"}}</c>);</item>
/// <item>timeouts, connection failures and malformed JSON: transient.</item>
/// </list>
/// The secret (API key) is scrubbed from every message, and an inner exception that mentions it is dropped.
/// </summary>
internal static class ProviderHttp
{
    private const int MaxApiMessage = 300;

    /// <summary>Sends the request built by <paramref name="build"/> and returns the parsed JSON body of a 2xx answer.</summary>
    internal static async Task<JsonNode> SendJsonAsync(
        HttpClient http,
        Func<HttpRequestMessage> build,
        string provider,
        TimeSpan timeout,
        string? secret,
        CancellationToken cancellationToken)
    {
        var (status, headers, body) = await SendAsync(http, build, provider, timeout, secret, cancellationToken).ConfigureAwait(false);
        if ((int)status is < 200 or > 299)
        {
            throw StatusError(provider, status, headers, body, secret);
        }

        return ParseJson(provider, body, secret);
    }

    /// <summary>Parses a 2xx body; malformed JSON is a transient failure (a proxy or an overloaded server answered).</summary>
    internal static JsonNode ParseJson(string provider, string body, string? secret)
    {
        try
        {
            return JsonNode.Parse(body) ?? throw Malformed(provider, "the response body is JSON null");
        }
        catch (JsonException e)
        {
            throw Malformed(provider, Redact(e.Message, secret));
        }
    }

    /// <summary>
    /// Maps an answer array that lists translations in request order back to the request ids; a count mismatch is a
    /// (transient) failure of the whole request, an item without text just leaves that id out.
    /// </summary>
    internal static Dictionary<string, string> ByPosition(string provider, IReadOnlyList<ProviderText> texts, JsonArray items, Func<JsonNode?, JsonNode?> text)
    {
        if (items.Count != texts.Count)
        {
            throw new TranslationProviderException(provider, $"sent {texts.Count} texts, got {items.Count} translations", transient: true);
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < texts.Count; i++)
        {
            if (text(items[i]) is JsonValue v && v.TryGetValue<string>(out var s))
            {
                result[texts[i].Id] = s;
            }
        }

        return result;
    }

    internal static TranslationProviderException Malformed(string provider, string detail) =>
        new(provider, $"malformed response: {detail}", transient: true);

    private static async Task<(HttpStatusCode Status, HttpResponseHeaders Headers, string Body)> SendAsync(
        HttpClient http,
        Func<HttpRequestMessage> build,
        string provider,
        TimeSpan timeout,
        string? secret,
        CancellationToken cancellationToken)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout > TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            timeoutCts.CancelAfter(timeout);
        }

        try
        {
            using var request = build();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeoutCts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeoutCts.Token).ConfigureAwait(false);
            return (response.StatusCode, response.Headers, body);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException e)
        {
            throw new TranslationProviderException(provider, $"no response within {timeout.TotalSeconds:0.#} s", transient: true, inner: Inner(e, secret));
        }
        catch (HttpRequestException e)
        {
            throw new TranslationProviderException(provider, $"request failed: {Redact(e.Message, secret)}", transient: true, inner: Inner(e, secret));
        }
    }

    /// <summary>The exception for a non-2xx answer.</summary>
    internal static TranslationProviderException StatusError(string provider, HttpStatusCode status, HttpResponseHeaders headers, string body, string? secret)
    {
        var code = (int)status;
        var apiMessage = ApiMessage(body, secret);
        var suffix = apiMessage is null ? "" : $": {apiMessage}";
        if (code == 429)
        {
            return new TranslationProviderException(provider, $"rate limited (HTTP 429){suffix}", transient: true, RetryAfter(headers.RetryAfter));
        }

        if (code >= 500)
        {
            return new TranslationProviderException(provider, $"server error (HTTP {code}){suffix}", transient: true, RetryAfter(headers.RetryAfter));
        }

        return code switch
        {
            401 or 403 => new TranslationProviderException(provider, $"authorization failed (HTTP {code}), check the API key{suffix}", transient: false),
            456 => new TranslationProviderException(provider, $"quota exceeded (HTTP 456){suffix}", transient: false),
            _ => new TranslationProviderException(provider, $"request rejected (HTTP {code}){suffix}", transient: false),
        };
    }

    /// <summary>Retry-After as a delay: delta seconds, or an HTTP-date relative to now (never negative).</summary>
    internal static TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - DateTimeOffset.UtcNow;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>
    /// The API's own error message from a JSON error body: <c>{"message"}</c> (DeepL), <c>{"error":{"message"}}</c>
    /// (Google), <c>{"error":{"code","message"}}</c> (Azure, reported as "code: message"); null when there is none.
    /// </summary>
    internal static string? ApiMessage(string body, string? secret)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            if (JsonNode.Parse(body) is not JsonObject root)
            {
                return null;
            }

            string? message = null;
            if (root["error"] is JsonObject error)
            {
                message = Text(error["message"]);
                var code = Text(error["code"]);
                if (message is not null && code is not null && error["status"] is null)
                {
                    message = $"{code}: {message}"; // Azure: {"error":{"code":400036,"message":"..."}}
                }
            }
            else if (root["error"] is JsonValue errorText)
            {
                message = Text(errorText);
            }

            message ??= Text(root["message"]);
            if (Text(root["detail"]) is { } detail && message is not null)
            {
                message = $"{message} ({detail})"; // DeepL sometimes adds {"detail"}
            }

            if (string.IsNullOrWhiteSpace(message))
            {
                return null;
            }

            message = Redact(message.Trim(), secret);
            return message.Length <= MaxApiMessage ? message : message[..MaxApiMessage] + "…";
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Replaces every occurrence of the secret (and its URL-encoded form) with <c>***</c>.</summary>
    internal static string Redact(string text, string? secret)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(text))
        {
            return text;
        }

        text = text.Replace(secret, "***", StringComparison.Ordinal);
        var escaped = Uri.EscapeDataString(secret);
        return escaped == secret ? text : text.Replace(escaped, "***", StringComparison.Ordinal);
    }

    /// <summary>The exception to keep as inner exception: dropped when any message in its chain mentions the secret.</summary>
    internal static Exception? Inner(Exception e, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return e;
        }

        for (var x = (Exception?)e; x is not null; x = x.InnerException)
        {
            if (x.Message.Contains(secret, StringComparison.Ordinal) || x.Message.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal))
            {
                return null;
            }
        }

        return e;
    }

    /// <summary>The JSON media type with UTF-8, for request bodies.</summary>
    internal static StringContent JsonContent(JsonNode node) =>
        new(node.ToJsonString(), Encoding.UTF8, "application/json");

    /// <summary>The base URL without a trailing slash.</summary>
    internal static string Base(Uri? configured, string fallback) =>
        (configured?.ToString() ?? fallback).TrimEnd('/');

    private static string? Text(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v => v.ToJsonString(),
        _ => null,
    };
}
