#!/usr/bin/env python3
"""Writes N phrase queries (1-3 word n-grams of real abstracts in a snapshot file), one per line, deterministically.

Usage: phrases.py SNAPSHOT N OUT [--seed S] [--keyphrases]
The phrases are plain words (no operators), so ripgrep -F, Python re and arxiv-digest match read the same list.
Without --keyphrases any word of 4+ letters may appear, so the list holds queries such as "with", "that" or
"these" that match nearly every paper. With --keyphrases no word of the phrase is an English function word or one
of a few generic abstract words ("using", "results", "propose": STOP in bench/data/generate.py), which is closer to
what people put in a digest ("diffusion policy", "spectral gap").
"""
import json, os, random, re, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data"))
from generate import STOP  # function words and generic abstract words, shared with the generator

def main():
    args = sys.argv[1:]
    seed = 7
    keyphrases = "--keyphrases" in args
    if keyphrases:
        args.remove("--keyphrases")
    if "--seed" in args:
        i = args.index("--seed"); seed = int(args[i + 1]); del args[i:i + 2]
    snapshot, n, out = args[0], int(args[1]), args[2]
    rng = random.Random(seed)
    grams = set()
    with open(snapshot, encoding="utf-8") as f:
        for k, line in enumerate(f):
            # (keyphrases are fewer per line: they may read more lines)
            if k >= (200000 if keyphrases else 20000) or len(grams) >= n * 20:
                break
            words = re.findall(r"[a-z]+", json.loads(line)["abstract"].lower())
            for size in (1, 2, 2, 3):
                if len(words) > size:
                    j = rng.randrange(len(words) - size)
                    gram = words[j:j + size]
                    if all(len(w) >= 4 for w in gram) and not (keyphrases and any(w in STOP for w in gram)):
                        grams.add(" ".join(gram))
    grams = sorted(grams)
    rng.shuffle(grams)
    if len(grams) < n:
        sys.exit(f"only {len(grams)} distinct phrases found, {n} asked")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(grams[:n]) + "\n")

main()
