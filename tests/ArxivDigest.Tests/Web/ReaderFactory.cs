using ArxivDigest.Cli.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ArxivDigest.Tests.Web;

/// <summary>
/// The web reader under <see cref="WebApplicationFactory{TEntryPoint}"/> on a real loopback port (.NET 10's
/// <c>UseKestrel</c>), with the pipeline and routes of <c>serve</c> (<see cref="WebServer.Configure"/>). The CLI's own
/// entry point parses a command line (System.CommandLine), so the factory is given the host to build instead of
/// discovering one in <c>Main</c>.
/// </summary>
internal sealed class ReaderFactory(WebServerOptions options) : WebApplicationFactory<Program>
{
    protected override IHostBuilder CreateHostBuilder() =>
        Host.CreateDefaultBuilder()
            .ConfigureLogging(logging => logging.ClearProviders())
            .ConfigureWebHost(web => web
                .UseContentRoot(AppContext.BaseDirectory)
                .ConfigureServices(WebServer.AddServices)
                .Configure(app => WebServer.Configure(app, options)));
}
