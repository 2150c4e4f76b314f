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
