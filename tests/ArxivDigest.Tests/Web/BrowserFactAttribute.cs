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
        if (!File.Exists(ChromiumPath) && Environment.GetEnvironmentVariable("REQUIRE_BROWSER") != "1")
        {
            Skip = $"{ChromiumPath} is not installed (apt-get install chromium); set REQUIRE_BROWSER=1 to make this a failure";
        }
    }
}
