#!/usr/bin/env bash
# Issue 5: start-up time of the CLI, framework-dependent JIT build vs NativeAOT build.
#
# Copies the sources (src/ and the root props files, without bin/ and obj/) into a temp dir, publishes both builds
# there, checks that each works (--help, config check, run --from-file with --translator none), and times
# `arxiv-digest --help` and the `run --from-file` case with hyperfine (or a date +%s%N loop if hyperfine is missing).
# Nothing in the repository is written: every build, database, digest and result lives under $WORK.
#
#   bench/startup/measure.sh                 # 20 runs each, AOT built with -p:TreatWarningsAsErrors=false
#   RUNS=50 bench/startup/measure.sh
#   STRICT=1 bench/startup/measure.sh        # keep TreatWarningsAsErrors=true for the AOT build (fails while the
#                                            # IL2026/IL3050 sites listed in README.md are unfixed)
#   WORK=/tmp/startup KEEP=1 bench/startup/measure.sh   # choose / keep the work dir
#
# Needs: .NET 10 SDK, clang (or clang-NN) or gcc, zlib1g-dev (NativeAOT prerequisites), the fixture
# ../shared/fixtures/arxiv/listing/new-gr-qc-2024-08-09.html (or FIXTURE=path). Optional: hyperfine.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-3}
STRICT=${STRICT:-0}
FIXTURE=${FIXTURE:-$REPO/../shared/fixtures/arxiv/listing/new-gr-qc-2024-08-09.html}
WORK=${WORK:-$(mktemp -d /tmp/arxiv-digest-startup.XXXXXX)}
KEEP=${KEEP:-0}
RID=linux-x64

[[ -f $FIXTURE ]] || { echo "fixture not found: $FIXTURE (set FIXTURE=...)" >&2; exit 2; }
FIXTURE=$(cd "$(dirname "$FIXTURE")" && pwd)/$(basename "$FIXTURE")
mkdir -p "$WORK"
if [[ $KEEP != 1 ]]; then trap 'rm -rf "$WORK/src-copy" "$WORK/home" "$WORK/state"' EXIT; fi
echo "work dir: $WORK"

# --- 1. copy the sources (never build inside the repository) -------------------------------------------------
SRC=$WORK/src-copy
rm -rf "$SRC"; mkdir -p "$SRC"
cp "$REPO"/Directory.Build.props "$REPO"/Directory.Packages.props "$REPO"/global.json "$SRC"/
for f in "$REPO"/NuGet.Config "$REPO"/nuget.config; do [[ -f $f ]] && cp "$f" "$SRC"/; done
(cd "$REPO" && tar --exclude=bin --exclude=obj -cf - src) | (cd "$SRC" && tar -xf -)

# --- 2. publish both ------------------------------------------------------------------------------------------
AOT_ARGS=(-p:PublishAot=true)
if ! command -v clang >/dev/null; then
  CLANG=$(compgen -c clang- | grep -E '^clang-[0-9]+$' | sort -t- -k2 -n | tail -1 || true)
  [[ -n $CLANG ]] && AOT_ARGS+=("-p:CppCompilerAndLinker=$CLANG")
fi
[[ $STRICT == 1 ]] || AOT_ARGS+=(-p:TreatWarningsAsErrors=false)

echo "publishing JIT (framework-dependent) ..."
t0=$(date +%s)
dotnet publish "$SRC/src/ArxivDigest.Cli" -c Release -r $RID --self-contained false -o "$WORK/jit" >"$WORK/publish-jit.log" 2>&1 \
  || { tail -30 "$WORK/publish-jit.log"; exit 1; }
echo "  $(( $(date +%s) - t0 )) s"
echo "publishing NativeAOT (${AOT_ARGS[*]}) ..."
t0=$(date +%s)
dotnet publish "$SRC/src/ArxivDigest.Cli" -c Release -r $RID "${AOT_ARGS[@]}" -o "$WORK/aot" >"$WORK/publish-aot.log" 2>&1 \
  || { grep -E ': (error|warning) ' "$WORK/publish-aot.log" | sed -E 's/ \[[^]]*\]$//' | sort -u; exit 1; }
echo "  $(( $(date +%s) - t0 )) s"
echo "AOT analyzer / ILC warnings (unique):"
grep -E 'warning (IL|CS)[0-9]+' "$WORK/publish-aot.log" | sed -E 's/ \[[^]]*\]$//' | sort -u | sed 's/^/  /' || echo "  none"

# --- 3. does each build work? ---------------------------------------------------------------------------------
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config XDG_DATA_HOME=$WORK/home/.local/share
mkdir -p "$HOME"
STATE=$WORK/state
run_case() { # $1 = build dir; fresh database and output each time
  rm -rf "$STATE/$2"; mkdir -p "$STATE/$2/db"
  "$1/arxiv-digest" run --from-file "$FIXTURE" --category gr-qc --query "black hole" --translator none \
    --db "$STATE/$2/db/db" --out "$STATE/$2/out"
}
for b in jit aot; do
  echo "== $b: --help, config check, run --from-file"
  "$WORK/$b/arxiv-digest" --help >/dev/null
  "$WORK/$b/arxiv-digest" config check
  run_case "$WORK/$b" "check-$b" 2>/dev/null
done
for f in txt md json; do
  if diff <(grep -v -E '生成时间|generatedAt' "$STATE/check-jit/out/default/"*.$f) \
          <(grep -v -E '生成时间|generatedAt' "$STATE/check-aot/out/default/"*.$f) >/dev/null; then
    echo "digest .$f: JIT and AOT identical (apart from the generation time)"
  else
    echo "digest .$f: JIT and AOT DIFFER"; exit 1
  fi
done

# --- 4. sizes and peak memory ---------------------------------------------------------------------------------
echo "== sizes"
echo "  JIT publish dir: $(du -sh "$WORK/jit" | cut -f1) (needs the shared .NET 10 runtime)"
echo "  AOT executable:  $(du -h "$WORK/aot/arxiv-digest" | cut -f1) + libe_sqlite3.so $(du -h "$WORK/aot/libe_sqlite3.so" | cut -f1) (+ arxiv-digest.dbg symbols $(du -h "$WORK/aot/arxiv-digest.dbg" | cut -f1), not needed to run)"
if [[ -x /usr/bin/time ]]; then
  for b in jit aot; do
    /usr/bin/time -f %M -o "$WORK/rss" "$WORK/$b/arxiv-digest" --help >/dev/null; h=$(tail -1 "$WORK/rss")
    rm -rf "$STATE/rss"; mkdir -p "$STATE/rss/db"
    /usr/bin/time -f %M -o "$WORK/rss" "$WORK/$b/arxiv-digest" run --from-file "$FIXTURE" --category gr-qc \
      --query "black hole" --translator none --db "$STATE/rss/db/db" --out "$STATE/rss/out" >/dev/null 2>&1
    r=$(tail -1 "$WORK/rss")
    echo "  peak RSS $b: --help ${h} KiB, run --from-file ${r} KiB"
  done
fi

# --- 5. timings -----------------------------------------------------------------------------------------------
echo "== start-up, $RUNS runs each ($WARMUP warm-up)"
RUN_ARGS="run --from-file $FIXTURE --category gr-qc --query 'black hole' --translator none"
if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-markdown "$WORK/help.md" --export-json "$WORK/help.json" \
    -n 'JIT --help' "$WORK/jit/arxiv-digest --help" \
    -n 'AOT --help' "$WORK/aot/arxiv-digest --help"
  hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-markdown "$WORK/run.md" --export-json "$WORK/run.json" \
    --prepare "rm -rf $STATE/t && mkdir -p $STATE/t/db" \
    -n 'JIT run --from-file' "$WORK/jit/arxiv-digest $RUN_ARGS --db $STATE/t/db/db --out $STATE/t/out 2>/dev/null" \
    -n 'AOT run --from-file' "$WORK/aot/arxiv-digest $RUN_ARGS --db $STATE/t/db/db --out $STATE/t/out 2>/dev/null"
  echo; cat "$WORK/help.md"; echo; cat "$WORK/run.md"
  echo "(the run case goes through a shell, whose ~1 ms hyperfine subtracts; a fresh database each run)"
else
  time_loop() { # $1 label, rest: command (eval'd); prints mean/min/max in ms
    local label=$1; shift; local i s e ms all=()
    for ((i = 0; i < WARMUP; i++)); do eval "$@" >/dev/null 2>&1; done
    for ((i = 0; i < RUNS; i++)); do
      rm -rf "$STATE/t"; mkdir -p "$STATE/t/db"
      s=$(date +%s%N); eval "$@" >/dev/null 2>&1; e=$(date +%s%N)
      all+=($(( (e - s) / 1000 )))
    done
    printf '%s\n' "${all[@]}" | awk -v l="$label" '{s+=$1; if(min==""||$1<min)min=$1; if($1>max)max=$1; a[NR]=$1}
      END{m=s/NR; for(i=1;i<=NR;i++)v+=(a[i]-m)^2; printf "  %-22s mean %7.1f ms  sd %5.1f  min %7.1f  max %7.1f\n", l, m/1000, sqrt(v/NR)/1000, min/1000, max/1000}'
  }
  for b in jit aot; do
    time_loop "${b^^} --help" "$WORK/$b/arxiv-digest --help"
    time_loop "${b^^} run --from-file" "$WORK/$b/arxiv-digest $RUN_ARGS --db $STATE/t/db/db --out $STATE/t/out"
  done
fi
echo "results and publish logs in $WORK"
