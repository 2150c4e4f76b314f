using System.Collections;
using System.Text.RegularExpressions;
using ArxivDigest.Cli;

namespace ArxivDigest.Tests.Web;

/// <summary>
/// The real <c>serve</c> verb run in-process on a free port: started, waited for until it prints its "serving … on URL"
/// line, then stopped by <see cref="StopAsync"/> (cancellation, as Ctrl+C).
/// </summary>
public sealed partial class ServingCli : IDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Task<int> _serving;

    private ServingCli(string[] args)
    {
        _serving = CliApp.RunAsync(
            ["serve", .. args, "--urls", "http://127.0.0.1:0"],
            new CliContext(TextWriter.Synchronized(Stdout), TextWriter.Synchronized(Stderr), new Hashtable(), TimeProvider.System, Interactive: false),
            _cts.Token);
    }

    public StringWriter Stdout { get; } = new();

    public StringWriter Stderr { get; } = new();

    /// <summary>The address it listens on, from its "serving" line.</summary>
    public string Address { get; private set; } = "";

    /// <summary>Starts <c>serve ARGS --urls http://127.0.0.1:0</c> and waits (up to 30 s) for its address.</summary>
    public static async Task<ServingCli> StartAsync(params string[] args)
    {
        var cli = new ServingCli(args);
        for (var i = 0; i < 600 && !cli._serving.IsCompleted; i++)
        {
            if (Listening().Match(cli.Stdout.ToString()) is { Success: true } m)
            {
                cli.Address = m.Groups[1].Value;
                return cli;
            }

            await Task.Delay(50);
        }

        cli.Dispose();
        throw new Xunit.Sdk.XunitException($"no 'serving' line; stdout: {cli.Stdout} stderr: {cli.Stderr}");
    }

    /// <summary>Cancels the server and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        await _cts.CancelAsync();
        return await _serving;
    }

    public void Dispose()
    {
        _cts.Cancel();
        _cts.Dispose();
    }

    [GeneratedRegex("serving .* on (http://127\\.0\\.0\\.1:[0-9]+)")]
    private static partial Regex Listening();
}
