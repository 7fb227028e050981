#!/usr/bin/env bash
# bench-durability.sh: the figures of the durability issue, from a release build, on the
# shared dev corpus (or the directory given), with Redis measured in the same run as the
# peer: restart time from a snapshot (to the first answered request), snapshot write time
# and size, `reportctl import` throughput under appendfsync always and everysec (pipelined
# PUTs), and Redis loading an RDB of the same reports / ingesting them with its AOF.
# Prints figures; asserts nothing.
# Usage: scripts/bench-durability.sh [CORPUS_DIR]
set -euo pipefail
bench_name=bench-durability
source "$(dirname "$0")/bench-setup.sh"

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
ctl() { "$bin/reportctl" --socket "$work/r.sock" "$@"; }
# Waits until reportd answers a request (it listens only once the corpus is loaded).
wait_ready() { for _ in $(seq 1 6000); do ctl ping >/dev/null 2>&1 && return 0; sleep 0.005; done; echo "reportd did not answer" >&2; return 1; }
stop_reportd() { kill -TERM "$1"; wait "$1" 2>/dev/null || true; }
snapshot_bytes() { stat -c %s "$1"/snapshot-*.rdsnap | sort -n | tail -1; }

echo "corpus: $corpus ($files reports, $raw bytes)"
echo "machine: $(nproc) cores; $(date -u +%FT%TZ); data directories on $(df --output=fstype "$work" | tail -1)"
echo

# An empty daemon, for the baseline RSS.
"$bin/reportd" --socket "$work/empty.sock" 2>/dev/null & pids+=($!)
for _ in $(seq 1 3000); do "$bin/reportctl" --socket "$work/empty.sock" ping >/dev/null 2>&1 && break; sleep 0.01; done
sleep 0.3
empty_kb=$(awk '/^VmRSS/ {print $2}' "/proc/${pids[-1]}/status"); empty_anon_kb=$(awk '/^RssAnon/ {print $2}' "/proc/${pids[-1]}/status")
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

echo "== first start with --import into an empty data directory (full import, then a snapshot)"
t0=$(now)
"$bin/reportd" --socket "$work/r.sock" --data-dir "$work/data" --import "$corpus" 2> "$work/first.log" & pids+=($!)
wait_ready
t1=$(now)
echo "  start to first answer: $(elapsed "$t0" "$t1") s"
size=$(snapshot_bytes "$work/data")
awk -v s="$size" -v r="$raw" 'BEGIN { printf "  snapshot file %d bytes = %.3f x raw (target <= 0.5)\n", s, s / r }'
echo "== SNAPSHOT of the whole corpus, requested over the socket (3 runs)"
for _ in 1 2 3; do
  t0=$(now); ctl snapshot >/dev/null; t1=$(now)
  echo "  reportctl snapshot: $(elapsed "$t0" "$t1") s"
done
grep -E 'snapshot [0-9]+:' "$work/first.log" | tail -1 | sed -E 's/.*(snapshot [0-9]+:)/  server log: \1/'
stop_reportd "${pids[-1]}"
echo

echo "== restart from the snapshot: exec to first answered request (5 runs; target <= 0.5 s)"
for _ in 1 2 3 4 5; do
  t0=$(now)
  "$bin/reportd" --socket "$work/r.sock" --data-dir "$work/data" 2> "$work/restart.log" & pids+=($!)
  wait_ready
  t1=$(now)
  echo "  restart: $(elapsed "$t0" "$t1") s ($(grep -oE 'data directory .* in [0-9.]+ s' "$work/restart.log" | sed -E 's/.* in ([0-9.]+ s)/recovery \1/'))"
  stop_reportd "${pids[-1]}"
done
echo

for policy in always everysec; do
  echo "== reportctl import into an empty daemon, appendfsync $policy (pipelined PUTs; target <= 10 s with always)"
  "$bin/reportd" --socket "$work/r.sock" --data-dir "$work/import-$policy" --appendfsync "$policy" 2> "$work/import-$policy.log" & pids+=($!)
  wait_ready
  t0=$(now)
  ctl import "$corpus" --quiet | sed 's/^/  /'
  t1=$(now)
  awk -v a="$t0" -v b="$t1" -v n="$files" -v r="$raw" 'BEGIN { printf "  %.2f s: %d PUTs/s, %.1f MB/s\n", b - a, n / (b - a), r / (b - a) / 1e6 }'
  ctl stats | grep -E '^ *(reports|index_segments) ' | sed 's/^/  /'
  grep -cE 'automatic snapshot' "$work/import-$policy.log" | sed 's/^/  automatic snapshots during the import: /'
  # The store started without a dictionary: it trains one in the background and recompresses.
  t0=$(now)
  for _ in $(seq 1 600); do
    ctl stats | grep -qE '^ *dictionaries +1$' && ctl stats | grep -qE '^ *index_pending_docs +0$' && break
    sleep 0.1
  done
  t1=$(now)
  echo "  background dictionary training + recompression finished $(elapsed "$t0" "$t1") s after the import"
  ctl stats | grep -E '^ *compressed_bytes ' | sed 's/^/  /'
  ctl search kinh --count >/dev/null   # flush the last writes into the index
  sleep 3                              # let the background merge and its heap trim finish
  rss=$(awk '/^VmRSS/ {print $2}' "/proc/${pids[-1]}/status"); anon=$(awk '/^RssAnon/ {print $2}' "/proc/${pids[-1]}/status")
  awk -v l="$rss" -v e="$empty_kb" -v la="$anon" -v ea="$empty_anon_kb" -v r="$raw" 'BEGIN {
    printf "  RSS growth over an empty reportd after the import: %.1f MB = %.3f x raw (anonymous %.3f)\n", (l-e)/1024, (l-e)*1024/r, (la-ea)*1024/r }'
  ctl snapshot >/dev/null
  size=$(snapshot_bytes "$work/import-$policy")
  awk -v s="$size" -v r="$raw" 'BEGIN { printf "  snapshot after the import: %d bytes = %.3f x raw\n", s, s / r }'
  stop_reportd "${pids[-1]}"
  echo
done

if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && command -v python3 >/dev/null 2>&1; then
  # RESP SET commands for every report, generated once.
  python3 - "$corpus" > "$work/load.resp" <<'EOF'
import os, sys
d = sys.argv[1]
out = sys.stdout.buffer
for name in sorted(os.listdir(d)):
    if not name.endswith(".txt"):
        continue
    key = name[:-4].encode()
    with open(os.path.join(d, name), "rb") as f:
        value = f.read()
    out.write(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, len(value), value))
EOF
  redis_wait() { for _ in $(seq 1 6000); do [ "$(redis-cli -s "$work/redis.sock" ping 2>/dev/null)" = "PONG" ] && return 0; sleep 0.005; done; return 1; }
  for policy in always everysec; do
    echo "== peer: Redis ingesting the same reports with appendonly yes, appendfsync $policy (redis-cli --pipe)"
    mkdir -p "$work/redis-$policy"
    redis-server --port 0 --unixsocket "$work/redis.sock" --dir "$work/redis-$policy" --save '' --appendonly yes --appendfsync "$policy" --daemonize no >/dev/null 2>&1 & pids+=($!)
    redis_wait
    t0=$(now)
    redis-cli -s "$work/redis.sock" --pipe < "$work/load.resp" | tail -1 | sed 's/^/  /'
    t1=$(now)
    awk -v a="$t0" -v b="$t1" -v n="$files" 'BEGIN { printf "  %.2f s: %d SETs/s\n", b - a, n / (b - a) }'
    redis-cli -s "$work/redis.sock" shutdown nosave >/dev/null 2>&1 || true
    wait "${pids[-1]}" 2>/dev/null || true
    echo
  done
  echo "== peer: Redis restart from an RDB of the same reports (5 runs)"
  mkdir -p "$work/redis-rdb"
  redis-server --port 0 --unixsocket "$work/redis.sock" --dir "$work/redis-rdb" --save '' --appendonly no --daemonize no >/dev/null 2>&1 & pids+=($!)
  redis_wait
  redis-cli -s "$work/redis.sock" --pipe < "$work/load.resp" >/dev/null
  t0=$(now); redis-cli -s "$work/redis.sock" save >/dev/null; t1=$(now)
  echo "  SAVE: $(elapsed "$t0" "$t1") s, dump.rdb $(stat -c %s "$work/redis-rdb/dump.rdb") bytes"
  redis-cli -s "$work/redis.sock" shutdown nosave >/dev/null 2>&1 || true
  wait "${pids[-1]}" 2>/dev/null || true
  for _ in 1 2 3 4 5; do
    t0=$(now)
    redis-server --port 0 --unixsocket "$work/redis.sock" --dir "$work/redis-rdb" --save '' --appendonly no --daemonize no >/dev/null 2>&1 & pids+=($!)
    redis_wait
    t1=$(now)
    echo "  redis restart: $(elapsed "$t0" "$t1") s"
    redis-cli -s "$work/redis.sock" shutdown nosave >/dev/null 2>&1 || true
    wait "${pids[-1]}" 2>/dev/null || true
  done
else
  echo "(redis-server/redis-cli/python3 not installed: apt-get install redis-server to measure the peer)"
fi
