#!/bin/sh
# Test executor: fails cleanly (result line + exit 1).
cat >/dev/null
echo '{"status":"failed","message":"collector said no","changed":false}'
exit 1
