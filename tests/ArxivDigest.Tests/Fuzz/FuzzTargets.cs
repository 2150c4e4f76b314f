using System.Collections;
using System.Collections.Concurrent;
using System.Text;
using ArxivDigest.Arxiv;
using ArxivDigest.Cli.Commands;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Tests.Fuzz;

/// <summary>Helpers shared by the targets.</summary>
internal static class FuzzInput
{
    /// <summary>The bytes as text, decoded as an HTTP client or a StreamReader would (BOM detection, U+FFFD for bad bytes).</summary>
    public static string Decode(byte[] input)
    {
        using var reader = new StreamReader(new MemoryStream(input), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}

/// <summary><see cref="ListingPageParser"/>: /new pages with ParseNew, the /pastweek page with ParseRecent; every
/// fourth case uses the other entry point.</summary>
public sealed class ListingPageTarget : FuzzTarget
{
    private static readonly Lazy<IReadOnlyList<FuzzSeed>> Loaded = new(() => FuzzSeeds.Listings(keep: 3));

    public override string Name => "listing";

    public override ElementSyntax Syntax => ElementSyntax.Markup;

    public override IReadOnlyList<string> PreferredElements => ["dt", "dd", "h3", "dl", "div", "span", "a"];

    public override IReadOnlyList<FuzzSeed> Seeds => Loaded.Value;

    public override void Run(FuzzSeed seed, byte[] input, int caseIndex, string workDir)
    {
        var html = FuzzInput.Decode(input);
        var recent = seed.Name.StartsWith("pastweek", StringComparison.Ordinal) ^ (caseIndex % 4 == 3);
        if (recent)
        {
            ListingPageParser.ParseRecent(html, "astro-ph", seed.Name);
        }
        else
        {
            ListingPageParser.ParseNew(html, "cs", seed.Name);
        }
    }

    public override bool IsDocumented(Exception e) => e is ArxivFormatException;
}

/// <summary><see cref="RssFeedParser"/> (RSS 2.0 and Atom); even cases parse a stream, odd cases a string.</summary>
public sealed class RssFeedTarget : FuzzTarget
{
    private static readonly Lazy<IReadOnlyList<FuzzSeed>> Loaded = new(() => FuzzSeeds.Xml("rss", 8, "</item>", "</entry>"));

    public override string Name => "rss";

    public override ElementSyntax Syntax => ElementSyntax.Markup;

    public override IReadOnlyList<string> PreferredElements => ["item", "entry", "guid", "id", "description", "summary", "dc:creator", "pubDate", "channel", "link"];

    public override IReadOnlyList<FuzzSeed> Seeds => Loaded.Value;

    public override void Run(FuzzSeed seed, byte[] input, int caseIndex, string workDir)
    {
        if (caseIndex % 2 == 0)
        {
            RssFeedParser.Parse(new MemoryStream(input), "cs", seed.Name);
        }
        else
        {
            RssFeedParser.Parse(FuzzInput.Decode(input), "cs", seed.Name);
        }
    }

    public override bool IsDocumented(Exception e) => e is ArxivFormatException;
}

/// <summary><see cref="ApiAtomParser"/>; even cases parse a stream, odd cases a string.</summary>
public sealed class ApiAtomTarget : FuzzTarget
{
    private static readonly Lazy<IReadOnlyList<FuzzSeed>> Loaded = new(() => FuzzSeeds.Xml("api", 8, "</entry>"));

    public override string Name => "api";

    public override ElementSyntax Syntax => ElementSyntax.Markup;

    public override IReadOnlyList<string> PreferredElements => ["entry", "id", "title", "author", "arxiv:primary_category", "category", "opensearch:totalResults", "published", "link"];

    public override IReadOnlyList<FuzzSeed> Seeds => Loaded.Value;

    public override void Run(FuzzSeed seed, byte[] input, int caseIndex, string workDir)
    {
        if (caseIndex % 2 == 0)
        {
            ApiAtomParser.Parse(new MemoryStream(input), seed.Name);
        }
        else
        {
            ApiAtomParser.Parse(FuzzInput.Decode(input), seed.Name);
        }
    }

    public override bool IsDocumented(Exception e) => e is ArxivFormatException;
}

/// <summary><see cref="OaiPmhParser"/>; even cases parse a stream, odd cases a string.</summary>
public sealed class OaiPmhTarget : FuzzTarget
{
    private static readonly Lazy<IReadOnlyList<FuzzSeed>> Loaded = new(() => FuzzSeeds.Xml("oai", 8, "</record>", "</header>", "</set>"));

    public override string Name => "oai";

    public override ElementSyntax Syntax => ElementSyntax.Markup;

    public override IReadOnlyList<string> PreferredElements => ["record", "header", "metadata", "identifier", "datestamp", "resumptionToken", "version", "error", "dc:identifier", "arXiv"];

    public override IReadOnlyList<FuzzSeed> Seeds => Loaded.Value;

    public override void Run(FuzzSeed seed, byte[] input, int caseIndex, string workDir)
    {
        if (caseIndex % 2 == 0)
        {
            OaiPmhParser.Parse(new MemoryStream(input), seed.Name);
        }
        else
        {
            OaiPmhParser.Parse(FuzzInput.Decode(input), seed.Name);
        }
    }

    public override bool IsDocumented(Exception e) => e is ArxivFormatException;
}

/// <summary>
/// <see cref="KaggleSnapshotReader"/>: nothing may be thrown; every non-blank line comes back once, in order, as a
/// paper or as an error "line N: …"; a line identical to a seed line still gives that line's paper (a bad line never
/// costs its neighbours).
/// </summary>
public sealed class KaggleSnapshotTarget : FuzzTarget
{
    private static readonly Lazy<IReadOnlyList<FuzzSeed>> Loaded = new(() => FuzzSeeds.KaggleWindows(20));
    private static readonly ConcurrentDictionary<string, Dictionary<string, string>> SeedPapers = new(StringComparer.Ordinal);

    public override string Name => "kaggle";

    public override ElementSyntax Syntax => ElementSyntax.JsonLines;

    public override IReadOnlyList<FuzzSeed> Seeds => Loaded.Value;

    public override void Run(FuzzSeed seed, byte[] input, int caseIndex, string workDir)
    {
        var known = SeedPapers.GetOrAdd(seed.Name, _ => PapersByLine(seed.Data));
        using var reader = new StreamReader(new MemoryStream(input), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        var results = KaggleSnapshotReader.Read(reader, seed.Name).ToList();

        var expected = Lines(FuzzInput.Decode(input)).Where(l => !string.IsNullOrWhiteSpace(l.Text)).ToList();
        if (results.Count != expected.Count)
        {
            throw new FuzzContractViolation($"{expected.Count} non-blank lines but {results.Count} results");
        }

        for (var i = 0; i < results.Count; i++)
        {
            var (number, text) = expected[i];
            var r = results[i];
            if (r.LineNumber != number)
            {
                throw new FuzzContractViolation($"result {i} has line number {r.LineNumber}, the line is {number}");
            }

            if ((r.Paper is null) == (r.Error is null))
            {
                throw new FuzzContractViolation($"line {number}: needs exactly one of paper and error");
            }

            if (r.Error is { } error && !error.StartsWith($"line {number}: ", StringComparison.Ordinal))
            {
                throw new FuzzContractViolation($"line {number}: error does not name its line: {error}");
            }

            if (known.TryGetValue(text, out var id) && r.Paper?.Id != id)
            {
                throw new FuzzContractViolation($"line {number} is an unchanged snapshot line of {id} but gave {r.Paper?.Id ?? r.Error}");
            }
        }
    }

    public override bool IsDocumented(Exception e) => false;

    private static IEnumerable<(long Number, string Text)> Lines(string text)
    {
        using var reader = new StringReader(text);
        long n = 0;
        while (reader.ReadLine() is { } line)
        {
            n++;
            yield return (n, n == 1 ? line.TrimStart('\uFEFF') : line);
        }
    }

    private static Dictionary<string, string> PapersByLine(byte[] seed)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = Lines(FuzzInput.Decode(seed)).ToList();
        using var reader = new StringReader(FuzzInput.Decode(seed));
        foreach (var r in KaggleSnapshotReader.Read(reader, "seed"))
        {
            if (r.Paper is { } p)
            {
                map[lines[(int)r.LineNumber - 1].Text] = p.Id;
            }
        }

        return map;
    }
}

/// <summary>The TOML config file through <see cref="SettingsResolver.Resolve"/> (which reads it with
/// <see cref="ConfigFile.Read"/>): the only way to fail is a <see cref="ConfigurationException"/>.</summary>
public sealed class ConfigFileTarget : FuzzTarget
{
    public override string Name => "config";

    public override ElementSyntax Syntax => ElementSyntax.Toml;

    public override IReadOnlyList<FuzzSeed> Seeds { get; } =
    [
        new("default-config.toml", Encoding.UTF8.GetBytes(DefaultConfig.Text)),
        new("full.toml", Encoding.UTF8.GetBytes(FuzzConfigs.Full)),
        new("digests-and-channels.toml", Encoding.UTF8.GetBytes(FuzzConfigs.DigestsAndChannels)),
        new("minimal.toml", Encoding.UTF8.GetBytes(FuzzConfigs.Minimal)),
        new("query-groups.toml", Encoding.UTF8.GetBytes(FuzzConfigs.QueryGroups)),
    ];

    public override void Run(FuzzSeed seed, byte[] input, int caseIndex, string workDir)
    {
        var path = Path.Combine(workDir, "config.toml");
        File.WriteAllBytes(path, input);
        SettingsResolver.Resolve(new RawOptions { Config = path }, new Hashtable());
    }

    public override bool IsDocumented(Exception e) => e is ConfigurationException;
}

/// <summary><see cref="QueryParser"/>: a query that parses is also matched against a paper, alone and through a
/// <see cref="QuerySet"/>; only <see cref="QuerySyntaxException"/> may escape.</summary>
public sealed class QueryLanguageTarget : FuzzTarget
{
    private static readonly Paper Sample = new()
    {
        Id = "2411.17700",
        Version = 2,
        Title = "Diffusion Policies for Robot Manipulation: a Transformer Survey",
        Abstract = "We study diffusion policy learning with $\\alpha$-divergences and reinforcement learning (RL) on real robots.",
        Authors = ["Balázs Szegedy", "Zoë Müller-Lüdenscheidt", "Q. Li"],
        Comments = "12 pages, 4 figures",
        PrimaryCategory = "cs.RO",
        Subjects = [new Subject("cs.RO", "Robotics"), new Subject("cs.LG", "Machine Learning")],
    };

    public override string Name => "query";

    public override ElementSyntax Syntax => ElementSyntax.Query;

    /// <summary>20 KB: already a hundred times any real query. At 200 KB (some 20 000 ANDed terms) parsing and
    /// indexing take 100-500 ms per case, which would make this target alone run for minutes.</summary>
    public override int HugeText => 20_000;

    public override IReadOnlyList<FuzzSeed> Seeds { get; } = [.. FuzzConfigs.Queries.Select((q, i) => new FuzzSeed($"query{i}", Encoding.UTF8.GetBytes(q)))];

    public override void Run(FuzzSeed seed, byte[] input, int caseIndex, string workDir)
    {
        var text = FuzzInput.Decode(input);
        QueryParser.Parse(text);
        var query = Query.Parse(text);
        query.Match(Sample);
        new QuerySet([query]).CreateMatcher().FirstMatch(new PaperText(Sample));
    }

    public override bool IsDocumented(Exception e) => e is QuerySyntaxException;
}
