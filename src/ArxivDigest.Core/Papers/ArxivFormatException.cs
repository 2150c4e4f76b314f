namespace ArxivDigest.Papers;

/// <summary>
/// A source response that cannot be read as what it claims to be, or that contradicts itself (counts promise more
/// entries than it holds, an error feed). <see cref="Origin"/> names the URL or file.
/// </summary>
public sealed class ArxivFormatException(string origin, string message, Exception? inner = null)
    : Exception($"{origin}: {message}", inner)
{
    public string Origin { get; } = origin;

    public string Reason { get; } = message;
}
