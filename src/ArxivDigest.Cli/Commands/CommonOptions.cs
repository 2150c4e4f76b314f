using System.CommandLine;
using ArxivDigest.Cli.Configuration;

namespace ArxivDigest.Cli.Commands;

/// <summary>The options shared by run, fetch and digest; each also settable in the config file and as ARXIV_DIGEST_&lt;NAME&gt;.</summary>
public sealed class CommonOptions
{
    public Option<string> Config { get; } = new("--config") { Description = "Config file (TOML); default ~/.config/arxiv-digest/config.toml if present", HelpName = "FILE" };

    public Option<string> Db { get; } = new("--db") { Description = "SQLite file, or postgres://user:pass@host/db; default under the user's data directory", HelpName = "DB" };

    public Option<string> Out { get; } = new("--out") { Description = "Output directory; default ./digests", HelpName = "DIR" };

    public Option<string[]> Category { get; } = new("--category") { Description = "arXiv category or archive to follow (repeatable): cs, cs.AI, hep-ph ...; default cs", HelpName = "CAT", AllowMultipleArgumentsPerToken = false };

    public Option<string[]> Query { get; } = new("--query") { Description = "Keyword phrase (repeatable); default \"reinforcement learning\" then \"diffusion policy\"", HelpName = "TEXT" };

    public Option<string> Include { get; } = new("--include") { Description = "Announce types to keep: new,cross,replace; default new", HelpName = "TYPES" };

    public Option<string> Source { get; } = new("--source") { Description = "listing (/list/<cat>/new, default) or rss", HelpName = "listing|rss" };

    public Option<string> ArxivUrl { get; } = new("--arxiv-url") { Description = "Base URL of listing pages; default https://arxiv.org", HelpName = "URL" };

    public Option<string> RssUrl { get; } = new("--rss-url") { Description = "Base URL of RSS feeds; default https://rss.arxiv.org", HelpName = "URL" };

    public Option<string> ApiUrl { get; } = new("--api-url") { Description = "Base URL of the arXiv API; default https://export.arxiv.org", HelpName = "URL" };

    public Option<string> FromFile { get; } = new("--from-file") { Description = "Read a saved listing page or RSS feed instead of the network", HelpName = "FILE" };

    public Option<string> Format { get; } = new("--format") { Description = "Output formats: text,markdown,json (default all)", HelpName = "FORMATS" };

    public Option<string> Timezone { get; } = new("--timezone") { Description = "Display time zone; default Asia/Shanghai (UTC+8)", HelpName = "TZ" };

    public Option<string> Language { get; } = new("--language") { Description = "Target language; default zh", HelpName = "LANG" };

    public Option<string> Translator { get; } = new("--translator") { Description = "Translation providers in fallback order: google (default), openai, deepl, google-cloud, azure, none", HelpName = "NAMES" };

    public Option<string> TranslatorUrl { get; } = new("--translator-url") { Description = "Base URL of the translation provider (a gateway, Ollama, vLLM ...), or name=URL,... per provider", HelpName = "URL" };

    public Option<string> TranslatorModel { get; } = new("--translator-model") { Description = "Model of an LLM provider; default gpt-4o-mini", HelpName = "MODEL" };

    public Option<string> TranslationConcurrency { get; } = new("--translation-concurrency") { Description = "Translation requests in flight at once; default 4", HelpName = "N" };

    public Option<bool> Tldr { get; } = new("--tldr") { Description = "Add a one-sentence TL;DR in the target language under each title (openai provider)" };

    public Option<bool> Resend { get; } = new("--resend") { Description = "Deliver again to channels that already received this digest" };

    public Option<string> Glossary { get; } = new("--glossary") { Description = "Glossary file (source = target lines) extending the built-in terms", HelpName = "FILE" };

    public Option<string> RequestInterval { get; } = new("--request-interval") { Description = "Seconds between requests to one host; default 3 (minimum for arxiv.org)", HelpName = "SECONDS" };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Config, Db, Out, Category, Query, Include, Source, ArxivUrl, RssUrl, ApiUrl, FromFile, Format, Timezone, Language, Translator, TranslatorUrl, TranslatorModel, TranslationConcurrency, Glossary, Tldr, Resend, RequestInterval })
        {
            command.Options.Add(o);
        }
    }

    public RawOptions Read(ParseResult r) => new()
    {
        Config = r.GetValue(Config),
        Db = r.GetValue(Db),
        Out = r.GetValue(Out),
        Categories = r.GetValue(Category) ?? [],
        Queries = r.GetValue(Query) ?? [],
        Include = r.GetValue(Include),
        Source = r.GetValue(Source),
        ArxivUrl = r.GetValue(ArxivUrl),
        RssUrl = r.GetValue(RssUrl),
        ApiUrl = r.GetValue(ApiUrl),
        FromFile = r.GetValue(FromFile),
        Format = r.GetValue(Format),
        Timezone = r.GetValue(Timezone),
        Language = r.GetValue(Language),
        Translator = r.GetValue(Translator),
        TranslatorUrl = r.GetValue(TranslatorUrl),
        TranslatorModel = r.GetValue(TranslatorModel),
        TranslationConcurrency = r.GetValue(TranslationConcurrency),
        Glossary = r.GetValue(Glossary),
        Tldr = r.GetValue(Tldr),
        Resend = r.GetValue(Resend),
        RequestInterval = r.GetValue(RequestInterval),
    };
}
