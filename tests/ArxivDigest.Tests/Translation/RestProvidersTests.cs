using System.Text;
using System.Text.Json.Nodes;
using ArxivDigest.Tests.Support;
using ArxivDigest.Translation;

namespace ArxivDigest.Tests.Translation;

public sealed class RestProvidersTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private FakeTranslationApis api = null!;

    public async Task InitializeAsync() => api = await FakeTranslationApis.StartAsync();

    public async Task DisposeAsync() => await api.DisposeAsync();

    private static readonly ProviderText[] Three =
    [
        new("a/title", "Diffusion ⟦0⟧ policies for robots."),
        new("b/title", "Scaling laws? Maybe ⟦1⟧ not!"),
        new("c/abstract", "We propose ⟦2⟧ a method; see ⟦3⟧."),
    ];

    private ITranslationProvider Create(string name, TimeSpan? timeout = null, string? key = null, string? region = null)
    {
        var options = new ProviderOptions
        {
            BaseUrl = api.BaseUri,
            ApiKey = key ?? name switch
            {
                "deepl" => api.DeepLKey,
                "google-cloud" => api.GoogleKey,
                "azure" => api.AzureKey,
                _ => null,
            },
            Region = region,
            Timeout = timeout ?? TimeSpan.FromSeconds(10),
        };
        return name switch
        {
            "deepl" => new DeepLProvider(Http, options),
            "google" => new GoogleWebProvider(Http, options),
            "google-cloud" => new GoogleCloudProvider(Http, options),
            "azure" => new AzureTranslatorProvider(Http, options),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    private static string PathOf(string name) => name switch
    {
        "deepl" => FakeTranslationApis.DeepLTranslatePath,
        "google" => FakeTranslationApis.GoogleWebPath,
        "google-cloud" => FakeTranslationApis.GoogleCloudPath,
        "azure" => FakeTranslationApis.AzurePath,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static string KeyOf(string name, FakeTranslationApis api) => name switch
    {
        "deepl" => api.DeepLKey,
        "google-cloud" => api.GoogleKey,
        "azure" => api.AzureKey,
        _ => "no-key",
    };

    private static Task<IReadOnlyDictionary<string, string>> Run(ITranslationProvider p, IReadOnlyList<ProviderText> texts, Glossary? glossary = null) =>
        p.TranslateAsync(texts, "en", "zh", glossary ?? Glossary.Empty, CancellationToken.None);

    private static void AssertTranslatedByPosition(IReadOnlyList<ProviderText> texts, IReadOnlyDictionary<string, string> result)
    {
        Assert.Equal(texts.Count, result.Count);
        foreach (var t in texts)
        {
            Assert.Equal(FakeTranslationApis.Prefix + t.Text, result[t.Id]);
        }
    }

    // ---------- names, models, limits ----------

    [Fact]
    public void Names_models_and_limits()
    {
        var deepl = Create("deepl");
        Assert.Equal(("deepl", ""), (deepl.Name, deepl.Model));
        Assert.Equal(new BatchLimits(50, 120_000), deepl.Limits);
        var web = Create("google");
        Assert.Equal(("google", "gtx"), (web.Name, web.Model));
        Assert.Equal(1, web.Limits.MaxTexts);
        var cloud = Create("google-cloud");
        Assert.Equal(("google-cloud", "v2"), (cloud.Name, cloud.Model));
        Assert.Equal(new BatchLimits(128, 30_000), cloud.Limits);
        var azure = Create("azure");
        Assert.Equal(("azure", "v3"), (azure.Name, azure.Model));
        Assert.Equal(new BatchLimits(100, 50_000), azure.Limits);
        Assert.Equal(7, new DeepLProvider(Http, new ProviderOptions { MaxBatchTexts = 7 }).Limits.MaxTexts);
        Assert.Equal(9, new AzureTranslatorProvider(Http, new ProviderOptions { MaxBatchTexts = 9 }).Limits.MaxTexts);
    }

    // ---------- DeepL ----------

    [Fact]
    public void DeepL_host_follows_key_suffix()
    {
        Assert.Equal("https://api-free.deepl.com", DeepLProvider.BaseUrlFor("0f3c1a2b-aaaa-bbbb-cccc-1234567890ab:fx"));
        Assert.Equal("https://api.deepl.com", DeepLProvider.BaseUrlFor("0f3c1a2b-aaaa-bbbb-cccc-1234567890ab"));
        Assert.Equal("https://api.deepl.com", DeepLProvider.BaseUrlFor(null));
        Assert.Equal("https://api.deepl.com", DeepLProvider.BaseUrlFor("fx-but-not-suffix"));
        Assert.Equal("http://127.0.0.1:5000", DeepLProvider.BaseUrlFor("k:fx", new Uri("http://127.0.0.1:5000/")));
    }

    [Fact]
    public async Task DeepL_request_shape_auth_and_mapping_by_position()
    {
        var result = await Run(Create("deepl"), Three);

        AssertTranslatedByPosition(Three, result);
        var request = Assert.Single(api.RequestsTo(FakeTranslationApis.DeepLTranslatePath));
        Assert.Equal("POST", request.Method);
        Assert.Equal($"DeepL-Auth-Key {api.DeepLKey}", request.Headers["Authorization"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(Three.Select(t => t.Text), body["text"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("EN", body["source_lang"]!.GetValue<string>());
        Assert.Equal("ZH-HANS", body["target_lang"]!.GetValue<string>());
        Assert.Null(body["glossary_id"]);
        Assert.Equal(0, api.DeepLGlossaryCount);
    }

    [Fact]
    public async Task DeepL_glossary_is_created_once_and_its_id_sent()
    {
        var glossary = Glossary.BuiltIn("zh");
        var provider = Create("deepl");
        ProviderText[] first = [new("1", "Each token matters."), new("2", "A diffusion policy ⟦0⟧.")];
        ProviderText[] second = [new("3", "Reinforcement learning with reward shaping.")];
        ProviderText[] unrelated = [new("4", "Nothing relevant here ⟦0⟧.")];

        var r1 = await Run(provider, first, glossary);
        var r2 = await Run(provider, second, glossary);
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Run(provider, second, glossary)));
        var r3 = await Run(provider, unrelated, glossary);

        Assert.Equal(1, api.DeepLGlossaryCount);
        var (id, entries) = Assert.Single(api.Glossaries);
        Assert.Contains(("token", "词元"), entries);
        Assert.Equal(glossary.Entries.Count, entries.Count);
        var created = JsonNode.Parse(Assert.Single(api.RequestsTo(FakeTranslationApis.DeepLGlossariesPath)).Body)!;
        Assert.Equal("en", created["source_lang"]!.GetValue<string>());
        Assert.Equal("zh", created["target_lang"]!.GetValue<string>());
        Assert.Equal("tsv", created["entries_format"]!.GetValue<string>());

        var ids = api.RequestsTo(FakeTranslationApis.DeepLTranslatePath).Select(r => JsonNode.Parse(r.Body)!["glossary_id"]?.GetValue<string>()).ToList();
        Assert.Equal(new string?[] { id, id, id, id, id, id, null }, ids);
        Assert.Contains("词元", r1["1"]);
        Assert.Contains("扩散策略", r1["2"]);
        Assert.Contains("⟦0⟧", r1["2"]);
        Assert.Contains("强化学习", r2["3"]);
        Assert.Equal(FakeTranslationApis.Prefix + unrelated[0].Text, r3["4"]);

        // A new glossary version is uploaded anew.
        var path = Path.Combine(Path.GetTempPath(), $"glossary-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, "token = 标记\n");
        try
        {
            await Run(provider, first, Glossary.Load(path, glossary));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal(2, api.DeepLGlossaryCount);
    }

    [Fact]
    public async Task DeepL_rejected_glossary_falls_back_to_no_glossary()
    {
        api.AddFault(FakeTranslationApis.DeepLGlossariesPath, ApiFault.Http(400, message: "Unsupported glossary language pair"));
        var provider = Create("deepl");
        var glossary = Glossary.BuiltIn("zh");
        ProviderText[] texts = [new("1", "Each token matters.")];

        var r = await Run(provider, texts, glossary);
        await Run(provider, texts, glossary);

        Assert.Equal(FakeTranslationApis.Prefix + texts[0].Text, r["1"]);
        Assert.Equal(1, api.DeepLGlossaryCount);
        Assert.All(api.RequestsTo(FakeTranslationApis.DeepLTranslatePath), q => Assert.Null(JsonNode.Parse(q.Body)!["glossary_id"]));
    }

    [Fact]
    public async Task DeepL_quota_and_authorization_are_not_transient()
    {
        api.AddFault(FakeTranslationApis.DeepLTranslatePath, ApiFault.QuotaExceeded());
        var quota = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create("deepl"), Three));
        Assert.False(quota.Transient);
        Assert.Contains("quota exceeded", quota.Message, StringComparison.Ordinal);

        var wrong = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create("deepl", key: "secret-wrong-key:fx"), Three));
        Assert.False(wrong.Transient);
        Assert.Contains("authorization failed", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("Wrong auth key", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-wrong-key", wrong.ToString(), StringComparison.Ordinal);
    }

    // ---------- Google web ----------

    [Fact]
    public async Task GoogleWeb_request_shape_and_concatenation()
    {
        var provider = Create("google");
        var result = await Run(provider, Three);

        AssertTranslatedByPosition(Three, result);
        var requests = api.RequestsTo(FakeTranslationApis.GoogleWebPath);
        Assert.Equal(3, requests.Count);
        Assert.All(requests, r =>
        {
            Assert.Equal("GET", r.Method);
            Assert.Equal("gtx", r.Query["client"]);
            Assert.Equal("en", r.Query["sl"]);
            Assert.Equal("zh-CN", r.Query["tl"]);
            Assert.Equal("t", r.Query["dt"]);
        });
        Assert.Equal(Three.Select(t => t.Text), requests.Select(r => r.Query["q"]));
    }

    [Fact]
    public async Task GoogleWeb_splits_a_long_text_on_sentences_and_rejoins_it()
    {
        var sb = new StringBuilder();
        for (var i = 0; sb.Length < 10_000; i++)
        {
            sb.Append($"Sentence {i} studies ⟦{i}⟧ diffusion policies in detail, with care and rigor. ");
        }

        var text = sb.ToString().TrimEnd();
        var result = await Run(Create("google"), [new("long", text)]);

        var requests = api.RequestsTo(FakeTranslationApis.GoogleWebPath);
        Assert.True(requests.Count >= 3, $"{requests.Count} requests");
        Assert.All(requests, r =>
        {
            var q = r.Query["q"];
            Assert.True(q.Length <= GoogleWebProvider.MaxChunkChars, $"{q.Length} chars");
            Assert.Equal(q.Count(c => c == '⟦'), q.Count(c => c == '⟧'));
            Assert.EndsWith(".", q.TrimEnd(), StringComparison.Ordinal);
        });
        Assert.Equal(text, string.Concat(requests.Select(r => r.Query["q"])).TrimEnd());

        var translated = result["long"];
        Assert.Equal(text.Replace(" ", "", StringComparison.Ordinal), translated.Replace(FakeTranslationApis.Prefix, "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal));
        var placeholders = System.Text.RegularExpressions.Regex.Matches(translated, "⟦(\\d+)⟧").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(0, placeholders.Count), placeholders);
        Assert.Equal(text.Count(c => c == '⟦'), placeholders.Count);
    }

    [Fact]
    public void GoogleWeb_split_never_cuts_a_placeholder()
    {
        // No sentence end and no whitespace: a hard cut, moved before the placeholder.
        var text = new string('x', 8) + "⟦12⟧" + new string('y', 8);
        var pieces = GoogleWebProvider.Split(text, 10);
        Assert.Equal(text, string.Concat(pieces));
        Assert.All(pieces, p => Assert.True(p.Length <= 10));
        Assert.Contains(pieces, p => p.Contains("⟦12⟧", StringComparison.Ordinal));

        // Whitespace inside no placeholder is preferred over a hard cut.
        var spaced = "aaaa bbbb cccc dddd";
        Assert.Equal(new[] { "aaaa bbbb ", "cccc dddd" }, GoogleWebProvider.Split(spaced, 12));

        // Short texts are one piece.
        Assert.Equal(new[] { "short" }, GoogleWebProvider.Split("short", 4500));
        Assert.Equal(new[] { "" }, GoogleWebProvider.Split("", 4500));
    }

    [Fact]
    public void GoogleWeb_parse_concatenates_sentences()
    {
        var json = JsonNode.Parse("""[[["第一句。","First.",null,null,10],["第二句。","Second.",null,null,10]],null,"en"]""")!;
        Assert.Equal("第一句。第二句。", GoogleWebProvider.Parse(json, "google"));
        Assert.Throws<TranslationProviderException>(() => GoogleWebProvider.Parse(JsonNode.Parse("""{"a":1}""")!, "google"));
    }

    // ---------- Google Cloud ----------

    [Fact]
    public async Task GoogleCloud_request_shape_key_and_mapping_by_position()
    {
        var result = await Run(Create("google-cloud"), Three);

        AssertTranslatedByPosition(Three, result);
        var request = Assert.Single(api.RequestsTo(FakeTranslationApis.GoogleCloudPath));
        Assert.Equal("POST", request.Method);
        Assert.Equal(api.GoogleKey, request.Query["key"]);
        var body = JsonNode.Parse(request.Body)!;
        Assert.Equal(Three.Select(t => t.Text), body["q"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("en", body["source"]!.GetValue<string>());
        Assert.Equal("zh-CN", body["target"]!.GetValue<string>());
        Assert.Equal("text", body["format"]!.GetValue<string>());
    }

    [Fact]
    public async Task GoogleCloud_bad_key_is_not_transient_and_the_key_never_shows()
    {
        const string key = "AIzaSy-super/secret+key";
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create("google-cloud", key: key), Three));
        Assert.False(e.Transient);
        Assert.Contains("API key not valid", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(key, e.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(key), e.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Redact_removes_plain_and_escaped_keys()
    {
        const string key = "a/b+c";
        var message = $"GET https://x/?key={Uri.EscapeDataString(key)} failed for {key}";
        Assert.Equal("GET https://x/?key=*** failed for ***", ProviderHttp.Redact(message, key));
    }

    // ---------- Azure ----------

    [Fact]
    public async Task Azure_request_shape_headers_and_mapping_by_position()
    {
        api.AzureRegion = "westeurope";
        var result = await Run(Create("azure", region: "westeurope"), Three);

        AssertTranslatedByPosition(Three, result);
        var request = Assert.Single(api.RequestsTo(FakeTranslationApis.AzurePath));
        Assert.Equal("POST", request.Method);
        Assert.Equal(api.AzureKey, request.Headers["Ocp-Apim-Subscription-Key"]);
        Assert.Equal("westeurope", request.Headers["Ocp-Apim-Subscription-Region"]);
        Assert.Equal("3.0", request.Query["api-version"]);
        Assert.Equal("en", request.Query["from"]);
        Assert.Equal("zh-Hans", request.Query["to"]);
        var body = JsonNode.Parse(request.Body)!.AsArray();
        Assert.Equal(Three.Select(t => t.Text), body.Select(n => n!["Text"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Azure_missing_region_is_an_authorization_failure_with_the_api_code()
    {
        api.AzureRegion = "westeurope";
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create("azure"), Three));
        Assert.False(e.Transient);
        Assert.Contains("authorization failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("401001: The request is not authorized", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(api.AzureKey, e.ToString(), StringComparison.Ordinal);
    }

    // ---------- shared error mapping ----------

    public static TheoryData<string> All => new() { "deepl", "google", "google-cloud", "azure" };

    public static TheoryData<string> Batched => new() { "deepl", "google-cloud", "azure" };

    [Theory]
    [MemberData(nameof(All))]
    public async Task Rate_limit_is_transient_with_retry_after_seconds(string name)
    {
        api.AddFault(PathOf(name), ApiFault.RateLimited("7"));
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name), Three));
        Assert.True(e.Transient);
        Assert.Equal(TimeSpan.FromSeconds(7), e.RetryAfter);
        Assert.Equal(name, e.Provider);
        Assert.Contains("429", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Retry_after_as_http_date_is_parsed(string name)
    {
        var at = DateTimeOffset.UtcNow.AddSeconds(120);
        api.AddFault(PathOf(name), ApiFault.Http(503, at.ToString("R", System.Globalization.CultureInfo.InvariantCulture), message: "Service unavailable"));
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name), Three));
        Assert.True(e.Transient);
        Assert.NotNull(e.RetryAfter);
        Assert.InRange(e.RetryAfter!.Value.TotalSeconds, 100, 121);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Server_error_is_transient(string name)
    {
        api.AddFault(PathOf(name), ApiFault.ServerError());
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name), Three));
        Assert.True(e.Transient);
        Assert.Null(e.RetryAfter);
        Assert.Contains("500", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Forbidden_is_not_transient_carries_the_api_message_and_never_the_key(string name)
    {
        api.AddFault(PathOf(name), ApiFault.Forbidden("Scripted denial for this account"));
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name), Three));
        Assert.False(e.Transient);
        Assert.Contains("authorization failed", e.Message, StringComparison.Ordinal);
        if (name != "google")
        {
            Assert.Contains("Scripted denial for this account", e.Message, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(KeyOf(name, api), e.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Other_client_errors_are_not_transient_with_the_api_message(string name)
    {
        api.AddFault(PathOf(name), ApiFault.Http(400, message: "Value for 'target_lang' not supported"));
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name), Three));
        Assert.False(e.Transient);
        Assert.Contains("400", e.Message, StringComparison.Ordinal);
        if (name != "google")
        {
            Assert.Contains("Value for 'target_lang' not supported", e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Malformed_json_is_transient(string name)
    {
        api.AddFault(PathOf(name), ApiFault.Malformed());
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name), Three));
        Assert.True(e.Transient);
        Assert.Contains("malformed", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Batched))]
    public async Task Wrong_translation_count_is_transient(string name)
    {
        api.AddFault(PathOf(name), ApiFault.WrongCount());
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name), Three));
        Assert.True(e.Transient);
        Assert.Contains("got 2 translations", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Stall_past_the_timeout_is_transient(string name)
    {
        api.AddFault(PathOf(name), ApiFault.Stalled());
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name, TimeSpan.FromMilliseconds(300)), Three));
        Assert.True(e.Transient);
        Assert.Contains("no response within", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Caller_cancellation_is_not_a_provider_failure(string name)
    {
        api.AddFault(PathOf(name), ApiFault.Stalled());
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Create(name).TranslateAsync(Three, "en", "zh", Glossary.Empty, cts.Token));
    }

    [Theory]
    [MemberData(nameof(All))]
    public async Task Connection_failure_is_transient(string name)
    {
        api.Down = true;
        var e = await Assert.ThrowsAsync<TranslationProviderException>(() => Run(Create(name), Three));
        Assert.True(e.Transient);
        Assert.Contains("request failed", e.Message, StringComparison.Ordinal);
        Assert.True(api.Count(PathOf(name)) >= 1);
    }

    [Fact]
    public void Api_messages_are_extracted_from_each_shape()
    {
        Assert.Equal("Quota exceeded", ProviderHttp.ApiMessage("""{"message":"Quota exceeded"}""", null));
        Assert.Equal("API key not valid.", ProviderHttp.ApiMessage("""{"error":{"code":400,"message":"API key not valid.","status":"INVALID_ARGUMENT"}}""", null));
        Assert.Equal("400036: The target language is not valid.", ProviderHttp.ApiMessage("""{"error":{"code":400036,"message":"The target language is not valid."}}""", null));
        Assert.Null(ProviderHttp.ApiMessage("<html>Too many requests</html>", null));
        Assert.Null(ProviderHttp.ApiMessage("", null));
        Assert.Equal("bad key *** used", ProviderHttp.ApiMessage("""{"message":"bad key k123 used"}""", "k123"));
    }
}
