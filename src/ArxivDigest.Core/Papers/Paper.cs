namespace ArxivDigest.Papers;

/// <summary>How a paper appears in an announcement (arXiv's own four values, RSS `arxiv:announce_type`).</summary>
public enum AnnounceType
{
    New,
    Cross,
    Replace,
    ReplaceCross,
}

/// <summary>An arXiv subject: code (<c>cs.AI</c>) and full name (<c>Artificial Intelligence</c>).</summary>
public sealed record Subject(string Code, string Name)
{
    /// <summary>The form arXiv's listing pages print: <c>Artificial Intelligence (cs.AI)</c>.</summary>
    public override string ToString() => Name.Length == 0 ? Code : $"{Name} ({Code})";
}

/// <summary>
/// One paper as every source yields it. Text fields are whitespace-normalised (runs of spaces and line breaks
/// collapsed to one space, trimmed); TeX is left as is.
/// </summary>
public sealed record Paper
{
    /// <summary>arXiv id without version: <c>2603.22293</c> or <c>hep-th/9901001</c>.</summary>
    public required string Id { get; init; }

    /// <summary>Version number when the source states it (RSS, API, listing html link); null when unknown.</summary>
    public int? Version { get; init; }

    public required string Title { get; init; }

    public IReadOnlyList<string> Authors { get; init; } = [];

    public string Abstract { get; init; } = "";

    public string? Comments { get; init; }

    public string? JournalRef { get; init; }

    public string? Doi { get; init; }

    /// <summary>Primary category code, e.g. <c>cs.CL</c>.</summary>
    public string PrimaryCategory { get; init; } = "";

    /// <summary>All categories, primary first, with their names.</summary>
    public IReadOnlyList<Subject> Subjects { get; init; } = [];

    public AnnounceType AnnounceType { get; init; } = AnnounceType.New;

    /// <summary>
    /// The date the first version was submitted, when the source states it (API <c>published</c>, OAI-PMH
    /// <c>created</c>, Kaggle <c>versions[0].created</c>); null for listing pages and RSS.
    /// </summary>
    public DateOnly? Published { get; init; }

    /// <summary>The mailing date of the listing that announced it (the day after the 20:00 ET announcement).</summary>
    public DateOnly? ListingDate { get; init; }

    public string AbsUrl => $"https://arxiv.org/abs/{Id}";

    public string PdfUrl => $"https://arxiv.org/pdf/{Id}";

    /// <summary>Record equality compares lists by reference; this compares them by content.</summary>
    public bool ContentEquals(Paper other) =>
        this with { Authors = [], Subjects = [] } == other with { Authors = [], Subjects = [] }
        && Authors.SequenceEqual(other.Authors)
        && Subjects.SequenceEqual(other.Subjects);
}
