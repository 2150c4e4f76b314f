using ArxivDigest.Matching;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Translation;

/// <summary>Glossary: built-in zh terms, matching (folding, longer phrases first), violations, file loading, version.</summary>
public sealed class GlossaryTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "arxivdigest-glossary-" + Guid.NewGuid().ToString("N"));

    public GlossaryTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string File_(string name, string content)
    {
        var path = Path.Combine(dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static Glossary Zh => Glossary.BuiltIn("zh");

    private static GlossaryEntry Entry(Glossary g, string source) =>
        g.Entries.Single(e => string.Equals(e.Source, source, StringComparison.OrdinalIgnoreCase));

    private static List<string> RelevantSources(Glossary g, string text) => [.. g.Relevant(text).Select(e => e.Source)];

    // ---- built-in ------------------------------------------------------------------------------------------------

    [Fact]
    public void Built_in_zh_translates_token_as_词元_and_avoids_代币()
    {
        var token = Entry(Zh, "token");

        Assert.Equal("词元", token.Target);
        Assert.Contains("代币", token.Avoid);
        Assert.Contains("令牌", token.Avoid);
    }

    [Theory]
    [InlineData("tokenizer", "分词器")]
    [InlineData("reinforcement learning", "强化学习")]
    [InlineData("policy", "策略")]
    [InlineData("reward shaping", "奖励塑形")]
    [InlineData("diffusion policy", "扩散策略")]
    [InlineData("diffusion model", "扩散模型")]
    [InlineData("large language model", "大语言模型")]
    [InlineData("transformer", "Transformer")]
    [InlineData("attention", "注意力")]
    [InlineData("embedding", "嵌入")]
    [InlineData("fine-tuning", "微调")]
    [InlineData("prompt", "提示词")]
    [InlineData("agent", "智能体")]
    [InlineData("benchmark", "基准")]
    [InlineData("ablation", "消融")]
    [InlineData("hallucination", "幻觉")]
    [InlineData("reward model", "奖励模型")]
    [InlineData("value function", "价值函数")]
    [InlineData("offline reinforcement learning", "离线强化学习")]
    [InlineData("imitation learning", "模仿学习")]
    [InlineData("knowledge distillation", "知识蒸馏")]
    [InlineData("inference", "推理")]
    [InlineData("chain-of-thought", "思维链")]
    [InlineData("retrieval-augmented generation", "检索增强生成")]
    [InlineData("mixture of experts", "混合专家")]
    [InlineData("world model", "世界模型")]
    [InlineData("sim-to-real", "仿真到现实")]
    [InlineData("manipulation", "操作")]
    public void Built_in_zh_has_the_established_terms(string source, string target)
    {
        Assert.Equal(target, Entry(Zh, source).Target);
    }

    [Fact]
    public void Built_in_zh_is_large_and_free_of_duplicates()
    {
        Assert.True(Zh.Entries.Count >= 40, $"only {Zh.Entries.Count} entries");
        var keys = Zh.Entries.Select(e => string.Join(' ', Tokens.Fold(e.Source))).ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.All(Zh.Entries, e => Assert.DoesNotContain(e.Target, e.Avoid));
    }

    [Theory]
    [InlineData("zh")]
    [InlineData("zh-CN")]
    [InlineData("zh_CN")]
    [InlineData("zh-Hans")]
    public void Built_in_for_simplified_chinese_variants_is_the_zh_list(string lang)
    {
        Assert.Same(Zh, Glossary.BuiltIn(lang));
    }

    [Theory]
    [InlineData("en")]
    [InlineData("de")]
    [InlineData("ja")]
    [InlineData("zh-TW")]
    [InlineData("zh-Hant")]
    public void Built_in_for_other_languages_is_empty(string lang)
    {
        var g = Glossary.BuiltIn(lang);

        Assert.Same(Glossary.Empty, g);
        Assert.Empty(g.Entries);
        Assert.Equal("", g.Version);
        Assert.Empty(g.Relevant("token policy agent"));
        Assert.Empty(g.Violations("token policy agent", "代币"));
    }

    // ---- relevant ------------------------------------------------------------------------------------------------

    [Fact]
    public void Relevant_matches_case_insensitively_with_plurals_and_hyphens()
    {
        var found = RelevantSources(Zh, "Diffusion Policies with Tokens and Chain-of-Thought via sim-to-real transfer");

        Assert.Contains("diffusion policy", found);
        Assert.Contains("token", found);
        Assert.Contains("chain-of-thought", found);
        Assert.Contains("sim-to-real", found);
    }

    [Fact]
    public void Relevant_respects_word_boundaries()
    {
        // "tokens" is a word, "tokenization"/"agentic"/"policymaker" are other words.
        var found = RelevantSources(Zh, "tokenization for agentic policymakers");

        Assert.DoesNotContain("token", found);
        Assert.DoesNotContain("agent", found);
        Assert.DoesNotContain("policy", found);
    }

    [Fact]
    public void Relevant_prefers_diffusion_policy_over_policy()
    {
        var found = RelevantSources(Zh, "We train a diffusion policy for dexterous tasks.");

        Assert.Contains("diffusion policy", found);
        Assert.DoesNotContain("policy", found);
    }

    [Fact]
    public void Relevant_keeps_the_short_term_when_it_also_occurs_on_its_own()
    {
        var found = RelevantSources(Zh, "A diffusion policy distilled into a one-step policy.");

        Assert.Contains("diffusion policy", found);
        Assert.Contains("policy", found);
    }

    [Fact]
    public void Relevant_prefers_offline_reinforcement_learning_over_its_parts()
    {
        var found = RelevantSources(Zh, "Offline reinforcement learning from fixed datasets.");

        Assert.Contains("offline reinforcement learning", found);
        Assert.DoesNotContain("reinforcement learning", found);
    }

    // ---- violations ----------------------------------------------------------------------------------------------

    [Fact]
    public void Reference_title_with_代币_violates_the_glossary()
    {
        var (_, paper, titleZh, abstractZh) = ReferenceDigest.Load().Entries
            .Single(e => e.Paper.Title.StartsWith("Sparse but Critical: A Token-Level Analysis", StringComparison.Ordinal));
        Assert.Contains("代币", titleZh, StringComparison.Ordinal);

        var title = Zh.Violations(paper.Title, titleZh);
        var abs = Zh.Violations(paper.Abstract, abstractZh);

        Assert.Equal(["'token' translated as '代币' (use '词元')"], title);
        Assert.Contains("'token' translated as '代币' (use '词元')", abs);
    }

    [Fact]
    public void Corrected_reference_title_has_no_violations()
    {
        var (_, paper, titleZh, _) = ReferenceDigest.Load().Entries
            .Single(e => e.Paper.Title.StartsWith("Sparse but Critical: A Token-Level Analysis", StringComparison.Ordinal));

        Assert.Empty(Zh.Violations(paper.Title, titleZh.Replace("代币", "词元", StringComparison.Ordinal)));
    }

    [Fact]
    public void Missing_target_is_reported()
    {
        var problems = Zh.Violations("Turn-Level Reward Shaping for Agents", "回合级奖励设计,用于智能体");

        Assert.Equal(["'reward shaping' should be '奖励塑形'"], problems);
    }

    [Fact]
    public void Avoided_form_is_reported_even_with_the_target_elsewhere()
    {
        var problems = Zh.Violations("reward shaping for agents", "奖励塑造用于代理");

        Assert.Equal(["'reward shaping' translated as '奖励塑造' (use '奖励塑形')", "'agent' translated as '代理' (use '智能体')"], problems);
    }

    [Fact]
    public void Latin_target_matches_case_insensitively()
    {
        Assert.Empty(Zh.Violations("A transformer for everything", "适用于一切的 transformer"));
        Assert.NotEmpty(Zh.Violations("A transformer for everything", "适用于一切的变压器"));
    }

    // ---- load ----------------------------------------------------------------------------------------------------

    [Fact]
    public void Load_overrides_and_extends_the_base()
    {
        var path = File_("g.txt", """
            # my terms
            token = 标记 ; avoid: 代币, 令牌

              Policy = 政策
            world model = 世界模型
            speculative sampling = 推测采样
            """);

        var g = Glossary.Load(path, Zh);

        Assert.Equal(Zh.Entries.Count + 1, g.Entries.Count);
        Assert.Equal("标记", Entry(g, "token").Target);
        Assert.Equal(["代币", "令牌"], Entry(g, "token").Avoid);
        Assert.Equal("政策", Entry(g, "policy").Target);
        Assert.Equal("推测采样", Entry(g, "speculative sampling").Target);
        Assert.Equal("speculative sampling", g.Entries[^1].Source);
        Assert.Equal(Zh.Entries.Select(e => e.Source).ToList().IndexOf("token"), g.Entries.Select(e => e.Source).ToList().IndexOf("token"));
        Assert.Equal(["'token' should be '标记'"], g.Violations("tokens", "词元"));
    }

    [Fact]
    public void Load_matches_overrides_by_folded_source()
    {
        var g = Glossary.Load(File_("g.txt", "Diffusion Policies = 扩散式策略\n"), Zh);

        Assert.Equal(Zh.Entries.Count, g.Entries.Count);
        Assert.Equal("扩散式策略", g.Relevant("a diffusion-policy controller").Single().Target);
    }

    [Fact]
    public void Load_without_base_has_only_the_file_entries()
    {
        var g = Glossary.Load(File_("g.txt", "\uFEFF# BOM and comments\n\nfoo bar = 甲乙\r\nbaz = 丙 ;avoid:丁、戊\n"));

        Assert.Equal(2, g.Entries.Count);
        Assert.Equal("foo bar", g.Entries[0].Source);
        Assert.Equal(["丁", "戊"], g.Entries[1].Avoid);
    }

    [Theory]
    [InlineData("token 词元", "expected 'source = target'")]
    [InlineData(" = 词元", "empty source term")]
    [InlineData("token = ", "empty target term")]
    [InlineData("token = 词元 ; prefer: x", "unknown option")]
    [InlineData("token = 词元 ; avoid: 代币,, 令牌", "empty avoided form")]
    [InlineData("token = 词元 ; avoid: 词元", "is the target itself")]
    [InlineData("--- = x", "no letters or digits")]
    [InlineData("a = b = c", "more than one '='")]
    public void Load_reports_a_bad_line_with_path_and_line_number(string bad, string what)
    {
        var path = File_("bad.txt", $"# header\n\ngood = 好\n{bad}\nother = 别\n");

        var ex = Assert.Throws<FormatException>(() => Glossary.Load(path, Zh));

        Assert.StartsWith($"{path}:4: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains(what, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reports_a_duplicate_within_the_file()
    {
        var path = File_("dup.txt", "token = 词元\nagent = 智能体\nTokens = 标记\n");

        var ex = Assert.Throws<FormatException>(() => Glossary.Load(path));

        Assert.Equal($"{path}:3: duplicate entry for 'Tokens' (first on line 1)", ex.Message);
    }

    // ---- version -------------------------------------------------------------------------------------------------

    [Fact]
    public void Version_is_stable_and_changes_with_the_entries()
    {
        var a = Glossary.Load(File_("a.txt", "token = 词元\nagent = 智能体\n"));
        var sameReordered = Glossary.Load(File_("b.txt", "# same entries, other order\nagent = 智能体\ntoken = 词元\n"));
        var otherTarget = Glossary.Load(File_("c.txt", "token = 标记\nagent = 智能体\n"));
        var otherAvoid = Glossary.Load(File_("d.txt", "token = 词元 ; avoid: 代币\nagent = 智能体\n"));
        var extended = Glossary.Load(File_("e.txt", "prompt = 提示词\n"), a);

        Assert.Matches("^[0-9a-f]{12}$", a.Version);
        Assert.Equal(a.Version, Glossary.Load(Path.Combine(dir, "a.txt")).Version);
        Assert.Equal(a.Version, sameReordered.Version);
        Assert.Equal(4, new[] { a.Version, otherTarget.Version, otherAvoid.Version, extended.Version }.Distinct().Count());
        Assert.Equal(Zh.Version, Glossary.BuiltIn("zh-CN").Version);
        Assert.NotEqual(Zh.Version, Glossary.Load(File_("f.txt", "token = 标记\n"), Zh).Version);
        Assert.Equal("", Glossary.Empty.Version);
    }
}
