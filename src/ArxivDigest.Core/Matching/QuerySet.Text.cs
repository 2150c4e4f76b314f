using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ArxivDigest.Matching;

/// <summary>
/// The text scan without per-word allocations: each word of a field is lower-cased and folded (plurals, inflections) into a
/// scratch buffer and looked up in the vocabulary of the query words (a span look-up), so a paper becomes a list
/// of word ids; phrases are compared as ids. Words no query uses get id -1.
/// </summary>
public sealed partial class QuerySet
{
    private readonly Dictionary<string, int> _vocabulary;

    /// <summary>
    /// Per word id, the phrases ending in a prefix (<c>neural net*</c>) anchored on it, by their longest (so usually
    /// rarest) word; <see cref="_anchorOffset"/> is the anchor's position in the phrase. Other text terms are in the
    /// trie (<see cref="Trie"/>).
    /// </summary>
    private readonly int[][] _byAnchorId;

    private readonly int[] _anchorOffset;

    /// <summary>Ids for the folded words of text terms (all but a prefix last word), per id the terms anchored on it, and each term's anchor position.</summary>
    private (Dictionary<string, int> Vocabulary, int[][] ByAnchorId, int[] AnchorOffset) BuildVocabulary()
    {
        var vocabulary = new Dictionary<string, int>(StringComparer.Ordinal);
        var byAnchor = new List<List<int>>();
        var anchors = new int[_terms.Length];
        for (var t = 0; t < _terms.Length; t++)
        {
            var term = _terms[t];
            if (term.Field is QueryField.Author or QueryField.Category or QueryField.Id || term.Exact)
            {
                continue;
            }

            var pattern = _patterns[t];
            var words = term.Prefix ? pattern.Length - 1 : pattern.Length;
            for (var i = 0; i < words; i++)
            {
                if (!vocabulary.ContainsKey(pattern[i]))
                {
                    vocabulary[pattern[i]] = vocabulary.Count;
                    byAnchor.Add([]);
                }
            }

            if (words > 0 && term.Prefix)
            {
                var anchor = 0;
                for (var i = 1; i < words; i++)
                {
                    if (pattern[i].Length > pattern[anchor].Length)
                    {
                        anchor = i;
                    }
                }

                anchors[t] = anchor;
                byAnchor[vocabulary[pattern[anchor]]].Add(t);
            }
        }

        return (vocabulary, [.. byAnchor.Select(l => l.ToArray())], anchors);
    }

    private WordTrie? _trie;

    /// <summary>The whole-word text terms (not exact-case, no prefix) as a trie over word ids, built once.</summary>
    private WordTrie Trie => _trie ??= new WordTrie(this);

    /// <summary>
    /// Phrases as paths of word ids from the root: at each word of a paper the scan walks down as far as the following
    /// words allow and hits the terms ending on the way, so the cost per word does not grow with the number of
    /// phrases that share a word (one step for most words, whatever the query count). The root's child for word id
    /// <c>w</c> is node <c>w</c> (every vocabulary word has one, empty when no phrase starts with it); deeper
    /// children are found in a hash table.
    /// </summary>
    private sealed class WordTrie
    {
        /// <summary>Per node (node <c>w</c> for the root child of word id <c>w</c>), where its terms are in <see cref="_termsFlat"/> and which next words go on from it.</summary>
        private readonly TrieNode[] _nodes;

        /// <summary>
        /// The terms ending at each node, each as one int: a term that is the whole of its one query (<see cref="_directQueryOfTerm"/>)
        /// as <c>query &lt;&lt; 4 | 8 | fields</c>, any other as <c>term &lt;&lt; 4 | fields</c> (fields: <see cref="FieldBits"/>).
        /// </summary>
        private readonly int[] _termsFlat;

        // Children below the root: (node, word id) → child, open addressing over a power-of-two table.
        private readonly long[] _childKeys;
        private readonly int[] _childNodes;
        private readonly int _childShift;

        public WordTrie(QuerySet set)
        {
            var children = new Dictionary<long, int>();
            var childMasks = new List<ulong>(set._vocabulary.Count * 2);
            childMasks.AddRange(new ulong[set._vocabulary.Count]); // node w for each word id w
            var ends = new List<(int Node, int Term)>(set._terms.Length);
            for (var t = 0; t < set._terms.Length; t++)
            {
                var term = set._terms[t];
                if (term.Field is QueryField.Author or QueryField.Category or QueryField.Id || term.Exact || term.Prefix || set._patterns[t].Length == 0)
                {
                    continue;
                }

                var node = -1;
                foreach (var word in set._patterns[t])
                {
                    var id = set._vocabulary[word];
                    if (node < 0)
                    {
                        node = id;
                    }
                    else
                    {
                        childMasks[node] |= ChildBit(id);
                        var key = Key(node, id);
                        if (!children.TryGetValue(key, out var child))
                        {
                            children[key] = child = childMasks.Count;
                            childMasks.Add(0);
                        }

                        node = child;
                    }
                }

                ends.Add((node, t));
            }

            // Each node's terms together, in term order (a counting sort of the ends by node).
            var starts = new int[childMasks.Count + 1];
            foreach (var (node, _) in ends)
            {
                starts[node + 1]++;
            }

            for (var node = 0; node < childMasks.Count; node++)
            {
                starts[node + 1] += starts[node];
            }

            _nodes = new TrieNode[childMasks.Count];
            for (var node = 0; node < _nodes.Length; node++)
            {
                _nodes[node] = new TrieNode(starts[node], starts[node + 1], childMasks[node]);
            }

            _termsFlat = new int[ends.Count];
            foreach (var (node, t) in ends)
            {
                _termsFlat[starts[node]++] = set._directQueryOfTerm[t] is var q and >= 0
                    ? (q << 4) | 8 | FieldBits(set._terms[t].Field)
                    : (t << 4) | FieldBits(set._terms[t].Field);
            }

            var bits = 4;
            while ((1 << bits) < children.Count * 2)
            {
                bits++;
            }

            _childShift = 64 - bits;
            _childKeys = new long[1 << bits];
            _childKeys.AsSpan().Fill(-1);
            _childNodes = new int[1 << bits];
            foreach (var (key, child) in children)
            {
                var slot = Slot(key);
                while (_childKeys[slot] != -1)
                {
                    slot = (slot + 1) & (_childKeys.Length - 1);
                }

                _childKeys[slot] = key;
                _childNodes[slot] = child;
            }
        }

        public TrieNode[] Nodes => _nodes;

        public int[] TermsFlat => _termsFlat;

        /// <summary>
        /// A matcher's own copy of the nodes for the walk (<see cref="WalkNode"/>): what a visit reads and the stamp it
        /// writes sit in one 16-byte entry, so a visit touches one cache line.
        /// </summary>
        public WalkNode[] NewWalk()
        {
            var walk = new WalkNode[_nodes.Length];
            for (var node = 0; node < walk.Length; node++)
            {
                var (start, end, children) = _nodes[node];
                walk[node].Children = children;
                walk[node].Entry = (end - start) switch
                {
                    0 => 0,
                    1 => _termsFlat[start],
                    _ => ~node,
                };
            }

            return walk;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Child(int node, int id)
        {
            var key = Key(node, id);
            var keys = _childKeys;
            var slot = Slot(key);
            while (true)
            {
                var k = keys[slot];
                if (k == key)
                {
                    return _childNodes[slot];
                }

                if (k == -1)
                {
                    return -1;
                }

                slot = (slot + 1) & (keys.Length - 1);
            }
        }

        private static long Key(int node, int id) => ((long)node << 32) | (uint)id;

        private int Slot(long key) => (int)((ulong)key * 0x9E3779B97F4A7C15UL >> _childShift);
    }

    /// <summary>
    /// A trie node: its terms are <c>TermsFlat[Start..End]</c>; <paramref name="Children"/> has the <see cref="ChildBit"/>
    /// of each word id that has a child here (none: no phrase goes on). Most next words are in no phrase that goes
    /// on from here, and the mask tells so without a look-up in the children's table.
    /// </summary>
    private readonly record struct TrieNode(int Start, int End, ulong Children);

    /// <summary>
    /// A trie node as one matcher walks it: <see cref="Children"/> as in <see cref="TrieNode"/>; <see cref="Entry"/>
    /// 0 when no term ends here, the one term's <see cref="WordTrie.TermsFlat"/> entry (always positive) when one does,
    /// <c>~node</c> when several do (they are read from the shared trie); <see cref="Seen"/> the matcher's
    /// <c>generation &lt;&lt; 3 | fields</c> stamp: the fields the node was reached in, in the current paper.
    /// </summary>
    private struct WalkNode
    {
        public ulong Children;
        public int Entry;
        public int Seen;
    }

    /// <summary>A word id's bit in <see cref="TrieNode.Children"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ChildBit(int id) => 1UL << (id & 63);

    /// <summary>The fields a term of <paramref name="scope"/> is looked for in, one bit each (title 1, abstract 2, comments 4).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FieldBits(QueryField scope) => scope switch
    {
        QueryField.Any => 3,
        QueryField.Title => 1,
        QueryField.Abstract => 2,
        QueryField.Comments => 4,
        _ => 0,
    };

    /// <summary>The vocabulary as an open-addressing table for the scan (built once; read by every matcher).</summary>
    private WordTable? _wordTable;

    private WordTable Table => _wordTable ??= new WordTable(_vocabulary);

    /// <summary>
    /// Word → id with linear probing over a power-of-two table, the FNV-1a hash kept beside each word so a probe
    /// rarely compares text: most paper words are in no query and cost one hash and one or two slot reads.
    /// </summary>
    private sealed class WordTable
    {
        private readonly int[] _hashes;
        private readonly int[] _ids;
        private readonly string[] _words;
        private readonly int _mask;

        public WordTable(Dictionary<string, int> vocabulary)
        {
            var size = 16;
            while (size < vocabulary.Count * 4)
            {
                size *= 2;
            }

            _hashes = new int[size];
            _ids = new int[size];
            _words = new string[size];
            _mask = size - 1;
            _ids.AsSpan().Fill(-1);
            foreach (var (word, id) in vocabulary)
            {
                var h = Hash(word);
                var slot = h & _mask;
                while (_ids[slot] >= 0)
                {
                    slot = (slot + 1) & _mask;
                }

                _hashes[slot] = h;
                _ids[slot] = id;
                _words[slot] = word;
            }
        }

        public int Find(ReadOnlySpan<char> word)
        {
            var h = Hash(word);
            var slot = h & _mask;
            while (true)
            {
                var id = _ids[slot];
                if (id < 0)
                {
                    return -1;
                }

                if (_hashes[slot] == h && word.SequenceEqual(_words[slot]))
                {
                    return id;
                }

                slot = (slot + 1) & _mask;
            }
        }

        private static int Hash(ReadOnlySpan<char> s)
        {
            var h = 2166136261u;
            foreach (var c in s)
            {
                h = (h ^ c) * 16777619u;
            }

            // Fold the high bits in: the table index uses the low ones.
            return (int)(h ^ (h >> 15));
        }
    }

    /// <summary>Letters and digits, as <see cref="char.IsLetterOrDigit(char)"/>, with a table for ASCII.</summary>
    private static bool IsWordChar(char c) => c < 128 ? AsciiWord[c] : char.IsLetterOrDigit(c);

    private static readonly bool[] AsciiWord = [.. Enumerable.Range(0, 128).Select(c => char.IsLetterOrDigit((char)c))];


    /// <summary>
    /// True when every term of the set is found from word ids alone: no exact-case term and no prefix, which compare
    /// the text itself. Such sets can scan <see cref="Matcher.MatchingQueries(TextField, TextField, TextField, List{int})"/>
    /// fields given as escaped ASCII.
    /// </summary>
    public bool ScansWordsOnly => _wordsOnly ??= _byExactWord.Count == 0 && _prefixTextTerms.Length == 0
        && !_terms.Any(t => t.Prefix && t.Field is not (QueryField.Author or QueryField.Category or QueryField.Id));

    private bool? _wordsOnly;

    /// <summary>
    /// True when <paramref name="text"/> (a JSON string's raw bytes) is plain ASCII whose only escapes are two bytes
    /// standing for a separator (<c>\n \t \r \b \f \" \/</c>), without TeX characters: its words can be read
    /// straight from the bytes.
    /// </summary>
    public static bool IsEscapedAscii(ReadOnlySpan<byte> text)
    {
        if (text.ContainsAnyExceptInRange((byte)0x20, (byte)0x7e) || text.IndexOfAny(TexBytes) >= 0)
        {
            return false;
        }

        for (var i = text.IndexOf((byte)'\\'); i >= 0; i = text[(i + 2)..].IndexOf((byte)'\\') is var j and >= 0 ? i + 2 + j : -1)
        {
            if (i + 1 >= text.Length || text[i + 1] is not ((byte)'n' or (byte)'t' or (byte)'r' or (byte)'b' or (byte)'f' or (byte)'"' or (byte)'/'))
            {
                return false;
            }
        }

        return true;
    }

    private static readonly SearchValues<byte> TexBytes = SearchValues.Create("${}"u8);

    public sealed partial class Matcher
    {
        private char[] _lower = new char[1024];
        private char[] _fold = new char[256];
        private int[] _ids = new int[256];
        private int[] _starts = new int[256];
        private int[] _lengths = new int[256];
        private int[][]? _termIds;

        /// <summary>Pattern words as vocabulary ids (-1 for a prefix last word, checked as text).</summary>
        private int[][] TermIds => _termIds ??= _set._patterns
            .Select((p, t) => p.Select((w, i) => _set._vocabulary.TryGetValue(w, out var id) && !(_set._terms[t].Prefix && i == p.Length - 1) ? id : -1).ToArray())
            .ToArray();

        private void ScanText(string? text, QueryField field) => ScanText(text.AsSpan(), field);


        /// <summary>Room for the words of a text of <paramref name="length"/> chars (at most one per two chars, rounded up), and a sentinel after them.</summary>
        private void EnsureWordRoom(int length)
        {
            var most = (length / 2) + 2;
            if (_ids.Length < most)
            {
                var size = Math.Max(most, _ids.Length * 2);
                _ids = new int[size];
                _starts = new int[size];
                _lengths = new int[size];
            }
        }

        /// <summary>Scans one field's text (as stored or as unescaped from JSON); ASCII text goes through <see cref="ScanAsciiWords"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ScanText(ReadOnlySpan<char> text, QueryField field)
        {
            if (text.IsEmpty)
            {
                return;
            }

            var clean = TextNormalizer.Clean(text, ref _clean);
            if (_lower.Length < clean.Length)
            {
                _lower = new char[Math.Max(clean.Length, _lower.Length * 2)];
            }

            var lower = _lower.AsSpan(0, clean.Length);
            clean.ToLowerInvariant(lower);
            if (_narrow.Length < clean.Length)
            {
                _narrow = new byte[Math.Max(clean.Length, _narrow.Length * 2)];
            }

            // Chars and bytes line up one to one, so word starts and lengths hold for the chars too.
            var count = System.Text.Ascii.FromUtf16(clean, _narrow, out _) == OperationStatus.Done
                ? ScanAsciiWords(_narrow.AsSpan(0, clean.Length), escapes: false)
                : ScanWords(clean, lower);
            Resolve(count, lower, clean, field);
        }

        private WordCache? _cache;

        private byte[] _narrow = new byte[1024];
        private char[] _clean = new char[1024];
        private char[] _word = new char[64];

        /// <summary>The words of a text that is not all ASCII, char by char; returns how many.</summary>
        private int ScanWords(ReadOnlySpan<char> clean, ReadOnlySpan<char> lower)
        {
            EnsureWordRoom(clean.Length);
            var count = 0;
            var n = clean.Length;
            var at = 0;
            while (true)
            {
                while (at < n && !IsWordChar(clean[at]))
                {
                    at++;
                }

                if (at == n)
                {
                    return count;
                }

                var start = at;
                while (at < n && IsWordChar(clean[at]))
                {
                    at++;
                }

                _ids[count] = FindFolded(lower[start..at]);
                _starts[count] = start;
                _lengths[count] = at - start;
                count++;
            }
        }

        /// <summary>The vocabulary id of a lower-case word once folded (-1: in no query).</summary>
        private int FindFolded(ReadOnlySpan<char> word)
        {
            if (word.Length <= 3)
            {
                return _set.Table.Find(word); // FoldWord keeps short words as they are
            }

            if (_fold.Length < word.Length)
            {
                _fold = new char[word.Length * 2];
            }

            return _set.Table.Find(_fold.AsSpan(0, Tokens.FoldWord(word, _fold)));
        }

        /// <summary>
        /// Scans text given as ASCII with JSON-style escapes (a backslash and the byte after it, e.g. <c>\n</c>), as
        /// cut from a snapshot line: no TeX, no non-ASCII, no <c>\\</c> or <c>\u</c> escape (the caller checks;
        /// <see cref="IsEscapedAscii"/>). An escape reads as a separator, as the char it stands for would. Only for sets
        /// whose terms compare word ids alone (<see cref="ScansWordsOnly"/>).
        /// </summary>
        private void ScanEscapedAscii(ReadOnlySpan<byte> text, QueryField field) =>
            Resolve(ScanAsciiWords(text, escapes: true), [], [], field);

        private ulong[] _wordBits = new ulong[64];

        /// <summary>
        /// The words of an ASCII text (letters and digits; with <paramref name="escapes"/>, a backslash and the byte
        /// after it are a separator): their ids, starts and lengths; returns how many. One vectorised pass marks the
        /// word bytes in a bit map, 64 to a <see cref="ulong"/>; words are then found with bit scans, and each word of
        /// up to 16 bytes costs two loads and one <see cref="WordCache"/> probe.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int ScanAsciiWords(ReadOnlySpan<byte> text, bool escapes)
        {
            var n = text.Length;
            EnsureWordRoom(n);
            var blocks = (n + 63) >> 6;
            if (_wordBits.Length < blocks + 1)
            {
                _wordBits = new ulong[Math.Max(blocks + 1, _wordBits.Length * 2)];
            }

            var bits = _wordBits;
            Span<byte> pad = stackalloc byte[64];
            ulong carry = 0;
            for (var block = 0; block < blocks; block++)
            {
                var at = block << 6;
                scoped ReadOnlySpan<byte> chunk;
                if (at + 64 <= n)
                {
                    chunk = text.Slice(at, 64);
                }
                else
                {
                    pad.Fill((byte)' ');
                    text[at..].CopyTo(pad);
                    chunk = pad;
                }

                var word = WordMask(chunk, out var backslashes);
                if (escapes)
                {
                    // The byte after a backslash is the escape's letter, not a word char.
                    word &= ~((backslashes << 1) | carry);
                    carry = backslashes >> 63;
                }

                bits[block] = word;
            }

            bits[blocks] = 0; // a sentinel: every word ends
            var cache = _cache ??= new WordCache();
            var ids = _ids;
            var starts = _starts;
            var lengths = _lengths;
            var count = 0;
            var pos = 0;
            Span<byte> tail = stackalloc byte[16];
            while (true)
            {
                // The next word start: the first set bit at or after pos.
                var b = pos >> 6;
                var w = bits[b] & (~0UL << (pos & 63));
                while (w == 0)
                {
                    if (++b >= blocks)
                    {
                        return count;
                    }

                    w = bits[b];
                }

                var start = (b << 6) + BitOperations.TrailingZeroCount(w);

                // Its end: the first clear bit after it (the sentinel block has one).
                w = ~bits[b] & (~0UL << (start & 63));
                while (w == 0)
                {
                    w = ~bits[++b];
                }

                var end = (b << 6) + BitOperations.TrailingZeroCount(w);
                var length = end - start;
                int id;
                if (length > WordCache.MaxLength)
                {
                    id = FindFoldedAscii(text.Slice(start, length));
                }
                else
                {
                    ulong low, high;
                    if (start + 16 <= n)
                    {
                        low = BinaryPrimitives.ReadUInt64LittleEndian(text[start..]);
                        high = BinaryPrimitives.ReadUInt64LittleEndian(text[(start + 8)..]);
                    }
                    else
                    {
                        tail.Clear();
                        text.Slice(start, length).CopyTo(tail);
                        low = BinaryPrimitives.ReadUInt64LittleEndian(tail);
                        high = BinaryPrimitives.ReadUInt64LittleEndian(tail[8..]);
                    }

                    low &= ~0UL >> ((8 - Math.Min(length, 8)) << 3);
                    high = length <= 8 ? 0 : high & (~0UL >> ((16 - length) << 3));
                    if (!cache.TryGet(low, high, length, out id, out var slot))
                    {
                        id = FindFoldedAscii(text.Slice(start, length));
                        cache.Add(slot, low, high, length, id);
                    }
                }

                ids[count] = id;
                starts[count] = start;
                lengths[count] = length;
                count++;
                pos = end;
            }
        }

        /// <summary>Bit i set when byte i of the 64 is an ASCII letter or digit; <paramref name="backslashes"/> marks the backslashes.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static ulong WordMask(ReadOnlySpan<byte> chunk, out ulong backslashes)
        {
            ulong word = 0;
            backslashes = 0;
            for (var i = 0; i < 4; i++)
            {
                var v = Vector128.Create(chunk.Slice(i << 4, 16));
                var letter = Vector128.LessThan((v | Vector128.Create((byte)0x20)) - Vector128.Create((byte)'a'), Vector128.Create((byte)26));
                var digit = Vector128.LessThan(v - Vector128.Create((byte)'0'), Vector128.Create((byte)10));
                word |= (ulong)(letter | digit).ExtractMostSignificantBits() << (i << 4);
                backslashes |= (ulong)Vector128.Equals(v, Vector128.Create((byte)'\\')).ExtractMostSignificantBits() << (i << 4);
            }

            return word;
        }

        /// <summary><see cref="FindFolded"/> for an ASCII word in any case.</summary>
        private int FindFoldedAscii(ReadOnlySpan<byte> word)
        {
            if (_word.Length < word.Length)
            {
                _word = new char[Math.Max(word.Length, _word.Length * 2)];
            }

            var lower = _word.AsSpan(0, word.Length);
            for (var k = 0; k < word.Length; k++)
            {
                var c = word[k];
                lower[k] = (char)(c is >= (byte)'A' and <= (byte)'Z' ? c | 0x20 : c);
            }

            return FindFolded(lower);
        }

        /// <summary>Hits the terms found among the <paramref name="count"/> words just scanned (ids, starts, lengths).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Resolve(int count, ReadOnlySpan<char> lower, ReadOnlySpan<char> clean, QueryField field)
        {
            ResolveTrie(count, FieldBits(field));
            if (_set._hasAnchoredTerms || _set._byExactWord.Count > 0 || _set._prefixTextTerms.Length > 0)
            {
                ResolveText(count, lower, clean, field);
            }
        }

        /// <summary>
        /// The whole-word terms among the words just scanned: from each known word's own root node, down the trie as
        /// far as the next words go. A node's terms are looked at once per field and paper (the first visit decides).
        /// A direct query (<see cref="_directQueryOfTerm"/>) that matches is added to <see cref="_counts"/> when counting,
        /// else listed in <see cref="_directHits"/>.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void ResolveTrie(int count, int fieldBit)
        {
            var trie = _set.Trie;
            var walk = _walk ??= trie.NewWalk();
            var stamp = _generation << 3;
            var ids = _ids;
            ids[count] = -1;
            for (var i = 0; i < count; i++)
            {
                var node = ids[i];
                var j = i;
                while (node >= 0)
                {
                    ref var visit = ref walk[node];
                    var entry = visit.Entry;
                    if (entry != 0)
                    {
                        var seen = visit.Seen;
                        var seenFields = (seen & ~7) == stamp ? seen & 7 : 0;
                        if ((seenFields & fieldBit) == 0)
                        {
                            visit.Seen = stamp | seenFields | fieldBit;
                            if (entry > 0)
                            {
                                Take(entry, fieldBit, seenFields);
                            }
                            else
                            {
                                var (start, end, _) = trie.Nodes[~entry];
                                for (var k = start; k < end; k++)
                                {
                                    Take(trie.TermsFlat[k], fieldBit, seenFields);
                                }
                            }
                        }
                    }

                    // One branch for "the next word goes on from here": its bit in the mask, and a word id (the
                    // sentinel after the last word is -1, as is a word in no query).
                    var next = ids[++j];
                    if (((visit.Children >> next) & ((uint)~next >> 31)) == 0)
                    {
                        break;
                    }

                    node = trie.Child(node, next); // -1 when the mask said yes for a word with no child here
                }
            }
        }

        /// <summary>A term entry of a node reached in <paramref name="fieldBit"/>: it hits the first time its node is reached in a field it covers.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Take(int entry, int fieldBit, int seenFields)
        {
            if ((entry & fieldBit) == 0 || (entry & seenFields) != 0)
            {
                return;
            }

            if ((entry & 8) == 0)
            {
                Hit(entry >> 4);
            }
            else if (_counts is { } counts)
            {
                counts[entry >> 4]++;
                _counted++;
            }
            else
            {
                _directHits[_directCount++] = entry >> 4;
            }
        }

        /// <summary>The terms <see cref="Resolve"/> leaves: phrases ending in a prefix, exact-case terms and one-word prefixes.</summary>
        private void ResolveText(int count, ReadOnlySpan<char> lower, ReadOnlySpan<char> clean, QueryField field)
        {
            var termIds = TermIds;
            var termFields = _set._termFields;
            var ids = _ids;
            var exactWords = _set._byExactWord.Count > 0 ? _set._byExactWord.GetAlternateLookup<ReadOnlySpan<char>>() : default;
            for (var i = 0; i < count; i++)
            {
                var id = ids[i];
                if (id >= 0 && _set._hasAnchoredTerms)
                {
                    // Phrases ending in a prefix (neural net*), anchored on their longest word.
                    foreach (var t in _set._byAnchorId[id])
                    {
                        var from = i - _set._anchorOffset[t];
                        if (from >= 0 && _termStamp[t] != _generation && Covers(termFields[t], field) && IdsMatchAt(termIds[t], t, lower, count, from))
                        {
                            Hit(t);
                        }
                    }
                }

                if (_set._byExactWord.Count > 0 && exactWords.TryGetValue(clean.Slice(_starts[i], _lengths[i]), out var exactTerms))
                {
                    foreach (var t in exactTerms)
                    {
                        var term = _set._terms[t];
                        if (_termStamp[t] != _generation && term.Field != QueryField.Author && Covers(term.Field, field)
                            && TextMatchesAt(_set._patterns[t], term.Prefix, clean, count, i))
                        {
                            Hit(t);
                        }
                    }
                }

                foreach (var t in _set._prefixTextTerms)
                {
                    var term = _set._terms[t];
                    if (_termStamp[t] != _generation && Covers(term.Field, field))
                    {
                        var candidate = term.Exact ? clean.Slice(_starts[i], _lengths[i]) : lower.Slice(_starts[i], _lengths[i]);
                        if (candidate.StartsWith(_set._patterns[t][0], StringComparison.Ordinal))
                        {
                            Hit(t);
                        }
                    }
                }
            }
        }

        /// <summary>The term's words at word <paramref name="i"/>: ids, and a prefix last word compared as lower-case text.</summary>
        private bool IdsMatchAt(int[] ids, int t, ReadOnlySpan<char> lower, int count, int i)
        {
            if (i + ids.Length > count)
            {
                return false;
            }

            for (var j = 0; j < ids.Length; j++)
            {
                if (ids[j] >= 0)
                {
                    if (_ids[i + j] != ids[j])
                    {
                        return false;
                    }
                }
                else if (!lower.Slice(_starts[i + j], _lengths[i + j]).StartsWith(_set._patterns[t][j], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        /// <summary>An exact term's words at word <paramref name="i"/>, case-sensitive (the last as a prefix when so).</summary>
        private bool TextMatchesAt(string[] pattern, bool prefix, ReadOnlySpan<char> clean, int count, int i)
        {
            if (i + pattern.Length > count)
            {
                return false;
            }

            for (var j = 0; j < pattern.Length; j++)
            {
                var word = clean.Slice(_starts[i + j], _lengths[i + j]);
                var ok = prefix && j == pattern.Length - 1
                    ? word.StartsWith(pattern[j], StringComparison.Ordinal)
                    : word.SequenceEqual(pattern[j]);
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }
    }
}

/// <summary>
/// A field's text for <see cref="QuerySet.Matcher.MatchingQueries(TextField, TextField, TextField, List{int})"/>: chars,
/// or the raw bytes of a JSON string that <see cref="QuerySet.IsEscapedAscii"/> accepts (read without decoding).
/// </summary>
public readonly ref struct TextField
{
    private TextField(ReadOnlySpan<char> chars, ReadOnlySpan<byte> escapedAscii, bool isEscapedAscii)
    {
        Chars = chars;
        EscapedAscii = escapedAscii;
        IsEscapedAscii = isEscapedAscii;
    }

    public ReadOnlySpan<char> Chars { get; }

    public ReadOnlySpan<byte> EscapedAscii { get; }

    public bool IsEscapedAscii { get; }

    public static TextField FromChars(ReadOnlySpan<char> text) => new(text, default, false);

    /// <summary>Raw JSON string bytes; the caller has checked them with <see cref="QuerySet.IsEscapedAscii"/>.</summary>
    public static TextField FromEscapedAscii(ReadOnlySpan<byte> text) => new(default, text, true);
}
