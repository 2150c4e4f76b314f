using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>
/// One line before the work that must first index a large part of the store (after an import, or an upgrade that
/// rebuilds the index, such as schema v8's inflection folding), so that a first run or search of several minutes is
/// not taken for a hang.
/// </summary>
public static class SearchIndexNotice
{
    /// <summary>Fewer papers than this index in seconds: nothing is said.</summary>
    public const long Threshold = 10_000;

    /// <param name="store">Any store; one without a lazily filled index says nothing.</param>
    /// <param name="firstWork">What will do the indexing: "search", "save" ...</param>
    /// <param name="info">Where the line goes (the reporter's info, serve's log).</param>
    public static async Task ReportAsync(object store, string firstWork, Action<string> info, CancellationToken cancellationToken)
    {
        if (store is not ISearchIndexStatus status)
        {
            return;
        }

        long unindexed;
        try
        {
            unindexed = await status.CountUnindexedAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (StoreException)
        {
            return; // only a notice: the work itself meets the store's problem and says what it is
        }

        if (unindexed >= Threshold)
        {
            info($"the search index lacks {unindexed:N0} stored papers (after an import or an upgrade that rebuilds it): " +
                 $"the first {firstWork} indexes them, once; about 6 minutes per million papers on 2 cores");
        }
    }
}
