using System.Text;
using ArxivDigest.Arxiv;
using ArxivDigest.Matching;
using ArxivDigest.Tests.Fuzz;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Matching;

/// <summary>
/// The fast text read behind <c>match</c> (<see cref="KaggleTextReader"/> + <see cref="QuerySet.Matcher"/> over
/// spans) against the full parser and <see cref="Query"/>: it may decline a line (the full parser then decides), but a
/// line it accepts must be one the full parser accepts, and must match exactly the same queries.
/// </summary>
public sealed class KaggleTextReaderTests
{
    private static readonly string[] Queries =
    [
        "quantum", "black hole*", "ti:graph OR abs:lattice", "\"dark matter\"", "=QCD", "co:pages", "neutrino -photon",
        "model-based", "NOT survey", "field AND (theory OR theories)", "pi", "diffus*", "balazs", "ox", "o x", "strasse",
        "=Bjorn", "polic*", "the", "of the",
    ];

    private static readonly Query[] Parsed = [.. Queries.Select(Query.Parse)];

    private static readonly QuerySet Set = new(Parsed);

    /// <summary>The queries without prefixes or exact-case terms: a set that compares word ids alone, so the reader may keep raw bytes.</summary>
    private static readonly Query[] WordQueries = [.. Parsed.Where(q => !q.Text.Contains('*') && !q.Text.Contains('='))];

    private static readonly QuerySet WordSet = new(WordQueries);

    [Fact]
    public void The_word_only_set_is_one_and_the_full_set_is_not()
    {
        Assert.True(WordSet.ScansWordsOnly);
        Assert.False(Set.ScansWordsOnly);
        Assert.True(WordQueries.Length >= 14);
    }

    [Fact]
    public void Every_line_of_the_fixture_is_read_fast_and_matches_like_the_full_parser()
    {
        var reader = new KaggleTextReader();
        var matcher = Set.CreateMatcher();
        var lines = File.ReadAllLines(Fixtures.At("kaggle/snapshot-head-200-lines.jsonl"));
        var fast = 0;
        foreach (var (line, i) in lines.Select((l, i) => (l, i)))
        {
            fast += Check(reader, matcher, Encoding.UTF8.GetBytes(line), i + 1) ? 1 : 0;
        }

        // The fixture's lines are ordinary: the fast read must not quietly decline them (that would only be slow).
        Assert.Equal(lines.Length, fast);
    }

    [Theory]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"Bj\\\\o\\n rn and Stra\\\\ss\\n e\",\"abstract\":\"o  x\"}")]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"Bal\\\\'\\n azs \\\\v\\tc\",\"abstract\":\"$\\\\pi$  meson\"}")]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"A\\u00a0model-based\\r\\npolicies\",\"abstract\":null,\"comments\":\"12 pages\"}")]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"Black\\nhole \\\"field\\\" theory\\/ies\",\"abstract\":\"the\\tmodel-based\\fpolicies of the\\bsurvey\"}")]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"\\b\",\"abstract\":\"x\"}")]
    public void Whitespace_around_TeX_reads_as_the_full_parser_s_collapsed_text(string line)
    {
        Assert.True(Check(new KaggleTextReader(), Set.CreateMatcher(), Encoding.UTF8.GetBytes(line), 1), "should be read fast");
    }

    [Theory]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"   \"}")]                       // blank title
    [InlineData("{\"id\":\"not an id\",\"title\":\"T\"}")]                       // bad id
    [InlineData("{\"id\":\"0704.0001v2\",\"title\":\"T\"}")]                     // an id the full parser must read
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"T\",\"authors\":3}")]          // wrong type
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"T\",\"versions\":[{\"version\":1}]}")]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"T\"} {}")]                     // two values
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"T\"")]                        // not closed
    public void Unusual_lines_are_left_to_the_full_parser(string line)
    {
        Assert.False(new KaggleTextReader().TryRead(Encoding.UTF8.GetBytes(line)));
    }

    [Theory]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\" \\n\\t \\r\\f\"}")]
    [InlineData("{\"id\":\"0704.0001\",\"title\":\"\"}")]
    public void A_blank_title_kept_raw_is_still_left_to_the_full_parser(string line)
    {
        Assert.False(new KaggleTextReader(raw: true).TryRead(Encoding.UTF8.GetBytes(line)));
        Assert.Null(KaggleLineParser.Parse(1, Encoding.UTF8.GetBytes(line)).Paper);
    }

    [Fact]
    public void Mutated_snapshot_lines_never_get_a_different_verdict_or_different_matches()
    {
        var reader = new KaggleTextReader();
        var matcher = Set.CreateMatcher();
        var seeds = FuzzSeeds.KaggleWindows(20);
        var random = new Random(FuzzHarness.DefaultSeed);
        var mutator = new Mutator(random, ElementSyntax.JsonLines, [], hugeText: 5_000);
        int accepted = 0, declined = 0;
        for (var c = 0; c < 1500; c++)
        {
            var input = mutator.Mutate(seeds[random.Next(seeds.Count)].Data).Data;
            var number = 0;
            foreach (var line in Split(input))
            {
                number++;
                if (Check(reader, matcher, line, number))
                {
                    accepted++;
                }
                else
                {
                    declined++;
                }
            }
        }

        Assert.True(accepted > 10 * declined, $"{accepted} lines read fast, {declined} declined");
    }

    /// <summary>
    /// Asserts the fast read agrees with the full parser on <paramref name="line"/>, decoding the fields and keeping
    /// them raw (with the word-only set); true when it read it.
    /// </summary>
    private static bool Check(KaggleTextReader reader, QuerySet.Matcher matcher, byte[] line, int number)
    {
        var read = CheckWith(reader, matcher, Parsed, line, number, raw: false);
        Assert.Equal(read, CheckWith(new KaggleTextReader(raw: true), WordSet.CreateMatcher(), WordQueries, line, number, raw: true));
        return read;
    }

    private static bool CheckWith(KaggleTextReader reader, QuerySet.Matcher matcher, Query[] queries, byte[] line, int number, bool raw)
    {
        var full = KaggleLineParser.Parse(number, line);
        if (!reader.TryRead(line))
        {
            return false;
        }

        Assert.True(full.Paper is not null, $"line {number} read fast but the full parser rejects it: {full.Error}\n{Encoding.UTF8.GetString(line)}");
        var fast = new List<int>();
        if (raw)
        {
            matcher.MatchingQueries(reader.TitleField(line), reader.AbstractField(line), reader.CommentsField(line), fast);
        }
        else
        {
            matcher.MatchingQueries(reader.Title, reader.Abstract, reader.Comments, fast);
        }

        var text = new PaperText(full.Paper!);
        var expected = queries.Select((q, i) => (q, i)).Where(x => x.q.Match(text) is not null).Select(x => x.i);
        Assert.True(expected.SequenceEqual(fast), $"line {number} (raw {raw}): fast [{string.Join(", ", fast.Select(i => queries[i].Text))}] vs reference [{string.Join(", ", expected.Select(i => queries[i].Text))}]\n{Encoding.UTF8.GetString(line)}");
        return true;
    }

    private static IEnumerable<byte[]> Split(byte[] data)
    {
        var start = 0;
        for (var i = 0; i <= data.Length; i++)
        {
            if (i == data.Length || data[i] == '\n')
            {
                if (i > start)
                {
                    yield return data[start..i];
                }

                start = i + 1;
            }
        }
    }
}
