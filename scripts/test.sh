#!/bin/sh
# The whole test suite, from a fresh clone on Debian: installs the system
# packages it needs, builds everything and runs every test: the Swift tests,
# then the install and Debian package tests (scripts/test-install.sh) on the
# same debug binaries.
set -eu
cd "$(dirname "$0")/.."
scripts/setup-debian.sh test
swift build --build-tests
status=0
# Not in parallel: process and end-to-end tests measure convergence of real
# daemons, and the CI machine has two cores.
swift test --skip-build --no-parallel || status=$?
scripts/test-install.sh "$(swift build --show-bin-path)" || status=1
exit "$status"
