#!/usr/bin/env bash
# ensure-deps.sh: installs the Debian packages the build and tests need, if missing.
# zlib1g-dev: the CZlib system library (deflate). libisal-dev: the CIsal system library (ISA-L's
# inflate and CRC-32). libedit-dev: the CEditLine system library (the
# line editor of `reportctl shell`). systemd: systemd-analyze and systemd-socket-activate for
# the unit and activation tests (not run as PID 1). python3-prometheus-client: the reference
# parser the tests read `reportctl stats --prometheus` with.
# With --bench it also installs the peers the benchmarks measure: redis-server (and redis-cli),
# python3 (SQLite FTS5 through its sqlite3 module).
set -euo pipefail
need=()
if [ "${1:-}" = "--bench" ]; then
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
  command -v python3 >/dev/null 2>&1 || need+=(python3)
fi
pkg-config --exists zlib 2>/dev/null || need+=(zlib1g-dev)
pkg-config --exists libisal 2>/dev/null || need+=(libisal-dev)
pkg-config --exists libedit 2>/dev/null || need+=(libedit-dev)
/usr/bin/python3 -c 'import prometheus_client' 2>/dev/null || need+=(python3-prometheus-client)
command -v systemd-analyze >/dev/null 2>&1 || need+=(systemd)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
[ ${#need[@]} -eq 0 ] && exit 0
echo "ensure-deps: installing ${need[*]}" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
