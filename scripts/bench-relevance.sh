#!/usr/bin/env bash
# bench-relevance.sh: known-item relevance of search (MRR@10) for reportd's best match, its strict
# page (--all) and SQLite FTS5's bm25 over an OR of the words, on query sets generated from the
# corpus (scripts/bench_relevance.py says how). Release build. Prints figures; asserts nothing.
# Usage: scripts/bench-relevance.sh [CORPUS_DIR] [--per-set N]   (default corpus as in bench.sh)
set -euo pipefail
bench_name=bench-relevance
source "$(dirname "$0")/bench-setup.sh"
shift || true
"$bin/reportd" --socket "$work/r.sock" --import "$corpus" 2>/dev/null & pids+=($!)
for _ in $(seq 1 6000); do "$bin/reportctl" --socket "$work/r.sock" ping >/dev/null 2>&1 && break; sleep 0.01; done
python3 scripts/bench_relevance.py --corpus "$corpus" --reportctl "$bin/reportctl" --socket "$work/r.sock" \
  --db "$work/fts5.db" "$@"
