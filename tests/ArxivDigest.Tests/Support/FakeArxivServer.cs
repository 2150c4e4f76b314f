using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArxivDigest.Tests.Support;

/// <summary>One request as the fake server saw it.</summary>
public sealed record SeenRequest(string Path, DateTimeOffset Start, DateTimeOffset End, int Status, string? UserAgent, string? IfModifiedSince, string Query = "");

/// <summary>How a scripted fault breaks the response.</summary>
public enum FaultKind
{
    /// <summary>Answer with <see cref="Fault.Status"/>, <see cref="Fault.RetryAfter"/> and <see cref="Fault.Body"/>.</summary>
    Respond,

    /// <summary>Status 200, half of the normal content, then the connection is aborted (a reset mid-body).</summary>
    ResetMidBody,

    /// <summary>Status 200, the first KB of the normal content, then nothing for <see cref="Fault.Stall"/> (default 30 s).</summary>
    Stall,

    /// <summary>Content-Length of the whole normal content, half of it sent, then the response ends.</summary>
    Truncated,

    /// <summary>Status 200 with <c>Content-Encoding: gzip</c> and bytes that are not gzip.</summary>
    GzipGarbage,
}

/// <summary>A scripted answer served before the normal content (503 + Retry-After, 500, a broken body, ...).</summary>
public sealed record Fault(int Status, string? RetryAfter = null, string Body = "<html><body><h1>Service Unavailable</h1></body></html>", FaultKind Kind = FaultKind.Respond, TimeSpan? Stall = null, string ContentType = "text/html")
{
    /// <summary>Extra response headers (e.g. Set-Cookie), sent with <see cref="FaultKind.Respond"/>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// An in-process arXiv on 127.0.0.1 (Kestrel, port 0) serving recorded responses: listing pages at
/// <c>/list/{cat}/new</c> and RSS at <c>/rss/{cat}</c>, with Last-Modified / If-Modified-Since (304) like arxiv.org,
/// scripted faults, and a log of every request (times, status, headers) to check politeness. For missed days and
/// history it also serves <c>/list/{cat}/recent</c> pages, the API's <c>/api/query?id_list=…</c> (see
/// <see cref="ApiAnswer"/>) and OAI-PMH pages at <c>/oai</c> keyed by resumption token (faults for a token request
/// are keyed <c>/oai?resumptionToken=TOKEN</c>).
/// </summary>
public sealed class FakeArxivServer : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<SeenRequest> seen = new();
    private int inFlight;
    private int started;

    /// <summary>Requests received so far, counted on arrival (<see cref="Requests"/> logs them when they end).</summary>
    public int RequestsStarted => Volatile.Read(ref started);

    public ConcurrentDictionary<string, string> Listings { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, string> Feeds { get; } = new(StringComparer.Ordinal);

    /// <summary><c>/list/{cat}/recent</c> pages by category.</summary>
    public ConcurrentDictionary<string, string> Recent { get; } = new(StringComparer.Ordinal);

    /// <summary>OAI-PMH ListRecords pages: "" for the first request of a harvest, else the resumption token asked for.</summary>
    public ConcurrentDictionary<string, string> OaiPages { get; } = new(StringComparer.Ordinal);

    /// <summary>The id_list of every API request, in arrival order.</summary>
    public ConcurrentQueue<IReadOnlyList<string>> ApiIdLists { get; } = new();

    public ConcurrentDictionary<string, ConcurrentQueue<Fault>> Faults { get; } = new(StringComparer.Ordinal);

    /// <summary>Pause before every answer (at least 20 ms).</summary>
    public TimeSpan ResponseDelay { get; set; }

    /// <summary>Compress bodies with gzip when the client accepts it (as arxiv.org does).</summary>
    public bool Gzip { get; set; }

    public DateTimeOffset LastModified { get; set; } = new(2026, 3, 26, 0, 30, 0, TimeSpan.Zero);

    /// <summary>Highest number of requests served at the same time.</summary>
    public int MaxConcurrent { get; private set; }

    public IReadOnlyList<SeenRequest> Requests => seen.ToList();

    public string Url { get; }

    private FakeArxivServer(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public static async Task<FakeArxivServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeArxivServer? server = null;
        app.Run(ctx => server!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeArxivServer(app, address);
        return server;
    }

    public void AddFault(string path, Fault fault) => Faults.GetOrAdd(path, _ => new ConcurrentQueue<Fault>()).Enqueue(fault);

    private async Task HandleAsync(HttpContext ctx)
    {
        var start = DateTimeOffset.UtcNow;
        Interlocked.Increment(ref started);
        var now = Interlocked.Increment(ref inFlight);
        MaxConcurrent = Math.Max(MaxConcurrent, now);
        var path = ctx.Request.Path.Value ?? "";
        try
        {
            await Task.Delay(ResponseDelay > TimeSpan.FromMilliseconds(20) ? ResponseDelay : TimeSpan.FromMilliseconds(20)); // long enough for overlapping requests to be seen as concurrent
            var token = ctx.Request.Query["resumptionToken"].ToString();
            var faultKey = path == "/oai" && token.Length > 0 ? $"/oai?resumptionToken={token}" : path;
            var fault = Faults.TryGetValue(faultKey, out var queue) && queue.TryDequeue(out var next) ? next : null;
            if (fault is { Kind: not FaultKind.Respond })
            {
                await BreakAsync(ctx, fault, Content(path));
                return;
            }

            if (fault is not null)
            {
                ctx.Response.StatusCode = fault.Status;
                if (fault.RetryAfter is not null)
                {
                    ctx.Response.Headers.RetryAfter = fault.RetryAfter;
                }

                foreach (var (name, value) in fault.Headers)
                {
                    ctx.Response.Headers[name] = value;
                }

                ctx.Response.ContentType = fault.ContentType;
                await ctx.Response.WriteAsync(fault.Body);
                return;
            }

            string? body = null;
            var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
            if (parts is ["list", var cat, "new"])
            {
                Listings.TryGetValue(cat, out body);
                ctx.Response.ContentType = "text/html; charset=utf-8";
            }
            else if (parts is ["rss", var feed])
            {
                Feeds.TryGetValue(feed, out body);
                ctx.Response.ContentType = "application/rss+xml; charset=utf-8";
            }
            else if (parts is ["list", var rcat, "recent"])
            {
                Recent.TryGetValue(rcat, out body);
                ctx.Response.ContentType = "text/html; charset=utf-8";
            }
            else if (parts is ["api", "query"])
            {
                var ids = ctx.Request.Query["id_list"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
                ApiIdLists.Enqueue(ids);
                body = ApiAnswer(ids);
                ctx.Response.ContentType = "application/atom+xml; charset=utf-8";
            }
            else if (parts is ["oai"])
            {
                OaiPages.TryGetValue(token, out body);
                ctx.Response.ContentType = "text/xml; charset=utf-8";
            }

            if (body is null)
            {
                ctx.Response.StatusCode = 404;
                await ctx.Response.WriteAsync("<html><body>Not Found</body></html>");
                return;
            }

            var since = ctx.Request.GetTypedHeaders().IfModifiedSince;
            if (since is { } s && s >= LastModified.AddSeconds(-LastModified.Second))
            {
                ctx.Response.StatusCode = 304;
                return;
            }

            ctx.Response.GetTypedHeaders().LastModified = LastModified;
            if (Gzip && ctx.Request.Headers.AcceptEncoding.ToString().Contains("gzip", StringComparison.Ordinal))
            {
                ctx.Response.Headers.ContentEncoding = "gzip";
                await using var gzip = new System.IO.Compression.GZipStream(ctx.Response.Body, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true);
                await gzip.WriteAsync(System.Text.Encoding.UTF8.GetBytes(body));
                return;
            }

            await ctx.Response.WriteAsync(body);
        }
        finally
        {
            Interlocked.Decrement(ref inFlight);
            seen.Enqueue(new SeenRequest(path, start, DateTimeOffset.UtcNow, ctx.Response.StatusCode, ctx.Request.Headers.UserAgent.ToString(), ctx.Request.Headers.IfModifiedSince.ToString(), ctx.Request.QueryString.Value ?? ""));
        }
    }

    private string Content(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var body = parts switch
        {
            ["list", var cat, "new"] => Listings.GetValueOrDefault(cat),
            ["rss", var feed] => Feeds.GetValueOrDefault(feed),
            _ => null,
        };
        return body ?? "<html><body>Not Found</body></html>";
    }

    private static async Task BreakAsync(HttpContext ctx, Fault fault, string content)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        ctx.Response.StatusCode = 200;
        ctx.Response.ContentType = "text/html; charset=utf-8";
        switch (fault.Kind)
        {
            case FaultKind.ResetMidBody:
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await ctx.Response.Body.FlushAsync();
                await Task.Delay(50);
                ctx.Abort();
                break;
            case FaultKind.Stall:
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, Math.Min(1024, bytes.Length)));
                await ctx.Response.Body.FlushAsync();
                try
                {
                    await Task.Delay(fault.Stall ?? TimeSpan.FromSeconds(30), ctx.RequestAborted);
                    await ctx.Response.Body.WriteAsync(bytes.AsMemory(Math.Min(1024, bytes.Length)));
                }
                catch (OperationCanceledException)
                {
                    // The client gave up; so does the server.
                }

                break;
            case FaultKind.Truncated:
                ctx.Response.ContentLength = bytes.Length;
                await ctx.Response.Body.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await ctx.Response.Body.FlushAsync();
                break;
            case FaultKind.GzipGarbage:
                ctx.Response.Headers.ContentEncoding = "gzip";
                var garbage = new byte[4096];
                new Random(7).NextBytes(garbage);
                await ctx.Response.Body.WriteAsync(garbage);
                break;
        }
    }

    /// <summary>
    /// An API answer for an id_list, in the new (Nov 2025) serializer: the header and the first entry of the real
    /// fixture query-cat-astro-ph-wildcard-max63-2026-04-25-newformat.xml, the entry repeated once per id with the id
    /// and summary replaced ("Abstract of ID from the fake API.").
    /// </summary>
    public static string ApiAnswer(IReadOnlyList<string> ids)
    {
        var xml = ApiTemplate.Value;
        var first = xml.IndexOf("<entry>", StringComparison.Ordinal);
        var end = xml.IndexOf("</entry>", first, StringComparison.Ordinal) + "</entry>".Length;
        var entry = xml[first..end];
        var summaryStart = entry.IndexOf("<summary>", StringComparison.Ordinal);
        var summaryEnd = entry.IndexOf("</summary>", StringComparison.Ordinal) + "</summary>".Length;
        var sb = new System.Text.StringBuilder(xml[..first]);
        foreach (var id in ids)
        {
            var e = entry[..summaryStart] + $"<summary>Abstract of {id} from the fake API.</summary>" + entry[summaryEnd..];
            sb.Append(e.Replace("2604.21920", id, StringComparison.Ordinal)).Append("\n  ");
        }

        return sb.Append("</feed>\n").ToString();
    }

    private static readonly Lazy<string> ApiTemplate = new(() => File.ReadAllText(Fixtures.At("api/query-cat-astro-ph-wildcard-max63-2026-04-25-newformat.xml")));

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
