#!/usr/bin/env bash
# bench.sh: the benchmark figures quoted in issues and release notes, from a release
# build, on the shared dev corpus (or the directory given), with Redis measured in the
# same run as the peer. Prints figures; asserts nothing.
# Usage: scripts/bench.sh [CORPUS_DIR]   (default: ../shared/corpus/vn-news-dev or $REPORTD_CORPUS)
set -euo pipefail
bench_name=bench
source "$(dirname "$0")/bench-setup.sh"

rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
anon_kb() { awk '/^RssAnon/ {print $2}' "/proc/$1/status"; }
wait_sock() { for _ in $(seq 1 3000); do [ -S "$1" ] && return 0; sleep 0.01; done; echo "bench: $1 did not appear" >&2; return 1; }

echo "corpus: $corpus ($files reports, $raw bytes)"
echo "machine: $(nproc) cores; $(date -u +%FT%TZ)"
echo

# An empty daemon, for the baseline RSS.
"$bin/reportd" --socket "$work/empty.sock" 2>/dev/null & pids+=($!)
wait_sock "$work/empty.sock"; sleep 0.3
empty_kb=$(rss_kb "${pids[-1]}")
empty_anon_kb=$(anon_kb "${pids[-1]}")

# Text alone (no index), for the foundation issue's memory target.
"$bin/reportd" --socket "$work/text.sock" --import "$corpus" --no-search-index 2>/dev/null & pids+=($!)
tpid=${pids[-1]}
for _ in $(seq 1 3000); do "$bin/reportctl" --socket "$work/text.sock" ping >/dev/null 2>&1 && break; sleep 0.01; done
sleep 0.5
text_kb=$(rss_kb "$tpid"); text_anon_kb=$(anon_kb "$tpid")
kill "$tpid"; wait "$tpid" 2>/dev/null || true

# The loaded daemon: import time is start-to-listening, as an operator waits for it.
t0=$(date +%s.%N)
"$bin/reportd" --socket "$work/r.sock" --import "$corpus" 2> "$work/reportd.log" & pids+=($!)
dpid=${pids[-1]}
wait_sock "$work/r.sock"
t1=$(date +%s.%N)
sleep 0.5
loaded_kb=$(rss_kb "$dpid")
loaded_anon_kb=$(anon_kb "$dpid")
echo "== reportd import"
grep -E 'imported' "$work/reportd.log" | sed 's/^/  /'
awk -v a="$t0" -v b="$t1" 'BEGIN { printf "  start to listening: %.2f s (targets: <= 5 s without the index, <= 8 s with it)\n", b - a }'
"$bin/reportctl" --socket "$work/r.sock" stats | grep -E '^ *(reports|raw_bytes|compressed_bytes|dictionary_bytes|index_bytes|index_terms) ' | sed 's/^ */  /'
index_bytes=$("$bin/reportctl" --socket "$work/r.sock" stats --json | sed -E 's/.*"index_bytes":([0-9]+).*/\1/')
awk -v i="$index_bytes" -v r="$raw" 'BEGIN { printf "  index = %.3f x raw (target <= 0.25)\n", i / r }'
awk -v e="$empty_kb" -v l="$loaded_kb" -v r="$raw" 'BEGIN {
  g = (l - e) * 1024
  printf "  RSS empty %.1f MB, loaded %.1f MB, growth %.1f MB = %.3f x raw (targets: text alone <= 0.4, text+index <= 0.6)\n", e/1024, l/1024, g/1048576, g / r }'
awk -v e="$empty_anon_kb" -v l="$loaded_anon_kb" -v r="$raw" 'BEGIN {
  g = (l - e) * 1024
  printf "  of which anonymous memory (RssAnon: heap and mappings, not library code pages): growth %.1f MB = %.3f x raw\n", g/1048576, g / r }'
awk -v e="$empty_kb" -v l="$text_kb" -v ea="$empty_anon_kb" -v la="$text_anon_kb" -v r="$raw" 'BEGIN {
  printf "  text alone (--no-search-index): RSS growth %.1f MB = %.3f x raw, anonymous %.3f x raw (target <= 0.4)\n", (l-e)/1024, (l-e)*1024/r, (la-ea)*1024/r }'
echo

echo "== SEARCH over the socket (reportbench search, scripts/queries.tsv)"
"$bin/reportbench" search --socket "$work/r.sock" --queries scripts/queries.tsv | sed 's/^/  /'
echo "  -- the same queries asking for ids and scores only (flag IDS_ONLY), like FTS5's rowid page below:"
"$bin/reportbench" search --socket "$work/r.sock" --queries scripts/queries.tsv --ids-only | sed 's/^/  /'
echo
if command -v python3 >/dev/null 2>&1; then
  echo "== SQLite FTS5 in-process on the same reports and queries (scripts/bench_fts5.py)"
  python3 scripts/bench_fts5.py --corpus "$corpus" --queries scripts/queries.tsv --db "$work/fts5.db" | sed 's/^/  /'
  echo
fi

redis_args=()
if command -v redis-server >/dev/null 2>&1; then
  redis-server --port 0 --unixsocket "$work/redis.sock" --save '' --appendonly no --daemonize no >/dev/null 2>&1 & pids+=($!)
  rpid=${pids[-1]}
  wait_sock "$work/redis.sock"; sleep 0.2
  redis_empty_kb=$(rss_kb "$rpid")
  redis_args=(--redis-socket "$work/redis.sock")
else
  echo "(redis-server not installed: apt-get install redis-server to measure the peer)"
fi
echo "== GET / MGET over the socket (reportbench server)"
"$bin/reportbench" server --socket "$work/r.sock" --corpus "$corpus" "${redis_args[@]}" | sed 's/^/  /'
if [ -n "${rpid:-}" ]; then
  redis_loaded_kb=$(rss_kb "$rpid")
  awk -v e="$redis_empty_kb" -v l="$redis_loaded_kb" -v r="$raw" 'BEGIN {
    printf "  redis RSS growth holding the same reports: %.1f MB = %.3f x raw\n", (l-e)/1024, (l - e) * 1024 / r }'
fi
