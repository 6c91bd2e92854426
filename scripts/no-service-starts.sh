#!/bin/sh
# Runs a command (an apt-get install) with service starts blocked: Debian's
# maintainer scripts ask /usr/sbin/policy-rc.d before starting a service
# (invoke-rc.d, deb-systemd-invoke), and exit code 101 means "not allowed".
#
#   scripts/no-service-starts.sh apt-get install -y prometheus
#
# A policy-rc.d that already exists (a container's, an admin's) is used as it
# is and never touched. Otherwise this script writes one, marked as its own,
# and removes it when the command ends, fails or is interrupted. One left by
# an interrupted earlier run (it carries the mark) is treated as its own.
# PROMSHARD_POLICY_RC_D overrides the path (tests).
set -eu
[ $# -ge 1 ] || { echo "usage: $0 COMMAND [ARG...]" >&2; exit 2; }
policy="${PROMSHARD_POLICY_RC_D:-/usr/sbin/policy-rc.d}"
mark="# written by promshard scripts/no-service-starts.sh"

ours=false
# Traps first, so that a signal at any point after the policy exists removes it.
# Removes the policy only when it is ours: marked, and written by this run.
cleanup() {
  if $ours && grep -qxF "$mark" "$policy" 2>/dev/null; then rm -f "$policy"; fi
  rm -f "$policy.promshard.$$"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
if [ ! -e "$policy" ] || grep -qxF "$mark" "$policy"; then
  tmp="$policy.promshard.$$"
  printf '#!/bin/sh\n%s\n# No service starts while packages install.\nexit 101\n' "$mark" > "$tmp"
  chmod 0755 "$tmp"
  # `ours` is set before the file appears, so a signal in between still
  # removes it; cleanup checks the mark, so it never removes another one.
  ours=true
  if [ -e "$policy" ]; then
    mv -f "$tmp" "$policy" || ours=false
  elif ! ln "$tmp" "$policy" 2>/dev/null; then
    ours=false # one appeared meanwhile: leave it alone
  fi
  rm -f "$tmp"
fi

status=0
"$@" || status=$?
exit "$status"
