using Microsoft.Playwright;

namespace ArxivDigest.Tests.Web;

/// <summary>
/// Debian's Chromium, headless through Playwright, launched once for a test class when the browser tests run
/// (<see cref="BrowserFactAttribute.Wanted"/>). Never <c>playwright install</c>: the executable is the system one.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException(BrowserFactAttribute.MissingReason() ?? "Chromium was not launched");

    public async Task InitializeAsync()
    {
        if (!BrowserFactAttribute.Wanted)
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = BrowserFactAttribute.ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }
}
