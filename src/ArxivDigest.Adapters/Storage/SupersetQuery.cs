using ArxivDigest.Matching;

namespace ArxivDigest.Storage;

/// <summary>
/// The query-tree walk both full-text indexes share (FTS5 on SQLite, tsquery on PostgreSQL): a query becomes an
/// expression that selects a SUPERSET of its matches, each candidate then verified with the reference matcher, and is
/// marked exact when it selects precisely them. Only exact parts may be negated (<c>a NOT b</c>): negating a superset
/// would drop true matches, so an inexact negation is left to verification. Null means the index cannot narrow.
/// </summary>
internal static class SupersetQuery
{
    /// <summary>An index expression (null: every paper) and whether it selects exactly the matches.</summary>
    internal readonly record struct Translation(string? Expression, bool Exact);

    /// <summary>An engine's syntax: a term, the AND and OR separators, and how "a, but none of b" is written.</summary>
    internal sealed record Syntax(Func<TermNode, string> Term, string And, string Or, Func<string, string, string> AndNot);

    public static Translation Translate(QueryNode node, Syntax syntax)
    {
        switch (node)
        {
            case TermNode t:
                return new Translation(syntax.Term(t), IsExact(t));
            case NotNode { Child: NotNode inner }:
                return Translate(inner.Child, syntax);
            case NotNode:
                return new Translation(null, false);
            case OrNode o:
            {
                var parts = o.Children.Select(c => Translate(c, syntax)).ToList();
                return parts.Any(p => p.Expression is null)
                    ? new Translation(null, false)
                    : new Translation("(" + string.Join(syntax.Or, parts.Select(p => p.Expression)) + ")", parts.All(p => p.Exact));
            }

            case AndNode a:
            {
                var positives = new List<string>();
                var negatives = new List<string>();
                var exact = true;
                foreach (var child in a.Children)
                {
                    if (child is NotNode { Child: not NotNode } not)
                    {
                        if (Translate(not.Child, syntax) is { Exact: true, Expression: { } e })
                        {
                            negatives.Add(e);
                        }
                        else
                        {
                            exact = false; // left to verification
                        }

                        continue;
                    }

                    var part = Translate(child, syntax);
                    if (part.Expression is null)
                    {
                        exact = false;
                        continue;
                    }

                    positives.Add(part.Expression);
                    exact &= part.Exact;
                }

                if (positives.Count == 0)
                {
                    return new Translation(null, false);
                }

                var expression = positives.Count == 1 ? positives[0] : "(" + string.Join(syntax.And, positives) + ")";
                return new Translation(negatives.Count > 0 ? syntax.AndNot(expression, string.Join(syntax.Or, negatives)) : expression, exact);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    /// <summary>
    /// Whether an index term selects exactly what the matcher accepts: categories and ids always, author phrases and
    /// prefixes (lower-case words), and plain text phrases (the index holds the folded words the matcher compares); not
    /// exact-case terms (indexed folded) nor text prefixes (the index holds folded words).
    /// </summary>
    public static bool IsExact(TermNode t) => t.Field switch
    {
        QueryField.Category or QueryField.Id => true,
        QueryField.Author => !t.Exact,
        _ => !t.Exact && !t.Prefix,
    };

    /// <summary>
    /// A term's words as both indexes hold them: lower case, folded (plurals, inflections) except author words and a prefix (which
    /// compare unfolded).
    /// </summary>
    public static string[] IndexWords(TermNode t)
    {
        var words = new string[t.Words.Count];
        for (var i = 0; i < words.Length; i++)
        {
            var lower = t.Words[i].ToLowerInvariant();
            var keep = t.Field == QueryField.Author || (t.Prefix && i == words.Length - 1);
            words[i] = keep ? lower : Tokens.FoldWord(lower);
        }

        return words;
    }

    /// <summary>The positive title and title-or-abstract terms with words: those that put a paper in the title tier.</summary>
    public static IReadOnlyList<TermNode> TitleTerms(QueryNode node)
    {
        var terms = new List<TermNode>();
        Collect(node);
        return terms;

        void Collect(QueryNode n)
        {
            switch (n)
            {
                case TermNode { Field: QueryField.Any or QueryField.Title } t when t.Words.Count > 0:
                    terms.Add(t);
                    break;
                case NotNode { Child: NotNode inner }:
                    Collect(inner.Child);
                    break;
                case AndNode a:
                    a.Children.ToList().ForEach(Collect);
                    break;
                case OrNode o:
                    o.Children.ToList().ForEach(Collect);
                    break;
            }
        }
    }
}
