#!/bin/sh
# install.sh: build reportd and install it as a socket-activated systemd service.
#
#   sudo scripts/install.sh [--prefix /usr/local] [--dry-run] [--skip-build]
#
# Steps (each skipped when already done, so running it again is safe):
#   1. zlib1g-dev (and pkg-config) via apt-get, if pkg-config cannot find zlib
#   2. swift build -c release (as $SUDO_USER when run through sudo, so .build stays theirs)
#   3. reportd, reportctl -> PREFIX/bin
#   4. system group and user `reportd` (no home, nologin shell)
#   5. /etc/reportd/reportd.conf from scripts/reportd.conf — never overwrites an existing file
#   6. reportd.service, reportd.socket -> /etc/systemd/system (ExecStart rewritten for PREFIX)
#   7. systemctl daemon-reload when systemd is running as PID 1; otherwise prints what to do
# --dry-run prints every command instead of running it (root not needed).
set -eu

prefix=/usr/local
dry_run=0
skip_build=0
usage() { awk 'NR == 1 { next } /^#/ { sub(/^# ?/, ""); print; next } { exit }' "$0"; }
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) [ $# -ge 2 ] || { echo "install.sh: --prefix needs a directory" >&2; exit 2; }
                  prefix=$2; shift ;;
        --prefix=*) prefix=${1#--prefix=} ;;
        --dry-run) dry_run=1 ;;
        --skip-build) skip_build=1 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done
case "$prefix" in /*) ;; *) echo "install.sh: --prefix must be absolute" >&2; exit 2 ;; esac

repo=$(cd "$(dirname "$0")/.." && pwd)
unit_dir=/etc/systemd/system
config_dir=/etc/reportd

# run CMD...: print it; execute unless --dry-run.
run() {
    echo "+ $*"
    [ "$dry_run" = 1 ] || "$@"
}

if [ "$dry_run" = 0 ] && [ "$(id -u)" != 0 ]; then
    echo "install.sh: must run as root (try: sudo $0 $*), or use --dry-run" >&2
    exit 1
fi

# 1. zlib headers for the CZlib system library (found through pkg-config, so that too).
if pkg-config --exists zlib 2>/dev/null; then
    echo "zlib: present"
else
    # Stale package lists are the usual reason an install fails: update once, then retry.
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y pkg-config zlib1g-dev || {
        run apt-get update
        run env DEBIAN_FRONTEND=noninteractive apt-get install -y pkg-config zlib1g-dev
    }
fi

# 2. Release build.
if [ "$skip_build" = 1 ]; then
    echo "build: skipped (--skip-build); using $repo/.build/release"
else
    swift=$(command -v swift || true)
    if [ -z "$swift" ]; then
        echo "install.sh: swift not in PATH (sudo resets PATH: try sudo env PATH=\"\$PATH\" $0)" >&2
        exit 1
    fi
    if [ -n "${SUDO_USER:-}" ] && [ "$SUDO_USER" != root ]; then
        run runuser -u "$SUDO_USER" -- env PATH="$PATH" "$swift" build -c release --package-path "$repo" \
            --product reportd
        run runuser -u "$SUDO_USER" -- env PATH="$PATH" "$swift" build -c release --package-path "$repo" \
            --product reportctl
    else
        run "$swift" build -c release --package-path "$repo" --product reportd
        run "$swift" build -c release --package-path "$repo" --product reportctl
    fi
fi

# 3. Binaries.
for binary in reportd reportctl; do
    if [ "$dry_run" = 0 ] && [ ! -x "$repo/.build/release/$binary" ]; then
        echo "install.sh: $repo/.build/release/$binary missing; build first" >&2
        exit 1
    fi
    run install -D -m 0755 "$repo/.build/release/$binary" "$prefix/bin/$binary"
done

# 4. Account. --system: uid below 1000, no aging; no home, nologin: nobody logs in as reportd.
if getent group reportd >/dev/null; then
    echo "group reportd: present"
else
    run groupadd --system reportd
fi
if getent passwd reportd >/dev/null; then
    echo "user reportd: present"
else
    run useradd --system --no-create-home --home-dir /var/lib/reportd --shell /usr/sbin/nologin \
        --gid reportd --comment "reportd report store" reportd
fi

# 5. Configuration: root-owned, readable by the daemon's group; an operator's file is kept.
run install -d -m 0755 "$config_dir"
if [ -e "$config_dir/reportd.conf" ]; then
    echo "config: $config_dir/reportd.conf exists, left unchanged (new example: $repo/scripts/reportd.conf)"
else
    run install -m 0640 -o root -g reportd "$repo/scripts/reportd.conf" "$config_dir/reportd.conf"
fi

# 6. Units, with the binary path following --prefix.
for unit in reportd.service reportd.socket; do
    if [ "$dry_run" = 1 ]; then
        echo "+ sed 's|/usr/local/bin/reportd|$prefix/bin/reportd|' scripts/$unit > $unit_dir/$unit (mode 0644)"
    else
        tmp=$(mktemp "$unit_dir/.$unit.XXXXXX")
        sed "s|/usr/local/bin/reportd|$prefix/bin/reportd|" "$repo/scripts/$unit" > "$tmp"
        chmod 0644 "$tmp"
        mv -f "$tmp" "$unit_dir/$unit"
        echo "unit: $unit_dir/$unit"
    fi
done

# 7. Tell systemd, if it is running (the sd_booted(3) test).
if [ "$dry_run" = 1 ]; then echo "dry run: nothing was changed"; fi
if [ -d /run/systemd/system ]; then
    run systemctl daemon-reload
    cat <<MSG

Installed. Next:
  systemctl enable --now reportd.socket     # the first connection starts reportd
  usermod -aG reportd <user>                # lets <user> run reportctl (log in again after)
  systemctl reload reportd                  # after editing $config_dir/reportd.conf
MSG
else
    cat <<MSG

Installed, but systemd is not running as PID 1 here, so nothing was reloaded or enabled.
On a systemd machine run:
  systemctl daemon-reload && systemctl enable --now reportd.socket
Without systemd, start it in the foreground as the reportd user:
  runuser -u reportd -- $prefix/bin/reportd --config $config_dir/reportd.conf
MSG
fi
