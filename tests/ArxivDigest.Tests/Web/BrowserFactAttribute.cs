namespace ArxivDigest.Tests.Web;

/// <summary>
/// A fact that needs Debian's Chromium at <see cref="ChromiumPath"/>: skipped with the reason when it is missing,
/// unless REQUIRE_BROWSER=1 (CI), where the test runs and fails instead.
/// </summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public BrowserFactAttribute()
    {
        Skip = MissingReason();
    }

    /// <summary>REQUIRE_BROWSER=1: browser tests (and the accessibility audit) must run, so anything missing fails them.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("REQUIRE_BROWSER") == "1";

    /// <summary>Whether the browser tests run (Chromium is installed, or it is required).</summary>
    public static bool Wanted => Required || File.Exists(ChromiumPath);

    /// <summary>Why a browser test is skipped, or null when it runs.</summary>
    public static string? MissingReason() =>
        Wanted ? null : $"{ChromiumPath} is not installed (apt-get install chromium); set REQUIRE_BROWSER=1 to make this a failure";
}

/// <summary>A theory that needs Chromium, skipped or failed as <see cref="BrowserFactAttribute"/>.</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        Skip = BrowserFactAttribute.MissingReason();
    }
}
