#!/usr/bin/env bash
# bench-soak.sh: a sustained replace load (reportbench soak, release build): writer threads
# replace random reports of the first 3,000 of the corpus while readers GET and search, for
# minutes; prints index and text memory as ratios to a fresh import every interval, then against
# a fresh import of the reports live at the end. Targets: index <= 1.5 x, texts <= 1.2 x, RSS
# levelling off. Prints figures; asserts nothing.
# Usage: scripts/bench-soak.sh [CORPUS_DIR] [SECONDS]   (default 180 s)
set -euo pipefail
bench_name=bench-soak
source "$(dirname "$0")/bench-setup.sh"
echo "corpus: $corpus; machine: $(nproc) cores; $(date -u +%FT%TZ)"
"$bin/reportbench" soak --corpus "$corpus" --seconds "${2:-180}"
