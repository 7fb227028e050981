#!/usr/bin/env bash
# bench-scale.sh: search cost at 4x the corpus. Replicates the corpus 4 times under new ids (0<id>,
# 1<id>, 2<id>, 3<id>: 40,000 reports from the dev corpus), serves it from a release reportd, and
# prints each query class's p50/p99 through the socket (reportbench search, scripts/queries.tsv,
# with titles and snippets and ids only) beside SQLite FTS5 in-process on the same reports and
# queries in the same run (scripts/bench_fts5.py). The `question` class (8-12 words) is best match.
# Prints figures; asserts nothing. Usage: scripts/bench-scale.sh [CORPUS_DIR] [COPIES]
set -euo pipefail
bench_name=bench-scale
source "$(dirname "$0")/bench-setup.sh"
copies="${2:-4}"
mkdir -p "$work/corpus"
for k in $(seq 0 $((copies - 1))); do
  for f in "$corpus"/*.txt; do cp "$f" "$work/corpus/$k$(basename "$f")"; done
done
echo "corpus: $corpus x $copies = $(ls "$work/corpus" | wc -l) reports, $(find "$work/corpus" -name '*.txt' -exec cat {} + | wc -c) bytes"
echo "machine: $(nproc) cores; $(date -u +%FT%TZ)"
"$bin/reportd" --socket "$work/r.sock" --import "$work/corpus" 2>"$work/reportd.log" & pids+=($!)
for _ in $(seq 1 12000); do "$bin/reportctl" --socket "$work/r.sock" ping >/dev/null 2>&1 && break; sleep 0.01; done
"$bin/reportctl" --socket "$work/r.sock" stats | grep -E '^ *(reports|raw_bytes|index_bytes) ' | sed 's/^/  /'
echo "== SEARCH over the socket (reportbench search, scripts/queries.tsv)"
"$bin/reportbench" search --socket "$work/r.sock" --queries scripts/queries.tsv | sed 's/^/  /'
echo "  -- ids and scores only (flag IDS_ONLY):"
"$bin/reportbench" search --socket "$work/r.sock" --queries scripts/queries.tsv --ids-only | sed 's/^/  /'
if command -v python3 >/dev/null 2>&1; then
  echo "== SQLite FTS5 in-process on the same reports and queries (scripts/bench_fts5.py)"
  python3 scripts/bench_fts5.py --corpus "$work/corpus" --queries scripts/queries.tsv --db "$work/fts5.db" --repetitions 10 | sed 's/^/  /'
fi
