using System.Net;
using System.Net.Sockets;
using System.Text;
using ArxivDigest.Delivery;
using ArxivDigest.Digests;
using ArxivDigest.Rendering;
using ArxivDigest.Tests.Support;
using MimeKit;

namespace ArxivDigest.Tests.Delivery;

public sealed class EmailChannelTests
{
    private const string ExpectedSubject = "arXiv 每日论文 2026-03-26：33 篇";

    private static readonly DigestSpec Spec = new()
    {
        Categories = ["cs"],
        Queries = ["reinforcement learning", "diffusion policy"],
        Language = "zh",
        DisplayZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"),
    };

    private static async Task<Digest> ReferenceAsync(string language = "zh")
    {
        var reference = ReferenceDigest.Load();
        return await DigestBuilder.BuildAsync(reference.Papers, Spec with { Language = language }, new DateOnly(2026, 3, 26),
            reference.GeneratedAt, reference.Translator(), CancellationToken.None);
    }

    private static ChannelOptions Options(int port, string security = "none", params string[] to) => new()
    {
        Type = "email",
        Name = "lab-mail",
        SmtpHost = "127.0.0.1",
        SmtpPort = port,
        Security = security,
        From = "ArxivDigest <digest@example.org>",
        To = to.Length > 0 ? to : ["alice@example.org"],
        Timeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Sends_multipart_alternative_with_the_text_digest_and_the_html_page()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        var digest = await ReferenceAsync();

        await new EmailChannel(Options(smtp.Port)).DeliverAsync(digest, CancellationToken.None);

        var mail = Assert.Single(smtp.Received);
        var message = mail.Load();
        var alternative = Assert.IsType<MultipartAlternative>(message.Body);
        Assert.Equal("multipart/alternative", alternative.ContentType.MimeType);
        var parts = alternative.OfType<TextPart>().ToList();
        Assert.Equal(["text/plain", "text/html"], parts.Select(p => p.ContentType.MimeType));
        Assert.All(parts, p => Assert.Equal("utf-8", p.ContentType.Charset, ignoreCase: true));

        var expectedText = new TextRenderer().RenderToString(digest);
        Assert.Equal(expectedText, Normalize(parts[0].Text));
        Assert.Equal(expectedText, Normalize(message.TextBody));

        var html = message.HtmlBody ?? "";
        Assert.Equal(33, CountOf(html, "<article id=\"arxiv-"));
        Assert.Equal(Normalize(new HtmlRenderer().RenderToString(digest)), Normalize(html));
        Assert.Contains(ReferenceDigest.Load().Entries[0].TitleZh, html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chinese_subject_is_encoded_in_the_raw_header_and_decodes_back_exactly()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        var digest = await ReferenceAsync();

        await new EmailChannel(Options(smtp.Port)).DeliverAsync(digest, CancellationToken.None);

        var mail = Assert.Single(smtp.Received);
        Assert.Equal(ExpectedSubject, EmailChannel.Subject(digest));
        Assert.Equal(ExpectedSubject, mail.Load().Subject);

        // Headers on the wire are 7-bit (RFC 2047 encoded-words): the server did not offer SMTPUTF8.
        var raw = Encoding.Latin1.GetString(mail.Raw);
        var headers = raw[..raw.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.All(headers, c => Assert.True(c < 128, $"non-ASCII byte 0x{(int)c:x2} in the headers"));
        Assert.Contains("=?utf-8?", headers, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_recipient_receives_the_message_and_from_is_the_configured_sender()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        string[] to = ["alice@example.org", "Bob <bob@example.org>", "carol@example.net"];

        await new EmailChannel(Options(smtp.Port, "none", to)).DeliverAsync(await ReferenceAsync(), CancellationToken.None);

        var mail = Assert.Single(smtp.Received);
        Assert.Equal(["alice@example.org", "bob@example.org", "carol@example.net"], mail.To);
        Assert.Equal("digest@example.org", mail.From);
        var message = mail.Load();
        Assert.Equal(["alice@example.org", "bob@example.org", "carol@example.net"], message.To.Mailboxes.Select(m => m.Address));
        var from = Assert.Single(message.From.Mailboxes);
        Assert.Equal(("ArxivDigest", "digest@example.org"), (from.Name, from.Address));
    }

    [Fact]
    public async Task Authenticates_when_a_user_is_configured()
    {
        await using var smtp = await FakeSmtpServer.StartAsync("digest-bot", "correct horse battery");
        var options = Options(smtp.Port) with { SmtpUser = "digest-bot", SmtpPassword = "correct horse battery" };

        await new EmailChannel(options).DeliverAsync(await ReferenceAsync(), CancellationToken.None);

        var mail = Assert.Single(smtp.Received);
        Assert.Equal("digest-bot", mail.User);
        Assert.Equal(1, smtp.AuthAttempts);
    }

    [Fact]
    public async Task Without_a_user_it_does_not_authenticate_and_a_server_requiring_auth_refuses()
    {
        await using var smtp = await FakeSmtpServer.StartAsync("digest-bot", "s3cret");

        var e = await Assert.ThrowsAsync<DeliveryException>(
            async () => await new EmailChannel(Options(smtp.Port)).DeliverAsync(await ReferenceAsync(), CancellationToken.None));

        Assert.Equal(0, smtp.AuthAttempts);
        Assert.Empty(smtp.Received);
        Assert.Equal("lab-mail", e.Channel);
    }

    [Fact]
    public async Task Wrong_password_is_a_delivery_exception_that_never_shows_the_password()
    {
        const string wrong = "hunter2-WRONG-pässwörd";
        await using var smtp = await FakeSmtpServer.StartAsync("digest-bot", "right-password");
        var options = Options(smtp.Port) with { SmtpUser = "digest-bot", SmtpPassword = wrong };

        var e = await Assert.ThrowsAsync<DeliveryException>(
            async () => await new EmailChannel(options).DeliverAsync(await ReferenceAsync(), CancellationToken.None));

        Assert.Equal("lab-mail", e.Channel);
        Assert.StartsWith("lab-mail: authentication as digest-bot", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.True(smtp.AuthAttempts >= 1);
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task Server_rejection_is_a_delivery_exception_with_the_smtp_reply()
    {
        await using var smtp = await FakeSmtpServer.StartAsync(reject: true);

        var e = await Assert.ThrowsAsync<DeliveryException>(
            async () => await new EmailChannel(Options(smtp.Port)).DeliverAsync(await ReferenceAsync(), CancellationToken.None));

        Assert.Equal("lab-mail", e.Channel);
        Assert.Contains("554", e.Message, StringComparison.Ordinal);
        Assert.Contains(FakeSmtpServer.RejectionText, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task Default_starttls_refuses_to_send_in_plain_text_to_a_server_without_starttls()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        var options = Options(smtp.Port) with { Security = new ChannelOptions { Type = "email", Name = "x" }.Security };
        Assert.Equal("starttls", options.Security);

        var e = await Assert.ThrowsAsync<DeliveryException>(
            async () => await new EmailChannel(options).DeliverAsync(await ReferenceAsync(), CancellationToken.None));

        Assert.StartsWith("lab-mail: cannot connect to 127.0.0.1:", e.Message, StringComparison.Ordinal);
        Assert.Contains("(starttls)", e.Message, StringComparison.Ordinal);
        Assert.Contains("STARTTLS", e.Message, StringComparison.Ordinal);
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public async Task Connection_refused_is_a_delivery_exception()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = await Assert.ThrowsAsync<DeliveryException>(
            async () => await new EmailChannel(Options(port)).DeliverAsync(await ReferenceAsync(), CancellationToken.None));

        Assert.StartsWith("lab-mail: cannot connect to 127.0.0.1:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_silent_server_times_out_after_the_configured_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accept = listener.AcceptTcpClientAsync();
        var options = Options(port) with { Timeout = TimeSpan.FromMilliseconds(500) };

        var started = DateTime.UtcNow;
        var e = await Assert.ThrowsAsync<DeliveryException>(
            async () => await new EmailChannel(options).DeliverAsync(await ReferenceAsync(), CancellationToken.None));

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8));
        Assert.Contains("timed out", e.Message, StringComparison.Ordinal);
        (await accept).Dispose();
    }

    [Fact]
    public async Task Caller_cancellation_is_not_reported_as_a_delivery_failure()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            async () => await new EmailChannel(Options(smtp.Port)).DeliverAsync(await ReferenceAsync(), cts.Token));
        Assert.Empty(smtp.Received);
    }

    [Fact]
    public void Validate_accepts_a_complete_configuration()
    {
        Assert.Empty(EmailChannel.Validate(Options(587, "starttls", "a@example.org", "B <b@example.org>")));
        Assert.Empty(EmailChannel.Validate(Options(465, "ssl")));
        Assert.Empty(EmailChannel.Validate(Options(25, "none")));
        Assert.Empty(EmailChannel.Validate(Options(587, "StartTLS")));
    }

    [Fact]
    public void Validate_reports_every_problem()
    {
        var options = new ChannelOptions { Type = "email", Name = "m", SmtpPort = 70000, Security = "tls-please" };
        var errors = EmailChannel.Validate(options);
        Assert.Contains(errors, e => e.Contains("smtp_host", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("from", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("to ", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("70000", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("tls-please", StringComparison.Ordinal));
        Assert.Equal(5, errors.Count);

        Assert.Contains(EmailChannel.Validate(Options(0)), e => e.Contains("smtp_port", StringComparison.Ordinal));
        Assert.Contains(EmailChannel.Validate(Options(25, "none", "not an address")), e => e.Contains("not an address", StringComparison.Ordinal));
        Assert.Contains(EmailChannel.Validate(Options(25) with { From = "nobody" }), e => e.StartsWith("from", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Invalid_configuration_fails_delivery_without_connecting()
    {
        var options = new ChannelOptions { Type = "email", Name = "broken", SmtpHost = "127.0.0.1", SmtpPassword = "pw-secret" };

        var e = await Assert.ThrowsAsync<DeliveryException>(
            async () => await new EmailChannel(options).DeliverAsync(await ReferenceAsync(), CancellationToken.None));

        Assert.Equal("broken", e.Channel);
        Assert.StartsWith("broken: invalid configuration:", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-secret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task English_digest_subject_names_the_digest()
    {
        var digest = await ReferenceAsync("en");
        Assert.Equal("arXiv digest default 2026-03-26: 33 papers", EmailChannel.Subject(digest with { Name = "default" }));
        Assert.Equal(ExpectedSubject, EmailChannel.Subject(await ReferenceAsync()));
        Assert.Equal("lab-mail", new EmailChannel(Options(25)).Name);
    }

    private static string Normalize(string? text) => (text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal);

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }

    [Fact]
    public async Task User_templates_shape_the_email_bodies()
    {
        await using var smtp = await FakeSmtpServer.StartAsync();
        var digest = await ReferenceAsync();
        var text = ArxivDigest.Output.TemplateRenderer.Parse("text", "txt", "mail.txt.scriban", "{{ digest.count }} papers, first {{ digest.groups[0].papers[0].id }}");
        var html = ArxivDigest.Output.TemplateRenderer.Parse("html", "html", "mail.html.scriban", "<p>{{ digest.count | html.escape }}</p>");

        await new EmailChannel(Options(smtp.Port), text, html).DeliverAsync(digest, CancellationToken.None);

        var message = Assert.Single(smtp.Received).Load();
        Assert.Equal("33 papers, first 2603.22293", message.TextBody?.TrimEnd());
        Assert.Equal("<p>33</p>", message.HtmlBody?.TrimEnd());
    }
}
