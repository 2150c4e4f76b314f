using System.Runtime.CompilerServices;

namespace ArxivDigest.Matching;

public sealed partial class QuerySet
{
    /// <summary>
    /// One matcher's memo of the words it has read: an ASCII word as it stands in the text (case kept, at most 16
    /// chars, packed into two <see cref="ulong"/>s) → the vocabulary id of its lower-cased, folded form (-1 when no
    /// query uses it). A paper's words are mostly words already seen, so most cost one hash and one slot read, with
    /// no lower-casing, folding or text comparison. Open addressing over a fixed table; when half full it starts
    /// afresh (the common words come back within a few papers), so its size never grows.
    /// </summary>
    private sealed class WordCache
    {
        private const int Bits = 18;
        private const int Size = 1 << Bits;
        private const int Mask = Size - 1;

        private readonly Entry[] _entries = new Entry[Size];
        private int _count;

        /// <summary>The longest word the cache holds; longer ones are looked up directly.</summary>
        public const int MaxLength = 16;

        /// <summary>True and the id when the word (packed, see <see cref="WordCache"/>) is known; else the slot to <see cref="Add"/> it at.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public bool TryGet(ulong low, ulong high, int length, out int id, out int slot)
        {
            var entries = _entries;
            slot = (int)(((low ^ (high * 0x9E3779B97F4A7C15UL) ^ (uint)length) * 0xBF58476D1CE4E5B9UL) >> (64 - Bits));
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

                slot = (slot + 1) & Mask;
            }
        }

        /// <summary>Adds a word <see cref="TryGet"/> did not find, at the slot it gave.</summary>
        public void Add(int slot, ulong low, ulong high, int length, int id)
        {
            if (++_count > Size / 2)
            {
                Array.Clear(_entries);
                _count = 1;
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
