using System.Net;
using ArxivDigest.Tests.Support;

namespace ArxivDigest.Tests.Web;

/// <summary>The <c>serve</c> verb through the real CLI, in-process.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_listens_answers_health_and_home_then_stops_with_exit_0_on_cancel()
    {
        using var cli = new CliRunner();
        var seeded = await cli.RunJobAsync("run", "--from-file", Fixtures.At("listing/new-hep-th-2024-08-09.html"), "--category", "hep-th", "--query", "black hole", "--translator", "none");
        Assert.Equal(0, seeded.ExitCode);

        using var serve = await ServingCli.StartAsync("--db", cli.Db, "--category", "hep-th", "--query", "black hole", "--translator", "none");
        using var http = new HttpClient { BaseAddress = new Uri(serve.Address) };
        Assert.Equal("ok\n", await http.GetStringAsync("/healthz"));
        var home = await http.GetStringAsync("/");
        Assert.Contains("/digests/default/2024-08-09", home, StringComparison.Ordinal);
        Assert.Equal(0, await serve.StopAsync());
        Assert.Contains("\"path\":\"/healthz\",\"status\":200", serve.Stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_rejects_a_url_that_is_not_http_with_a_usage_error()
    {
        using var cli = new CliRunner();
        var result = await cli.RunAsync("serve", "--db", cli.Db, "--translator", "none", "--urls", "ftp://127.0.0.1:21");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --urls: 'ftp://127.0.0.1:21' is not an http:// URL", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_reports_a_port_in_use_as_one_line_usage_error()
    {
        using var cli = new CliRunner();
        using var busy = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var result = await cli.RunAsync("serve", "--db", cli.Db, "--translator", "none", "--urls", $"http://127.0.0.1:{port}");
        Assert.Equal(2, result.ExitCode);
        Assert.StartsWith($"error: --urls: cannot listen on http://127.0.0.1:{port}", result.Stderr, StringComparison.Ordinal);
    }
}
