using System.Reflection;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace ArxivDigest.Tests.Web;

/// <summary>One axe-core rule broken on a page: the rule, how bad, what it asks for, and the offending elements.</summary>
public sealed record AxeViolation(string Id, string? Impact, string Help, string HelpUrl, IReadOnlyList<string> Targets);

/// <summary>What one axe run found: the violations and how many rules passed (zero would mean axe did not really run).</summary>
public sealed record AxeResult(IReadOnlyList<AxeViolation> Violations, int Passes);

/// <summary>
/// axe-core (npm <c>axe-core</c>, pinned in the test project as <c>AxeVersion</c>), fetched at build time and embedded
/// in this assembly as <c>axe/axe.min.js</c>, injected into a page and run there.
/// </summary>
public static class Axe
{
    /// <summary>The rule sets audited: WCAG 2.0, 2.1 and 2.2, levels A and AA, and axe's best practices.</summary>
    public static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"];

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static string Version { get; } =
        typeof(Axe).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "AxeVersion").Value!;

    /// <summary>The script, or null when the build could not fetch it.</summary>
    public static string? Source { get; } = Load();

    public static string MissingReason =>
        $"axe-core {Version} is not bundled in the test assembly: the build could not fetch it with npm " +
        $"(npm install axe-core@{Version} into tests/ArxivDigest.Tests/obj/axe-{Version}/); rebuild where npm reaches its registry";

    private static string? Load()
    {
        using var stream = typeof(Axe).Assembly.GetManifestResourceStream("axe/axe.min.js");
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// Injects axe into the page (an inline script element, so the page's context must bypass its CSP) and runs it on
    /// the whole document with <see cref="Tags"/>.
    /// </summary>
    public static async Task<AxeResult> RunAsync(IPage page)
    {
        if (Source is null)
        {
            Assert.Fail(MissingReason);
        }

        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
        {
            await page.AddScriptTagAsync(new() { Content = Source });
        }

        var json = await page.EvaluateAsync<string>(
            """
            async tags => {
              const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
              return JSON.stringify({
                passes: r.passes.length,
                violations: r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                  targets: v.nodes.map(n => n.target.map(t => Array.isArray(t) ? t.join(' >>> ') : t).join(' ')) })) });
            }
            """,
            Tags);
        return JsonSerializer.Deserialize<AxeResult>(json, Json)!;
    }

    /// <summary>Each violation on its own lines: id, impact, help (and where to read more), the elements it hit.</summary>
    public static string Describe(IEnumerable<AxeViolation> violations)
    {
        var text = new StringBuilder();
        foreach (var v in violations)
        {
            text.Append("- ").Append(v.Id).Append(" (").Append(v.Impact ?? "no impact").Append("): ").Append(v.Help).Append(" <").Append(v.HelpUrl).Append(">\n");
            foreach (var target in v.Targets)
            {
                text.Append("    ").Append(target).Append('\n');
            }
        }

        return text.ToString();
    }
}

/// <summary>
/// A theory that needs Chromium and axe-core: skipped with the reason when either is missing, unless
/// REQUIRE_BROWSER=1 (CI), where it runs and fails with that reason instead of passing without an audit.
/// </summary>
public sealed class AxeTheoryAttribute : TheoryAttribute
{
    public AxeTheoryAttribute()
    {
        Skip = BrowserFactAttribute.MissingReason() ?? (Axe.Source is null && !BrowserFactAttribute.Required ? Axe.MissingReason + "; set REQUIRE_BROWSER=1 to make this a failure" : null);
    }
}

/// <summary>A fact that needs Chromium and axe-core, as <see cref="AxeTheoryAttribute"/>.</summary>
public sealed class AxeFactAttribute : FactAttribute
{
    public AxeFactAttribute()
    {
        Skip = BrowserFactAttribute.MissingReason() ?? (Axe.Source is null && !BrowserFactAttribute.Required ? Axe.MissingReason + "; set REQUIRE_BROWSER=1 to make this a failure" : null);
    }
}
