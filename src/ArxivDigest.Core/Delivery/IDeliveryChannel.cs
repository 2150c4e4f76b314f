using ArxivDigest.Digests;

namespace ArxivDigest.Delivery;

/// <summary>
/// The deliver seam: sends one digest to one destination. Throws <see cref="DeliveryException"/> (or any exception) on
/// failure; the fan-out records the failure, delivers to the other channels, and retries this one on the next run.
/// A channel never logs or puts secrets (passwords, tokens, webhook URLs with keys) in messages.
/// </summary>
public interface IDeliveryChannel
{
    /// <summary>Unique channel name from the configuration (e.g. <c>lab-mail</c>, <c>feishu</c>); the ledger key.</summary>
    string Name { get; }

    Task DeliverAsync(Digest digest, CancellationToken cancellationToken);
}

/// <summary>A delivery that failed; <see cref="Exception.Message"/> is one line, secrets redacted.</summary>
public sealed class DeliveryException(string channel, string message, Exception? inner = null)
    : Exception($"{channel}: {message}", inner)
{
    public string Channel { get; } = channel;
}

/// <summary>Settings of one configured channel (a <c>[[channel]]</c> table). Secrets are read from the environment.</summary>
public sealed record ChannelOptions
{
    /// <summary>email, feishu, dingtalk, wecom, slack, discord, telegram, webhook.</summary>
    public required string Type { get; init; }

    public required string Name { get; init; }

    /// <summary>Webhook URL (or API base URL for Telegram). May embed a token: never printed.</summary>
    public string? Url { get; init; }

    /// <summary>Signing secret (Feishu, DingTalk) or bot token (Telegram).</summary>
    public string? Secret { get; init; }

    /// <summary>Telegram chat id.</summary>
    public string? ChatId { get; init; }

    // Email
    public IReadOnlyList<string> To { get; init; } = [];

    public string? From { get; init; }

    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 587;

    /// <summary>starttls (default), ssl, or none (plain; only when explicitly configured).</summary>
    public string Security { get; init; } = "starttls";

    public string? SmtpUser { get; init; }

    public string? SmtpPassword { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() => $"ChannelOptions {{ Type = {Type}, Name = {Name} }}";
}
