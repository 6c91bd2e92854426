#!/bin/sh
# Installs promshard: builds a release (unless --from-build-dir) and copies
#   $PREFIX/bin/promshard, promshard-exec-file, -scp, -ansible, -job   side by side
#   $PREFIX/share/promshard/plugins/                       playbooks, examples
#   $PREFIX/share/doc/promshard/                           README, docs, example config
#   $UNITDIR/promshard.service                             paths set to $PREFIX
#   bash and zsh completions
#   $SYSCONFDIR/promshard/promshard.yaml                   example, only if none exists
#   $SYSCONFDIR/promshard/targets/                         for your file_sd files
#   /var/lib/promshard                                     the state directory
# and, on the real system (no DESTDIR, run as root), the `promshard` system
# user. It never starts or enables the service; it prints how to.
#
# Usage: scripts/install.sh [--from-build-dir DIR] [--strip] [--no-manifest]
#   PREFIX=/usr/local      where binaries and shared files go
#   DESTDIR=               staging root (packaging, tests): no user is created
#   SYSCONFDIR=/etc        config lives in $SYSCONFDIR/promshard
#   UNITDIR, BASHCOMPDIR, ZSHCOMPDIR override the unit and completion directories
#   PROMSHARD_BUILD_DIR    same as --from-build-dir
# --from-build-dir DIR     install binaries already built in DIR (e.g. .build/debug)
# --strip                  strip the installed binaries
# --no-manifest            do not record the installed files (a package manager does)
#
# What it installed is listed in $PREFIX/share/promshard/install-manifest.txt;
# scripts/uninstall.sh removes exactly that and keeps config and state.
set -eu
caller="$PWD"
cd "$(dirname "$0")/.."
repo="$PWD"
# absolute PATH: a relative one is taken from where the script was called.
absolute() { case "$1" in /*) echo "$1" ;; *) echo "$caller/$1" ;; esac; }

build_dir="${PROMSHARD_BUILD_DIR:-}"
strip=false
manifest=true
while [ $# -gt 0 ]; do
  case "$1" in
    --from-build-dir) [ $# -ge 2 ] || { echo "install: --from-build-dir needs a directory" >&2; exit 2; }
      build_dir="$2"; shift 2 ;;
    --from-build-dir=*) build_dir="${1#*=}"; shift ;;
    --strip) strip=true; shift ;;
    --no-manifest) manifest=false; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "install: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

[ -z "$build_dir" ] || build_dir="$(absolute "$build_dir")"

PREFIX="${PREFIX:-/usr/local}"
DESTDIR="${DESTDIR:-}"
[ -z "$DESTDIR" ] || DESTDIR="$(absolute "$DESTDIR")"
SYSCONFDIR="${SYSCONFDIR:-/etc}"
UNITDIR="${UNITDIR:-$PREFIX/lib/systemd/system}"
BASHCOMPDIR="${BASHCOMPDIR:-$PREFIX/share/bash-completion/completions}"
ZSHCOMPDIR="${ZSHCOMPDIR:-$PREFIX/share/zsh/site-functions}"
BINDIR="$PREFIX/bin"
SHAREDIR="$PREFIX/share/promshard"
DOCDIR="$PREFIX/share/doc/promshard"
CONFDIR="$SYSCONFDIR/promshard"
STATEDIR=/var/lib/promshard
executors="promshard-exec-file promshard-exec-scp promshard-exec-ansible promshard-exec-job"
case "$PREFIX" in /*) ;; *) echo "install: PREFIX must be absolute, got $PREFIX" >&2; exit 2 ;; esac
case "$DESTDIR$PREFIX$SYSCONFDIR$UNITDIR$BASHCOMPDIR$ZSHCOMPDIR" in
  *[[:space:]]*) echo "install: paths with spaces are not supported" >&2; exit 2 ;;
esac

[ -z "$DESTDIR" ] || mkdir -p "$DESTDIR"

# The real system is touched (user, ownership, systemd) only without DESTDIR, as root.
system=false
[ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ] && system=true

# MARK: Binaries
if [ -z "$build_dir" ]; then
  echo "install: building a release (swift build -c release --static-swift-stdlib)" >&2
  swift build -c release --static-swift-stdlib --product promshard
  for e in $executors; do swift build -c release --static-swift-stdlib --product "$e"; done
  build_dir="$(swift build -c release --static-swift-stdlib --show-bin-path)"
fi
for b in promshard $executors; do
  [ -x "$build_dir/$b" ] || { echo "install: $build_dir/$b is missing: build it first (swift build)" >&2; exit 1; }
done

tmp_manifest="$(mktemp)"
trap 'rm -f "$tmp_manifest"' EXIT
# record KIND PATH: f = a file installed, d = a directory this run created.
record() { printf '%s %s\n' "$1" "$2" >> "$tmp_manifest"; }

# mkdirs DIR: creates DIR and its missing parents under DESTDIR, recording each new one.
mkdirs() {
  missing=""
  d="$1"
  while [ -n "$d" ] && [ "$d" != "/" ] && [ ! -d "$DESTDIR$d" ]; do
    missing="$d $missing"
    d="$(dirname "$d")"
  done
  for d in $missing; do
    mkdir -m 0755 "$DESTDIR$d"
    record d "$d"
  done
}

# put MODE SRC DEST: installs one file (DEST without DESTDIR).
put() {
  mkdirs "$(dirname "$3")"
  install -m "$1" "$2" "$DESTDIR$3"
  record f "$3"
}

for b in promshard $executors; do
  put 0755 "$build_dir/$b" "$BINDIR/$b"
  if $strip; then strip --strip-unneeded --remove-section=.comment --remove-section=.note "$DESTDIR$BINDIR/$b"; fi
done

# MARK: Shared files: plugins (the ansible executor finds its playbook in
# <bin>/../share/promshard/plugins), docs, the example config.
(cd plugins && find . -type f | sort) | while read -r f; do
  f="${f#./}"
  mode=0644
  [ -x "plugins/$f" ] && mode=0755
  put "$mode" "plugins/$f" "$SHAREDIR/plugins/$f"
done
put 0644 README.md "$DOCDIR/README.md"
for f in docs/*.md; do put 0644 "$f" "$DOCDIR/$f"; done
put 0644 contrib/config/promshard.yaml "$DOCDIR/examples/promshard.yaml"

# MARK: systemd unit, with this install's paths.
# The example's opening comment (how to install it by hand) is replaced.
unit_tmp="$(mktemp)"
{
  echo "# promshard.service, installed by promshard's scripts/install.sh (from"
  echo "# contrib/systemd/promshard.service). Start it with"
  echo "#   systemctl daemon-reload && systemctl enable --now promshard"
  echo "# and reload the config with systemctl reload promshard (SIGHUP)."
  sed -n '/^[^#]/,$p' contrib/systemd/promshard.service
} | sed -e "s|/usr/local/bin/|$BINDIR/|g" \
    -e "s|/etc/promshard/|$CONFDIR/|g" \
    -e "s|file:///usr/share/doc/promshard/|file://$DOCDIR/|g" > "$unit_tmp"
put 0644 "$unit_tmp" "$UNITDIR/promshard.service"
rm -f "$unit_tmp"

# MARK: Shell completions (swift-argument-parser writes them).
comp_tmp="$(mktemp)"
# Completion files are sourced, not run: no #! line (Debian policy, lintian).
"$build_dir/promshard" --generate-completion-script bash | sed '1{/^#!/d}' > "$comp_tmp"
put 0644 "$comp_tmp" "$BASHCOMPDIR/promshard"
"$build_dir/promshard" --generate-completion-script zsh > "$comp_tmp"
put 0644 "$comp_tmp" "$ZSHCOMPDIR/_promshard"
rm -f "$comp_tmp"

# MARK: Config and state: created once, never overwritten, kept by uninstall.
mkdir -p "$DESTDIR$CONFDIR/targets"
if [ -e "$DESTDIR$CONFDIR/promshard.yaml" ]; then
  echo "install: keeping the existing $CONFDIR/promshard.yaml (the example is in $DOCDIR/examples/)" >&2
else
  install -m 0644 contrib/config/promshard.yaml "$DESTDIR$CONFDIR/promshard.yaml"
fi
mkdir -p "$DESTDIR$STATEDIR"
chmod 0755 "$DESTDIR$STATEDIR"

if $system; then
  if ! getent passwd promshard >/dev/null; then
    useradd --system --user-group --home-dir "$STATEDIR" --no-create-home \
      --shell /usr/sbin/nologin --comment "promshard daemon" promshard
    echo "install: created the system user promshard" >&2
  fi
  chown promshard:promshard "$STATEDIR"
fi

if $manifest; then
  record f "$SHAREDIR/install-manifest.txt"
  mkdirs "$SHAREDIR"
  # Keep the entries of an earlier install that this one did not repeat.
  if [ -f "$DESTDIR$SHAREDIR/install-manifest.txt" ]; then
    cat "$DESTDIR$SHAREDIR/install-manifest.txt" >> "$tmp_manifest"
  fi
  sort -u "$tmp_manifest" > "$DESTDIR$SHAREDIR/install-manifest.txt.new"
  mv "$DESTDIR$SHAREDIR/install-manifest.txt.new" "$DESTDIR$SHAREDIR/install-manifest.txt"
  chmod 0644 "$DESTDIR$SHAREDIR/install-manifest.txt"
fi

if $system && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
echo "install: promshard installed in $DESTDIR$PREFIX" >&2
if [ -z "$DESTDIR" ]; then
  cat >&2 <<TXT
Next: edit $CONFDIR/promshard.yaml, check it, then start the service:
  $BINDIR/promshard check --config $CONFDIR/promshard.yaml
  systemctl enable --now promshard && journalctl -u promshard -f
TXT
fi
