using ArxivDigest.Matching;
using ArxivDigest.Papers;
using ArxivDigest.Schedule;
using ArxivDigest.Translation;

namespace ArxivDigest.Digests;

/// <summary>What one digest is: its name, categories, queries in order, announce types kept, language and zone.</summary>
public sealed record DigestSpec
{
    public string Name { get; init; } = "default";

    public IReadOnlyList<string> Categories { get; init; } = ["cs"];

    /// <summary>Queries in order; each is a group headed by its own text.</summary>
    public IReadOnlyList<string> Queries { get; init; } = ["reinforcement learning", "diffusion policy"];

    /// <summary>Named groups after <see cref="Queries"/>, each with its own query, categories and exclusions.</summary>
    public IReadOnlyList<QueryGroup> Groups { get; init; } = [];

    /// <summary>An author watch list: a group "Authors", placed first, matching any of these names.</summary>
    public IReadOnlyList<string> Authors { get; init; } = [];

    /// <summary>Queries that exclude a paper from every group of the digest (e.g. <c>survey</c>).</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary>
    /// The digest's groups in order (authors first, then queries, then named groups), each compiled to one query
    /// with its categories and exclusions folded in. Throws <see cref="QuerySyntaxException"/> for a bad query.
    /// </summary>
    public IReadOnlyList<(string Name, Query Query)> CompiledGroups()
    {
        var groups = new List<(string, Query)>();
        var exclude = Exclude.Select(QueryParser.Parse).ToList();
        if (Authors.Count > 0)
        {
            var names = Authors.Select(a => (QueryNode)new TermNode(QueryField.Author, TextNormalizer.Words(a))).ToList();
            groups.Add(("Authors", Compose(names.Count == 1 ? names[0] : new OrNode(names), [], exclude)));
        }

        foreach (var q in Queries)
        {
            groups.Add((q.Trim(), Compose(QueryParser.Parse(q), [], exclude, q.Trim())));
        }

        foreach (var g in Groups)
        {
            groups.Add((g.Name, Compose(QueryParser.Parse(g.Query), g.Categories, [.. exclude, .. g.Exclude.Select(QueryParser.Parse)])));
        }

        return groups.DistinctBy(g => g.Item1, StringComparer.Ordinal).ToList();
    }

    private static Query Compose(QueryNode query, IReadOnlyList<string> categories, IReadOnlyList<QueryNode> exclude, string? text = null)
    {
        if (categories.Count == 0 && exclude.Count == 0)
        {
            return text is null ? Query.From(query) : Query.Parse(text);
        }

        var parts = new List<QueryNode> { query };
        if (categories.Count > 0)
        {
            var cats = categories.Select(c => (QueryNode)new TermNode(QueryField.Category, []) { Value = c }).ToList();
            parts.Add(cats.Count == 1 ? cats[0] : new OrNode(cats));
        }

        parts.AddRange(exclude.Select(e => (QueryNode)new NotNode(e)));
        return Query.From(new AndNode(parts));
    }

    public IReadOnlySet<AnnounceType> Include { get; init; } = new HashSet<AnnounceType> { AnnounceType.New };

    public string Language { get; init; } = "zh";

    public TimeZoneInfo DisplayZone { get; init; } = TimeZoneInfo.Utc;
}

/// <summary>A named group of a digest: its query, the categories it is limited to (empty: all), and its exclusions.</summary>
public sealed record QueryGroup(string Name, string Query)
{
    public IReadOnlyList<string> Categories { get; init; } = [];

    public IReadOnlyList<string> Exclude { get; init; } = [];
}

/// <summary>Filter, group and translate papers into a <see cref="Digest"/>.</summary>
public static class DigestBuilder
{
    /// <summary>
    /// Keeps the papers of the included announce types (one entry per id across categories, preferring
    /// new over cross over replacements), assigns each to the FIRST query it matches, and sorts each group by id.
    /// </summary>
    public static IReadOnlyList<(string Query, IReadOnlyList<(Paper Paper, MatchResult Match)> Papers)> Select(
        IEnumerable<Paper> papers, DigestSpec spec)
    {
        var compiled = spec.CompiledGroups();
        var set = new QuerySet(compiled.Select(g => g.Query));
        var matcher = set.CreateMatcher();
        var unique = papers
            .Where(p => spec.Include.Contains(p.AnnounceType))
            .GroupBy(p => p.Id, StringComparer.Ordinal)
            .Select(g => g.OrderBy(p => p.AnnounceType).First());

        var groups = compiled.Select(_ => new List<(Paper, MatchResult)>()).ToList();
        foreach (var paper in unique)
        {
            if (matcher.FirstMatch(new PaperText(paper)) is { } hit)
            {
                groups[hit.Index].Add((paper, hit.Result));
            }
        }

        return compiled
            .Select((g, i) => (g.Name, (IReadOnlyList<(Paper, MatchResult)>)groups[i].OrderBy(x => x.Item1.Id, ArxivIdComparer.Instance).ToList()))
            .ToList();
    }

    /// <summary>Builds the digest, translating titles and abstracts of the selected papers in one batched call.</summary>
    public static async Task<Digest> BuildAsync(
        IEnumerable<Paper> papers,
        DigestSpec spec,
        DateOnly listingDate,
        DateTimeOffset generatedAt,
        ITranslator translator,
        CancellationToken cancellationToken,
        bool noAnnouncement = false,
        TldrWriter? tldr = null)
    {
        var selected = Select(papers, spec);
        var chosen = selected.SelectMany(g => g.Papers.Select(p => p.Paper)).ToList();
        var translations = await TranslateAsync(chosen, spec.Language, translator, cancellationToken);
        var tldrs = tldr is null || chosen.Count == 0 ? new Dictionary<string, string>() : await tldr.WriteAsync(chosen, spec.Language, cancellationToken);

        TranslatedText Lookup(string key) => translations.TryGetValue(key, out var t) ? t : TranslatedText.Disabled;

        return new Digest
        {
            Name = spec.Name,
            ListingDate = listingDate,
            AnnouncedAt = ArxivSchedule.AnnouncedAt(listingDate),
            GeneratedAt = generatedAt,
            Categories = spec.Categories,
            Language = spec.Language,
            DisplayZone = spec.DisplayZone,
            Translator = translator.Name,
            NoAnnouncement = noAnnouncement,
            Groups = selected
                .Select(g => new DigestGroup(
                    g.Query,
                    g.Papers.Select(p => new DigestPaper(p.Paper, Matched(p.Match), Lookup(TitleKey(p.Paper)), Lookup(AbstractKey(p.Paper)))
                    {
                        Tldr = tldrs.GetValueOrDefault(p.Paper.Id),
                        Terms = p.Match.Terms,
                    }).ToList()))
                .ToList(),
        };
    }

    /// <summary>What matched: the phrases that hit (<c>diffusion policy</c>), or the query when only fields like cat: did.</summary>
    public static string Matched(MatchResult m) =>
        m.Terms.Count == 0 ? m.Query : string.Join(" | ", m.Terms.Select(t => string.Join(' ', t)));

    public static string TitleKey(Paper p) => $"{p.Id}/title";

    public static string AbstractKey(Paper p) => $"{p.Id}/abstract";

    private static async Task<Dictionary<string, TranslatedText>> TranslateAsync(
        IReadOnlyList<Paper> papers, string language, ITranslator translator, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, TranslatedText>(StringComparer.Ordinal);
        if (translator is NoneTranslator || papers.Count == 0 || language.StartsWith("en", StringComparison.OrdinalIgnoreCase))
        {
            return result;
        }

        var requests = papers
            .SelectMany(p => new[]
            {
                new TranslationRequest(TitleKey(p), p.Title, "en", language),
                new TranslationRequest(AbstractKey(p), p.Abstract, "en", language),
            })
            .Where(r => r.Text.Length > 0)
            .ToList();
        try
        {
            var answers = await translator.TranslateAsync(requests, cancellationToken);
            foreach (var a in answers)
            {
                result[a.Key] = a.Text is { Length: > 0 } text
                    ? new TranslatedText(text, TranslationState.Done)
                    : new TranslatedText(null, TranslationState.Pending, a.Error ?? "empty translation");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            foreach (var r in requests)
            {
                result[r.Key] = new TranslatedText(null, TranslationState.Pending, e.Message);
            }
        }

        // A translator that answered fewer texts than asked must not make them vanish: mark the rest pending.
        foreach (var r in requests.Where(r => !result.ContainsKey(r.Key)))
        {
            result[r.Key] = new TranslatedText(null, TranslationState.Pending, $"{translator.Name} returned no translation");
        }

        return result;
    }
}

/// <summary>Orders arXiv ids: new-style by yymm then number; old-style (archive/yymmnnn) before new-style.</summary>
public sealed class ArxivIdComparer : IComparer<string>
{
    public static readonly ArxivIdComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return string.CompareOrdinal(x, y);
        }

        var xOld = x.Contains('/');
        var yOld = y.Contains('/');
        if (xOld != yOld)
        {
            return xOld ? -1 : 1;
        }

        if (!xOld)
        {
            var xd = x.IndexOf('.');
            var yd = y.IndexOf('.');
            if (xd > 0 && yd > 0)
            {
                var c = string.CompareOrdinal(x[..xd], y[..yd]);
                if (c != 0)
                {
                    return c;
                }

                c = (x.Length - xd).CompareTo(y.Length - yd);
                if (c != 0)
                {
                    return c;
                }
            }
        }

        return string.CompareOrdinal(x, y);
    }
}
