using System.Security.Cryptography;
using System.Text;
using ArxivDigest.Matching;

namespace ArxivDigest.Translation;

/// <summary>One glossary term: how <see cref="Source"/> must be translated, and wrong renderings to flag.</summary>
public sealed record GlossaryEntry(string Source, string Target, IReadOnlyList<string> Avoid);

/// <summary>
/// Fixed translations of technical terms (token → 词元, not 代币). Source phrases match case-insensitively on word
/// boundaries with plural and inflection folding (<see cref="Tokens.Fold"/>), so "Diffusion Policies" and "diffusion-policy" both
/// match "diffusion policy". Immutable.
/// </summary>
public sealed class Glossary
{
    private readonly string[][] folded;

    private Glossary(IReadOnlyList<GlossaryEntry> entries)
    {
        Entries = entries;
        folded = [.. entries.Select(e => Tokens.Fold(e.Source).ToArray())];
        Version = entries.Count == 0 ? "" : ComputeVersion(entries);
    }

    public static Glossary Empty { get; } = new([]);

    private static readonly Lazy<Glossary> ZhBuiltIn = new(() => new Glossary(BuiltInZh()));

    public IReadOnlyList<GlossaryEntry> Entries { get; }

    /// <summary>A short hash of the entries (order-independent), part of the translation cache key; "" when empty.</summary>
    public string Version { get; }

    /// <summary>
    /// The built-in terms for <paramref name="targetLanguage"/>: ML/CS terms for simplified Chinese (<c>zh</c>,
    /// <c>zh-CN</c>, <c>zh-Hans</c> ...); <see cref="Empty"/> for every other language, traditional Chinese included.
    /// </summary>
    public static Glossary BuiltIn(string targetLanguage)
    {
        ArgumentNullException.ThrowIfNull(targetLanguage);
        var lang = targetLanguage.Trim().Replace('_', '-').ToLowerInvariant();
        var parts = lang.Split('-');
        if (parts[0] != "zh" || parts.Skip(1).Any(p => p is "hant" or "tw" or "hk" or "mo"))
        {
            return Empty;
        }

        return ZhBuiltIn.Value;
    }

    /// <summary>
    /// Reads a glossary file on top of <paramref name="basedOn"/>: an entry whose source phrase folds like a base
    /// entry's replaces it in place, others are appended. Format (UTF-8): one <c>source = target</c> per line,
    /// optionally followed by <c>; avoid: wrong1, wrong2</c>; lines starting with <c>#</c> and blank lines are ignored.
    /// A bad line throws <see cref="FormatException"/> with the message <c>path:line: what is wrong</c>.
    /// </summary>
    public static Glossary Load(string path, Glossary? basedOn = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = File.ReadAllLines(path, Encoding.UTF8);
        var parsed = new List<(GlossaryEntry Entry, string Key)>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var n = 1; n <= lines.Length; n++)
        {
            var line = lines[n - 1].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var entry = ParseLine(line, what => new FormatException($"{path}:{n}: {what}"));
            var key = Key(entry.Source);
            if (firstLine.TryGetValue(key, out var first))
            {
                throw new FormatException($"{path}:{n}: duplicate entry for '{entry.Source}' (first on line {first})");
            }

            firstLine[key] = n;
            parsed.Add((entry, key));
        }

        var merged = new List<GlossaryEntry>(basedOn?.Entries ?? []);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < merged.Count; i++)
        {
            index.TryAdd(Key(merged[i].Source), i);
        }

        foreach (var (entry, key) in parsed)
        {
            if (index.TryGetValue(key, out var at))
            {
                merged[at] = entry;
            }
            else
            {
                index[key] = merged.Count;
                merged.Add(entry);
            }
        }

        return new Glossary(merged);
    }

    /// <summary>
    /// Entries whose source phrase occurs in <paramref name="sourceText"/>, in glossary order. An entry is left out
    /// when every occurrence lies inside an occurrence of a longer relevant entry: "diffusion policy" in a text
    /// makes "diffusion policy" relevant, not also "policy" (unless "policy" also occurs on its own).
    /// </summary>
    public IReadOnlyList<GlossaryEntry> Relevant(string sourceText)
    {
        ArgumentNullException.ThrowIfNull(sourceText);
        if (Entries.Count == 0)
        {
            return [];
        }

        var words = Tokens.Fold(sourceText);
        var spans = new List<int>[Entries.Count];
        for (var e = 0; e < Entries.Count; e++)
        {
            spans[e] = Occurrences(words, folded[e]);
        }

        var result = new List<GlossaryEntry>();
        for (var e = 0; e < Entries.Count; e++)
        {
            var len = folded[e].Length;
            var standalone = spans[e].Any(start => !Enumerable.Range(0, Entries.Count).Any(o =>
                folded[o].Length > len
                && spans[o].Any(s => s <= start && start + len <= s + folded[o].Length)));
            if (standalone)
            {
                result.Add(Entries[e]);
            }
        }

        return result;
    }

    /// <summary>
    /// Glossary problems of <paramref name="translation"/>, one per relevant entry: an avoided rendering used
    /// (<c>'token' translated as '代币' (use '词元')</c>) or the target missing (<c>'token' should be '词元'</c>).
    /// Empty when the translation follows the glossary. Comparisons ignore case (for Latin targets like Transformer).
    /// </summary>
    public IReadOnlyList<string> Violations(string sourceText, string translation)
    {
        ArgumentNullException.ThrowIfNull(translation);
        var problems = new List<string>();
        foreach (var entry in Relevant(sourceText))
        {
            var avoided = entry.Avoid.FirstOrDefault(a => translation.Contains(a, StringComparison.OrdinalIgnoreCase));
            if (avoided is not null)
            {
                problems.Add($"'{entry.Source}' translated as '{avoided}' (use '{entry.Target}')");
            }
            else if (!translation.Contains(entry.Target, StringComparison.OrdinalIgnoreCase))
            {
                problems.Add($"'{entry.Source}' should be '{entry.Target}'");
            }
        }

        return problems;
    }

    private static List<int> Occurrences(List<string> words, string[] phrase)
    {
        var starts = new List<int>();
        if (phrase.Length == 0)
        {
            return starts;
        }

        for (var i = 0; i + phrase.Length <= words.Count; i++)
        {
            var j = 0;
            while (j < phrase.Length && string.Equals(words[i + j], phrase[j], StringComparison.Ordinal))
            {
                j++;
            }

            if (j == phrase.Length)
            {
                starts.Add(i);
            }
        }

        return starts;
    }

    private static string Key(string source) => string.Join(' ', Tokens.Fold(source));

    private static GlossaryEntry ParseLine(string line, Func<string, FormatException> error)
    {
        var eq = line.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
        {
            throw error($"expected 'source = target', found '{line}'");
        }

        var source = CollapseSpaces(line[..eq]);
        var rest = line[(eq + 1)..];
        var semi = rest.IndexOfAny([';', '；']);
        var target = CollapseSpaces(semi < 0 ? rest : rest[..semi]);
        if (source.Length == 0)
        {
            throw error("empty source term before '='");
        }

        if (Tokens.Fold(source).Count == 0)
        {
            throw error($"source term '{source}' has no letters or digits");
        }

        if (target.Length == 0)
        {
            throw error($"empty target term for '{source}'");
        }

        if (target.Contains('='))
        {
            throw error($"more than one '=' in '{line}'");
        }

        var avoid = new List<string>();
        if (semi >= 0)
        {
            var option = rest[(semi + 1)..].Trim();
            const string prefix = "avoid:";
            if (!option.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                throw error($"unknown option '{option}' after ';' (expected 'avoid: x, y')");
            }

            foreach (var raw in option[prefix.Length..].Split([',', '，', '、']))
            {
                var form = CollapseSpaces(raw);
                if (form.Length == 0)
                {
                    throw error($"empty avoided form for '{source}'");
                }

                if (string.Equals(form, target, StringComparison.OrdinalIgnoreCase))
                {
                    throw error($"avoided form '{form}' is the target itself");
                }

                avoid.Add(form);
            }
        }

        return new GlossaryEntry(source, target, avoid);
    }

    private static string CollapseSpaces(string s) =>
        string.Join(' ', s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    private static string ComputeVersion(IReadOnlyList<GlossaryEntry> entries)
    {
        var sb = new StringBuilder();
        foreach (var e in entries.OrderBy(e => e.Source, StringComparer.Ordinal).ThenBy(e => e.Target, StringComparer.Ordinal))
        {
            sb.Append(e.Source).Append('\u001F').Append(e.Target);
            foreach (var a in e.Avoid)
            {
                sb.Append('\u001F').Append(a);
            }

            sb.Append('\u001E');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())))[..12];
    }

    private static GlossaryEntry E(string source, string target, params string[] avoid) => new(source, target, avoid);

    /// <summary>Well-established simplified-Chinese renderings of ML/CS/robotics terms.</summary>
    private static List<GlossaryEntry> BuiltInZh() =>
    [
        E("token", "词元", "代币", "令牌"),
        E("tokenizer", "分词器", "代币"),
        E("large language model", "大语言模型"),
        E("language model", "语言模型"),
        E("vision-language model", "视觉语言模型"),
        E("vision-language-action model", "视觉-语言-动作模型"),
        E("transformer", "Transformer", "变压器", "变换器"),
        E("attention", "注意力"),
        E("self-attention", "自注意力"),
        E("embedding", "嵌入"),
        E("fine-tuning", "微调"),
        E("instruction tuning", "指令微调"),
        E("pretraining", "预训练"),
        E("pre-training", "预训练"),
        E("prompt", "提示词"),
        E("in-context learning", "上下文学习"),
        E("chain-of-thought", "思维链"),
        E("retrieval-augmented generation", "检索增强生成"),
        E("mixture of experts", "混合专家"),
        E("hallucination", "幻觉"),
        E("knowledge distillation", "知识蒸馏"),
        E("inference", "推理"),
        E("Bayesian inference", "贝叶斯推断"),
        E("variational inference", "变分推断"),
        E("causal inference", "因果推断"),
        E("speculative decoding", "推测解码"),
        E("autoregressive", "自回归"),
        E("encoder", "编码器"),
        E("decoder", "解码器"),
        E("quantization", "量化"),
        E("pruning", "剪枝"),
        E("benchmark", "基准"),
        E("ablation", "消融"),
        E("overfitting", "过拟合"),
        E("regularization", "正则化"),
        E("hyperparameter", "超参数"),
        E("backpropagation", "反向传播"),
        E("gradient descent", "梯度下降"),
        E("stochastic gradient descent", "随机梯度下降"),
        E("loss function", "损失函数"),
        E("neural network", "神经网络"),
        E("convolutional neural network", "卷积神经网络"),
        E("recurrent neural network", "循环神经网络"),
        E("graph neural network", "图神经网络"),
        E("generative adversarial network", "生成对抗网络"),
        E("diffusion model", "扩散模型"),
        E("contrastive learning", "对比学习"),
        E("self-supervised learning", "自监督学习"),
        E("unsupervised learning", "无监督学习"),
        E("transfer learning", "迁移学习"),
        E("meta-learning", "元学习"),
        E("federated learning", "联邦学习"),
        E("few-shot", "少样本"),
        E("zero-shot", "零样本"),
        E("reinforcement learning", "强化学习"),
        E("deep reinforcement learning", "深度强化学习"),
        E("offline reinforcement learning", "离线强化学习"),
        E("multi-agent reinforcement learning", "多智能体强化学习"),
        E("imitation learning", "模仿学习"),
        E("policy", "策略"),
        E("policy gradient", "策略梯度"),
        E("diffusion policy", "扩散策略"),
        E("reward", "奖励"),
        E("reward shaping", "奖励塑形", "奖励塑造"),
        E("reward model", "奖励模型"),
        E("value function", "价值函数"),
        E("Markov decision process", "马尔可夫决策过程"),
        E("agent", "智能体", "代理"),
        E("multi-agent", "多智能体", "多代理"),
        E("world model", "世界模型"),
        E("preference optimization", "偏好优化"),
        E("direct preference optimization", "直接偏好优化"),
        E("alignment", "对齐"),
        E("sim-to-real", "仿真到现实"),
        E("manipulation", "操作"),
        E("dexterous manipulation", "灵巧操作"),
        E("teleoperation", "遥操作"),
    ];
}
