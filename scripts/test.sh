#!/usr/bin/env bash
# Runs every test and prints the closing line "N passed, N failed[, N skipped]".
# Exit code: 0 when everything passed, 1 otherwise. Extra arguments go to `dotnet test` (e.g. --filter ...).
set -uo pipefail
cd "$(dirname "$0")/.."

# PostgreSQL for the store contract tests: a throwaway cluster on loopback when the server binaries are installed
# (../shared/docs/dependencies.md); PG_CS points the tests at it. Without them the PostgreSQL tests are skipped,
# unless REQUIRE_POSTGRES=1 (CI), which makes them fail.
pg_start() {
  if [ -n "${PG_CS:-}" ]; then
    echo "PostgreSQL tests: using PG_CS from the environment"
    return
  fi
  PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || ! id postgres >/dev/null 2>&1; then
    echo "PostgreSQL tests are skipped: PostgreSQL is not installed (apt-get install postgresql)"
    return
  fi
  PGPORT=${PG_TEST_PORT:-55432}
  while (echo >"/dev/tcp/127.0.0.1/$PGPORT") 2>/dev/null; do PGPORT=$((PGPORT + 1)); done  # the first free port
  PGDATA=$(mktemp -d /tmp/pgtest.XXXXXX)
  trap 'runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1; rm -rf "$PGDATA"' EXIT
  chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA" \
    && runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres --auth=trust --encoding=UTF8 --no-locale >/dev/null \
    && runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 30 \
         -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off" start >/dev/null
  if [ $? -eq 0 ]; then
    export PG_CS="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=postgres"
    echo "PostgreSQL tests: throwaway server on 127.0.0.1:$PGPORT"
  else
    echo "PostgreSQL tests are skipped: the throwaway server did not start (needs root for runuser; log: $PGDATA/server.log)"
    tail -5 "$PGDATA/server.log" 2>/dev/null
  fi
}
pg_start

results="TestResults"
rm -rf "$results"
dotnet test ArxivDigest.slnx -c Release --nologo \
  --logger "trx;LogFileName=results.trx" --logger "console;verbosity=normal" \
  --results-directory "$results" "$@"
rc=$?

passed=0; failed=0; skipped=0
for trx in $(find "$results" -name '*.trx' 2>/dev/null); do
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  get() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(get total); p=$(get passed); f=$(get failed); e=$(get error); t=$(get timeout); a=$(get aborted)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0}))
  skipped=$((skipped + ${total:-0} - ${p:-0} - ${f:-0} - ${e:-0} - ${t:-0} - ${a:-0}))
done

if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # The build or the test host failed before any test could report.
  failed=1
fi
echo
echo "$passed passed, $failed failed, $skipped skipped"
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
