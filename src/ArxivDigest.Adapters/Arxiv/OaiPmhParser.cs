using System.Globalization;
using System.Xml;
using ArxivDigest.Papers;

namespace ArxivDigest.Arxiv;

/// <summary>One OAI-PMH response page.</summary>
/// <param name="Papers">Records with metadata, in page order (empty for ListIdentifiers/Identify/ListSets).</param>
/// <param name="DeletedIds">arXiv ids of headers with <c>status="deleted"</c>.</param>
/// <param name="ResumptionToken">Token for the next page; null when absent or empty (the last page).</param>
/// <param name="CompleteListSize"><c>resumptionToken/@completeListSize</c>.</param>
/// <param name="Cursor"><c>resumptionToken/@cursor</c>.</param>
/// <param name="ResponseDate"><c>responseDate</c>.</param>
public sealed record OaiPage(
    IReadOnlyList<Paper> Papers,
    IReadOnlyList<string> DeletedIds,
    string? ResumptionToken,
    int? CompleteListSize,
    int? Cursor,
    DateTimeOffset? ResponseDate);

/// <summary>
/// Streams arXiv OAI-PMH responses (ListRecords, GetRecord, ListIdentifiers; Identify/ListSets are accepted and yield
/// nothing) with metadataPrefix <c>arXiv</c>, <c>arXivRaw</c> or <c>oai_dc</c>.
/// <list type="bullet">
/// <item><c>arXiv</c>: authors from keyname/forenames/suffix; no version (the format does not state one).</item>
/// <item><c>arXivRaw</c>: Version = highest <c>version/@version</c>; the one-line author string is split on commas and
/// "and" outside parentheses, parenthesised affiliations dropped, TeX kept.</item>
/// <item><c>oai_dc</c>: Dublin Core carries category NAMES ("Computer Science - Machine Learning"), not codes, mixed
/// with MSC/ACM classes ("03D15", "F.2.1"). There is no general way back to codes: names are matched exactly against
/// the current <see cref="Taxonomy"/> ("&lt;archive name&gt; - &lt;category name&gt;"), in the order given (arXiv writes
/// the primary first; the first match becomes <see cref="Paper.PrimaryCategory"/>); names it does not know
/// (renamed/defunct categories) and MSC/ACM classes are dropped. When no name matches, Subjects fall back to the header
/// <c>setSpec</c>s (<c>cs</c> → cs, <c>physics:astro-ph</c> → astro-ph, <c>cs:cs:AI</c> → cs.AI), which name the
/// harvested archive, not the exact category. dc:description starting "Comment:" → Comments, the first other one →
/// Abstract; dc:identifier "doi:…" → Doi, the abs URL → Id, any other → JournalRef. No version.</item>
/// </list>
/// OAI <c>&lt;error&gt;</c> → <see cref="ArxivFormatException"/> except <c>noRecordsMatch</c> (an empty page).
/// </summary>
public static class OaiPmhParser
{
    internal const string OaiNs = "http://www.openarchives.org/OAI/2.0/";
    internal const string ArxivNs = "http://arxiv.org/OAI/arXiv/";
    internal const string ArxivRawNs = "http://arxiv.org/OAI/arXivRaw/";
    internal const string OaiDcNs = "http://www.openarchives.org/OAI/2.0/oai_dc/";
    internal const string DcNs = "http://purl.org/dc/elements/1.1/";

    /// <summary>Parses one response. Throws <see cref="ArxivFormatException"/> for malformed XML, non-OAI documents
    /// (e.g. the HTML 503 throttling page), OAI errors other than noRecordsMatch, and records without a usable id.</summary>
    public static OaiPage Parse(Stream xml, string origin)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return XmlRead.Parse(xml, origin, ReadResponse);
    }

    /// <inheritdoc cref="Parse(Stream, string)"/>
    public static OaiPage Parse(string xml, string origin)
    {
        ArgumentNullException.ThrowIfNull(xml);
        return XmlRead.Parse(xml, origin, ReadResponse);
    }

    private sealed class PageBuilder
    {
        public List<Paper> Papers { get; } = [];

        public List<string> Deleted { get; } = [];

        public List<(string Code, string Text)> Errors { get; } = [];

        public string? Token { get; set; }

        public int? CompleteListSize { get; set; }

        public int? Cursor { get; set; }

        public DateTimeOffset? ResponseDate { get; set; }
    }

    private static OaiPage ReadResponse(XmlReader r, string origin)
    {
        XmlRead.MoveToRoot(r, origin);
        if (r.LocalName != "OAI-PMH" || r.NamespaceURI != OaiNs)
        {
            var what = XmlRead.Describe(r);
            var isHtml = r.LocalName.Equals("html", StringComparison.OrdinalIgnoreCase);
            var text = isHtml ? Text.Normalize(XmlRead.ReadText(r)) : "";
            if (text.Length > 200)
            {
                text = text[..200] + "…";
            }

            throw new ArxivFormatException(origin, isHtml
                ? $"not an OAI-PMH response: HTML page ({text})"
                : $"not an OAI-PMH response: root element is {what}");
        }

        var page = new PageBuilder();
        XmlRead.Children(r, () =>
        {
            if (r.NamespaceURI != OaiNs)
            {
                r.Skip();
                return;
            }

            switch (r.LocalName)
            {
                case "responseDate":
                    var s = XmlRead.ReadText(r).Trim();
                    page.ResponseDate = DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture,
                        DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var d) ? d : null;
                    break;
                case "error":
                    var code = r.GetAttribute("code") ?? "";
                    page.Errors.Add((code, Text.Normalize(XmlRead.ReadText(r))));
                    break;
                case "ListRecords" or "GetRecord" or "ListIdentifiers":
                    XmlRead.Children(r, () => ReadListChild(r, origin, page));
                    break;
                default: // request, Identify, ListSets, ListMetadataFormats
                    r.Skip();
                    break;
            }
        });

        var fatal = page.Errors.FirstOrDefault(e => e.Code != "noRecordsMatch");
        if (fatal.Code is not null)
        {
            throw new ArxivFormatException(origin, $"OAI-PMH error {fatal.Code}: {fatal.Text}");
        }

        return new OaiPage(page.Papers, page.Deleted, page.Token, page.CompleteListSize, page.Cursor, page.ResponseDate);
    }

    private static void ReadListChild(XmlReader r, string origin, PageBuilder page)
    {
        if (r.NamespaceURI != OaiNs)
        {
            r.Skip();
            return;
        }

        switch (r.LocalName)
        {
            case "record":
                ReadRecord(r, origin, page);
                break;
            case "header": // ListIdentifiers
                var header = ReadHeader(r);
                if (header.Deleted && ArxivIds.TryParse(header.Identifier, out var id, out _))
                {
                    page.Deleted.Add(id);
                }

                break;
            case "resumptionToken":
                page.CompleteListSize = XmlRead.ParseInt(r.GetAttribute("completeListSize"));
                page.Cursor = XmlRead.ParseInt(r.GetAttribute("cursor"));
                var token = XmlRead.ReadText(r).Trim();
                page.Token = token.Length == 0 ? null : token;
                break;
            default:
                r.Skip();
                break;
        }
    }

    private sealed record Header(string Identifier, bool Deleted, IReadOnlyList<string> SetSpecs);

    private static Header ReadHeader(XmlReader r)
    {
        var deleted = string.Equals(r.GetAttribute("status"), "deleted", StringComparison.OrdinalIgnoreCase);
        var identifier = "";
        var sets = new List<string>();
        XmlRead.Children(r, () =>
        {
            switch (r.NamespaceURI == OaiNs ? r.LocalName : "")
            {
                case "identifier":
                    identifier = XmlRead.ReadText(r).Trim();
                    break;
                case "setSpec":
                    sets.Add(XmlRead.ReadText(r).Trim());
                    break;
                default:
                    r.Skip();
                    break;
            }
        });
        return new Header(identifier, deleted, sets);
    }

    private static void ReadRecord(XmlReader r, string origin, PageBuilder page)
    {
        Header? header = null;
        Paper? paper = null;
        var sawMetadata = false;
        XmlRead.Children(r, () =>
        {
            switch (r.NamespaceURI == OaiNs ? r.LocalName : "")
            {
                case "header":
                    header = ReadHeader(r);
                    break;
                case "metadata":
                    sawMetadata = true;
                    XmlRead.Children(r, () => paper = ReadMetadata(r, origin, header));
                    break;
                default: // about
                    r.Skip();
                    break;
            }
        });

        var identifier = header?.Identifier ?? "";
        if (header is { Deleted: true })
        {
            if (!ArxivIds.TryParse(identifier, out var deletedId, out _))
            {
                throw new ArxivFormatException(origin, $"deleted record with unrecognised identifier '{identifier}'");
            }

            page.Deleted.Add(deletedId);
            return;
        }

        if (paper is null)
        {
            throw new ArxivFormatException(origin, sawMetadata
                ? $"record '{identifier}' has no supported metadata (expected arXiv, arXivRaw or oai_dc)"
                : $"record '{identifier}' has no metadata");
        }

        page.Papers.Add(paper);
    }

    private static Paper ReadMetadata(XmlReader r, string origin, Header? header) =>
        (r.NamespaceURI, r.LocalName) switch
        {
            (ArxivNs, "arXiv") => ReadArxiv(r, origin, header),
            (ArxivRawNs, "arXivRaw") => ReadArxivRaw(r, origin, header),
            (OaiDcNs, "dc") => ReadOaiDc(r, origin, header),
            _ => throw new ArxivFormatException(origin,
                $"record '{header?.Identifier}': unsupported metadata format {XmlRead.Describe(r)}"),
        };

    private static string ResolveId(string origin, string? metadataId, Header? header, out int? version)
    {
        if (ArxivIds.TryParse(metadataId, out var id, out version))
        {
            return id;
        }

        if (ArxivIds.TryParse(header?.Identifier, out id, out version))
        {
            return id;
        }

        throw new ArxivFormatException(origin,
            $"record without a recognisable arXiv id (metadata id '{metadataId}', header '{header?.Identifier}')");
    }

    private static Paper ReadArxiv(XmlReader r, string origin, Header? header)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var authors = new List<string>();
        XmlRead.Children(r, () =>
        {
            if (r.NamespaceURI != ArxivNs)
            {
                r.Skip();
                return;
            }

            if (r.LocalName == "authors")
            {
                XmlRead.Children(r, () =>
                {
                    if (r.NamespaceURI != ArxivNs || r.LocalName != "author")
                    {
                        r.Skip();
                        return;
                    }

                    string? keyname = null, forenames = null, suffix = null;
                    XmlRead.Children(r, () =>
                    {
                        switch (r.NamespaceURI == ArxivNs ? r.LocalName : "")
                        {
                            case "keyname":
                                keyname = XmlRead.ReadText(r);
                                break;
                            case "forenames":
                                forenames = XmlRead.ReadText(r);
                                break;
                            case "suffix":
                                suffix = XmlRead.ReadText(r);
                                break;
                            default: // affiliation
                                r.Skip();
                                break;
                        }
                    });
                    var name = AuthorNames.Join(forenames, keyname, suffix);
                    if (name.Length > 0)
                    {
                        authors.Add(name);
                    }
                });
                return;
            }

            var key = r.LocalName;
            var value = XmlRead.ReadText(r);
            fields.TryAdd(key, value);
        });

        var id = ResolveId(origin, fields.GetValueOrDefault("id"), header, out _);
        var (primary, subjects) = SubjectList.FromSpaceSeparated(fields.GetValueOrDefault("categories"));
        return new Paper
        {
            Id = id,
            Version = null,
            Title = Text.Normalize(fields.GetValueOrDefault("title")),
            Abstract = Text.Normalize(fields.GetValueOrDefault("abstract")),
            Authors = authors,
            Comments = Text.NormalizeOptional(fields.GetValueOrDefault("comments")),
            JournalRef = Text.NormalizeOptional(fields.GetValueOrDefault("journal-ref")),
            Doi = Text.NormalizeOptional(fields.GetValueOrDefault("doi")),
            PrimaryCategory = primary,
            Subjects = subjects,
            Published = CreatedDate(fields.GetValueOrDefault("created")),
        };
    }

    private static Paper ReadArxivRaw(XmlReader r, string origin, Header? header)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        int? maxVersion = null;
        DateOnly? firstVersionDate = null;
        XmlRead.Children(r, () =>
        {
            if (r.NamespaceURI != ArxivRawNs)
            {
                r.Skip();
                return;
            }

            if (r.LocalName == "version")
            {
                var v = ArxivIds.ParseVersion(r.GetAttribute("version"));
                if (v is not null && (maxVersion is null || v > maxVersion))
                {
                    maxVersion = v;
                }

                string? date = null;
                XmlRead.Children(r, () =>
                {
                    if (r.NamespaceURI == ArxivRawNs && r.LocalName == "date")
                    {
                        date = XmlRead.ReadText(r);
                    }
                    else
                    {
                        r.Skip();
                    }
                });
                if (v == 1)
                {
                    firstVersionDate = VersionDate(date);
                }

                return;
            }

            var key = r.LocalName;
            var value = XmlRead.ReadText(r);
            fields.TryAdd(key, value);
        });

        var id = ResolveId(origin, fields.GetValueOrDefault("id"), header, out var idVersion);
        var (primary, subjects) = SubjectList.FromSpaceSeparated(fields.GetValueOrDefault("categories"));
        return new Paper
        {
            Id = id,
            Version = maxVersion ?? idVersion,
            Published = firstVersionDate,
            Title = Text.Normalize(fields.GetValueOrDefault("title")),
            Abstract = Text.Normalize(fields.GetValueOrDefault("abstract")),
            Authors = AuthorNames.Split(fields.GetValueOrDefault("authors")),
            Comments = Text.NormalizeOptional(fields.GetValueOrDefault("comments")),
            JournalRef = Text.NormalizeOptional(fields.GetValueOrDefault("journal-ref")),
            Doi = Text.NormalizeOptional(fields.GetValueOrDefault("doi")),
            PrimaryCategory = primary,
            Subjects = subjects,
        };
    }

    private static Paper ReadOaiDc(XmlReader r, string origin, Header? header)
    {
        string? title = null, abs = null, comments = null, doi = null, journalRef = null, absUrl = null;
        var authors = new List<string>();
        var subjectCodes = new List<string>();
        XmlRead.Children(r, () =>
        {
            if (r.NamespaceURI != DcNs)
            {
                r.Skip();
                return;
            }

            switch (r.LocalName)
            {
                case "title":
                    var t = XmlRead.ReadText(r); // always consumed: a second <dc:title> must not stall the walk
                    title ??= t;
                    break;
                case "creator":
                    var creator = CreatorName(XmlRead.ReadText(r));
                    if (creator.Length > 0)
                    {
                        authors.Add(creator);
                    }

                    break;
                case "description":
                    var d = Text.Normalize(XmlRead.ReadText(r));
                    if (d.StartsWith("Comment:", StringComparison.Ordinal))
                    {
                        comments ??= d["Comment:".Length..];
                    }
                    else
                    {
                        abs ??= d;
                    }

                    break;
                case "identifier":
                    var ident = Text.Normalize(XmlRead.ReadText(r));
                    if (ident.StartsWith("doi:", StringComparison.OrdinalIgnoreCase))
                    {
                        doi ??= ident[4..];
                    }
                    else if (ident.Contains("arxiv.org/abs/", StringComparison.OrdinalIgnoreCase))
                    {
                        absUrl ??= ident;
                    }
                    else if (!ident.StartsWith("http", StringComparison.OrdinalIgnoreCase))
                    {
                        journalRef ??= ident;
                    }

                    break;
                case "subject":
                    if (CodeOfSubjectName(Text.Normalize(XmlRead.ReadText(r))) is { } code)
                    {
                        subjectCodes.Add(code);
                    }

                    break;
                default: // date, type, ...
                    r.Skip();
                    break;
            }
        });

        var id = ResolveId(origin, absUrl, header, out var version);
        var (primary, subjects) = subjectCodes.Count > 0
            ? SubjectList.Build(null, subjectCodes)
            : SubjectList.Build(null, (header?.SetSpecs ?? []).Select(SetSpecToCode));
        return new Paper
        {
            Id = id,
            Version = version,
            Title = Text.Normalize(title),
            Abstract = abs ?? "",
            Authors = authors,
            Comments = Text.NormalizeOptional(comments),
            JournalRef = Text.NormalizeOptional(journalRef),
            Doi = Text.NormalizeOptional(doi),
            PrimaryCategory = primary,
            Subjects = subjects,
        };
    }

    /// <summary>"Keyname, Forenames" → "Forenames Keyname"; "Keyname, Forenames, Jr" → "Forenames Keyname Jr".</summary>
    internal static string CreatorName(string raw)
    {
        var parts = Text.Normalize(raw).Split(',', StringSplitOptions.TrimEntries);
        return parts.Length switch
        {
            1 => parts[0],
            2 => AuthorNames.Join(parts[1], parts[0], null),
            _ => AuthorNames.Join(parts[1], parts[0], string.Join(", ", parts[2..])),
        };
    }

    /// <summary>
    /// dc:subject as arXiv writes it ("Computer Science - Machine Learning", "Quantum Physics", "Astrophysics") →
    /// code, by exact match against <see cref="Taxonomy"/> names ("&lt;archive name&gt; - &lt;category name&gt;" for
    /// dotted codes, the bare name for archives and single-category archives). Null for MSC/ACM classes and for names
    /// the taxonomy does not know (renamed or defunct categories).
    /// </summary>
    internal static string? CodeOfSubjectName(string name) => SubjectNames.Value.GetValueOrDefault(name);

    private static readonly Lazy<Dictionary<string, string>> SubjectNames = new(() =>
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var code in Taxonomy.Archives.Concat(Taxonomy.Categories))
        {
            var name = Taxonomy.NameOf(code);
            if (name is null)
            {
                continue;
            }

            var dot = code.IndexOf('.', StringComparison.Ordinal);
            var key = dot < 0 ? name : $"{Taxonomy.NameOf(code[..dot])} - {name}";
            map.TryAdd(key, code);
        }

        return map;
    });

    /// <summary>arXiv format <c>created</c> (<c>2014-12-29</c>, the first version's date); null when absent or unreadable.</summary>
    private static DateOnly? CreatedDate(string? text) =>
        DateOnly.TryParseExact(text?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;

    /// <summary>arXivRaw <c>version/date</c> (RFC 1123, <c>Sun, 30 Mar 2008 23:26:50 GMT</c>) as a UTC date.</summary>
    private static DateOnly? VersionDate(string? text) =>
        DateTimeOffset.TryParse(text?.Trim(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? DateOnly.FromDateTime(at.UtcDateTime)
            : null;

    /// <summary>OAI set → category code: <c>cs</c> → cs, <c>physics:astro-ph</c> → astro-ph, <c>cs:cs:AI</c> → cs.AI.</summary>
    internal static string SetSpecToCode(string setSpec)
    {
        var parts = setSpec.Split(':');
        return parts.Length switch
        {
            1 => parts[0],
            2 => parts[1],
            _ => $"{parts[1]}.{parts[2]}",
        };
    }
}
