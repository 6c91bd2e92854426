#!/bin/sh
# Test executor: writes much more than the output cap, then a result line.
cat >/dev/null
i=0
while [ $i -lt 3000 ]; do
    echo "{\"event\":\"progress\",\"message\":\"line $i padding padding padding padding padding\"}"
    echo "stderr line $i padding padding padding" >&2
    i=$((i + 1))
done
echo '{"status":"ok","message":"chatty done"}'
