#!/usr/bin/env bash
# generate-docs.sh: regenerates docs/man/*.1 from the executables' argument definitions
# (swift-argument-parser's generate-manual plugin). Run after changing any command's
# options or help text, and commit the result; a test checks the pages name every
# reportctl subcommand.
set -euo pipefail
cd "$(dirname "$0")/.."
out=docs/man
mkdir -p "$out"
swift package --allow-writing-to-package-directory --allow-writing-to-directory "$out" \
    generate-manual --output-directory "$out" --date "$(date -u +%F)" >/dev/null
rm -f "$out/reportbench.1"
ls "$out"
