using System.Globalization;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>
/// Search: the query is translated to an FTS5 expression selecting a superset of its matches (<see cref="Fts5Query"/>),
/// candidates are read in bm25 order (title weighted highest) and each is verified with the reference matcher, until
/// the page and one more hit are found. Papers are only loaded for the candidates actually looked at.
/// </summary>
public sealed partial class SqliteStore : ISearchIndexStatus
{
    /// <inheritdoc />
    public async Task<SearchPage> SearchAsync(Query query, SearchFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        PaperSearch.Validate(filter);
        ObjectDisposedException.ThrowIf(_disposed, this);
        await IndexPendingAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var page = await SearchOnceAsync(query, filter, cancellationToken).ConfigureAwait(false);
            if (page is not null)
            {
                return page;
            }

            // The index points at rows that moved (VACUUM renumbers rowids): build it again, once.
            await RebuildSearchIndexAsync(cancellationToken).ConfigureAwait(false);
            return await SearchOnceAsync(query, filter, cancellationToken).ConfigureAwait(false)
                ?? throw new StoreException(DatabasePath, "the search index is inconsistent with the papers table after a rebuild");
        }
        catch (SqliteException ex)
        {
            throw Fail($"cannot search for \"{query.Text}\"", ex);
        }
    }

    /// <summary>The page, or null when a candidate's index entry no longer names its papers row.</summary>
    private async Task<SearchPage?> SearchOnceAsync(Query query, SearchFilter filter, CancellationToken cancellationToken)
    {
        // The category narrows the candidates, unless nearly every paper has it and the query has words of its own: its
        // doclist then holds every paper, and stepping through it to each candidate costs more than checking the
        // category of the candidates read (verification does, PaperSearch.Verify).
        var root = filter.CategoryTerm is { } category
            && !(Fts5Query.HasPositiveTextTerm(query.Root) && await IsDenseCategoryAsync(category, cancellationToken).ConfigureAwait(false))
            ? new AndNode([query.Root, category]) : query.Root;
        var expression = Fts5Query.Translate(root).Expression;
        var dates = (filter.From is null ? "" : " AND s.day >= $from") + (filter.To is null ? "" : " AND s.day <= $to");
        var state = new PageState(query, filter);
        var load = LoadCommand();

        if (expression is null)
        {
            // Nothing the index can narrow: every paper, newest first.
            var scan = $"SELECT s.paper_rowid, 0.0 FROM search_index s WHERE 1{dates} ORDER BY s.day DESC, s.paper_rowid DESC";
            return await RunPassAsync(scan, null, long.MinValue, long.MaxValue, state, load, cancellationToken).ConfigureAwait(false) is null ? null : state.Page();
        }

        // FTS candidates first (CROSS JOIN keeps the full-text table the outer loop), then the date filter. The FTS
        // rowid is minus the papers rowid, so newest first is FTS5's cheap ascending order (schema v7).
        string Candidates(string score, string order, bool join = false) => dates.Length == 0 && !join
            ? $"SELECT -f.rowid, {score} FROM papers_fts f WHERE papers_fts MATCH $match AND f.rowid >= $lo AND f.rowid < $hi ORDER BY {order}"
            : $"SELECT -f.rowid, {score} FROM papers_fts f CROSS JOIN search_index s ON s.paper_rowid = -f.rowid WHERE papers_fts MATCH $match AND f.rowid >= $lo AND f.rowid < $hi{dates} ORDER BY {order}";

        if (!Fts5Query.HasPositiveTextTerm(query.Root))
        {
            // cat:/id: only: by date, newest first, in windows of the newest candidates.
            return await RunWindowsAsync(Candidates("0.0", "s.day DESC, s.paper_rowid DESC", join: true), expression, state, load, cancellationToken).ConfigureAwait(false)
                ? state.Page() : null;
        }

        // bm25 first counts, for every phrase of the expression, the papers holding it (its IDF): cheap for the
        // specific words of many queries, a scan of 100,000s of rows for a common word or a prefix. Those queries are
        // ordered by tiers instead, within windows of the newest candidates (FirstRankWindow, growing to RankWindow): title hits, then the rest.
        if (!await AnyCommonPhraseAsync(root, cancellationToken).ConfigureAwait(false))
        {
            return await RunPassAsync(Candidates("f.rank", "f.rank"), expression, long.MinValue, long.MaxValue, state, load, cancellationToken).ConfigureAwait(false) is null
                ? null : state.Page();
        }

        var titleTier = Fts5Query.TitleTier(query.Root);
        if (Fts5Query.NeedsPrefixMerge(root))
        {
            // A long prefix's doclist is merged anew by every statement: one statement per tier, no windows.
            var passes = titleTier is not null && await AnyTitleTierHitAsync(Fts5Query.TitleTierTokens(query.Root)!, cancellationToken).ConfigureAwait(false)
                ? new[] { $"({expression}) AND ({titleTier})", $"({expression}) NOT ({titleTier})" }
                : [expression];

            foreach (var pass in passes)
            {
                var done = await RunPassAsync(Candidates("0.0", "f.rowid"), pass, long.MinValue, long.MaxValue, state, load, cancellationToken).ConfigureAwait(false);
                if (done is null)
                {
                    return null;
                }

                if (done.Value)
                {
                    break;
                }
            }

            return state.Page();
        }

        return await RunTieredWindowsAsync(expression, titleTier, dates, state, load, cancellationToken).ConfigureAwait(false)
            ? state.Page() : null;
    }

    /// <summary>
    /// False when no term of the title tier can hit any title (some token of each term is in no title): the title
    /// pass of a long-prefix query is then skipped, as it would find nothing, but only after FTS5 had checked every
    /// candidate (a few ms for common words).
    /// </summary>
    private async Task<bool> AnyTitleTierHitAsync(IReadOnlyList<IReadOnlyList<string>> terms, CancellationToken cancellationToken)
    {
        var probe = Reused("SELECT 1 FROM papers_fts WHERE papers_fts MATCH $match LIMIT 1");
        var match = probe.Parameters.Add("$match", SqliteType.Text);
        foreach (var term in terms)
        {
            var all = true;
            foreach (var token in term)
            {
                match.Value = "title : " + token;
                if (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when some word of the query occurs in more than <see cref="RankLimit"/> papers, or the query has a prefix
    /// term (each probe reads at most that many index entries; a phrase probe would read every paper holding its words).
    /// </summary>
    private async Task<bool> AnyCommonPhraseAsync(QueryNode root, CancellationToken cancellationToken)
    {
        var probe = Reused("SELECT rowid FROM papers_fts WHERE papers_fts MATCH $match LIMIT 1 OFFSET $skip");
        var match = probe.Parameters.Add("$match", SqliteType.Text);
        probe.Parameters.AddWithValue("$skip", RankLimit);
        foreach (var token in Fts5Query.TokenProbes(root))
        {
            if (token is null)
            {
                return true;
            }

            var key = $"{RankLimit}\n{token}";
            var now = Environment.TickCount64;
            if (!_commonTokens.TryGetValue(key, out var known) || now - known.At > CommonTokenLifetimeMs)
            {
                match.Value = token;
                known = (await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null, now);
                if (_commonTokens.Count >= 4096)
                {
                    _commonTokens.Clear();
                }

                _commonTokens[key] = known;
            }

            if (known.Common)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// True when at least <see cref="DenseCategoryShare"/> of the indexed papers are in <paramref name="category"/>
    /// (a store that follows one category, searched within it). Remembered like the common tokens.
    /// </summary>
    private async Task<bool> IsDenseCategoryAsync(TermNode category, CancellationToken cancellationToken)
    {
        var expression = Fts5Query.Translate(category).Expression!;
        var key = "dense\n" + expression;
        var now = Environment.TickCount64;
        if (_commonTokens.TryGetValue(key, out var known) && now - known.At <= CommonTokenLifetimeMs)
        {
            return known.Common;
        }

        var count = Reused("SELECT (SELECT count(*) FROM papers_fts WHERE papers_fts MATCH $match), (SELECT count(*) FROM search_index)");
        count.Parameters.AddWithValue("$match", expression);
        long inCategory, total;
        using (var reader = await count.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            inCategory = reader.GetInt64(0);
            total = reader.GetInt64(1);
        }

        var dense = total > 0 && inCategory >= DenseCategoryShare * total;
        _commonTokens[key] = (dense, now);
        return dense;
    }

    /// <summary>The share of papers above which a category filter is checked on the candidates instead of by the index.</summary>
    internal double DenseCategoryShare { get; set; } = 0.9;

    /// <summary>
    /// Whether a token is common, remembered for a few minutes (a probe reads up to <see cref="RankLimit"/> index
    /// entries) and forgotten when this store indexes papers. A stale answer only picks the other ranking, never
    /// other results.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (bool Common, long At)> _commonTokens = new(StringComparer.Ordinal);

    private const long CommonTokenLifetimeMs = 5 * 60 * 1000;

    /// <summary>
    /// Runs <paramref name="sql"/> (candidates of <paramref name="expression"/> between $lo and $hi, in the order it
    /// gives) over windows of the candidates, newest first: <see cref="FirstRankWindow"/> candidates, then four times
    /// as many each time up to <see cref="RankWindow"/>. Used for queries without text terms (cat:, id:), ordered by
    /// date within each window. False: stale index.
    /// </summary>
    private async Task<bool> RunWindowsAsync(
        string sql, string expression, PageState state, SqliteCommand load, CancellationToken cancellationToken)
    {
        // The first candidate after the window (FTS rowids ascending = newest first), or null when the window holds the rest.
        var windowEnd = Reused("""
            SELECT rowid FROM papers_fts WHERE papers_fts MATCH $match AND rowid >= $lo ORDER BY rowid LIMIT 1 OFFSET $skip
            """);
        windowEnd.Parameters.AddWithValue("$match", expression);
        var windowLo = windowEnd.Parameters.Add("$lo", SqliteType.Integer);
        var skip = windowEnd.Parameters.Add("$skip", SqliteType.Integer);
        var size = Math.Clamp(FirstRankWindow, 1, RankWindow);
        var lower = long.MinValue;
        while (true)
        {
            // Finding a window's end evaluates the expression for every candidate in it (for a sparse AND of common
            // words, most of the cost): the first window is small, as the first page usually comes from it, and later
            // ones grow to RankWindow.
            skip.Value = size;
            size = Math.Min(RankWindow, size * 4);
            windowLo.Value = lower;
            var end = await windowEnd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long e ? e : (long?)null;
            var done = await RunPassAsync(sql, expression, lower, end ?? long.MaxValue, state, load, cancellationToken).ConfigureAwait(false);
            if (done is not false)
            {
                return done is true;
            }

            if (end is null)
            {
                return true;
            }

            lower = end.Value;
        }
    }

    /// <summary>
    /// The text path's windows: each window's candidates (newest first) are read once, by one statement that also
    /// tells where the next window starts (with a date filter, a join bounded by the window keeps those inside it);
    /// then a statement with only the title tier's tokens (no phrase positions, no exclusions) picks the window's
    /// title hits, which are verified first, then the rest. The expression is evaluated once per window: before, a
    /// window's end, its title pass and its other pass each evaluated it. Windows grow from
    /// <see cref="FirstRankWindow"/> four-fold up to <see cref="RankWindow"/>.
    /// False: stale index.
    /// </summary>
    private async Task<bool> RunTieredWindowsAsync(
        string expression, string? titleTier, string dates, PageState state, SqliteCommand load,
        CancellationToken cancellationToken)
    {
        var window = Reused("SELECT rowid FROM papers_fts WHERE papers_fts MATCH $match AND rowid >= $lo ORDER BY rowid LIMIT $n");
        window.Parameters.AddWithValue("$match", expression);
        var windowLo = window.Parameters.Add("$lo", SqliteType.Integer);
        var take = window.Parameters.Add("$n", SqliteType.Integer);

        // With a date filter, the window's candidates inside it (a join bounded by the window: joined without a bound,
        // SQLite reads every candidate to order them).
        var dated = dates.Length == 0 ? null : Reused(
            $"SELECT f.rowid FROM papers_fts f CROSS JOIN search_index s ON s.paper_rowid = -f.rowid WHERE papers_fts MATCH $match AND f.rowid >= $lo AND f.rowid < $hi{dates}");
        dated?.Parameters.AddWithValue("$match", expression);
        var datedLo = dated?.Parameters.Add("$lo", SqliteType.Integer);
        var datedHi = dated?.Parameters.Add("$hi", SqliteType.Integer);
        if (state.Filter.From is { } from)
        {
            dated!.Parameters.AddWithValue("$from", FormatDate(from));
        }

        if (state.Filter.To is { } to)
        {
            dated!.Parameters.AddWithValue("$to", FormatDate(to));
        }

        var titles = titleTier is null ? null : Reused("SELECT rowid FROM papers_fts WHERE papers_fts MATCH $match AND rowid >= $lo AND rowid < $hi");
        titles?.Parameters.AddWithValue("$match", titleTier);
        var titlesLo = titles?.Parameters.Add("$lo", SqliteType.Integer);
        var titlesHi = titles?.Parameters.Add("$hi", SqliteType.Integer);

        var candidates = new List<long>();
        var titleHits = new HashSet<long>();
        var size = Math.Clamp(FirstRankWindow, 1, RankWindow);
        var lower = long.MinValue;
        while (true)
        {
            candidates.Clear();
            windowLo.Value = lower;
            take.Value = size + 1; // one more: the start of the next window
            using (var reader = await window.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    candidates.Add(reader.GetInt64(0));
                }
            }

            long? end = candidates.Count > size ? candidates[size] : null;
            if (end is not null)
            {
                candidates.RemoveAt(size);
            }

            size = Math.Min(RankWindow, size * 4);
            if (dated is not null && candidates.Count > 0)
            {
                datedLo!.Value = lower;
                datedHi!.Value = end ?? long.MaxValue;
                var inside = new HashSet<long>();
                using (var reader = await dated.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        inside.Add(reader.GetInt64(0));
                    }
                }

                candidates.RemoveAll(c => !inside.Contains(c));
            }

            titleHits.Clear();
            if (titles is not null && candidates.Count > 0)
            {
                titlesLo!.Value = lower;
                titlesHi!.Value = end ?? long.MaxValue;
                using var reader = await titles.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    titleHits.Add(reader.GetInt64(0));
                }
            }

            // Title hits first, then the rest, each newest first.
            for (var tier = titleHits.Count > 0 ? 0 : 1; tier < 2; tier++)
            {
                foreach (var rowid in candidates)
                {
                    if (titleHits.Contains(rowid) != (tier == 0))
                    {
                        continue;
                    }

                    switch (await VerifyCandidateAsync(-rowid, 0.0, state, load, cancellationToken).ConfigureAwait(false))
                    {
                        case null:
                            return false;
                        case true:
                            return true;
                    }
                }
            }

            if (end is null)
            {
                return true;
            }

            lower = end.Value;
        }
    }

    /// <summary>
    /// Verifies the candidates of one pass in order into <paramref name="state"/>. True: the page is complete (and one
    /// more hit seen); false: the candidates ran out; null: a candidate's index entry is stale.
    /// </summary>
    private async Task<bool?> RunPassAsync(string sql, string? match, long lo, long hi, PageState state, SqliteCommand load, CancellationToken cancellationToken)
    {
        var candidates = Reused(sql);
        if (match is not null)
        {
            candidates.Parameters.AddWithValue("$match", match);
        }

        candidates.Parameters.AddWithValue("$lo", lo);
        candidates.Parameters.AddWithValue("$hi", hi);
        if (state.Filter.From is { } from)
        {
            candidates.Parameters.AddWithValue("$from", FormatDate(from));
        }

        if (state.Filter.To is { } to)
        {
            candidates.Parameters.AddWithValue("$to", FormatDate(to));
        }

        using var reader = await candidates.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            switch (await VerifyCandidateAsync(reader.GetInt64(0), -reader.GetDouble(1), state, load, cancellationToken).ConfigureAwait(false))
            {
                case null:
                    return null;
                case true:
                    return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Loads and verifies one candidate (a papers rowid) into <paramref name="state"/>. True: the page is complete (and
    /// one more hit seen); false: go on; null: the candidate's index entry is stale.
    /// </summary>
    private static async Task<bool?> VerifyCandidateAsync(long rowid, double score, PageState state, SqliteCommand load, CancellationToken cancellationToken)
    {
        if (!state.Seen.Add(rowid))
        {
            return false;
        }

        load.Parameters["$r"].Value = rowid;
        Paper paper;
        DateOnly? day;
        using (var row = await load.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await row.ReadAsync(cancellationToken).ConfigureAwait(false) || row.IsDBNull(2)
                || !string.Equals(row.GetString(0), row.GetString(2), StringComparison.Ordinal))
            {
                return null;
            }

            day = row.IsDBNull(1) ? null : ParseDate(row.GetString(1));
            paper = ReadPaper(row, at: 2) with
            {
                Published = row.IsDBNull(12) ? null : ParseDate(row.GetString(12)),
                ListingDate = row.IsDBNull(13) ? null : ParseDate(row.GetString(13)),
            };
        }

        if (PaperSearch.Verify(state.Query, state.Filter, new PaperText(paper)) is not { } verified)
        {
            return false;
        }

        state.Found++;
        if (state.Found <= state.Filter.Offset)
        {
            return false;
        }

        if (state.Hits.Count == state.Filter.Limit)
        {
            state.More = true;
            return true;
        }

        state.Hits.Add(new SearchHit(paper, state.Found, score, day, verified));
        return false;
    }

    private SqliteCommand LoadCommand()
    {
        var load = Reused("""
            SELECT s.id, s.day, p.id, p.version, p.title, p.authors_json, p.abstract, p.comments, p.journal_ref, p.doi,
                   p.primary_category, p.subjects_json, p.published,
                   (SELECT min(ap.listing_date) FROM announcement_papers ap WHERE ap.paper_id = s.id)
            FROM search_index s LEFT JOIN papers p ON p.rowid = s.paper_rowid
            WHERE s.paper_rowid = $r
            """);
        load.Parameters.Add("$r", SqliteType.Integer);
        return load;
    }

    /// <summary>
    /// The search path's statements, prepared once per connection and reused: a search runs five or more, and preparing
    /// an FTS5 statement costs about as much as running a small one. The caller neither disposes nor keeps the command;
    /// its parameters are cleared here.
    /// </summary>
    private SqliteCommand Reused(string sql)
    {
        if (!_reused.TryGetValue(sql, out var command))
        {
            if (_reused.Count >= 64)
            {
                DisposeReused();
            }

            command = Command(null, sql);
            _reused[sql] = command;
        }

        command.Parameters.Clear();
        return command;
    }

    private void DisposeReused()
    {
        foreach (var command in _reused.Values)
        {
            command.Dispose();
        }

        _reused.Clear();
    }

    private readonly Dictionary<string, SqliteCommand> _reused = new(StringComparer.Ordinal);

    /// <summary>The page being filled across passes.</summary>
    private sealed class PageState(Query query, SearchFilter filter)
    {
        public Query Query { get; } = query;

        public SearchFilter Filter { get; } = filter;

        public List<SearchHit> Hits { get; } = [];

        public HashSet<long> Seen { get; } = [];

        public int Found { get; set; }

        public bool More { get; set; }

        public SearchPage Page() => new(Hits, More);
    }

    /// <summary>Queries whose words each occur in at most this many papers keep bm25 ranking (its IDF pass is then cheap).</summary>
    internal int RankLimit { get; set; } = 10_000;

    /// <summary>Candidates ordered together (by tier, or by date for cat:/id:-only queries); settable so tests can cross windows with few papers.</summary>
    internal int RankWindow { get; set; } = 4000;

    /// <summary>The first window's size: windows grow four-fold from it up to <see cref="RankWindow"/>.</summary>
    internal int FirstRankWindow { get; set; } = 100;

    /// <inheritdoc />
    public async Task<long> CountUnindexedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            // A range of the rowid B-tree above the watermark: empty, hence instant, when the index is up to date.
            using var command = Command(null, """
                SELECT (SELECT count(*) FROM papers WHERE rowid > (SELECT last_rowid FROM search_watermark))
                     + (SELECT count(*) FROM search_pending)
                """);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read the search index", ex);
        }
    }

    /// <summary>How many paper ids the search index holds (for diagnostics and tests).</summary>
    public async Task<long> CountIndexedAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var command = Command(null, "SELECT count(*) FROM search_index");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }
}
