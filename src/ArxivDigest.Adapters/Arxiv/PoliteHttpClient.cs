using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ArxivDigest.Arxiv;

/// <summary>Politeness settings for arXiv hosts.</summary>
public sealed record PolitenessOptions
{
    /// <summary>Minimum time between two requests to the same host (arXiv's terms: 3 s).</summary>
    public TimeSpan RequestInterval { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Retries after the first attempt for timeouts, 5xx, 429.</summary>
    public int MaxRetries { get; init; } = 3;

    /// <summary>First backoff; doubled on each retry.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest Retry-After honoured; longer ones fail the fetch rather than stall a run for hours.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public string UserAgent { get; init; } = DefaultUserAgent;

    public const string DefaultUserAgent = "ArxivDigest/0.1 (daily arXiv keyword digest; +https://github.com/arxivdigest/arxivdigest)";

    /// <summary>The floor arXiv's terms set for its own hosts.</summary>
    public static readonly TimeSpan ArxivMinimumInterval = TimeSpan.FromSeconds(3);

    public static bool IsArxivHost(string host) =>
        host.Equals("arxiv.org", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".arxiv.org", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The answer of a conditional GET: a body, or "not modified".</summary>
public sealed record FetchResponse(Uri Url, HttpStatusCode Status, string? Body, string? ETag, DateTimeOffset? LastModified)
{
    public bool NotModified => Status == HttpStatusCode.NotModified;
}

/// <summary>
/// HTTP for arXiv: one request at a time per host, at least <see cref="PolitenessOptions.RequestInterval"/> apart
/// (measured from the end of the previous response), a descriptive User-Agent, Retry-After honoured on 429/503,
/// bounded retries with exponential backoff on timeouts and 5xx. The gate is shared by every instance in the process.
/// </summary>
public sealed class PoliteHttpClient(HttpClient http, PolitenessOptions options, TimeProvider time, ILogger? logger = null)
{
    private static readonly ConcurrentDictionary<string, HostGate> Gates = new(StringComparer.OrdinalIgnoreCase);

    private readonly ILogger log = logger ?? NullLogger.Instance;

    public static HttpClient CreateHttpClient(PolitenessOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate | DecompressionMethods.Brotli,
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        return client;
    }

    /// <summary>GETs <paramref name="url"/>; with validators, a 304 comes back as <see cref="FetchResponse.NotModified"/>.</summary>
    public async Task<FetchResponse> GetAsync(Uri url, string? etag, DateTimeOffset? lastModified, CancellationToken cancellationToken)
    {
        var gate = Gates.GetOrAdd(url.Authority, _ => new HostGate());
        var attempt = 0;
        var backoff = options.InitialBackoff;
        while (true)
        {
            TimeSpan? wait;
            string failure;
            await gate.Lock.WaitAsync(cancellationToken);
            try
            {
                // arXiv's own hosts never get less than its 3 s, whatever the configured interval (a mirror may).
                var interval = PolitenessOptions.IsArxivHost(url.Host) && options.RequestInterval < PolitenessOptions.ArxivMinimumInterval
                    ? PolitenessOptions.ArxivMinimumInterval
                    : options.RequestInterval;
                var since = time.GetUtcNow() - gate.LastRequestEnd;
                if (gate.LastRequestEnd != DateTimeOffset.MinValue && since < interval)
                {
                    // A clock that stepped backwards never makes the wait longer than one interval.
                    var pause = since < TimeSpan.Zero ? interval : interval - since;
                    await Task.Delay(pause, time, cancellationToken);
                }

                using var request = new HttpRequestMessage(HttpMethod.Get, url);
                if (etag is not null)
                {
                    request.Headers.TryAddWithoutValidation("If-None-Match", etag);
                }

                if (lastModified is not null)
                {
                    request.Headers.IfModifiedSince = lastModified;
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(options.Timeout);
                log.LogInformation("GET {Url}", url);
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    if (response.StatusCode == HttpStatusCode.NotModified)
                    {
                        return new FetchResponse(url, response.StatusCode, null, etag, lastModified);
                    }

                    if (response.IsSuccessStatusCode)
                    {
                        var body = await response.Content.ReadAsStringAsync(timeout.Token);
                        return new FetchResponse(url, response.StatusCode, body, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified);
                    }

                    var code = (int)response.StatusCode;
                    failure = $"HTTP {code} {response.ReasonPhrase}";
                    if (code is not (429 or 503) && code < 500)
                    {
                        throw new SourceException(url.ToString(), failure);
                    }

                    wait = RetryAfter(response.Headers.RetryAfter);
                    if (wait > options.MaxRetryAfter)
                    {
                        throw new SourceException(url.ToString(), $"{failure}; Retry-After {wait.Value.TotalSeconds:0} s exceeds the {options.MaxRetryAfter.TotalSeconds:0} s limit, try again later");
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = $"no response within {options.Timeout.TotalSeconds:0} s";
                    wait = null;
                }
                catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.NameResolutionError)
                {
                    // No DNS answer: offline or a mistyped host; retrying for a minute helps neither.
                    throw new SourceException(url.ToString(), $"cannot resolve host {url.Host} (offline? use --from-file or a mirror via --arxiv-url)", e);
                }
                catch (HttpRequestException e)
                {
                    failure = e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}";
                    wait = null;
                }
                catch (IOException e)
                {
                    failure = e.Message;
                    wait = null;
                }
            }
            finally
            {
                gate.LastRequestEnd = time.GetUtcNow();
                gate.Lock.Release();
            }

            if (attempt >= options.MaxRetries)
            {
                throw new SourceException(url.ToString(), $"{failure} (gave up after {attempt + 1} attempts)");
            }

            var delay = wait ?? backoff;
            log.LogWarning("{Url}: {Failure}; retrying in {Seconds:0.#} s", url, failure, delay.TotalSeconds);
            await Task.Delay(delay, time, cancellationToken);
            backoff *= 2;
            attempt++;
        }
    }

    private TimeSpan? RetryAfter(RetryConditionHeaderValue? header)
    {
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var d = date - time.GetUtcNow();
            return d < TimeSpan.Zero ? TimeSpan.Zero : d;
        }

        return null;
    }

    private sealed class HostGate
    {
        public SemaphoreSlim Lock { get; } = new(1, 1);

        public DateTimeOffset LastRequestEnd { get; set; } = DateTimeOffset.MinValue;
    }
}
