namespace ArxivDigest.Cli.Configuration;

/// <summary>What the command line said, before environment, config file and defaults are merged in.</summary>
public sealed record RawOptions
{
    public string? Config { get; init; }

    public string? Db { get; init; }

    public string? Out { get; init; }

    public IReadOnlyList<string> Categories { get; init; } = [];

    public IReadOnlyList<string> Queries { get; init; } = [];

    public string? Include { get; init; }

    public string? Source { get; init; }

    public string? ArxivUrl { get; init; }

    public string? RssUrl { get; init; }

    public string? ApiUrl { get; init; }

    public string? OaiUrl { get; init; }

    public string? FromFile { get; init; }

    public string? Format { get; init; }

    public string? Timezone { get; init; }

    public string? Language { get; init; }

    public string? Translator { get; init; }

    public string? TranslatorUrl { get; init; }

    public string? TranslatorModel { get; init; }

    public string? TranslationConcurrency { get; init; }

    public string? Glossary { get; init; }

    public bool Tldr { get; init; }

    public bool Resend { get; init; }

    public string? RequestInterval { get; init; }

    public string? RequestTimeout { get; init; }
}
