using System.Collections;
using System.Net;
using ArxivDigest.Cli.Configuration;
using ArxivDigest.Translation;

namespace ArxivDigest.Cli.Pipeline;

/// <summary>Builds the translator a run uses from the settings: <c>none</c>, or the provider chain behind the service.</summary>
public static class TranslatorFactory
{
    public static HttpClient CreateHttpClient(Settings settings) =>
        new(new SocketsHttpHandler
        {
            AutomaticDecompression = DecompressionMethods.All,
            MaxConnectionsPerServer = settings.TranslationConcurrency,
        })
        { Timeout = Timeout.InfiniteTimeSpan };

    public static ITranslator Create(Settings settings, IDictionary environment, HttpClient http, ITranslationCache cache, TimeProvider time, string targetLanguage)
    {
        if (settings.Translators is ["none"])
        {
            return new NoneTranslator();
        }

        var glossary = Glossary.BuiltIn(targetLanguage);
        if (settings.GlossaryPath is { } path)
        {
            try
            {
                glossary = Glossary.Load(path, glossary);
            }
            catch (FormatException e)
            {
                throw new ConfigurationException("--glossary", e.Message);
            }
        }

        var providers = settings.Translators.Select((name, i) => CreateProvider(name, i == 0, settings, environment, http)).ToList();
        return new TranslationService(
            providers,
            cache,
            glossary,
            new TranslationOptions
            {
                MaxConcurrency = settings.TranslationConcurrency,
                RequestsPerMinute = settings.TranslationRequestsPerMinute,
                TokensPerMinute = settings.TranslationTokensPerMinute,
            },
            time,
            settings.TranslationPrices);
    }

    /// <summary>The TL;DR writer when <c>--tldr</c> is on: the chain's openai provider, same URL, model and key.</summary>
    public static TldrWriter? CreateTldrWriter(Settings settings, IDictionary environment, HttpClient http, ITranslationCache cache) =>
        settings.Tldr
            ? new TldrWriter((ISummarizer)CreateProvider("openai", settings.Translators[0] == "openai", settings, environment, http), cache)
            : null;

    private static ITranslationProvider CreateProvider(string name, bool first, Settings settings, IDictionary environment, HttpClient http)
    {
        var variable = first && settings.TranslatorKeyVariable is { } v ? v : SettingsResolver.KeyVariables.GetValueOrDefault(name);
        var options = new ProviderOptions
        {
            BaseUrl = settings.TranslatorUrls.GetValueOrDefault(name),
            Model = first ? settings.TranslatorModel : null,
            ApiKey = variable is null ? null : environment[variable] as string,
            Region = name == "azure" ? environment["AZURE_TRANSLATOR_REGION"] as string : null,
        };
        return name switch
        {
            "openai" => new OpenAiProvider(http, options),
            "deepl" => new DeepLProvider(http, options),
            "google" => new GoogleWebProvider(http, options),
            "google-cloud" => new GoogleCloudProvider(http, options),
            "azure" => new AzureTranslatorProvider(http, options),
            _ => throw new ConfigurationException("--translator", $"unknown translator '{name}'; valid: {string.Join(", ", SettingsResolver.Translators)}"),
        };
    }
}
