using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ArxivDigest.Tests.Web;

/// <summary>
/// The reader audited in Chromium: axe-core (WCAG 2.0/2.1 A and AA, best practices) on every kind of page in every
/// language mode and both colour schemes, and a keyboard-only walk from the home page to a search and a paper.
/// </summary>
public sealed class AccessibilityTests(WebReaderFixture web, ChromiumFixture chromium) : IClassFixture<WebReaderFixture>, IClassFixture<ChromiumFixture>
{
    private const int MaxTabs = 60;

    private static readonly string[] Modes = ["original", "translation", "both"];

    private static readonly string[] AuditedPages =
    [
        "/",
        "/digests/physics",
        "/digests/physics/" + WebReaderFixture.Day2,
        "/digests/physics/" + WebReaderFixture.Day1,
        "/papers/" + WebReaderFixture.VersionedId,
        "/search?q=black+hole",
        "/search?q=zzzq+nowhere",
        "/search?q=%22unclosed",
        "/papers/2999.99999",
    ];

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Every page in the three language modes (light), and once more in the dark scheme (mode "both").</summary>
    public static TheoryData<string, string, string> Audits()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var path in AuditedPages)
        {
            foreach (var mode in Modes)
            {
                data.Add(path, mode, "light");
            }

            data.Add(path, "both", "dark");
        }

        return data;
    }

    private static string WithMode(string path, string mode) => path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "lang=" + mode;

    /// <summary>The audit's context: the page's CSP is bypassed, because Playwright injects axe as an inline script.</summary>
    private Task<IBrowserContext> AuditContextAsync(ColorScheme scheme = ColorScheme.Light) =>
        chromium.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = web.BaseAddress.ToString(),
            BypassCSP = true,
            ColorScheme = scheme,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });

    [AxeTheory]
    [MemberData(nameof(Audits))]
    public async Task Page_has_no_axe_violations(string path, string mode, string scheme)
    {
        await using var context = await AuditContextAsync(scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        var page = await context.NewPageAsync();
        var response = await page.GotoAsync(WithMode(path, mode));
        Assert.NotNull(response);
        // GotoAsync waited for "load" (stylesheets and the deferred scripts, so KaTeX has rendered); then the fonts.
        await page.EvaluateAsync("() => document.fonts.ready.then(() => true)");

        var result = await Axe.RunAsync(page);

        Assert.True(result.Passes > 0, "axe passed no rule at all: it did not audit the page");
        Assert.True(result.Violations.Count == 0, $"axe-core {Axe.Version} on {WithMode(path, mode)} ({scheme}, HTTP {response.Status}):\n{Axe.Describe(result.Violations)}");
    }

    [AxeFact]
    public async Task The_audit_reports_violations_planted_in_a_page()
    {
        await using var context = await AuditContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        await page.EvaluateAsync(
            """
            () => {
              const main = document.getElementById('main');
              main.append(Object.assign(document.createElement('input'), { type: 'text', id: 'planted' }));
              main.append(Object.assign(document.createElement('a'), { href: '/' }));
              main.querySelector('h1').after(Object.assign(document.createElement('h6'), { textContent: 'too deep' }));
              // WCAG 2.2 (2.5.8): two 10-pixel buttons side by side are too small a target to hit.
              for (const label of ['a', 'b']) {
                const tiny = Object.assign(document.createElement('button'), { id: 'tiny-' + label, ariaLabel: label });
                Object.assign(tiny.style, { width: '10px', height: '10px', minWidth: '0', minHeight: '0', padding: '0', margin: '0', border: '0' });
                main.append(tiny);
              }
            }
            """);

        var result = await Axe.RunAsync(page);

        var ids = result.Violations.Select(v => v.Id).ToList();
        Assert.Contains("label", ids);
        Assert.Contains("heading-order", ids);
        Assert.Contains("link-name", ids);
        Assert.Contains("target-size", ids); // a WCAG 2.2 rule: the audit runs them
        Assert.Equal(["#planted"], result.Violations.Single(v => v.Id == "label").Targets);
        Assert.Contains("#planted", Axe.Describe(result.Violations), StringComparison.Ordinal);
    }

    [BrowserFact]
    public async Task The_strict_csp_blocks_an_injected_inline_script_so_only_the_audit_context_bypasses_it()
    {
        const string probe = "window.cspProbe = 42;";
        await using (var strict = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString() }))
        {
            var page = await strict.NewPageAsync();
            await page.GotoAsync("/");
            // Playwright injects Content as an inline <script>, which script-src 'self' refuses.
            var blocked = await Assert.ThrowsAsync<PlaywrightException>(() => page.AddScriptTagAsync(new() { Content = probe }));
            Assert.Contains("Content Security Policy", blocked.Message, StringComparison.Ordinal);
            Assert.Equal("undefined", await page.EvaluateAsync<string>("() => typeof window.cspProbe"));
        }

        await using var audit = await AuditContextAsync();
        var auditPage = await audit.NewPageAsync();
        await auditPage.GotoAsync("/");
        await auditPage.AddScriptTagAsync(new() { Content = probe });
        Assert.Equal(42, await auditPage.EvaluateAsync<int>("() => window.cspProbe"));
    }

    [BrowserFact]
    public async Task Skip_link_is_the_first_tab_stop_shows_when_focused_and_jumps_past_the_header()
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        var first = await TabAsync(page);
        Assert.Equal(("a", "#main", "Skip to content"), (first.Tag, first.Href, first.Name));
        AssertFocusShows(first);

        await page.Keyboard.PressAsync("Enter");
        var next = await TabAsync(page);
        Assert.True(next.InMain, $"after the skip link, Tab went to {next} instead of into <main>");
    }

    [BrowserFact]
    public async Task Keyboard_alone_reaches_the_search_field_searches_and_opens_a_paper_with_focus_always_visible()
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");

        var field = await TabUntilAsync(page, f => f.Tag == "input" && f.Type == "search", "the search field on the home page");
        Assert.Equal("Search papers", field.Name);
        await page.Keyboard.TypeAsync("black hole");
        // Waiting starts before the key is pressed: a navigation that commits before the wait begins is not missed.
        var searched = page.WaitForURLAsync(new Regex("/search\\?"));
        await page.Keyboard.PressAsync("Enter");
        await searched;
        Assert.Equal(new Uri(web.BaseAddress, "/search?q=black+hole").ToString(), page.Url);
        Assert.True(await page.Locator("article.hit").CountAsync() > 0, "the search found nothing");

        var link = await TabUntilAsync(page, f => f.Tag == "a" && f.InHit, "a paper link in the results");
        Assert.StartsWith("/papers/", link.Href, StringComparison.Ordinal);
        var opened = page.WaitForURLAsync(new Regex(Regex.Escape(link.Href!) + "$"));
        await page.Keyboard.PressAsync("Enter");
        await opened;
        Assert.Equal(link.Name, await page.Locator("h1.title").InnerTextAsync());
    }

    public static TheoryData<string> KeyboardPages() => new()
    {
        "/",
        "/digests/physics/" + WebReaderFixture.Day1,
        "/papers/" + WebReaderFixture.VersionedId,
        "/search?q=black+hole",
    };

    [BrowserTheory]
    [MemberData(nameof(KeyboardPages))]
    public async Task Every_tab_stop_shows_its_focus_on_screen(string path)
    {
        await using var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync(path);

        var stops = new List<Focused>();
        for (var i = 0; i < 400; i++)
        {
            var focused = await TabAsync(page);
            if (focused.Tag == "body" || (stops.Count > 0 && focused == stops[0]))
            {
                break;
            }

            AssertFocusShows(focused);
            stops.Add(focused);
        }

        Assert.True(stops.Count > 5, $"only {stops.Count} tab stops on {path}: {string.Join(" → ", stops)}");
        Assert.Contains(stops, f => f.InMain);
    }

    /// <summary>The focused element as the test sees it, and whether its focus is drawn (outline or box-shadow).</summary>
    private sealed record Focused(string Tag, string? Type, string? Href, string Name, string Style, bool Drawn, bool OnScreen, bool InMain, bool InHit)
    {
        public override string ToString() => $"<{Tag}{(Type is null ? "" : " type=" + Type)}{(Href is null ? "" : " href=" + Href)}> \"{Name}\" ({Style})";
    }

    private static async Task<Focused> TabAsync(IPage page)
    {
        await page.Keyboard.PressAsync("Tab");
        var json = await page.EvaluateAsync<string>(
            """
            () => {
              const e = document.activeElement;
              const s = getComputedStyle(e);
              const r = e.getBoundingClientRect();
              const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
              const shadow = s.boxShadow !== 'none' && s.boxShadow !== '';
              const name = (e.labels && e.labels.length ? e.labels[0].innerText : e.getAttribute('aria-label') || e.innerText || e.value || '').trim();
              return JSON.stringify({
                tag: e.tagName.toLowerCase(), type: e.getAttribute('type'), href: e.getAttribute('href'), name,
                style: `outline ${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor}; box-shadow ${s.boxShadow}`,
                drawn: outline || shadow,
                onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
                inMain: !!e.closest('main'), inHit: !!e.closest('article.hit') });
            }
            """);
        return JsonSerializer.Deserialize<Focused>(json, Json)!;
    }

    private static void AssertFocusShows(Focused focused)
    {
        Assert.True(focused.Drawn, $"focus is not drawn on {focused}");
        Assert.True(focused.OnScreen, $"the focused element is off screen: {focused}");
    }

    /// <summary>Tabs until <paramref name="wanted"/> is focused, checking that every element on the way shows its focus.</summary>
    private static async Task<Focused> TabUntilAsync(IPage page, Func<Focused, bool> wanted, string what)
    {
        var path = new List<Focused>();
        for (var i = 0; i < MaxTabs; i++)
        {
            var focused = await TabAsync(page);
            path.Add(focused);
            Assert.True(focused.Tag != "body", $"Tab left the page before reaching {what}: {string.Join(" → ", path)}");
            AssertFocusShows(focused);
            if (wanted(focused))
            {
                return focused;
            }
        }

        Assert.Fail($"{MaxTabs} presses of Tab did not reach {what}: {string.Join(" → ", path)}");
        return null!;
    }
}
