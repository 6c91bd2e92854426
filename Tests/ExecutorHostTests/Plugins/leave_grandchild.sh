#!/bin/sh
# Test executor: succeeds at once but leaves a background grandchild that
# holds stdout and stderr open. Writes "<own pid> <grandchild pid>" to params.pidfile.
req=$(cat)
pidfile=$(printf '%s' "$req" | sed -n 's/.*"pidfile":"\([^"]*\)".*/\1/p')
sleep 1000 &
echo "$$ $!" > "$pidfile.tmp" && mv "$pidfile.tmp" "$pidfile"
echo '{"status":"ok","message":"done, left a sleeper"}'
exit 0
