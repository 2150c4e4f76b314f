using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using AngleSharp.Html.Parser;
using ArxivDigest.Cli.Web;

namespace ArxivDigest.Tests.Web;

/// <summary>The web reader over HTTP on a real loopback port: pages, escaping, headers, cookie, API, health.</summary>
public sealed partial class WebReaderTests(WebReaderFixture web) : IClassFixture<WebReaderFixture>
{
    private const string Day1Url = "/digests/physics/" + WebReaderFixture.Day1;
    private const string Day2Url = "/digests/physics/" + WebReaderFixture.Day2;

    public static TheoryData<string> Pages() => new()
    {
        "/",
        "/digests/physics",
        Day1Url,
        Day2Url,
        "/papers/" + WebReaderFixture.VersionedId,
        "/papers/" + WebReaderFixture.ScriptId,
        "/papers/" + WebReaderFixture.TextareaId,
        "/search",
        "/search?q=%22black+hole%22",
        "/search?q=black+hole&page=2",
    };

    private async Task<(HttpResponseMessage Response, string Body)> GetAsync(string path, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        var response = await web.Client.SendAsync(request);
        return (response, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Every_page_is_200_html_with_strict_csp_and_no_inline_script_or_style(string path)
    {
        var (response, body) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(WebServer.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.DoesNotMatch(InlineScript(), body);
        Assert.DoesNotContain("<style", body, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(StyleOrHandlerAttribute(), body);
        Assert.Contains("<main id=\"main\">", body, StringComparison.Ordinal);
        Assert.Contains("<nav aria-label=\"Site\">", body, StringComparison.Ordinal);
    }

    /// <summary>Every page in every language mode (the structure the accessibility audit also checks, without a browser).</summary>
    public static TheoryData<string, string> PagesInEveryMode()
    {
        var data = new TheoryData<string, string>();
        foreach (var path in ((IEnumerable<object[]>)Pages()).Select(row => (string)row[0]).Append("/search?q=%22unclosed"))
        {
            foreach (var mode in new[] { "original", "translation", "both" })
            {
                data.Add(path, mode);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PagesInEveryMode))]
    public async Task Every_page_has_unique_ids_labelled_fields_and_headings_that_go_down_one_level_at_a_time(string path, string mode)
    {
        var (_, body) = await GetAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "lang=" + mode);
        using var doc = new HtmlParser().ParseDocument(body);

        var ids = doc.QuerySelectorAll("[id]").Select(e => e.Id!).ToList();
        Assert.Equal([], ids.GroupBy(id => id).Where(g => g.Count() > 1).Select(g => g.Key));

        var levels = doc.QuerySelectorAll("h1, h2, h3, h4, h5, h6").Select(h => h.LocalName[1] - '0').ToList();
        Assert.Equal(1, levels.Count(l => l == 1));
        Assert.Equal(1, levels[0]);
        for (var i = 1; i < levels.Count; i++)
        {
            Assert.True(levels[i] <= levels[i - 1] + 1, $"h{levels[i - 1]} then h{levels[i]} (headings: {string.Join(' ', levels.Select(l => "h" + l))})");
        }

        foreach (var input in doc.QuerySelectorAll("input, select, textarea"))
        {
            Assert.True(doc.QuerySelector($"label[for='{input.Id}']") is not null, $"no label for {input.OuterHtml}");
        }

        Assert.Equal("en", doc.DocumentElement.GetAttribute("lang"));
        Assert.Equal("Skip to content", doc.QuerySelector("body a")!.TextContent);
        Assert.Equal("#main", doc.QuerySelector("body a")!.GetAttribute("href"));
        Assert.True(doc.QuerySelectorAll("[role=search]").Length == 1, "one search landmark per page");
    }

    [Fact]
    public async Task Digest_words_in_the_digest_language_are_marked_with_it()
    {
        var (_, body) = await GetAsync(Day1Url + "?lang=original");
        using var doc = new HtmlParser().ParseDocument(body);
        Assert.Equal("zh-CN", doc.QuerySelector("main p.meta")!.GetAttribute("lang"));
        Assert.StartsWith("今天共有", doc.QuerySelector("main p.count span[lang='zh-CN']")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Home_shows_the_latest_digest_with_announcement_time_count_and_status_grouped_by_query()
    {
        var (_, body) = await GetAsync("/");
        Assert.Contains($"<a href=\"{Day2Url}\">{WebReaderFixture.Day2}</a>", body, StringComparison.Ordinal);
        Assert.Contains("发布时间: 2024-08-08 20:00 EDT", body, StringComparison.Ordinal);
        Assert.Matches("<span lang=\"zh-CN\">今天共有 [0-9]+ 篇相关文章</span> · status <span class=\"status-complete\">complete</span>", body);
        Assert.Contains("Keyword: black hole (", body, StringComparison.Ordinal);
        Assert.Contains("Keyword: quantum (", body, StringComparison.Ordinal);
        Assert.DoesNotContain(WebReaderFixture.Day1 + "</a>:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Day_pages_link_the_previous_and_next_day_and_the_feeds()
    {
        var (_, newer) = await GetAsync(Day2Url);
        Assert.Contains($"<a rel=\"prev\" href=\"{Day1Url}\">", newer, StringComparison.Ordinal);
        Assert.Contains("no later day", newer, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/digests/physics/feed.atom\">", newer, StringComparison.Ordinal);
        var (_, older) = await GetAsync(Day1Url);
        Assert.Contains($"<a rel=\"next\" href=\"{Day2Url}\">", older, StringComparison.Ordinal);
        Assert.Contains("no earlier day", older, StringComparison.Ordinal);
        Assert.Contains($"href=\"/papers/{WebReaderFixture.VersionedId}\"", older, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Paper_page_shows_every_version_all_fields_and_abs_pdf_html_links()
    {
        var (_, body) = await GetAsync("/papers/" + WebReaderFixture.VersionedId);
        Assert.Contains("<strong>v1</strong>: <span lang=\"en\">Quantum black hole microstates, first version</span>", body, StringComparison.Ordinal);
        Assert.Contains("<strong>v2</strong>: <span lang=\"en\">Quantum black hole microstates</span>", body, StringComparison.Ordinal);
        Assert.Contains("<dt>Comments</dt><dd>v2: 12 pages</dd>", body, StringComparison.Ordinal);
        Assert.Contains("<dt>Authors</dt><dd>Alice Example</dd>", body, StringComparison.Ordinal);
        Assert.Contains($"href=\"https://arxiv.org/abs/{WebReaderFixture.VersionedId}\"", body, StringComparison.Ordinal);
        Assert.Contains($"href=\"https://arxiv.org/pdf/{WebReaderFixture.VersionedId}v2\"", body, StringComparison.Ordinal);
        Assert.Contains($"href=\"https://arxiv.org/html/{WebReaderFixture.VersionedId}v2\"", body, StringComparison.Ordinal);
        Assert.Contains($"{WebReaderFixture.Day1} hep-th (new, v2)", body, StringComparison.Ordinal);
        Assert.Contains(PrefixTranslator.Prefix + "Second abstract about a black hole.", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/digests/physics/2024-08-07")]
    [InlineData("/digests/physics/not-a-date")]
    [InlineData("/digests/nope/2024-08-09")]
    [InlineData("/digests/nope")]
    [InlineData("/papers/2999.99999")]
    [InlineData("/no/such/page")]
    public async Task Unknown_digests_days_papers_and_pages_are_404_html(string path)
    {
        var (response, body) = await GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<h1>Not found</h1>", body, StringComparison.Ordinal);
        Assert.Equal(WebServer.ContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Request_path_echoed_in_a_404_is_escaped()
    {
        var (_, body) = await GetAsync("/papers/%3Cscript%3Ealert(1)%3C%2Fscript%3E");
        Assert.DoesNotContain("<script>alert(1)", body, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Day1Url)]
    [InlineData("/papers/" + WebReaderFixture.ScriptId)]
    [InlineData("/papers/" + WebReaderFixture.TextareaId)]
    [InlineData("/search?q=%22black+hole%22")]
    [InlineData("/")]
    public async Task Hostile_titles_abstracts_authors_and_comments_are_escaped_in_html(string path)
    {
        var (_, body) = await GetAsync(path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "lang=both");
        foreach (var raw in new[] { "<script>alert", "<img src=x", "</textarea>", "<svg", "<iframe", "<b onmouseover", "href=\"javascript:", "<a href=\"javascript" })
        {
            Assert.DoesNotContain(raw, body, StringComparison.OrdinalIgnoreCase);
        }

        if (path != "/")
        {
            Assert.Contains("&lt;", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hostile_text_round_trips_through_the_json_api_and_the_feeds_without_raw_markup()
    {
        var (response, json) = await GetAsync("/api/papers/" + WebReaderFixture.ScriptId);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.DoesNotContain("<script>", json, StringComparison.Ordinal);
        using (var doc = JsonDocument.Parse(json))
        {
            var v = doc.RootElement.GetProperty("versions")[0];
            Assert.Equal(WebReaderFixture.ScriptTitle, v.GetProperty("title").GetString());
            Assert.Equal(WebReaderFixture.ScriptAbstract, v.GetProperty("abstract").GetString());
            Assert.Equal(WebReaderFixture.JavascriptUrl, v.GetProperty("comments").GetString());
        }

        var (_, day) = await GetAsync("/api/digests/physics/" + WebReaderFixture.Day1);
        Assert.DoesNotContain("<script>", day, StringComparison.Ordinal);
        using (var digest = JsonDocument.Parse(day))
        {
            Assert.Contains(WebReaderFixture.ScriptTitle, Strings(digest.RootElement));
        }

        foreach (var feed in new[] { "/digests/physics/feed.rss", "/digests/physics/feed.atom" })
        {
            var (feedResponse, xml) = await GetAsync(feed);
            Assert.Equal(HttpStatusCode.OK, feedResponse.StatusCode);
            Assert.DoesNotContain("<script>", xml, StringComparison.Ordinal);
            var titles = XDocument.Parse(xml).Descendants().Where(e => e.Name.LocalName == "title").Select(e => e.Value).ToList();
            Assert.Contains(titles, t => t.Contains("<script>alert('title')</script>", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Language_choice_is_a_link_that_sets_a_cookie_which_later_pages_honour()
    {
        var (response, original) = await GetAsync(Day1Url + "?lang=original");
        var cookie = response.Headers.GetValues("Set-Cookie").Single();
        Assert.StartsWith("lang=original;", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(PrefixTranslator.Prefix, original, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"{Day1Url}?lang=original\" aria-current=\"true\">original</a>", original, StringComparison.Ordinal);

        var (_, remembered) = await GetAsync("/papers/" + WebReaderFixture.VersionedId, "lang=original");
        Assert.DoesNotContain(PrefixTranslator.Prefix, remembered, StringComparison.Ordinal);
        Assert.Contains("Second abstract about a black hole.", remembered, StringComparison.Ordinal);

        var (_, translation) = await GetAsync("/papers/" + WebReaderFixture.VersionedId, "lang=translation");
        Assert.Contains(PrefixTranslator.Prefix + "Second abstract about a black hole.", translation, StringComparison.Ordinal);
        Assert.DoesNotContain("<p class=\"abstract\">Second abstract", translation, StringComparison.Ordinal);

        var (_, both) = await GetAsync("/papers/" + WebReaderFixture.VersionedId);
        Assert.Contains("class=\"abstracts both\"", both, StringComparison.Ordinal);
        Assert.Contains(PrefixTranslator.Prefix + "Second abstract", both, StringComparison.Ordinal);
        Assert.Contains("<mark>", (await GetAsync(Day1Url)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_pages_through_results_with_bookmarkable_links_and_filters()
    {
        var (_, first) = await GetAsync("/search?q=cat%3Ahep-th");
        // The full-text search pages without counting every match: "more than N" until the last page.
        Assert.Contains($"<p class=\"count\" role=\"status\">more than {WebPages.PageSize} papers, 1–{WebPages.PageSize}</p>", first, StringComparison.Ordinal);
        Assert.Contains("<a rel=\"next\" href=\"/search?q=cat%3Ahep-th&amp;page=2\">", first, StringComparison.Ordinal);
        var (_, second) = await GetAsync("/search?q=cat%3Ahep-th&page=2");
        Assert.Contains("<a rel=\"prev\" href=\"/search?q=cat%3Ahep-th\">", second, StringComparison.Ordinal);
        Assert.Contains($", {WebPages.PageSize + 1}–{2 * WebPages.PageSize}</p>", second, StringComparison.Ordinal);

        var (_, dated) = await GetAsync($"/search?q=cat%3Ahep-th&from={WebReaderFixture.Day1}&to={WebReaderFixture.Day1}");
        Assert.Contains("<p class=\"count\" role=\"status\">3 papers", dated, StringComparison.Ordinal);
        var (_, otherCategory) = await GetAsync("/search?q=cat%3Ahep-th&cat=cs");
        Assert.Contains("<p class=\"count\" role=\"status\">0 papers", otherCategory, StringComparison.Ordinal);
        var (_, archive) = await GetAsync("/search?q=black+hole&cat=hep");
        Assert.Contains("<p class=\"count\" role=\"status\">0 papers", archive, StringComparison.Ordinal);
        var (_, exact) = await GetAsync("/search?q=black+hole&cat=hep-th");
        Assert.Contains("<p class=\"count\" role=\"status\">8 papers", exact, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_different_searches_at_once_all_answer_with_the_same_results_as_one_at_a_time()
    {
        // Distinct queries (none answered from the result cache) over the pooled connections.
        var queries = Enumerable.Range(0, 24).Select(i => $"/api/search?q=black+hole+-zq{i}x&limit=5").ToList();
        var alone = new List<string>();
        foreach (var q in queries.Take(3))
        {
            alone.Add(Ids((await GetAsync(q)).Body));
        }

        var together = await Task.WhenAll(queries.Select(async q => await GetAsync(q.Replace("&limit", "&offset=0&limit", StringComparison.Ordinal))));

        Assert.All(together, r => Assert.Equal(HttpStatusCode.OK, r.Response.StatusCode));
        Assert.Equal(alone, together.Take(3).Select(r => Ids(r.Body)));
        Assert.All(together, r => Assert.Equal(alone[0], Ids(r.Body)));
        Assert.Equal(5, alone[0].Split(' ').Length);

        static string Ids(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return string.Join(' ', doc.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()));
        }
    }

    [Fact]
    public async Task A_malformed_query_or_date_is_a_400_with_the_reason()
    {
        var (response, body) = await GetAsync("/search?q=%22unclosed");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<p class=\"error\" role=\"alert\">query: ", body, StringComparison.Ordinal);
        var (api, json) = await GetAsync("/api/search?q=black&from=2024-13-01");
        Assert.Equal(HttpStatusCode.BadRequest, api.StatusCode);
        Assert.Contains("from: '2024-13-01' is not a date", JsonDocument.Parse(json).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_api_lists_digests_and_searches_with_paging()
    {
        using var digests = JsonDocument.Parse((await GetAsync("/api/digests")).Body);
        var physics = digests.RootElement[0];
        Assert.Equal("physics", physics.GetProperty("name").GetString());
        Assert.Equal([WebReaderFixture.Day2, WebReaderFixture.Day1], physics.GetProperty("days").EnumerateArray().Select(d => d.GetString()!).ToArray());

        using var page = JsonDocument.Parse((await GetAsync("/api/search?q=black+hole&offset=2&limit=3")).Body);
        Assert.Equal(3, page.RootElement.GetProperty("items").GetArrayLength());
        Assert.Equal(2, page.RootElement.GetProperty("offset").GetInt32());
        Assert.True(page.RootElement.GetProperty("more").GetBoolean());
        Assert.Equal(JsonValueKind.Null, page.RootElement.GetProperty("total").ValueKind);
        using var versions = JsonDocument.Parse((await GetAsync("/api/papers/" + WebReaderFixture.VersionedId)).Body);
        Assert.Equal([1, 2], versions.RootElement.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/papers/2999.99999")).Response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync("/api/digests/physics/2024-08-07")).Response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_describes_every_api_route()
    {
        var (response, json) = await GetAsync("/openapi.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = JsonDocument.Parse(json);
        Assert.StartsWith("3.", doc.RootElement.GetProperty("openapi").GetString(), StringComparison.Ordinal);
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(["/api/digests", "/api/digests/{name}/{date}", "/api/papers/{id}", "/api/search", "/healthz"], paths);
        Assert.All(doc.RootElement.GetProperty("paths").EnumerateObject(), p =>
            Assert.True(p.Value.GetProperty("get").GetProperty("responses").TryGetProperty("503", out _), $"{p.Name} does not document its 503 (store busy or down)"));
    }

    [Fact]
    public async Task Health_is_ok_head_is_answered_and_writes_are_refused()
    {
        var (response, body) = await GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok\n", body);
        using var head = await web.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(WebServer.ContentSecurityPolicy, head.Headers.GetValues("Content-Security-Policy").Single());
        using var post = await web.Client.PostAsync("/search", new StringContent("q=x"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [Fact]
    public async Task Each_request_is_logged_as_one_json_line_with_method_path_status_and_ms()
    {
        var marker = "/papers/log-marker-" + Guid.NewGuid().ToString("N");
        await GetAsync(marker);
        var line = web.Log.Single(l => l.Contains(marker, StringComparison.Ordinal));
        using var doc = JsonDocument.Parse(line);
        Assert.Equal("GET", doc.RootElement.GetProperty("method").GetString());
        Assert.Equal(marker, doc.RootElement.GetProperty("path").GetString());
        Assert.Equal(404, doc.RootElement.GetProperty("status").GetInt32());
        Assert.True(doc.RootElement.GetProperty("ms").GetDouble() >= 0);
    }

    [Fact]
    public async Task Every_script_and_stylesheet_a_page_references_is_served_locally()
    {
        var (_, body) = await GetAsync(Day1Url);
        var refs = AssetReference().Matches(body).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains("/assets/site.css", refs);
        foreach (var href in refs)
        {
            var (response, _) = await GetAsync(href);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{href}: {response.StatusCode}");
        }

        Assert.Equal(WebAssets.Load().Math, refs.Contains("/assets/katex/katex.min.js"));
    }

    private static IEnumerable<string> Strings(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => [e.GetString()!],
        JsonValueKind.Object => e.EnumerateObject().SelectMany(p => Strings(p.Value)),
        JsonValueKind.Array => e.EnumerateArray().SelectMany(Strings),
        _ => [],
    };

    [GeneratedRegex("<script(?![^>]*\\ssrc=\"/assets/)", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("<[a-z][^>]*\\s(style|on[a-z]+)=", RegexOptions.IgnoreCase)]
    private static partial Regex StyleOrHandlerAttribute();

    [GeneratedRegex("(?:src|href)=\"(/assets/[^\"]+)\"")]
    private static partial Regex AssetReference();
}
