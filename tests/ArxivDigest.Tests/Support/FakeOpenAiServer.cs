using System.Collections.Concurrent;
using System.Net;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArxivDigest.Tests.Support;

/// <summary>What a scripted <see cref="OpenAiFault"/> does to one request.</summary>
public enum OpenAiFaultKind
{
    /// <summary>429 with an OpenAI rate-limit error body, Retry-After and/or retry-after-ms.</summary>
    RateLimited,

    /// <summary>500 with an OpenAI server error body.</summary>
    ServerError,

    /// <summary>Waits <see cref="OpenAiFault.Delay"/> (or until the client hangs up), then answers normally.</summary>
    Stall,

    /// <summary>200, but the message content is prose, not JSON.</summary>
    MalformedContent,

    /// <summary>200, content is JSON without a translations array.</summary>
    NoTranslationsArray,

    /// <summary>200, the normal answer wrapped in a ```json fence.</summary>
    Fenced,

    /// <summary>200, the normal answer without the last requested id.</summary>
    MissingId,

    /// <summary>200, the normal answer plus an id that was not requested.</summary>
    ExtraId,

    /// <summary>401 with an OpenAI invalid_api_key body that echoes the key it received.</summary>
    Unauthorized,
}

/// <summary>One scripted answer, served (in queue order) instead of the normal one. Build with the static helpers.</summary>
public sealed record OpenAiFault(OpenAiFaultKind Kind)
{
    /// <summary>Raw Retry-After header value (seconds or HTTP date) for <see cref="OpenAiFaultKind.RateLimited"/>.</summary>
    public string? RetryAfter { get; init; }

    /// <summary>retry-after-ms header value for <see cref="OpenAiFaultKind.RateLimited"/>.</summary>
    public string? RetryAfterMs { get; init; }

    /// <summary>How long <see cref="OpenAiFaultKind.Stall"/> waits.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(30);

    public static OpenAiFault RateLimited(string? retryAfter = "1", string? retryAfterMs = null) =>
        new(OpenAiFaultKind.RateLimited) { RetryAfter = retryAfter, RetryAfterMs = retryAfterMs };

    public static OpenAiFault ServerError() => new(OpenAiFaultKind.ServerError);

    public static OpenAiFault Stall(TimeSpan delay) => new(OpenAiFaultKind.Stall) { Delay = delay };

    public static OpenAiFault MalformedContent() => new(OpenAiFaultKind.MalformedContent);

    public static OpenAiFault NoTranslationsArray() => new(OpenAiFaultKind.NoTranslationsArray);

    public static OpenAiFault Fenced() => new(OpenAiFaultKind.Fenced);

    public static OpenAiFault MissingId() => new(OpenAiFaultKind.MissingId);

    public static OpenAiFault ExtraId() => new(OpenAiFaultKind.ExtraId);

    public static OpenAiFault Unauthorized() => new(OpenAiFaultKind.Unauthorized);
}

/// <summary>One text of a request's user message.</summary>
public sealed record OpenAiText(string Id, string Text);

/// <summary>One chat-completions request as the fake saw it (fields null when absent or malformed).</summary>
public sealed record OpenAiRequest(
    string Path,
    string? Authorization,
    string? Model,
    double? Temperature,
    string? ResponseFormat,
    string? SystemPrompt,
    string? UserContent,
    string? Source,
    string? Target,
    IReadOnlyList<OpenAiText> Texts,
    int Status);

/// <summary>
/// An in-process OpenAI-compatible server on 127.0.0.1 (Kestrel, port 0): <c>POST /v1/chat/completions</c>.
/// Checks the bearer key (when <see cref="ExpectedKey"/> is set) and the request shape (model, messages with a system
/// and a JSON user message, response_format json_object; a bad shape gets a 400 OpenAI error). By default it
/// "translates" each text with <see cref="Translate"/> (<c>"译:" + text</c>, placeholders kept). Faults queued with
/// <see cref="Enqueue"/> are served first, one per request; <see cref="Down"/> answers every request with a 500.
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    /// <summary>The key the server expects by default.</summary>
    public const string Key = "sk-fake-test-0123456789abcdef";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication app;
    private readonly ConcurrentQueue<OpenAiRequest> seen = new();
    private readonly ConcurrentQueue<OpenAiFault> faults = new();
    private readonly CancellationTokenSource stopping = new();
    private int inFlight;
    private int requestCount;
    private int maxConcurrent;

    private FakeOpenAiServer(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    /// <summary>Base URL without <c>/v1</c>, e.g. <c>http://127.0.0.1:54321</c> (the provider appends <c>/v1</c>).</summary>
    public string Url { get; }

    /// <summary>Requests received on any path (faulted ones included).</summary>
    public int RequestCount => Volatile.Read(ref requestCount);

    public IReadOnlyList<OpenAiRequest> Requests => seen.ToList();

    /// <summary>Highest number of requests served at the same time.</summary>
    public int MaxConcurrent => Volatile.Read(ref maxConcurrent);

    /// <summary>Bearer key required; null accepts any or no Authorization header.</summary>
    public string? ExpectedKey { get; set; } = Key;

    /// <summary>When true, every request gets a 500 (a provider that is down).</summary>
    public bool Down { get; set; }

    /// <summary>Delay before every normal answer (for concurrency and pacing tests).</summary>
    public TimeSpan ResponseDelay { get; set; } = TimeSpan.Zero;

    /// <summary>The deterministic "translation": (text, target language) → answer.</summary>
    public Func<string, string, string> Translate { get; set; } = (text, _) => "译:" + text;

    public static async Task<FakeOpenAiServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeOpenAiServer? server = null;
        app.Run(ctx => server!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeOpenAiServer(app, address.TrimEnd('/'));
        return server;
    }

    public void Enqueue(OpenAiFault fault) => faults.Enqueue(fault);

    private async Task HandleAsync(HttpContext ctx)
    {
        Interlocked.Increment(ref requestCount);
        var now = Interlocked.Increment(ref inFlight);
        int max;
        while (now > (max = Volatile.Read(ref maxConcurrent)) && Interlocked.CompareExchange(ref maxConcurrent, now, max) != max)
        {
        }

        var path = ctx.Request.Path.Value ?? "";
        var auth = ctx.Request.Headers.Authorization.Count > 0 ? ctx.Request.Headers.Authorization.ToString() : null;
        string? model = null, format = null, system = null, user = null, source = null, target = null;
        double? temperature = null;
        var texts = new List<OpenAiText>();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, stopping.Token);
        try
        {
            if (Down)
            {
                await Error(ctx, 500, "The server had an error while processing your request. Sorry about that!", "server_error");
                return;
            }

            if (!HttpMethods.IsPost(ctx.Request.Method) || path != "/v1/chat/completions")
            {
                await Error(ctx, 404, $"Invalid URL ({ctx.Request.Method} {path})", "invalid_request_error");
                return;
            }

            string? shapeError = null;
            try
            {
                using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: abort.Token);
                var root = doc.RootElement;
                model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                temperature = root.TryGetProperty("temperature", out var t) && t.ValueKind == JsonValueKind.Number ? t.GetDouble() : null;
                format = root.TryGetProperty("response_format", out var rf) && rf.ValueKind == JsonValueKind.Object
                    && rf.TryGetProperty("type", out var rft) && rft.ValueKind == JsonValueKind.String ? rft.GetString() : null;
                if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
                {
                    foreach (var msg in messages.EnumerateArray())
                    {
                        var role = msg.TryGetProperty("role", out var r) ? r.GetString() : null;
                        var content = msg.TryGetProperty("content", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                        if (role == "system")
                        {
                            system = content;
                        }
                        else if (role == "user")
                        {
                            user = content;
                        }
                    }
                }

                if (user is not null)
                {
                    using var u = JsonDocument.Parse(user);
                    source = u.RootElement.TryGetProperty("source", out var s) ? s.GetString() : null;
                    target = u.RootElement.TryGetProperty("target", out var tg) ? tg.GetString() : null;
                    if (u.RootElement.TryGetProperty("texts", out var list) && list.ValueKind == JsonValueKind.Array)
                    {
                        texts.AddRange(list.EnumerateArray().Select(x => new OpenAiText(x.GetProperty("id").GetString()!, x.GetProperty("text").GetString()!)));
                    }
                }
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
            {
                shapeError = $"We could not parse the JSON body of your request. ({e.Message})";
            }

            shapeError ??= string.IsNullOrEmpty(model) ? "you must provide a model parameter"
                : system is null ? "a system message is required"
                : user is null ? "a user message is required"
                : format != "json_object" ? "response_format must be {\"type\":\"json_object\"}"
                : source is null || target is null ? "the user message must carry source and target"
                : null;

            if (ExpectedKey is not null && auth != "Bearer " + ExpectedKey)
            {
                var given = auth is null ? "none" : auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : auth;
                await Error(ctx, 401, $"Incorrect API key provided: {given}. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key");
                return;
            }

            if (shapeError is not null)
            {
                await Error(ctx, 400, shapeError, "invalid_request_error");
                return;
            }

            var answer = texts.Select(x => new OpenAiText(x.Id, Translate(x.Text, target!))).ToList();
            string? contentOverride = null;
            if (faults.TryDequeue(out var fault))
            {
                switch (fault.Kind)
                {
                    case OpenAiFaultKind.RateLimited:
                        if (fault.RetryAfter is not null)
                        {
                            ctx.Response.Headers.RetryAfter = fault.RetryAfter;
                        }

                        if (fault.RetryAfterMs is not null)
                        {
                            ctx.Response.Headers["retry-after-ms"] = fault.RetryAfterMs;
                        }

                        await Error(ctx, 429, "Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.", "requests", "rate_limit_exceeded");
                        return;
                    case OpenAiFaultKind.ServerError:
                        await Error(ctx, 500, "The server had an error while processing your request. Sorry about that!", "server_error");
                        return;
                    case OpenAiFaultKind.Unauthorized:
                        var given = auth is null ? "none" : auth.StartsWith("Bearer ", StringComparison.Ordinal) ? auth["Bearer ".Length..] : auth;
                        await Error(ctx, 401, $"Incorrect API key provided: {given}. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", "invalid_api_key");
                        return;
                    case OpenAiFaultKind.Stall:
                        await Task.Delay(fault.Delay, abort.Token);
                        break;
                    case OpenAiFaultKind.MalformedContent:
                        contentOverride = "Sure! Here are the translations: " + string.Join(" / ", answer.Select(a => a.Text));
                        break;
                    case OpenAiFaultKind.NoTranslationsArray:
                        contentOverride = JsonSerializer.Serialize(new { result = answer.Select(a => new { id = a.Id, text = a.Text }) }, Json);
                        break;
                    case OpenAiFaultKind.Fenced:
                        contentOverride = "```json\n" + Translations(answer) + "\n```";
                        break;
                    case OpenAiFaultKind.MissingId:
                        if (answer.Count > 0)
                        {
                            answer.RemoveAt(answer.Count - 1);
                        }

                        break;
                    case OpenAiFaultKind.ExtraId:
                        answer.Add(new OpenAiText("unknown-extra-id", "译:多余的文本"));
                        break;
                }
            }

            if (ResponseDelay > TimeSpan.Zero)
            {
                await Task.Delay(ResponseDelay, abort.Token);
            }

            await Completion(ctx, contentOverride ?? Translations(answer), model!);
        }
        catch (OperationCanceledException)
        {
            // The client gave up (timeout) or the server is stopping.
            ctx.Abort();
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
            seen.Enqueue(new OpenAiRequest(path, auth, model, temperature, format, system, user, source, target, texts, ctx.Response.StatusCode));
        }
    }

    private static string Translations(IEnumerable<OpenAiText> answer) =>
        JsonSerializer.Serialize(new { translations = answer.Select(a => new { id = a.Id, text = a.Text }) }, Json);

    private static Task Completion(HttpContext ctx, string content, string model)
    {
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "application/json";
        var body = new
        {
            id = "chatcmpl-fake",
            @object = "chat.completion",
            created = 1774485000,
            model,
            choices = new[] { new { index = 0, message = new { role = "assistant", content }, finish_reason = "stop" } },
            usage = new { prompt_tokens = 100, completion_tokens = 100, total_tokens = 200 },
        };
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    private static Task Error(HttpContext ctx, int status, string message, string type, string? code = null)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        var body = new { error = new { message, type, param = (string?)null, code } };
        return ctx.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }

    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        await app.StopAsync();
        await app.DisposeAsync();
        stopping.Dispose();
    }
}
