#!/bin/sh
# A custom job executor in plain shell (protocol v1, request kind "job"):
# jobs.executor: /path/to/job-runner.sh
#
# `run` reads the unit's request on stdin, e.g.
#   {"deadline_ms":60000,"hosts":["10.0.0.1","10.0.0.2"],"job":"j1","kind":"job",
#    "params":{},"protocol":1,"task":{"kind":"adhoc","module":"ping"},"unit":0}
# and writes one JSON line per host, then the final result line. Here each
# host is "checked" by resolving its name; a real runner would do its work.
set -u
case "${1:-}" in
describe)
    echo '{"name":"example-job-runner","version":"1.0","protocol":1}'
    exit 0 ;;
run) ;;
*)
    echo "usage: $0 describe | run" >&2
    exit 2 ;;
esac

request=$(cat)
# The hosts array, one per line (the request is one line of sorted-key JSON
# that promshard writes; host names never hold quotes or commas).
hosts=$(printf '%s' "$request" | sed -n 's/.*"hosts":\[\([^]]*\)\].*/\1/p' | tr ',' '\n' | tr -d '"')
[ -n "$hosts" ] || { echo '{"status":"failed","message":"no hosts in the request"}'; exit 2; }

failed=0
for host in $hosts; do
    started=$(date +%s%3N)
    if getent hosts "$host" >/dev/null 2>&1; then
        status=ok rc=0 out="resolved $host"
    else
        status=failed rc=2 out="cannot resolve $host"
        failed=$((failed + 1))
    fi
    printf '{"host":"%s","status":"%s","rc":%d,"stdout":"%s","started":%s,"finished":%s}\n' \
        "$host" "$status" "$rc" "$out" "$started" "$(date +%s%3N)"
done
if [ "$failed" -eq 0 ]; then
    echo '{"status":"ok","message":"all hosts resolved"}'
else
    echo "{\"status\":\"failed\",\"message\":\"$failed hosts failed\"}"
    exit 1
fi
