#!/usr/bin/env bash
# Import throughput bench (issue 4): builds the CLI in Release, generates the snapshot if absent, imports it into a
# fresh SQLite database under /usr/bin/time -v, and prints papers, seconds, papers/s and peak RSS.
#
#   bench/import/run.sh                       # bench/data/kaggle-1g.jsonl (generated on first run, ~1 GiB)
#   bench/import/run.sh path/to/snapshot.json # any snapshot, e.g. the real Kaggle file (.gz too)
#   BATCH=20000 bench/import/run.sh           # another --batch-size
set -euo pipefail
cd "$(dirname "$0")/../.."

file="${1:-bench/data/kaggle-1g.jsonl}"
batch="${BATCH:-5000}"
work="$(mktemp -d /tmp/arxiv-import-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

if [ ! -f "$file" ]; then
  echo "generating $file ..." >&2
  python3 bench/data/generate.py "$file"
fi

dotnet build src/ArxivDigest.Cli -c Release --nologo -v q -o "$work/bin" >&2
cli="$work/bin/arxiv-digest"
[ -x "$cli" ] || cli="dotnet $work/bin/arxiv-digest.dll"

bytes=$(stat -c %s "$file")
echo "file: $file ($bytes bytes); batch size $batch; $(nproc) cores" >&2
CI=1 /usr/bin/time -v -o "$work/time.txt" $cli import "$file" --db "$work/bench.db" --batch-size "$batch" \
  > "$work/out.txt" 2> "$work/err.txt" || { cat "$work/err.txt" >&2; exit 1; }
tail -n 3 "$work/err.txt" >&2
cat "$work/out.txt"

papers=$(sed -n 's/^imported \([0-9]*\) papers.*/\1/p' "$work/out.txt")
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time.txt" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time.txt")
user=$(sed -n 's/.*User time (seconds): //p' "$work/time.txt")
sys=$(sed -n 's/.*System time (seconds): //p' "$work/time.txt")
rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('select count(*) from papers').fetchone()[0])" "$work/bench.db")
dbsize=$(stat -c %s "$work/bench.db")
echo "load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
printf '| file | bytes | batch | papers | rows in db | wall s | papers/s | user+sys CPU s | papers per CPU s | peak RSS MiB | db MiB |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|\n'
awk -v f="$(basename "$file")" -v b="$bytes" -v k="$batch" -v p="$papers" -v r="$rows" -v w="$wall" -v u="$user" -v s="$sys" -v m="$rss" -v d="$dbsize" \
  'BEGIN { printf "| %s | %d | %d | %d | %d | %.1f | %.0f | %.1f | %.0f | %.0f | %.0f |\n", f, b, k, p, r, w, p / w, u + s, p / (u + s), m / 1024, d / 1048576 }'
