#!/usr/bin/env bash
# Issue 4: search latency over 1,000,000 papers. Seeds a SQLite store with generated papers (resumable: a store
# already holding COUNT papers is reused), runs the 20 typical queries REPEATS times each in-process through
# SqliteStore.SearchAsync (median and p95 per query and overall), then times a few whole `arxiv-digest search`
# processes. Nothing in the repository is written except what you redirect.
#
#   bench/search/measure.sh                        # 1,000,000 papers in /tmp/search-bench-1m.db, 20 repeats
#   COUNT=100000 DB=/tmp/s100k.db bench/search/measure.sh
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
COUNT=${COUNT:-1000000}
DB=${DB:-/tmp/search-bench-1m.db}
REPEATS=${REPEATS:-20}
FIXTURE=${FIXTURE:-$REPO/../shared/fixtures/arxiv/kaggle/snapshot-head-200-lines.jsonl}

dotnet build "$REPO/bench/search" -c Release --nologo -v quiet >/dev/null
dotnet build "$REPO/src/ArxivDigest.Cli" -c Release --nologo -v quiet >/dev/null
BENCH="dotnet $REPO/bench/search/bin/Release/net10.0/SearchBench.dll"
CLI="dotnet $REPO/src/ArxivDigest.Cli/bin/Release/net10.0/arxiv-digest.dll"

$BENCH seed "$DB" "$COUNT" "$FIXTURE"
$BENCH run "$DB" "$REPEATS"

echo
echo "Whole process (\`arxiv-digest search ... --limit 20\`, JIT build, 5 runs each, ms):"
EMPTY=$(mktemp); trap 'rm -f "$EMPTY"' EXIT
for q in 'black hole' 'neutron star*' 'quantum NOT gravity'; do
  times=()
  for _ in 1 2 3 4 5; do
    s=$(date +%s%N)
    $CLI search "$q" --db "$DB" --config "$EMPTY" >/dev/null
    times+=($(( ($(date +%s%N) - s) / 1000000 )))
  done
  echo "- \`$q\`: ${times[*]}"
done
