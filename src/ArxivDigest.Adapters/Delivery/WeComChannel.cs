using System.Text.Json.Nodes;
using ArxivDigest.Digests;

namespace ArxivDigest.Delivery;

/// <summary>
/// WeCom (企业微信) group bot (<c>https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...</c>):
/// <c>{"msgtype":"markdown","markdown":{"content"}}</c>, the content at most 4096 bytes of UTF-8 (longer is refused with
/// errcode 40058), so the digest goes out as several numbered messages. Success is <c>{"errcode":0}</c>.
/// </summary>
public sealed class WeComChannel(HttpClient http, ChannelOptions options, TimeProvider time) : IDeliveryChannel
{
    /// <summary>Maximum markdown content in UTF-8 bytes.</summary>
    internal const int MaxContentBytes = 4096;

    private const string Platform = "WeCom";

    public string Name => options.Name;

    public async Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
    {
        _ = time; // WeCom bots have no signature, so no timestamp either
        var url = WebhookHttp.RequireUrl(options, Platform);
        var messages = WebhookText.SplitNumbered(WebhookText.Blocks(digest, WebhookStyle.Markdown), MaxContentBytes, WebhookText.Utf8Bytes);
        foreach (var message in messages)
        {
            var body = new JsonObject
            {
                ["msgtype"] = "markdown",
                ["markdown"] = new JsonObject { ["content"] = message },
            };
            var (status, answer) = await WebhookHttp.PostAsync(http, options, Platform, url, WebhookText.JsonBody(body), cancellationToken).ConfigureAwait(false);
            var json = WebhookHttp.TryParseObject(answer);
            var code = WebhookHttp.Text(json?["errcode"]);
            if (code is not null && code != "0")
            {
                throw WebhookHttp.Answered(options, Platform, $"errcode {code}", WebhookHttp.Text(json?["errmsg"]), url);
            }

            if (status is < 200 or > 299 || code is null)
            {
                throw WebhookHttp.Unexpected(options, Platform, status, answer, url);
            }
        }
    }
}
