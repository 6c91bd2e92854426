#!/bin/sh
# Builds promshard_<version>_<arch>.deb with dpkg-deb.
#
# Usage: scripts/package-deb.sh [--from-build-dir DIR] [--output DIR]
#   --from-build-dir DIR   package binaries already built in DIR (e.g. .build/debug);
#                          default: a release build by scripts/install.sh
#   --output DIR           where the .deb goes (default: .build/deb)
#   PROMSHARD_DEB_COMPRESSION=xz|gzip|none   dpkg-deb's compressor (default xz)
#
# Contents: the layout of `PREFIX=/usr scripts/install.sh` (binaries in
# /usr/bin, plugins in /usr/share/promshard, the unit in
# /usr/lib/systemd/system, completions, docs), the example config as the
# conffile /etc/promshard/promshard.yaml, and maintainer scripts that create
# the `promshard` user and /var/lib/promshard, and enable (never start) the
# unit only where systemd runs. Depends is computed from the libraries the
# binaries link (ldd + dpkg -S). lintian exceptions are documented in
# "$repo/contrib/debian/lintian-overrides". Prints the path of the .deb.
set -eu
# No cd: relative paths in the arguments stay relative to the caller.
repo="$(cd "$(dirname "$0")/.." && pwd)"

build_dir="${PROMSHARD_BUILD_DIR:-}"
output="$repo/.build/deb"
while [ $# -gt 0 ]; do
  case "$1" in
    --from-build-dir) [ $# -ge 2 ] || { echo "package-deb: --from-build-dir needs a directory" >&2; exit 2; }
      build_dir="$2"; shift 2 ;;
    --from-build-dir=*) build_dir="${1#*=}"; shift ;;
    --output) [ $# -ge 2 ] || { echo "package-deb: --output needs a directory" >&2; exit 2; }
      output="$2"; shift 2 ;;
    --output=*) output="${1#*=}"; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "package-deb: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
compression="${PROMSHARD_DEB_COMPRESSION:-xz}"

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
root="$stage/root"
mkdir -p "$root"
chmod 0755 "$root"

# MARK: Files, laid out by the install script.
if [ -n "$build_dir" ]; then set -- --from-build-dir "$build_dir"; else set --; fi
DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc ZSHCOMPDIR=/usr/share/zsh/vendor-completions \
  "$repo/scripts/install.sh" "$@" --strip --no-manifest >&2
# The state directory belongs to the promshard user: postinst creates it.
rm -rf "$root/var"

bin="$root/usr/bin"
version="$("$bin/promshard" version | sed -n 's/^promshard \([^ ]*\) .*/\1/p')"
[ -n "$version" ] || { echo "package-deb: cannot read the version from promshard version" >&2; exit 1; }
arch="$(dpkg --print-architecture)"

doc="$root/usr/share/doc/promshard"
install -m 0644 "$repo/contrib/debian/copyright" "$doc/copyright"
gzip -9n < "$repo/contrib/debian/changelog" > "$doc/changelog.gz"
chmod 0644 "$doc/changelog.gz"
mkdir -p "$root/usr/share/lintian/overrides"
install -m 0644 "$repo/contrib/debian/lintian-overrides" "$root/usr/share/lintian/overrides/promshard"

# MARK: Depends: the packages that ship the libraries the binaries link
# directly (their NEEDED entries, found where ldd resolves them).
needed_paths="$(for b in "$bin"/promshard "$bin"/promshard-exec-*; do
  ldd "$b" >"$stage/ldd"
  objdump -p "$b" | awk '$1 == "NEEDED" { print $2 }' | while read -r name; do
    awk -v n="$name" '$1 == n && $2 == "=>" && $3 ~ /^\// { print $3 }' "$stage/ldd"
  done
done | sort -u)"
depends=""
unpackaged=""
for lib in $needed_paths; do
  pkg="$(dpkg -S "$lib" 2>/dev/null || dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true)"
  pkg="$(printf '%s\n' "$pkg" | head -n 1 | cut -d: -f1)"
  if [ -n "$pkg" ]; then depends="$depends $pkg"; else unpackaged="$unpackaged $lib"; fi
done
depends="$(printf '%s\n' $depends | sort -u | paste -sd, - | sed 's/,/, /g')"
for required in libyaml-0-2 libcurl4; do
  case ", $depends," in *", $required,"*) ;; *) echo "package-deb: the binaries do not link $required (ldd)" >&2; exit 1 ;; esac
done
if [ -n "$unpackaged" ]; then
  # A debug build links the Swift runtime of the toolchain through a RUNPATH:
  # such a package only runs where that toolchain is installed at the same
  # path. Said here, and as a documented lintian override in the package.
  echo "package-deb: warning: linked libraries from no Debian package:$unpackaged" >&2
  echo "package-deb: (a release build by scripts/install.sh links the Swift runtime statically)" >&2
  {
    echo
    echo "# This package was made from a debug build (--from-build-dir): its binaries"
    echo "# link the Swift runtime of the toolchain that built them, through a RUNPATH."
    echo "# It runs only where that toolchain is installed at the same path; a release"
    echo "# build (scripts/package-deb.sh without --from-build-dir) has no such RUNPATH."
    for b in "$bin"/promshard "$bin"/promshard-exec-*; do
      objdump -p "$b" | awk '$1 == "RUNPATH" { print $2 }' | tr ':' '\n' | grep '^/' | while read -r dir; do
        echo "promshard: custom-library-search-path RUNPATH $dir [usr/bin/$(basename "$b")]"
      done
    done
  } >>"$root/usr/share/lintian/overrides/promshard"
fi

# MARK: Control files.
control="$root/DEBIAN"
mkdir -p "$control"
installed_size="$(du -sk --exclude=DEBIAN "$root" | cut -f1)"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@DEPENDS@|$depends|" \
    -e "s|@INSTALLED_SIZE@|$installed_size|" "$repo/contrib/debian/control" > "$control/control"
for script in postinst prerm postrm; do
  install -m 0755 "$repo/contrib/debian/$script" "$control/$script"
done
(cd "$root" && find etc -type f | sed 's|^|/|' | sort) > "$control/conffiles"
(cd "$root" && find usr -type f -exec md5sum {} + | sort -k2) > "$control/md5sums"
chmod 0644 "$control/control" "$control/conffiles" "$control/md5sums"

mkdir -p "$output"
deb="$output/promshard_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Z"$compression" --build "$root" "$deb" >&2
echo "$deb"
