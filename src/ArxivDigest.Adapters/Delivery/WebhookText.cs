using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ArxivDigest.Digests;
using ArxivDigest.Rendering;

namespace ArxivDigest.Delivery;

/// <summary>How one chat platform writes its markup: escaping, links, bold, and the line break inside a block.</summary>
internal sealed record WebhookStyle(Func<string, string> Escape, Func<string, string, string> Link, Func<string, string> Bold, string LineBreak = "\n")
{
    /// <summary>Common Markdown (Feishu card <c>markdown</c>, WeCom <c>markdown</c>): <c>**bold**</c>, <c>[text](url)</c>.</summary>
    public static readonly WebhookStyle Markdown = new(EscapeMarkdown, (text, url) => $"[{text}]({url})", t => $"**{t}**");

    /// <summary>DingTalk markdown: as <see cref="Markdown"/>, with hard line breaks (two spaces) so lines do not run together.</summary>
    public static readonly WebhookStyle DingTalk = Markdown with { LineBreak = "  \n" };

    /// <summary>Slack mrkdwn: <c>*bold*</c>, <c>&lt;url|text&gt;</c>; only &amp;, &lt; and &gt; are escaped.</summary>
    public static readonly WebhookStyle Slack = new(EscapeSlack, (text, url) => $"<{url}|{text.Replace("|", "¦", StringComparison.Ordinal)}>", t => $"*{t}*");

    /// <summary>Telegram <c>parse_mode=HTML</c>: only <c>&lt;b&gt;</c> and <c>&lt;a href&gt;</c>, everything else escaped.</summary>
    public static readonly WebhookStyle TelegramHtml = new(
        EscapeHtml,
        (text, url) => $"<a href=\"{EscapeHtml(url).Replace("\"", "&quot;", StringComparison.Ordinal)}\">{text}</a>",
        t => $"<b>{t}</b>");

    /// <summary>Discord embed descriptions: Markdown with backslash escapes.</summary>
    public static readonly WebhookStyle Discord = new(EscapeDiscord, (text, url) => $"[{text}]({url})", t => $"**{t}**");

    private static string EscapeMarkdown(string text) => MarkdownRenderer.Inline(text);

    private static string EscapeSlack(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    internal static string EscapeHtml(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string EscapeDiscord(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (c is '\\' or '*' or '_' or '~' or '`' or '|' or '>' or '[' or ']')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        return sb.ToString();
    }
}

/// <summary>
/// The text shared by the chat webhooks: the digest as blocks (a header block, then one block per paper, the keyword
/// heading on the first paper of its group), and <see cref="Split"/>, which packs blocks into as few messages as the
/// platform allows, in order, never dropping anything.
/// </summary>
internal static class WebhookText
{
    public const string Continued = "(continued)";

    /// <summary>Room kept for the "(i/n)" line of a numbered message.</summary>
    public const string MarkerTemplate = "(999/999)";

    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Title(Digest d) =>
        $"arXiv digest {d.Name}: {d.ListingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    public static string Marker(int index, int count) =>
        $"({index.ToString(CultureInfo.InvariantCulture)}/{count.ToString(CultureInfo.InvariantCulture)})";

    public static string GroupHeading(DigestGroup g) => $"Keyword: {g.Query} ({g.Papers.Count.ToString(CultureInfo.InvariantCulture)})";

    /// <summary>The header lines (plain text): the reference header, the count, and the status when not complete.</summary>
    public static IReadOnlyList<string> SummaryLines(Digest d)
    {
        var labels = Labels.For(d.Language);
        var lines = new List<string> { labels.Header(d), labels.Count(d.Count) };
        if (d.Status == DigestStatus.Partial)
        {
            lines.Add(labels.TranslationPending);
        }
        else if (d.Status == DigestStatus.NoAnnouncement)
        {
            lines.Add("no announcement");
        }

        return lines;
    }

    /// <summary>The lines of one paper after its title: translated title, TL;DR when there is one, authors.</summary>
    public static IReadOnlyList<string> PaperLines(DigestPaper entry, Labels labels, WebhookStyle s)
    {
        var lines = new List<string> { s.Escape(labels.Translation(entry.Title)) };
        if (entry.Tldr is { Length: > 0 } tldr)
        {
            lines.Add($"{s.Bold("TL;DR")} {s.Escape(tldr)}");
        }

        lines.Add(s.Escape($"Authors: {string.Join(", ", entry.Paper.Authors)}"));
        return lines;
    }

    /// <summary>The digest as blocks in the platform's markup, in digest order.</summary>
    public static IReadOnlyList<string> Blocks(Digest d, WebhookStyle s)
    {
        var labels = Labels.For(d.Language);
        var blocks = new List<string>
        {
            string.Join(s.LineBreak, new[] { s.Bold(s.Escape(Title(d))) }.Concat(SummaryLines(d).Select(s.Escape))),
        };
        foreach (var group in d.Groups)
        {
            var heading = s.Bold(s.Escape(GroupHeading(group)));
            if (group.Papers.Count == 0)
            {
                blocks.Add(heading);
                continue;
            }

            for (var i = 0; i < group.Papers.Count; i++)
            {
                var entry = group.Papers[i];
                var lines = new List<string>();
                if (i == 0)
                {
                    lines.Add(heading);
                }

                lines.Add(s.Bold(s.Link(s.Escape(entry.Paper.Title), entry.Paper.AbsUrl)));
                lines.AddRange(PaperLines(entry, labels, s));
                blocks.Add(string.Join(s.LineBreak, lines));
            }
        }

        return blocks;
    }

    /// <summary>
    /// Packs <paramref name="blocks"/> (joined by <paramref name="separator"/>) into as few messages as fit
    /// <paramref name="limit"/> as <paramref name="measure"/> counts (bytes or characters, additive per character),
    /// in order. A block larger than the limit is cut at line boundaries (at characters only when one line alone is
    /// too long), each later piece starting with "(continued)"; nothing is dropped.
    /// </summary>
    public static IReadOnlyList<string> Split(IReadOnlyList<string> blocks, int limit, Func<string, int> measure, string separator = "\n\n", string lineBreak = "\n")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, measure(Continued + lineBreak) + 16);
        var pieces = new List<string>();
        foreach (var block in blocks)
        {
            if (measure(block) <= limit)
            {
                pieces.Add(block);
            }
            else
            {
                pieces.AddRange(Cut(block, limit, measure, lineBreak));
            }
        }

        return Pack(pieces, limit, g => measure(string.Join(separator, g)), int.MaxValue)
            .Select(p => string.Join(separator, p))
            .ToList();
    }

    /// <summary>
    /// <see cref="Split"/> with room for the "(i/n)" line, which is then put first in each message when there are several.
    /// </summary>
    public static IReadOnlyList<string> SplitNumbered(IReadOnlyList<string> blocks, int limit, Func<string, int> measure, string separator = "\n\n", string lineBreak = "\n")
    {
        var reserve = measure(MarkerTemplate + lineBreak);
        var messages = Split(blocks, limit - reserve, measure, separator, lineBreak);
        return messages.Count <= 1
            ? messages
            : messages.Select((m, i) => Marker(i + 1, messages.Count) + lineBreak + m).ToList();
    }

    /// <summary>Greedy in-order packing: a group grows while it stays within the limit and the item count.</summary>
    public static List<List<T>> Pack<T>(IReadOnlyList<T> items, int limit, Func<IReadOnlyList<T>, int> measure, int maxItems)
    {
        var result = new List<List<T>>();
        var current = new List<T>();
        foreach (var item in items)
        {
            current.Add(item);
            if (current.Count == 1 || (current.Count <= maxItems && measure(current) <= limit))
            {
                continue;
            }

            current.RemoveAt(current.Count - 1);
            result.Add(current);
            current = [item];
        }

        if (current.Count > 0)
        {
            result.Add(current);
        }

        return result;
    }

    /// <summary>Cuts one oversized block into pieces within the limit, at line boundaries where possible.</summary>
    public static IReadOnlyList<string> Cut(string block, int limit, Func<string, int> measure, string lineBreak = "\n")
    {
        var pieces = new List<string>();
        var current = new List<string>();
        var hasContent = false;

        void Flush()
        {
            pieces.Add(string.Join(lineBreak, current));
            current = [Continued];
            hasContent = false;
        }

        foreach (var line in block.Split(lineBreak))
        {
            var rest = line;
            while (true)
            {
                current.Add(rest);
                if (measure(string.Join(lineBreak, current)) <= limit)
                {
                    hasContent = true;
                    break;
                }

                current.RemoveAt(current.Count - 1);
                if (hasContent)
                {
                    Flush();
                    continue;
                }

                // One line alone is too long: take the longest prefix that fits (never splitting a surrogate pair).
                var prefix = LongestPrefix(rest, n => measure(string.Join(lineBreak, current.Append(rest[..n]))) <= limit);
                current.Add(rest[..prefix]);
                Flush();
                rest = rest[prefix..];
            }
        }

        if (hasContent)
        {
            pieces.Add(string.Join(lineBreak, current));
        }

        return pieces;
    }

    private static int LongestPrefix(string text, Func<int, bool> fits)
    {
        int lo = 1, hi = text.Length;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) / 2;
            if (fits(mid))
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        if (lo < text.Length && lo > 1 && char.IsHighSurrogate(text[lo - 1]))
        {
            lo--;
        }

        return lo;
    }

    /// <summary>UTF-8 bytes, as WeCom and DingTalk count.</summary>
    public static int Utf8Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    /// <summary>UTF-8 bytes of the text as a JSON string (without quotes), as it counts towards a request body.</summary>
    public static int JsonUtf8Bytes(string text) => Encoding.UTF8.GetByteCount(JsonValue.Create(text).ToJsonString(Json)) - 2;

    /// <summary>UTF-16 code units: what Telegram counts, and never fewer than the characters Slack and Discord count.</summary>
    public static int Chars(string text) => text.Length;

    public static StringContent JsonBody(JsonNode node) => new(node.ToJsonString(Json), Encoding.UTF8, "application/json");
}

/// <summary>HTTP for the webhooks: one POST under the channel timeout; every failure as a <see cref="DeliveryException"/> without secrets.</summary>
internal static class WebhookHttp
{
    private const int MaxMessage = 300;

    public static Uri RequireUrl(ChannelOptions options, string platform)
    {
        if (string.IsNullOrWhiteSpace(options.Url) || !Uri.TryCreate(options.Url, UriKind.Absolute, out var url))
        {
            throw new DeliveryException(options.Name, $"{platform}: no valid webhook url configured");
        }

        return url;
    }

    public static async Task<(int Status, string Body)> PostAsync(
        HttpClient http, ChannelOptions options, string platform, Uri url, HttpContent content, CancellationToken cancellationToken)
    {
        using var timeoutCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout > TimeSpan.Zero && options.Timeout != Timeout.InfiniteTimeSpan)
        {
            timeoutCts.CancelAfter(options.Timeout);
        }

        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = content };
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeoutCts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(timeoutCts.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            throw new DeliveryException(options.Name, $"{platform}: no answer within {options.Timeout.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)} s from {RedactUrl(url)}");
        }
        catch (HttpRequestException e)
        {
            // The inner exception is left out: its message or data may carry the URL.
            throw new DeliveryException(options.Name, $"{platform}: request to {RedactUrl(url)} failed: {Redact(e.Message, options, url)}");
        }
    }

    /// <summary>"&lt;platform&gt; answered &lt;what&gt;: &lt;message&gt;", redacted, one line.</summary>
    public static DeliveryException Answered(ChannelOptions options, string platform, string what, string? message, Uri url)
    {
        var detail = string.IsNullOrWhiteSpace(message) ? "" : $": {Redact(message, options, url)}";
        return new DeliveryException(options.Name, $"{platform} answered {what}{detail} ({RedactUrl(url)})");
    }

    /// <summary>The URL with its path and query hidden: <c>https://open.feishu.cn/***</c>.</summary>
    public static string RedactUrl(Uri url) =>
        url.AbsolutePath is "/" or "" && url.Query.Length == 0 ? $"{url.Scheme}://{url.Authority}/" : $"{url.Scheme}://{url.Authority}/***";

    /// <summary>Removes the secret, the URL and its tokens (path segments, query values) from a text; one line, bounded.</summary>
    public static string Redact(string text, ChannelOptions options, Uri url)
    {
        var secrets = new List<string>();
        if (!string.IsNullOrEmpty(options.Secret))
        {
            secrets.Add(options.Secret);
        }

        secrets.Add(url.OriginalString);
        secrets.Add(url.AbsoluteUri);
        secrets.Add(url.PathAndQuery);
        secrets.AddRange(url.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s.Length >= 6));
        secrets.AddRange(url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2) is [_, var v] ? v : "")
            .Where(v => v.Length >= 4));
        foreach (var s in secrets.Where(s => s.Length > 1).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length))
        {
            text = text.Replace(s, "***", StringComparison.Ordinal);
            var escaped = Uri.EscapeDataString(s);
            if (escaped != s)
            {
                text = text.Replace(escaped, "***", StringComparison.Ordinal);
            }

            var unescaped = Uri.UnescapeDataString(s);
            if (unescaped != s && unescaped.Length > 1)
            {
                text = text.Replace(unescaped, "***", StringComparison.Ordinal);
            }
        }

        text = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
        return text.Length <= MaxMessage ? text : text[..MaxMessage] + "…";
    }

    public static JsonObject? TryParseObject(string body)
    {
        try
        {
            return JsonNode.Parse(body) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string? Text(JsonNode? node) =>
        node is JsonValue v ? v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.Number => v.ToJsonString(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        } : null;

    /// <summary>For answers that are not the platform's JSON: HTTP status and the start of the body.</summary>
    public static DeliveryException Unexpected(ChannelOptions options, string platform, int status, string body, Uri url) =>
        Answered(options, platform, $"HTTP {status.ToString(CultureInfo.InvariantCulture)}", body.Length <= 200 ? body : body[..200], url);
}
