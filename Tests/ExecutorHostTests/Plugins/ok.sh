#!/bin/sh
# Test executor: reads the request, reports progress, succeeds.
# `describe` answers protocol 1. The raw request is echoed to stderr.
if [ "$1" = describe ]; then
    echo '{"name":"test-ok","version":"1.0","protocol":1}'
    exit 0
fi
req=$(cat)
printf '%s\n' "$req" >&2
service=$(printf '%s' "$req" | sed -n 's/.*"service":"\([^"]*\)".*/\1/p')
echo '{"event":"progress","message":"working"}'
echo "{\"status\":\"ok\",\"message\":\"delivered $service\",\"changed\":true}"
exit 0
