using ArxivDigest.Papers;
using ArxivDigest.Storage;

namespace ArxivDigest.Arxiv;

/// <summary>Which arXiv source a run reads.</summary>
public enum SourceKind
{
    Listing,
    Rss,
}

/// <summary>Where announcements come from.</summary>
public sealed record SourceOptions
{
    public SourceKind Kind { get; init; } = SourceKind.Listing;

    public Uri ArxivUrl { get; init; } = new("https://arxiv.org");

    public Uri RssUrl { get; init; } = new("https://rss.arxiv.org");

    public Uri ApiUrl { get; init; } = new("https://export.arxiv.org");

    /// <summary>OAI-PMH base URL (the verb and arguments are appended as a query).</summary>
    public Uri OaiUrl { get; init; } = new("https://oaipmh.arxiv.org/oai");

    /// <summary>A saved listing page or RSS feed read instead of the network.</summary>
    public string? FromFile { get; init; }

    public Uri UrlFor(string category) => Kind == SourceKind.Listing
        ? Combine(ArxivUrl, $"list/{category}/new")
        : Combine(RssUrl, $"rss/{category}");

    /// <summary><c>/list/{category}/recent</c> with every entry on one page (the last five mailings, new and cross only).</summary>
    public Uri RecentUrlFor(string category) => Combine(ArxivUrl, $"list/{category}/recent", "skip=0&show=2000");

    /// <summary>The path appended to the base URL's path; a query on the base URL (a mirror's key) is kept, <paramref name="query"/> added.</summary>
    private static Uri Combine(Uri baseUrl, string path, string? query = null)
    {
        var builder = new UriBuilder(baseUrl);
        builder.Path = builder.Path.TrimEnd('/') + "/" + path;
        if (query is not null)
        {
            builder.Query = builder.Query.Length > 1 ? builder.Query.TrimStart('?') + "&" + query : query;
        }

        return builder.Uri;
    }
}

/// <summary>
/// One category's announcement, whether it came from the network or unchanged from the store, and the response it was
/// read from (to save for debugging when a later check rejects it).
/// </summary>
public sealed record FetchedAnnouncement(Announcement Announcement, bool Unchanged, ResponseSnapshot? Response = null);

/// <summary>
/// The source seam for daily announcements: reads one category's latest mailing from the listing page, RSS, or a
/// saved file, using the store's validators for a conditional GET (an unchanged listing is read back from the store).
/// A response that cannot be read is saved for debugging and the error names the file.
/// </summary>
public sealed class ArxivSource(PoliteHttpClient http, IPaperStore store, SourceOptions options)
{
    public async Task<FetchedAnnouncement> FetchAsync(string category, CancellationToken cancellationToken)
    {
        if (options.FromFile is { } file)
        {
            return new FetchedAnnouncement(ParseFile(file, category), false);
        }

        var url = options.UrlFor(category);
        var shown = Redaction.Url(url);
        var state = await store.GetFetchStateAsync(shown, cancellationToken);
        var response = await http.GetAsync(url, state?.ETag, state?.LastModified, cancellationToken);
        if (response.NotModified && state?.ListingDate is { } date
            && await store.GetAnnouncementAsync(category, date, cancellationToken) is not null)
        {
            var papers = await store.GetAnnouncedPapersAsync(category, date, cancellationToken);
            return new FetchedAnnouncement(
                new Announcement { Category = category, ListingDate = date, Papers = papers, Origin = shown },
                true);
        }

        if (response.Body is null)
        {
            // 304 without anything stored to fall back on: ask again unconditionally.
            response = await http.GetAsync(url, null, null, cancellationToken);
        }

        Announcement announcement;
        try
        {
            announcement = Parse(response.Body ?? "", category, shown);
        }
        catch (ArxivFormatException e)
        {
            throw new ArxivFormatException(e.Origin, e.Reason + http.SaveForDebugging(response.Raw, e.Message), e);
        }

        await store.SaveFetchStateAsync(new FetchState(shown, response.ETag, response.LastModified, announcement.ListingDate), cancellationToken);
        return new FetchedAnnouncement(announcement, false, response.Raw);
    }

    private Announcement Parse(string body, string category, string origin) => options.Kind == SourceKind.Listing
        ? ListingPageParser.ParseNew(body, category, origin)
        : RssFeedParser.Parse(body, category, origin);

    /// <summary>Reads a saved listing page or RSS/Atom feed; the format is told from the content.</summary>
    public static Announcement ParseFile(string path, string category)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArxivFormatException(path, $"cannot read file: {e.Message}", e);
        }

        var head = text.AsSpan(0, Math.Min(text.Length, 4096));
        var isFeed = head.Contains("<rss", StringComparison.OrdinalIgnoreCase)
                     || (head.Contains("<feed", StringComparison.OrdinalIgnoreCase) && !head.Contains("<html", StringComparison.OrdinalIgnoreCase));
        return isFeed ? RssFeedParser.Parse(text, category, path) : ListingPageParser.ParseNew(text, category, path);
    }
}
