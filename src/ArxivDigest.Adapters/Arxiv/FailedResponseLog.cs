using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ArxivDigest.Arxiv;

/// <summary>A response as received (possibly cut short), kept to explain a failed fetch.</summary>
public sealed record ResponseSnapshot(Uri Url, int? Status, string? Reason, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body, bool Complete)
{
    public static ResponseSnapshot Of(Uri url, HttpResponseMessage response) => new(
        url,
        (int)response.StatusCode,
        response.ReasonPhrase,
        response.Headers.Concat(response.Content.Headers).Select(h => KeyValuePair.Create(h.Key, string.Join(", ", h.Value))).ToList(),
        [],
        false);
}

/// <summary>
/// Saves failed or unreadable responses under the data directory (<c>{dir}/debug/</c>) for debugging: status, headers,
/// body (at most <see cref="MaxBodyBytes"/>). Secrets are never written: credential-like query values and headers
/// (Authorization, Cookie, *key*, *token*, ...) are replaced by <c>REDACTED</c>, in the URL, the headers and the body.
/// </summary>
public sealed partial class FailedResponseLog(string directory, TimeProvider time)
{
    public const int MaxBodyBytes = 1 << 20;

    public string Directory { get; } = directory;

    /// <summary>Writes one file; returns its path, or null when it cannot be written (the fetch error stands alone).</summary>
    public string? Save(ResponseSnapshot response, string failure)
    {
        var now = time.GetUtcNow();
        var url = Redaction.Url(response.Url);
        var head = new StringBuilder()
            .Append("# arxiv-digest: response of a failed fetch\n")
            .Append("url: ").Append(url).Append('\n')
            .Append("saved: ").Append(now.ToString("O", CultureInfo.InvariantCulture)).Append('\n')
            .Append("failure: ").Append(Redaction.Text(failure, response.Url)).Append('\n')
            .Append("status: ").Append(response.Status is { } s ? $"{s.ToString(CultureInfo.InvariantCulture)} {response.Reason}" : "(no response)").Append('\n');
        foreach (var (name, value) in response.Headers)
        {
            head.Append(name).Append(": ").Append(Redaction.IsSecretName(name) ? Redaction.Mask : Redaction.Text(value, response.Url)).Append('\n');
        }

        var body = response.Body.AsSpan(0, Math.Min(response.Body.Length, MaxBodyBytes));
        head.Append("body: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append(" bytes")
            .Append(response.Body.Length > MaxBodyBytes ? $" (first {MaxBodyBytes} of {response.Body.Length})" : "")
            .Append(response.Complete ? "" : " (incomplete)").Append("\n\n");

        // The body is stored as text with the URL's secrets masked (an error page may echo the request).
        var text = Redaction.Text(Encoding.UTF8.GetString(body), response.Url);
        try
        {
            System.IO.Directory.CreateDirectory(Directory);
            var stem = Path.Combine(Directory, $"{now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'.'fff'Z'", CultureInfo.InvariantCulture)}-{Slug(response.Url)}");
            var path = stem + ".txt";
            for (var i = 2; File.Exists(path); i++)
            {
                path = $"{stem}-{i.ToString(CultureInfo.InvariantCulture)}.txt";
            }

            File.WriteAllText(path, head + text, new UTF8Encoding(false));
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string Slug(Uri url)
    {
        var slug = NotSlug().Replace(url.Host + url.AbsolutePath, "-").Trim('-');
        return slug.Length > 80 ? slug[..80] : slug;
    }

    [GeneratedRegex("[^A-Za-z0-9.]+")]
    private static partial Regex NotSlug();
}

/// <summary>Masks credentials in URLs, header values and text before anything is printed or saved.</summary>
public static partial class Redaction
{
    public const string Mask = "REDACTED";

    /// <summary>Query parameter or header names whose values are secrets.</summary>
    public static bool IsSecretName(string name) => SecretName().IsMatch(name);

    /// <summary>The URL with user info and credential-like query values masked; unchanged when it holds none.</summary>
    public static string Url(Uri url)
    {
        if (!url.IsAbsoluteUri)
        {
            return url.ToString();
        }

        var secrets = Secrets(url);
        if (secrets.Count == 0 && url.UserInfo.Length == 0)
        {
            return url.ToString();
        }

        var query = string.Join('&', url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var name = eq < 0 ? pair : pair[..eq];
            return eq >= 0 && IsSecretName(Uri.UnescapeDataString(name)) ? $"{name}={Mask}" : pair;
        }));
        var builder = new UriBuilder(url) { UserName = "", Password = "", Query = query };
        return builder.Uri.GetComponents(UriComponents.AbsoluteUri, UriFormat.SafeUnescaped);
    }

    /// <summary><paramref name="text"/> with every secret value of <paramref name="url"/> (query values, user info) masked.</summary>
    public static string Text(string text, Uri url)
    {
        foreach (var secret in Secrets(url).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return text;
    }

    private static List<string> Secrets(Uri url)
    {
        var secrets = new List<string>();
        if (!url.IsAbsoluteUri)
        {
            return secrets;
        }

        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && eq < pair.Length - 1 && IsSecretName(Uri.UnescapeDataString(pair[..eq])))
            {
                secrets.Add(pair[(eq + 1)..]);
                secrets.Add(Uri.UnescapeDataString(pair[(eq + 1)..]));
            }
        }

        if (url.UserInfo.Length > 0)
        {
            secrets.AddRange(url.UserInfo.Split(':', StringSplitOptions.RemoveEmptyEntries).Where(s => s.Length >= 4));
        }

        return secrets.Distinct(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex("key|token|secret|passw|pwd|auth|cookie|session|signature|^sig$|credential", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();
}
