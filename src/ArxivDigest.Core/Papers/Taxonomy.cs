using System.Collections.Frozen;

namespace ArxivDigest.Papers;

/// <summary>
/// The arXiv category taxonomy: every active category with the name arXiv prints on listing pages
/// (<c>Artificial Intelligence (cs.AI)</c>), the archives usable as a listing/RSS category (<c>cs</c>, <c>hep-th</c>,
/// ...), and the defunct pre-2000 archives that still appear as categories on old papers.
/// Source: arXiv's own taxonomy definitions (arxiv-base <c>arxiv/taxonomy/definitions.py</c>, the same table that
/// renders https://arxiv.org/category_taxonomy and the "Subjects:" lines of listing pages).
/// Codes are matched ordinally (case-sensitive), as arXiv does: <c>cs.AI</c> is known, <c>cs.ai</c> is not.
/// </summary>
public static class Taxonomy
{
    /// <summary>Archives that arXiv accepts as a listing / RSS category (rss.arxiv.org/rss/&lt;archive&gt;).</summary>
    private static readonly (string Code, string Name)[] ArchiveTable =
    [
        ("astro-ph", "Astrophysics"),
        ("cond-mat", "Condensed Matter"),
        ("cs", "Computer Science"),
        ("econ", "Economics"),
        ("eess", "Electrical Engineering and Systems Science"),
        ("gr-qc", "General Relativity and Quantum Cosmology"),
        ("hep-ex", "High Energy Physics - Experiment"),
        ("hep-lat", "High Energy Physics - Lattice"),
        ("hep-ph", "High Energy Physics - Phenomenology"),
        ("hep-th", "High Energy Physics - Theory"),
        ("math", "Mathematics"),
        ("math-ph", "Mathematical Physics"),
        ("nlin", "Nonlinear Sciences"),
        ("nucl-ex", "Nuclear Experiment"),
        ("nucl-th", "Nuclear Theory"),
        ("physics", "Physics"),
        ("q-bio", "Quantitative Biology"),
        ("q-fin", "Quantitative Finance"),
        ("quant-ph", "Quantum Physics"),
        ("stat", "Statistics"),
    ];

    /// <summary>Active categories. Single-category archives (gr-qc, hep-*, math-ph, nucl-*, quant-ph) are both.</summary>
    private static readonly (string Code, string Name)[] CategoryTable =
    [
        // Astrophysics
        ("astro-ph.CO", "Cosmology and Nongalactic Astrophysics"),
        ("astro-ph.EP", "Earth and Planetary Astrophysics"),
        ("astro-ph.GA", "Astrophysics of Galaxies"),
        ("astro-ph.HE", "High Energy Astrophysical Phenomena"),
        ("astro-ph.IM", "Instrumentation and Methods for Astrophysics"),
        ("astro-ph.SR", "Solar and Stellar Astrophysics"),

        // Condensed Matter
        ("cond-mat.dis-nn", "Disordered Systems and Neural Networks"),
        ("cond-mat.mes-hall", "Mesoscale and Nanoscale Physics"),
        ("cond-mat.mtrl-sci", "Materials Science"),
        ("cond-mat.other", "Other Condensed Matter"),
        ("cond-mat.quant-gas", "Quantum Gases"),
        ("cond-mat.soft", "Soft Condensed Matter"),
        ("cond-mat.stat-mech", "Statistical Mechanics"),
        ("cond-mat.str-el", "Strongly Correlated Electrons"),
        ("cond-mat.supr-con", "Superconductivity"),

        // Computer Science
        ("cs.AI", "Artificial Intelligence"),
        ("cs.AR", "Hardware Architecture"),
        ("cs.CC", "Computational Complexity"),
        ("cs.CE", "Computational Engineering, Finance, and Science"),
        ("cs.CG", "Computational Geometry"),
        ("cs.CL", "Computation and Language"),
        ("cs.CR", "Cryptography and Security"),
        ("cs.CV", "Computer Vision and Pattern Recognition"),
        ("cs.CY", "Computers and Society"),
        ("cs.DB", "Databases"),
        ("cs.DC", "Distributed, Parallel, and Cluster Computing"),
        ("cs.DL", "Digital Libraries"),
        ("cs.DM", "Discrete Mathematics"),
        ("cs.DS", "Data Structures and Algorithms"),
        ("cs.ET", "Emerging Technologies"),
        ("cs.FL", "Formal Languages and Automata Theory"),
        ("cs.GL", "General Literature"),
        ("cs.GR", "Graphics"),
        ("cs.GT", "Computer Science and Game Theory"),
        ("cs.HC", "Human-Computer Interaction"),
        ("cs.IR", "Information Retrieval"),
        ("cs.IT", "Information Theory"),
        ("cs.LG", "Machine Learning"),
        ("cs.LO", "Logic in Computer Science"),
        ("cs.MA", "Multiagent Systems"),
        ("cs.MM", "Multimedia"),
        ("cs.MS", "Mathematical Software"),
        ("cs.NA", "Numerical Analysis"),
        ("cs.NE", "Neural and Evolutionary Computing"),
        ("cs.NI", "Networking and Internet Architecture"),
        ("cs.OH", "Other Computer Science"),
        ("cs.OS", "Operating Systems"),
        ("cs.PF", "Performance"),
        ("cs.PL", "Programming Languages"),
        ("cs.RO", "Robotics"),
        ("cs.SC", "Symbolic Computation"),
        ("cs.SD", "Sound"),
        ("cs.SE", "Software Engineering"),
        ("cs.SI", "Social and Information Networks"),
        ("cs.SY", "Systems and Control"),

        // Economics
        ("econ.EM", "Econometrics"),
        ("econ.GN", "General Economics"),
        ("econ.TH", "Theoretical Economics"),

        // Electrical Engineering and Systems Science
        ("eess.AS", "Audio and Speech Processing"),
        ("eess.IV", "Image and Video Processing"),
        ("eess.SP", "Signal Processing"),
        ("eess.SY", "Systems and Control"),

        // Physics archives that are a single category
        ("gr-qc", "General Relativity and Quantum Cosmology"),
        ("hep-ex", "High Energy Physics - Experiment"),
        ("hep-lat", "High Energy Physics - Lattice"),
        ("hep-ph", "High Energy Physics - Phenomenology"),
        ("hep-th", "High Energy Physics - Theory"),
        ("math-ph", "Mathematical Physics"),
        ("nucl-ex", "Nuclear Experiment"),
        ("nucl-th", "Nuclear Theory"),
        ("quant-ph", "Quantum Physics"),

        // Mathematics
        ("math.AC", "Commutative Algebra"),
        ("math.AG", "Algebraic Geometry"),
        ("math.AP", "Analysis of PDEs"),
        ("math.AT", "Algebraic Topology"),
        ("math.CA", "Classical Analysis and ODEs"),
        ("math.CO", "Combinatorics"),
        ("math.CT", "Category Theory"),
        ("math.CV", "Complex Variables"),
        ("math.DG", "Differential Geometry"),
        ("math.DS", "Dynamical Systems"),
        ("math.FA", "Functional Analysis"),
        ("math.GM", "General Mathematics"),
        ("math.GN", "General Topology"),
        ("math.GR", "Group Theory"),
        ("math.GT", "Geometric Topology"),
        ("math.HO", "History and Overview"),
        ("math.IT", "Information Theory"),
        ("math.KT", "K-Theory and Homology"),
        ("math.LO", "Logic"),
        ("math.MG", "Metric Geometry"),
        ("math.MP", "Mathematical Physics"),
        ("math.NA", "Numerical Analysis"),
        ("math.NT", "Number Theory"),
        ("math.OA", "Operator Algebras"),
        ("math.OC", "Optimization and Control"),
        ("math.PR", "Probability"),
        ("math.QA", "Quantum Algebra"),
        ("math.RA", "Rings and Algebras"),
        ("math.RT", "Representation Theory"),
        ("math.SG", "Symplectic Geometry"),
        ("math.SP", "Spectral Theory"),
        ("math.ST", "Statistics Theory"),

        // Nonlinear Sciences
        ("nlin.AO", "Adaptation and Self-Organizing Systems"),
        ("nlin.CD", "Chaotic Dynamics"),
        ("nlin.CG", "Cellular Automata and Lattice Gases"),
        ("nlin.PS", "Pattern Formation and Solitons"),
        ("nlin.SI", "Exactly Solvable and Integrable Systems"),

        // Physics
        ("physics.acc-ph", "Accelerator Physics"),
        ("physics.ao-ph", "Atmospheric and Oceanic Physics"),
        ("physics.app-ph", "Applied Physics"),
        ("physics.atm-clus", "Atomic and Molecular Clusters"),
        ("physics.atom-ph", "Atomic Physics"),
        ("physics.bio-ph", "Biological Physics"),
        ("physics.chem-ph", "Chemical Physics"),
        ("physics.class-ph", "Classical Physics"),
        ("physics.comp-ph", "Computational Physics"),
        ("physics.data-an", "Data Analysis, Statistics and Probability"),
        ("physics.ed-ph", "Physics Education"),
        ("physics.flu-dyn", "Fluid Dynamics"),
        ("physics.gen-ph", "General Physics"),
        ("physics.geo-ph", "Geophysics"),
        ("physics.hist-ph", "History and Philosophy of Physics"),
        ("physics.ins-det", "Instrumentation and Detectors"),
        ("physics.med-ph", "Medical Physics"),
        ("physics.optics", "Optics"),
        ("physics.plasm-ph", "Plasma Physics"),
        ("physics.pop-ph", "Popular Physics"),
        ("physics.soc-ph", "Physics and Society"),
        ("physics.space-ph", "Space Physics"),

        // Quantitative Biology
        ("q-bio.BM", "Biomolecules"),
        ("q-bio.CB", "Cell Behavior"),
        ("q-bio.GN", "Genomics"),
        ("q-bio.MN", "Molecular Networks"),
        ("q-bio.NC", "Neurons and Cognition"),
        ("q-bio.OT", "Other Quantitative Biology"),
        ("q-bio.PE", "Populations and Evolution"),
        ("q-bio.QM", "Quantitative Methods"),
        ("q-bio.SC", "Subcellular Processes"),
        ("q-bio.TO", "Tissues and Organs"),

        // Quantitative Finance
        ("q-fin.CP", "Computational Finance"),
        ("q-fin.EC", "Economics"),
        ("q-fin.GN", "General Finance"),
        ("q-fin.MF", "Mathematical Finance"),
        ("q-fin.PM", "Portfolio Management"),
        ("q-fin.PR", "Pricing of Securities"),
        ("q-fin.RM", "Risk Management"),
        ("q-fin.ST", "Statistical Finance"),
        ("q-fin.TR", "Trading and Market Microstructure"),

        // Statistics
        ("stat.AP", "Applications"),
        ("stat.CO", "Computation"),
        ("stat.ME", "Methodology"),
        ("stat.ML", "Machine Learning"),
        ("stat.OT", "Other Statistics"),
        ("stat.TH", "Statistics Theory"),
    ];

    /// <summary>
    /// Defunct archives (closed 1996-1999, subsumed by today's categories). They appear as categories on old papers
    /// (<c>solv-int/9901001</c>), so <see cref="NameOf"/> names them, but they cannot be listed or fetched, so
    /// <see cref="IsKnownCategoryOrArchive"/> is false for them.
    /// </summary>
    private static readonly (string Code, string Name)[] DefunctTable =
    [
        ("acc-phys", "Accelerator Physics"),
        ("adap-org", "Adaptation, Noise, and Self-Organizing Systems"),
        ("alg-geom", "Algebraic Geometry"),
        ("ao-sci", "Atmospheric-Oceanic Sciences"),
        ("atom-ph", "Atomic, Molecular and Optical Physics"),
        ("bayes-an", "Bayesian Analysis"),
        ("chao-dyn", "Chaotic Dynamics"),
        ("chem-ph", "Chemical Physics"),
        ("cmp-lg", "Computation and Language"),
        ("comp-gas", "Cellular Automata and Lattice Gases"),
        ("dg-ga", "Differential Geometry"),
        ("funct-an", "Functional Analysis"),
        ("mtrl-th", "Materials Theory"),
        ("patt-sol", "Pattern Formation and Solitons"),
        ("plasm-ph", "Plasma Physics"),
        ("q-alg", "Quantum Algebra and Topology"),
        ("solv-int", "Exactly Solvable and Integrable Systems"),
        ("supr-con", "Superconductivity"),
    ];

    private static readonly FrozenDictionary<string, string> Names =
        ArchiveTable.Concat(CategoryTable).Concat(DefunctTable)
            .DistinctBy(p => p.Code, StringComparer.Ordinal)
            .ToFrozenDictionary(p => p.Code, p => p.Name, StringComparer.Ordinal);

    private static readonly FrozenSet<string> Listable =
        ArchiveTable.Concat(CategoryTable).Select(p => p.Code).ToFrozenSet(StringComparer.Ordinal);

    private static readonly string[] ArchiveCodes = [.. ArchiveTable.Select(p => p.Code)];

    private static readonly string[] CategoryCodes = [.. CategoryTable.Select(p => p.Code)];

    /// <summary>The 20 archives usable as a listing / RSS category, e.g. <c>cs</c>, <c>astro-ph</c>, <c>hep-th</c>.</summary>
    public static IReadOnlyCollection<string> Archives => ArchiveCodes;

    /// <summary>All active categories (<c>cs.AI</c>, <c>hep-th</c>, ...), without the multi-category archives.</summary>
    public static IReadOnlyCollection<string> Categories => CategoryCodes;

    /// <summary>The name arXiv gives <paramref name="code"/> (<c>cs.AI</c> gives <c>Artificial Intelligence</c>); null if unknown.</summary>
    public static string? NameOf(string code) =>
        code is not null && Names.TryGetValue(code, out var name) ? name : null;

    /// <summary>The subject for <paramref name="code"/>; its name is "" if the code is unknown.</summary>
    public static Subject SubjectOf(string code) => new(code, NameOf(code) ?? "");

    /// <summary>True for an active category (<c>cs.AI</c>, <c>hep-ph</c>) or an archive (<c>cs</c>); false for
    /// anything else (<c>astroph</c>, <c>cs.ai</c>, defunct archives such as <c>solv-int</c>).</summary>
    public static bool IsKnownCategoryOrArchive(string code) => code is not null && Listable.Contains(code);
}
