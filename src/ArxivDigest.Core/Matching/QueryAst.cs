using System.Text;

namespace ArxivDigest.Matching;

/// <summary>Where a term looks.</summary>
public enum QueryField
{
    /// <summary>No prefix: title or abstract.</summary>
    Any,

    /// <summary><c>ti:</c></summary>
    Title,

    /// <summary><c>abs:</c></summary>
    Abstract,

    /// <summary><c>au:</c>: one author's name.</summary>
    Author,

    /// <summary><c>cat:</c>: a category code (<c>cs.LG</c>) or archive (<c>cs</c>).</summary>
    Category,

    /// <summary><c>co:</c>: the comments field.</summary>
    Comments,

    /// <summary><c>id:</c>: the arXiv id, version ignored.</summary>
    Id,
}

/// <summary>A node of a parsed query.</summary>
public abstract record QueryNode
{
    /// <summary>The canonical text; parsing it gives back an equal tree.</summary>
    public override string ToString() => QueryPrinter.Print(this);
}

/// <summary>
/// A phrase (one or more words, in order, on word boundaries) in a field. <see cref="Prefix"/> makes the last word a
/// prefix (<c>diffus*</c>); <see cref="Exact"/> turns off plural, inflection and case folding (<c>=GAN</c>).
/// Words are stored normalised (<see cref="TextNormalizer.Words"/>), in their original case.
/// </summary>
public sealed record TermNode(QueryField Field, IReadOnlyList<string> Words, bool Prefix = false, bool Exact = false) : QueryNode
{
    /// <summary>For id and category terms: the value as written (<c>cs.LG</c>, <c>2603.01234</c>).</summary>
    public string? Value { get; init; }

    public bool Equals(TermNode? other) =>
        other is not null && Field == other.Field && Prefix == other.Prefix && Exact == other.Exact
        && string.Equals(Value, other.Value, StringComparison.Ordinal) && Words.SequenceEqual(other.Words, StringComparer.Ordinal);

    public override int GetHashCode()
    {
        // Every word: phrases that share a first word ("of the", "of a") must not share a hash.
        var hash = new HashCode();
        hash.Add(Field);
        hash.Add(Prefix);
        hash.Add(Exact);
        hash.Add(Value);
        for (var i = 0; i < Words.Count; i++) // (by index: no boxed enumerator for a hash)
        {
            hash.Add(Words[i], StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }

    public override string ToString() => QueryPrinter.Print(this);
}

/// <summary>All children match.</summary>
public sealed record AndNode(IReadOnlyList<QueryNode> Children) : QueryNode
{
    public bool Equals(AndNode? other) => other is not null && Children.SequenceEqual(other.Children);

    public override int GetHashCode() => Children.Count;

    public override string ToString() => QueryPrinter.Print(this);
}

/// <summary>At least one child matches.</summary>
public sealed record OrNode(IReadOnlyList<QueryNode> Children) : QueryNode
{
    public bool Equals(OrNode? other) => other is not null && Children.SequenceEqual(other.Children);

    public override int GetHashCode() => Children.Count + 1;

    public override string ToString() => QueryPrinter.Print(this);
}

/// <summary>The child does not match.</summary>
public sealed record NotNode(QueryNode Child) : QueryNode
{
    public override string ToString() => QueryPrinter.Print(this);
}

/// <summary>Prints a query tree in the canonical syntax that <see cref="QueryParser"/> reads back to an equal tree.</summary>
public static class QueryPrinter
{
    public static string Print(QueryNode node)
    {
        var b = new StringBuilder();
        Write(node, b, 0);
        return b.ToString();
    }

    // Precedence: OR 1 < AND 2 < NOT/term 3.
    private static void Write(QueryNode node, StringBuilder b, int parent)
    {
        switch (node)
        {
            case TermNode t:
                WriteTerm(t, b);
                break;
            case NotNode n:
                b.Append("NOT ");
                Write(n.Child, b, 3);
                break;
            case AndNode a:
                Join(a.Children, " AND ", 2, parent, b);
                break;
            case OrNode o:
                Join(o.Children, " OR ", 1, parent, b);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(node));
        }
    }

    private static void Join(IReadOnlyList<QueryNode> children, string op, int level, int parent, StringBuilder b)
    {
        var paren = parent >= level;
        if (paren)
        {
            b.Append('(');
        }

        for (var i = 0; i < children.Count; i++)
        {
            if (i > 0)
            {
                b.Append(op);
            }

            Write(children[i], b, level);
        }

        if (paren)
        {
            b.Append(')');
        }
    }

    private static void WriteTerm(TermNode t, StringBuilder b)
    {
        b.Append(t.Field switch
        {
            QueryField.Title => "ti:",
            QueryField.Abstract => "abs:",
            QueryField.Author => "au:",
            QueryField.Category => "cat:",
            QueryField.Comments => "co:",
            QueryField.Id => "id:",
            _ => "",
        });
        if (t.Value is not null)
        {
            b.Append(t.Value);
            if (t.Prefix)
            {
                b.Append('*');
            }

            return;
        }

        if (t.Exact)
        {
            b.Append('=');
        }

        b.Append('"');
        b.Append(string.Join(' ', t.Words));
        b.Append('"');
        if (t.Prefix)
        {
            b.Append('*');
        }
    }
}
