#!/bin/sh
# Test executor: reports its own blocked and ignored signal masks, then sleeps.
# With default dispositions SIGTERM at the deadline ends it at once.
# (Read with builtins only: while dash forks a child it blocks all signals
# for a moment, so `grep /proc/$$/status` could see that transient mask.)
cat >/dev/null
while IFS= read -r line; do
    case $line in
    SigBlk:* | SigIgn:*) echo "$line" ;;
    esac
done </proc/$$/status
exec sh -c 'sleep 100'
