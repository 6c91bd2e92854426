#!/bin/sh
# Test executor: rejects the request (exit 2).
cat >/dev/null
echo 'missing params.user' >&2
echo '{"status":"failed","message":"bad request: missing params.user"}'
exit 2
