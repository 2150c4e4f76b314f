using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using ArxivDigest.Arxiv;
using ArxivDigest.Cli.Commands;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Cli.Pipeline;
using ArxivDigest.Papers;
using ArxivDigest.Schedule;
using ArxivDigest.Storage;
using ArxivDigest.Translation;

namespace ArxivDigest.Cli;

/// <summary>Builds the command tree and maps every failure to a one-line message and an exit code.</summary>
public static class CliApp
{
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var common = new CommonOptions();
        var root = new RootCommand("ArxivDigest: today's arXiv announcement, filtered by your keyword queries, translated, as a digest.");

        var run = new Command("run", "Fetch the latest announcement, store it, and write the digest (the main job)");
        common.AddTo(run);
        run.SetAction((r, ct) => Guard(context, () => WithJobAsync(common.Read(r), context, (job, _) => job.RunAsync(ct))));

        var fetch = new Command("fetch", "Fetch the latest announcement of each category and store it, without writing a digest");
        common.AddTo(fetch);
        fetch.SetAction((r, ct) => Guard(context, () => WithJobAsync(common.Read(r), context, async (job, _) =>
        {
            await job.FetchAllAsync(ct);
            return ExitCodes.Success;
        })));

        var digest = new Command("digest", "Re-render the digest of a stored announcement");
        var date = new Option<string>("--date") { Description = "Listing date of the stored announcement", HelpName = "YYYY-MM-DD", Required = true };
        digest.Options.Add(date);
        common.AddTo(digest);
        digest.SetAction((r, ct) => Guard(context, () =>
        {
            var text = r.GetValue(date)!;
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                throw new ConfigurationException("--date", $"'{text}' is not a date (YYYY-MM-DD)");
            }

            return WithJobAsync(common.Read(r), context, (job, _) => job.RenderStoredAsync(d, ct), saves: false);
        }));

        var daemon = new Command("daemon", "Stay running: after each arXiv announcement (21:30 America/New_York), poll until the new listing is out, run, deliver, sleep again");
        common.AddTo(daemon);
        daemon.SetAction((r, ct) => Guard(context, () => WithJobAsync(common.Read(r), context, async (job, settings) =>
        {
            var options = new DaemonOptions();
            var schedule = new DaemonSchedule(new ArxivSchedule(settings.Holidays), options);
            var loop = new Daemon(schedule, options, context.Time, context.Error.WriteLine);
            var last = await job.LastProcessedListingAsync(ct);
            if (last is null)
            {
                // A fresh store: produce the latest digest now rather than waiting for the next evening.
                context.Error.WriteLine("first run: fetching the latest announcement now");
                last = (await job.RunWithOutcomeAsync(ct)).NewListing;
            }

            await loop.RunAsync(
                async token =>
                {
                    try
                    {
                        var (_, listing) = await job.RunWithOutcomeAsync(token);
                        return listing is null ? (RunOutcome.NotYet, null) : (RunOutcome.NewListing, listing);
                    }
                    catch (Exception e) when (e is SourceException or ArxivFormatException or StoreException)
                    {
                        context.Error.WriteLine($"error: {e.Message}");
                        return (RunOutcome.Failed, null);
                    }
                },
                last,
                ct);
            return ExitCodes.Success;
        })));

        var backfill = new Command("backfill",
            "Store missed days (the last five announcements from /list/<cat>/recent + the API; older dates as OAI-PMH history, resumable) "
            + "and write the digests that stored days of the range lack");
        var from = new Option<string>("--from")
        {
            Description = "First date. Within the last five announcements: a listing date. Older: an OAI-PMH datestamp, which is a record's "
                + "LAST-MODIFIED date, not its submission or announcement date (history, no digests; days stored earlier still get theirs)",
            HelpName = "YYYY-MM-DD",
            Required = true,
        };
        var to = new Option<string>("--to") { Description = "Last date; default the latest announced listing", HelpName = "YYYY-MM-DD" };
        var oaiUrl = new Option<string>("--oai-url") { Description = "OAI-PMH base URL; default https://oaipmh.arxiv.org/oai", HelpName = "URL" };
        backfill.Options.Add(from);
        backfill.Options.Add(to);
        backfill.Options.Add(oaiUrl);
        common.AddTo(backfill);
        backfill.SetAction((r, ct) => Guard(context, () =>
        {
            var first = ParseDate(r.GetValue(from)!, "--from");
            var last = r.GetValue(to) is { } t ? ParseDate(t, "--to") : (DateOnly?)null;
            return WithJobAsync(common.Read(r) with { OaiUrl = r.GetValue(oaiUrl) }, context, (job, _) => job.BackfillAsync(first, last, ct));
        }));

        var site = new Command("site", "Write a static site of every stored day: index, a page per digest and day, RSS and Atom feeds (--out, default ./site)");
        common.AddTo(site);
        site.SetAction((r, ct) => Guard(context, () =>
        {
            var raw = common.Read(r);
            raw = raw with { Out = raw.Out ?? "./site" };
            return WithJobAsync(raw, context, (job, settings) => job.BuildSiteAsync(ct), saves: false);
        }));

        var import = new Command("import", "Import the Kaggle arXiv metadata snapshot (JSON Lines, or .gz) into the store; resumable");
        var importFile = new Argument<string>("FILE") { Description = "arxiv-metadata-oai-snapshot.json (or .json.gz). Exit 0 when done (malformed lines are reported with their line numbers and skipped), 2 when the file is missing or unreadable, 3 when it is not a snapshot (a .gz that is not gzip, corrupt gzip data, no readable line); an interrupted import (130) resumes where it stopped when run again" };
        var batchSize = new Option<int>("--batch-size") { Description = "Papers per transaction (each commit is a resume point)", HelpName = "N", DefaultValueFactory = _ => 5_000 };
        import.Arguments.Add(importFile);
        import.Options.Add(common.Config);
        import.Options.Add(common.Db);
        import.Options.Add(batchSize);
        import.SetAction((r, ct) => Guard(context, () => ImportAsync(common.Read(r), r.GetValue(importFile)!, r.GetValue(batchSize), context, ct)));

        var config = new Command("config", "Write or check the configuration file");
        var init = new Command("init", "Write a commented default config file");
        var initPath = new Option<string>("--config") { Description = "Where to write it; default ~/.config/arxiv-digest/config.toml", HelpName = "FILE" };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file" };
        init.Options.Add(initPath);
        init.Options.Add(force);
        init.SetAction((r, _) => Guard(context, () => Task.FromResult(ConfigInit(r.GetValue(initPath), r.GetValue(force), context))));
        var check = new Command("check", "Validate the configuration (file, environment, options); report every problem with its file and line");
        common.AddTo(check);
        check.SetAction((r, _) => Guard(context, () =>
        {
            var settings = SettingsResolver.Resolve(common.Read(r), context.Environment);
            context.Out.WriteLine($"ok: {settings.ConfigPath ?? "(no config file; defaults, environment and options)"}");
            context.Out.WriteLine($"  database {StoreFactory.Display(settings.Db)}; output {settings.Out}; formats {string.Join(",", settings.Renderers.Select(x => x.Format))}");
            context.Out.WriteLine($"  translators {string.Join(" -> ", settings.Translators)}{(settings.Tldr ? "; tldr on" : "")}");
            foreach (var spec in settings.Digests)
            {
                var extra = (spec.Authors.Count > 0 ? $"; authors {string.Join(", ", spec.Authors)}" : "")
                    + string.Concat(spec.Groups.Select(g => $"; group {g.Name}: {g.Query}"))
                    + (spec.Exclude.Count > 0 ? $"; exclude {string.Join(" | ", spec.Exclude)}" : "");
                context.Out.WriteLine($"  digest {spec.Name}: categories {string.Join(", ", spec.Categories)}; queries {string.Join(" | ", spec.Queries)}{extra}");
            }

            return Task.FromResult(ExitCodes.Success);
        }));
        config.Subcommands.Add(init);
        config.Subcommands.Add(check);

        root.Subcommands.Add(run);
        root.Subcommands.Add(fetch);
        root.Subcommands.Add(digest);
        root.Subcommands.Add(daemon);
        root.Subcommands.Add(backfill);
        root.Subcommands.Add(site);
        root.Subcommands.Add(import);
        root.Subcommands.Add(MatchCommand.Create(context, action => Guard(context, action)));
        root.Subcommands.Add(new SearchCommand().Build(context, (c, action) => Guard(c, action)));
        root.Subcommands.Add(Web.ServeCommand.Create(context, action => Guard(context, action)));
        root.Subcommands.Add(config);

        // Help wraps at a fixed width, whatever terminal the process has, so it reads the same everywhere.
        foreach (var help in root.Options.OfType<HelpOption>())
        {
            help.Action = new HelpAction { MaxWidth = 120 };
        }

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var error in parsed.Errors)
            {
                context.Error.WriteLine($"error: {error.Message}");
            }

            context.Error.WriteLine("Run 'arxiv-digest --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false }, cancellationToken);
    }

    /// <param name="saves">The verb stores papers: on SQLite its first save indexes what the search index lacks, which
    /// <see cref="SearchIndexNotice"/> announces when that is much.</param>
    private static async Task<int> WithJobAsync(RawOptions raw, CliContext context, Func<DigestJob, Settings, Task<int>> work, bool saves = true)
    {
        var settings = SettingsResolver.Resolve(raw, context.Environment);
        var politeness = new PolitenessOptions
        {
            RequestInterval = settings.RequestInterval,
            InitialBackoff = TimeSpan.FromSeconds(Math.Max(0.1, 2 * settings.RequestInterval.TotalSeconds)),
            Timeout = settings.RequestTimeout,
            DebugDirectory = DebugDirectory(settings.Db),
        };
        using var http = context.HttpHandler is { } handler
            ? new HttpClient(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan }
            : PoliteHttpClient.CreateHttpClient(politeness);
        if (context.HttpHandler is not null)
        {
            http.DefaultRequestHeaders.UserAgent.ParseAdd(politeness.UserAgent);
        }

        await using var store = await StoreFactory.OpenAsync(settings.Db, CancellationToken.None);
        var reporter = new Reporter(context.Out, context.Error, context.Interactive, context.Time);
        if (saves && store is SqliteStore)
        {
            // On SQLite every save first indexes what the index lacks (PostgreSQL leaves that to searches).
            await SearchIndexNotice.ReportAsync(store, "save of papers", reporter.Info, CancellationToken.None);
        }

        using var translationHttp = context.HttpHandler is { } h ? new HttpClient(h, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan } : TranslatorFactory.CreateHttpClient(settings);
        var translator = TranslatorFactory.Create(settings, context.Environment, translationHttp, store, context.Time, settings.Digests[0].Language);
        if (translator is TranslationService service)
        {
            service.Warning += reporter.Warn;
        }

        var tldr = TranslatorFactory.CreateTldrWriter(settings, context.Environment, translationHttp, store);
        var channels = settings.Channels.Select(c => (ChannelFactory.Create(c.Options, settings, translationHttp, context.Time), c)).ToList();
        var job = new DigestJob(settings, store, new PoliteHttpClient(http, politeness, context.Time, new ReporterLogger(reporter)), translator, context.Time, reporter)
        {
            Tldr = tldr,
            Channels = channels,
            Ledger = store,
        };
        return await work(job, settings);
    }

    private static async Task<int> ImportAsync(RawOptions raw, string file, int batchSize, CliContext context, CancellationToken ct)
    {
        if (batchSize < 1)
        {
            throw new ConfigurationException("--batch-size", $"'{batchSize}' is not a positive number");
        }

        var settings = SettingsResolver.Resolve(raw, context.Environment);
        await using var store = await StoreFactory.OpenAsync(settings.Db, ct); // SQLite file or PostgreSQL server
        var bulk = (IBulkPaperImport)store; // both stores have the bulk path
        var job = new ImportJob(bulk, new Reporter(context.Out, context.Error, context.Interactive, context.Time), context.Error, context.Time);
        return await job.RunAsync(new ImportOptions { File = file, BatchSize = batchSize }, ct);
    }

    /// <summary>
    /// Failed responses are kept next to the database, <c>{db dir}/debug</c>; with a PostgreSQL database, under the
    /// user's data directory.
    /// </summary>
    private static string DebugDirectory(string db) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(PostgresConnectionString.IsPostgres(db) ? Settings.DefaultDbPath() : db)) ?? ".", "debug");

    private static DateOnly ParseDate(string text, string option) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new ConfigurationException(option, $"'{text}' is not a date (YYYY-MM-DD)");

    private static int ConfigInit(string? path, bool force, CliContext context)
    {
        var target = path ?? SettingsResolver.DefaultConfigPath();
        if (File.Exists(target) && !force)
        {
            throw new ConfigurationException(target, "config file already exists; use --force to overwrite it");
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(target));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(target, DefaultConfig.Text + "\n");
        context.Out.WriteLine($"wrote {target}");
        return ExitCodes.Success;
    }

    /// <summary>Maps exceptions to one line on stderr and an exit code; no stack trace for user errors.</summary>
    private static async Task<int> Guard(CliContext context, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (ConfigurationException e)
        {
            foreach (var p in e.Problems)
            {
                context.Error.WriteLine($"error: {p}");
            }

            return ExitCodes.Usage;
        }
        catch (StoreException e)
        {
            context.Error.WriteLine($"error: database {e.Message}");
            return ExitCodes.Usage;
        }
        catch (SourceException e)
        {
            context.Error.WriteLine($"error: fetch failed: {e.Message}");
            return ExitCodes.Source;
        }
        catch (ArxivFormatException e)
        {
            context.Error.WriteLine($"error: source: {e.Message}");
            return ExitCodes.Source;
        }
        catch (OperationCanceledException)
        {
            context.Error.WriteLine("error: interrupted");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            context.Error.WriteLine($"error: unexpected {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            if (context.Environment["ARXIV_DIGEST_DEBUG"] is "1")
            {
                context.Error.WriteLine(e);
            }

            return ExitCodes.Unexpected;
        }
    }
}
