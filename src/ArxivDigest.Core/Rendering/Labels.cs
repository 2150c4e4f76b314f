using ArxivDigest.Digests;
using ArxivDigest.Schedule;

namespace ArxivDigest.Rendering;

/// <summary>The fixed words of a digest in the target language (Chinese is the reference digest's).</summary>
public sealed record Labels(
    string Generated,
    string Announced,
    Func<int, string> Count,
    string TranslatedAbstract,
    string NotTranslated,
    string TranslationPending)
{
    public static readonly Labels Chinese = new(
        "生成时间",
        "Arxiv 发布时间",
        n => $"今天共有 {n} 篇相关文章",
        "中文摘要",
        "[未翻译: 未配置翻译服务 (--translator none)]",
        "[翻译待完成: 翻译失败, 下次运行时补译]");

    public static readonly Labels English = new(
        "Generated",
        "arXiv announced",
        n => $"{n} matching papers today",
        "Translated abstract",
        "[not translated: no translator configured (--translator none)]",
        "[translation pending: it failed and will be retried on the next run]");

    public static Labels For(string language) =>
        language.StartsWith("zh", StringComparison.OrdinalIgnoreCase) ? Chinese : English;

    /// <summary>The reference header line: generation time and the announcement in ET and in the display zone.</summary>
    public string Header(Digest d)
    {
        var zone = d.DisplayZone;
        var genLabel = DisplayTime.OffsetLabel(zone.GetUtcOffset(d.GeneratedAt));
        var annLabel = DisplayTime.OffsetLabel(zone.GetUtcOffset(d.AnnouncedAt));
        return $"{Generated}: {DisplayTime.Format(d.GeneratedAt, zone, seconds: true)} ({genLabel}); "
               + $"{Announced}: {DisplayTime.Format(d.AnnouncedAt, ArxivSchedule.NewYork)} {ArxivSchedule.NewYorkAbbreviation(d.AnnouncedAt)} "
               + $"({DisplayTime.Format(d.AnnouncedAt, zone)} {annLabel})";
    }

    /// <summary>The translation, or a visible marker saying why there is none.</summary>
    public string Translation(TranslatedText t) => t.State switch
    {
        TranslationState.Done => t.Text ?? "",
        TranslationState.Pending => TranslationPending,
        _ => NotTranslated,
    };
}
