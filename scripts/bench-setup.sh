# bench-setup.sh: sourced by the bench scripts (not run): resolves the corpus (first argument,
# else $REPORTD_CORPUS, else ../shared/corpus/vn-news-dev; exits 0 with a note when it is
# missing), installs the peers, builds release, and sets $corpus, $bin, $work, $raw, $files and
# the pids array that the EXIT trap kills. Expects $bench_name and the script's "$@".
cd "$(dirname "${BASH_SOURCE[0]}")/.."
corpus="${1:-${REPORTD_CORPUS:-../shared/corpus/vn-news-dev}}"
if [ ! -d "$corpus" ]; then
  echo "$bench_name: corpus $corpus not found; skipping (give a directory of .txt reports)"
  exit 0
fi
corpus="$(cd "$corpus" && pwd)"
scripts/ensure-deps.sh --bench
swift build -c release 2>&1 | grep -E 'error|Build complete' || true
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d "/tmp/reportd-$bench_name.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
raw=$(cat "$corpus"/*.txt | wc -c)
files=$(ls "$corpus" | grep -c '\.txt$')
