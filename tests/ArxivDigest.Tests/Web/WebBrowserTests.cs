using System.Text.RegularExpressions;
using ArxivDigest.Cli.Web;
using Microsoft.Playwright;

namespace ArxivDigest.Tests.Web;

/// <summary>Debian's Chromium (headless, via Playwright) driving the web reader on a real loopback port.</summary>
public sealed class WebBrowserTests(WebReaderFixture web, ChromiumFixture chromium) : IClassFixture<WebReaderFixture>, IClassFixture<ChromiumFixture>
{
    private async Task<(IBrowserContext Context, IPage Page, List<string> Dialogs, List<string> Errors)> OpenAsync()
    {
        var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = web.BaseAddress.ToString(), ViewportSize = new ViewportSize { Width = 412, Height = 915 } });
        var page = await context.NewPageAsync();
        var dialogs = new List<string>();
        var errors = new List<string>();
        page.Dialog += (_, dialog) =>
        {
            lock (dialogs)
            {
                dialogs.Add(dialog.Message);
            }

            _ = dialog.DismissAsync();
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        return (context, page, dialogs, errors);
    }

    [BrowserFact]
    public async Task Home_to_day_to_paper_then_toggle_language_and_take_a_screenshot()
    {
        var (context, page, dialogs, errors) = await OpenAsync();
        await using var _ = context;
        await page.GotoAsync("/");
        // Each wait starts before its click: a navigation that commits before the wait begins is not missed.
        var toDay2 = page.WaitForURLAsync(new Regex($"/digests/physics/{WebReaderFixture.Day2}$"));
        await page.GetByRole(AriaRole.Link, new() { Name = WebReaderFixture.Day2 }).First.ClickAsync();
        await toDay2;
        var toDay1 = page.WaitForURLAsync(new Regex($"/digests/physics/{WebReaderFixture.Day1}$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "← " + WebReaderFixture.Day1 }).ClickAsync();
        await toDay1;
        var toPaper = page.WaitForURLAsync(new Regex($"/papers/{WebReaderFixture.VersionedId}$"));
        await page.GetByRole(AriaRole.Link, new() { Name = "Quantum black hole microstates" }).First.ClickAsync();
        await toPaper;
        Assert.Equal("Quantum black hole microstates", await page.Locator("h1.title").InnerTextAsync());
        Assert.Equal(1, await page.GetByText(PrefixTranslator.Prefix + "Second abstract about a black hole.").CountAsync());

        var toOriginal = page.WaitForURLAsync(new Regex("lang=original$"));
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Language" }).GetByRole(AriaRole.Link, new() { Name = "original" }).ClickAsync();
        await toOriginal;
        Assert.Equal(0, await page.GetByText(PrefixTranslator.Prefix + "Second abstract").CountAsync());
        await page.GotoAsync($"/digests/physics/{WebReaderFixture.Day1}");
        Assert.Equal(0, await page.GetByText(PrefixTranslator.Prefix, new() { Exact = false }).CountAsync());
        Assert.Equal("true", await page.GetByRole(AriaRole.Link, new() { Name = "original" }).GetAttributeAsync("aria-current"));

        var shot = Path.Combine(Path.GetTempPath(), $"web-reader-{Guid.NewGuid():N}.png");
        try
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });
            var bytes = await File.ReadAllBytesAsync(shot);
            Assert.True(bytes.Length > 1000, $"screenshot has {bytes.Length} bytes");
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], bytes[..4]);
        }
        finally
        {
            File.Delete(shot);
        }

        Assert.Empty(dialogs);
        Assert.Empty(errors);
    }

    [BrowserFact]
    public async Task Search_form_finds_papers_and_pages_through_them()
    {
        var (context, page, _, errors) = await OpenAsync();
        await using var __ = context;
        await page.GotoAsync("/search");
        await page.GetByLabel("Query").FillAsync("cat:hep-th");
        var searched = page.WaitForURLAsync(new Regex("/search\\?q=cat%3Ahep-th"));
        await page.GetByLabel("Query").PressAsync("Enter");
        await searched;
        Assert.Equal(WebPages.PageSize, await page.Locator("article.hit").CountAsync());
        var firstTitle = await page.Locator("article.hit h2").First.InnerTextAsync();
        var toPage2 = page.WaitForURLAsync(new Regex("page=2"));
        await page.GetByRole(AriaRole.Link, new() { Name = "next →" }).ClickAsync();
        await toPage2;
        Assert.Contains("page 2", await page.Locator("nav.pages").InnerTextAsync(), StringComparison.Ordinal);
        Assert.NotEqual(firstTitle, await page.Locator("article.hit h2").First.InnerTextAsync());
        Assert.Equal("cat:hep-th", await page.GetByLabel("Query").InputValueAsync());
        Assert.Empty(errors);
    }

    [BrowserFact]
    public async Task Hostile_papers_render_inert_no_dialog_no_injected_element_no_javascript_link()
    {
        var (context, page, dialogs, _) = await OpenAsync();
        await using var __ = context;
        foreach (var path in new[]
                 {
                     $"/digests/physics/{WebReaderFixture.Day1}?lang=both",
                     $"/papers/{WebReaderFixture.ScriptId}",
                     $"/papers/{WebReaderFixture.TextareaId}",
                     "/search?q=black+hole",
                 })
        {
            await page.GotoAsync(path);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
            Assert.Equal(0, await page.Locator("img, svg:not(.katex svg), iframe, textarea, b").CountAsync());
            Assert.Equal(0, await page.Locator("[onerror], [onload], [onmouseover], [onclick]").CountAsync());
            Assert.Equal(0, await page.Locator("a[href^='javascript:' i]").CountAsync());
            var hrefs = await page.Locator("a[href]").EvaluateAllAsync<string[]>("els => els.map(e => e.href)");
            Assert.All(hrefs, h => Assert.Matches("^(https?:)", h));
        }

        await page.GotoAsync($"/papers/{WebReaderFixture.ScriptId}");
        Assert.Equal(WebReaderFixture.ScriptTitle, await page.Locator("h1.title").InnerTextAsync());
        Assert.Contains("Eve", await page.Locator("dd").First.InnerTextAsync(), StringComparison.Ordinal);
        if (WebAssets.Load().Math)
        {
            // KaTeX rendered $E = mc^2$ from the abstract text, under the strict CSP.
            await page.Locator(".katex").First.WaitForAsync(new() { Timeout = 10_000 });
        }

        await page.WaitForTimeoutAsync(300);
        Assert.Empty(dialogs);
    }
}
