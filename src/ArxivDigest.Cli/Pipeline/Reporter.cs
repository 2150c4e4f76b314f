using System.Globalization;
using Spectre.Console;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>
/// Progress and log lines on stderr: coloured, with a status spinner, on an interactive terminal (Spectre.Console);
/// plain timestamped lines in a pipe or CI. Data (summaries, paths) go to stdout.
/// </summary>
public sealed class Reporter(TextWriter stdout, TextWriter stderr, bool interactive, TimeProvider time)
{
    private readonly IAnsiConsole? console = interactive
        ? AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(stderr), Ansi = AnsiSupport.Detect, ColorSystem = ColorSystemSupport.Detect })
        : null;

    public TextWriter Out => stdout;

    /// <summary>True on a terminal (spinner, colours); false in a pipe or CI.</summary>
    public bool Interactive => console is not null;

    public void Info(string message) => Line("info", message, "grey");

    public void Warn(string message) => Line("warn", message, "yellow");

    /// <summary>A result line for the user, on stdout.</summary>
    public void Result(string message) => stdout.WriteLine(message);

    /// <summary>Runs <paramref name="work"/> under a spinner on a terminal; logs the step in a pipe.</summary>
    public async Task<T> StepAsync<T>(string what, Func<Task<T>> work)
    {
        if (console is null)
        {
            Info(what);
            return await work();
        }

        return await console.Status().StartAsync(Markup.Escape(what), _ => work());
    }

    /// <summary>
    /// Runs <paramref name="work"/>, which reports progress through the callback it is given: on a terminal the
    /// spinner's text follows it; in a pipe each report is a plain log line (so callers report sparingly).
    /// </summary>
    public async Task<T> ProgressAsync<T>(string what, Func<Action<string>, Task<T>> work)
    {
        if (console is null)
        {
            Info(what);
            return await work(Info);
        }

        return await console.Status().StartAsync(Markup.Escape(what), context => work(text => context.Status(Markup.Escape(text))));
    }

    private void Line(string level, string message, string colour)
    {
        if (console is not null)
        {
            console.MarkupLine($"[{colour}]{Markup.Escape(message)}[/]");
            return;
        }

        var stamp = time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        stderr.WriteLine($"{stamp} {level} {message}");
    }
}
