namespace ArxivDigest.Tests.Fuzz;

/// <summary>Seed config files and queries for the config and query-language fuzz targets (realistic, all valid).</summary>
public static class FuzzConfigs
{
    public const string Minimal = """
        categories = "cs.AI"
        queries = "diffusion policy"
        translator = "none"

        """;

    public const string Full = """
        # every top-level key with a value that resolves
        db = "arxiv-digest.db"
        out = "digests"
        categories = ["cs.AI", "cs.LG", "hep-th"]
        queries = ["\"diffusion policy\" OR (ti:transformer AND -survey)", "au:Balázs", "cat:cs.LG diffus*", "=exact RL"]
        include = ["new", "cross"]
        source = "rss"
        arxiv_url = "https://arxiv.org"
        rss_url = "https://rss.arxiv.org"
        api_url = "https://export.arxiv.org"
        request_interval = 3.5
        formats = ["text", "markdown", "json"]
        timezone = "UTC+8"
        language = "zh"
        translator = ["none"]
        translation_concurrency = 4
        translation_rpm = 60
        translation_tpm = 200000
        translation_prices = ["openai=0.15", "deepl=20"]
        tldr = false
        html_show = "both"
        holidays = ["2026-11-26", "2026-12-25"]

        """;

    public const string DigestsAndChannels = """
        categories = ["cs"]
        queries = ["reinforcement learning", "diffusion policy"]
        translator = "none"
        timezone = "Asia/Shanghai"

        [[digest]]
        name = "robotics"
        categories = ["cs.RO"]
        queries = ["diffusion policy", "sim-to-real"]

        [[digest]]
        name = "theory"
        categories = ["hep-th", "gr-qc"]
        include = ["new", "replace"]
        language = "en"
        timezone = "America/New_York"

        [[channel]]
        name = "team-mail"
        type = "email"
        digests = ["robotics"]
        to = ["a@example.org", "b@example.org"]
        from = "digest@example.org"
        smtp_host = "127.0.0.1"
        smtp_port = 2525
        security = "none"

        [[channel]]
        name = "hook"
        type = "webhook"
        url = "http://127.0.0.1:9/hook"
        secret = "s3cret"

        """;

    public const string QueryGroups = """
        translator = "none"

        [[digest]]
        name = "gravity"
        categories = ["gr-qc", "hep-th"]
        queries = ["black hole"]
        exclude = ["warp drive"]

        [[digest.group]]
        name = "Authors I follow"
        query = "au:Balázs OR au:\"Yann LeCun\""

        [[digest.group]]
        name = "Gravity in gr-qc"
        query = "gravit* OR cosmolog*"
        categories = ["gr-qc"]
        exclude = ["ti:wormhole"]

        """;

    public static readonly IReadOnlyList<string> Queries =
    [
        "\"diffusion policy\" OR (ti:transformer AND -survey)",
        "au:Balázs",
        "cat:cs.LG diffus*",
        "=exact RL",
        "reinforcement learning",
        "diffusion policy",
        "ti:robot \"diffusion policy\"",
        "ti:(robot OR drone) AND abs:\"sim-to-real\"",
        "(large language model OR LLM) -survey -review",
        "au:\"Yann LeCun\" OR au:Bengio",
        "cat:hep-th AND (holograph* OR \"AdS/CFT\")",
        "id:2411.17700",
        "co:\"accepted at NeurIPS\"",
        "=GAN OR \"generative adversarial\"",
        "NOT survey AND transformer",
        "graph neural network* AND (molecul* OR protein)",
        "abs:(\"zero-shot\" OR \"few-shot\") ti:benchmark",
        "au:Müller AND cat:math.CO",
        "quantum error correction OR \"surface code\"",
        "(ti:diffusion OR abs:score-based) AND NOT ti:survey",
        "\"Schrödinger bridge\"",
        "mixture of experts -\"vision transformer\"",
        "cat:cs.RO (manipulat* OR grasp*)",
        "$\\alpha$-divergence",
        "RL OR RLHF OR \"reward model\"",
        "ti:\"sparse autoencoder\" OR abs:interpretab*",
        "co:\"12 pages\"",
        "au:Li au:Wang",
        "cat:astro-ph.GA galax* -simulation",
        "((a OR b) AND (c OR (d AND -e)))",
    ];
}
