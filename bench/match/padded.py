#!/usr/bin/env python3
"""Writes the phrase list IN followed by N made-up phrases (1-3 words of 7 consonants) that occur in no paper.

Usage: padded.py IN N OUT [--seed S]
With it, run.sh times 10,000 queries of which only the 1,000 real ones can match: the cost of the number of
queries itself, apart from the cost of the extra matches that 10,000 real phrases find.
"""
import random, sys

def main():
    args = sys.argv[1:]
    seed = 11
    if "--seed" in args:
        i = args.index("--seed"); seed = int(args[i + 1]); del args[i:i + 2]
    source, n, out = args[0], int(args[1]), args[2]
    rng = random.Random(seed)
    with open(source, encoding="utf-8") as f:
        phrases = [line.rstrip("\n") for line in f if line.strip()]
    made_up = set()
    while len(made_up) < n:
        made_up.add(" ".join("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(7)) for _ in range(rng.choice((1, 2, 2, 3)))))
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(phrases + sorted(made_up)) + "\n")

main()
