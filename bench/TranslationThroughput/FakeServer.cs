using System.Diagnostics;
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

namespace ArxivDigest.Bench;

/// <summary>
/// A minimal OpenAI-compatible server on 127.0.0.1 (Kestrel, port 0): <c>POST /v1/chat/completions</c> reads the
/// user message's <c>{"texts":[{"id","text"}]}</c>, waits the fixed latency, and answers
/// <c>{"translations":[{"id","text"}]}</c> with every letter of each text replaced by '中' (placeholders such as ⟦0⟧
/// have no letters, so they pass through; the result is all CJK and as long as the source, which the service's
/// validator accepts). Counts requests, the highest number in flight at once, and when they arrived and ended.
/// </summary>
internal sealed class FakeServer : IAsyncDisposable
{
    private static readonly JsonWriterOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly WebApplication app;
    private readonly TimeSpan latency;
    private readonly object gate = new();
    private readonly List<long> durations = [];
    private int requests;
    private int inFlight;
    private int maxConcurrent;
    private long firstArrival;
    private long lastResponse;

    private FakeServer(WebApplication app, TimeSpan latency)
    {
        this.app = app;
        this.latency = latency;
    }

    /// <summary>Base URL without /v1 (the provider appends it).</summary>
    public string Url { get; private set; } = "";

    public static async Task<FakeServer> StartAsync(TimeSpan latency)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeServer(app, latency);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
        return server;
    }

    /// <summary>Zeroes the counters (call between runs, when no request is in flight).</summary>
    public void Reset()
    {
        lock (gate)
        {
            requests = 0;
            maxConcurrent = 0;
            firstArrival = 0;
            lastResponse = 0;
            durations.Clear();
        }
    }

    /// <summary>Counters since <see cref="Reset"/>; times in ms after <paramref name="origin"/> (a Stopwatch timestamp).</summary>
    public (int Requests, int MaxConcurrent, double FirstArrivalMs, double LastResponseMs, double MedianRequestMs) Snapshot(long origin)
    {
        lock (gate)
        {
            double Ms(long t) => t == 0 ? double.NaN : (t - origin) * 1000.0 / Stopwatch.Frequency;
            var sorted = durations.Order().ToList();
            var median = sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2] * 1000.0 / Stopwatch.Frequency;
            return (requests, maxConcurrent, Ms(firstArrival), Ms(lastResponse), median);
        }
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        var arrived = Stopwatch.GetTimestamp();
        lock (gate)
        {
            requests++;
            inFlight++;
            maxConcurrent = Math.Max(maxConcurrent, inFlight);
            if (firstArrival == 0)
            {
                firstArrival = arrived;
            }
        }

        try
        {
            if (!HttpMethods.IsPost(ctx.Request.Method) || ctx.Request.Path != "/v1/chat/completions")
            {
                ctx.Response.StatusCode = 404;
                return;
            }

            string? model = null;
            string? user = null;
            using (var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted))
            {
                model = doc.RootElement.TryGetProperty("model", out var m) ? m.GetString() : null;
                foreach (var message in doc.RootElement.GetProperty("messages").EnumerateArray())
                {
                    if (message.GetProperty("role").GetString() == "user")
                    {
                        user = message.GetProperty("content").GetString();
                    }
                }
            }

            if (user is null)
            {
                ctx.Response.StatusCode = 400;
                return;
            }

            var content = Translations(user);
            await Task.Delay(latency, ctx.RequestAborted);

            ctx.Response.StatusCode = 200;
            ctx.Response.ContentType = "application/json";
            using var body = new MemoryStream();
            using (var w = new Utf8JsonWriter(body, Relaxed))
            {
                w.WriteStartObject();
                w.WriteString("id", "chatcmpl-bench");
                w.WriteString("object", "chat.completion");
                w.WriteNumber("created", 1774485000);
                w.WriteString("model", model ?? "unknown");
                w.WriteStartArray("choices");
                w.WriteStartObject();
                w.WriteNumber("index", 0);
                w.WriteStartObject("message");
                w.WriteString("role", "assistant");
                w.WriteString("content", content);
                w.WriteEndObject();
                w.WriteString("finish_reason", "stop");
                w.WriteEndObject();
                w.WriteEndArray();
                w.WriteEndObject();
            }

            ctx.Response.ContentLength = body.Length;
            await ctx.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length), ctx.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            ctx.Abort();
        }
        finally
        {
            var ended = Stopwatch.GetTimestamp();
            lock (gate)
            {
                inFlight--;
                lastResponse = Math.Max(lastResponse, ended);
                durations.Add(ended - arrived);
            }
        }
    }

    /// <summary>The model's JSON answer for the user message's texts.</summary>
    private static string Translations(string user)
    {
        using var doc = JsonDocument.Parse(user);
        using var output = new MemoryStream();
        using (var w = new Utf8JsonWriter(output, Relaxed))
        {
            w.WriteStartObject();
            w.WriteStartArray("translations");
            foreach (var t in doc.RootElement.GetProperty("texts").EnumerateArray())
            {
                var text = t.GetProperty("text").GetString() ?? "";
                w.WriteStartObject();
                w.WriteString("id", t.GetProperty("id").GetString());
                w.WriteString("text", string.Create(text.Length, text, static (span, src) =>
                {
                    for (var i = 0; i < src.Length; i++)
                    {
                        span[i] = char.IsLetter(src[i]) ? '中' : src[i];
                    }
                }));
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
