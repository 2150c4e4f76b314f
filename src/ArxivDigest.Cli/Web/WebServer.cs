using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ArxivDigest.Digests;
using ArxivDigest.Matching;
using ArxivDigest.Output;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace ArxivDigest.Cli.Web;

/// <summary>How <see cref="WebServer.Build"/> sets up the reader.</summary>
/// <param name="Urls">Kestrel URLs (<c>http://127.0.0.1:5080</c>; port 0 picks a free one).</param>
/// <param name="Log">Receives one JSON line per request and the server's own messages.</param>
public sealed record WebServerOptions(string Urls, WebData Data, ISearchBackend Search, Action<string> Log);

/// <summary>
/// The web reader (<c>arxiv-digest serve</c>): server-rendered pages, feeds, a JSON API with an OpenAPI document,
/// a health endpoint, and static assets (CSS, a small script, KaTeX when it was bundled at build time). Read-only:
/// only GET and HEAD are served. Every response carries a strict Content-Security-Policy.
/// </summary>
public static class WebServer
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    /// <summary>The cookie remembering the language mode.</summary>
    public const string LanguageCookie = "lang";

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true };

    /// <summary>Every route answers HEAD as GET (Kestrel sends the headers only).</summary>
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static WebApplication Build(WebServerOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);
        var app = builder.Build();
        Configure(app, options);
        return app;
    }

    /// <summary>
    /// The reader's pipeline and routes on any application: the <see cref="WebApplication"/> of <see cref="Build"/>, or
    /// a host a test builds (a <c>WebApplicationFactory</c>); its services need routing (<see cref="AddServices"/>).
    /// </summary>
    public static void Configure(IApplicationBuilder app, WebServerOptions options)
    {
        var assets = WebAssets.Load();
        if (!assets.Math)
        {
            options.Log("warning: KaTeX was not bundled at build time (npm missing?); pages are served without math rendering");
        }

        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            var headers = context.Response.Headers;
            SecurityHeaders(context.Response.Headers);
            try
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    context.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
                    headers.Allow = "GET, HEAD";
                    return;
                }

                await next(context);
            }
            catch (StoreException e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                // Busy (every pooled connection in use past its timeout) or down: say so, and when to come back.
                options.Log($"store unavailable: {e.Message}");
                context.Response.Clear(); // (headers too)
                SecurityHeaders(context.Response.Headers);
                context.Response.Headers.RetryAfter = "5";
                const string busy = "the store is busy or unavailable; try again in a few seconds";
                await (context.Request.Path.StartsWithSegments("/api") ? ApiError(StatusCodes.Status503ServiceUnavailable, busy)
                    : Results.Text(busy + "\n", "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status503ServiceUnavailable)).ExecuteAsync(context);
            }
            finally
            {
                options.Log(RequestLine(context, Stopwatch.GetElapsedTime(started)));
            }
        });

        app.UseRouting();
        app.UseEndpoints(endpoints => MapRoutes(endpoints, options, assets));
    }

    /// <summary>The headers every response carries: the strict CSP, nosniff, no referrer, no framing.</summary>
    private static void SecurityHeaders(IHeaderDictionary headers)
    {
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
    }

    /// <summary>What <see cref="Configure"/> needs of the host's services.</summary>
    public static void AddServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services) =>
        Microsoft.Extensions.DependencyInjection.RoutingServiceCollectionExtensions.AddRouting(services);

    private static void MapRoutes(IEndpointRouteBuilder app, WebServerOptions options, WebAssets assets)
    {
        var data = options.Data;
        app.MapMethods("/assets/{**file}", GetAndHead, (string file, HttpContext context) =>
        {
            if (!assets.Files.TryGetValue(file, out var asset))
            {
                return Results.NotFound();
            }

            context.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Bytes(asset.Content, asset.ContentType);
        });

        app.MapMethods("/healthz", GetAndHead, async (CancellationToken ct) =>
            await data.HealthyAsync(ct) ? Results.Text("ok\n", "text/plain; charset=utf-8") : Results.Text("store unavailable\n", "text/plain; charset=utf-8", statusCode: 503));

        app.MapMethods("/", GetAndHead, async (HttpContext context, CancellationToken ct) =>
        {
            var page = Page(context, assets.Math);
            var rows = new List<(DigestSpec, Digest?, int)>();
            foreach (var spec in data.Specs)
            {
                var days = await data.DaysAsync(spec, ct);
                rows.Add((spec, days.Count > 0 ? await data.DigestAsync(spec, days[0], ct) : null, days.Count));
            }

            return Html(WebPages.Home(page, rows, data.Language));
        });

        app.MapMethods("/digests/{name}", GetAndHead, async (string name, HttpContext context, CancellationToken ct) =>
        {
            var page = Page(context, assets.Math);
            return data.Find(name) is { } spec
                ? Html(WebPages.DigestDays(page, spec, await data.DaysAsync(spec, ct)))
                : NotFound(page, $"There is no digest named '{name}'.");
        });

        app.MapMethods("/digests/{name}/feed.rss", GetAndHead, async (string name, CancellationToken ct) =>
            data.Find(name) is { } spec ? Results.Text(SiteBuilder.MergedRss(spec, await FeedDaysAsync(data, spec, ct)), "application/rss+xml; charset=utf-8") : Results.NotFound());

        app.MapMethods("/digests/{name}/feed.atom", GetAndHead, async (string name, CancellationToken ct) =>
            data.Find(name) is { } spec ? Results.Text(SiteBuilder.MergedAtom(spec, await FeedDaysAsync(data, spec, ct)), "application/atom+xml; charset=utf-8") : Results.NotFound());

        app.MapMethods("/digests/{name}/{date}", GetAndHead, async (string name, string date, HttpContext context, CancellationToken ct) =>
        {
            var page = Page(context, assets.Math);
            if (data.Find(name) is not { } spec || ParseDate(date) is not { } day)
            {
                return NotFound(page, $"There is no digest '{name}' for '{date}'.");
            }

            var days = await data.DaysAsync(spec, ct);
            var index = IndexOf(days, day);
            if (index < 0 || await data.DigestAsync(spec, day, ct) is not { } digest)
            {
                return NotFound(page, $"No stored announcement for digest '{name}' on {date}.");
            }

            DateOnly? older = index + 1 < days.Count ? days[index + 1] : null;
            DateOnly? newer = index > 0 ? days[index - 1] : null;
            return Html(WebPages.Day(page, digest, older, newer, data.Language));
        });

        app.MapMethods("/papers/{**id}", GetAndHead, async (string id, HttpContext context, CancellationToken ct) =>
        {
            var page = Page(context, assets.Math);
            return await data.PaperAsync(id, ct) is { } record
                ? Html(WebPages.PaperPage(page, record, data.Language))
                : NotFound(page, $"Paper '{id}' is not in the store.");
        });

        app.MapMethods("/search", GetAndHead, async (HttpContext context, CancellationToken ct) =>
        {
            var page = Page(context, assets.Math);
            var q = context.Request.Query["q"].ToString();
            var from = context.Request.Query["from"].ToString();
            var to = context.Request.Query["to"].ToString();
            var cat = context.Request.Query["cat"].ToString();
            var number = int.TryParse(context.Request.Query["page"], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? Math.Min(n, 10_000) : 1;
            if (string.IsNullOrWhiteSpace(q))
            {
                return Html(WebPages.Search(page, q, from, to, cat, 1, null, null));
            }

            var (request, error) = ParseSearch(q, from, to);
            if (request is null)
            {
                return Html(WebPages.Search(page, q, from, to, cat, number, null, error), StatusCodes.Status400BadRequest);
            }

            var results = await options.Search.SearchAsync(request.Value.Query, request.Value.From, request.Value.To, cat, (number - 1) * WebPages.PageSize, WebPages.PageSize, ct);
            return Html(WebPages.Search(page, q, from, to, cat, number, results, null));
        });

        MapApi(app, options);
        app.MapFallback((HttpContext context) => NotFound(Page(context, assets.Math), "No such page."));
    }

    private static void MapApi(IEndpointRouteBuilder app, WebServerOptions options)
    {
        var data = options.Data;
        app.MapMethods("/openapi.json", GetAndHead, () => Results.Text(OpenApiDocument.Json, "application/json; charset=utf-8"));

        app.MapMethods("/api/digests", GetAndHead, async (CancellationToken ct) =>
        {
            var specs = new List<(DigestSpec Spec, IReadOnlyList<DateOnly> Days)>();
            foreach (var spec in data.Specs)
            {
                specs.Add((spec, await data.DaysAsync(spec, ct)));
            }

            return Json(w =>
            {
                w.WriteStartArray();
                foreach (var (spec, days) in specs)
                {
                    w.WriteStartObject();
                    w.WriteString("name", spec.Name);
                    Strings(w, "categories", spec.Categories);
                    Strings(w, "queries", spec.Queries);
                    Strings(w, "days", days.Select(WebPages.Iso));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            });
        });

        app.MapMethods("/api/digests/{name}/{date}", GetAndHead, async (string name, string date, CancellationToken ct) =>
        {
            if (data.Find(name) is not { } spec || ParseDate(date) is not { } day || IndexOf(await data.DaysAsync(spec, ct), day) < 0
                || await data.DigestAsync(spec, day, ct) is not { } digest)
            {
                return ApiError(StatusCodes.Status404NotFound, $"no stored digest '{name}' for '{date}'");
            }

            // The renderer writes relaxed JSON (raw '<' in titles); the API re-encodes it so markup characters are \u-escaped.
            using var document = JsonDocument.Parse(new JsonRenderer().RenderToString(digest));
            return Json(document.WriteTo);
        });

        app.MapMethods("/api/papers/{**id}", GetAndHead, async (string id, CancellationToken ct) =>
        {
            if (await data.PaperAsync(id, ct) is not { } record)
            {
                return ApiError(StatusCodes.Status404NotFound, $"paper '{id}' is not in the store");
            }

            return Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("id", record.Latest.Id);
                w.WriteStartArray("versions");
                foreach (var v in record.Versions)
                {
                    PaperJson(w, v);
                }

                w.WriteEndArray();
                w.WriteStartArray("listings");
                foreach (var l in record.Listings)
                {
                    w.WriteStartObject();
                    w.WriteString("category", l.Category);
                    w.WriteString("listing_date", WebPages.Iso(l.ListingDate));
                    w.WriteString("announce_type", JsonRenderer.AnnounceTypeName(l.AnnounceType));
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });

        app.MapMethods("/api/search", GetAndHead, async (HttpContext context, CancellationToken ct) =>
        {
            var query = context.Request.Query;
            var q = query["q"].ToString();
            var offset = int.TryParse(query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
            var limit = int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? Math.Clamp(l, 1, 100) : WebPages.PageSize;
            if (string.IsNullOrWhiteSpace(q))
            {
                return ApiError(StatusCodes.Status400BadRequest, "q is required");
            }

            var (request, error) = ParseSearch(q, query["from"].ToString(), query["to"].ToString());
            if (request is null)
            {
                return ApiError(StatusCodes.Status400BadRequest, error!);
            }

            var results = await options.Search.SearchAsync(request.Value.Query, request.Value.From, request.Value.To, query["cat"].ToString(), offset, limit, ct);
            return Json(w =>
            {
                w.WriteStartObject();
                w.WriteString("query", request.Value.Query.Text);
                if (results.More)
                {
                    w.WriteNull("total");
                }
                else
                {
                    w.WriteNumber("total", results.Total);
                }

                w.WriteBoolean("more", results.More);
                w.WriteNumber("offset", offset);
                w.WriteNumber("limit", limit);
                w.WriteStartArray("items");
                foreach (var hit in results.Hits)
                {
                    PaperJson(w, hit.Paper, DigestBuilder.Matched(hit.Match));
                }

                w.WriteEndArray();
                w.WriteEndObject();
            });
        });
    }

    private static ((Query Query, DateOnly? From, DateOnly? To)? Request, string? Error) ParseSearch(string q, string from, string to)
    {
        DateOnly? f = null, t = null;
        if (from.Length > 0 && (f = ParseDate(from)) is null)
        {
            return (null, $"from: '{from}' is not a date (YYYY-MM-DD)");
        }

        if (to.Length > 0 && (t = ParseDate(to)) is null)
        {
            return (null, $"to: '{to}' is not a date (YYYY-MM-DD)");
        }

        try
        {
            return ((Query.Parse(q), f, t), null);
        }
        catch (QuerySyntaxException e)
        {
            return (null, $"query: {e.Message}");
        }
    }

    private static async Task<IReadOnlyList<Digest>> FeedDaysAsync(WebData data, DigestSpec spec, CancellationToken ct)
    {
        var list = new List<Digest>();
        foreach (var day in (await data.DaysAsync(spec, ct)).Take(SiteBuilder.FeedDays))
        {
            if (await data.DigestAsync(spec, day, ct) is { } digest)
            {
                list.Add(digest);
            }
        }

        return list;
    }

    private static int IndexOf(IReadOnlyList<DateOnly> days, DateOnly day)
    {
        for (var i = 0; i < days.Count; i++)
        {
            if (days[i] == day)
            {
                return i;
            }
        }

        return -1;
    }

    private static DateOnly? ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>The language mode: <c>?lang=</c> (remembered in a cookie), else the cookie, else both.</summary>
    private static PageContext Page(HttpContext context, bool math)
    {
        var requested = context.Request.Query["lang"].ToString();
        var mode = ParseMode(requested);
        if (mode is not null)
        {
            context.Response.Cookies.Append(LanguageCookie, WebPages.ModeName(mode.Value), new CookieOptions
            {
                Path = "/",
                HttpOnly = true,
                SameSite = SameSiteMode.Lax,
                MaxAge = TimeSpan.FromDays(365),
                IsEssential = true,
            });
        }
        else
        {
            mode = ParseMode(context.Request.Cookies[LanguageCookie]);
        }

        var query = context.Request.Query.Where(kv => kv.Key != "lang").Select(kv => new KeyValuePair<string, string>(kv.Key, kv.Value.ToString())).ToList();
        return new PageContext(context.Request.Path.Value ?? "/", query, mode ?? HtmlLanguages.Both, math);
    }

    private static HtmlLanguages? ParseMode(string? text) => text switch
    {
        "original" => HtmlLanguages.Original,
        "translation" => HtmlLanguages.Translation,
        "both" => HtmlLanguages.Both,
        _ => null,
    };

    private static IResult Html(string html, int status = StatusCodes.Status200OK) =>
        Results.Text(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static IResult NotFound(PageContext page, string text) =>
        Html(WebPages.Message(page, "Not found", text), StatusCodes.Status404NotFound);

    private static IResult ApiError(int status, string message) =>
        Results.Text(JsonWrite(w =>
        {
            w.WriteStartObject();
            w.WriteString("error", message);
            w.WriteEndObject();
        }), "application/json; charset=utf-8", Encoding.UTF8, status);

    private static IResult Json(Action<Utf8JsonWriter> write) => Results.Text(JsonWrite(write), "application/json; charset=utf-8");

    private static string JsonWrite(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan) + "\n";
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }

    private static void PaperJson(Utf8JsonWriter w, Paper p, string? matched = null)
    {
        w.WriteStartObject();
        w.WriteString("id", p.Id);
        if (p.Version is { } v)
        {
            w.WriteNumber("version", v);
        }
        else
        {
            w.WriteNull("version");
        }

        w.WriteString("title", p.Title);
        Strings(w, "authors", p.Authors);
        w.WriteString("abstract", p.Abstract);
        w.WriteString("comments", p.Comments);
        w.WriteString("journal_ref", p.JournalRef);
        w.WriteString("doi", p.Doi);
        w.WriteString("primary_category", p.PrimaryCategory);
        Strings(w, "categories", p.Subjects.Select(s => s.Code));
        w.WriteString("listing_date", p.ListingDate is { } d ? WebPages.Iso(d) : null);
        w.WriteString("published", p.Published is { } pub ? WebPages.Iso(pub) : null);
        w.WriteString("abs_url", p.AbsUrl);
        w.WriteString("pdf_url", p.PdfUrl);
        if (matched is not null)
        {
            w.WriteString("matched", matched);
        }

        w.WriteEndObject();
    }

    /// <summary>One JSON line: time, method, path (with query), status, milliseconds.</summary>
    private static string RequestLine(HttpContext context, TimeSpan elapsed)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("ts", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            w.WriteString("method", context.Request.Method);
            w.WriteString("path", context.Request.Path.Value + context.Request.QueryString.Value);
            w.WriteNumber("status", context.Response.StatusCode);
            w.WriteNumber("ms", Math.Round(elapsed.TotalMilliseconds, 2));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
