#!/usr/bin/env python3
"""Generate a Kaggle-format arXiv metadata snapshot (JSON Lines) of a target size, for the import bench.

The records are variations of the 200 real ones in shared/fixtures/arxiv/kaggle/snapshot-head-200-lines.jsonl:
titles recombined from the halves of two real titles, abstracts from real sentences shuffled across papers (with
Kaggle's leading two spaces and hard line breaks at ~80 columns), real author names (authors_parsed, and the TeX
`authors` string rebuilt from them), real category lists, comments, journal refs; fresh unique ids yymm.nnnnn in
increasing order (2007-04 onwards, 12k-24k per month), 1-5 versions with RFC 1123 dates in that month. Real TeX ($...$,
\\'a) and Unicode (authors_parsed is escaped as \\u00e1, as in the snapshot) come with the recombined text; a few
records get extra accented author names. Output is deterministic for a seed.

The words vary too (class Vocabulary): 65% of the content words are drawn from a Zipf vocabulary, calibrated so that
distinct words and word pairs grow with the file as they do in real abstracts (bench/data/vocabulary.py shows both).
--vary-words 0 writes the file this script wrote before 2026-11-25 (the sample's ~4,200 words only), byte for byte.

    python3 bench/data/generate.py                    # bench/data/kaggle-1g.jsonl, 1 GiB
    python3 bench/data/generate.py --size 200M out.jsonl
    python3 bench/data/generate.py --papers 100000 --gzip out.jsonl.gz
"""

import argparse
import gzip
import json
import math
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
DEFAULT_FIXTURE_CANDIDATES = [
    os.path.join(ROOT, "..", "shared", "fixtures", "arxiv", "kaggle", "snapshot-head-200-lines.jsonl"),
    "/work/shared/fixtures/arxiv/kaggle/snapshot-head-200-lines.jsonl",
]
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
EXTRA_AUTHORS = [["Müller", "Jürgen", ""], ["Šimánek", "Tomáš", ""], ["Çelik", "Ayşe", ""], ["Łukasiewicz", "Paweł", ""],
                 ["Nguyễn", "Thị Minh", ""], ["Ødegård", "Bjørn", ""], ["García-Pérez", "José", "Jr"]]


def parse_size(text):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?", text.strip(), re.IGNORECASE)
    if not m:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size (e.g. 1G, 500M, 20000K)")
    factor = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}[m.group(2).upper()]
    return int(float(m.group(1)) * factor)


def load(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def sentences(abstract):
    text = " ".join(abstract.split())
    parts = re.split(r"(?<=[.!?])\s+(?=[A-Z$\\(])", text)
    return [p for p in parts if len(p) > 20]


def wrap(text, width=80):
    """Kaggle abstracts: two leading spaces, hard line breaks near 80 columns, a final newline."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "  " + "\n".join(lines) + "\n"


def tex_name(first, last, suffix):
    name = f"{first} {last}".strip()
    return f"{name} {suffix}".strip() if suffix else name


def rfc1123(rng, year, month):
    day = rng.randint(1, 28)
    weekday = DAYS[__import__("datetime").date(year, month, day).weekday()]
    return (f"{weekday}, {day} {MONTHS[month - 1]} {year} "
            f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d} GMT"), (year, month, day)

# Function words and generic abstract words: kept as they are when words are varied; bench/match/phrases.py keeps them
# out of keyphrases.
STOP = frozenset("""
a about above after again against all also although among an and another any are as at be because been before being
below between both but by can could did do does doing down during each either else even ever every few for from
further had has have having here hence how however if in into is it its itself just less many may might more most
much must neither no nor not now of off often on once one only onto or other others otherwise our out over own per
rather same several shall should show shown shows since so some such than that the their them then there thereby
therefore these they this those though through thus to too under until upon us very via was we were what when where
whereas whether which while who whom whose why will with within without would yet you your based using used use
given first second two three new well show paper results result study work propose proposed present find found
""".split())
# The word variation's defaults: share of content words replaced, Zipf exponent and offset (see Vocabulary).
RATE, EXPONENT, OFFSET = 0.65, 1.9, 400.0
# A content word: lower-case letters, 4 or more, not inside a TeX command or math sub/superscript.
CONTENT = re.compile(r"(?<![\\\w$^_{])([a-z]{4,})(?![\w}])")


class Vocabulary:
    """Word-level variation, so that the vocabulary grows with the file as real text's does.

    Shuffled sentences of 200 abstracts hold only about 4,200 distinct words and 25,000 distinct word pairs however
    large the file; real arXiv abstracts keep adding words (Heaps' law: about 22,000 distinct words and 250,000 pairs
    in 600,000 words of the real abstracts in shared/fixtures, and still growing as n^0.48). Each content word of a
    sentence or title (not in STOP) is replaced, with probability `rate`, by a word of a Zipf-Mandelbrot
    distribution over an unbounded made-up vocabulary: rank r ~ offset * u^(-1/(exponent-1)) (a Pareto draw), and
    rank r spelt as the front of one sample word joined to the back of another (`word`), so words keep realistic
    lengths and letters. The defaults (0.65, 1.9, 400) were chosen so that, at 50,000 to 600,000 words, distinct
    words and distinct pairs are within 16% of the real abstracts', and the top 1,000 words cover the same share of
    the text (0.71 against 0.72); more distinct words are seen only once (0.44 against 0.35 at the same size).
    bench/README.md has the figures. The replacements use their own random stream, so everything else in a record
    is as without them.
    """

    def __init__(self, records, seed, rate, exponent, offset):
        words = set()
        for r in records:
            words.update(w for w in CONTENT.findall(r["abstract"] + " " + r["title"]) if w not in STOP)
        self.words = sorted(words)
        self.rng = random.Random(seed ^ 0x5EED)
        self.rate = rate
        self.tail = -1.0 / (exponent - 1.0)
        self.offset = offset
        self.log_keep = math.log(1.0 - rate)

    def word(self, rank):
        h = (rank * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & 0xFFFFFFFFFFFFFFFF
        a = self.words[h % len(self.words)]
        b = self.words[(h >> 24) % len(self.words)]
        return a[: (len(a) + 1) // 2] + b[len(b) // 2:]

    def split(self, text):
        """The text as alternating parts: even ones kept, odd ones content words that `vary` may replace."""
        parts = [""]
        for k, piece in enumerate(CONTENT.split(text)):
            if k % 2 == 1 and piece not in STOP:
                parts += [piece, ""]
            else:
                parts[-1] += piece
        return parts

    def vary(self, parts):
        out = list(parts)
        rng, n = self.rng, len(parts) // 2
        i = int(math.log(1.0 - rng.random()) / self.log_keep)  # words kept before the next replaced one (geometric)
        while i < n:
            out[2 * i + 1] = self.word(int(self.offset * (1.0 - rng.random()) ** self.tail))
            i += 1 + int(math.log(1.0 - rng.random()) / self.log_keep)
        return "".join(out)


class Generator:
    def __init__(self, records, seed, vocabulary=None):
        self.rng = random.Random(seed)
        self.records = records
        self.vocabulary = vocabulary
        self.sentence_pool = [s for r in records for s in sentences(r["abstract"])]
        self.sentence_parts = [vocabulary.split(s) for s in self.sentence_pool] if vocabulary else None
        self.sentence_counts = [max(2, len(sentences(r["abstract"]))) for r in records]
        self.titles = [" ".join(r["title"].split()) for r in records]
        self.authors = [a[:3] for r in records for a in r["authors_parsed"]]
        self.author_counts = [len(r["authors_parsed"]) for r in records]
        self.categories = [r["categories"] for r in records]
        self.comments = [r["comments"] for r in records]
        self.journal_refs = [r["journal-ref"] for r in records if r["journal-ref"]]
        self.dois = [r["doi"] for r in records if r["doi"]]
        self.licenses = [r["license"] for r in records]
        self.year, self.month, self.number, self.per_month = 2007, 4, 0, self.rng.randint(12000, 24000)

    def next_id(self):
        self.number += 1
        if self.number > self.per_month:
            self.number = 1
            self.per_month = self.rng.randint(12000, 24000)
            self.month += 1
            if self.month > 12:
                self.year, self.month = self.year + 1, 1
        width = 4 if (self.year, self.month) < (2015, 1) else 5
        return f"{self.year % 100:02d}{self.month:02d}.{self.number:0{width}d}"

    def title(self):
        a, b = self.rng.choice(self.titles).split(), self.rng.choice(self.titles).split()
        words = a[: max(1, len(a) // 2)] + b[len(b) // 2:]
        text = " ".join(words)
        if self.vocabulary:
            text = self.vocabulary.vary(self.vocabulary.split(text))
        if len(text) > 70 and self.rng.random() < 0.5:  # Kaggle keeps the title's hard line break
            cut = text.rfind(" ", 0, 70)
            text = text[:cut] + "\n  " + text[cut + 1:]
        return text

    def record(self):
        rng = self.rng
        base = rng.randrange(len(self.records))
        paper_id = self.next_id()
        picks = [rng.randrange(len(self.sentence_pool)) for _ in range(self.sentence_counts[base] + rng.randint(-1, 2))]
        if self.vocabulary:
            abstract = " ".join(self.vocabulary.vary(self.sentence_parts[k]) for k in picks)
        else:
            abstract = " ".join(self.sentence_pool[k] for k in picks)
        authors = [list(rng.choice(self.authors)) for _ in range(max(1, self.author_counts[base] + rng.randint(-1, 2)))]
        if rng.random() < 0.02:
            authors.append(list(rng.choice(EXTRA_AUTHORS)))
        versions = []
        for v in range(1, 1 + rng.choices([1, 2, 3, 4, 5], weights=[55, 28, 10, 5, 2])[0]):
            year, month = self.year, self.month
            if v > 1:  # later versions come months later
                total = year * 12 + month - 1 + rng.randint(0, 8) * (v - 1)
                year, month = total // 12, total % 12 + 1
            created, last = rfc1123(rng, year, month)
            versions.append({"version": f"v{v}", "created": created})
        doi = rng.choice(self.dois) if rng.random() < 0.35 else None
        record = {
            "id": paper_id,
            "submitter": tex_name(authors[0][1], authors[0][0], ""),
            "authors": ", ".join(tex_name(a[1], a[0], a[2]) for a in authors[:-1])
                       + (" and " if len(authors) > 1 else "") + tex_name(authors[-1][1], authors[-1][0], authors[-1][2]),
            "title": self.title(),
            "comments": self.comments[base],
            "journal-ref": rng.choice(self.journal_refs) if doi else None,
            "doi": doi,
            "report-no": None,
            "categories": self.categories[base],
            "license": self.licenses[base],
            "abstract": wrap(abstract),
            "versions": versions,
            "update_date": f"{last[0]:04d}-{last[1]:02d}-{last[2]:02d}",
            "authors_parsed": authors,
        }
        return json.dumps(record, separators=(",", ":")) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=os.path.join(HERE, "kaggle-1g.jsonl"), help="output file (default bench/data/kaggle-1g.jsonl)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--size", type=parse_size, default=None, help="target size of the uncompressed text, e.g. 1G (default), 500M")
    group.add_argument("--papers", type=int, default=None, help="number of papers instead of a size")
    parser.add_argument("--seed", type=int, default=20070402, help="random seed (default 20070402); same seed, same file")
    parser.add_argument("--gzip", action="store_true", help="gzip the output (append .gz to the name yourself)")
    parser.add_argument("--fixture", default=None, help="the 200-line real snapshot to vary")
    parser.add_argument("--vary-words", type=float, default=RATE, metavar="RATE",
                        help=f"share of content words replaced from a Zipf vocabulary (default {RATE}); 0 keeps the "
                             "sample's ~4,200 words, as files made before 2026-11-25 did")
    parser.add_argument("--zipf", type=float, default=EXPONENT, help=f"exponent of that vocabulary (default {EXPONENT})")
    parser.add_argument("--zipf-offset", type=float, default=OFFSET, help=f"its Zipf-Mandelbrot offset (default {OFFSET})")
    args = parser.parse_args(argv)
    if not 0 <= args.vary_words < 1:
        parser.error(f"--vary-words {args.vary_words}: must be at least 0 and below 1")
    if args.zipf <= 1 or args.zipf_offset <= 0:
        parser.error(f"--zipf {args.zipf} / --zipf-offset {args.zipf_offset}: the exponent must be above 1, the offset above 0")

    fixture = args.fixture or next((p for p in DEFAULT_FIXTURE_CANDIDATES if os.path.exists(p)), None)
    if not fixture:
        parser.error("cannot find snapshot-head-200-lines.jsonl; pass --fixture")
    size = args.size if args.size is not None or args.papers is not None else 1 << 30
    records = load(fixture)
    vocabulary = Vocabulary(records, args.seed, args.vary_words, args.zipf, args.zipf_offset) if args.vary_words > 0 else None
    gen = Generator(records, args.seed, vocabulary)

    os.makedirs(os.path.dirname(os.path.abspath(args.output)), exist_ok=True)
    tmp = args.output + ".partial"
    opener = (lambda p: gzip.open(p, "wb", compresslevel=6)) if args.gzip else (lambda p: open(p, "wb", buffering=1 << 20))
    written = papers = 0
    with opener(tmp) as out:
        while (args.papers is not None and papers < args.papers) or (args.papers is None and written < size):
            line = gen.record().encode("utf-8")
            out.write(line)
            written += len(line)
            papers += 1
            if papers % 100000 == 0:
                print(f"{papers} papers, {written / (1 << 20):.0f} MiB", file=sys.stderr)
    os.replace(tmp, args.output)
    print(f"wrote {args.output}: {papers} papers, {written} bytes of JSON Lines{' (gzipped)' if args.gzip else ''}")


if __name__ == "__main__":
    main()
