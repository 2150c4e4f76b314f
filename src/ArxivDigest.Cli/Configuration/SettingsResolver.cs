using System.Collections;
using System.Globalization;
using ArxivDigest.Arxiv;
using ArxivDigest.Delivery;
using ArxivDigest.Digests;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using ArxivDigest.Rendering;
using ArxivDigest.Schedule;

namespace ArxivDigest.Cli.Configuration;

/// <summary>
/// Merges command-line options, <c>ARXIV_DIGEST_*</c> environment variables, the config file and the defaults
/// (in that order of precedence), validating everything and reporting every problem at once.
/// </summary>
public static class SettingsResolver
{
    public const string EnvPrefix = "ARXIV_DIGEST_";

    public static readonly IReadOnlyList<string> Translators = ["google", "openai", "deepl", "google-cloud", "azure", "none"];

    /// <summary>The environment variable holding each provider's API key (none for the keyless web endpoint).</summary>
    public static readonly IReadOnlyDictionary<string, string> KeyVariables = new Dictionary<string, string>
    {
        ["openai"] = "OPENAI_API_KEY",
        ["deepl"] = "DEEPL_API_KEY",
        ["google-cloud"] = "GOOGLE_API_KEY",
        ["azure"] = "AZURE_TRANSLATOR_KEY",
    };

    public static readonly IReadOnlyList<string> ChannelTypes = ["email", "feishu", "dingtalk", "wecom", "slack", "discord", "telegram", "webhook"];

    /// <summary>The ARXIV_DIGEST_* variables: one per option, named after it (CATEGORY, QUERY, FORMAT are singular).</summary>
    public static readonly IReadOnlyList<string> EnvironmentNames =
    [
        "CONFIG", "DB", "OUT", "CATEGORY", "QUERY", "INCLUDE", "SOURCE", "ARXIV_URL", "RSS_URL", "API_URL", "OAI_URL", "FROM_FILE",
        "FORMAT", "TIMEZONE", "LANGUAGE", "TRANSLATOR", "REQUEST_INTERVAL", "DEBUG", "TRANSLATOR_URL", "TRANSLATOR_MODEL",
        "TRANSLATION_CONCURRENCY", "GLOSSARY", "TLDR", "REQUEST_TIMEOUT",
    ];

    /// <summary>Config file read when --config is not given and it exists: ~/.config/arxiv-digest/config.toml.</summary>
    public static string DefaultConfigPath() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify), "arxiv-digest", "config.toml");

    public static Settings Resolve(RawOptions cli, IDictionary? environment = null)
    {
        var env = ReadEnvironment(environment ?? Environment.GetEnvironmentVariables());
        var problems = env.Keys.Where(k => !EnvironmentNames.Contains(k))
            .Select(k => new ConfigProblem(EnvPrefix + k, $"unknown variable; known: {string.Join(", ", EnvironmentNames.Select(n => EnvPrefix + n))}"))
            .ToList();

        var configPath = cli.Config ?? Env(env, "CONFIG")?.Value;
        var explicitConfig = configPath is not null;
        configPath ??= DefaultConfigPath();
        ConfigFile.Parsed? file = null;
        if (explicitConfig || File.Exists(configPath))
        {
            if (!File.Exists(configPath))
            {
                problems.Add(new ConfigProblem(cli.Config is not null ? "--config" : EnvPrefix + "CONFIG", $"config file not found: {configPath}"));
            }
            else
            {
                file = ConfigFile.Read(configPath);
                problems.AddRange(file.Problems);
            }
        }

        // One lookup: CLI, then environment, then config file; each answer says where it came from.
        (string? Value, string Where) Pick(string? cliValue, string option, string envName, string key)
        {
            if (cliValue is not null)
            {
                return (cliValue, option);
            }

            if (Env(env, envName) is { } e)
            {
                return e;
            }

            return file?.TopLevel.TryGetValue(key, out var v) == true && v.Value is string s ? (s, v.Where) : (null, option);
        }

        (IReadOnlyList<string>? Value, string Where) PickList(IReadOnlyList<string> cliValues, string? cliJoined, string option, string envName, string key, char separator)
        {
            if (cliValues.Count > 0)
            {
                return (separator == ',' ? cliValues.SelectMany(v => Split(v, ',')).ToList() : cliValues, option);
            }

            if (cliJoined is not null)
            {
                return (Split(cliJoined, ','), option);
            }

            if (Env(env, envName) is { } e)
            {
                return (Split(e.Value, separator), e.Where);
            }

            return file?.TopLevel.TryGetValue(key, out var v) == true && v.Value is string[] a ? (a, v.Where) : (null, option);
        }

        var db = Pick(cli.Db, "--db", "DB", "db").Value ?? Settings.DefaultDbPath();
        var outDir = Pick(cli.Out, "--out", "OUT", "out").Value ?? "./digests";

        var source = Pick(cli.Source, "--source", "SOURCE", "source");
        var kind = SourceKind.Listing;
        if (source.Value is { } sv)
        {
            if (sv.Equals("listing", StringComparison.OrdinalIgnoreCase))
            {
                kind = SourceKind.Listing;
            }
            else if (sv.Equals("rss", StringComparison.OrdinalIgnoreCase))
            {
                kind = SourceKind.Rss;
            }
            else
            {
                problems.Add(new ConfigProblem(source.Where, $"unknown source '{sv}'; valid: listing, rss"));
            }
        }

        var arxivUrl = Url(Pick(cli.ArxivUrl, "--arxiv-url", "ARXIV_URL", "arxiv_url"), "https://arxiv.org", problems);
        var rssUrl = Url(Pick(cli.RssUrl, "--rss-url", "RSS_URL", "rss_url"), "https://rss.arxiv.org", problems);
        var apiUrl = Url(Pick(cli.ApiUrl, "--api-url", "API_URL", "api_url"), "https://export.arxiv.org", problems);
        var oaiUrl = Url(Pick(cli.OaiUrl, "--oai-url", "OAI_URL", "oai_url"), "https://oaipmh.arxiv.org/oai", problems);
        var fromFile = cli.FromFile ?? Env(env, "FROM_FILE")?.Value;
        if (fromFile is not null && !File.Exists(fromFile))
        {
            problems.Add(new ConfigProblem("--from-file", $"file not found: {fromFile}"));
        }

        var formats = PickList([], cli.Format, "--format", "FORMAT", "formats", ',');
        var renderers = new List<IDigestRenderer>();
        foreach (var f in formats.Value ?? ["text", "markdown", "json"])
        {
            if (Renderers.Find(f) is { } r)
            {
                if (!renderers.Contains(r))
                {
                    renderers.Add(r);
                }
            }
            else
            {
                problems.Add(new ConfigProblem(formats.Where, $"unknown format '{f}'; valid: {string.Join(", ", Renderers.Names)}"));
            }
        }

        var htmlMode = HtmlLanguages.Both;
        if (file?.TopLevel.TryGetValue("html_show", out var show) == true)
        {
            var mode = ((string)show.Value).Trim().ToLowerInvariant() switch
            {
                "both" => HtmlLanguages.Both,
                "original" => HtmlLanguages.Original,
                "translation" => HtmlLanguages.Translation,
                _ => (HtmlLanguages?)null,
            };
            if (mode is null)
            {
                problems.Add(new ConfigProblem(show.Where, $"html_show must be both, original or translation, got '{show.Value}'"));
            }
            else
            {
                htmlMode = mode.Value;
                for (var i = 0; i < renderers.Count; i++)
                {
                    if (renderers[i] is HtmlRenderer)
                    {
                        renderers[i] = new HtmlRenderer(mode.Value);
                    }
                }
            }
        }

        // User templates (Scriban) replace the built-in renderer of their format.
        for (var i = 0; i < renderers.Count; i++)
        {
            if (file?.TopLevel.TryGetValue("template_" + renderers[i].Format, out var template) == true)
            {
                var templatePath = ExpandHome((string)template.Value);
                try
                {
                    renderers[i] = Output.TemplateRenderer.Load(renderers[i].Format, renderers[i].Extension, templatePath);
                }
                catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException)
                {
                    problems.Add(new ConfigProblem(template.Where, $"template_{renderers[i].Format}: {e.Message}"));
                }
            }
        }

        // Email bodies use the same layouts as the files (user templates included), whatever --format selects.
        var mailText = renderers.FirstOrDefault(r => r.Format == "text") ?? new TextRenderer();
        var mailHtml = renderers.FirstOrDefault(r => r.Format == "html") ?? new HtmlRenderer(htmlMode);

        var translator = PickList([], cli.Translator, "--translator", "TRANSLATOR", "translator", ',');
        var translators = (translator.Value ?? ["google"]).Select(t => t.Trim().ToLowerInvariant()).Distinct().ToList();
        foreach (var t in translators.Where(t => !Translators.Contains(t)))
        {
            problems.Add(new ConfigProblem(translator.Where, $"unknown translator '{t}'; valid: {string.Join(", ", Translators)}"));
        }

        if (translators.Contains("none") && translators.Count > 1)
        {
            problems.Add(new ConfigProblem(translator.Where, "'none' cannot be combined with other translators"));
        }

        // "URL" sets the first provider's base URL; "name=URL,name=URL" sets them per provider.
        var translatorUrlPick = Pick(cli.TranslatorUrl, "--translator-url", "TRANSLATOR_URL", "translator_url");
        var translatorUrls = new Dictionary<string, Uri>(StringComparer.Ordinal);
        foreach (var item in translatorUrlPick.Value is { } tu ? Split(tu, ',') : [])
        {
            var eq = item.IndexOf('=');
            var named = eq > 0 && Translators.Contains(item[..eq].Trim().ToLowerInvariant());
            var name = named ? item[..eq].Trim().ToLowerInvariant() : translators.FirstOrDefault() ?? "";
            translatorUrls[name] = Url((named ? item[(eq + 1)..].Trim() : item, translatorUrlPick.Where), "http://localhost", problems);
        }


        var translatorModel = Pick(cli.TranslatorModel, "--translator-model", "TRANSLATOR_MODEL", "translator_model").Value;
        var keyVariable = file?.TopLevel.TryGetValue("translator_key_env", out var kv) == true ? (string)kv.Value : null;
        var environmentAll = environment ?? Environment.GetEnvironmentVariables();
        if (translators.Count > 0 && translators[0] != "none")
        {
            // A provider that needs a key must have one, unless it is pointed at a self-hosted gateway.
            for (var i = 0; i < translators.Count; i++)
            {
                var name = translators[i];
                var variable = i == 0 && keyVariable is not null ? keyVariable : KeyVariables.GetValueOrDefault(name);
                var selfHosted = name == "openai" && translatorUrls.ContainsKey(name);
                if (variable is not null && !selfHosted && string.IsNullOrEmpty(environmentAll[variable] as string))
                {
                    problems.Add(new ConfigProblem(translator.Where, $"translator '{name}' needs an API key in the environment variable {variable}"));
                }
            }
        }

        var concurrency = 4;
        var concurrencyPick = Pick(cli.TranslationConcurrency, "--translation-concurrency", "TRANSLATION_CONCURRENCY", "translation_concurrency");
        if (concurrencyPick.Value is not null || file?.TopLevel.ContainsKey("translation_concurrency") == true)
        {
            var text = concurrencyPick.Value ?? ((double)file!.TopLevel["translation_concurrency"].Value).ToString(CultureInfo.InvariantCulture);
            var where = concurrencyPick.Value is not null ? concurrencyPick.Where : file!.TopLevel["translation_concurrency"].Where;
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out concurrency) || concurrency is < 1 or > 64)
            {
                problems.Add(new ConfigProblem(where, $"translation concurrency must be a whole number from 1 to 64, got '{text}'"));
            }
        }

        var tldrEnv = Env(env, "TLDR");
        var tldr = cli.Tldr
                   || (tldrEnv is { } te ? te.Value is "1" or "true" or "yes" : file?.TopLevel.TryGetValue("tldr", out var tl) == true && (bool)tl.Value);
        if (tldr && !translators.Contains("openai"))
        {
            problems.Add(new ConfigProblem(cli.Tldr ? "--tldr" : tldrEnv is not null ? EnvPrefix + "TLDR" : "tldr", "TL;DR needs the openai translator in the chain (e.g. --translator openai or openai,google)"));
        }

        int? rpm = file?.TopLevel.TryGetValue("translation_rpm", out var rv) == true ? (int)(double)rv.Value : null;
        int? tpm = file?.TopLevel.TryGetValue("translation_tpm", out var tv) == true ? (int)(double)tv.Value : null;
        var prices = new Dictionary<string, decimal>(StringComparer.Ordinal);
        if (file?.TopLevel.TryGetValue("translation_prices", out var pv) == true)
        {
            foreach (var item in (string[])pv.Value)
            {
                var parts = item.Split('=', 2, StringSplitOptions.TrimEntries);
                if (parts.Length == 2 && Translators.Contains(parts[0]) && decimal.TryParse(parts[1], NumberStyles.Number, CultureInfo.InvariantCulture, out var price) && price >= 0)
                {
                    prices[parts[0]] = price;
                }
                else
                {
                    problems.Add(new ConfigProblem(pv.Where, $"translation price '{item}' must look like \"openai=0.15\" (provider=price per million tokens or characters)"));
                }
            }
        }
        var glossary = Pick(cli.Glossary, "--glossary", "GLOSSARY", "glossary");
        if (glossary.Value is not null && !File.Exists(glossary.Value))
        {
            problems.Add(new ConfigProblem(glossary.Where, $"glossary file not found: {glossary.Value}"));
        }
        else if (glossary.Value is not null)
        {
            try
            {
                Translation.Glossary.Load(glossary.Value);
            }
            catch (FormatException e)
            {
                // The message already says <path>:<line>.
                var colon = e.Message.IndexOf(": ", StringComparison.Ordinal);
                problems.Add(colon > 0 ? new ConfigProblem(e.Message[..colon], e.Message[(colon + 2)..]) : new ConfigProblem(glossary.Where, e.Message));
            }
        }

        var interval = TimeSpan.FromSeconds(3);
        var intervalText = cli.RequestInterval ?? Env(env, "REQUEST_INTERVAL")?.Value;
        var intervalWhere = cli.RequestInterval is not null ? "--request-interval" : EnvPrefix + "REQUEST_INTERVAL";
        double? seconds = intervalText is null ? null : double.TryParse(intervalText, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : double.NaN;
        if (seconds is null && file?.TopLevel.TryGetValue("request_interval", out var ri) == true)
        {
            seconds = (double)ri.Value;
            intervalWhere = ri.Where;
        }

        if (seconds is { } sec)
        {
            if (double.IsNaN(sec) || sec < 0 || sec > 3600)
            {
                problems.Add(new ConfigProblem(intervalWhere, $"request interval must be a number of seconds between 0 and 3600, got '{intervalText ?? sec.ToString(CultureInfo.InvariantCulture)}'"));
            }
            else
            {
                interval = TimeSpan.FromSeconds(sec);
                var hosts = kind == SourceKind.Listing ? new[] { arxivUrl } : new[] { rssUrl };
                if (fromFile is null && interval < PolitenessOptions.ArxivMinimumInterval && hosts.Any(h => PolitenessOptions.IsArxivHost(h.Host)))
                {
                    problems.Add(new ConfigProblem(intervalWhere, $"request interval {sec.ToString(CultureInfo.InvariantCulture)} s is below arXiv's limit of one request every 3 s for {hosts[0].Host}"));
                }
            }
        }

        var requestTimeout = RequestTimeout(cli, env, file, problems);

        var holidays = new HashSet<DateOnly>(ArxivSchedule.BuiltInHolidays);
        if (file?.TopLevel.TryGetValue("holidays", out var hv) == true)
        {
            holidays.Clear();
            foreach (var h in (string[])hv.Value)
            {
                if (DateOnly.TryParseExact(h, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                {
                    holidays.Add(d);
                }
                else
                {
                    problems.Add(new ConfigProblem(hv.Where, $"holiday '{h}' is not a date (yyyy-MM-dd)"));
                }
            }
        }

        // Digest-wide defaults, then one spec per [[digest]] table; CLI/env categories or queries replace them all.
        var categories = PickList(cli.Categories, null, "--category", "CATEGORY", "categories", ',');
        var queries = PickList(cli.Queries, null, "--query", "QUERY", "queries", ';');
        var include = PickList([], cli.Include, "--include", "INCLUDE", "include", ',');
        var language = Pick(cli.Language, "--language", "LANGUAGE", "language");
        var timezone = Pick(cli.Timezone, "--timezone", "TIMEZONE", "timezone");

        var baseSpec = new DigestSpec
        {
            Categories = Categories(categories.Value ?? ["cs"], categories.Where, problems),
            Queries = Queries(queries.Value ?? ["reinforcement learning", "diffusion policy"], queries.Where, problems),
            Include = Include(include.Value ?? ["new"], include.Where, problems),
            Language = Language(language.Value ?? "zh", language.Where, problems),
            DisplayZone = Zone(timezone.Value ?? "Asia/Shanghai", timezone.Where, problems),
        };

        var digests = new List<DigestSpec>();
        var cliOverridesDigests = cli.Categories.Count > 0 || cli.Queries.Count > 0 || Env(env, "CATEGORY") is not null || Env(env, "QUERY") is not null;
        // The file's digests are always checked, so a problem in one is reported even when options replace them.
        if (file is not null && file.Digests.Count > 0)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var d in file.Digests)
            {
                var where = d["@"].Where;
                var name = d.TryGetValue("name", out var n) ? (string)n.Value : "";
                if (name.Length == 0 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')) || name.StartsWith('.'))
                {
                    problems.Add(new ConfigProblem(n?.Where ?? where, $"digest needs a 'name' of letters, digits, '-', '_' or '.' (it names the output folder), got '{name}'"));
                }
                else if (!names.Add(name))
                {
                    problems.Add(new ConfigProblem(n!.Where, $"digest name '{name}' is used twice"));
                }

                digests.Add(baseSpec with
                {
                    Name = name,
                    Categories = d.TryGetValue("categories", out var c) ? Categories((string[])c.Value, c.Where, problems) : baseSpec.Categories,
                    Queries = d.TryGetValue("queries", out var q) ? Queries((string[])q.Value, q.Where, problems, allowEmpty: d.ContainsKey("@groups") || d.ContainsKey("authors"))
                        : d.ContainsKey("@groups") || d.ContainsKey("authors") ? [] : baseSpec.Queries,
                    Authors = d.TryGetValue("authors", out var au) ? Authors((string[])au.Value, au.Where, problems) : [],
                    Exclude = d.TryGetValue("exclude", out var ex) ? Queries((string[])ex.Value, ex.Where, problems, allowEmpty: true) : [],
                    Groups = d.TryGetValue("@groups", out var gs) ? Groups((List<Dictionary<string, ConfigValue>>)gs.Value, problems) : [],
                    Include = d.TryGetValue("include", out var i) ? Include((string[])i.Value, i.Where, problems) : baseSpec.Include,
                    Language = d.TryGetValue("language", out var l) ? Language((string)l.Value, l.Where, problems) : baseSpec.Language,
                    DisplayZone = d.TryGetValue("timezone", out var z) ? Zone((string)z.Value, z.Where, problems) : baseSpec.DisplayZone,
                });
            }
        }

        if (digests.Count == 0 || cliOverridesDigests)
        {
            digests.Clear();
            digests.Add(baseSpec);
        }

        var channels = file is null ? [] : Channels(file.Channels, digests.Select(d => d.Name).ToHashSet(StringComparer.Ordinal), environmentAll, problems);

        if (fromFile is not null && digests.SelectMany(d => d.Categories).Distinct().Count() != 1)
        {
            problems.Add(new ConfigProblem("--from-file", "a saved page holds one category's listing: configure exactly one --category with --from-file"));
        }

        if (problems.Count > 0)
        {
            // File problems in file and line order, then the rest (options, environment) in the order found.
            throw new ConfigurationException(problems.OrderBy(p => FileLine(p.Where)).ToList());
        }

        return new Settings
        {
            Db = ExpandHome(db),
            Out = ExpandHome(outDir),
            Source = new SourceOptions { Kind = kind, ArxivUrl = arxivUrl, RssUrl = rssUrl, ApiUrl = apiUrl, OaiUrl = oaiUrl, FromFile = fromFile },
            Renderers = renderers,
            Translators = translators,
            TranslatorUrls = translatorUrls,
            TranslatorModel = translatorModel,
            TranslatorKeyVariable = keyVariable,
            TranslationConcurrency = concurrency,
            TranslationRequestsPerMinute = rpm,
            TranslationTokensPerMinute = tpm,
            Tldr = tldr,
            TranslationPrices = prices,
            GlossaryPath = glossary.Value is null ? null : ExpandHome(glossary.Value),
            RequestInterval = interval,
            RequestTimeout = requestTimeout,
            Digests = digests,
            Holidays = holidays,
            ConfigPath = file is not null ? configPath : null,
            Channels = channels,
            MailRenderers = (mailText, mailHtml),
            Resend = cli.Resend,
        };
    }

    /// <summary>--request-timeout, ARXIV_DIGEST_REQUEST_TIMEOUT or request_timeout: seconds, default 60.</summary>
    private static TimeSpan RequestTimeout(RawOptions cli, Dictionary<string, string> env, ConfigFile.Parsed? file, List<ConfigProblem> problems)
    {
        var text = cli.RequestTimeout ?? Env(env, "REQUEST_TIMEOUT")?.Value;
        var where = cli.RequestTimeout is not null ? "--request-timeout" : EnvPrefix + "REQUEST_TIMEOUT";
        double? seconds = text is null ? null : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : double.NaN;
        if (seconds is null && file?.TopLevel.TryGetValue("request_timeout", out var v) == true)
        {
            seconds = (double)v.Value;
            where = v.Where;
        }

        if (seconds is not { } sec)
        {
            return TimeSpan.FromSeconds(60);
        }

        if (double.IsNaN(sec) || sec <= 0 || sec > 3600)
        {
            problems.Add(new ConfigProblem(where, $"request timeout must be a number of seconds above 0 and at most 3600, got '{text ?? sec.ToString(CultureInfo.InvariantCulture)}'"));
            return TimeSpan.FromSeconds(60);
        }

        return TimeSpan.FromSeconds(sec);
    }

    private static List<ChannelConfig> Channels(
        List<Dictionary<string, ConfigValue>> tables, IReadOnlySet<string> digestNames, IDictionary environment, List<ConfigProblem> problems)
    {
        var result = new List<ChannelConfig>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tables)
        {
            var where = t["@"].Where;
            string? Str(string key) => t.TryGetValue(key, out var v) ? (string)v.Value : null;
            string WhereOf(string key) => t.TryGetValue(key, out var v) ? v.Where : where;

            // A secret comes from the file or, better, from the environment variable the file names.
            string? Secret(string key)
            {
                if (Str(key + "_env") is { } variable)
                {
                    if (environment[variable] is string value && value.Length > 0)
                    {
                        return value;
                    }

                    problems.Add(new ConfigProblem(WhereOf(key + "_env"), $"environment variable {variable} (for '{key}') is not set"));
                    return null;
                }

                return Str(key);
            }

            var type = Str("type")?.Trim().ToLowerInvariant() ?? "";
            var name = Str("name") ?? type;
            if (!ChannelTypes.Contains(type))
            {
                problems.Add(new ConfigProblem(WhereOf("type"), $"unknown channel type '{type}'; valid: {string.Join(", ", ChannelTypes)}"));
                continue;
            }

            if (!names.Add(name))
            {
                problems.Add(new ConfigProblem(WhereOf("name"), $"channel name '{name}' is used twice; give each [[channel]] a distinct name"));
            }

            var receives = t.TryGetValue("digests", out var dv) ? (string[])dv.Value : [];
            foreach (var d in receives.Where(d => !digestNames.Contains(d)))
            {
                problems.Add(new ConfigProblem(dv!.Where, $"channel '{name}' names digest '{d}', which is not configured"));
            }

            var port = t.TryGetValue("smtp_port", out var pv) ? (double)pv.Value : 587;
            var options = new ChannelOptions
            {
                Type = type,
                Name = name,
                Url = Secret("url"),
                Secret = Secret("secret"),
                ChatId = Str("chat_id"),
                To = t.TryGetValue("to", out var to) ? (string[])to.Value : [],
                From = Str("from"),
                SmtpHost = Str("smtp_host"),
                SmtpPort = (int)port,
                Security = Str("security")?.ToLowerInvariant() ?? "starttls",
                SmtpUser = Str("smtp_user"),
                SmtpPassword = Secret("smtp_password"),
            };

            if (type == "email")
            {
                problems.AddRange(EmailChannel.Validate(options).Select(m => new ConfigProblem(where, $"channel '{name}': {m}")));
            }
            else if (type == "telegram")
            {
                if (options.Secret is null || options.ChatId is null)
                {
                    problems.Add(new ConfigProblem(where, $"channel '{name}': telegram needs the bot token (secret_env) and chat_id"));
                }
            }
            else if (options.Url is null || !Uri.TryCreate(options.Url, UriKind.Absolute, out var u) || (u.Scheme != Uri.UriSchemeHttps && u.Scheme != Uri.UriSchemeHttp))
            {
                problems.Add(new ConfigProblem(WhereOf(t.ContainsKey("url_env") ? "url_env" : "url"), $"channel '{name}': {type} needs an http(s) webhook url (url or url_env)"));
            }

            result.Add(new ChannelConfig(options, receives));
        }

        return result;
    }

    private static (int Rank, string File, int Line) FileLine(string where)
    {
        var colon = where.LastIndexOf(':');
        return colon > 0 && int.TryParse(where.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var line)
            ? (0, where[..colon], line)
            : (1, "", 0);
    }

    private static Dictionary<string, string> ReadEnvironment(IDictionary environment)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in environment)
        {
            if (e.Key is string k && k.StartsWith(EnvPrefix, StringComparison.Ordinal) && e.Value is string v && v.Length > 0)
            {
                result[k[EnvPrefix.Length..]] = v;
            }
        }

        return result;
    }

    private static (string Value, string Where)? Env(Dictionary<string, string> env, string name) =>
        env.TryGetValue(name, out var v) ? (v, EnvPrefix + name) : null;

    private static string[] Split(string text, char separator) =>
        text.Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;

    private static Uri Url((string? Value, string Where) v, string fallback, List<ConfigProblem> problems)
    {
        if (v.Value is null)
        {
            return new Uri(fallback);
        }

        if (Uri.TryCreate(v.Value, UriKind.Absolute, out var u) && (u.Scheme == Uri.UriSchemeHttp || u.Scheme == Uri.UriSchemeHttps))
        {
            return u;
        }

        problems.Add(new ConfigProblem(v.Where, $"'{v.Value}' is not an http(s) URL"));
        return new Uri(fallback);
    }

    private static IReadOnlyList<string> Categories(IReadOnlyList<string> values, string where, List<ConfigProblem> problems)
    {
        if (values.Count == 0)
        {
            problems.Add(new ConfigProblem(where, "at least one category is needed (e.g. cs, cs.AI, hep-ph)"));
        }

        foreach (var c in values.Where(c => !Taxonomy.IsKnownCategoryOrArchive(c)))
        {
            problems.Add(new ConfigProblem(where, $"unknown arXiv category '{c}' (e.g. cs, cs.AI, hep-ph, math.CO)"));
        }

        return values.Distinct(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<string> Authors(IReadOnlyList<string> values, string where, List<ConfigProblem> problems)
    {
        foreach (var a in values.Where(a => TextNormalizer.Words(a).Count == 0))
        {
            problems.Add(new ConfigProblem(where, $"author '{a}' has no letters to match"));
        }

        return values.Select(a => a.Trim()).Where(a => a.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyList<QueryGroup> Groups(List<Dictionary<string, ConfigValue>> tables, List<ConfigProblem> problems)
    {
        var groups = new List<QueryGroup>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in tables)
        {
            var where = g["@"].Where;
            var name = g.TryGetValue("name", out var n) ? ((string)n.Value).Trim() : "";
            if (name.Length == 0)
            {
                problems.Add(new ConfigProblem(where, "digest.group needs a 'name' (its heading in the digest)"));
            }
            else if (!names.Add(name))
            {
                problems.Add(new ConfigProblem(n!.Where, $"group name '{name}' is used twice in this digest"));
            }

            if (!g.TryGetValue("query", out var q))
            {
                problems.Add(new ConfigProblem(where, $"digest.group '{name}' needs a 'query'"));
                continue;
            }

            var query = Queries([(string)q.Value], q.Where, problems);
            groups.Add(new QueryGroup(name, query.Count > 0 ? query[0] : (string)q.Value)
            {
                Categories = g.TryGetValue("categories", out var c) ? Categories((string[])c.Value, c.Where, problems) : [],
                Exclude = g.TryGetValue("exclude", out var e) ? Queries((string[])e.Value, e.Where, problems, allowEmpty: true) : [],
            });
        }

        return groups;
    }

    private static IReadOnlyList<string> Queries(IReadOnlyList<string> values, string where, List<ConfigProblem> problems, bool allowEmpty = false)
    {
        if (values.Count == 0 && !allowEmpty)
        {
            problems.Add(new ConfigProblem(where, "at least one query is needed"));
        }

        foreach (var q in values)
        {
            if (!QueryParser.TryParse(q, out _, out var error))
            {
                problems.Add(new ConfigProblem(where, error!.Message));
            }
        }

        return values.Select(q => q.Trim()).DistinctBy(q => q.Trim('"').Trim(), StringComparer.Ordinal).ToList();
    }

    private static IReadOnlySet<AnnounceType> Include(IReadOnlyList<string> values, string where, List<ConfigProblem> problems)
    {
        var set = new HashSet<AnnounceType>();
        foreach (var v in values)
        {
            switch (v.Trim().ToLowerInvariant())
            {
                case "new":
                    set.Add(AnnounceType.New);
                    break;
                case "cross":
                    set.Add(AnnounceType.Cross);
                    break;
                case "replace":
                    set.Add(AnnounceType.Replace);
                    set.Add(AnnounceType.ReplaceCross);
                    break;
                default:
                    problems.Add(new ConfigProblem(where, $"unknown announce type '{v}'; valid: new, cross, replace"));
                    break;
            }
        }

        if (values.Count == 0)
        {
            problems.Add(new ConfigProblem(where, "include needs at least one of new, cross, replace"));
        }

        return set;
    }

    private static string Language(string value, string where, List<ConfigProblem> problems)
    {
        var v = value.Trim();
        if (v.Length is < 2 or > 10 || !v.All(c => char.IsAsciiLetter(c) || c == '-'))
        {
            problems.Add(new ConfigProblem(where, $"'{value}' is not a language code (e.g. zh, en, ja)"));
        }

        return v;
    }

    private static TimeZoneInfo Zone(string value, string where, List<ConfigProblem> problems)
    {
        if (DisplayTime.TryResolve(value, out var zone))
        {
            return zone;
        }

        problems.Add(new ConfigProblem(where, $"unknown time zone '{value}' (use an IANA name such as Asia/Shanghai, or UTC+8)"));
        return TimeZoneInfo.Utc;
    }
}
