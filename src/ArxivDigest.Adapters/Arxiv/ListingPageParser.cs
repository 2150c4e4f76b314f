using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>
/// Parses arXiv listing pages (<c>/list/&lt;cat&gt;/new</c>, <c>/recent</c>, <c>/pastweek</c>) into <see cref="Announcement"/>s.
/// </summary>
/// <remarks>
/// <para>Three layouts are understood:</para>
/// <list type="bullet">
/// <item>2025/26: <c>&lt;h3&gt;Showing new listings for Wednesday, 12 August 2026&lt;/h3&gt;</c>, then section h3s
/// "New submissions (showing N of M entries)", "Cross submissions (…)", "Replacement submissions (…)".</item>
/// <item>mid-2024: section h3s carry the date: "New submissions for Friday, 9 August 2024 (showing 14 of 14 entries )".</item>
/// <item>pre-2024: "New submissions for Fri, 15 Dec 23", "Cross-lists for …", "Replacements for …", ids inside
/// <c>span.list-identifier</c>, no counts.</item>
/// </list>
/// <para>/recent and /pastweek pages have one h3 per mailing day: "Fri, 22 Nov 2024 (showing 75 of 75 entries )".</para>
/// <para>Each entry's section is decided by document order relative to the headings (one walk over the document), so
/// pages with or without <c>&lt;dl&gt;</c> wrappers parse alike. "(showing N of M entries)" counts are checked: a section
/// must hold exactly N parsed entries, otherwise the page is incomplete and an <see cref="ArxivFormatException"/> is thrown.</para>
/// <para>Browser-saved pages with a MathJax-processed DOM are read back as TeX: the rendered spans are dropped and each
/// <c>&lt;script type="math/tex"&gt;</c> becomes <c>$…$</c> (<c>$$…$$</c> for display mode).</para>
/// </remarks>
public static partial class ListingPageParser
{
    /// <summary>Parses a <c>/list/&lt;cat&gt;/new</c> page.</summary>
    /// <param name="html">The page.</param>
    /// <param name="category">The category or archive the page lists (goes to <see cref="Announcement.Category"/>).</param>
    /// <param name="origin">URL or file, for messages.</param>
    /// <exception cref="ArxivFormatException">Not a listing page, no listing date, entries outside any section, or a
    /// section holding fewer/more entries than its heading promises.</exception>
    public static Announcement ParseNew(string html, string category, string origin)
    {
        ArgumentNullException.ThrowIfNull(html);
        var page = Walk(html, origin);

        if (page.Headings.Any(h => h.Kind == HeadingKind.Day))
        {
            throw new ArxivFormatException(origin,
                $"page has day headings ('{page.Headings.First(h => h.Kind == HeadingKind.Day).Text}'): a /recent or /pastweek page, not /new");
        }

        var listingHeading = page.Headings.FirstOrDefault(h => h.Kind == HeadingKind.Listing);
        var sections = page.Groups.Where(g => g.Heading is { Kind: HeadingKind.Section }).ToList();
        var entryCount = page.Orphans.Count + page.Groups.Sum(g => g.Entries.Count);

        if (page.Orphans.Count > 0)
        {
            throw new ArxivFormatException(origin, sections.Count == 0
                ? $"page has {page.Orphans.Count} entries but no section headings (New/Cross/Replacement submissions)"
                : $"{page.Orphans.Count} entries precede the first section heading");
        }

        DateOnly? date = listingHeading?.Date;
        foreach (var s in sections)
        {
            if (s.Heading.Date is { } d)
            {
                if (date is { } known && known != d)
                {
                    throw new ArxivFormatException(origin,
                        $"section heading '{s.Heading.Text}' is dated {d:yyyy-MM-dd}, the listing {known:yyyy-MM-dd}");
                }

                date = d;
            }
        }

        if (entryCount == 0)
        {
            CheckCounts(sections, origin);
            if (sections.Count > 0 || listingHeading is not null || page.SaysNoUpdates)
            {
                return new Announcement
                {
                    Category = category,
                    ListingDate = date,
                    Kind = AnnouncementKind.Empty,
                    Origin = origin,
                };
            }

            throw NotAListing(page, origin);
        }

        if (date is null)
        {
            throw new ArxivFormatException(origin,
                "no listing date: neither 'Showing new listings for <date>' nor a dated section heading was found");
        }

        CheckCounts(sections, origin);

        var papers = new List<Paper>(entryCount);
        foreach (var s in sections)
        {
            foreach (var e in s.Entries)
            {
                var paper = ParseEntry(e, s.Heading.SectionType, recent: false, date, origin);

                // Today's templates print only "(replaced)"; a replacement whose primary category lies outside the
                // listed one is a cross-listed replacement, which RSS calls replace-cross.
                papers.Add(paper.AnnounceType == AnnounceType.Replace && !Within(paper.PrimaryCategory, category)
                    ? paper with { AnnounceType = AnnounceType.ReplaceCross }
                    : paper);
            }
        }

        return new Announcement
        {
            Category = category,
            ListingDate = date,
            Kind = AnnouncementKind.Papers,
            Papers = papers,
            Origin = origin,
        };
    }

    /// <summary>Whether a primary category belongs to the listed category or archive (<c>cs.AI</c> within <c>cs</c>).</summary>
    private static bool Within(string primary, string listed) =>
        primary.Length == 0
        || primary.Equals(listed, StringComparison.Ordinal)
        || primary.StartsWith(listed + ".", StringComparison.Ordinal);

    /// <summary>
    /// Parses a <c>/list/&lt;cat&gt;/recent</c> or <c>/pastweek</c> page: one <see cref="Announcement"/> per day section,
    /// newest first. Entries marked "(cross-list from X)" are <see cref="AnnounceType.Cross"/>, the others
    /// <see cref="AnnounceType.New"/>. These pages carry no abstracts (<see cref="Paper.Abstract"/> is ""), and
    /// <see cref="Paper.Version"/> is known only from the html link (the page shows each paper's current version).
    /// A page that is recognisably a recent listing but holds no day at all yields an empty list.
    /// </summary>
    /// <exception cref="ArxivFormatException">Not a listing page, entries outside any day heading, or a day/section
    /// holding a different number of entries than its heading promises.</exception>
    public static IReadOnlyList<Announcement> ParseRecent(string html, string category, string origin)
    {
        ArgumentNullException.ThrowIfNull(html);
        var page = Walk(html, origin);

        var entryCount = page.Orphans.Count + page.Groups.Sum(g => g.Entries.Count);
        var days = new List<(Heading Day, List<Group> Groups)>();
        foreach (var g in page.Groups)
        {
            if (g.Heading.Kind == HeadingKind.Day)
            {
                days.Add((g.Heading, [g]));
            }
            else if (days.Count > 0)
            {
                days[^1].Groups.Add(g);
            }
            else if (g.Entries.Count > 0)
            {
                throw new ArxivFormatException(origin,
                    $"entries under '{g.Heading.Text}' before any day heading: not a /recent or /pastweek page (a /new page?)");
            }
        }

        if (page.Orphans.Count > 0)
        {
            throw new ArxivFormatException(origin, days.Count == 0
                ? $"page has {page.Orphans.Count} entries but no day headings ('Fri, 22 Nov 2024 (showing …)')"
                : $"{page.Orphans.Count} entries precede the first day heading");
        }

        if (days.Count == 0)
        {
            if (entryCount == 0 && (page.SaysNoUpdates || page.SaysRecent))
            {
                return [];
            }

            throw NotAListing(page, origin);
        }

        var result = new List<Announcement>(days.Count);
        foreach (var (day, groups) in days)
        {
            var parsed = groups.Sum(g => g.Entries.Count);
            if (day.Shown is { } shown && shown != parsed)
            {
                throw new ArxivFormatException(origin,
                    $"day '{day.Label}' promises {shown} entries (of {day.Total}), parsed {parsed}");
            }

            CheckCounts(groups.Where(g => g.Heading.Kind == HeadingKind.Section), origin);

            var papers = new List<Paper>(parsed);
            foreach (var g in groups)
            {
                var type = g.Heading.Kind == HeadingKind.Section ? g.Heading.SectionType : AnnounceType.New;
                foreach (var e in g.Entries)
                {
                    papers.Add(ParseEntry(e, type, recent: true, day.Date, origin));
                }
            }

            result.Add(new Announcement
            {
                Category = category,
                ListingDate = day.Date,
                Kind = papers.Count == 0 ? AnnouncementKind.Empty : AnnouncementKind.Papers,
                Papers = papers,
                Origin = origin,
            });
        }

        // The page lists newest first; keep that order guaranteed (stable for equal dates).
        return result.OrderByDescending(a => a.ListingDate).ToList();
    }

    private static ArxivFormatException NotAListing(Page page, string origin)
    {
        var what = page.FirstHeadline.Length > 0 ? page.FirstHeadline : page.Title;
        return new ArxivFormatException(origin,
            "not an arXiv listing page: no entries, no listing/section/day headings and no 'No updates today'"
            + (what.Length > 0 ? $" (page says '{Truncate(what, 120)}')" : ""));
    }

    private static void CheckCounts(IEnumerable<Group> sections, string origin)
    {
        foreach (var s in sections)
        {
            var h = s.Heading;
            if (h.Shown is { } shown && shown != s.Entries.Count)
            {
                throw new ArxivFormatException(origin,
                    $"section '{h.Label}' promises {shown} entries (of {h.Total}), parsed {s.Entries.Count}");
            }
        }
    }
}
