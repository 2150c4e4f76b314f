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

    /// <summary>
    /// Random word-and-escape texts of every length around the scanner's 64-byte blocks and 16-byte words: words of
    /// 1 to 40 chars in mixed case with plural endings, escapes (<c>\n \t \" \/</c>) and punctuation between them,
    /// read raw (bytes) and decoded (chars, with TeX), against the reference matcher.
    /// </summary>
    [Fact]
    public void Words_cut_at_any_block_boundary_and_of_any_length_match_like_the_reference()
    {
        var random = new Random(20261125);
        var stems = Enumerable.Range(0, 60).Select(_ => RandomWord(random, random.Next(1, 22))).Distinct().ToArray();
        var queries = stems.Take(30).Select((w, i) => Query.Parse(i % 3 == 0 ? $"\"{w} {stems[i + 1]}\"" : w)).Append(Query.Parse("the")).ToArray();
        var set = new QuerySet(queries);
        Assert.True(set.ScansWordsOnly);
        string[] separators = [" ", "  ", "\\n", "\\t", "\\\"", "\\/", ", ", "-", " (", ") ", ".\\n"];
        string[] endings = ["", "s", "es", "ies", "y", "e"];
        var (rawReader, rawMatcher) = (new KaggleTextReader(raw: true), set.CreateMatcher());
        var (charReader, charMatcher) = (new KaggleTextReader(), set.CreateMatcher());
        for (var c = 0; c < 1500; c++)
        {
            var text = new StringBuilder(random.Next(2) == 0 ? "" : separators[random.Next(separators.Length)]);
            var target = c % 200 + random.Next(60);
            while (text.Length < target)
            {
                var word = random.Next(5) == 0 ? RandomWord(random, random.Next(1, 41)) : stems[random.Next(stems.Length)] + endings[random.Next(endings.Length)];
                text.Append(random.Next(4) == 0 ? word.ToUpperInvariant() : word).Append(separators[random.Next(separators.Length)]);
            }

            var abs = random.Next(3) == 0 ? text.ToString(0, text.Length - 1).TrimEnd('\\') : text.ToString();
            var tex = random.Next(4) == 0 ? $"$\\\\alpha$ \\\\emph{{{stems[0]}}} " : "";
            var line = Encoding.UTF8.GetBytes($"{{\"id\":\"0704.{c:D4}\",\"title\":\"{tex}{stems[c % stems.Length]} the\",\"abstract\":\"{abs}\"}}");
            Assert.True(CheckWith(rawReader, rawMatcher, queries, line, c + 1, raw: true), Encoding.UTF8.GetString(line));
            Assert.True(CheckWith(charReader, charMatcher, queries, line, c + 1, raw: false), Encoding.UTF8.GetString(line));
        }
    }

    /// <summary>
    /// One matcher through more distinct words than its word cache holds (it starts afresh when half full): words met
    /// before and after the restart still get their query ids.
    /// </summary>
    [Fact]
    public void A_matcher_that_outgrows_its_word_cache_still_matches_like_the_reference()
    {
        var random = new Random(7);
        var words = new HashSet<string>();
        while (words.Count < 180_000)
        {
            words.Add(RandomWord(random, random.Next(4, 12)).ToLowerInvariant());
        }

        var all = words.ToArray();
        var queries = all.Take(40).Select(Query.Parse).Append(Query.Parse($"\"{all[40]} {all[41]}\"")).ToArray();
        var set = new QuerySet(queries);
        var reader = new KaggleTextReader(raw: true);
        var matcher = set.CreateMatcher();
        var matched = 0;
        for (var l = 0; l < all.Length / 300; l++)
        {
            // 300 new words a line, and now and then the query words again (before and after the cache restarts).
            var text = string.Join(' ', all.Skip(l * 300).Take(300));
            if (l % 25 == 0)
            {
                text += $" {all[l % 40]}s {all[40]} {all[41].ToUpperInvariant()}";
            }

            var line = Encoding.UTF8.GetBytes($"{{\"id\":\"0704.{l % 10000:D4}\",\"title\":\"t\",\"abstract\":\"{text}\"}}");
            Assert.True(CheckWith(reader, matcher, queries, line, l + 1, raw: true));
            var hits = new List<int>();
            matcher.MatchingQueries(reader.TitleField(line), reader.AbstractField(line), reader.CommentsField(line), hits);
            matched += hits.Count > 0 && l % 25 == 0 && l > 0 ? 1 : 0;
        }

        Assert.True(matched >= 20, $"{matched} lines with the query words matched");
    }

    private static string RandomWord(Random random, int length)
    {
        const string Chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        return string.Create(length, random, (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Chars[i == 0 ? r.Next(52) : r.Next(Chars.Length)];
            }
        });
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
