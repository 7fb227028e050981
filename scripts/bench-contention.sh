#!/usr/bin/env bash
# bench-contention.sh: GET latency on one connection while other connections loop the heaviest
# valid searches (prefix and OR expansions, 100 hits) — issue 8's "no client can starve the
# others" target (GET p99 <= 5 ms with 4 such loops). Release build, the dev corpus (or the
# directory given); the same GET loop on an idle daemon first, for the ratio. Prints figures;
# asserts nothing. As root, also a SEARCH from one user while another floods the pool.
# Usage: scripts/bench-contention.sh [CORPUS_DIR] [LOOPS]   (default 4 search loops)
set -euo pipefail
bench_name=bench-contention
source "$(dirname "$0")/bench-setup.sh"
loops="${2:-4}"
"$bin/reportd" --socket "$work/r.sock" --import "$corpus" 2>/dev/null & pids+=($!)
for _ in $(seq 1 6000); do "$bin/reportctl" --socket "$work/r.sock" ping >/dev/null 2>&1 && break; sleep 0.01; done
echo "corpus: $corpus ($files reports); machine: $(nproc) cores; $(date -u +%FT%TZ)"
echo "== GET, 1 connection, idle daemon"
"$bin/reportbench" server --socket "$work/r.sock" --corpus "$corpus" --gets 5000 --seconds 1 | grep 'GET, 1 connection' | sed 's/^/  /'
echo "== GET, 1 connection, while $loops connections loop heavy searches (--fold, 100 ids a page)"
for _ in $(seq 1 "$loops"); do
  # Bounded: at most 200,000 queries a loop, and the EXIT trap ends them.
  ( while :; do printf '%s\n' '"thành phố Hồ Chí Minh" OR kinh* OR nguoi' 'ngh* thu* viet*' 'dang OR nguoi OR tien'; done | head -n 200000 \
      | "$bin/reportctl" --socket "$work/r.sock" search - --fold --ids-only --limit 100 --json > /dev/null 2>&1 ) & pids+=($!)
done
sleep 1
"$bin/reportbench" server --socket "$work/r.sock" --corpus "$corpus" --gets 5000 --seconds 1 | grep 'GET, 1 connection' | sed 's/^/  /'
echo "  (target: p99 <= 5000 µs)"
# One user's flood against another user's searches: the pool's reads take turns by peer uid
# (FairWorkQueue), so a cheap SEARCH waits for at most one job per other user, not their queue.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
  kill "${pids[@]}" 2>/dev/null || true
  wait 2>/dev/null || true
  pids=()
  chmod 755 "$work"
  "$bin/reportd" --socket "$work/u.sock" --socket-mode 0666 --import "$corpus" 2>/dev/null & pids+=($!)
  for _ in $(seq 1 6000); do "$bin/reportctl" --socket "$work/u.sock" ping >/dev/null 2>&1 && break; sleep 0.01; done
  grep -P '^rare\t' scripts/queries.tsv > "$work/rare.tsv"
  if ! setpriv --reuid 65534 --regid 65534 --clear-groups "$bin/reportctl" --socket "$work/u.sock" ping >/dev/null 2>&1; then
    echo "== (skipped: uid 65534 cannot run $bin/reportctl or reach the socket; the flood would not happen)"
    exit 0
  fi
  echo "== SEARCH (rare words, titles and snippets) as root, idle daemon"
  "$bin/reportbench" search --socket "$work/u.sock" --queries "$work/rare.tsv" --rounds 20 | sed -n 2p | sed 's/^/  /'
  echo "== the same while uid 65534 pipelines heavy searches (1,000 hits with snippets) on 16 connections"
  for _ in $(seq 1 16); do
    # Ends with reportd (the EXIT trap kills it first: pids[0]), or after 20,000 queries.
    ( while :; do echo 'các OR người OR Huế OR vàng OR ph* OR th* OR tr*'; done | head -n 20000 \
        | setpriv --reuid 65534 --regid 65534 --clear-groups "$bin/reportctl" --socket "$work/u.sock" search - --limit 1000 --json > /dev/null 2>&1 ) & pids+=($!)
  done
  sleep 2
  "$bin/reportbench" search --socket "$work/u.sock" --queries "$work/rare.tsv" --rounds 20 | sed -n 2p | sed 's/^/  /'
  echo "  (FIFO across connections, before FairWorkQueue: each such search waited for the 16 queued ahead)"
fi
