using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using SmtpServer;
using SmtpServer.Authentication;
using SmtpServer.Mail;
using SmtpServer.Net;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace ArxivDigest.Tests.Support;

/// <summary>One message as the fake SMTP server received it.</summary>
public sealed record ReceivedMail(string From, IReadOnlyList<string> To, byte[] Raw, string? User)
{
    public MimeKit.MimeMessage Load()
    {
        using var stream = new MemoryStream(Raw);
        return MimeKit.MimeMessage.Load(stream);
    }
}

/// <summary>
/// An in-process SMTP server (the SmtpServer package) on 127.0.0.1 and a free port. Plain text only: it has no
/// certificate, so it does not offer STARTTLS. Keeps every accepted message (raw MIME) in memory; optionally requires
/// AUTH with a fixed user and password; optionally rejects every message with an SMTP error at the end of DATA.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    public const string RejectionText = "5.7.1 message rejected by policy";

    private readonly ConcurrentQueue<ReceivedMail> _received = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SmtpServer.SmtpServer _server;
    private readonly Task _running;
    private int _authAttempts;

    private FakeSmtpServer(string? user, string? password, bool reject, int port)
    {
        User = user;
        Password = password;
        Reject = reject;
        Port = port;
        var options = new SmtpServerOptionsBuilder()
            .ServerName("fake-smtp.test")
            .Endpoint(b => b
                .Endpoint(new IPEndPoint(IPAddress.Loopback, port))
                .IsSecure(false)
                .AuthenticationRequired(user is not null)
                .AllowUnsecureAuthentication(user is not null))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        if (user is not null)
        {
            services.Add(new Authenticator(this));
        }

        _server = new SmtpServer.SmtpServer(options, services);
        _running = _server.StartAsync(_stop.Token);
    }

    public string? User { get; }

    public string? Password { get; }

    /// <summary>Rejects every message (554) instead of storing it.</summary>
    public bool Reject { get; }

    public int Port { get; }

    public IReadOnlyList<ReceivedMail> Received => _received.ToArray();

    public int AuthAttempts => Volatile.Read(ref _authAttempts);

    /// <summary>Starts a server; <paramref name="user"/>/<paramref name="password"/> make AUTH required.</summary>
    public static async Task<FakeSmtpServer> StartAsync(string? user = null, string? password = null, bool reject = false)
    {
        // The port is picked by binding to port 0 and released before the server binds it; retry on the rare race.
        for (var attempt = 0; ; attempt++)
        {
            var server = new FakeSmtpServer(user, password, reject, FreePort());
            if (await server.WaitUntilListeningAsync())
            {
                return server;
            }

            await server.DisposeAsync();
            if (attempt >= 4)
            {
                throw new InvalidOperationException("fake SMTP server could not start");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _server.Shutdown();
        await _stop.CancelAsync();
        try
        {
            await _running.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException or System.Net.Sockets.SocketException)
        {
            // Stopped (or never started).
        }

        _stop.Dispose();
    }

    private static int FreePort()
    {
        var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private async Task<bool> WaitUntilListeningAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (_running.IsCompleted)
            {
                return false;
            }

            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return true;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(20);
            }
        }

        return false;
    }

    private sealed class Store(FakeSmtpServer owner) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            if (owner.Reject)
            {
                return Task.FromResult(new SmtpResponse(SmtpReplyCode.TransactionFailed, RejectionText));
            }

            var user = context.Authentication.IsAuthenticated ? context.Authentication.User : null;
            owner._received.Enqueue(new ReceivedMail(
                transaction.From.AsAddress(),
                transaction.To.Select(t => t.AsAddress()).ToList(),
                buffer.ToArray(),
                user));
            return Task.FromResult(SmtpResponse.Ok);
        }
    }

    private sealed class Authenticator(FakeSmtpServer owner) : IUserAuthenticator
    {
        public Task<bool> AuthenticateAsync(ISessionContext context, string user, string password, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._authAttempts);
            return Task.FromResult(user == owner.User && password == owner.Password);
        }
    }
}
