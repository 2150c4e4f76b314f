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

    /// <summary>Longest wait for one response (headers and body); a timeout is retried like a 5xx.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where failed responses are saved for debugging (null: not saved).</summary>
    public string? DebugDirectory { get; init; }

    public string UserAgent { get; init; } = DefaultUserAgent;

    public const string DefaultUserAgent = "ArxivDigest/0.1 (daily arXiv keyword digest; +https://github.com/arxivdigest/arxivdigest)";

    /// <summary>The floor arXiv's terms set for its own hosts.</summary>
    public static readonly TimeSpan ArxivMinimumInterval = TimeSpan.FromSeconds(3);

    public static bool IsArxivHost(string host) =>
        host.Equals("arxiv.org", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".arxiv.org", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The answer of a conditional GET: a body, or "not modified"; <see cref="Raw"/> as received, for debugging.</summary>
public sealed record FetchResponse(Uri Url, HttpStatusCode Status, string? Body, string? ETag, DateTimeOffset? LastModified, ResponseSnapshot? Raw = null)
{
    public bool NotModified => Status == HttpStatusCode.NotModified;
}

/// <summary>
/// HTTP for arXiv: one request at a time per host, at least <see cref="PolitenessOptions.RequestInterval"/> apart
/// (measured from the end of the previous response), a descriptive User-Agent, Retry-After honoured on 429/503,
/// bounded retries with exponential backoff on timeouts, 5xx, broken and undecodable bodies. The gate is shared by
/// every instance in the process. A fetch that fails for good saves the last response under
/// <see cref="PolitenessOptions.DebugDirectory"/> and names the file in its error; URLs in errors and logs are redacted.
/// </summary>
public sealed class PoliteHttpClient(HttpClient http, PolitenessOptions options, TimeProvider time, ILogger? logger = null)
{
    private static readonly ConcurrentDictionary<string, HostGate> Gates = new(StringComparer.OrdinalIgnoreCase);

    private readonly ILogger log = logger ?? NullLogger.Instance;

    private readonly FailedResponseLog? debug = options.DebugDirectory is { } dir ? new FailedResponseLog(dir, time) : null;

    /// <summary>Saves <paramref name="response"/> for debugging; returns the text to append to an error ("; response saved to ...").</summary>
    public string SaveForDebugging(ResponseSnapshot? response, string failure) =>
        response is not null && debug?.Save(response, failure) is { } path ? $"; response saved to {path}" : "";

    public static HttpClient CreateHttpClient(PolitenessOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // Bodies are decompressed here, after the raw bytes are read, so a broken one can be saved as received.
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 1,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        var client = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        client.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        client.DefaultRequestHeaders.AcceptEncoding.ParseAdd("gzip, deflate, br");
        return client;
    }

    /// <summary>GETs <paramref name="url"/>; with validators, a 304 comes back as <see cref="FetchResponse.NotModified"/>.</summary>
    public async Task<FetchResponse> GetAsync(Uri url, string? etag, DateTimeOffset? lastModified, CancellationToken cancellationToken)
    {
        var gate = Gates.GetOrAdd(url.Authority, _ => new HostGate());
        var shown = Redaction.Url(url);
        var attempt = 0;
        var backoff = options.InitialBackoff;
        while (true)
        {
            TimeSpan? wait;
            string failure;
            ResponseSnapshot? last = null;
            var received = new MemoryStream();
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
                log.LogInformation("GET {Url}", shown);
                try
                {
                    using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                    if (response.StatusCode == HttpStatusCode.NotModified)
                    {
                        return new FetchResponse(url, response.StatusCode, null, etag, lastModified);
                    }

                    last = ResponseSnapshot.Of(url, response);
                    await using (var stream = await response.Content.ReadAsStreamAsync(timeout.Token))
                    {
                        await stream.CopyToAsync(received, timeout.Token);
                    }

                    last = last with { Body = received.ToArray(), Complete = true };
                    byte[] decompressed;
                    try
                    {
                        decompressed = Decompress(last.Body, response.Content.Headers.ContentEncoding);
                    }
                    catch (InvalidDataException) when (!response.IsSuccessStatusCode)
                    {
                        decompressed = last.Body; // an error page: its status says what matters
                    }

                    // Saved decompressed when it can be (an error page readable in the debug file), else as received.
                    last = last with { Body = decompressed };
                    if (response.IsSuccessStatusCode)
                    {
                        var body = Decode(decompressed, response.Content.Headers.ContentType?.CharSet);
                        return new FetchResponse(url, response.StatusCode, body, response.Headers.ETag?.ToString(), response.Content.Headers.LastModified, last);
                    }

                    var code = (int)response.StatusCode;
                    failure = $"HTTP {code} {response.ReasonPhrase}";
                    if (code is not (429 or 503) && code < 500)
                    {
                        throw new SourceException(shown, failure + SaveForDebugging(last, failure));
                    }

                    wait = RetryAfter(response.Headers.RetryAfter);
                    if (wait > options.MaxRetryAfter)
                    {
                        failure = $"{failure}; Retry-After {wait.Value.TotalSeconds:0} s exceeds the {options.MaxRetryAfter.TotalSeconds:0} s limit, try again later";
                        throw new SourceException(shown, failure + SaveForDebugging(last, failure));
                    }
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    failure = last is null
                        ? $"no response within {options.Timeout.TotalSeconds:0.###} s"
                        : $"response body not complete within {options.Timeout.TotalSeconds:0.###} s (stalled after {received.Length} bytes)";
                    wait = null;
                }
                catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.NameResolutionError)
                {
                    // No DNS answer: offline or a mistyped host; retrying for a minute helps neither.
                    throw new SourceException(shown, $"cannot resolve host {url.Host} (offline? use --from-file or a mirror via --arxiv-url)", e);
                }
                catch (HttpRequestException e)
                {
                    failure = e.HttpRequestError == HttpRequestError.Unknown ? e.Message : $"{e.HttpRequestError}: {e.Message}";
                    wait = null;
                }
                catch (IOException e)
                {
                    failure = $"connection broken after {received.Length} bytes of the body: {e.Message}";
                    wait = null;
                }
                catch (InvalidDataException e)
                {
                    // Content-Encoding says gzip (or deflate, br) and the bytes are not.
                    failure = $"response body cannot be decoded (Content-Encoding {last?.Headers.FirstOrDefault(h => h.Key.Equals("Content-Encoding", StringComparison.OrdinalIgnoreCase)).Value}): {e.Message}";
                    wait = null;
                }

                if (last is { Complete: false })
                {
                    last = last with { Body = received.ToArray() };
                }
            }
            finally
            {
                gate.LastRequestEnd = time.GetUtcNow();
                gate.Lock.Release();
            }

            failure = Redaction.Text(failure, url);
            if (attempt >= options.MaxRetries)
            {
                var message = $"{failure} (gave up after {attempt + 1} attempts)";
                throw new SourceException(shown, message + SaveForDebugging(last, message));
            }

            var delay = wait ?? backoff;
            log.LogWarning("{Url}: {Failure}; retrying in {Seconds:0.#} s", shown, failure, delay.TotalSeconds);
            await Task.Delay(delay, time, cancellationToken);
            backoff *= 2;
            attempt++;
        }
    }

    /// <summary>Undoes the Content-Encoding (gzip, deflate, br; last applied first); throws InvalidDataException on bad data.</summary>
    private static byte[] Decompress(byte[] body, ICollection<string> encodings)
    {
        foreach (var encoding in encodings.Reverse())
        {
            using var input = new MemoryStream(body);
            using Stream decoder = encoding.Trim().ToLowerInvariant() switch
            {
                "gzip" or "x-gzip" => new System.IO.Compression.GZipStream(input, System.IO.Compression.CompressionMode.Decompress),
                "deflate" => new System.IO.Compression.ZLibStream(input, System.IO.Compression.CompressionMode.Decompress),
                "br" => new System.IO.Compression.BrotliStream(input, System.IO.Compression.CompressionMode.Decompress),
                "identity" => input,
                var other => throw new InvalidDataException($"unsupported content encoding '{other}'"),
            };
            using var output = new MemoryStream();
            decoder.CopyTo(output);
            body = output.ToArray();
        }

        return body;
    }

    private static string Decode(byte[] body, string? charset)
    {
        var encoding = System.Text.Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = System.Text.Encoding.GetEncoding(charset.Trim('"', ' '));
            }
            catch (ArgumentException)
            {
                // Unknown charset: arXiv serves UTF-8.
            }
        }

        using var reader = new StreamReader(new MemoryStream(body), encoding, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
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
