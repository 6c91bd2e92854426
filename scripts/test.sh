#!/bin/sh
# The whole test suite, from a fresh clone on Debian: installs the system
# packages it needs, builds everything and runs every test.
set -eu
cd "$(dirname "$0")/.."
scripts/setup-debian.sh test
swift build --build-tests
# Not in parallel: process and end-to-end tests measure convergence of real
# daemons, and the CI machine has two cores.
swift test --skip-build --no-parallel
