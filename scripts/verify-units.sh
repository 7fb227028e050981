#!/bin/sh
# verify-units.sh: check the units in scripts/ (reportd.service, reportd.socket,
# reportd-prometheus.service and .timer) with systemd-analyze.
#
# `systemd-analyze verify` fails when ExecStart='s binary does not exist, and only WARNS (exit 0)
# on unknown keys or bad values. So: copy the units to a temp dir, point ExecStart/ExecReload at
# a staged executable inside it, run verify there, and fail on ANY output on stderr.
#
# User=/Group=/SocketGroup= name `reportd`, which does not exist before install.sh runs. systemd
# 252's verify does not resolve those names, but a newer one might complain; if user `reportd`
# is missing we therefore verify a second copy with reportd replaced by `root` as well — every
# other line is identical, so the unit's syntax is still fully checked — and print which copy ran.
#
# Usage: scripts/verify-units.sh        exit 0: clean; 1: systemd-analyze complained; 2: cannot run
set -eu

here=$(cd "$(dirname "$0")" && pwd)

if ! command -v systemd-analyze >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "verify-units: installing systemd for systemd-analyze" >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends systemd >/dev/null
    else
        echo "verify-units: systemd-analyze not found (apt-get install systemd, as root)" >&2
        exit 2
    fi
fi

units="reportd.socket reportd.service reportd-prometheus.service reportd-prometheus.timer"
work=$(mktemp -d "${TMPDIR:-/tmp}/reportd-verify.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# stage DIR SUBST: copy both units into DIR with ExecStart/ExecReload rewritten to a staged
# executable; SUBST=1 also replaces the reportd account with root.
stage() {
    mkdir -p "$1"
    cp /bin/true "$1/reportd"
    cp /bin/true "$1/reportctl"
    for unit in $units; do
        sed -e "s|^ExecStart=/usr/local/bin/reportd|ExecStart=$1/reportd|" \
            -e "s|^ExecStart=/usr/local/bin/reportctl|ExecStart=$1/reportctl|" \
            -e "s|^ExecReload=/bin/kill|ExecReload=$1/reportd|" \
            "$here/$unit" > "$1/$unit"
        if [ "$2" = 1 ]; then
            sed -i -e 's/^User=reportd$/User=root/' -e 's/^Group=reportd$/Group=root/' \
                -e 's/^SocketGroup=reportd$/SocketGroup=root/' "$1/$unit"
        fi
    done
    # Guard against a silent no-op: the rewrite must have hit both lines.
    grep -q "^ExecStart=$1/reportd " "$1/reportd.service" && grep -q "^ExecReload=$1/reportd " "$1/reportd.service" \
        && grep -q "^ExecStart=$1/reportctl " "$1/reportd-prometheus.service" || {
        echo "verify-units: could not rewrite ExecStart/ExecReload in the service units" >&2
        exit 2
    }
}

# check DIR LABEL: run verify in DIR; print everything; fail on a non-zero exit or any stderr.
check() {
    status=0
    (cd "$1" && SYSTEMD_LOG_COLOR=0 systemd-analyze verify $(for unit in $units; do echo "$1/$unit"; done)) \
        >"$1/out" 2>"$1/err" || status=$?
    cat "$1/out"
    if [ "$status" -ne 0 ] || [ -s "$1/err" ]; then
        echo "verify-units: FAIL ($2): systemd-analyze exit $status, stderr:" >&2
        cat "$1/err" >&2
        return 1
    fi
    echo "verify-units: ok ($2)"
}

failed=0
stage "$work/as-written" 0
check "$work/as-written" "units as written, User=reportd" || failed=1
if ! getent passwd reportd >/dev/null 2>&1; then
    stage "$work/as-root" 1
    check "$work/as-root" "user reportd missing here: same units with User/Group=root" || failed=1
fi
exit $failed
