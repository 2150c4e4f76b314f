using System.CommandLine;
using ArxivDigest.Cli.Commands;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Storage;
using ArxivDigest.Translation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace ArxivDigest.Cli.Web;

/// <summary>The <c>serve</c> verb: the web reader over the store, until interrupted.</summary>
public static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static Command Create(CliContext context, Func<Func<Task<int>>, Task<int>> guard)
    {
        var common = new CommonOptions();
        var urls = new Option<string>("--urls") { Description = $"Where to listen (semicolon-separated); default {DefaultUrls}", HelpName = "URLS" };
        var command = new Command("serve", "Serve the web reader: latest digests, a page per day and paper, search, feeds, JSON API (read-only)");
        command.Options.Add(urls);
        common.AddTo(command);
        command.SetAction((r, ct) => guard(async () =>
        {
            var settings = SettingsResolver.Resolve(common.Read(r), context.Environment);
            var listen = r.GetValue(urls) ?? DefaultUrls;
            foreach (var url in listen.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                {
                    throw new ConfigurationException("--urls", $"'{url}' is not an http:// URL");
                }
            }

            // Pages and searches read through the pool (opened first: it applies pending migrations). The translation
            // cache: on SQLite a connection of its own, on PostgreSQL the pool's store (shared, thread-safe).
            await using var pool = await StorePool.OpenAsync(settings.Db, StorePool.DefaultSize, CancellationToken.None);
            await using var own = pool.SharedStore is null ? await SqliteStore.OpenAsync(settings.Db, CancellationToken.None) : null;
            var cache = pool.SharedStore ?? own!;
            using var http = TranslatorFactory.CreateHttpClient(settings);
            var translator = TranslatorFactory.Create(settings, context.Environment, http, cache, context.Time, settings.Digests[0].Language);
            var data = new WebData(pool, settings.Digests, translator, context.Time);
            var log = new object();
            void Log(string line)
            {
                lock (log)
                {
                    context.Error.WriteLine(line);
                }
            }

            await using var app = WebServer.Build(new WebServerOptions(listen, data, new StoreSearchBackend(data, context.Time), Log));
            try
            {
                await app.StartAsync(ct);
            }
            catch (IOException e)
            {
                throw new ConfigurationException("--urls", $"cannot listen on {listen}: {e.Message}");
            }

            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            context.Out.WriteLine($"serving {StoreFactory.Display(settings.Db)} on {string.Join(", ", addresses)} (Ctrl+C to stop)");
            await SearchIndexNotice.ReportAsync(cache, "search", line => Log($"info: {line}"), CancellationToken.None);
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
            }

            await app.StopAsync(CancellationToken.None);
            return ExitCodes.Success;
        }));
        return command;
    }
}
