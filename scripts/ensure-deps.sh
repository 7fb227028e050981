#!/usr/bin/env bash
# ensure-deps.sh: installs the Debian packages the build and tests need, if missing.
# zlib1g-dev: the CZlib system library. systemd: systemd-analyze and
# systemd-socket-activate for the unit and activation tests (not run as PID 1).
# With --bench it also installs the peers the benchmarks measure: redis-server (and redis-cli),
# python3 (SQLite FTS5 through its sqlite3 module).
set -euo pipefail
need=()
if [ "${1:-}" = "--bench" ]; then
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
fi
pkg-config --exists zlib 2>/dev/null || need+=(zlib1g-dev)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ ${#need[@]} -eq 0 ] && exit 0
echo "ensure-deps: installing ${need[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
