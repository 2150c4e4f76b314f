using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ArxivDigest.Digests;

namespace ArxivDigest.Delivery;

/// <summary>
/// DingTalk custom robot (<c>https://oapi.dingtalk.com/robot/send?access_token=...</c>):
/// <c>{"msgtype":"markdown","markdown":{"title","text"}}</c>, the text at most 20000 bytes, so the digest is split into
/// numbered messages. With a signing secret ("加签") the URL gets <c>&amp;timestamp=&lt;ms&gt;&amp;sign=&lt;urlencode(
/// base64(HMAC-SHA256(key: secret, data: "timestamp\nsecret")))&gt;</c>. Success is <c>{"errcode":0}</c>.
/// </summary>
public sealed class DingTalkChannel(HttpClient http, ChannelOptions options, TimeProvider time) : IDeliveryChannel
{
    /// <summary>Maximum markdown text in UTF-8 bytes.</summary>
    internal const int MaxTextBytes = 20_000;

    private const string Platform = "DingTalk";

    public string Name => options.Name;

    public async Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
    {
        var url = WebhookHttp.RequireUrl(options, Platform);
        var style = WebhookStyle.DingTalk;
        var messages = WebhookText.SplitNumbered(WebhookText.Blocks(digest, style), MaxTextBytes, WebhookText.Utf8Bytes, "\n\n", style.LineBreak);
        for (var i = 0; i < messages.Count; i++)
        {
            var title = WebhookText.Title(digest) + (messages.Count > 1 ? " " + WebhookText.Marker(i + 1, messages.Count) : "");
            var body = new JsonObject
            {
                ["msgtype"] = "markdown",
                ["markdown"] = new JsonObject { ["title"] = title, ["text"] = messages[i] },
            };
            var target = url;
            if (!string.IsNullOrEmpty(options.Secret))
            {
                var timestamp = time.GetUtcNow().ToUnixTimeMilliseconds();
                var query = $"timestamp={timestamp.ToString(CultureInfo.InvariantCulture)}&sign={Uri.EscapeDataString(Sign(timestamp, options.Secret))}";
                target = new Uri(url.AbsoluteUri + (url.Query.Length > 0 ? "&" : "?") + query);
            }

            var (status, answer) = await WebhookHttp.PostAsync(http, options, Platform, target, WebhookText.JsonBody(body), cancellationToken).ConfigureAwait(false);
            var json = WebhookHttp.TryParseObject(answer);
            var code = WebhookHttp.Text(json?["errcode"]);
            if (code is not null && code != "0")
            {
                throw WebhookHttp.Answered(options, Platform, $"errcode {code}", WebhookHttp.Text(json?["errmsg"]), target);
            }

            if (status is < 200 or > 299 || code is null)
            {
                throw WebhookHttp.Unexpected(options, Platform, status, answer, target);
            }
        }
    }

    /// <summary>Base64(HMAC-SHA256(key: secret, data: "timestamp\nsecret")), not yet URL-encoded.</summary>
    internal static string Sign(long timestampMs, string secret)
    {
        var data = Encoding.UTF8.GetBytes($"{timestampMs.ToString(CultureInfo.InvariantCulture)}\n{secret}");
        return Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), data));
    }
}
