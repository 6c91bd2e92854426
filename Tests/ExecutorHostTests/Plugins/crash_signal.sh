#!/bin/sh
# Test executor: dies of SIGSEGV.
cat >/dev/null
echo '{"event":"progress","message":"about to crash"}'
kill -SEGV $$
