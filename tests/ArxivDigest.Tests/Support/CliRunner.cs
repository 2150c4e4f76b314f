using System.Collections;
using ArxivDigest.Cli;

namespace ArxivDigest.Tests.Support;

/// <summary>The outcome of one in-process CLI invocation.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the real CLI (the same entry point as the executable) in-process, in a temp directory of its own.</summary>
public sealed class CliRunner : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("arxiv-digest-test-").FullName;

    public string Db => Path.Combine(Dir, "store.db");

    public string Out => Path.Combine(Dir, "digests");

    public Hashtable Environment { get; } = new();

    /// <summary>The clock the CLI sees (real timers; <see cref="ShiftedTime"/> moves "now").</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public async Task<CliResult> RunAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CliApp.RunAsync(args, new CliContext(stdout, stderr, Environment, Time, Interactive: false));
        return new CliResult(code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>Runs a verb with this runner's --db and --out added.</summary>
    public Task<CliResult> RunJobAsync(string verb, params string[] args) =>
        RunAsync([verb, "--db", Db, "--out", Out, .. args]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock whose "now" is a fixed instant plus the real time elapsed since creation; timers stay real.</summary>
public sealed class ShiftedTime(DateTimeOffset start) : TimeProvider
{
    private readonly DateTimeOffset realStart = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => start + (DateTimeOffset.UtcNow - realStart);
}
