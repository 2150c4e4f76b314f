#!/usr/bin/env python3
"""The plain-Python baseline: json.loads each line, one compiled regex (the phrases as an alternation, case-insensitive,
on word boundaries) over title and abstract; prints the number of matching papers.

Usage: baseline.py SNAPSHOT PHRASES
"""
import json, re, sys

phrases = [p.strip() for p in open(sys.argv[2], encoding="utf-8") if p.strip()]
pattern = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True)) + r")\b", re.I)
matched = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        paper = json.loads(line)
        if pattern.search(paper.get("title", "")) or pattern.search(paper.get("abstract", "")):
            matched += 1
print(matched)
