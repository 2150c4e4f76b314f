using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Matching;
using ArxivDigest.Papers;
using ArxivDigest.Storage;

namespace ArxivDigest.Cli.Pipeline;

/// <summary><c>arxiv-digest search QUERY</c>: ranked full-text search over the store, as text blocks or a JSON array.</summary>
public sealed class SearchCommand
{
    private readonly Argument<string> _query = new("QUERY") { Description = "Query: phrases, \"quoted phrases\", AND/OR/NOT, -term, ti: abs: au: co: cat: id:, prefix*, =Exact" };
    private readonly Option<string> _from = new("--from") { Description = "Only papers dated on or after this day (first listing date, else submission date)", HelpName = "YYYY-MM-DD" };
    private readonly Option<string> _to = new("--to") { Description = "Only papers dated on or before this day", HelpName = "YYYY-MM-DD" };
    private readonly Option<string> _category = new("--category") { Description = "Only papers in this category or archive (primary or cross-list): cs, cs.LG ...", HelpName = "CAT" };
    private readonly Option<int> _limit = new("--limit") { Description = "Hits to show", HelpName = "N", DefaultValueFactory = _ => 20 };
    private readonly Option<int> _offset = new("--offset") { Description = "Hits to skip first (paging); default 0", HelpName = "N" };
    private readonly Option<string> _format = new("--format") { Description = "text (default) or json", HelpName = "text|json" };
    private readonly Option<string> _config = new("--config") { Description = "Config file (TOML); default ~/.config/arxiv-digest/config.toml if present", HelpName = "FILE" };
    private readonly Option<string> _db = new("--db") { Description = "SQLite file, or postgres://user:pass@host/db; default under the user's data directory", HelpName = "DB" };

    public Command Build(CliContext context, Func<CliContext, Func<Task<int>>, Task<int>> guard)
    {
        var command = new Command("search", "Search the stored papers with the query language, best matches first");
        command.Arguments.Add(_query);
        foreach (var option in new Option[] { _from, _to, _category, _limit, _offset, _format, _config, _db })
        {
            command.Options.Add(option);
        }

        command.SetAction((r, ct) => guard(context, () => RunAsync(r, context, ct)));
        return command;
    }

    private async Task<int> RunAsync(ParseResult r, CliContext context, CancellationToken cancellationToken)
    {
        var format = r.GetValue(_format) ?? "text";
        if (format is not ("text" or "json"))
        {
            throw new ConfigurationException("--format", $"'{format}' is not a search output format (text or json)");
        }

        var filter = new SearchFilter
        {
            From = ParseDate("--from", r.GetValue(_from)),
            To = ParseDate("--to", r.GetValue(_to)),
            Category = ParseCategory(r.GetValue(_category)),
            Limit = r.GetValue(_limit),
            Offset = r.GetValue(_offset),
        };
        if (filter.Limit < 1)
        {
            throw new ConfigurationException("--limit", $"{filter.Limit} is not a number of hits (1 or more)");
        }

        if (filter.Offset < 0)
        {
            throw new ConfigurationException("--offset", $"{filter.Offset} is not an offset (0 or more)");
        }

        if (filter.From > filter.To)
        {
            throw new ConfigurationException("--from", $"{filter.From:yyyy-MM-dd} is after --to {filter.To:yyyy-MM-dd}");
        }

        Query query;
        try
        {
            query = Query.Parse(r.GetValue(_query) ?? "");
        }
        catch (QuerySyntaxException e)
        {
            context.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.Usage;
        }

        var settings = SettingsResolver.Resolve(new RawOptions { Config = r.GetValue(_config), Db = r.GetValue(_db) }, context.Environment);
        await using var store = await StoreFactory.OpenAsync(settings.Db, cancellationToken);
        await SearchIndexNotice.ReportAsync(store, "search", line => context.Error.WriteLine($"info: {line}"), cancellationToken);
        var page = await store.SearchAsync(query, filter, cancellationToken);

        if (format == "json")
        {
            context.Out.Write(Json(page));
            return ExitCodes.Success;
        }

        if (page.Hits.Count == 0)
        {
            context.Out.WriteLine(filter.Offset > 0 ? $"no papers match beyond the first {filter.Offset}" : "no papers match");
            return ExitCodes.Success;
        }

        context.Out.Write(Text(page, filter));
        return ExitCodes.Success;
    }

    /// <summary>One block per hit: rank, id, date, score; title; authors; categories; link; what matched.</summary>
    internal static string Text(SearchPage page, SearchFilter filter)
    {
        var b = new StringBuilder();
        foreach (var hit in page.Hits)
        {
            var p = hit.Paper;
            b.Append(CultureInfo.InvariantCulture, $"{hit.Rank}. {p.Id}{(p.Version is { } v ? $"v{v}" : "")}");
            b.Append(hit.Date is { } d ? $"  {d:yyyy-MM-dd}" : "  (no date)");
            b.Append(CultureInfo.InvariantCulture, $"  score {hit.Score:0.00}\n");
            b.Append("   ").Append(OneLine(p.Title)).Append('\n');
            b.Append("   ").Append(OneLine(string.Join(", ", p.Authors))).Append('\n');
            b.Append("   ").Append(string.Join(", ", Categories(p))).Append('\n');
            b.Append("   ").Append(p.AbsUrl).Append('\n');
            b.Append("   matched in ").Append(FieldName(hit.Match.Field));
            if (hit.Match.Terms.Count > 0)
            {
                b.Append(": ").Append(string.Join(", ", hit.Match.Terms.Select(t => string.Join(' ', t))));
            }

            b.Append("\n\n");
        }

        if (page.HasMore)
        {
            b.Append(CultureInfo.InvariantCulture, $"more papers match: --offset {filter.Offset + page.Hits.Count}\n");
        }

        return b.ToString();
    }

    /// <summary>The hits as a JSON array (Utf8JsonWriter: every string escaped).</summary>
    internal static string Json(SearchPage page)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartArray();
            foreach (var hit in page.Hits)
            {
                var p = hit.Paper;
                w.WriteStartObject();
                w.WriteNumber("rank", hit.Rank);
                w.WriteString("id", p.Id);
                if (p.Version is { } v)
                {
                    w.WriteNumber("version", v);
                }
                else
                {
                    w.WriteNull("version");
                }

                if (hit.Date is { } d)
                {
                    w.WriteString("date", d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }
                else
                {
                    w.WriteNull("date");
                }

                w.WriteNumber("score", Math.Round(hit.Score, 4));
                w.WriteString("title", p.Title);
                w.WriteStartArray("authors");
                foreach (var a in p.Authors)
                {
                    w.WriteStringValue(a);
                }

                w.WriteEndArray();
                w.WriteString("primaryCategory", p.PrimaryCategory);
                w.WriteStartArray("categories");
                foreach (var c in Categories(p))
                {
                    w.WriteStringValue(c);
                }

                w.WriteEndArray();
                w.WriteString("absUrl", p.AbsUrl);
                w.WriteString("matchedField", FieldName(hit.Match.Field));
                w.WriteStartArray("matchedTerms");
                foreach (var t in hit.Match.Terms)
                {
                    w.WriteStringValue(string.Join(' ', t));
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static IEnumerable<string> Categories(Paper p) =>
        p.Subjects.Select(s => s.Code).Prepend(p.PrimaryCategory).Where(c => c.Length > 0).Distinct(StringComparer.Ordinal);

    private static string FieldName(MatchField field) => field switch
    {
        MatchField.Title => "title",
        MatchField.Abstract => "abstract",
        MatchField.Comments => "comments",
        MatchField.Author => "authors",
        MatchField.Category => "categories",
        _ => "id",
    };

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private static DateOnly? ParseDate(string option, string? text)
    {
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)
            ? d
            : throw new ConfigurationException(option, $"'{text}' is not a date (YYYY-MM-DD)");
    }

    private static string? ParseCategory(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var known = Taxonomy.Categories.Concat(Taxonomy.Archives).FirstOrDefault(c => string.Equals(c, text.Trim(), StringComparison.OrdinalIgnoreCase));
        return known ?? throw new ConfigurationException("--category", $"'{text}' is not an arXiv category or archive (cs, cs.LG, hep-th ...)");
    }
}
