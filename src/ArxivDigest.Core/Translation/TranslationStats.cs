using System.Globalization;

namespace ArxivDigest.Translation;

/// <summary>What one provider did in one run: requests, characters sent, cache hits, failures, and cost.</summary>
public sealed class ProviderStats(string provider)
{
    private int requests;
    private long characters;
    private int cacheHits;
    private int failures;
    private int translated;
    private int glossaryMisses;
    private long tokens;

    public string Provider { get; } = provider;

    public int Requests => requests;

    public long Characters => characters;

    /// <summary>Source tokens sent, for providers that count tokens.</summary>
    public long Tokens => tokens;

    public int CacheHits => cacheHits;

    public int Failures => failures;

    public int Translated => translated;

    /// <summary>Accepted translations that did not use a glossary term (or used a form to avoid).</summary>
    public int GlossaryMisses => glossaryMisses;

    /// <summary>Configured price per million source tokens (providers that count tokens) or characters (the others).</summary>
    public decimal? PricePerMillion { get; init; }

    internal void Request(long chars, long tokenCount = 0)
    {
        Interlocked.Increment(ref requests);
        Interlocked.Add(ref characters, chars);
        Interlocked.Add(ref tokens, tokenCount);
    }

    internal void Hit(int n) => Interlocked.Add(ref cacheHits, n);

    internal void Fail() => Interlocked.Increment(ref failures);

    internal void Done(int n) => Interlocked.Add(ref translated, n);

    internal void GlossaryMiss() => Interlocked.Increment(ref glossaryMisses);

    public override string ToString()
    {
        var units = tokens > 0 ? tokens : characters;
        var cost = PricePerMillion is { } p ? string.Create(CultureInfo.InvariantCulture, $", cost {p * units / 1_000_000m:0.####}") : "";
        var tokenText = tokens > 0 ? string.Create(CultureInfo.InvariantCulture, $", {tokens} tokens") : "";
        return string.Create(CultureInfo.InvariantCulture, $"{Provider}: {requests} requests, {characters} chars{tokenText}, {translated} translated, {cacheHits} cache hits, {failures} failures, {glossaryMisses} glossary misses{cost}");
    }
}
