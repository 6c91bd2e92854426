#!/bin/sh
# Test executor: exits with a code outside the protocol, after an ok line.
cat >/dev/null
echo 'something broke' >&2
echo '{"status":"ok","message":"looked fine"}'
exit 7
