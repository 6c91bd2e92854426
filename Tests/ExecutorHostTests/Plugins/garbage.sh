#!/bin/sh
# Test executor: exit 0 without a result line.
cat >/dev/null
echo 'hello, I am not JSON'
exit 0
