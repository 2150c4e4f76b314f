#!/usr/bin/env python3
"""Fills an arxiv-digest SQLite store (schema already created by the CLI) with N synthetic papers, deterministic.

Papers are spread over listing days of cs.AI (400 a day, newest 2026-06-30 going back), each announced once as
'new'; about 6% mention "reinforcement learning" and 2% "diffusion policy" so digests and searches have hits.
Usage: seed.py DB [N]
"""
import json
import random
import sqlite3
import sys
from datetime import date, timedelta

db, n = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
per_day = 400
rng = random.Random(20260630)
words = ("model data learning network graph training neural agent policy optimal robust sparse quantum causal "
         "language vision transformer attention gradient kernel bayesian inference benchmark dataset reward "
         "planning control embedding retrieval generation evaluation alignment safety federated").split()

def sentence(k):
    return " ".join(rng.choice(words) for _ in range(k)).capitalize() + "."

con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=OFF")
day = date(2026, 6, 30)
stamp = "2026-07-01T00:00:00.0000000+00:00"
papers, members, announcements = [], [], []
for i in range(n):
    if i % per_day == 0:
        if i:
            day -= timedelta(days=1)
            while day.weekday() >= 5:
                day -= timedelta(days=1)
        announcements.append(("cs.AI", day.isoformat(), "bench", stamp, min(per_day, n - i)))
    pid = f"{26 - i // 1_000_000:02d}{(6 - (i // 100_000) % 6):02d}.{i % 100_000:05d}"
    title = sentence(rng.randint(6, 12))[:-1]
    abstract = " ".join(sentence(rng.randint(10, 20)) for _ in range(rng.randint(5, 9)))
    r = rng.random()
    if r < 0.06:
        abstract += " We use reinforcement learning with a learned reward."
    elif r < 0.08:
        title = "Diffusion policy " + title.lower()
    authors = [f"Author {rng.randint(1, 50_000)}" for _ in range(rng.randint(1, 6))]
    subjects = [{"code": "cs.AI", "name": "Artificial Intelligence"}] + ([{"code": "cs.LG", "name": "Machine Learning"}] if rng.random() < 0.4 else [])
    papers.append((pid, 1, title, json.dumps(authors), abstract, None, None, None, "cs.AI", json.dumps(subjects), stamp, stamp))
    members.append(("cs.AI", day.isoformat(), i % per_day, pid, 1, "new"))

with con:
    con.executemany("INSERT INTO papers (id, version, title, authors_json, abstract, comments, journal_ref, doi, primary_category, subjects_json, first_seen, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", papers)
    con.executemany("INSERT INTO announcements (category, listing_date, source, fetched_at, paper_count) VALUES (?,?,?,?,?)", announcements)
    con.executemany("INSERT INTO announcement_papers (category, listing_date, position, paper_id, version, announce_type) VALUES (?,?,?,?,?,?)", members)
con.close()
print(f"{n} papers over {len(announcements)} days of cs.AI, newest {announcements[0][1]}, oldest {announcements[-1][1]}")
