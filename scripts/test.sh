#!/usr/bin/env bash
# test.sh: the project's test command (README, .ci/run). Installs missing system
# packages, then builds everything and runs every test target.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-deps.sh
# Progress lines are dropped; pipefail keeps swift build's exit status.
swift build --build-tests 2>&1 | { grep -v '^\[' || true; }
# --disable-xctest: every test is a swift-testing @Test; the XCTest runner would only print
# "Executed 0 tests" and hide the lines that matter.
swift test --skip-build --disable-xctest 2>&1
