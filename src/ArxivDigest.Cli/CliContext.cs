using System.Collections;

namespace ArxivDigest.Cli;

/// <summary>The process's surroundings, injectable so tests run the real CLI in-process.</summary>
public sealed record CliContext(TextWriter Out, TextWriter Error, IDictionary Environment, TimeProvider Time, bool Interactive)
{
    public static CliContext FromProcess() => new(
        Console.Out,
        Console.Error,
        System.Environment.GetEnvironmentVariables(),
        TimeProvider.System,
        !Console.IsErrorRedirected && System.Environment.GetEnvironmentVariable("CI") is null);

    /// <summary>Test hook: a handler for the HTTP client (null: the real network stack).</summary>
    public HttpMessageHandler? HttpHandler { get; init; }
}
