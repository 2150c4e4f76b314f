using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace ArxivDigest.Tests.Fuzz;

/// <summary>A named seed input for a fuzz target.</summary>
public sealed record FuzzSeed(string Name, byte[] Data);

/// <summary>
/// One parser under fuzzing: its seeds, what an element is in its format, how to run it on an input, and which
/// exceptions its documentation allows to escape. Adding a parser to the fuzz suite is one subclass.
/// </summary>
public abstract class FuzzTarget
{
    public abstract string Name { get; }

    public abstract ElementSyntax Syntax { get; }

    /// <summary>Record-level element names that deletion/duplication prefers half the time (markup only).</summary>
    public virtual IReadOnlyList<string> PreferredElements => [];

    public abstract IReadOnlyList<FuzzSeed> Seeds { get; }

    /// <summary>Size of the huge text values the mutator inserts.</summary>
    public virtual int HugeText => 200_000;

    /// <summary>Parses <paramref name="input"/>; <paramref name="caseIndex"/> picks among the parser's entry points
    /// (string or stream ...); <paramref name="workDir"/> is a scratch folder. A contract violation other than an
    /// exception is reported by throwing <see cref="FuzzContractViolation"/>.</summary>
    public abstract void Run(FuzzSeed seed, byte[] input, int caseIndex, string workDir);

    /// <summary>True when the parser documents <paramref name="e"/> as a possible outcome for bad input.</summary>
    public abstract bool IsDocumented(Exception e);
}

/// <summary>A parser broke its contract without throwing (e.g. a reader lost a line).</summary>
public sealed class FuzzContractViolation(string message) : Exception(message);

/// <summary>What a fuzz run did.</summary>
public sealed record FuzzReport(
    string Target, int Seed, int Cases, int Accepted, int Rejected, TimeSpan Slowest, string SlowestCase, IReadOnlyList<string> Failures)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Target}: seed {Seed}, {Cases} cases, {Accepted} parsed, {Rejected} rejected with documented exceptions, slowest {Slowest.TotalMilliseconds:F1} ms ({SlowestCase}), {Failures.Count} failures");
}

/// <summary>
/// Runs a <see cref="FuzzTarget"/> over <c>FUZZ_CASES</c> (default 10 000) mutated inputs from seed
/// <c>FUZZ_SEED</c> (default fixed). Each case runs on the thread pool under a 1 s watchdog (a hang detector, as
/// issue #7 asks; a case over the limit is re-run once, so that a scheduling stall on a busy machine is not taken
/// for a hang). <c>FUZZ_CASE=n</c> replays only case n. Failing inputs are written to a temp folder named in the
/// message together with the seed, case index and mutation.
/// </summary>
public static class FuzzHarness
{
    public const int DefaultSeed = 20261124;
    public const int DefaultCases = 10_000;
    public static readonly TimeSpan CaseLimit = TimeSpan.FromSeconds(1);

    private const int MaxDistinctFailures = 8;

    public static int Seed => Env("FUZZ_SEED") ?? DefaultSeed;

    public static int Cases => Env("FUZZ_CASES") ?? DefaultCases;

    public static FuzzReport Run(FuzzTarget target)
    {
        var seed = Seed;
        var cases = Cases;
        var only = Env("FUZZ_CASE");
        var workDir = Path.Combine(Path.GetTempPath(), "arxiv-digest-fuzz", target.Name, seed.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(workDir);

        var seeds = target.Seeds;
        if (seeds.Count == 0)
        {
            throw new InvalidOperationException($"{target.Name}: no seeds");
        }

        var failures = new List<string>();
        var signatures = new HashSet<string>(StringComparer.Ordinal);
        int accepted = 0, rejected = 0, ran = 0;
        var slowest = TimeSpan.Zero;
        var slowestCase = "";

        for (var i = 0; i < cases && failures.Count < MaxDistinctFailures; i++)
        {
            if (only is { } o && o != i)
            {
                continue;
            }

            // One Random per case, so that any case can be replayed alone.
            var random = new Random(unchecked((seed * 1_000_003) + i));
            var seedInput = seeds[i % seeds.Count];
            var mutation = new Mutator(random, target.Syntax, target.PreferredElements, target.HugeText).Mutate(seedInput.Data);
            ran++;

            var (outcome, elapsed) = RunCase(target, seedInput, mutation.Data, i, workDir);
            if (outcome is Outcome.TimedOut || elapsed > CaseLimit)
            {
                (outcome, elapsed) = RunCase(target, seedInput, mutation.Data, i, workDir);
            }

            if (elapsed > slowest)
            {
                slowest = elapsed;
                slowestCase = $"case {i}, {seedInput.Name}, {mutation.Kind}, {mutation.Data.Length} bytes";
            }

            string? problem = outcome switch
            {
                Outcome.TimedOut => $"no result within {CaseLimit.TotalSeconds} s (hang?)",
                _ when elapsed > CaseLimit => $"took {elapsed.TotalMilliseconds:F0} ms, over the {CaseLimit.TotalSeconds} s limit",
                Outcome.Threw { Exception: var e } when !target.IsDocumented(e) => $"{e.GetType().FullName}: {e.Message}\n{Top(e)}",
                _ => null,
            };

            if (problem is null)
            {
                if (outcome is Outcome.Threw)
                {
                    rejected++;
                }
                else
                {
                    accepted++;
                }

                continue;
            }

            // One report per distinct failure (exception type + throwing frame), so that one bug does not hide the others.
            var signature = outcome is Outcome.Threw t ? $"{t.Exception.GetType()}|{FirstFrame(t.Exception)}" : "slow";
            if (!signatures.Add(signature))
            {
                continue;
            }

            var path = Path.Combine(workDir, $"case-{i}-{Path.GetFileNameWithoutExtension(seedInput.Name)}.bin");
            File.WriteAllBytes(path, mutation.Data);
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{target.Name}: FUZZ_SEED={seed} FUZZ_CASE={i} seed input {seedInput.Name}, mutation {mutation.Kind} ({mutation.Detail}); input written to {path}\n  {problem}"));
            if (outcome is Outcome.TimedOut)
            {
                break; // the runaway case still holds a thread
            }
        }

        return new FuzzReport(target.Name, seed, ran, accepted, rejected, slowest, slowestCase, failures);
    }

    /// <summary>Runs the unmutated seeds through every entry point: each seed with the exception it gave, if any.</summary>
    public static List<(string Seed, Exception? Error)> RunSeeds(FuzzTarget target)
    {
        var workDir = Path.Combine(Path.GetTempPath(), "arxiv-digest-fuzz", target.Name, "seeds");
        Directory.CreateDirectory(workDir);
        var results = new List<(string, Exception?)>();
        foreach (var s in target.Seeds)
        {
            try
            {
                target.Run(s, s.Data, 0, workDir);
                target.Run(s, s.Data, 1, workDir);
                results.Add((s.Name, null));
            }
            catch (Exception e)
            {
                results.Add((s.Name, e));
            }
        }

        return results;
    }

    private abstract record Outcome
    {
        public sealed record Parsed : Outcome;

        public sealed record Threw(Exception Exception) : Outcome;

        public sealed record TimedOut : Outcome;
    }

    private static (Outcome Outcome, TimeSpan Elapsed) RunCase(FuzzTarget target, FuzzSeed seed, byte[] input, int caseIndex, string workDir)
    {
        var elapsed = TimeSpan.Zero;
        var task = Task.Run(() =>
        {
            var watch = Stopwatch.StartNew();
            try
            {
                target.Run(seed, input, caseIndex, workDir);
            }
            finally
            {
                elapsed = watch.Elapsed;
            }
        });

        var wall = Stopwatch.StartNew();
        if (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(CaseLimit + CaseLimit))
        {
            return (new Outcome.TimedOut(), wall.Elapsed);
        }

        return task.IsFaulted
            ? (new Outcome.Threw(task.Exception!.InnerException!), elapsed)
            : (new Outcome.Parsed(), elapsed);
    }

    private static string FirstFrame(Exception e) =>
        new StackTrace(e, false).GetFrames().Select(f => f.GetMethod()).FirstOrDefault(m => m?.DeclaringType?.Namespace?.StartsWith("ArxivDigest", StringComparison.Ordinal) == true)?.ToString() ?? "";

    private static string Top(Exception e)
    {
        var lines = (e.StackTrace ?? "").Split('\n').Take(8);
        var sb = new StringBuilder();
        foreach (var l in lines)
        {
            sb.Append("    ").AppendLine(l.TrimEnd());
        }

        return sb.ToString();
    }

    private static int? Env(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
}
