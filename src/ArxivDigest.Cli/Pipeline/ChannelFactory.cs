using ArxivDigest.Cli.Configuration;
using ArxivDigest.Delivery;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>Builds the configured delivery channels (validated by <see cref="SettingsResolver"/>).</summary>
public static class ChannelFactory
{
    public static IDeliveryChannel Create(ChannelOptions options, Settings settings, HttpClient http, TimeProvider time) => options.Type switch
    {
        "email" => new EmailChannel(options, settings.MailRenderers.Text, settings.MailRenderers.Html),
        "feishu" => new FeishuChannel(http, options, time),
        "dingtalk" => new DingTalkChannel(http, options, time),
        "wecom" => new WeComChannel(http, options, time),
        "slack" => new SlackChannel(http, options, time),
        "discord" => new DiscordChannel(http, options, time),
        "telegram" => new TelegramChannel(http, options, time),
        "webhook" => new GenericWebhookChannel(http, options, time),
        _ => throw new ConfigurationException(options.Name, $"unknown channel type '{options.Type}'; valid: {string.Join(", ", SettingsResolver.ChannelTypes)}"),
    };
}
