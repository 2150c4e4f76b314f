using System.Text;
using ArxivDigest.Matching;

namespace ArxivDigest.Storage;

/// <summary>
/// Translates a query tree into an FTS5 MATCH expression over the columns <see cref="SearchIndexText"/> writes. The
/// expression selects a SUPERSET of the papers the query matches (each candidate is then verified with the
/// reference matcher); null means the index cannot narrow the query (pure negations such as <c>NOT survey</c>).
/// <para>
/// A translation is also marked exact when it selects precisely the matching papers: plain phrases in title,
/// abstract and comments (the index holds the same folded words the matcher compares), author phrases and
/// prefixes (lower-case words, names kept apart), categories and ids (one token each). Only exact translations
/// may be negated (<c>a NOT b</c>): negating a superset would drop true matches. Inexact ones: exact-case terms
/// (<c>=GAN</c>, indexed folded) and text prefixes (the index holds folded words, <c>polic*</c> must also find
/// <c>policy</c> stored as <c>polici</c>: see <see cref="PrefixFolds"/>).
/// </para>
/// </summary>
internal static class Fts5Query
{
    private static readonly SupersetQuery.Syntax Fts5 = new(t => Term(t), " AND ", " OR ", (e, negatives) => "(" + e + " NOT (" + negatives + "))");

    public static SupersetQuery.Translation Translate(QueryNode node) => SupersetQuery.Translate(node, Fts5);

    /// <summary>True when the tree has a term on title, abstract, authors or comments outside any NOT (bm25 can rank it).</summary>
    public static bool HasPositiveTextTerm(QueryNode node) => node switch
    {
        TermNode t => t.Field is not (QueryField.Category or QueryField.Id),
        NotNode { Child: NotNode inner } => HasPositiveTextTerm(inner.Child),
        NotNode => false,
        AndNode a => a.Children.Any(HasPositiveTextTerm),
        OrNode o => o.Children.Any(HasPositiveTextTerm),
        _ => false,
    };

    /// <summary>The longest prefix the index holds a doclist for (schema v7: <c>prefix = '3 4'</c>).</summary>
    public const int IndexedPrefix = 4;

    /// <summary>
    /// True when the expression has a prefix FTS5 must expand by merging the doclists of every word it starts (a text
    /// or author prefix longer than <see cref="IndexedPrefix"/> that <see cref="Translate"/> does not cut): such a merge
    /// is redone by every statement, so the search then runs one statement per tier rather than windows.
    /// </summary>
    public static bool NeedsPrefixMerge(QueryNode node) => node switch
    {
        TermNode { Prefix: true, Field: not (QueryField.Category or QueryField.Id) } t =>
            t.Words.Count > 0 && t.Words[^1].Length > IndexedPrefix && (t.Words.Count == 1 || t.Field == QueryField.Author),
        NotNode n => NeedsPrefixMerge(n.Child),
        AndNode a => a.Children.Any(NeedsPrefixMerge),
        OrNode o => o.Children.Any(NeedsPrefixMerge),
        _ => false,
    };

    /// <summary>
    /// One single-token FTS5 expression per word of every term of the tree (negated ones too: bm25 weighs every phrase
    /// of the expression), or null for a term with a prefix (its doclist is merged in full whatever the query).
    /// </summary>
    public static IEnumerable<string?> TokenProbes(QueryNode node) => node switch
    {
        TermNode { Prefix: true } => [null],
        TermNode { Field: QueryField.Category or QueryField.Id } t => [Term(t)],
        TermNode t => t.Words.Select(w => Term(new TermNode(t.Field, [w], Exact: t.Exact))),
        NotNode n => TokenProbes(n.Child),
        AndNode a => a.Children.SelectMany(TokenProbes),
        OrNode o => o.Children.SelectMany(TokenProbes),
        _ => [],
    };

    /// <summary>
    /// The positive title-or-abstract and title terms of the tree, restricted to the title column and ORed: roughly the
    /// papers where the query hits the title (null when it has no such term). Used to order, never to select, so it
    /// may be approximate, and is made cheap: a term's words are ANDed rather than read as a phrase (a phrase that is
    /// rare in titles makes FTS5 check the positions of every paper holding its words, past any rowid bound), and a
    /// prefix is cut to the indexed length.
    /// </summary>
    public static string? TitleTier(QueryNode node)
    {
        var terms = TitleTierTokens(node);
        return terms is null ? null : "(" + string.Join(" OR ", terms.Select(t => "title : (" + string.Join(" AND ", t) + ")").Distinct(StringComparer.Ordinal)) + ")";
    }

    /// <summary>
    /// <see cref="TitleTier"/> as its terms, each the list of its words' FTS5 tokens (<c>"reinforcement"</c>,
    /// <c>"robo"*</c>): a term can hit a title only where every one of its tokens is in the title, which single-token
    /// look-ups tell cheaply. Null when the query has no title term.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>>? TitleTierTokens(QueryNode node)
    {
        var terms = SupersetQuery.TitleTerms(node).Select(t => (IReadOnlyList<string>)[.. t.Words.Select((w, i) =>
        {
            var lower = w.ToLowerInvariant();
            return t.Prefix && i == t.Words.Count - 1 ? Quote(lower[..Math.Min(lower.Length, IndexedPrefix)]) + "*" : Quote(Tokens.FoldWord(lower));
        }).Distinct(StringComparer.Ordinal)]).ToList();
        return terms.Count == 0 ? null : terms;
    }

    private static string Term(TermNode t, string? columnOverride = null)
    {
        switch (t.Field)
        {
            case QueryField.Category:
            {
                var value = t.Value!.ToLowerInvariant();
                return t.Prefix
                    ? "categories : " + Quote(SearchIndexText.Token(value)) + "*"
                    : "categories : (" + Quote(SearchIndexText.Token(value)) + " OR " + Quote(SearchIndexText.Token(value + ".")) + "*)";
            }

            case QueryField.Id:
                return "ident : " + Quote(SearchIndexText.Token(t.Value!.ToLowerInvariant())) + (t.Prefix ? "*" : "");
        }

        var column = columnOverride ?? t.Field switch
        {
            QueryField.Title => "title",
            QueryField.Abstract => "abstract",
            QueryField.Comments => "comments",
            QueryField.Author => "authors",
            _ => "{title abstract}",
        };
        var author = t.Field == QueryField.Author;
        var words = SupersetQuery.IndexWords(t);

        if (!t.Prefix)
        {
            return column + " : " + Quote(string.Join(' ', words));
        }

        var head = words.Length > 1 ? string.Join(' ', words[..^1]) + " " : "";

        // After other words, a long prefix is cut to the indexed length (the words before it keep the candidates few,
        // and the matcher checks them): FTS5 then reads one prefix doclist instead of merging those of every word.
        var last = words.Length > 1 && !author && words[^1].Length > IndexedPrefix ? words[^1][..IndexedPrefix] : words[^1];
        var alternatives = new List<string> { Quote(head + last) + "*" };
        if (!author)
        {
            alternatives.AddRange(PrefixFolds(words[^1]).Select(f => Quote(head + f)));
        }

        return column + " : " + (alternatives.Count == 1 ? alternatives[0] : "(" + string.Join(" OR ", alternatives) + ")");
    }

    /// <summary>
    /// The folded forms of words that start with <paramref name="prefix"/> but whose folded form does not (the index
    /// holds folded words, the prefix compares unfolded ones): <c>policy</c> → <c>polici</c>, <c>axes</c> → <c>ax</c>,
    /// <c>embedding</c> → <c>embed</c> for <c>embedd*</c>. Folding (<see cref="Tokens.FoldWord(string)"/>) rewrites only
    /// ASCII lower-case letters at the end of a word, so such a word is the prefix plus a few letters, and its folded
    /// form is also that of the prefix plus at most three letters (<c>-dings</c> folds as <c>-ding</c>): those are
    /// tried. A test checks every word of the prefix plus up to five letters over the letters the rules read.
    /// </summary>
    public static IReadOnlyList<string> PrefixFolds(string prefix)
    {
        var folds = new SortedSet<string>(StringComparer.Ordinal);
        var word = new char[prefix.Length + 3];
        var folded = new char[word.Length];
        prefix.CopyTo(word);
        Add(0);
        for (var a = 'a'; a <= 'z'; a++)
        {
            word[prefix.Length] = a;
            Add(1);
            for (var b = 'a'; b <= 'z'; b++)
            {
                word[prefix.Length + 1] = b;
                Add(2);
                for (var c = 'a'; c <= 'z'; c++)
                {
                    word[prefix.Length + 2] = c;
                    Add(3);
                }
            }
        }

        return [.. folds];

        void Add(int extra)
        {
            var n = Tokens.FoldWord(word.AsSpan(0, prefix.Length + extra), folded);
            if (!folded.AsSpan(0, n).StartsWith(prefix, StringComparison.Ordinal))
            {
                folds.Add(new string(folded, 0, n));
            }
        }
    }

    /// <summary>An FTS5 string: double quotes around, inner quotes doubled.</summary>
    private static string Quote(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
