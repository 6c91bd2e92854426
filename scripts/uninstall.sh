#!/bin/sh
# Removes what scripts/install.sh installed, as listed in
# $PREFIX/share/promshard/install-manifest.txt: the binaries, plugins, docs,
# unit and completions, and the directories that install created when they
# are empty. Keeps the config ($SYSCONFDIR/promshard), the state
# (/var/lib/promshard) and the promshard user, which owns that state.
#
# Usage: [PREFIX=/usr/local] [DESTDIR=] [SYSCONFDIR=/etc] scripts/uninstall.sh
# On the real system (no DESTDIR, root, systemd running) the service is
# stopped and disabled first.
set -eu
PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
SYSCONFDIR="${SYSCONFDIR:-/etc}"
manifest="$DESTDIR$PREFIX/share/promshard/install-manifest.txt"
[ -f "$manifest" ] || { echo "uninstall: $manifest not found: nothing installed under $DESTDIR$PREFIX" >&2; exit 1; }

if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl disable --now promshard.service 2>/dev/null || true
fi

# Files first (the manifest among them), then the directories this install
# created, deepest first.
entries="$(cat "$manifest")"
printf '%s\n' "$entries" | grep '^f ' | cut -c3- | while read -r f; do
  rm -f "$DESTDIR$f"
done
printf '%s\n' "$entries" | grep '^d ' | cut -c3- | awk '{ print length($0) " " $0 }' | sort -rn | cut -d' ' -f2- |
  while read -r d; do
    rmdir "$DESTDIR$d" 2>/dev/null || true
  done

if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
echo "uninstall: removed promshard from $DESTDIR$PREFIX (kept $SYSCONFDIR/promshard, /var/lib/promshard and the promshard user)" >&2
