using System.Runtime.CompilerServices;

namespace ArxivDigest.Matching;

public sealed partial class QuerySet
{
    /// <summary>
    /// One matcher's memo of the words it has read: an ASCII word as it stands in the text (case kept, at most 16
    /// chars, packed into two <see cref="ulong"/>s) → the vocabulary id of its lower-cased, folded form (-1 when no
    /// query uses it). A paper's words are mostly words already seen, so most cost one hash and one slot read, with
    /// no lower-casing, folding or text comparison. Open addressing; when half full the table doubles, up to
    /// 2^18 entries (6 MB), and then starts afresh (the common words come back within a few papers).
    /// </summary>
    private sealed class WordCache
    {
        /// <summary>The table starts small (a digest of a few hundred papers needs no more) and doubles up to this.</summary>
        private const int MostBits = 18;

        private Entry[] _entries = new Entry[1 << 12];
        private int _bits = 12;
        private int _count;

        /// <summary>The longest word the cache holds; longer ones are looked up directly.</summary>
        public const int MaxLength = 16;

        /// <summary>True and the id when the word (packed, see <see cref="WordCache"/>) is known; else the slot to <see cref="Add"/> it at.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryGet(ulong low, ulong high, int length, out int id, out int slot)
        {
            var entries = _entries;
            slot = (int)(((low ^ (high * 0x9E3779B97F4A7C15UL) ^ (uint)length) * 0xBF58476D1CE4E5B9UL) >> (64 - _bits));
            while (true)
            {
                ref var e = ref entries[slot];
                if (e.Length == length && e.Low == low && e.High == high)
                {
                    id = e.Id;
                    return true;
                }

                if (e.Length == 0)
                {
                    id = -1;
                    return false;
                }

                slot = (slot + 1) & (entries.Length - 1);
            }
        }

        /// <summary>Adds a word <see cref="TryGet"/> did not find, at the slot it gave; a half-full table doubles, or at its largest starts afresh.</summary>
        public void Add(int slot, ulong low, ulong high, int length, int id)
        {
            if (++_count > _entries.Length / 2)
            {
                var old = _entries;
                _bits = Math.Min(_bits + 1, MostBits);
                _entries = new Entry[1 << _bits];
                _count = 1;
                if (_entries.Length > old.Length)
                {
                    foreach (var e in old)
                    {
                        if (e.Length != 0)
                        {
                            TryGet(e.Low, e.High, e.Length, out _, out var moved);
                            _entries[moved] = e;
                            _count++;
                        }
                    }
                }

                TryGet(low, high, length, out _, out slot);
            }

            _entries[slot] = new Entry { Low = low, High = high, Length = length, Id = id };
        }

        private struct Entry
        {
            public ulong Low;
            public ulong High;
            public int Length;
            public int Id;
        }
    }
}
