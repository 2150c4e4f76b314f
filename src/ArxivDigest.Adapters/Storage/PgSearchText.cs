using System.Globalization;
using System.Text;
using ArxivDigest.Matching;
using ArxivDigest.Papers;

namespace ArxivDigest.Storage;

/// <summary>
/// PostgreSQL full-text search in the matcher's own words: a paper's <c>tsvector</c> is written here as a literal
/// (no text-search parser or dictionary of PostgreSQL's is involved, so its tokens are exactly the words
/// <see cref="SearchIndexText"/> gives FTS5), and a query becomes a <c>tsquery</c> that selects a SUPERSET of its
/// matches, which the reference matcher then verifies, as on SQLite.
/// <list type="bullet">
/// <item>weights mark the field: title A, abstract B, comments C, authors D (names kept apart by a position gap);</item>
/// <item>categories and the id are lexemes <c>cat:…</c> and <c>id:…</c> (no word of a field holds a colon);</item>
/// <item>a document too long for tsvector positions (16,383) or with a word too long for a lexeme carries
/// <see cref="Long"/>, and every search takes such papers as candidates.</item>
/// </list>
/// </summary>
internal static class PgSearchText
{
    /// <summary>The lexeme of documents the index cannot describe exactly: always a candidate.</summary>
    public const string Long = "__long__";

    private const int MaxPosition = 16383;
    private const int MaxLexemeBytes = 2000;

    /// <summary>The <c>tsvector</c> literal of a paper.</summary>
    public static string Document(Paper paper)
    {
        var text = new PaperText(paper);
        var b = new StringBuilder(paper.Abstract.Length + paper.Title.Length + 256);
        var position = 0;
        var exceeded = false;
        Field(TextNormalizer.IndexForm(paper.Title), 'A');
        position++;
        Field(TextNormalizer.IndexForm(paper.Abstract), 'B');
        position++;
        Field(paper.Comments is { } c ? TextNormalizer.IndexForm(c) : "", 'C');
        foreach (var author in paper.Authors)
        {
            position++; // no phrase runs from one name into the next
            Field(string.Join(' ', TextNormalizer.Words(author).Select(w => w.ToLowerInvariant())), 'D');
        }

        foreach (var category in text.Categories)
        {
            Lexeme("cat:" + category, 1, 'D');
        }

        Lexeme("id:" + text.Id, 1, 'D');
        if (exceeded)
        {
            Lexeme(Long, 1, 'D');
        }

        return b.ToString();

        void Field(string words, char weight)
        {
            foreach (var word in words.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                position++;
                if (position > MaxPosition || Encoding.UTF8.GetByteCount(word) > MaxLexemeBytes)
                {
                    exceeded = true;
                    continue;
                }

                Lexeme(word, position, weight);
            }
        }

        void Lexeme(string lexeme, int at, char weight)
        {
            if (b.Length > 0)
            {
                b.Append(' ');
            }

            b.Append(Quote(lexeme)).Append(':').Append(at.ToString(CultureInfo.InvariantCulture)).Append(weight);
        }
    }

    private static readonly SupersetQuery.Syntax TsQuery = new(t => Term(t), " & ", " | ", (e, negatives) => "(" + e + " & !(" + negatives + "))");

    /// <summary>A <c>tsquery</c> selecting a superset of the query's matches, and whether it is exact; null: every paper.</summary>
    public static SupersetQuery.Translation Translate(QueryNode node) => SupersetQuery.Translate(node, TsQuery);

    /// <summary>The query's title and title-or-abstract terms on the title alone (to order title hits first); null when none.</summary>
    public static string? TitleTier(QueryNode node)
    {
        var terms = SupersetQuery.TitleTerms(node).Select(t => Term(t, "A")).Distinct(StringComparer.Ordinal).ToList();
        return terms.Count == 0 ? null : "(" + string.Join(" | ", terms) + ")";
    }

    private static string Term(TermNode t, string? weightsOverride = null)
    {
        switch (t.Field)
        {
            case QueryField.Category:
            {
                var value = "cat:" + t.Value!.ToLowerInvariant();
                return t.Prefix ? Quote(value) + ":*" : "(" + Quote(value) + " | " + Quote(value + ".") + ":*)";
            }

            case QueryField.Id:
                return Quote("id:" + t.Value!.ToLowerInvariant()) + (t.Prefix ? ":*" : "");
        }

        if (t.Words.Count == 0)
        {
            return Quote(Long); // a term without words never hits; only the papers every search takes
        }

        var weights = weightsOverride ?? t.Field switch
        {
            QueryField.Title => "A",
            QueryField.Abstract => "B",
            QueryField.Comments => "C",
            QueryField.Author => "D",
            _ => "AB",
        };
        var author = t.Field == QueryField.Author;
        var words = SupersetQuery.IndexWords(t);

        string Phrase(IEnumerable<string> lexemes) => "(" + string.Join(" <-> ", lexemes) + ")";
        var plain = words.Select(w => Quote(w) + ":" + weights).ToList();
        if (!t.Prefix)
        {
            return Phrase(plain);
        }

        // The last word as a prefix, and the folded words that leave the prefix (policy* must find "polici").
        var head = plain.Take(words.Length - 1).ToList();
        var alternatives = new List<string> { Phrase([.. head, Quote(words[^1]) + ":*" + weights]) };
        if (!author)
        {
            alternatives.AddRange(Fts5Query.PrefixFolds(words[^1]).Select(f => Phrase([.. head, Quote(f) + ":" + weights])));
        }

        return alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" | ", alternatives) + ")";
    }

    /// <summary>A lexeme in single quotes (quotes doubled, backslashes escaped), as tsvector and tsquery input read it.</summary>
    private static string Quote(string lexeme) => "'" + lexeme.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
}
