#!/bin/sh
# Test executor: ignores SIGTERM and forks a grandchild that ignores it too
# and sleeps forever. Writes "<own pid> <grandchild pid>" to params.pidfile.
trap '' TERM
req=$(cat)
pidfile=$(printf '%s' "$req" | sed -n 's/.*"pidfile":"\([^"]*\)".*/\1/p')
sh -c 'trap "" TERM; while :; do sleep 1; done' &
echo "$$ $!" > "$pidfile.tmp" && mv "$pidfile.tmp" "$pidfile"
echo '{"event":"progress","message":"hanging"}'
while :; do sleep 1; done
