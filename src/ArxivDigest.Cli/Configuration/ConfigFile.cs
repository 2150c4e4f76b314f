using System.Globalization;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace ArxivDigest.Cli.Configuration;

/// <summary>A value read from the config file, with its line for messages.</summary>
public sealed record ConfigValue(object Value, string Where);

/// <summary>
/// Reads the TOML config file into flat key → value maps (top level, and one map per <c>[[digest]]</c> table),
/// remembering each key's line, and reporting syntax errors, unknown keys and wrong types with file and line.
/// </summary>
public static class ConfigFile
{
    public static readonly IReadOnlyDictionary<string, Type> TopLevelKeys = new Dictionary<string, Type>
    {
        ["db"] = typeof(string),
        ["out"] = typeof(string),
        ["categories"] = typeof(string[]),
        ["queries"] = typeof(string[]),
        ["include"] = typeof(string[]),
        ["source"] = typeof(string),
        ["arxiv_url"] = typeof(string),
        ["rss_url"] = typeof(string),
        ["api_url"] = typeof(string),
        ["oai_url"] = typeof(string),
        ["formats"] = typeof(string[]),
        ["timezone"] = typeof(string),
        ["language"] = typeof(string),
        ["translator"] = typeof(string[]),
        ["translator_url"] = typeof(string),
        ["translator_model"] = typeof(string),
        ["translator_key_env"] = typeof(string),
        ["translation_concurrency"] = typeof(double),
        ["translation_rpm"] = typeof(double),
        ["translation_tpm"] = typeof(double),
        ["translation_prices"] = typeof(string[]),
        ["glossary"] = typeof(string),
        ["tldr"] = typeof(bool),
        ["template_text"] = typeof(string),
        ["template_markdown"] = typeof(string),
        ["template_html"] = typeof(string),
        ["html_show"] = typeof(string),
        ["request_interval"] = typeof(double),
        ["request_timeout"] = typeof(double),
        ["holidays"] = typeof(string[]),
    };

    public static readonly IReadOnlyDictionary<string, Type> DigestKeys = new Dictionary<string, Type>
    {
        ["name"] = typeof(string),
        ["categories"] = typeof(string[]),
        ["queries"] = typeof(string[]),
        ["authors"] = typeof(string[]),
        ["exclude"] = typeof(string[]),
        ["include"] = typeof(string[]),
        ["language"] = typeof(string),
        ["timezone"] = typeof(string),
    };

    /// <summary>Keys of a <c>[[digest.group]]</c> table: a named query group of the digest above it.</summary>
    public static readonly IReadOnlyDictionary<string, Type> GroupKeys = new Dictionary<string, Type>
    {
        ["name"] = typeof(string),
        ["query"] = typeof(string),
        ["categories"] = typeof(string[]),
        ["exclude"] = typeof(string[]),
    };

    public static readonly IReadOnlyDictionary<string, Type> ChannelKeys = new Dictionary<string, Type>
    {
        ["name"] = typeof(string),
        ["type"] = typeof(string),
        ["digests"] = typeof(string[]),
        ["url"] = typeof(string),
        ["url_env"] = typeof(string),
        ["secret"] = typeof(string),
        ["secret_env"] = typeof(string),
        ["chat_id"] = typeof(string),
        ["to"] = typeof(string[]),
        ["from"] = typeof(string),
        ["smtp_host"] = typeof(string),
        ["smtp_port"] = typeof(double),
        ["security"] = typeof(string),
        ["smtp_user"] = typeof(string),
        ["smtp_password"] = typeof(string),
        ["smtp_password_env"] = typeof(string),
    };

    public sealed record Parsed(Dictionary<string, ConfigValue> TopLevel, List<Dictionary<string, ConfigValue>> Digests, List<ConfigProblem> Problems)
    {
        public List<Dictionary<string, ConfigValue>> Channels { get; } = [];
    }

    public static Parsed Read(string path)
    {
        var problems = new List<ConfigProblem>();
        var top = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        var digests = new List<Dictionary<string, ConfigValue>>();
        var channels = new List<Dictionary<string, ConfigValue>>();
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add(new ConfigProblem(path, $"cannot read config file: {e.Message}"));
            return new Parsed(top, digests, problems);
        }

        DocumentSyntax doc;
        try
        {
            doc = SyntaxParser.Parse(text, path, true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or FormatException or OverflowException)
        {
            // Tomlyn's lexer throws on a few malformed inputs (e.g. a backslash at the very end of the file) instead
            // of reporting a diagnostic; it is still a syntax error in the file, not a crash.
            problems.Add(new ConfigProblem(path, $"not valid TOML (the TOML reader stopped: {e.Message.Split(" (Parameter", 2)[0]})"));
            return new Parsed(top, digests, problems);
        }

        foreach (var d in doc.Diagnostics)
        {
            if (d.Kind == DiagnosticMessageKind.Error)
            {
                problems.Add(new ConfigProblem($"{path}:{d.Span.Start.Line + 1}", d.Message));
            }
        }

        if (problems.Count > 0)
        {
            return new Parsed(top, digests, problems);
        }

        foreach (var kv in doc.KeyValues)
        {
            Take(kv, top, TopLevelKeys, path, "", problems);
        }

        foreach (var table in doc.Tables)
        {
            var name = table.Name?.ToString().Trim() ?? "";
            var line = $"{path}:{table.Span.Start.Line + 1}";
            if (table is TableArraySyntax && name == "digest")
            {
                var map = new Dictionary<string, ConfigValue>(StringComparer.Ordinal) { ["@"] = new ConfigValue("", line) };
                foreach (var item in table.Items)
                {
                    if (item is KeyValueSyntax kv)
                    {
                        Take(kv, map, DigestKeys, path, "digest.", problems);
                    }
                }

                digests.Add(map);
            }
            else if (table is TableArraySyntax && name == "digest.group")
            {
                if (digests.Count == 0)
                {
                    problems.Add(new ConfigProblem(line, "[[digest.group]] must follow the [[digest]] table it belongs to"));
                    continue;
                }

                var map = new Dictionary<string, ConfigValue>(StringComparer.Ordinal) { ["@"] = new ConfigValue("", line) };
                foreach (var item in table.Items)
                {
                    if (item is KeyValueSyntax kv)
                    {
                        Take(kv, map, GroupKeys, path, "digest.group.", problems);
                    }
                }

                var owner = digests[^1];
                if (!owner.TryGetValue("@groups", out var list))
                {
                    owner["@groups"] = list = new ConfigValue(new List<Dictionary<string, ConfigValue>>(), line);
                }

                ((List<Dictionary<string, ConfigValue>>)list.Value).Add(map);
            }
            else if (table is TableArraySyntax && name == "channel")
            {
                var map = new Dictionary<string, ConfigValue>(StringComparer.Ordinal) { ["@"] = new ConfigValue("", line) };
                foreach (var item in table.Items)
                {
                    if (item is KeyValueSyntax kv)
                    {
                        Take(kv, map, ChannelKeys, path, "channel.", problems);
                    }
                }

                channels.Add(map);
            }
            else
            {
                problems.Add(new ConfigProblem(line, $"unknown table [{name}]; the tables are [[digest]], [[digest.group]] and [[channel]]"));
            }
        }

        var parsed = new Parsed(top, digests, problems);
        parsed.Channels.AddRange(channels);
        return parsed;
    }

    private static void Take(KeyValueSyntax kv, Dictionary<string, ConfigValue> into, IReadOnlyDictionary<string, Type> known, string path, string prefix, List<ConfigProblem> problems)
    {
        var key = kv.Key?.ToString().Trim() ?? "";
        var where = $"{path}:{kv.Span.Start.Line + 1}";
        if (!known.TryGetValue(key, out var type))
        {
            problems.Add(new ConfigProblem(where, $"unknown key '{prefix}{key}'; known keys: {string.Join(", ", known.Keys)}"));
            return;
        }

        var value = Convert(kv.Value, type);
        if (value is null)
        {
            problems.Add(new ConfigProblem(where, $"'{prefix}{key}' must be {Describe(type)}"));
            return;
        }

        into[key] = new ConfigValue(value, where);
    }

    private static object? Convert(ValueSyntax? value, Type type)
    {
        if (type == typeof(string))
        {
            return value is StringValueSyntax s ? s.Value : null;
        }

        if (type == typeof(bool))
        {
            return value is BooleanValueSyntax b ? b.Value : null;
        }

        if (type == typeof(double))
        {
            return value switch
            {
                IntegerValueSyntax i => (double)i.Value,
                FloatValueSyntax f => f.Value,
                StringValueSyntax s when double.TryParse(s.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                _ => null,
            };
        }

        if (type == typeof(string[]))
        {
            if (value is StringValueSyntax single)
            {
                return new[] { single.Value! };
            }

            if (value is ArraySyntax array)
            {
                var items = new List<string>();
                foreach (var item in array.Items)
                {
                    if (item.Value is not StringValueSyntax s)
                    {
                        return null;
                    }

                    items.Add(s.Value!);
                }

                return items.ToArray();
            }
        }

        return null;
    }

    private static string Describe(Type t) =>
        t == typeof(string) ? "a string" : t == typeof(double) ? "a number" : t == typeof(bool) ? "true or false" : "a string or an array of strings";
}
