#!/usr/bin/env bash
# One test stage on its own, with the summary line `make check` ends with:
# the heavy suites the README lists (make check-kernel, check-realworld).
#
#   scripts/run-suite.sh NAME TIMEOUT_SECONDS JUNIT_XML COMMAND...
set -u
. "$(dirname "$0")/stage.sh"
[ $# -ge 4 ] || { echo "usage: run-suite.sh NAME TIMEOUT JUNIT_XML COMMAND..." >&2; exit 2; }
stage "$@"
summary
