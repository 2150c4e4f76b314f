#!/usr/bin/env python3
"""How a snapshot's vocabulary grows, next to real arXiv abstracts: the check behind generate.py's word variation.

Prints, at growing numbers of words (lower-case runs of a-z, as bench/match/phrases.py reads them), the distinct words
V and distinct adjacent word pairs B, the share of distinct words seen once, and the share of all words that the 1,000
most frequent cover; first for the real abstracts in shared/fixtures/arxiv (RSS, OAI-PMH, API, Kaggle head: about
4,700 papers, 790,000 words), then for the abstracts of SNAPSHOT, read to its end.

    python3 bench/data/vocabulary.py bench/data/kaggle-1g.jsonl
"""
import collections, glob, json, os, random, re, sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = next(p for p in (os.path.join(HERE, "..", "..", "..", "shared", "fixtures", "arxiv"), "/work/shared/fixtures/arxiv")
                if os.path.isdir(p))
MARKS = [50_000, 100_000, 200_000, 400_000, 600_000, 10**6, 10**7, 10**8, 10**9]


def real_abstracts():
    seen = {}
    def add(text):
        text = " ".join((text or "").split())
        if len(text) > 100:
            seen.setdefault(text, None)
    for item in ET.parse(os.path.join(FIXTURES, "rss", "rss2-all-archives-combined-2024-11-28.xml")).iter("item"):
        add((item.findtext("description") or "").partition("Abstract:")[2])
    for path in sorted(glob.glob(os.path.join(FIXTURES, "oai", "listrecords*.xml"))):
        for record in ET.parse(path).iter("{http://www.openarchives.org/OAI/2.0/}record"):
            add(next((e.text for e in record.iter() if e.tag.split("}")[-1] in ("abstract", "description") and e.text), ""))
    for path in sorted(glob.glob(os.path.join(FIXTURES, "api", "*.xml"))):
        for entry in ET.parse(path).iter("{http://www.w3.org/2005/Atom}entry"):
            add(entry.findtext("{http://www.w3.org/2005/Atom}summary"))
    with open(os.path.join(FIXTURES, "kaggle", "snapshot-head-200-lines.jsonl"), encoding="utf-8") as f:
        for line in f:
            add(json.loads(line)["abstract"])
    texts = list(seen)
    random.Random(1).shuffle(texts)
    return texts


def report(label, texts):
    words, pairs, counts, n, marks, out = set(), set(), collections.Counter(), 0, list(MARKS), []
    for text in texts:
        w = re.findall(r"[a-z]+", text.lower())
        for i, x in enumerate(w):
            counts[x] += 1
            if i:
                pairs.add((w[i - 1], x))
            n += 1
            if marks and n >= marks[0]:
                out.append(f"  {marks.pop(0):>13,} words: V {len(counts):>9,}  B {len(pairs):>11,}")
    once = sum(1 for c in counts.values() if c == 1) / len(counts)
    top = sum(c for _, c in counts.most_common(1000)) / n
    print(f"{label}: {n:,} words, V {len(counts):,}, seen once {once:.2f} of V, top 1,000 words {top:.2f} of all words")
    print("\n".join(out))


report("real abstracts (fixtures)", real_abstracts())
if len(sys.argv) > 1:
    with open(sys.argv[1], encoding="utf-8") as f:
        report(sys.argv[1], (json.loads(line)["abstract"] for line in f))
