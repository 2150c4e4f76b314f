using System.Globalization;
using ArxivDigest.Translation;
using Microsoft.Data.Sqlite;

namespace ArxivDigest.Storage;

/// <summary>The translation cache part of the SQLite store.</summary>
public sealed partial class SqliteStore : ITranslationCache
{
    /// <inheritdoc />
    public async Task<IReadOnlyDictionary<TranslationKey, string>> GetTranslationsAsync(IReadOnlyCollection<TranslationKey> keys, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var found = new Dictionary<TranslationKey, string>();
        try
        {
            using var command = Command(null, """
                SELECT text FROM translations
                WHERE source_hash = $hash AND source_lang = $source AND target_lang = $target
                  AND provider = $provider AND model = $model AND glossary_version = $glossary
                """);
            var p = AddKeyParameters(command);
            command.Prepare();
            foreach (var key in keys.Distinct())
            {
                SetKey(p, key);
                if (await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is string text)
                {
                    found[key] = text;
                }
            }

            return found;
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot read cached translations", ex);
        }
    }

    /// <inheritdoc />
    public async Task SaveTranslationsAsync(IReadOnlyCollection<KeyValuePair<TranslationKey, string>> entries, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (entries.Count == 0)
        {
            return;
        }

        try
        {
            using var transaction = _connection.BeginTransaction();
            using var command = Command(transaction, """
                INSERT INTO translations (source_hash, source_lang, target_lang, provider, model, glossary_version, text, created_at)
                VALUES ($hash, $source, $target, $provider, $model, $glossary, $text, $now)
                ON CONFLICT DO UPDATE SET text = excluded.text
                """);
            var p = AddKeyParameters(command);
            var text = command.Parameters.Add("$text", SqliteType.Text);
            command.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            command.Prepare();
            foreach (var (key, value) in entries)
            {
                SetKey(p, key);
                text.Value = value;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException ex)
        {
            throw Fail("cannot save translations", ex);
        }
    }

    private static SqliteParameter[] AddKeyParameters(SqliteCommand command) =>
        new[] { "$hash", "$source", "$target", "$provider", "$model", "$glossary" }
            .Select(name => command.Parameters.Add(name, SqliteType.Text))
            .ToArray();

    private static void SetKey(SqliteParameter[] p, TranslationKey key)
    {
        p[0].Value = key.SourceHash;
        p[1].Value = key.SourceLanguage;
        p[2].Value = key.TargetLanguage;
        p[3].Value = key.Provider;
        p[4].Value = key.Model;
        p[5].Value = key.GlossaryVersion;
    }
}
