using System.Globalization;
using System.Text.Json.Nodes;
using ArxivDigest.Digests;
using ArxivDigest.Rendering;

namespace ArxivDigest.Delivery;

/// <summary>
/// Discord webhook (<c>https://discord.com/api/webhooks/&lt;id&gt;/&lt;token&gt;</c>): <c>{"content"?, "embeds": [{title,
/// url, description}]}</c>, one embed per paper (and one for the header and each keyword). Limits per message: content
/// 2000 characters, 10 embeds, title 256, description 4096, 6000 characters over all embeds; the digest goes out as
/// several numbered messages. Success is 204 (or 200 with <c>?wait=true</c>); a 429 carries <c>retry_after</c> and is
/// reported, not retried: the next run delivers again.
/// </summary>
public sealed class DiscordChannel(HttpClient http, ChannelOptions options, TimeProvider time) : IDeliveryChannel
{
    internal const int MaxEmbeds = 10;
    internal const int MaxTitle = 256;
    internal const int MaxDescription = 4096;
    internal const int MaxEmbedChars = 6000;
    internal const int MaxContent = 2000;

    private const string Platform = "Discord";

    public string Name => options.Name;

    internal sealed record Embed(string Title, string? Url, string Description)
    {
        public int Length => Title.Length + Description.Length;
    }

    public async Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
    {
        _ = time; // no signature on webhooks
        var url = WebhookHttp.RequireUrl(options, Platform);
        var messages = WebhookText.Pack(Embeds(digest), MaxEmbedChars, g => g.Sum(e => e.Length), MaxEmbeds);
        for (var i = 0; i < messages.Count; i++)
        {
            var embeds = new JsonArray();
            foreach (var e in messages[i])
            {
                var o = new JsonObject { ["title"] = e.Title };
                if (e.Url is not null)
                {
                    o["url"] = e.Url;
                }

                if (e.Description.Length > 0)
                {
                    o["description"] = e.Description;
                }

                embeds.Add((JsonNode)o);
            }

            var body = new JsonObject { ["embeds"] = embeds, ["allowed_mentions"] = new JsonObject { ["parse"] = new JsonArray() } };
            if (messages.Count > 1)
            {
                body["content"] = WebhookText.Marker(i + 1, messages.Count);
            }

            var (status, answer) = await WebhookHttp.PostAsync(http, options, Platform, url, WebhookText.JsonBody(body), cancellationToken).ConfigureAwait(false);
            if (status is >= 200 and <= 299)
            {
                continue;
            }

            var json = WebhookHttp.TryParseObject(answer);
            var message = WebhookHttp.Text(json?["message"]);
            if (message is null)
            {
                throw WebhookHttp.Unexpected(options, Platform, status, answer, url);
            }

            if (WebhookHttp.Text(json?["retry_after"]) is { } retry)
            {
                message += $" (retry after {retry} s)";
            }
            else if (WebhookHttp.Text(json?["code"]) is { } code)
            {
                message += $" (code {code})";
            }

            throw WebhookHttp.Answered(options, Platform, status.ToString(CultureInfo.InvariantCulture), message, url);
        }
    }

    /// <summary>The digest as embeds within the per-embed limits; a paper too long for one embed continues in the next.</summary>
    internal static IReadOnlyList<Embed> Embeds(Digest digest)
    {
        var s = WebhookStyle.Discord;
        var labels = Labels.For(digest.Language);
        var embeds = new List<Embed>();
        Add(embeds, WebhookText.Title(digest), null, string.Join("\n", WebhookText.SummaryLines(digest).Select(s.Escape)));
        foreach (var group in digest.Groups)
        {
            Add(embeds, WebhookText.GroupHeading(group), null, "");
            foreach (var entry in group.Papers)
            {
                var lines = new List<string>();
                if (entry.Paper.Title.Length > MaxTitle)
                {
                    lines.Add(s.Bold(s.Escape(entry.Paper.Title))); // the title field is cut; the full title goes here
                }

                lines.AddRange(WebhookText.PaperLines(entry, labels, s));
                Add(embeds, entry.Paper.Title, entry.Paper.AbsUrl, string.Join("\n", lines));
            }
        }

        return embeds;
    }

    private static void Add(List<Embed> embeds, string title, string? url, string description)
    {
        title = title.Length <= MaxTitle ? title : title[..(MaxTitle - 1)] + "…";
        if (description.Length <= MaxDescription)
        {
            embeds.Add(new Embed(title, url, description));
            return;
        }

        var pieces = WebhookText.Cut(description, MaxDescription, WebhookText.Chars);
        embeds.Add(new Embed(title, url, pieces[0]));
        foreach (var piece in pieces.Skip(1))
        {
            embeds.Add(new Embed(WebhookText.Continued, null, piece));
        }
    }
}
