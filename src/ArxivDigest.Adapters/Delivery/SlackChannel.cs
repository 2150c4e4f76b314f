using System.Text.Json.Nodes;
using ArxivDigest.Digests;

namespace ArxivDigest.Delivery;

/// <summary>
/// Slack incoming webhook (<c>https://hooks.slack.com/services/T/B/X</c>): <c>{"text": fallback, "blocks": [section
/// blocks with mrkdwn text]}</c>. A section's text is at most 3000 characters and a message at most 50 blocks; the
/// digest is packed into sections, sections into numbered messages. The webhook answers HTTP 200 with the body
/// <c>ok</c>, or an error status with a short code (<c>invalid_blocks</c>, <c>no_service</c>, ...).
/// </summary>
public sealed class SlackChannel(HttpClient http, ChannelOptions options, TimeProvider time) : IDeliveryChannel
{
    /// <summary>Maximum characters of a section block's text.</summary>
    internal const int MaxSectionChars = 3000;

    /// <summary>Maximum blocks in one message.</summary>
    internal const int MaxBlocks = 50;

    /// <summary>
    /// Characters of block text per message we keep to: Slack refuses long block messages (<c>msg_blocks_too_long</c>)
    /// well below 50 full sections (about 13k characters observed), so messages stay under 12k.
    /// </summary>
    internal const int MaxMessageChars = 12_000;

    private const string Platform = "Slack";

    public string Name => options.Name;

    public async Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
    {
        _ = time; // no signature on incoming webhooks
        var url = WebhookHttp.RequireUrl(options, Platform);
        var marker = WebhookText.MarkerTemplate + "\n";
        var sections = WebhookText.Split(WebhookText.Blocks(digest, WebhookStyle.Slack), MaxSectionChars - marker.Length, WebhookText.Chars);
        var messages = WebhookText.Pack(sections, MaxMessageChars - marker.Length, g => g.Sum(s => s.Length), MaxBlocks);
        for (var i = 0; i < messages.Count; i++)
        {
            var texts = messages[i].ToList();
            var fallback = WebhookText.Title(digest);
            if (messages.Count > 1)
            {
                var m = WebhookText.Marker(i + 1, messages.Count);
                texts[0] = m + "\n" + texts[0];
                fallback += " " + m;
            }

            var blocks = new JsonArray();
            foreach (var t in texts)
            {
                blocks.Add((JsonNode)new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = t } });
            }

            var body = new JsonObject { ["text"] = fallback, ["blocks"] = blocks, ["unfurl_links"] = false, ["unfurl_media"] = false };
            var (status, answer) = await WebhookHttp.PostAsync(http, options, Platform, url, WebhookText.JsonBody(body), cancellationToken).ConfigureAwait(false);
            if (status is < 200 or > 299 || answer.Trim() != "ok")
            {
                throw WebhookHttp.Unexpected(options, Platform, status, answer, url);
            }
        }
    }
}
