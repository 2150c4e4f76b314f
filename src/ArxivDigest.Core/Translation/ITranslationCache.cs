namespace ArxivDigest.Translation;

/// <summary>
/// Identifies one cached translation: the SHA-256 of the source text, languages, provider, model and glossary version.
/// </summary>
public sealed record TranslationKey(string SourceHash, string SourceLanguage, string TargetLanguage, string Provider, string Model, string GlossaryVersion);

/// <summary>The translation cache seam (the store implements it): a text is never translated twice.</summary>
public interface ITranslationCache
{
    Task<IReadOnlyDictionary<TranslationKey, string>> GetTranslationsAsync(IReadOnlyCollection<TranslationKey> keys, CancellationToken cancellationToken);

    Task SaveTranslationsAsync(IReadOnlyCollection<KeyValuePair<TranslationKey, string>> entries, CancellationToken cancellationToken);
}
