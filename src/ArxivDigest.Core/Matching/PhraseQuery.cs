using ArxivDigest.Papers;

namespace ArxivDigest.Matching;

/// <summary>Where a query matched.</summary>
public enum MatchField
{
    Title,
    Abstract,
}

/// <summary>Which query selected a paper, and in which field it first hit.</summary>
public sealed record MatchResult(string Query, MatchField Field);

/// <summary>The filter seam: decides whether a paper matches and says which term hit.</summary>
public interface IPaperFilter
{
    string Text { get; }

    MatchResult? Match(Paper paper);
}

/// <summary>
/// A phrase matched case-insensitively against title and abstract, on word boundaries, with plural folding
/// (<c>diffusion policy</c> matches <c>Diffusion Policies</c>; <c>RL</c> does not match <c>URL</c>).
/// </summary>
public sealed class PhraseQuery : IPaperFilter
{
    private readonly string[] tokens;

    private PhraseQuery(string text, string[] tokens)
    {
        Text = text;
        this.tokens = tokens;
    }

    public string Text { get; }

    /// <summary>Parses a query; one with no word characters is refused (<see cref="ArgumentException"/>).</summary>
    public static PhraseQuery Parse(string text)
    {
        var trimmed = text.Trim();
        if (trimmed.Length >= 2 && trimmed[0] == '"' && trimmed[^1] == '"')
        {
            trimmed = trimmed[1..^1];
        }

        var tokens = Tokens.Fold(trimmed).ToArray();
        if (tokens.Length == 0)
        {
            throw new ArgumentException($"query \"{text}\" has no words to match", nameof(text));
        }

        return new PhraseQuery(trimmed.Trim(), tokens);
    }

    public MatchResult? Match(Paper paper)
    {
        if (Contains(Tokens.Fold(paper.Title)))
        {
            return new MatchResult(Text, MatchField.Title);
        }

        return Contains(Tokens.Fold(paper.Abstract)) ? new MatchResult(Text, MatchField.Abstract) : null;
    }

    /// <summary>Matches against pre-folded token lists (a paper is folded once for all queries).</summary>
    public MatchResult? Match(IReadOnlyList<string> titleTokens, IReadOnlyList<string> abstractTokens) =>
        Contains(titleTokens) ? new MatchResult(Text, MatchField.Title)
        : Contains(abstractTokens) ? new MatchResult(Text, MatchField.Abstract)
        : null;

    private bool Contains(IReadOnlyList<string> haystack)
    {
        for (var i = 0; i + tokens.Length <= haystack.Count; i++)
        {
            var j = 0;
            while (j < tokens.Length && haystack[i + j] == tokens[j])
            {
                j++;
            }

            if (j == tokens.Length)
            {
                return true;
            }
        }

        return false;
    }
}
