using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ArxivDigest.Delivery;
using ArxivDigest.Digests;
using ArxivDigest.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ArxivDigest.Tests.Delivery;

public sealed partial class WebhookChannelTests : IAsyncLifetime, IDisposable
{
    private const string FeishuSecret = "feishu-sign-secret-9f8e7d";
    private const string DingTalkSecret = "SECdingtalk0123456789abcdef";

    private static readonly TimeZoneInfo Shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private readonly HttpClient http = new();
    private FakeWebhookServer server = null!;
    private FakeTimeProvider time = null!;
    private Digest digest = null!;

    public async Task InitializeAsync()
    {
        server = await FakeWebhookServer.StartAsync();
        var reference = ReferenceDigest.Load();
        time = new FakeTimeProvider(reference.GeneratedAt.AddMinutes(1));
        server.Now = time.GetUtcNow;
        var spec = new DigestSpec { Categories = ["cs"], Queries = ["reinforcement learning", "diffusion policy"], Language = "zh", DisplayZone = Shanghai };
        digest = await DigestBuilder.BuildAsync(reference.Papers, spec, new DateOnly(2026, 3, 26), reference.GeneratedAt, reference.Translator(), CancellationToken.None);
        Assert.Equal(33, digest.Count);
    }

    public async Task DisposeAsync() => await server.DisposeAsync();

    public void Dispose() => http.Dispose();

    private IReadOnlyList<string> DigestIds => digest.Groups.SelectMany(g => g.Papers.Select(p => p.Paper.Id)).ToList();

    private ChannelOptions Options(string type, string url, string? secret = null, string? chat = null) =>
        new() { Type = type, Name = $"{type}-test", Url = url, Secret = secret, ChatId = chat, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every paper once, in digest order, across the messages; the messages numbered (i/n) when several.</summary>
    private void AssertDelivered(IReadOnlyList<string> messages, Func<int, string> numbered)
    {
        Assert.Empty(server.Violations);
        Assert.NotEmpty(messages);
        var ids = messages.SelectMany(m => AbsRegex().Matches(m).Select(x => x.Groups[1].Value)).ToList();
        Assert.Equal(DigestIds, ids);
        if (messages.Count > 1)
        {
            for (var i = 0; i < messages.Count; i++)
            {
                Assert.StartsWith($"({i + 1}/{messages.Count})", numbered(i), StringComparison.Ordinal);
            }
        }
    }

    private static void AssertNoSecrets(DeliveryException e, params string[] secrets)
    {
        Assert.DoesNotContain('\n', e.Message);
        foreach (var s in secrets)
        {
            Assert.DoesNotContain(s, e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(Uri.EscapeDataString(s), e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Feishu_sends_signed_interactive_cards_within_20_KB_with_every_paper_once()
    {
        server.FeishuSecret = FeishuSecret;
        var channel = new FeishuChannel(http, Options("feishu", server.FeishuUrl, FeishuSecret), time);
        await channel.DeliverAsync(digest, CancellationToken.None);

        var hits = server.HitsOf("feishu");
        Assert.All(hits, h => Assert.Equal(200, h.Status));
        Assert.All(hits, h => Assert.Equal((time.GetUtcNow().ToUnixTimeSeconds()).ToString(System.Globalization.CultureInfo.InvariantCulture), h.Json["timestamp"]!.GetValue<string>()));
        var contents = hits.Select(h => h.Json["card"]!["elements"]!.AsArray().Select(e => e!["content"]!.GetValue<string>()).Aggregate((a, b) => a + "\n" + b)).ToList();
        AssertDelivered(contents, i => contents[i]);
        if (hits.Count > 1)
        {
            Assert.All(hits.Select((h, i) => (h, i)), x => Assert.EndsWith($"({x.i + 1}/{hits.Count})", x.h.Json["card"]!["header"]!["title"]!["content"]!.GetValue<string>(), StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Feishu_splits_a_long_digest_into_several_cards()
    {
        server.FeishuSecret = FeishuSecret;
        var longer = WithTldr(digest, new string('长', 300));
        await new FeishuChannel(http, Options("feishu", server.FeishuUrl, FeishuSecret), time).DeliverAsync(longer, CancellationToken.None);
        var hits = server.HitsOf("feishu");
        Assert.True(hits.Count >= 2, $"{hits.Count} cards");
        var contents = hits.Select(h => h.Json["card"]!["elements"]![0]!["content"]!.GetValue<string>()).ToList();
        AssertDelivered(contents, i => contents[i]);
        Assert.All(hits, h => Assert.True(System.Text.Encoding.UTF8.GetByteCount(h.Body) <= 20_000));
    }

    [Fact]
    public async Task Feishu_wrong_secret_and_error_codes_fail_without_secrets()
    {
        server.FeishuSecret = FeishuSecret;
        var channel = new FeishuChannel(http, Options("feishu", server.FeishuUrl, "not-the-secret-123"), time);
        var e = await Assert.ThrowsAsync<DeliveryException>(() => channel.DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("Feishu answered code 19021", e.Message, StringComparison.Ordinal);
        Assert.Contains("sign match fail", e.Message, StringComparison.Ordinal);
        Assert.Equal("feishu-test", e.Channel);
        AssertNoSecrets(e, FakeWebhookServer.FeishuToken, "not-the-secret-123", server.FeishuUrl);
        Assert.Single(server.HitsOf("feishu"));

        // A stale timestamp is refused too.
        var late = new FakeTimeProvider(time.GetUtcNow().AddHours(2));
        e = await Assert.ThrowsAsync<DeliveryException>(() => new FeishuChannel(http, Options("feishu", server.FeishuUrl, FeishuSecret), late).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("19021", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DingTalk_sends_markdown_with_a_signed_url_within_20000_bytes()
    {
        server.DingTalkSecret = DingTalkSecret;
        await new DingTalkChannel(http, Options("dingtalk", server.DingTalkUrl, DingTalkSecret), time).DeliverAsync(WithTldr(digest, "这是一个很长的一句话总结。"), CancellationToken.None);
        var hits = server.HitsOf("dingtalk");
        Assert.All(hits, h => Assert.Equal(200, h.Status));
        Assert.All(hits, h => Assert.Contains($"timestamp={time.GetUtcNow().ToUnixTimeMilliseconds()}", h.Query, StringComparison.Ordinal));
        var texts = hits.Select(h => h.Json["markdown"]!["text"]!.GetValue<string>()).ToList();
        AssertDelivered(texts, i => texts[i]);
        Assert.All(hits, h => Assert.Equal("markdown", h.Json["msgtype"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DingTalk_sign_mismatch_and_error_answers_fail_without_secrets()
    {
        server.DingTalkSecret = DingTalkSecret;
        var e = await Assert.ThrowsAsync<DeliveryException>(() =>
            new DingTalkChannel(http, Options("dingtalk", server.DingTalkUrl, "SECwrong-secret-000"), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("DingTalk answered errcode 310000", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, FakeWebhookServer.DingTalkToken, "SECwrong-secret-000", server.DingTalkUrl);

        server.Enqueue("dingtalk", new ScriptedAnswer(200, """{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}"""));
        e = await Assert.ThrowsAsync<DeliveryException>(() =>
            new DingTalkChannel(http, Options("dingtalk", server.DingTalkUrl, DingTalkSecret), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("errcode 130101: send too fast", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, FakeWebhookServer.DingTalkToken, DingTalkSecret);
    }

    [Fact]
    public async Task WeCom_sends_several_markdown_messages_of_at_most_4096_bytes()
    {
        await new WeComChannel(http, Options("wecom", server.WeComUrl), time).DeliverAsync(digest, CancellationToken.None);
        var hits = server.HitsOf("wecom");
        Assert.True(hits.Count >= 3, $"{hits.Count} messages");
        var texts = hits.Select(h => h.Json["markdown"]!["content"]!.GetValue<string>()).ToList();
        Assert.All(texts, t => Assert.True(System.Text.Encoding.UTF8.GetByteCount(t) <= 4096));
        AssertDelivered(texts, i => texts[i]);
    }

    [Fact]
    public async Task WeCom_error_stops_delivery_and_hides_the_key()
    {
        server.Enqueue("wecom", ScriptedAnswer.Pass);
        server.Enqueue("wecom", new ScriptedAnswer(200, $$"""{"errcode":45009,"errmsg":"api freq out of limit, key {{FakeWebhookServer.WeComKey}}"}"""));
        var e = await Assert.ThrowsAsync<DeliveryException>(() => new WeComChannel(http, Options("wecom", server.WeComUrl), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("WeCom answered errcode 45009: api freq out of limit", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, FakeWebhookServer.WeComKey, server.WeComUrl);
        Assert.Equal(2, server.HitsOf("wecom").Count);
    }

    [Fact]
    public async Task Slack_sends_section_blocks_within_3000_characters_and_50_blocks()
    {
        await new SlackChannel(http, Options("slack", server.SlackUrl), time).DeliverAsync(digest, CancellationToken.None);
        var hits = server.HitsOf("slack");
        Assert.All(hits, h => Assert.Equal(200, h.Status));
        var texts = hits.Select(h => string.Join("\n", h.Json["blocks"]!.AsArray().Select(b => b!["text"]!["text"]!.GetValue<string>()))).ToList();
        AssertDelivered(texts, i => texts[i]);
        Assert.All(hits, h => Assert.StartsWith("arXiv digest default: 2026-03-26", h.Json["text"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Slack_error_answer_fails_without_the_webhook_path()
    {
        server.Enqueue("slack", new ScriptedAnswer(403, "action_prohibited", "text/plain"));
        var e = await Assert.ThrowsAsync<DeliveryException>(() => new SlackChannel(http, Options("slack", server.SlackUrl), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("Slack answered HTTP 403: action_prohibited", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, FakeWebhookServer.SlackPath, "slackSecretXyz123", "B0002BBBB");
    }

    [Fact]
    public async Task Discord_sends_at_most_10_embeds_and_6000_characters_per_message()
    {
        await new DiscordChannel(http, Options("discord", server.DiscordUrl), time).DeliverAsync(digest, CancellationToken.None);
        var hits = server.HitsOf("discord");
        Assert.All(hits, h => Assert.Equal(204, h.Status));
        Assert.True(hits.Count >= 4, $"{hits.Count} messages");
        var urls = hits.Select(h => string.Join("\n", h.Json["embeds"]!.AsArray().Select(e => e!["url"]?.GetValue<string>() ?? ""))).ToList();
        AssertDelivered(urls, i => hits[i].Json["content"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discord_rate_limit_and_errors_fail_without_the_token()
    {
        server.Enqueue("discord", new ScriptedAnswer(429, """{"message":"You are being rate limited.","retry_after":1.5,"global":false}"""));
        var e = await Assert.ThrowsAsync<DeliveryException>(() => new DiscordChannel(http, Options("discord", server.DiscordUrl), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("Discord answered 429: You are being rate limited. (retry after 1.5 s)", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, "discord-token-Qw3rTy", FakeWebhookServer.DiscordPath);

        e = await Assert.ThrowsAsync<DeliveryException>(() => new DiscordChannel(http, Options("discord", server.Url + "/discord/api/webhooks/1/bad-token-zzzz"), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("Discord answered 401: Invalid Webhook Token", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, "bad-token-zzzz");
    }

    [Fact]
    public async Task Telegram_sends_html_messages_of_at_most_4096_characters()
    {
        var options = Options("telegram", server.TelegramUrl, FakeWebhookServer.TelegramToken, FakeWebhookServer.TelegramChat);
        await new TelegramChannel(http, options, time).DeliverAsync(digest, CancellationToken.None);
        var hits = server.HitsOf("telegram");
        Assert.All(hits, h => Assert.Equal(200, h.Status));
        Assert.True(hits.Count >= 2, $"{hits.Count} messages");
        var texts = hits.Select(h => h.Json["text"]!.GetValue<string>()).ToList();
        AssertDelivered(texts, i => texts[i]);
    }

    [Fact]
    public async Task Telegram_errors_never_show_the_bot_token()
    {
        var wrong = "987654321:wrong-token-SECRET";
        var e = await Assert.ThrowsAsync<DeliveryException>(() =>
            new TelegramChannel(http, Options("telegram", server.TelegramUrl, wrong, FakeWebhookServer.TelegramChat), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("Telegram answered 401: Unauthorized", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, wrong, "wrong-token-SECRET");

        server.Enqueue("telegram", new ScriptedAnswer(429, """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}"""));
        e = await Assert.ThrowsAsync<DeliveryException>(() =>
            new TelegramChannel(http, Options("telegram", server.TelegramUrl, FakeWebhookServer.TelegramToken, FakeWebhookServer.TelegramChat), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("Telegram answered 429: Too Many Requests: retry after 7 (retry after 7 s)", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, FakeWebhookServer.TelegramToken);
    }

    [Fact]
    public async Task Generic_webhook_posts_the_digest_json()
    {
        await new GenericWebhookChannel(http, Options("webhook", server.GenericUrl), time).DeliverAsync(digest, CancellationToken.None);
        var hit = Assert.Single(server.HitsOf("generic"));
        Assert.Empty(server.Violations);
        Assert.Equal(33, hit.Json["count"]!.GetValue<int>());
        Assert.Equal(DigestIds, hit.Json["groups"]!.AsArray().SelectMany(g => g!["papers"]!.AsArray().Select(p => p!["id"]!.GetValue<string>())).ToList());

        server.Enqueue("generic", new ScriptedAnswer(500, "boom generic-secret-key", "text/plain"));
        var e = await Assert.ThrowsAsync<DeliveryException>(() => new GenericWebhookChannel(http, Options("webhook", server.GenericUrl), time).DeliverAsync(digest, CancellationToken.None));
        Assert.Contains("Webhook answered HTTP 500", e.Message, StringComparison.Ordinal);
        AssertNoSecrets(e, "generic-secret-key");
    }

    [Fact]
    public async Task Unreachable_webhook_fails_without_the_url()
    {
        var url = "http://127.0.0.1:1/feishu/open-apis/bot/v2/hook/unreachable-token-abc";
        var e = await Assert.ThrowsAsync<DeliveryException>(() => new FeishuChannel(http, Options("feishu", url), time).DeliverAsync(digest, CancellationToken.None));
        AssertNoSecrets(e, "unreachable-token-abc", url);
    }

    [Fact]
    public void Split_packs_blocks_in_order_and_cuts_an_oversized_block_at_lines_with_a_marker()
    {
        var lines = Enumerable.Range(1, 40).Select(i => $"line {i:00} " + new string('x', 40)).ToList();
        var blocks = new List<string> { "a", "b", string.Join("\n", lines), "c", new string('y', 250) };
        var messages = WebhookText.Split(blocks, 200, WebhookText.Utf8Bytes);
        Assert.All(messages, m => Assert.True(WebhookText.Utf8Bytes(m) <= 200));
        Assert.StartsWith("a\n\nb", messages[0], StringComparison.Ordinal);
        var all = string.Join("\n", messages);
        foreach (var line in lines)
        {
            Assert.Single(Regex.Matches(all, Regex.Escape(line)));
        }

        Assert.Contains(messages, m => m.StartsWith(WebhookText.Continued, StringComparison.Ordinal));
        Assert.Equal(250, all.Count(c => c == 'y')); // a single too-long line is cut at characters, not dropped

        var numbered = WebhookText.SplitNumbered(blocks, 200, WebhookText.Utf8Bytes);
        Assert.All(numbered, m => Assert.True(WebhookText.Utf8Bytes(m) <= 200));
        Assert.StartsWith($"(1/{numbered.Count})\n", numbered[0], StringComparison.Ordinal);
        Assert.Single(WebhookText.SplitNumbered(["only"], 200, WebhookText.Utf8Bytes), "only");
    }

    [Fact]
    public void Feishu_and_DingTalk_signatures_follow_the_documented_formulas()
    {
        // Feishu: key "timestamp\nsecret", empty data. DingTalk: key secret, data "timestamp\nsecret".
        var feishu = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData("1599360473\ndemo"u8.ToArray(), Array.Empty<byte>()));
        Assert.Equal(feishu, FeishuChannel.Sign(1599360473, "demo"));
        var ding = Convert.ToBase64String(System.Security.Cryptography.HMACSHA256.HashData("SECdemo"u8.ToArray(), "1599360473000\nSECdemo"u8.ToArray()));
        Assert.Equal(ding, DingTalkChannel.Sign(1599360473000, "SECdemo"));
    }

    private static Digest WithTldr(Digest d, string tldr) => d with
    {
        Groups = d.Groups.Select(g => g with { Papers = g.Papers.Select(p => p with { Tldr = tldr }).ToList() }).ToList(),
    };

    [GeneratedRegex(@"arxiv\.org/abs/(\d{4}\.\d{4,5})")]
    private static partial Regex AbsRegex();
}
