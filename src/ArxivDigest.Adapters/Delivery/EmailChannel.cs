using System.Globalization;
using System.Text;
using ArxivDigest.Digests;
using ArxivDigest.Rendering;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace ArxivDigest.Delivery;

/// <summary>
/// Sends a digest by SMTP (MailKit): one multipart/alternative message with the plain-text digest and the HTML page,
/// from <see cref="ChannelOptions.From"/> to every address in <see cref="ChannelOptions.To"/>. STARTTLS is required by
/// default; <c>ssl</c> is TLS on connect; <c>none</c> (plain text) only when explicitly configured. Every failure is a
/// one-line <see cref="DeliveryException"/> that never contains the password.
/// </summary>
public sealed class EmailChannel(ChannelOptions options, IDigestRenderer? textLayout = null, IDigestRenderer? htmlLayout = null) : IDeliveryChannel
{
    public string Name => options.Name;

    /// <summary>Configuration problems, one message each; empty when the options can be used to send.</summary>
    public static IReadOnlyList<string> Validate(ChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.SmtpHost))
        {
            errors.Add("smtp_host is missing");
        }

        if (options.SmtpPort is < 1 or > 65535)
        {
            errors.Add($"smtp_port {options.SmtpPort.ToString(CultureInfo.InvariantCulture)} is not a TCP port (1-65535)");
        }

        if (string.IsNullOrWhiteSpace(options.From))
        {
            errors.Add("from is missing");
        }
        else if (!IsAddress(options.From))
        {
            errors.Add($"from '{OneLine(options.From)}' is not an email address");
        }

        if (options.To.Count == 0 || options.To.All(string.IsNullOrWhiteSpace))
        {
            errors.Add("to is missing (at least one recipient)");
        }
        else
        {
            foreach (var to in options.To)
            {
                if (!IsAddress(to))
                {
                    errors.Add($"to '{OneLine(to ?? "")}' is not an email address");
                }
            }
        }

        if (ParseSecurity(options.Security) is null)
        {
            errors.Add($"security '{OneLine(options.Security ?? "")}' is unknown (use starttls, ssl or none)");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add("timeout must be positive");
        }

        return errors;
    }

    /// <summary>The subject line: <c>arXiv 每日论文 2026-03-26：33 篇</c> for Chinese digests, else <c>arXiv digest default 2026-03-26: 33 papers</c>.</summary>
    public static string Subject(Digest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var date = digest.ListingDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var count = digest.Count.ToString(CultureInfo.InvariantCulture);
        return digest.Language.StartsWith("zh", StringComparison.OrdinalIgnoreCase)
            ? $"arXiv 每日论文 {date}：{count} 篇"
            : $"arXiv digest {digest.Name} {date}: {count} {(digest.Count == 1 ? "paper" : "papers")}";
    }

    /// <summary>The message this channel sends for <paramref name="digest"/> (addresses must be valid: see <see cref="Validate"/>).</summary>
    public MimeMessage CreateMessage(Digest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(options.From!));
        foreach (var to in options.To)
        {
            message.To.Add(MailboxAddress.Parse(to));
        }

        message.Subject = Subject(digest);
        message.Date = digest.GeneratedAt;
        message.Headers.Add("Auto-Submitted", "auto-generated");

        var text = new TextPart("plain");
        text.SetText(Encoding.UTF8, (textLayout ?? new TextRenderer()).RenderToString(digest));
        var html = new TextPart("html");
        html.SetText(Encoding.UTF8, (htmlLayout ?? new HtmlRenderer()).RenderToString(digest));
        var alternative = new MultipartAlternative { text, html };
        message.Body = alternative;
        return message;
    }

    public async Task DeliverAsync(Digest digest, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var errors = Validate(options);
        if (errors.Count > 0)
        {
            throw Failure($"invalid configuration: {string.Join("; ", errors)}");
        }

        var message = CreateMessage(digest);
        var security = ParseSecurity(options.Security)!.Value;
        var host = options.SmtpHost!.Trim();
        var endpoint = $"{host}:{options.SmtpPort.ToString(CultureInfo.InvariantCulture)} ({options.Security.Trim().ToLowerInvariant()})";

        using var client = new SmtpClient();
        client.Timeout = (int)Math.Clamp(options.Timeout.TotalMilliseconds, 1, int.MaxValue);
        try
        {
            await Step(() => client.ConnectAsync(host, options.SmtpPort, security, cancellationToken), $"cannot connect to {endpoint}", cancellationToken)
                .ConfigureAwait(false);
            if (!string.IsNullOrEmpty(options.SmtpUser))
            {
                await Step(() => client.AuthenticateAsync(options.SmtpUser, options.SmtpPassword ?? "", cancellationToken),
                    $"authentication as {options.SmtpUser} at {endpoint} failed", cancellationToken).ConfigureAwait(false);
            }

            await Step(() => client.SendAsync(message, cancellationToken), $"sending to {endpoint} failed", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (client.IsConnected)
            {
                try
                {
                    await client.DisconnectAsync(true, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // The message is already sent (or the failure already reported); a failed QUIT changes nothing.
                }
            }
        }
    }

    private async Task Step(Func<Task> action, string what, CancellationToken cancellationToken)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Failure($"{what}: {Describe(e)}", e);
        }
    }

    private static string Describe(Exception e) => e switch
    {
        SmtpCommandException c => $"server replied {((int)c.StatusCode).ToString(CultureInfo.InvariantCulture)} {c.Message}",
        SmtpProtocolException p => $"protocol error: {p.Message}",
        OperationCanceledException or TimeoutException => "timed out",
        _ => e.Message,
    };

    private DeliveryException Failure(string message, Exception? inner = null) =>
        new(options.Name, Redact(OneLine(message)), inner);

    /// <summary>Belt and braces: MailKit does not echo credentials, but a server's reply might.</summary>
    private string Redact(string text)
    {
        if (string.IsNullOrEmpty(options.SmtpPassword))
        {
            return text;
        }

        return text.Replace(options.SmtpPassword, "***", StringComparison.Ordinal);
    }

    private static string OneLine(string text)
    {
        var sb = new StringBuilder(text.Length);
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>One mailbox (<c>a@b.org</c> or <c>Name &lt;a@b.org&gt;</c>) with a local part and a domain.</summary>
    private static bool IsAddress(string? text) =>
        !string.IsNullOrWhiteSpace(text)
        && MailboxAddress.TryParse(ParserOptions.Default, text, out var mailbox)
        && mailbox.Address.LastIndexOf('@') is var at and > 0
        && at < mailbox.Address.Length - 1
        && !mailbox.Address.Contains(' ', StringComparison.Ordinal);

    private static SecureSocketOptions? ParseSecurity(string? security) =>
        (security ?? "").Trim().ToLowerInvariant() switch
        {
            "starttls" => SecureSocketOptions.StartTls,
            "ssl" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            _ => null,
        };
}
