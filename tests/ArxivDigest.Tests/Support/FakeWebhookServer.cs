using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArxivDigest.Tests.Support;

/// <summary>One webhook request as the fake platform saw it, with the answer it got.</summary>
public sealed record WebhookHit(string Platform, string Path, string Query, string Body, int Status)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>A scripted answer served instead of the normal one; <see cref="Pass"/> lets one request through.</summary>
public sealed record ScriptedAnswer(int Status, string Body, string ContentType = "application/json")
{
    public static readonly ScriptedAnswer Pass = new(0, "");
}

/// <summary>
/// In-process chat platforms on 127.0.0.1 (Kestrel, port 0): Feishu, DingTalk, WeCom, Slack, Discord and Telegram
/// webhook endpoints plus a generic one. Each checks the payload shape, size limits and signatures as the platform
/// documents them, answers like the platform (success and error bodies), records every request, and lists what it
/// found wrong in <see cref="Violations"/>. Failures can be scripted per platform.
/// </summary>
public sealed partial class FakeWebhookServer : IAsyncDisposable
{
    public const string FeishuToken = "feishu-hook-0f3c9a7e-5b21";
    public const string DingTalkToken = "dingtalk-access-token-7d2e91";
    public const string WeComKey = "wecom-key-6a1b-44c2-9e0d";
    public const string SlackPath = "/slack/services/T0001AAAA/B0002BBBB/slackSecretXyz123";
    public const string DiscordPath = "/discord/api/webhooks/112233445566/discord-token-Qw3rTy";
    public const string TelegramToken = "123456789:telegram-bot-token-AbCdEf";
    public const string TelegramChat = "-1001234567890";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<WebhookHit> hits = new();
    private readonly ConcurrentQueue<string> violations = new();
    private int telegramMessageId;

    private FakeWebhookServer(WebApplication app, string url)
    {
        this.app = app;
        Url = url;
    }

    public string Url { get; }

    public string FeishuUrl => $"{Url}/feishu/open-apis/bot/v2/hook/{FeishuToken}";

    public string DingTalkUrl => $"{Url}/dingtalk/robot/send?access_token={DingTalkToken}";

    public string WeComUrl => $"{Url}/wecom/cgi-bin/webhook/send?key={WeComKey}";

    public string SlackUrl => Url + SlackPath;

    public string DiscordUrl => Url + DiscordPath;

    /// <summary>The Telegram API base (the channel appends <c>/bot&lt;token&gt;/sendMessage</c>).</summary>
    public string TelegramUrl => $"{Url}/telegram";

    public string GenericUrl => $"{Url}/generic/hook?key=generic-secret-key";

    /// <summary>Feishu signing secret; when set, requests must carry a valid timestamp and sign.</summary>
    public string? FeishuSecret { get; set; }

    /// <summary>DingTalk signing secret; when set, the URL must carry a valid timestamp and sign.</summary>
    public string? DingTalkSecret { get; set; }

    /// <summary>The platforms' clock, for the signature time window.</summary>
    public Func<DateTimeOffset> Now { get; set; } = () => DateTimeOffset.UtcNow;

    public IReadOnlyList<WebhookHit> Hits => hits.ToList();

    /// <summary>Pause between receiving (and recording) a request and answering it.</summary>
    public TimeSpan ResponseDelay { get; set; }

    public IReadOnlyList<string> Violations => violations.ToList();

    public ConcurrentDictionary<string, ConcurrentQueue<ScriptedAnswer>> Script { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<WebhookHit> HitsOf(string platform) => hits.Where(h => h.Platform == platform).ToList();

    public void Enqueue(string platform, ScriptedAnswer answer) => Script.GetOrAdd(platform, _ => new ConcurrentQueue<ScriptedAnswer>()).Enqueue(answer);

    public static async Task<FakeWebhookServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeWebhookServer? server = null;
        app.Run(ctx => server!.HandleAsync(ctx));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new FakeWebhookServer(app, address);
        return server;
    }

    private async Task HandleAsync(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var bytes = Encoding.UTF8.GetByteCount(body);
        var path = ctx.Request.Path.Value ?? "";
        var platform = path.Split('/', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        (int Status, string Body, string ContentType) answer;
        if (!HttpMethods.IsPost(ctx.Request.Method))
        {
            answer = (405, "method not allowed", "text/plain");
        }
        else if (Script.TryGetValue(platform, out var queue) && queue.TryDequeue(out var scripted) && scripted.Status != 0)
        {
            answer = (scripted.Status, scripted.Body, scripted.ContentType);
        }
        else
        {
            JsonObject? json = null;
            try
            {
                json = platform == "generic" ? null : JsonNode.Parse(body) as JsonObject;
            }
            catch (JsonException)
            {
            }

            if (platform != "generic" && (json is null || !(ctx.Request.ContentType ?? "").StartsWith("application/json", StringComparison.Ordinal)))
            {
                answer = Violation(platform, "body is not a JSON object sent as application/json", (400, """{"error":"bad request"}""", "application/json"));
            }
            else
            {
                answer = platform switch
                {
                    "feishu" => Feishu(path, json!, bytes),
                    "dingtalk" => DingTalk(ctx.Request, json!),
                    "wecom" => WeCom(ctx.Request, json!),
                    "slack" => Slack(path, json!),
                    "discord" => Discord(path, json!),
                    "telegram" => Telegram(path, json!),
                    "generic" => Generic(ctx.Request, body),
                    _ => (404, "not found", "text/plain"),
                };
            }
        }

        hits.Enqueue(new WebhookHit(platform, path, ctx.Request.QueryString.Value ?? "", body, answer.Status));
        if (ResponseDelay > TimeSpan.Zero)
        {
            // Received and counted; the answer comes late (a client killed meanwhile never hears it).
            await Task.Delay(ResponseDelay, ctx.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        ctx.Response.StatusCode = answer.Status;
        if (answer.Status != 204)
        {
            ctx.Response.ContentType = answer.ContentType;
            await ctx.Response.WriteAsync(answer.Body);
        }
    }

    private (int, string, string) Violation(string platform, string what, (int, string, string) answer)
    {
        violations.Enqueue($"{platform}: {what}");
        return answer;
    }

    private static (int, string, string) Ok(string body) => (200, body, "application/json");

    // Feishu custom bot: {"msg_type":"interactive","card":{...}}, body ≤ 20 KB, optional timestamp+sign.
    private (int, string, string) Feishu(string path, JsonObject json, int bytes)
    {
        const string badRequest = """{"code":9499,"msg":"Bad Request","data":{}}""";
        if (path != $"/feishu/open-apis/bot/v2/hook/{FeishuToken}")
        {
            return Ok("""{"code":19001,"msg":"param invalid: incoming webhook access token invalid","data":{}}""");
        }

        if (bytes > 20_000)
        {
            return Violation("feishu", $"body of {bytes} bytes is over 20 KB", Ok(badRequest));
        }

        if (FeishuSecret is { } secret)
        {
            var ts = Str(json["timestamp"]);
            var sign = Str(json["sign"]);
            var expected = ts is null ? null : Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes($"{ts}\n{secret}"), Array.Empty<byte>()));
            if (ts is null || !long.TryParse(ts, out var seconds) || Math.Abs(Now().ToUnixTimeSeconds() - seconds) > 3600 || sign != expected)
            {
                return Ok("""{"code":19021,"msg":"sign match fail or timestamp is not within one hour from current time","data":{}}""");
            }
        }

        var card = json["card"] as JsonObject;
        var ok = Str(json["msg_type"]) == "interactive"
                 && Str(card?["header"]?["title"]?["content"]) is { Length: > 0 }
                 && card?["elements"] is JsonArray { Count: > 0 } elements
                 && elements.All(e => Str(e?["tag"]) == "markdown" && Str(e?["content"]) is { Length: > 0 });
        return ok ? Ok("""{"code":0,"msg":"success","data":{}}""") : Violation("feishu", "not an interactive card with markdown elements", Ok(badRequest));
    }

    // DingTalk custom robot: access_token (+ timestamp & sign) in the query, markdown text ≤ 20000 bytes.
    private (int, string, string) DingTalk(HttpRequest request, JsonObject json)
    {
        if (request.Path != "/dingtalk/robot/send" || request.Query["access_token"] != DingTalkToken)
        {
            return Ok("""{"errcode":300001,"errmsg":"token is not exist"}""");
        }

        if (DingTalkSecret is { } secret)
        {
            string? ts = request.Query["timestamp"];
            string? sign = request.Query["sign"];
            var expected = ts is null ? null : Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{ts}\n{secret}")));
            if (ts is null || !long.TryParse(ts, out var ms) || Math.Abs(Now().ToUnixTimeMilliseconds() - ms) > 3_600_000 || sign != expected)
            {
                return Ok("""{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}""");
            }
        }

        var text = Str(json["markdown"]?["text"]);
        if (Str(json["msgtype"]) != "markdown" || Str(json["markdown"]?["title"]) is not { Length: > 0 } || text is not { Length: > 0 })
        {
            return Violation("dingtalk", "not a markdown message with title and text", Ok("""{"errcode":40035,"errmsg":"缺少参数 json"}"""));
        }

        var size = Encoding.UTF8.GetByteCount(text);
        return size > 20_000
            ? Violation("dingtalk", $"markdown text of {size} bytes", Ok("""{"errcode":460101,"errmsg":"message too long, exceed 20000 bytes"}"""))
            : Ok("""{"errcode":0,"errmsg":"ok"}""");
    }

    // WeCom group bot: key in the query, markdown content ≤ 4096 bytes UTF-8.
    private (int, string, string) WeCom(HttpRequest request, JsonObject json)
    {
        if (request.Path != "/wecom/cgi-bin/webhook/send" || request.Query["key"] != WeComKey)
        {
            return Ok("""{"errcode":93000,"errmsg":"invalid webhook url, hint: [1714538355214402498975046]"}""");
        }

        var content = Str(json["markdown"]?["content"]);
        if (Str(json["msgtype"]) != "markdown" || content is not { Length: > 0 })
        {
            return Violation("wecom", "not a markdown message with content", Ok("""{"errcode":40008,"errmsg":"invalid message type"}"""));
        }

        var size = Encoding.UTF8.GetByteCount(content);
        return size > 4096
            ? Violation("wecom", $"markdown content of {size} bytes", Ok("""{"errcode":40058,"errmsg":"markdown.content exceed max length 4096. invalid Request Parameter"}"""))
            : Ok("""{"errcode":0,"errmsg":"ok"}""");
    }

    // Slack incoming webhook: text fallback, ≤ 50 blocks, section mrkdwn text ≤ 3000 characters; answers "ok".
    private (int, string, string) Slack(string path, JsonObject json)
    {
        if (path != SlackPath)
        {
            return (404, "no_service", "text/plain");
        }

        var invalid = (400, "invalid_blocks", "text/plain");
        if (Str(json["text"]) is not { Length: > 0 })
        {
            return Violation("slack", "no text fallback", (400, "no_text", "text/plain"));
        }

        if (json["blocks"] is not JsonArray { Count: > 0 and <= 50 } blocks)
        {
            return Violation("slack", "blocks missing or more than 50", invalid);
        }

        foreach (var b in blocks)
        {
            var text = Str(b?["text"]?["text"]);
            if (Str(b?["type"]) != "section" || Str(b?["text"]?["type"]) != "mrkdwn" || text is not { Length: > 0 } || new StringInfo(text).LengthInTextElements > 3000)
            {
                return Violation("slack", "a block is not a section with mrkdwn text of 1-3000 characters", invalid);
            }
        }

        return (200, "ok", "text/plain");
    }

    // Discord webhook: content ≤ 2000, ≤ 10 embeds, title ≤ 256, description ≤ 4096, ≤ 6000 characters over all embeds; 204.
    private (int, string, string) Discord(string path, JsonObject json)
    {
        if (path != DiscordPath)
        {
            return (401, """{"message":"Invalid Webhook Token","code":50027}""", "application/json");
        }

        var invalid = (400, """{"code":50035,"errors":{},"message":"Invalid Form Body"}""", "application/json");
        var content = Str(json["content"]);
        if (content is { Length: > 2000 })
        {
            return Violation("discord", "content over 2000 characters", invalid);
        }

        if (json["embeds"] is not JsonArray { Count: <= 10 } embeds || (embeds.Count == 0 && content is null))
        {
            return Violation("discord", "no content and no embeds, or more than 10 embeds", invalid);
        }

        var total = 0;
        foreach (var e in embeds)
        {
            var title = Str(e?["title"]) ?? "";
            var description = Str(e?["description"]) ?? "";
            if (title.Length > 256 || description.Length > 4096 || title.Length + description.Length == 0)
            {
                return Violation("discord", "embed title over 256, description over 4096, or empty embed", invalid);
            }

            total += title.Length + description.Length;
        }

        return total > 6000 ? Violation("discord", $"embeds total {total} characters", invalid) : (204, "", "application/json");
    }

    // Telegram sendMessage: token in the path, HTML text of 1-4096 characters after entity parsing, only <b> and <a>.
    private (int, string, string) Telegram(string path, JsonObject json)
    {
        if (path != $"/telegram/bot{TelegramToken}/sendMessage")
        {
            return (401, """{"ok":false,"error_code":401,"description":"Unauthorized"}""", "application/json");
        }

        if (Str(json["chat_id"]) != TelegramChat)
        {
            return (400, """{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}""", "application/json");
        }

        if (Str(json["parse_mode"]) != "HTML" || json["disable_web_page_preview"]?.GetValueKind() != JsonValueKind.True)
        {
            violations.Enqueue("telegram: parse_mode is not HTML or link previews are on");
        }

        var text = Str(json["text"]) ?? "";
        var tags = TagRegex().Matches(text);
        if (tags.FirstOrDefault(t => !AllowedTagRegex().IsMatch(t.Value)) is { } bad)
        {
            return Violation("telegram", $"tag {bad.Value}", (400, """{"ok":false,"error_code":400,"description":"Bad Request: can't parse entities: Unsupported start tag"}""", "application/json"));
        }

        var visible = WebUtility.HtmlDecode(TagRegex().Replace(text, ""));
        if (visible.Length is 0 or > 4096)
        {
            return Violation("telegram", $"text of {visible.Length} characters", (400, """{"ok":false,"error_code":400,"description":"Bad Request: message is too long"}""", "application/json"));
        }

        var id = Interlocked.Increment(ref telegramMessageId);
        return Ok($$$"""{"ok":true,"result":{"message_id":{{{id}}},"chat":{"id":{{{TelegramChat}}},"type":"supergroup"},"date":1774485000,"text":"..."}}""");
    }

    private (int, string, string) Generic(HttpRequest request, string body)
    {
        try
        {
            using var _ = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return Violation("generic", "body is not JSON", (400, "bad json", "text/plain"));
        }

        return (request.ContentType ?? "").StartsWith("application/json", StringComparison.Ordinal)
            ? (200, "{}", "application/json")
            : Violation("generic", "not application/json", (415, "unsupported media type", "text/plain"));
    }

    private static string? Str(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex TagRegex();

    [GeneratedRegex("^(<b>|</b>|<a href=\"[^\"<>]*\">|</a>)$")]
    private static partial Regex AllowedTagRegex();

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
