using System.Text.RegularExpressions;
using Npgsql;

namespace ArxivDigest.Storage;

/// <summary>
/// Recognises and parses the PostgreSQL forms of <c>--db</c>: a URL (<c>postgres://user:pass@host:port/db?sslmode=…</c>,
/// or <c>postgresql://…</c>) or an Npgsql keyword string (<c>Host=…;Port=…;Database=…</c>). Anything else is a
/// SQLite file path. <see cref="Display"/> names the server without the password, for every message.
/// </summary>
public static partial class PostgresConnectionString
{
    /// <summary>True when <paramref name="db"/> names a PostgreSQL server rather than a SQLite file.</summary>
    public static bool IsPostgres(string db) =>
        db.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || db.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || KeywordHost().IsMatch(db);

    /// <summary>Parses either form into an Npgsql builder.</summary>
    /// <exception cref="StoreException">The string is malformed; the message never contains the password.</exception>
    public static NpgsqlConnectionStringBuilder Parse(string db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Contains("://", StringComparison.Ordinal) ? FromUrl(db) : FromKeywords(db);
    }

    /// <summary>postgresql://user@host:port/database: the server as shown in messages (no password).</summary>
    public static string Display(NpgsqlConnectionStringBuilder builder)
    {
        var user = string.IsNullOrEmpty(builder.Username) ? "" : Uri.EscapeDataString(builder.Username) + "@";
        var host = builder.Host ?? "localhost";
        return $"postgresql://{user}{host}:{builder.Port}/{builder.Database ?? builder.Username ?? ""}";
    }

    /// <summary>Best-effort display of a string that may not parse: the password replaced by ***.</summary>
    public static string Redact(string db)
    {
        try
        {
            return Display(Parse(db));
        }
        catch (StoreException)
        {
            return RedactText(db);
        }
    }

    /// <summary>The string as given, with a URL's or keyword string's password replaced by ***.</summary>
    private static string RedactText(string db) => KeywordPassword().Replace(UrlPassword().Replace(db, "$1***@"), "$1***");

    private static NpgsqlConnectionStringBuilder FromKeywords(string db)
    {
        try
        {
            return new NpgsqlConnectionStringBuilder(db);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            throw new StoreException(RedactText(db), $"invalid PostgreSQL connection string: {Scrub(ex.Message, db)}", ex);
        }
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string db)
    {
        if (!Uri.TryCreate(db, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql") || string.IsNullOrEmpty(uri.Host))
        {
            throw new StoreException(RedactText(db), "invalid PostgreSQL URL; expected postgres://user:password@host:port/database");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.DnsSafeHost };
        if (uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            try
            {
                builder[key.Replace('_', ' ')] = value;
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
            {
                throw new StoreException(Display(builder), $"invalid PostgreSQL URL parameter '{key}': {Scrub(ex.Message, builder.Password)}", ex);
            }
        }

        return builder;
    }

    /// <summary>Removes <paramref name="secret"/> (a password, or a whole connection string) from a message.</summary>
    internal static string Scrub(string message, string? secret)
    {
        var text = SqliteStore.OneLine(message);
        return string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "***", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"(^|;)\s*(host|server)\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex KeywordHost();

    [GeneratedRegex(@"^([a-z]+://[^:/@]*:).*@", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex UrlPassword();

    [GeneratedRegex(@"((?:^|;)\s*(?:password|pwd)\s*=)[^;]*", RegexOptions.IgnoreCase)]
    private static partial Regex KeywordPassword();
}
