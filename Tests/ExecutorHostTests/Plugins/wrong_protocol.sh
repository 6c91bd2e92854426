#!/bin/sh
# Test executor: `describe` answers protocol 2.
echo '{"name":"future","version":"9.0","protocol":2}'
