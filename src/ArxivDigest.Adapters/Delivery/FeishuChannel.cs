using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using ArxivDigest.Digests;

namespace ArxivDigest.Delivery;

/// <summary>
/// Feishu / Lark custom bot (<c>https://open.feishu.cn/open-apis/bot/v2/hook/&lt;token&gt;</c>): one interactive card per
/// message, header title plus one <c>markdown</c> element. The request body may not exceed 20 KB, so the digest is
/// split into several cards, numbered "(i/n)". With a signing secret each body carries <c>timestamp</c> (seconds) and
/// <c>sign</c> = Base64(HMAC-SHA256(key: "timestamp\nsecret", data: empty)). The bot answers <c>{"code":0}</c> on
/// success, <c>{"code":19021,"msg":"sign match fail ..."}</c> and the like otherwise.
/// </summary>
public sealed class FeishuChannel(HttpClient http, ChannelOptions options, TimeProvider time) : IDeliveryChannel
{
    /// <summary>Maximum request body (the custom bot guide: "请求体大小不能超过20k").</summary>
    internal const int MaxBodyBytes = 20_000;

    /// <summary>Bytes kept for everything in the body but the markdown content (card header, config, signature, JSON).</summary>
    private const int Envelope = 2_000;

    private const string Platform = "Feishu";

    public string Name => options.Name;

    public async Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
    {
        var url = WebhookHttp.RequireUrl(options, Platform);
        var messages = WebhookText.SplitNumbered(WebhookText.Blocks(digest, WebhookStyle.Markdown), MaxBodyBytes - Envelope, WebhookText.JsonUtf8Bytes);
        for (var i = 0; i < messages.Count; i++)
        {
            var title = WebhookText.Title(digest) + (messages.Count > 1 ? " " + WebhookText.Marker(i + 1, messages.Count) : "");
            var body = new JsonObject
            {
                ["msg_type"] = "interactive",
                ["card"] = new JsonObject
                {
                    ["config"] = new JsonObject { ["wide_screen_mode"] = true },
                    ["header"] = new JsonObject
                    {
                        ["title"] = new JsonObject { ["tag"] = "plain_text", ["content"] = title },
                        ["template"] = "blue",
                    },
                    ["elements"] = new JsonArray(new JsonObject { ["tag"] = "markdown", ["content"] = messages[i] }),
                },
            };
            if (!string.IsNullOrEmpty(options.Secret))
            {
                var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
                body["timestamp"] = timestamp.ToString(CultureInfo.InvariantCulture);
                body["sign"] = Sign(timestamp, options.Secret);
            }

            var (status, answer) = await WebhookHttp.PostAsync(http, options, Platform, url, WebhookText.JsonBody(body), cancellationToken).ConfigureAwait(false);
            var json = WebhookHttp.TryParseObject(answer);
            // Current answers carry "code"; older ones "StatusCode".
            var code = WebhookHttp.Text(json?["code"]) ?? WebhookHttp.Text(json?["StatusCode"]);
            if (code is not null && code != "0")
            {
                throw WebhookHttp.Answered(options, Platform, $"code {code}", WebhookHttp.Text(json?["msg"]) ?? WebhookHttp.Text(json?["StatusMessage"]), url);
            }

            if (status is < 200 or > 299 || code is null)
            {
                throw WebhookHttp.Unexpected(options, Platform, status, answer, url);
            }
        }
    }

    /// <summary>Base64(HMAC-SHA256(key: "timestamp\nsecret", data: empty)), as in Feishu's signature verification.</summary>
    internal static string Sign(long timestamp, string secret)
    {
        var key = Encoding.UTF8.GetBytes($"{timestamp.ToString(CultureInfo.InvariantCulture)}\n{secret}");
        return Convert.ToBase64String(HMACSHA256.HashData(key, ReadOnlySpan<byte>.Empty));
    }
}
