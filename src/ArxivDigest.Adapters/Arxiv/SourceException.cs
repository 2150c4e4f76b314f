namespace ArxivDigest.Arxiv;

/// <summary>A fetch that failed after retries (network error, HTTP error status), naming the URL.</summary>
public sealed class SourceException(string url, string message, Exception? inner = null)
    : Exception($"{url}: {message}", inner)
{
    public string Url { get; } = url;
}
