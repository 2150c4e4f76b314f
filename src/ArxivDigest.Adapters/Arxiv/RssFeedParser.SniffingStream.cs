using System.Text;

namespace ArxivDigest.Arxiv;

// The stream wrapper that lets a failed parse quote the start of what was actually received.
public static partial class RssFeedParser
{
    /// <summary>Pass-through read-only stream that remembers the first bytes read, for error messages.</summary>
    private sealed class SniffingStream(Stream inner, int keep) : Stream
    {
        private readonly byte[] _prefix = new byte[keep];
        private int _kept;

        public string Prefix() => Encoding.UTF8.GetString(_prefix, 0, _kept);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            Remember(buffer[..n]);
            return n;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            Remember(buffer.Span[..n]);
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private void Remember(ReadOnlySpan<byte> data)
        {
            var take = Math.Min(data.Length, _prefix.Length - _kept);
            if (take > 0)
            {
                data[..take].CopyTo(_prefix.AsSpan(_kept));
                _kept += take;
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
