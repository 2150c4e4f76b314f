#!/usr/bin/env bash
# match vs ripgrep vs plain Python on a generated Kaggle-format snapshot (>= 1 GB), side by side, in one run.
# Usage: bench/match/run.sh [SNAPSHOT]   (default bench/data/kaggle-1g.jsonl, generated if absent)
# Needs: python3, ripgrep (apt-get install ripgrep), /usr/bin/time (apt-get install time).
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-bench/data/kaggle-1g.jsonl}
source bench/match/lists.sh
python3 bench/match/padded.py "$work/p1000.txt" 9000 "$work/p1000-padded.txt"   # + 9,000 that match nothing
head -c 200000000 "$data" | sed '$d' > "$work/small.jsonl"   # ~200 MB of whole lines: memory must not grow with size
bytes=$(stat -L -c %s "$data"); small=$(stat -L -c %s "$work/small.jsonl")
cat "$data" > /dev/null   # warm the page cache for every contender alike

measure() { # name bytes command...
  local name=$1 size=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" > "$work/out" 2> "$work/err" || { cat "$work/err"; exit 1; }
  read -r secs kb < <(tail -1 "$work/t")
  printf "| %-44s | %8.2f | %8.0f | %8.0f |\n" "$name" "$secs" "$(echo "$size / 1000000 / $secs" | bc -l)" "$(echo "$kb / 1024" | bc -l)"
}

echo "file: $data ($((bytes / 1000000)) MB, $(wc -l < "$data") papers); $(nproc) cores; $(date -u +%F)"
echo
echo "| contender | seconds | MB/s | peak RSS MB |"
echo "|---|---:|---:|---:|"
measure "ripgrep -c -i -F, 1,000 phrases" "$bytes" rg -c -i -F -f "$work/p1000.txt" "$data"
measure "arxiv-digest match, 10 phrases" "$bytes" $cli match "$data" --queries-file "$work/p10.txt" --count
measure "arxiv-digest match, 1,000 phrases" "$bytes" $cli match "$data" --queries-file "$work/p1000.txt" --count
measure "arxiv-digest match, 10,000 phrases" "$bytes" $cli match "$data" --queries-file "$work/p10000.txt" --count
measure "arxiv-digest match, 1,000 + 9,000 unmatched" "$bytes" $cli match "$data" --queries-file "$work/p1000-padded.txt" --count
measure "arxiv-digest match, 10 keyphrases" "$bytes" $cli match "$data" --queries-file "$work/k10.txt" --count
measure "arxiv-digest match, 1,000 keyphrases" "$bytes" $cli match "$data" --queries-file "$work/k1000.txt" --count
measure "arxiv-digest match, 10,000 keyphrases" "$bytes" $cli match "$data" --queries-file "$work/k10000.txt" --count
measure "ripgrep -c -i -F, 1,000 keyphrases" "$bytes" rg -c -i -F -f "$work/k1000.txt" "$data"
measure "arxiv-digest match, 1,000 phrases, 200 MB file" "$small" $cli match "$work/small.jsonl" --queries-file "$work/p1000.txt" --count
measure "python3 json + re, 1,000 phrases, 200 MB file" "$small" python3 bench/match/baseline.py "$work/small.jsonl" "$work/p1000.txt"
