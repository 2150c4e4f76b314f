using System.Globalization;
using System.Text.Json.Nodes;
using ArxivDigest.Digests;

namespace ArxivDigest.Delivery;

/// <summary>
/// Telegram Bot API <c>sendMessage</c>: POST <c>{Url ?? https://api.telegram.org}/bot&lt;token&gt;/sendMessage</c> with
/// <c>{"chat_id","text","parse_mode":"HTML","disable_web_page_preview":true}</c>. The text is 1-4096 characters after
/// entity parsing; we count the HTML as sent (never less), so each message stays within the limit. Only <c>&lt;b&gt;</c>
/// and <c>&lt;a href&gt;</c> are used, all other text is escaped. Success is <c>{"ok":true}</c>; errors are
/// <c>{"ok":false,"error_code","description"}</c>. The token (in the path) never appears in messages.
/// </summary>
public sealed class TelegramChannel(HttpClient http, ChannelOptions options, TimeProvider time) : IDeliveryChannel
{
    /// <summary>Maximum characters of a message text.</summary>
    internal const int MaxTextChars = 4096;

    private const string Platform = "Telegram";

    public string Name => options.Name;

    public async Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
    {
        _ = time; // no signature: the token authenticates
        if (string.IsNullOrEmpty(options.Secret))
        {
            throw new DeliveryException(options.Name, "Telegram: no bot token configured");
        }

        if (string.IsNullOrWhiteSpace(options.ChatId))
        {
            throw new DeliveryException(options.Name, "Telegram: no chat id configured");
        }

        var baseUrl = string.IsNullOrWhiteSpace(options.Url) ? "https://api.telegram.org" : options.Url.TrimEnd('/');
        if (!Uri.TryCreate($"{baseUrl}/bot{options.Secret}/sendMessage", UriKind.Absolute, out var url))
        {
            throw new DeliveryException(options.Name, "Telegram: the API url is not valid");
        }

        var messages = WebhookText.SplitNumbered(WebhookText.Blocks(digest, WebhookStyle.TelegramHtml), MaxTextChars, WebhookText.Chars);
        foreach (var message in messages)
        {
            var body = new JsonObject
            {
                ["chat_id"] = options.ChatId,
                ["text"] = message,
                ["parse_mode"] = "HTML",
                ["disable_web_page_preview"] = true,
            };
            var (status, answer) = await WebhookHttp.PostAsync(http, options, Platform, url, WebhookText.JsonBody(body), cancellationToken).ConfigureAwait(false);
            var json = WebhookHttp.TryParseObject(answer);
            if (json?["ok"] is JsonValue ok && ok.GetValueKind() == System.Text.Json.JsonValueKind.True && status is >= 200 and <= 299)
            {
                continue;
            }

            if (json is null || WebhookHttp.Text(json["description"]) is not { } description)
            {
                throw WebhookHttp.Unexpected(options, Platform, status, answer, url);
            }

            var code = WebhookHttp.Text(json["error_code"]) ?? status.ToString(CultureInfo.InvariantCulture);
            if (WebhookHttp.Text(json["parameters"]?["retry_after"]) is { } retry)
            {
                description += $" (retry after {retry} s)";
            }

            throw WebhookHttp.Answered(options, Platform, code, description, url);
        }
    }
}
