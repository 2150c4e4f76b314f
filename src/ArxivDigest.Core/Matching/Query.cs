using ArxivDigest.Papers;

namespace ArxivDigest.Matching;

/// <summary>A parsed query that matches papers one at a time (the reference semantics; <see cref="QuerySet"/> is the fast path).</summary>
public sealed class Query : IPaperFilter
{
    private Query(string text, QueryNode root)
    {
        Text = text;
        Root = root;
    }

    /// <summary>The query as the user wrote it (trimmed).</summary>
    public string Text { get; }

    public QueryNode Root { get; }

    /// <exception cref="QuerySyntaxException">The query does not parse.</exception>
    public static Query Parse(string text) => new(text.Trim(), QueryParser.Parse(text));

    /// <summary>The query, or why it does not parse (<see cref="Parse"/> without the throw, parsing once).</summary>
    public static bool TryParse(string text, out Query? query, out QuerySyntaxException? error)
    {
        query = QueryParser.TryParse(text, out var root, out error) ? new Query(text.Trim(), root!) : null;
        return query is not null;
    }

    public static Query From(QueryNode root) => new(root.ToString(), root);

    public MatchResult? Match(Paper paper) => Match(new PaperText(paper));

    public MatchResult? Match(PaperText paper)
    {
        var hits = new List<(TermNode Term, MatchField Field)>();
        return Evaluate(Root, paper, hits) ? Result(Text, hits) : null;
    }

    internal static MatchResult Result(string text, List<(TermNode Term, MatchField Field)> hits)
    {
        var field = hits.Count == 0 ? MatchField.Title : hits.Min(h => h.Field);
        return new MatchResult(text, field)
        {
            Terms = hits.Where(h => h.Term.Value is null).Select(h => h.Term.Words).Distinct().ToList(),
        };
    }

    /// <summary>Evaluates a tree; positive hits are added to <paramref name="hits"/> (hits under NOT are not).</summary>
    internal static bool Evaluate(QueryNode node, PaperText paper, List<(TermNode, MatchField)>? hits)
    {
        switch (node)
        {
            case TermNode t:
                var field = Find(t, paper);
                if (field is { } f)
                {
                    hits?.Add((t, f));
                    return true;
                }

                return false;
            case NotNode n:
                return !Evaluate(n.Child, paper, null);
            case AndNode a:
                var mark = hits?.Count ?? 0;
                foreach (var c in a.Children)
                {
                    if (!Evaluate(c, paper, hits))
                    {
                        hits?.RemoveRange(mark, hits.Count - mark);
                        return false;
                    }
                }

                return true;
            case OrNode o:
                var any = false;
                foreach (var c in o.Children)
                {
                    // Every matching branch contributes its terms (for highlighting), so no short cut.
                    any |= Evaluate(c, paper, hits);
                }

                return any;
            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    /// <summary>The first field where the term occurs, or null.</summary>
    public static MatchField? Find(TermNode t, PaperText paper)
    {
        switch (t.Field)
        {
            case QueryField.Any:
                return Contains(t, paper.Title) ? MatchField.Title : Contains(t, paper.Abstract) ? MatchField.Abstract : null;
            case QueryField.Title:
                return Contains(t, paper.Title) ? MatchField.Title : null;
            case QueryField.Abstract:
                return Contains(t, paper.Abstract) ? MatchField.Abstract : null;
            case QueryField.Comments:
                return Contains(t, paper.Comments) ? MatchField.Comments : null;
            case QueryField.Author:
                return paper.Authors.Any(a => Contains(t, a)) ? MatchField.Author : null;
            case QueryField.Category:
                return paper.Categories.Any(c => CategoryMatches(t, c)) ? MatchField.Category : null;
            case QueryField.Id:
                var id = paper.Id;
                return (t.Prefix ? id.StartsWith(t.Value!, StringComparison.Ordinal) : id == t.Value) ? MatchField.Id : null;
            default:
                return null;
        }
    }

    internal static bool CategoryMatches(TermNode t, string code)
    {
        var value = t.Value!.ToLowerInvariant();
        return t.Prefix
            ? code.StartsWith(value, StringComparison.Ordinal)
            : code == value || (code.Length > value.Length && code[value.Length] == '.' && code.StartsWith(value, StringComparison.Ordinal));
    }

    /// <summary>The words the term compares with paper words: exact as written, otherwise folded (the prefix word lower-cased only).</summary>
    internal static string[] Pattern(TermNode t)
    {
        var words = new string[t.Words.Count];
        for (var i = 0; i < words.Length; i++)
        {
            var w = t.Words[i];
            words[i] = t.Exact ? w
                : t.Field == QueryField.Author || (t.Prefix && i == words.Length - 1) ? w.ToLowerInvariant()
                : Tokens.FoldWord(w.ToLowerInvariant());
        }

        return words;
    }

    private static bool Contains(TermNode t, FieldWords field)
    {
        var pattern = Patterns.GetValue(t, Pattern);
        if (pattern.Length == 0)
        {
            return false;
        }

        // Exact terms compare words as written, author terms lower-cased, the rest folded (a prefix word lower-cased).
        var form = t.Exact ? WordForm.Exact : t.Field == QueryField.Author ? WordForm.Lower : WordForm.Folded;
        var last = pattern.Length - 1;
        for (var i = 0; i + pattern.Length <= field.Count; i++)
        {
            var j = 0;
            while (j < last && Word(field, form, i + j).SequenceEqual(pattern[j]))
            {
                j++;
            }

            if (j < last)
            {
                continue;
            }

            if (t.Prefix
                ? Word(field, form == WordForm.Folded ? WordForm.Lower : form, i + last).StartsWith(pattern[last], StringComparison.Ordinal)
                : Word(field, form, i + last).SequenceEqual(pattern[last]))
            {
                return true;
            }
        }

        return false;
    }

    private enum WordForm
    {
        Exact,
        Lower,
        Folded,
    }

    private static ReadOnlySpan<char> Word(FieldWords field, WordForm form, int i) => form switch
    {
        WordForm.Exact => field.ExactAt(i),
        WordForm.Lower => field.LowerAt(i),
        _ => field.FoldedAt(i),
    };

    /// <summary>Each term's pattern, made once per term object (a parsed query is matched against many papers).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<TermNode, string[]> Patterns = new();

    internal static bool MatchesAt(string[] pattern, bool prefix, string[] words, string[] prefixWords, int i)
    {
        if (i + pattern.Length > words.Length)
        {
            return false;
        }

        var last = pattern.Length - 1;
        for (var j = 0; j < last; j++)
        {
            if (!string.Equals(words[i + j], pattern[j], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return prefix
            ? prefixWords[i + last].StartsWith(pattern[last], StringComparison.Ordinal)
            : string.Equals(words[i + last], pattern[last], StringComparison.Ordinal);
    }
}
