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

/// <summary>
/// One field's words in the three forms the matcher compares: as written (TeX and diacritics resolved, case kept),
/// lower-cased, and lower-cased and folded (plurals, inflections). The words are slices of one cleaned text (and of one lower-cased
/// and one folded buffer, each made on first use), so a field costs a few allocations, not three strings a word.
/// </summary>
public sealed class FieldWords
{
    private readonly string _clean;
    private readonly int[] _bounds; // start and length of each word in _clean (and in _lower)
    private string? _lower;
    private char[]? _folded;
    private int[]? _foldedBounds;
    private string[]? _exactWords, _lowerWords, _foldedWords;

    public FieldWords(string? text)
    {
        _clean = text is null ? "" : TextNormalizer.Clean(text);
        _bounds = TextNormalizer.WordBounds(_clean);
    }

    public static FieldWords Empty { get; } = new(null);

    /// <summary>The number of words.</summary>
    public int Count => _bounds.Length / 2;

    /// <summary>Word <paramref name="i"/> as written.</summary>
    public ReadOnlySpan<char> ExactAt(int i) => _clean.AsSpan(_bounds[2 * i], _bounds[(2 * i) + 1]);

    /// <summary>Word <paramref name="i"/> lower-cased (invariant casing maps each UTF-16 unit to one, so slices line up).</summary>
    public ReadOnlySpan<char> LowerAt(int i) => LowerText.AsSpan(_bounds[2 * i], _bounds[(2 * i) + 1]);

    /// <summary>Word <paramref name="i"/> lower-cased and folded (plurals, inflections) (<see cref="Tokens.FoldWord(ReadOnlySpan{char}, Span{char})"/>).</summary>
    public ReadOnlySpan<char> FoldedAt(int i)
    {
        if (_folded is null)
        {
            Fold();
        }

        return _folded.AsSpan(_foldedBounds![2 * i], _foldedBounds[(2 * i) + 1]);
    }

    /// <summary>Words as written (TeX and diacritics resolved), case kept.</summary>
    public string[] Exact => _exactWords ??= Materialize(i => ExactAt(i));

    public string[] Lower => _lowerWords ??= Materialize(i => LowerAt(i));

    /// <summary>Lower-cased and folded (plurals, inflections) (<see cref="Tokens.FoldWord(string)"/>).</summary>
    public string[] Folded => _foldedWords ??= Materialize(i => FoldedAt(i));

    private string LowerText => _lower ??= _clean.ToLowerInvariant();

    private void Fold()
    {
        var lower = LowerText;
        var folded = new char[lower.Length];
        var bounds = new int[_bounds.Length];
        var at = 0;
        for (var i = 0; i < _bounds.Length; i += 2)
        {
            var n = Tokens.FoldWord(lower.AsSpan(_bounds[i], _bounds[i + 1]), folded.AsSpan(at));
            bounds[i] = at;
            bounds[i + 1] = n;
            at += n;
        }

        _foldedBounds = bounds;
        _folded = folded;
    }

    private delegate ReadOnlySpan<char> WordAt(int i);

    private string[] Materialize(WordAt word)
    {
        var words = new string[Count];
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = new string(word(i));
        }

        return words;
    }
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
