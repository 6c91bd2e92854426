#!/bin/sh
# Test executor without the executable bit: cannot be spawned.
echo "{\"status\":\"ok\",\"message\":\"should never run\"}"
