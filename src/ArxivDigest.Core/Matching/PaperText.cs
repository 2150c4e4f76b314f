using ArxivDigest.Papers;

namespace ArxivDigest.Matching;

/// <summary>Where a query matched.</summary>
public enum MatchField
{
    Title,
    Abstract,
    Comments,
    Author,
    Category,
    Id,
}

/// <summary>
/// Which query selected a paper, the field of its first hit, and the phrases that hit (for highlighting).
/// </summary>
public sealed record MatchResult(string Query, MatchField Field)
{
    /// <summary>The positive terms that matched, as their words (e.g. <c>["diffusion", "policy"]</c>).</summary>
    public IReadOnlyList<IReadOnlyList<string>> Terms { get; init; } = [];
}

/// <summary>The filter seam: decides whether a paper matches and says which term hit.</summary>
public interface IPaperFilter
{
    string Text { get; }

    MatchResult? Match(Paper paper);
}

/// <summary>One field's words in the three forms the matcher compares.</summary>
public sealed class FieldWords
{
    private string[]? _lower;
    private string[]? _folded;

    public FieldWords(string? text)
    {
        Exact = text is null ? [] : [.. TextNormalizer.Words(text)];
    }

    public static FieldWords Empty { get; } = new(null);

    /// <summary>Words as written (TeX and diacritics resolved), case kept.</summary>
    public string[] Exact { get; }

    public string[] Lower => _lower ??= Exact.Select(w => w.ToLowerInvariant()).ToArray();

    /// <summary>Lower-cased and plural-folded (<see cref="Tokens.FoldWord"/>).</summary>
    public string[] Folded => _folded ??= Lower.Select(Tokens.FoldWord).ToArray();
}

/// <summary>A paper normalised once for any number of queries (each form computed on first use).</summary>
public sealed class PaperText
{
    private FieldWords? _title, _abstract, _comments;
    private FieldWords[]? _authors;
    private string[]? _categories;

    public PaperText(Paper paper)
    {
        Paper = paper;
    }

    public Paper Paper { get; }

    public FieldWords Title => _title ??= new FieldWords(Paper.Title);

    public FieldWords Abstract => _abstract ??= new FieldWords(Paper.Abstract);

    public FieldWords Comments => _comments ??= new FieldWords(Paper.Comments);

    public FieldWords[] Authors => _authors ??= Paper.Authors.Select(a => new FieldWords(a)).ToArray();

    /// <summary>Category codes, lower case, primary first.</summary>
    public string[] Categories => _categories ??= Paper.Subjects.Select(s => s.Code)
        .Prepend(Paper.PrimaryCategory)
        .Where(c => c.Length > 0)
        .Select(c => c.ToLowerInvariant())
        .Distinct(StringComparer.Ordinal)
        .ToArray();

    public string Id => Paper.Id.ToLowerInvariant();
}
