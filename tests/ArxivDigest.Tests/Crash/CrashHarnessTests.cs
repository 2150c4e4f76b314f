using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using ArxivDigest.Tests.Support;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ArxivDigest.Tests.Crash;

/// <summary>
/// Crash safety (issue #7): the real built CLI (<c>dotnet arxiv-digest.dll run</c>) is killed with SIGKILL at seeded
/// points (during fetch, store, translation, rendering, delivery) and run again. Every time: the store passes SQLite's
/// integrity and foreign-key checks, the digest files equal those of an uninterrupted run (generation time aside),
/// no half-written file is left, and the webhook got the digest at most once; when it got nothing, the re-run said the
/// delivery was interrupted. <c>CRASH_SEED</c> and <c>CRASH_POINTS</c> (default 50) choose the kill points.
/// </summary>
public sealed partial class CrashHarnessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Extensions = ["txt", "md", "json"];

    /// <summary>Progress lines the kill points are anchored on (the CLI prints them plainly when not on a terminal).</summary>
    private static readonly string[] Anchors = ["(process start)", "info fetching ", " entries (", " matching papers in the ", "(first digest file on disk)"];

    /// <summary>The anchor watched on the file system rather than on the output: rendering and writing.</summary>
    private const int FileAnchor = 4;

    /// <summary>Longest delay after each anchor: about the length of the phase that follows it.</summary>
    private static readonly int[] MaxDelayMs = [700, 400, 500, 300, 15];

    private FakeArxivServer arxiv = null!;
    private FakeOpenAiServer openai = null!;
    private FakeWebhookServer hooks = null!;
    private readonly string root = Directory.CreateTempSubdirectory("arxiv-digest-crash-").FullName;

    public async Task InitializeAsync()
    {
        arxiv = await FakeArxivServer.StartAsync();
        arxiv.Listings["hep-th"] = File.ReadAllText(Fixtures.At("listing/new-hep-th-2024-08-09.html"));
        arxiv.ResponseDelay = TimeSpan.FromMilliseconds(150);
        openai = await FakeOpenAiServer.StartAsync();
        openai.Translate = (text, _) => Letters().Replace(text, "中");
        openai.ResponseDelay = TimeSpan.FromMilliseconds(250);
        hooks = await FakeWebhookServer.StartAsync();
        hooks.ResponseDelay = TimeSpan.FromMilliseconds(150);
    }

    public async Task DisposeAsync()
    {
        await arxiv.DisposeAsync();
        await openai.DisposeAsync();
        await hooks.DisposeAsync();
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task Sigkill_at_seeded_points_then_a_rerun_gives_the_uninterrupted_digest_an_intact_store_and_no_double_delivery()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("CRASH_SEED"), CultureInfo.InvariantCulture, out var s) ? s : Random.Shared.Next();
        var points = int.TryParse(Environment.GetEnvironmentVariable("CRASH_POINTS"), CultureInfo.InvariantCulture, out var p) ? p : 50;
        output.WriteLine($"CRASH_SEED={seed} CRASH_POINTS={points}");
        var random = new Random(seed);

        var baseline = Path.Combine(root, "baseline");
        await RunToEndAsync(baseline, "baseline");
        Assert.Equal(1, Deliveries("baseline"));
        var expected = Digests(baseline);
        Assert.Equal(Extensions.Length, expected.Count);
        AssertStoreIntact(baseline);

        // The kill points are drawn in order from the seed; two trials run at a time (each has its own files).
        var plan = Enumerable.Range(0, points).Select(i =>
        {
            // Start-up is one phase; fetch+store, translation, rendering and delivery follow their anchors.
            var anchor = random.Next(9) switch { 0 => 0, 1 or 2 => 1, 3 or 4 => 2, 5 or 6 => 3, _ => FileAnchor };
            return (Index: i, Anchor: anchor, Delay: TimeSpan.FromMilliseconds(random.Next(0, MaxDelayMs[anchor])));
        }).ToList();
        var results = new ConcurrentBag<(string Phase, bool Interrupted, int Sent)>();
        await Parallel.ForEachAsync(plan, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (k, _) =>
        {
            var trial = $"t{k.Index}";
            var dir = Path.Combine(root, trial);
            var phase = await KillAsync(dir, trial, k.Anchor, k.Delay);
            var what = $"kill {k.Index} (seed {seed}): {k.Delay.TotalMilliseconds} ms after '{Anchors[k.Anchor]}', landed in {phase}";

            var rerun = await RunToEndAsync(dir, trial);

            AssertStoreIntact(dir);
            var actual = Digests(dir);
            foreach (var (name, text) in expected)
            {
                Assert.True(actual.TryGetValue(name, out var got), $"{what}: {name} missing after the re-run");
                Assert.True(text == got, $"{what}: {name} differs from the uninterrupted run");
            }

            var stray = Directory.EnumerateFiles(Path.Combine(dir, "digests"), "*", SearchOption.AllDirectories).Where(f => !Extensions.Contains(Path.GetExtension(f).TrimStart('.'))).ToList();
            Assert.True(stray.Count == 0, $"{what}: left behind {string.Join(", ", stray)}");
            var sent = Deliveries(trial);
            Assert.True(sent <= 1, $"{what}: the webhook received the digest {sent} times");
            var interrupted = rerun.Contains("was interrupted and may have been sent; not resent", StringComparison.Ordinal);
            Assert.True(sent == 1 || interrupted, $"{what}: not delivered and not reported as interrupted:\n{rerun}");
            results.Add((phase, interrupted, sent));
        });

        var landed = results.GroupBy(r => r.Phase).ToDictionary(g => g.Key, g => g.Count());
        var interrupted = results.Count(r => r.Interrupted);
        var interruptedButReceived = results.Where(r => r.Interrupted).Sum(r => r.Sent);
        var summary = string.Join(", ", landed.OrderBy(x => x.Key, StringComparer.Ordinal).Select(x => $"{x.Key} {x.Value}"));
        output.WriteLine($"kills landed: {summary}");
        output.WriteLine($"deliveries reported interrupted on the re-run: {interrupted} (of which the webhook had received {interruptedButReceived})");
    }

    /// <summary>Starts a run, waits for the anchor line plus the delay, notes the phase reached, and SIGKILLs it.</summary>
    private async Task<string> KillAsync(string dir, string trial, int anchor, TimeSpan delay)
    {
        int Fetches() => arxiv.Requests.Count(r => r.Query.Contains($"trial={trial}", StringComparison.Ordinal));
        var lines = new ConcurrentQueue<string>();
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var child = Start(dir, trial, line =>
        {
            lines.Enqueue(line);
            if (anchor > 0 && line.Contains(Anchors[anchor], StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        });
        if (anchor == 0)
        {
            seen.TrySetResult();
        }
        else if (anchor == FileAnchor)
        {
            _ = Task.Run(async () =>
            {
                var digests = Path.Combine(dir, "digests");
                while (!seen.Task.IsCompleted && !child.HasExited)
                {
                    if (Directory.Exists(digests) && Directory.EnumerateFiles(digests, "*", SearchOption.AllDirectories).Any())
                    {
                        seen.TrySetResult();
                    }

                    await Task.Delay(1);
                }
            });
        }

        await Task.WhenAny(seen.Task, child.WaitForExitAsync());
        await Task.Delay(delay);
        var phase = Phase(dir, lines.ToList(), Fetches() > 0);
        if (child.HasExited)
        {
            phase = "finished before the kill";
        }
        else
        {
            child.Kill(entireProcessTree: true);
        }

        await child.WaitForExitAsync();
        return phase;
    }

    /// <summary>Where the run was, from its output so far and the files it has written.</summary>
    private static string Phase(string dir, IReadOnlyList<string> lines, bool fetched)
    {
        bool Saw(string anchor) => lines.Any(l => l.Contains(anchor, StringComparison.Ordinal));
        if (Saw(Anchors[3]))
        {
            return "delivery";
        }

        if (Saw(Anchors[2]))
        {
            var digests = Path.Combine(dir, "digests");
            return Directory.Exists(digests) && Directory.EnumerateFiles(digests, "*", SearchOption.AllDirectories).Any() ? "rendering" : "translation";
        }

        if (Saw(Anchors[1]))
        {
            return fetched ? "store" : "fetch";
        }

        return "start-up (before the fetch; opening the database)";
    }

    private async Task<string> RunToEndAsync(string dir, string trial)
    {
        var lines = new ConcurrentQueue<string>();
        using var child = Start(dir, trial, lines.Enqueue);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await child.WaitForExitAsync(timeout.Token);
        var text = string.Join('\n', lines);
        Assert.True(child.ExitCode == 0, $"{trial}: run exited {child.ExitCode}\n{text}");
        return text;
    }

    private Process Start(string dir, string trial, Action<string> onLine)
    {
        Directory.CreateDirectory(dir);
        var config = Path.Combine(dir, "config.toml");
        if (!File.Exists(config))
        {
            File.WriteAllText(config, $"""
                arxiv_url = "{arxiv.Url}/?trial={trial}"
                request_interval = 0.05
                request_timeout = 10
                categories = ["hep-th"]
                queries = ["gauge", "string theory"]
                translator = "openai"
                translator_url = "{openai.Url}"

                [[channel]]
                name = "hook"
                type = "webhook"
                url = "{hooks.Url}/generic/{trial}"
                """);
        }

        var dll = CliDll();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (var a in new[] { dll, "run", "--config", config, "--db", Path.Combine(dir, "store.db"), "--out", Path.Combine(dir, "digests") })
        {
            info.ArgumentList.Add(a);
        }

        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("ARXIV_DIGEST_", StringComparison.Ordinal)).ToList())
        {
            info.Environment.Remove(name);
        }

        info.Environment["OPENAI_API_KEY"] = FakeOpenAiServer.Key;
        info.Environment["DOTNET_TieredPGO"] = "0";
        var child = new Process { StartInfo = info };
        child.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data);
            }
        };
        child.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                onLine(e.Data);
            }
        };
        child.Start();
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        return child;
    }

    /// <summary>
    /// The CLI as built by the project reference, in its own output folder (its deps.json and runtimeconfig belong
    /// there): <c>src/ArxivDigest.Cli/bin/{configuration}/{tfm}/arxiv-digest.dll</c>, same configuration as the tests.
    /// </summary>
    private static string CliDll()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = testBin.Name;
        var configuration = testBin.Parent!.Name;
        for (var dir = testBin; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "ArxivDigest.Cli", "bin", configuration, tfm, "arxiv-digest.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"arxiv-digest.dll ({configuration}, {tfm}) not found above {testBin.FullName}; build the solution first");
        return "";
    }

    private int Deliveries(string trial) => hooks.Hits.Count(h => h.Path == $"/generic/{trial}");

    /// <summary>The digest files, with generation times masked (the only thing a later run may change).</summary>
    private static Dictionary<string, string> Digests(string dir)
    {
        var digests = Path.Combine(dir, "digests", "default");
        return Extensions.Select(e => Path.Combine(digests, $"2024-08-09.{e}"))
            .Where(File.Exists)
            .ToDictionary(f => Path.GetFileName(f), f => GeneratedAt().Replace(Times().Replace(File.ReadAllText(f), "<time>"), "\"generatedAt\": \"<time>\""));
    }

    private static void AssertStoreIntact(string dir)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dir, "store.db")};Pooling=false");
        connection.Open();
        using var integrity = connection.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", integrity.ExecuteScalar() as string);
        using var keys = connection.CreateCommand();
        keys.CommandText = "PRAGMA foreign_key_check";
        using var reader = keys.ExecuteReader();
        Assert.False(reader.Read(), "foreign key violations in the store");
    }

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Letters();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")]
    private static partial Regex Times();

    [GeneratedRegex("\"generatedAt\":\\s*\"[^\"]*\"")]
    private static partial Regex GeneratedAt();
}
