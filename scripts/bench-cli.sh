#!/usr/bin/env bash
# bench-cli.sh: reportctl's batch and streaming figures, from a release build:
#   - `get -` of every id of the corpus (JSON Lines and text) and `search -` of 1,000 queries
#     (scripts/queries.tsv repeated), best of 5 wall-clock runs each after a warm-up run, output
#     to /dev/null;
#   - the time from writing one id to `get -` (stdin kept open) to reading its answer, and the
#     same for one query to `search -`: 20 samples each, median and worst.
# With REPORTCTL_BASELINE=/path/to/an/older/reportctl the batch runs alternate between the two
# binaries and the ratio is printed (new / baseline; below 1 is faster).
#
# Usage: scripts/bench-cli.sh [CORPUS_DIR]   (default: ../shared/corpus/vn-news-dev)
set -euo pipefail
bench_name=bench-cli
source "$(dirname "$0")/bench-setup.sh"

"$bin/reportd" --socket "$work/r.sock" --import "$corpus" 2> "$work/reportd.log" & pids+=($!)
for _ in $(seq 1 3000); do "$bin/reportctl" --socket "$work/r.sock" ping >/dev/null 2>&1 && break; sleep 0.01; done
ls "$corpus" | grep '\.txt$' | sed 's/\.txt$//' > "$work/ids"
grep -v '^#' scripts/queries.tsv | cut -f2 > "$work/q"
: > "$work/queries"
while [ "$(wc -l < "$work/queries")" -lt 1000 ]; do cat "$work/q" >> "$work/queries"; done
head -n 1000 "$work/queries" > "$work/q1000"

# seconds BINARY INPUT ARGS...: wall-clock seconds of one run.
seconds() {
  local binary=$1 input=$2; shift 2
  local start end
  start=$(date +%s.%N)
  "$binary" --socket "$work/r.sock" "$@" < "$input" > /dev/null || true
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
min() { echo "if ($1 < $2) $1 else $2" | bc; }

echo "== batches ($(wc -l < "$work/ids") ids, 1000 queries), best of 5 after one warm-up run"
for run in "get - --json:ids:get - --json" "get - (text):ids:get -" "search - --json:q1000:search - --json"; do
  label=${run%%:*}; rest=${run#*:}; input=$work/${rest%%:*}; args=${rest#*:}
  # shellcheck disable=SC2086
  seconds "$bin/reportctl" "$input" $args > /dev/null
  new=999; old=999
  # The two binaries alternate, so that both see the same machine load.
  for _ in 1 2 3 4 5; do
    # shellcheck disable=SC2086
    new=$(min "$new" "$(seconds "$bin/reportctl" "$input" $args)")
    if [ -n "${REPORTCTL_BASELINE:-}" ]; then
      # shellcheck disable=SC2086
      old=$(min "$old" "$(seconds "$REPORTCTL_BASELINE" "$input" $args)")
    fi
  done
  if [ -n "${REPORTCTL_BASELINE:-}" ]; then
    printf '  %s: %.3f s (baseline %.3f s, ratio %.2f)\n' "$label" "$new" "$old" "$(echo "scale=3; $new / $old" | bc)"
  else
    printf '  %s: %.3f s\n' "$label" "$new"
  fi
done

echo "== first answer while stdin stays open (20 samples: median, worst)"
python3 - "$bin/reportctl" "$work/r.sock" "$work/ids" <<'PY'
import os, select, statistics, subprocess, sys, time
binary, socket, ids_file = sys.argv[1:4]
ids = open(ids_file).read().split()[:20]
for mode, lines in (("get", ids), ("search", ["kinh tế", "Hà Nội", "Bộ Công Thương", "dang uy"] * 5)):
    child = subprocess.Popen([binary, "--socket", socket, mode, "-", "--json"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    time.sleep(0.3)  # connected and waiting, as a coprocess would be
    samples = []
    for line in lines:
        start = time.monotonic()
        child.stdin.write((line + "\n").encode()); child.stdin.flush()
        answer = b""
        while not answer.endswith(b"\n"):
            ready, _, _ = select.select([child.stdout], [], [], 10)
            if not ready:
                sys.exit("%s -: no answer within 10 s while stdin was open" % mode)
            answer += os.read(child.stdout.fileno(), 1 << 20)
        samples.append((time.monotonic() - start) * 1000)
    child.stdin.close(); child.wait()
    print("  %s -: first answer %.1f ms median, %.1f ms worst (target: within 50 ms)" % (mode, statistics.median(samples), max(samples)))
PY
