namespace ArxivDigest.Cli.Commands;

/// <summary>The commented config file written by <c>config init</c>; every key shows its default.</summary>
public static class DefaultConfig
{
    public const string Text = """
        # ArxivDigest configuration (TOML). Every key is optional; the values shown are the defaults.
        # Each key can also be set by a command-line option (--db ...) and by an environment variable named after the
        # option: ARXIV_DIGEST_DB, _OUT, _CATEGORY (comma-separated), _QUERY (;-separated), _INCLUDE, _SOURCE,
        # _ARXIV_URL, _RSS_URL, _API_URL, _FORMAT, _TIMEZONE, _LANGUAGE, _TRANSLATOR, _REQUEST_INTERVAL, _REQUEST_TIMEOUT, _CONFIG.
        # The command line wins, then the environment, then this file.

        # SQLite database (embedded, nothing to install). Default: ~/.local/share/arxiv-digest/arxiv-digest.db
        # db = "~/.local/share/arxiv-digest/arxiv-digest.db"
        # Or a PostgreSQL server that several instances share: db = "postgres://user:password@host:5432/arxiv"

        # Where digests are written: {out}/{digest name}/{listing date}.{txt,md,json}
        out = "./digests"

        # arXiv categories or whole archives to follow: "cs", "cs.AI", "hep-ph", "math.CO" ...
        categories = ["cs"]

        # Queries, in order. A paper is listed under the FIRST query it matches. Adjacent words are a phrase
        # (title or abstract, case-insensitive, whole words, plurals and inflections folded: "diffusion policy" matches
        # "Diffusion Policies", "diffusion-policy", "\emph{diffusion} policy"). Also: AND, OR, NOT, -word,
        # parentheses, "quoted phrases", fields ti: abs: au: co: cat: id:, wildcard diffus*, exact =GAN.
        queries = ["reinforcement learning", "diffusion policy"]

        # Which entries of the announcement to keep: "new" (new submissions), "cross" (cross-lists), "replace".
        include = ["new"]

        # Source: "listing" (https://arxiv.org/list/<cat>/new, with its "showing N of N" check) or "rss".
        source = "listing"
        arxiv_url = "https://arxiv.org"
        rss_url = "https://rss.arxiv.org"
        api_url = "https://export.arxiv.org"
        # OAI-PMH, for 'backfill' of dates older than the last five announcements.
        oai_url = "https://oaipmh.arxiv.org/oai"

        # Seconds between two requests to one host. arXiv asks for at least 3; lower values are refused for arxiv.org.
        request_interval = 3

        # Seconds to wait for one response (headers and body) before retrying. Failed responses are saved for
        # debugging in a "debug" folder next to the database, with keys and cookies redacted.
        request_timeout = 60

        # Output formats: "text" (the reference layout), "markdown", "json".
        formats = ["text", "markdown", "json"]

        # Display time zone of the digest header (IANA name or UTC+8), and the target language of translations.
        timezone = "Asia/Shanghai"
        language = "zh"

        # Translation providers, in fallback order: "google" (default: keyless web endpoint, no account needed),
        # "openai" (any OpenAI-compatible chat API: OpenAI, DeepSeek, Qwen, SiliconFlow, Moonshot, Ollama, vLLM ...),
        # "deepl", "google-cloud", "azure", or "none". openai or deepl give the best quality.
        # Keys come from the environment: OPENAI_API_KEY, DEEPL_API_KEY, GOOGLE_API_KEY, AZURE_TRANSLATOR_KEY
        # (+ AZURE_TRANSLATOR_REGION), or the variable named by translator_key_env (for the first provider).
        translator = ["google"]
        # translator_url = "http://localhost:11434"            # base URL of the first provider, or "openai=URL,deepl=URL"
        # translator_model = "gpt-4o-mini"                     # model of an LLM provider
        # translator_key_env = "DEEPSEEK_API_KEY"
        # translation_concurrency = 4                          # requests in flight at once
        # translation_rpm = 60                                 # requests per minute per provider
        # translation_tpm = 200000                             # tokens per minute per provider (LLMs)
        # translation_prices = ["openai=0.15", "deepl=20"]     # per million tokens (LLMs) or characters: adds a cost line
        # glossary = "~/.config/arxiv-digest/glossary.txt"     # lines "source = target ; avoid: x, y" extend the built-in terms

        # Your own Scriban templates for the text, Markdown and HTML files (see docs/templates/ for examples).
        # template_text = "~/.config/arxiv-digest/digest.txt.scriban"
        # html_show = "both"                                   # HTML page and email: "original", "translation" or "both"

        # Evenings (ET dates) without an announcement. Leave unset to use the built-in list for 2024-2026 from
        # https://info.arxiv.org/help/availability.html; setting it replaces that list.
        # holidays = ["2026-11-26", "2026-12-25"]

        # Delivery channels: one [[channel]] table each (types: email, feishu, dingtalk, wecom, slack, discord, telegram,
        # webhook). Secrets from environment variables named here; each channel gets each digest at most once.
        # [[channel]]
        # name = "group-chat"
        # type = "feishu"
        # url_env = "FEISHU_WEBHOOK_URL"
        # secret_env = "FEISHU_SECRET"

        # Several digests: one [[digest]] table each; unset keys take the values above.
        # [[digest]]
        # name = "robotics"
        # categories = ["cs.RO"]
        # queries = ["diffusion policy", "sim-to-real"]
        # authors = ["Sergey Levine", "Chelsea Finn"]   # an author watch list: group "Authors", listed first
        # exclude = ["survey", "ti:review"]             # dropped from every group of this digest
        #
        # A named group with its own query, categories and exclusions (after the queries above):
        # [[digest.group]]
        # name = "RL"
        # query = "reinforcement learning OR RLHF -survey"
        # categories = ["cs.LG", "cs.AI"]
        """;
}
