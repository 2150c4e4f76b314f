using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ArxivDigest.Tests.Support;

/// <summary>One request as <see cref="FakeTranslationApis"/> saw it (headers and query with the last value of each name).</summary>
public sealed record ApiRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    int Status);

/// <summary>The kind of a scripted fault.</summary>
public enum ApiFaultKind
{
    /// <summary>Answer <see cref="ApiFault.Status"/> with an error body in the API's shape (or <see cref="ApiFault.Body"/>).</summary>
    Status,

    /// <summary>Wait <see cref="ApiFault.Stall"/> (or until the client gives up) before answering normally.</summary>
    Stall,

    /// <summary>200 with a body that is not JSON.</summary>
    MalformedJson,

    /// <summary>200 with one translation fewer than texts sent (Google web: an empty sentence list).</summary>
    WrongCount,
}

/// <summary>A scripted answer, served (once) before the normal behaviour of its path.</summary>
/// <param name="Body">Raw body of a <see cref="ApiFaultKind.Status"/> fault; null for the API's usual error body carrying <paramref name="Message"/>.</param>
public sealed record ApiFault(ApiFaultKind Kind, int Status = 200, string? RetryAfter = null, string? Body = null, TimeSpan? Stall = null, string? Message = null)
{
    /// <summary>An HTTP error; <paramref name="body"/> null means the API's usual JSON error body with <paramref name="message"/>.</summary>
    public static ApiFault Http(int status, string? retryAfter = null, string? body = null, string? message = null) =>
        new(ApiFaultKind.Status, status, retryAfter, body, Message: message);

    public static ApiFault RateLimited(string? retryAfter = "7") => Http(429, retryAfter, message: "Too many requests");

    public static ApiFault ServerError() => Http(500, message: "Internal error");

    public static ApiFault Forbidden(string message = "Authorization failure, check auth_key") => Http(403, message: message);

    public static ApiFault QuotaExceeded() => Http(456, message: "Quota exceeded");

    public static ApiFault Stalled(TimeSpan? stall = null) => new(ApiFaultKind.Stall, Stall: stall ?? TimeSpan.FromSeconds(30));

    public static ApiFault Malformed() => new(ApiFaultKind.MalformedJson);

    public static ApiFault WrongCount() => new(ApiFaultKind.WrongCount);
}

/// <summary>
/// In-process fakes of four translation APIs on 127.0.0.1 (Kestrel, port 0), all on one <see cref="Url"/>:
/// <list type="bullet">
/// <item>DeepL v2: <c>POST /v2/translate</c>, <c>POST /v2/glossaries</c> (header <c>Authorization: DeepL-Auth-Key {DeepLKey}</c>);</item>
/// <item>Google web: <c>GET /translate_a/single?client=gtx&amp;sl&amp;tl&amp;dt=t&amp;q</c> (no key);</item>
/// <item>Google Cloud v2: <c>POST /language/translate/v2?key={GoogleKey}</c>;</item>
/// <item>Azure Translator v3: <c>POST /translate?api-version=3.0&amp;to=…</c> (header <c>Ocp-Apim-Subscription-Key: {AzureKey}</c>,
/// and <c>Ocp-Apim-Subscription-Region</c> when <see cref="AzureRegion"/> is set).</item>
/// </list>
/// Each checks its auth and body shape (wrong auth: 403 / 401 with the API's error body; bad body: 400) and answers
/// deterministically: the translation of a text is <c>"译:" + text</c> (placeholders ⟦n⟧ pass through untouched); with a
/// DeepL glossary, each glossary source term in the text is also replaced by its target (longest first, ignoring case). Every request is recorded;
/// faults are scripted per path (<see cref="AddFault"/>), and <see cref="Down"/> makes every request fail at the
/// connection level (the connection is aborted without an answer).
/// </summary>
public sealed class FakeTranslationApis : IAsyncDisposable
{
    public const string DeepLTranslatePath = "/v2/translate";
    public const string DeepLGlossariesPath = "/v2/glossaries";
    public const string GoogleWebPath = "/translate_a/single";
    public const string GoogleCloudPath = "/language/translate/v2";
    public const string AzurePath = "/translate";

    /// <summary>The prefix of every fake translation.</summary>
    public const string Prefix = "译:";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<ApiRequest> seen = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<ApiFault>> faults = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<(string Source, string Target)>> glossaries = new(StringComparer.Ordinal);
    private int glossaryCounter;

    private FakeTranslationApis(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>Base URL, e.g. <c>http://127.0.0.1:54321</c> (no trailing slash).</summary>
    public string Url { get; }

    public Uri BaseUri => new(Url);

    public string DeepLKey { get; set; } = "deepl-test-key:fx";

    public string GoogleKey { get; set; } = "google-test-key";

    public string AzureKey { get; set; } = "azure-test-key";

    /// <summary>When set, Azure requests must carry this Ocp-Apim-Subscription-Region.</summary>
    public string? AzureRegion { get; set; }

    /// <summary>While true, every request's connection is aborted without an answer (a network failure).</summary>
    public bool Down { get; set; }

    public IReadOnlyList<ApiRequest> Requests => seen.ToList();

    /// <summary>Glossaries created through <c>POST /v2/glossaries</c>: id → entries.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<(string Source, string Target)>> Glossaries =>
        glossaries.ToDictionary(p => p.Key, p => (IReadOnlyList<(string, string)>)p.Value, StringComparer.Ordinal);

    public static async Task<FakeTranslationApis> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Limits.MaxRequestLineSize = 256 * 1024; // Google web carries the text in the query string
            k.Limits.MaxRequestHeadersTotalSize = 512 * 1024;
        });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        var app = builder.Build();
        FakeTranslationApis? server = null;
        app.Run(ctx => server!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeTranslationApis(app, address.TrimEnd('/'));
        return server;
    }

    /// <summary>Queues a fault for the next request to <paramref name="path"/> (one of the path constants).</summary>
    public void AddFault(string path, ApiFault fault) => faults.GetOrAdd(path, _ => new ConcurrentQueue<ApiFault>()).Enqueue(fault);

    /// <summary>Requests seen on <paramref name="path"/> (faulted ones included).</summary>
    public int Count(string path) => seen.Count(r => r.Path == path);

    public IReadOnlyList<ApiRequest> RequestsTo(string path) => seen.Where(r => r.Path == path).ToList();

    public int DeepLTranslateCount => Count(DeepLTranslatePath);

    public int DeepLGlossaryCount => Count(DeepLGlossariesPath);

    public int GoogleWebCount => Count(GoogleWebPath);

    public int GoogleCloudCount => Count(GoogleCloudPath);

    public int AzureCount => Count(AzurePath);

    public void ClearRequests() => seen.Clear();

    private async Task HandleAsync(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value ?? "";
        string body;
        using (var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8))
        {
            body = await reader.ReadToEndAsync(ctx.RequestAborted);
        }

        try
        {
            if (Down)
            {
                ctx.Abort();
                return;
            }

            if (faults.TryGetValue(path, out var queue) && queue.TryDequeue(out var fault))
            {
                switch (fault.Kind)
                {
                    case ApiFaultKind.Status:
                        if (fault.RetryAfter is not null)
                        {
                            ctx.Response.Headers.RetryAfter = fault.RetryAfter;
                        }

                        if (fault.Body is { } b)
                        {
                            await WriteAsync(ctx, fault.Status, b, b.TrimStart().StartsWith('{') ? "application/json" : "text/html");
                        }
                        else
                        {
                            await ErrorAsync(ctx, path, fault.Status, fault.Message ?? $"Scripted fault {fault.Status}");
                        }

                        return;
                    case ApiFaultKind.Stall:
                        try
                        {
                            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, app.Lifetime.ApplicationStopping);
                            await Task.Delay(fault.Stall ?? TimeSpan.FromSeconds(30), cts.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }

                        break;
                    case ApiFaultKind.MalformedJson:
                        await WriteAsync(ctx, 200, path == GoogleWebPath ? "[[[\"译" : "{\"translations\": [{\"text\": ", "application/json");
                        return;
                    case ApiFaultKind.WrongCount:
                        await RouteAsync(ctx, path, body, wrongCount: true);
                        return;
                }
            }

            await RouteAsync(ctx, path, body, wrongCount: false);
        }
        finally
        {
            seen.Enqueue(new ApiRequest(
                ctx.Request.Method,
                path,
                ctx.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal),
                ctx.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body,
                ctx.Response.StatusCode));
        }
    }

    private Task RouteAsync(HttpContext ctx, string path, string body, bool wrongCount) => (ctx.Request.Method, path) switch
    {
        ("POST", DeepLTranslatePath) => DeepLTranslateAsync(ctx, body, wrongCount),
        ("POST", DeepLGlossariesPath) => DeepLGlossaryAsync(ctx, body),
        ("GET", GoogleWebPath) => GoogleWebAsync(ctx, wrongCount),
        ("POST", GoogleCloudPath) => GoogleCloudAsync(ctx, body, wrongCount),
        ("POST", AzurePath) => AzureAsync(ctx, body, wrongCount),
        _ => WriteAsync(ctx, 404, "{\"message\":\"Not found\"}", "application/json"),
    };

    /// <summary>When set, replaces the default "译:" + text answer, applied to every text (and every Google web piece).</summary>
    public Func<string, string>? Transform { get; set; }

    private string Translate(string text) => Transform is { } f ? f(text) : Prefix + text;

    private bool DeepLAuthorized(HttpContext ctx) =>
        ctx.Request.Headers.Authorization.ToString() == $"DeepL-Auth-Key {DeepLKey}";

    private async Task DeepLTranslateAsync(HttpContext ctx, string body, bool wrongCount)
    {
        if (!DeepLAuthorized(ctx))
        {
            await ErrorAsync(ctx, DeepLTranslatePath, 403, "Wrong auth key");
            return;
        }

        if (Parse(body) is not JsonObject root || root["text"] is not JsonArray texts || texts.Any(t => t is not JsonValue)
            || root["target_lang"] is not JsonValue)
        {
            await ErrorAsync(ctx, DeepLTranslatePath, 400, "Bad request: expected {text: [...], target_lang}");
            return;
        }

        List<(string Source, string Target)>? entries = null;
        if (root["glossary_id"] is JsonValue gid)
        {
            if (root["source_lang"] is null)
            {
                await ErrorAsync(ctx, DeepLTranslatePath, 400, "Value for 'source_lang' is required when using a glossary");
                return;
            }

            if (!glossaries.TryGetValue(gid.GetValue<string>(), out entries))
            {
                await ErrorAsync(ctx, DeepLTranslatePath, 404, "Glossary not found");
                return;
            }
        }

        var translations = new JsonArray();
        foreach (var t in texts.Take(wrongCount ? texts.Count - 1 : texts.Count))
        {
            var translated = Translate(t!.GetValue<string>());
            foreach (var (source, target) in (entries ?? []).OrderByDescending(e => e.Source.Length))
            {
                translated = translated.Replace(source, target, StringComparison.OrdinalIgnoreCase);
            }

            translations.Add(new JsonObject { ["detected_source_language"] = "EN", ["text"] = translated });
        }

        await WriteAsync(ctx, 200, new JsonObject { ["translations"] = translations }.ToJsonString(), "application/json");
    }

    private async Task DeepLGlossaryAsync(HttpContext ctx, string body)
    {
        if (!DeepLAuthorized(ctx))
        {
            await ErrorAsync(ctx, DeepLGlossariesPath, 403, "Wrong auth key");
            return;
        }

        if (Parse(body) is not JsonObject root || root["name"] is not JsonValue || root["source_lang"] is not JsonValue
            || root["target_lang"] is not JsonValue || root["entries"] is not JsonValue entriesValue
            || root["entries_format"]?.GetValue<string>() != "tsv")
        {
            await ErrorAsync(ctx, DeepLGlossariesPath, 400, "Bad request: expected {name, source_lang, target_lang, entries, entries_format: tsv}");
            return;
        }

        var entries = new List<(string, string)>();
        foreach (var line in entriesValue.GetValue<string>().Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.TrimEnd('\r').Split('\t');
            if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            {
                await ErrorAsync(ctx, DeepLGlossariesPath, 400, $"Invalid glossary entry: {line}");
                return;
            }

            entries.Add((parts[0], parts[1]));
        }

        var id = $"fake-glossary-{Interlocked.Increment(ref glossaryCounter)}";
        glossaries[id] = entries;
        await WriteAsync(ctx, 201, new JsonObject
        {
            ["glossary_id"] = id,
            ["ready"] = true,
            ["name"] = root["name"]!.GetValue<string>(),
            ["source_lang"] = root["source_lang"]!.GetValue<string>(),
            ["target_lang"] = root["target_lang"]!.GetValue<string>(),
            ["creation_time"] = "2026-03-26T00:00:00.000Z",
            ["entry_count"] = entries.Count,
        }.ToJsonString(), "application/json");
    }

    private async Task GoogleWebAsync(HttpContext ctx, bool wrongCount)
    {
        var q = ctx.Request.Query;
        if (q["client"] != "gtx" || q["dt"] != "t" || string.IsNullOrEmpty(q["tl"]) || string.IsNullOrEmpty(q["sl"]) || !q.ContainsKey("q"))
        {
            await WriteAsync(ctx, 400, "<html><body>Bad Request</body></html>", "text/html");
            return;
        }

        var text = q["q"].ToString();

        // Several sentence segments, to exercise the concatenation of [0][i][0].
        var sentences = new JsonArray();
        if (!wrongCount)
        {
            var first = true;
            foreach (var segment in SplitSentences(text))
            {
                sentences.Add(new JsonArray(first || Transform is not null ? Translate(segment) : segment, segment, null, null, 10));
                first = false;
            }
        }

        var root = new JsonArray(sentences, null, "en");
        await WriteAsync(ctx, 200, root.ToJsonString(), "application/json");
    }

    private async Task GoogleCloudAsync(HttpContext ctx, string body, bool wrongCount)
    {
        if (ctx.Request.Query["key"] != GoogleKey)
        {
            await ErrorAsync(ctx, GoogleCloudPath, 400, "API key not valid. Please pass a valid API key.");
            return;
        }

        if (Parse(body) is not JsonObject root || root["target"] is not JsonValue || root["q"] is not JsonNode qNode)
        {
            await ErrorAsync(ctx, GoogleCloudPath, 400, "Missing required field target or q");
            return;
        }

        var texts = qNode is JsonArray a ? a.Select(t => t!.GetValue<string>()).ToList() : [qNode.GetValue<string>()];
        var translations = new JsonArray();
        foreach (var t in texts.Take(wrongCount ? texts.Count - 1 : texts.Count))
        {
            translations.Add(new JsonObject { ["translatedText"] = Translate(t) });
        }

        await WriteAsync(ctx, 200, new JsonObject { ["data"] = new JsonObject { ["translations"] = translations } }.ToJsonString(), "application/json");
    }

    private async Task AzureAsync(HttpContext ctx, string body, bool wrongCount)
    {
        if (ctx.Request.Headers["Ocp-Apim-Subscription-Key"] != AzureKey)
        {
            await ErrorAsync(ctx, AzurePath, 401, "Access denied due to invalid subscription key or wrong API endpoint.", 401000);
            return;
        }

        if (AzureRegion is not null && ctx.Request.Headers["Ocp-Apim-Subscription-Region"] != AzureRegion)
        {
            await ErrorAsync(ctx, AzurePath, 401, "The request is not authorized because credentials are missing or invalid.", 401001);
            return;
        }

        var to = ctx.Request.Query["to"].ToString();
        if (ctx.Request.Query["api-version"] != "3.0" || to.Length == 0)
        {
            await ErrorAsync(ctx, AzurePath, 400, "The target language is not valid.", 400036);
            return;
        }

        if (Parse(body) is not JsonArray items || items.Any(i => i is not JsonObject o || o["Text"] is not JsonValue))
        {
            await ErrorAsync(ctx, AzurePath, 400, "The body of the request is not valid JSON.", 400074);
            return;
        }

        var answer = new JsonArray();
        foreach (var item in items.Take(wrongCount ? items.Count - 1 : items.Count))
        {
            answer.Add(new JsonObject
            {
                ["translations"] = new JsonArray(new JsonObject { ["text"] = Translate(item!["Text"]!.GetValue<string>()), ["to"] = to }),
            });
        }

        await WriteAsync(ctx, 200, answer.ToJsonString(), "application/json");
    }

    /// <summary>An error in the shape of the API behind <paramref name="path"/>.</summary>
    private static Task ErrorAsync(HttpContext ctx, string path, int status, string message, int? azureCode = null)
    {
        var body = path switch
        {
            DeepLTranslatePath or DeepLGlossariesPath => new JsonObject { ["message"] = message }.ToJsonString(),
            GoogleCloudPath => new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = status, ["message"] = message, ["status"] = status == 429 ? "RESOURCE_EXHAUSTED" : "INVALID_ARGUMENT" },
            }.ToJsonString(),
            AzurePath => new JsonObject { ["error"] = new JsonObject { ["code"] = azureCode ?? (status * 1000), ["message"] = message } }.ToJsonString(),
            _ => $"<html><body><h1>{status}</h1><p>{WebUtility.HtmlEncode(message)}</p></body></html>",
        };
        return WriteAsync(ctx, status, body, body.StartsWith('{') ? "application/json" : "text/html");
    }

    private static async Task WriteAsync(HttpContext ctx, int status, string body, string contentType)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = contentType + "; charset=utf-8";
        await ctx.Response.WriteAsync(body);
    }

    private static JsonNode? Parse(string body)
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static IEnumerable<string> SplitSentences(string text)
    {
        var start = 0;
        for (var i = 0; i + 1 < text.Length; i++)
        {
            if (text[i] is '.' or '?' or '!' && text[i + 1] == ' ')
            {
                yield return text[start..(i + 2)];
                start = i + 2;
            }
        }

        if (start < text.Length || start == 0)
        {
            yield return text[start..];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
