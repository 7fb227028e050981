#!/usr/bin/env bash
# generate-docs.sh: regenerates docs/man/reportd.1 and reportctl.1 from the executables' own
# argument definitions (`--experimental-dump-help`), through scripts/man-from-help.py, which
# keeps the UTF-8 of the help texts (swift-argument-parser's generate-manual plugin drops every
# non-ASCII character). Run after changing any command's options or help text, and commit the
# result; HelpTests checks the pages name every reportctl subcommand, keep their Vietnamese and
# make `man -l` print no warnings.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/man
mkdir -p "$out"
swift build --product reportd >/dev/null
swift build --product reportctl >/dev/null
bin=$(swift build --show-bin-path)
for tool in reportd reportctl; do
    "$bin/$tool" --experimental-dump-help | python3 scripts/man-from-help.py "$tool" "$(date -u +%F)" > "$out/$tool.1"
done
ls "$out"
