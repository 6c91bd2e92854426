#!/bin/sh
# Installs what promshard needs on Debian 12 (bookworm).
#   scripts/setup-debian.sh build   libraries to build promshard
#   scripts/setup-debian.sh demo    + Prometheus for the local demo
#   scripts/setup-debian.sh test    + everything the test suite runs against
# Idempotent: packages already installed are skipped. Runs apt-get through
# sudo when not root.
set -eu
what="${1:-build}"

packages="libyaml-dev libcurl4-openssl-dev libsqlite3-dev pkg-config ca-certificates"
case "$what" in
  build) ;;
  demo) packages="$packages prometheus" ;;
  test) packages="$packages prometheus python3 procps openssh-server openssh-client ansible-core sqlite3 curl zabbix-server-pgsql postgresql postgresql-client binutils lintian chromium prometheus-pushgateway wrk python3-pip python3-venv" ;;
  *) echo "usage: $0 build|demo|test" >&2; exit 2 ;;
esac

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "setup: installing$missing" >&2
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# The Debian prometheus package would start a system-wide server on :9090
# where an init system runs, and openssh-server, postgresql and
# zabbix-server-pgsql their daemons; promshard's demo and tests start their
# own servers on loopback and need none of them. no-service-starts.sh blocks
# those starts with a policy-rc.d for the time of the install (one that
# already exists is used and left alone).
$SUDO "$(dirname "$0")/no-service-starts.sh" \
  env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
