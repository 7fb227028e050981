#!/bin/sh
# uninstall.sh: undo scripts/install.sh.
#
#   sudo scripts/uninstall.sh [--prefix /usr/local] [--dry-run] [--purge]
#
# Stops and disables reportd.socket and reportd.service (when systemd runs), removes the units
# and the binaries. Data and settings are kept unless --purge: /var/lib/reportd,
# /etc/reportd and the reportd user and group (a system user's files may outlive the package,
# so Debian leaves such accounts in place by default as well).
set -eu

prefix=/usr/local
dry_run=0
purge=0
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "uninstall.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix=$2; shift ;;
        --prefix=*) prefix=${1#--prefix=} ;;
        --dry-run) dry_run=1 ;;
        --purge) purge=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "uninstall.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

run() {
    echo "+ $*"
    [ "$dry_run" = 1 ] || "$@"
}

if [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "uninstall.sh: must run as root, or use --dry-run" >&2
    exit 1
fi

if [ -d /run/systemd/system ]; then
    # The socket first: otherwise a connection could start the service again.
    run systemctl disable --now reportd.socket || true
    run systemctl disable --now reportd.service || true
fi

for path in /etc/systemd/system/reportd.service /etc/systemd/system/reportd.socket \
    "$prefix/bin/reportd" "$prefix/bin/reportctl" \
    "$prefix/share/man/man1/reportd.1" "$prefix/share/man/man1/reportctl.1" \
    /usr/share/bash-completion/completions/reportctl /usr/share/zsh/vendor-completions/_reportctl \
    /usr/share/fish/vendor_completions.d/reportctl.fish; do
    if [ -e "$path" ]; then run rm -f "$path"; fi
done

if [ -d /run/systemd/system ]; then
    run systemctl daemon-reload
fi

if [ "$purge" = 1 ]; then
    for path in /var/lib/reportd /etc/reportd; do
        if [ -e "$path" ]; then run rm -rf "$path"; fi
    done
    if getent passwd reportd >/dev/null; then run userdel reportd; fi
    if getent group reportd >/dev/null; then run groupdel reportd; fi
else
    echo "kept: /var/lib/reportd, /etc/reportd and user/group reportd (use --purge to remove them)"
fi
if [ "$dry_run" = 1 ]; then echo "dry run: nothing was changed"; else echo "reportd uninstalled"; fi
