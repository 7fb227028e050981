#!/usr/bin/env bash
# run-local.sh: the main job on a fresh machine. Builds reportd and reportctl,
# generates a sample corpus (the project's own synthetic reports), starts reportd on a
# socket in a temp dir with a data directory, queries it with reportctl, writes a report,
# kills reportd with SIGKILL and restarts it to show the write survived, and leaves it
# running until Ctrl-C.
# Usage: scripts/run-local.sh [--release] [--corpus DIR] [--no-wait]
set -eu
cd "$(dirname "$0")/.."
config=debug; corpus=""; wait=1
while [ $# -gt 0 ]; do
  case "$1" in
    --release) config=release ;;
    --corpus) corpus="$2"; shift ;;
    --no-wait) wait=0 ;;
    *) echo "usage: $0 [--release] [--corpus DIR] [--no-wait]" >&2; exit 64 ;;
  esac
  shift
done
scripts/ensure-deps.sh
echo "==> building ($config)"
if ! swift build -c "$config" > /tmp/reportd-build.log 2>&1; then
  grep -E 'error' /tmp/reportd-build.log | head -20; echo "build failed (full log: /tmp/reportd-build.log)" >&2; exit 1
fi
tail -1 /tmp/reportd-build.log
bin="$(swift build -c "$config" --show-bin-path)"
work="$(mktemp -d /tmp/reportd-demo.XXXXXX)"
if [ -z "$corpus" ]; then
  corpus="$work/corpus"
  "$bin/reportbench" generate --out "$corpus" --count 2000
fi
sock="$work/reportd.sock"
export REPORTD_SOCKET="$sock"
start_reportd() {
  "$bin/reportd" --socket "$sock" --data-dir "$work/data" --import "$corpus" 2>> "$work/reportd.log" &
  pid=$!
  for _ in $(seq 1 300); do "$bin/reportctl" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  cat "$work/reportd.log"; echo "reportd did not start" >&2; exit 1
}
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$work"' EXIT
start_reportd
first="$(ls "$corpus" | head -n 1)"; id="${first%.txt}"
run() { echo; echo "\$ $*"; "$@"; }
run "$bin/reportctl" ping
run "$bin/reportctl" stats
echo; echo "\$ reportctl get $id | head -n 5"; "$bin/reportctl" get "$id" | head -n 5
echo; echo "\$ reportctl get $id | cmp - $corpus/$first && echo byte-identical"
"$bin/reportctl" get "$id" | cmp - "$corpus/$first" && echo byte-identical
echo; echo "\$ ls $corpus | head -3 | cut -d. -f1 | reportctl get - --json | cut -c1-100"
ls "$corpus" | head -3 | cut -d. -f1 | "$bin/reportctl" get - --json | cut -c1-100
run "$bin/reportctl" search 'Bộ Công Thương' --limit 2
run "$bin/reportctl" count dang uy
echo; echo "\$ echo no-such-id | reportctl get - --json; echo exit=\$?"
set +e; echo no-such-id | "$bin/reportctl" get - --json; echo "exit=$?"; set -e
# Writes: acknowledged once logged; they survive kill -9.
printf 'Báo cáo thử nghiệm ghi\nMột báo cáo mới, thêm bằng reportctl put.\n' > "$work/9001.txt"
run "$bin/reportctl" put "$work/9001.txt"
run "$bin/reportctl" search '"thu nghiem ghi"' --count
run "$bin/reportctl" snapshot
echo; echo "\$ kill -9 reportd; reportd --data-dir ... (restart from the snapshot and the log)"
kill -9 $pid; wait $pid 2>/dev/null || true
start_reportd
run "$bin/reportctl" get 9001
echo; echo "reportd log:"; sed 's/^/  /' "$work/reportd.log"
if [ "$wait" = 1 ]; then
  echo; echo "reportd is running on $sock (REPORTD_SOCKET is set in this script only)."
  echo "Try: $bin/reportctl --socket $sock    (an interactive shell: search Bộ Công Thương, get ID, stats)"
  echo "Press Ctrl-C to stop."
  wait $pid
fi
