namespace ArxivDigest.Translation;

/// <summary>One text to translate. <see cref="Key"/> identifies it in the answer (e.g. <c>2603.22293/title</c>).</summary>
public sealed record TranslationRequest(string Key, string Text, string SourceLanguage, string TargetLanguage);

/// <summary>The answer for one request: the translation, or null and the reason it failed.</summary>
public sealed record TranslationResult(string Key, string? Text, string? Error = null);

/// <summary>
/// The translation seam. Batched: one call may carry many texts. Implementations return one result per request
/// (a failed text has a null <see cref="TranslationResult.Text"/> and an error); they throw only when the whole call
/// failed, and the caller then marks every text of the call as pending. A translator never silently drops a text.
/// </summary>
public interface ITranslator
{
    /// <summary>Provider name as chosen on the command line (<c>none</c>, <c>openai</c> ...).</summary>
    string Name { get; }

    Task<IReadOnlyList<TranslationResult>> TranslateAsync(IReadOnlyList<TranslationRequest> requests, CancellationToken cancellationToken);
}

/// <summary><c>--translator none</c>: translates nothing; the digest says so visibly.</summary>
public sealed class NoneTranslator : ITranslator
{
    public string Name => "none";

    public Task<IReadOnlyList<TranslationResult>> TranslateAsync(IReadOnlyList<TranslationRequest> requests, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TranslationResult>>([]);
}
