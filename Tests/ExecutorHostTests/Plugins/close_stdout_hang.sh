#!/bin/sh
# Test executor: closes stdout and stderr, then lingers past any deadline.
cat >/dev/null
exec >&- 2>&-
while :; do sleep 1; done
