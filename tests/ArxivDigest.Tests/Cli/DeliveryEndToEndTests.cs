using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using ArxivDigest.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ArxivDigest.Tests.Cli;

/// <summary>Delivery through the CLI: channels from the config file, the ledger, failures and --resend.</summary>
public sealed class DeliveryEndToEndTests : IAsyncLifetime
{
    private const string Token = "tok-SECRET-123456";
    private FakeArxivServer arxiv = null!;
    private WebApplication hooks = null!;
    private string hooksUrl = "";
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> received = new();
    private readonly ConcurrentDictionary<string, int> failuresLeft = new();
    private readonly CliRunner cli = new();

    public async Task InitializeAsync()
    {
        cli.Environment["ARXIV_DIGEST_TRANSLATOR"] = "none";
        cli.Environment["HOOK_B_URL"] = "placeholder";
        arxiv = await FakeArxivServer.StartAsync();
        arxiv.Listings["gr-qc"] = File.ReadAllText(Fixtures.At("listing/new-gr-qc-2024-08-09.html"));

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        hooks = builder.Build();
        hooks.MapPost("/hook/{name}/{token}", async (HttpContext ctx, string name) =>
        {
            using var reader = new StreamReader(ctx.Request.Body);
            var body = await reader.ReadToEndAsync();
            if (failuresLeft.TryGetValue(name, out var n) && n > 0)
            {
                failuresLeft[name] = n - 1;
                return Results.StatusCode(500);
            }

            received.GetOrAdd(name, _ => new ConcurrentQueue<string>()).Enqueue(body);
            return Results.Ok();
        });
        await hooks.StartAsync();
        hooksUrl = hooks.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        cli.Environment["HOOK_B_URL"] = $"{hooksUrl}/hook/b/{Token}";
    }

    public async Task DisposeAsync()
    {
        await arxiv.DisposeAsync();
        await hooks.StopAsync();
        await hooks.DisposeAsync();
        cli.Dispose();
    }

    private string Config()
    {
        var path = Path.Combine(cli.Dir, "config.toml");
        File.WriteAllText(path, $"""
            arxiv_url = "{arxiv.Url}"
            request_interval = 0.2
            categories = ["gr-qc"]
            queries = ["black hole"]

            [[channel]]
            name = "a"
            type = "webhook"
            url = "{hooksUrl}/hook/a/{Token}"

            [[channel]]
            name = "b"
            type = "webhook"
            url_env = "HOOK_B_URL"
            """);
        return path;
    }

    private int Count(string name) => received.TryGetValue(name, out var q) ? q.Count : 0;

    [Fact]
    public async Task Each_channel_gets_the_digest_once_and_a_rerun_sends_nothing_twice()
    {
        var config = Config();

        var first = await cli.RunJobAsync("run", "--config", config);
        var second = await cli.RunJobAsync("run", "--config", config);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(1, Count("a"));
        Assert.Equal(1, Count("b"));
        Assert.Contains("delivered to a", first.Stdout);
        Assert.Contains("no new announcement", second.Stdout);
        using var json = JsonDocument.Parse(received["a"].Single());
        Assert.Equal("2024-08-09", json.RootElement.GetProperty("listingDate").GetString());
        Assert.True(json.RootElement.GetProperty("count").GetInt32() > 0);
    }

    [Fact]
    public async Task A_failing_channel_does_not_stop_the_others_exits_4_and_is_retried_alone_next_run()
    {
        var config = Config();
        failuresLeft["b"] = 10;

        var first = await cli.RunJobAsync("run", "--config", config);

        Assert.Equal(4, first.ExitCode);
        Assert.Equal(1, Count("a"));
        Assert.Equal(0, Count("b"));
        Assert.Contains("delivery to b failed, will retry on the next run", first.Stderr);
        Assert.DoesNotContain(Token, first.Stdout + first.Stderr);

        failuresLeft["b"] = 0;
        var second = await cli.RunJobAsync("run", "--config", config);

        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(1, Count("a"));
        Assert.Equal(1, Count("b"));
    }

    [Fact]
    public async Task A_delivery_left_sending_by_a_killed_run_is_reported_once_not_resent_and_resend_sends_it()
    {
        var config = Config();
        await using (var store = await ArxivDigest.Storage.SqliteStore.OpenAsync(cli.Db, CancellationToken.None))
        {
            // What a run killed between its POST to b and the ledger update leaves behind.
            await store.MarkSendingAsync("default", new DateOnly(2024, 8, 9), "b", DateTimeOffset.UtcNow, CancellationToken.None);
        }

        var first = await cli.RunJobAsync("run", "--config", config);
        var second = await cli.RunJobAsync("run", "--config", config);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal(1, Count("a"));
        Assert.Equal(0, Count("b"));
        Assert.Contains("delivery of the 2024-08-09 digest to channel b was interrupted and may have been sent; not resent; use --resend to send again", first.Stderr);
        Assert.DoesNotContain("delivery to b failed", first.Stderr);

        var resend = await cli.RunJobAsync("run", "--config", config, "--resend");

        Assert.True(resend.ExitCode == 0, resend.Stderr);
        Assert.Equal(1, Count("b"));
    }

    [Fact]
    public async Task Resend_delivers_again_to_every_channel()
    {
        var config = Config();
        Assert.Equal(0, (await cli.RunJobAsync("run", "--config", config)).ExitCode);

        var again = await cli.RunJobAsync("run", "--config", config, "--resend");

        Assert.True(again.ExitCode == 0, again.Stderr);
        Assert.Equal(2, Count("a"));
        Assert.Equal(2, Count("b"));
    }

    [Fact]
    public async Task Email_channel_sends_one_multipart_message_with_a_chinese_subject_once()
    {
        await using var smtp = await FakeSmtpServer.StartAsync("digest@example.org", "pw-SECRET");
        cli.Environment["SMTP_PASSWORD"] = "pw-SECRET";
        var path = Path.Combine(cli.Dir, "mail.toml");
        File.WriteAllText(path, $"""
            arxiv_url = "{arxiv.Url}"
            request_interval = 0.2
            categories = ["gr-qc"]
            queries = ["black hole"]

            [[channel]]
            name = "lab-mail"
            type = "email"
            smtp_host = "127.0.0.1"
            smtp_port = {smtp.Port}
            security = "none"
            smtp_user = "digest@example.org"
            smtp_password_env = "SMTP_PASSWORD"
            from = "digest@example.org"
            to = ["alice@example.org", "bob@example.org"]
            """);

        var first = await cli.RunJobAsync("run", "--config", path);
        var second = await cli.RunJobAsync("run", "--config", path);

        Assert.True(first.ExitCode == 0, first.Stderr);
        Assert.True(second.ExitCode == 0, second.Stderr);
        var mail = Assert.Single(smtp.Received);
        var message = mail.Load();
        Assert.StartsWith("arXiv 每日论文 2024-08-09：", message.Subject);
        Assert.Equal(2, message.To.Count);
        Assert.Contains("Keyword: black hole", message.TextBody);
        Assert.Contains("<article", message.HtmlBody);
        Assert.DoesNotContain("pw-SECRET", first.Stdout + first.Stderr + second.Stdout + second.Stderr);
    }

    [Fact]
    public async Task A_channel_whose_secret_variable_is_missing_is_a_configuration_error_naming_it()
    {
        var config = Config();
        cli.Environment.Remove("HOOK_B_URL");

        var result = await cli.RunAsync("config", "check", "--config", config);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("environment variable HOOK_B_URL (for 'url') is not set", result.Stderr);
    }
}
