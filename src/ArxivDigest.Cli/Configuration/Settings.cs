using ArxivDigest.Arxiv;
using ArxivDigest.Delivery;
using ArxivDigest.Digests;
using ArxivDigest.Rendering;

namespace ArxivDigest.Cli.Configuration;

/// <summary>Everything a verb needs, resolved from options, environment, config file and defaults (in that order).</summary>
public sealed record Settings
{
    public required string Db { get; init; }

    public required string Out { get; init; }

    public required SourceOptions Source { get; init; }

    public required IReadOnlyList<IDigestRenderer> Renderers { get; init; }

    /// <summary>Translation providers in fallback order (<c>none</c> alone: no translation).</summary>
    public required IReadOnlyList<string> Translators { get; init; }

    /// <summary>Base URL overrides by provider name (<c>--translator-url URL</c> or <c>name=URL,...</c>).</summary>
    public IReadOnlyDictionary<string, Uri> TranslatorUrls { get; init; } = new Dictionary<string, Uri>();

    public string? TranslatorModel { get; init; }

    /// <summary>Name of the environment variable holding the first provider's key, when not the provider's default.</summary>
    public string? TranslatorKeyVariable { get; init; }

    public int TranslationConcurrency { get; init; } = 4;

    public int? TranslationRequestsPerMinute { get; init; }

    public int? TranslationTokensPerMinute { get; init; }

    /// <summary>Price per million tokens (LLMs) or characters (the others), by provider, for the cost line.</summary>
    public IReadOnlyDictionary<string, decimal> TranslationPrices { get; init; } = new Dictionary<string, decimal>();

    /// <summary>Write a one-sentence TL;DR per paper with the openai provider (off by default).</summary>
    public bool Tldr { get; init; }

    /// <summary>A user glossary file extending the built-in one.</summary>
    public string? GlossaryPath { get; init; }

    public required TimeSpan RequestInterval { get; init; }

    /// <summary>Longest wait for one arXiv response (default 60 s); a timeout is retried.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    public required IReadOnlyList<DigestSpec> Digests { get; init; }

    public required IReadOnlySet<DateOnly> Holidays { get; init; }

    /// <summary>Delivery channels (<c>[[channel]]</c> tables), each with the digests it receives (empty: all).</summary>
    public IReadOnlyList<ChannelConfig> Channels { get; init; } = [];

    /// <summary>The text and HTML layouts email bodies use (built-in, or the user's templates).</summary>
    public (IDigestRenderer Text, IDigestRenderer Html) MailRenderers { get; init; } = (new TextRenderer(), new HtmlRenderer());

    /// <summary>Deliver again to channels that already had the digest (<c>--resend</c>).</summary>
    public bool Resend { get; init; }

    /// <summary>Where each setting came from, for <c>config check</c>.</summary>
    public string? ConfigPath { get; init; }

    public static string DefaultDbPath()
    {
        var data = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        if (string.IsNullOrEmpty(data))
        {
            data = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(data, "arxiv-digest", "arxiv-digest.db");
    }
}

/// <summary>One configured channel and the digest names it receives (empty: every digest).</summary>
public sealed record ChannelConfig(ChannelOptions Options, IReadOnlyList<string> Digests)
{
    public bool Receives(string digest) => Digests.Count == 0 || Digests.Contains(digest);
}
