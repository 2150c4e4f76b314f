using System.Globalization;
using ArxivDigest.Papers;

namespace ArxivDigest.Translation;

/// <summary>
/// Optional one-sentence TL;DRs (off by default): asks an LLM in batches, caches each answer in the translation cache
/// (as provider "{name}-tldr"), and leaves a paper without a TL;DR when the model fails (the run says so; the
/// translation itself is unaffected).
/// </summary>
public sealed class TldrWriter(ISummarizer summarizer, ITranslationCache cache, int batchSize = 10)
{
    public int Requests { get; private set; }

    public int Failures { get; private set; }

    public int CacheHits { get; private set; }

    public async Task<IReadOnlyDictionary<string, string>> WriteAsync(IReadOnlyList<Paper> papers, string targetLanguage, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var withAbstract = papers.Where(p => p.Abstract.Length > 0).DistinctBy(p => p.Id).ToList();
        TranslationKey Key(Paper p) => new(TranslationService.Hash(p.Abstract), "en", targetLanguage, summarizer.Name + "-tldr", summarizer.Model, "");
        var cached = await cache.GetTranslationsAsync(withAbstract.Select(Key).ToList(), cancellationToken);
        var todo = new List<Paper>();
        foreach (var p in withAbstract)
        {
            if (cached.TryGetValue(Key(p), out var hit))
            {
                result[p.Id] = hit;
                CacheHits++;
            }
            else
            {
                todo.Add(p);
            }
        }

        foreach (var batch in todo.Chunk(Math.Max(1, batchSize)))
        {
            var texts = batch.Select((p, i) => new ProviderText(i.ToString(CultureInfo.InvariantCulture), p.Abstract)).ToList();
            IReadOnlyDictionary<string, string> answer;
            try
            {
                Requests++;
                answer = await summarizer.SummarizeAsync(texts, "en", targetLanguage, cancellationToken);
            }
            catch (TranslationProviderException)
            {
                Failures++;
                continue;
            }

            var fresh = new List<KeyValuePair<TranslationKey, string>>();
            for (var i = 0; i < batch.Length; i++)
            {
                if (answer.TryGetValue(texts[i].Id, out var tldr) && !string.IsNullOrWhiteSpace(tldr))
                {
                    result[batch[i].Id] = Text.Normalize(tldr);
                    fresh.Add(KeyValuePair.Create(Key(batch[i]), result[batch[i].Id]));
                }
            }

            await cache.SaveTranslationsAsync(fresh, cancellationToken);
        }

        return result;
    }
}
