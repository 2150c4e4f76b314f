using System.Runtime.CompilerServices;

namespace ArxivDigest.Matching;

/// <summary>
/// Many queries compiled into one matcher, so the cost per paper barely grows with the number of queries: the terms
/// of all queries are deduplicated and indexed by their first word (a hash look-up per paper word, then a check of
/// the few phrases that start with it); only the queries that contain a term that hit outside a NOT (or that can
/// match without any hit, like <c>NOT survey</c>) are evaluated, over the hit flags, without looking at the text again.
/// Results equal <see cref="Query.Match(PaperText)"/> for every query (a property test checks it).
/// </summary>
public sealed partial class QuerySet
{
    private readonly Query[] _queries;
    private readonly TermNode[] _terms;
    private readonly string[][] _patterns;
    private readonly Node[] _compiled;

    /// <summary>Per term, the queries that are that term alone (they match when it hits) and the others (evaluated).</summary>
    private readonly int[][] _singleQueriesOfTerm;

    private readonly int[][] _otherQueriesOfTerm;

    /// <summary>
    /// Per term, the one query it is listed under when that query is the term alone (it matches as soon as the term
    /// hits, with nothing to evaluate) and no query holds it under a NOT, else -1: the common case of a digest of
    /// plain phrases, kept in one array so a hit costs one read.
    /// </summary>
    private readonly int[] _directQueryOfTerm;

    private readonly int[] _alwaysEvaluate;

    private readonly Dictionary<string, int[]> _byFoldedWord;
    private readonly Dictionary<string, int[]> _byExactWord;
    private readonly Dictionary<string, int[]> _byAuthorWord;
    private readonly int[] _prefixTextTerms;
    private readonly int[] _prefixAuthorTerms;
    private readonly int[] _categoryTerms;
    private readonly int[] _idTerms;
    private readonly bool _needComments;
    private readonly bool _needTitle;
    private readonly bool _needAbstract;
    private readonly bool _needAuthors;

    /// <summary>Each term's field, beside the terms so the scan reads it without reaching into the term.</summary>
    private readonly QueryField[] _termFields;

    /// <summary>True when some phrase ends in a prefix (<see cref="_byAnchorId"/> is not all empty).</summary>
    private readonly bool _hasAnchoredTerms;

    public QuerySet(IEnumerable<Query> queries)
    {
        _queries = [.. queries];
        var termIds = new Dictionary<TermNode, int>();
        var negated = new HashSet<int>();
        var terms = new List<TermNode>();
        var queriesOfTerm = new List<List<int>>();
        _compiled = new Node[_queries.Length];
        for (var q = 0; q < _queries.Length; q++)
        {
            _compiled[q] = Compile(_queries[q].Root, q, positive: true);
        }

        _terms = [.. terms];
        _patterns = [.. _terms.Select(Query.Pattern)];
        // (Compile lists each query once per term: a term gets query q only while q compiles, so a repeat is its last entry.)
        _singleQueriesOfTerm = new int[_terms.Length][];
        _otherQueriesOfTerm = new int[_terms.Length][];
        _directQueryOfTerm = new int[_terms.Length];
        for (var t = 0; t < _terms.Length; t++)
        {
            int[] qs = [.. queriesOfTerm[t]];
            var singles = qs.Count(q => IsTermAlone(q, t));
            _singleQueriesOfTerm[t] = singles == 0 ? [] : singles == qs.Length ? qs : [.. qs.Where(q => IsTermAlone(q, t))];
            _otherQueriesOfTerm[t] = singles == qs.Length ? [] : singles == 0 ? qs : [.. qs.Where(q => !IsTermAlone(q, t))];
            // (A term that some query holds under a NOT is read by that query's evaluation: it is never direct.)
            _directQueryOfTerm[t] = qs is [var only] && singles == 1 && !negated.Contains(t) ? only : -1;
        }

        _alwaysEvaluate = [.. Enumerable.Range(0, _queries.Length).Where(q => _compiled[q].Eval(NoHits))];

        var folded = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var exact = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var author = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var prefixText = new List<int>();
        var prefixAuthor = new List<int>();
        var categories = new List<int>();
        var ids = new List<int>();
        for (var t = 0; t < _terms.Length; t++)
        {
            var term = _terms[t];
            var firstIsPrefix = term.Prefix && term.Words.Count == 1;
            if (term.Value is null && term.Words.Count == 0)
            {
                // A term without words (built in code, e.g. from an author name that is only punctuation) never hits.
                continue;
            }

            switch (term.Field)
            {
                case QueryField.Category:
                    categories.Add(t);
                    break;
                case QueryField.Id:
                    ids.Add(t);
                    break;
                case QueryField.Author:
                    _needAuthors = true;
                    if (firstIsPrefix)
                    {
                        prefixAuthor.Add(t);
                    }
                    else
                    {
                        Add(term.Exact ? exact : author, _patterns[t][0], t);
                    }

                    break;
                default:
                    _needComments |= term.Field == QueryField.Comments;
                    _needTitle |= term.Field is QueryField.Any or QueryField.Title;
                    _needAbstract |= term.Field is QueryField.Any or QueryField.Abstract;
                    if (firstIsPrefix)
                    {
                        prefixText.Add(t);
                    }
                    else
                    {
                        Add(term.Exact ? exact : folded, _patterns[t][0], t);
                    }

                    break;
            }
        }

        _byFoldedWord = Freeze(folded);
        _byExactWord = Freeze(exact);
        _byAuthorWord = Freeze(author);
        _prefixTextTerms = [.. prefixText];
        _prefixAuthorTerms = [.. prefixAuthor];
        _categoryTerms = [.. categories];
        _idTerms = [.. ids];
        (_vocabulary, _byAnchorId, _anchorOffset) = BuildVocabulary();
        _hasAnchoredTerms = _byAnchorId.Any(a => a.Length > 0);
        _termFields = [.. _terms.Select(t => t.Field)];
        return;

        // A term that occurs in a query only under an odd number of NOTs can only make it false: its hit alone never
        // makes the query a candidate (queries true without any hit are evaluated anyway), so such a query is not
        // listed under it. Exclusions such as "-survey" then cost nothing on papers that mention a survey.
        Node Compile(QueryNode node, int query, bool positive)
        {
            switch (node)
            {
                case TermNode t:
                    if (!termIds.TryGetValue(t, out var id))
                    {
                        id = terms.Count;
                        termIds[t] = id;
                        terms.Add(t);
                        queriesOfTerm.Add([]);
                    }

                    var listed = queriesOfTerm[id];
                    if (!positive)
                    {
                        negated.Add(id);
                    }
                    else if (listed.Count == 0 || listed[^1] != query)
                    {
                        listed.Add(query);
                    }

                    return new Node(NodeKind.Term, id, []);
                case NotNode n:
                    return new Node(NodeKind.Not, -1, [Compile(n.Child, query, !positive)]);
                case AndNode a:
                    return new Node(NodeKind.And, -1, [.. a.Children.Select(c => Compile(c, query, positive))]);
                case OrNode o:
                    return new Node(NodeKind.Or, -1, [.. o.Children.Select(c => Compile(c, query, positive))]);
                default:
                    throw new ArgumentOutOfRangeException(nameof(node));
            }
        }

        bool IsTermAlone(int q, int t) => _compiled[q].Kind == NodeKind.Term && _compiled[q].Term == t;

        static void Add(Dictionary<string, List<int>> index, string word, int term)
        {
            if (!index.TryGetValue(word, out var list))
            {
                index[word] = list = [];
            }

            list.Add(term);
        }

        static Dictionary<string, int[]> Freeze(Dictionary<string, List<int>> index) =>
            index.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal);
    }

    public IReadOnlyList<Query> Queries => _queries;

    /// <summary>
    /// True when the queries look only at title, abstract and comments (no <c>au:</c>, <c>cat:</c> or <c>id:</c>), so a
    /// paper can be matched from those texts alone.
    /// </summary>
    public bool ReadsOnlyText => !_needAuthors && _categoryTerms.Length == 0 && _idTerms.Length == 0;

    /// <summary>Distinct terms over all queries.</summary>
    public int TermCount => _terms.Length;

    /// <summary>A matcher with its own scratch state: one per thread.</summary>
    public Matcher CreateMatcher() => new(this);

    private static bool NoHits(int term) => false;

    private enum NodeKind
    {
        Term,
        Not,
        And,
        Or,
    }

    private sealed record Node(NodeKind Kind, int Term, Node[] Children)
    {
        public bool Eval(Func<int, bool> hit) => Kind switch
        {
            NodeKind.Term => hit(Term),
            NodeKind.Not => !Children[0].Eval(hit),
            NodeKind.And => Children.All(c => c.Eval(hit)),
            _ => Children.Any(c => c.Eval(hit)),
        };
    }

    /// <summary>Matches papers against every query of the set; not thread-safe (use one per thread).</summary>
    public sealed partial class Matcher
    {
        private readonly QuerySet _set;
        private readonly int[] _termStamp;
        private readonly int[] _queryStamp;
        private readonly List<int> _hitTerms = [];

        /// <summary>
        /// The queries matched by a hit of their <see cref="_directQueryOfTerm"/> (the first <see cref="_directCount"/>);
        /// each at most once a paper, so one slot per query is room enough.
        /// </summary>
        private readonly int[] _directHits;

        private int _directCount;

        /// <summary>This matcher's copy of the trie's nodes, with its stamps (built at the first scan).</summary>
        private WalkNode[]? _walk;

        /// <summary>While <see cref="CountMatches"/> scans: its counts, which the trie walk adds direct queries to (<see cref="_counted"/> of them).</summary>
        private long[]? _counts;

        private int _counted;

        private readonly List<int> _candidates = [];
        private readonly Func<int, bool> _isHit;
        private int _generation;

        internal Matcher(QuerySet set)
        {
            _set = set;
            _termStamp = new int[set._terms.Length];
            _queryStamp = new int[set._queries.Length];
            _directHits = new int[set._queries.Length];
            _isHit = t => _termStamp[t] == _generation;
        }

        /// <summary>How many queries the last <see cref="MatchingQueries"/> looked at (matched directly or evaluated); for tests.</summary>
        internal int CandidateCount => _candidates.Count + _direct;

        private int _direct;

        /// <summary>The indexes (ascending) of the queries that match the paper.</summary>
        public List<int> MatchingQueries(PaperText paper)
        {
            var result = new List<int>();
            MatchingQueries(paper, result);
            return result;
        }

        /// <summary>Fills <paramref name="result"/> (cleared first) with the indexes, ascending, of the queries that match the paper.</summary>
        public void MatchingQueries(PaperText paper, List<int> result)
        {
            Begin();
            if (_set._needTitle)
            {
                ScanText(paper.Paper.Title, QueryField.Title);
            }

            if (_set._needAbstract)
            {
                ScanText(paper.Paper.Abstract, QueryField.Abstract);
            }

            if (_set._needComments && paper.Paper.Comments is not null)
            {
                ScanText(paper.Paper.Comments, QueryField.Comments);
            }

            if (_set._needAuthors)
            {
                foreach (var a in paper.Authors)
                {
                    ScanAuthor(a);
                }
            }

            foreach (var t in _set._categoryTerms)
            {
                if (_termStamp[t] != _generation && paper.Categories.Any(c => Query.CategoryMatches(_set._terms[t], c)))
                {
                    Hit(t);
                }
            }

            foreach (var t in _set._idTerms)
            {
                if (_termStamp[t] != _generation && Query.Find(_set._terms[t], paper) is not null)
                {
                    Hit(t);
                }
            }

            Evaluate(result);
        }

        /// <summary>
        /// <see cref="MatchingQueries(PaperText, List{int})"/> straight from a paper's text fields (e.g. unescaped from a
        /// snapshot line into a buffer), without building a paper; only for sets that read nothing else
        /// (<see cref="ReadsOnlyText"/>). Whitespace may be as in the source: words are what is compared.
        /// </summary>
        public void MatchingQueries(ReadOnlySpan<char> title, ReadOnlySpan<char> @abstract, ReadOnlySpan<char> comments, List<int> result) =>
            MatchingQueries(TextField.FromChars(title), TextField.FromChars(@abstract), TextField.FromChars(comments), result);

        /// <summary>
        /// As <see cref="MatchingQueries(ReadOnlySpan{char}, ReadOnlySpan{char}, ReadOnlySpan{char}, List{int})"/>, each field
        /// as chars or, for sets that compare word ids alone (<see cref="ScansWordsOnly"/>), as escaped ASCII bytes.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void MatchingQueries(TextField title, TextField @abstract, TextField comments, List<int> result)
        {
            ScanFields(title, @abstract, comments);
            Evaluate(result);
        }

        /// <summary>
        /// As <see cref="MatchingQueries(TextField, TextField, TextField, List{int})"/>, but adds one to
        /// <c>counts[q]</c> for each query <c>q</c> the paper matches, without listing them (for <c>match --count</c>);
        /// true when any matched.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool CountMatches(TextField title, TextField @abstract, TextField comments, long[] counts)
        {
            // The trie walk counts the direct queries it finds; the rest are listed, then counted here.
            _counts = counts;
            _counted = 0;
            try
            {
                ScanFields(title, @abstract, comments);
            }
            finally
            {
                _counts = null;
            }

            var direct = _directHits.AsSpan(0, _directCount);
            foreach (var q in direct)
            {
                counts[q]++;
            }

            var any = _counted > 0 || direct.Length > 0;
            if (_hitTerms.Count == 0 && _set._alwaysEvaluate.Length == 0)
            {
                return any;
            }

            Evaluate(_evaluated, withDirect: false);
            foreach (var q in _evaluated)
            {
                counts[q]++;
            }

            return any || _evaluated.Count > 0;
        }

        private readonly List<int> _evaluated = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScanFields(TextField title, TextField @abstract, TextField comments)
        {
            if (!_set.ReadsOnlyText)
            {
                throw new InvalidOperationException("this query set reads authors, categories or ids: match papers instead");
            }

            Begin();
            if (_set._needTitle)
            {
                Scan(title, QueryField.Title);
            }

            if (_set._needAbstract)
            {
                Scan(@abstract, QueryField.Abstract);
            }

            if (_set._needComments)
            {
                Scan(comments, QueryField.Comments);
            }
        }

        private void Scan(TextField text, QueryField field)
        {
            if (!text.IsEscapedAscii)
            {
                ScanText(text.Chars, field);
            }
            else if (_set.ScansWordsOnly)
            {
                ScanEscapedAscii(text.EscapedAscii, field);
            }
            else
            {
                throw new InvalidOperationException("this query set compares text (exact-case or prefix terms): give the field as chars");
            }
        }

        private void Begin()
        {
            // Trie node stamps hold the generation shifted left by 3 (see ResolveTrie): it must fit in 28 bits.
            if (++_generation == 1 << 28)
            {
                Array.Clear(_termStamp);
                Array.Clear(_queryStamp);
                if (_walk is not null)
                {
                    foreach (ref var node in _walk.AsSpan())
                    {
                        node.Seen = 0;
                    }
                }

                _generation = 1;
            }

            _hitTerms.Clear();
            _directCount = 0;
        }

        /// <summary>The candidate queries (those true without hits, and those holding a term that hit) evaluated over the hits.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Evaluate(List<int> result, bool withDirect = true)
        {
            result.Clear();
            _candidates.Clear();
            if (withDirect)
            {
                result.AddRange(_directHits.AsSpan(0, _directCount));
            }

            _direct = _directCount;
            foreach (var q in _set._alwaysEvaluate)
            {
                Candidate(q);
            }

            var singles = _set._singleQueriesOfTerm;
            var others = _set._otherQueriesOfTerm;
            foreach (var t in _hitTerms)
            {
                // A query that is this term alone matches now, and only through this hit (a term hits once a paper).
                var single = singles[t];
                result.AddRange(single.AsSpan());
                _direct += single.Length;
                foreach (var q in others[t])
                {
                    Candidate(q);
                }
            }

            foreach (var q in _candidates)
            {
                if (_set._compiled[q].Eval(_isHit))
                {
                    result.Add(q);
                }
            }

            if (SortResults)
            {
                result.Sort();
            }
        }

        /// <summary>When false, the indexes come unordered (counting needs no order); true by default.</summary>
        public bool SortResults { get; set; } = true;

        /// <summary>The first matching query (in set order) with its <see cref="MatchResult"/>, or null.</summary>
        public (int Index, MatchResult Result)? FirstMatch(PaperText paper)
        {
            var matching = MatchingQueries(paper);
            return matching.Count == 0 ? null : (matching[0], _set._queries[matching[0]].Match(paper)!);
        }

        private void Candidate(int q)
        {
            if (_queryStamp[q] != _generation)
            {
                _queryStamp[q] = _generation;
                _candidates.Add(q);
            }
        }

        private void Hit(int t)
        {
            if (_termStamp[t] != _generation)
            {
                _termStamp[t] = _generation;
                var q = _set._directQueryOfTerm[t];
                if (q < 0)
                {
                    _hitTerms.Add(t);
                }
                else
                {
                    AddDirect(q);
                }
            }
        }

        /// <summary>Query <paramref name="q"/> matches: its one term hit (for the first time in this paper, so once at most).</summary>
        private void AddDirect(int q) => _directHits[_directCount++] = q;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Covers(QueryField scope, QueryField field) =>
            scope == field || (scope == QueryField.Any && field is QueryField.Title or QueryField.Abstract);

        private void ScanAuthor(FieldWords words)
        {
            var lower = words.Lower;
            var exact = words.Exact;
            for (var i = 0; i < lower.Length; i++)
            {
                if (_set._byAuthorWord.TryGetValue(lower[i], out var terms))
                {
                    foreach (var t in terms)
                    {
                        if (_termStamp[t] != _generation && Query.MatchesAt(_set._patterns[t], _set._terms[t].Prefix, lower, lower, i))
                        {
                            Hit(t);
                        }
                    }
                }

                if (_set._byExactWord.TryGetValue(exact[i], out var exactTerms))
                {
                    foreach (var t in exactTerms)
                    {
                        var term = _set._terms[t];
                        if (_termStamp[t] != _generation && term.Field == QueryField.Author
                            && Query.MatchesAt(_set._patterns[t], term.Prefix, exact, exact, i))
                        {
                            Hit(t);
                        }
                    }
                }

                foreach (var t in _set._prefixAuthorTerms)
                {
                    var term = _set._terms[t];
                    if (_termStamp[t] != _generation && (term.Exact ? exact[i] : lower[i]).StartsWith(_set._patterns[t][0], StringComparison.Ordinal))
                    {
                        Hit(t);
                    }
                }
            }
        }
    }
}
