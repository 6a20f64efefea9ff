#!/usr/bin/env bash
# `make demo`'s views part (run-demo.sh), checked: the guest boots, each
# thread of the simd example runs its own variant at the same time, the
# debug example runs one call in `debug` on one thread only, and the
# benchmarks print the cost of a per-thread switch. One JUnit test case.
#
#   kernel/harness/check-demo.sh BUILD_DIR JUNIT_XML
set -uo pipefail
build=${1:?usage: check-demo.sh BUILD_DIR JUNIT_XML}
xml=${2:?usage: check-demo.sh BUILD_DIR JUNIT_XML}
here=$(cd "$(dirname "$0")" && pwd)
out=$(mktemp)
trap 'rm -f "$out"' EXIT
start=$SECONDS
bash "$here/run-demo.sh" "$build" > "$out" 2>&1
status=$?
cat "$out"
why=""
[ "$status" = 0 ] || why="run-demo.sh exited with $status"
for want in 'thread in default +dot = ' 'thread in x86-64-v2 +dot = ' \
            'per-thread variants: every thread ran its own variant at once' \
            'order 3: .* ran debug  <- suspicious' \
            'another thread priced [0-9]+ small orders meanwhile, all in the default variant' \
            'migrate round trip \(base -> view -> base\): [0-9]+ ns = [0-9.]+ x a null system call' \
            'per-thread switches: 1 thread [0-9]+/s'; do
  [ -n "$why" ] && break
  grep -Eq "$want" "$out" || why="the demo's output has no line matching '$want'"
done
python3 - "$xml" "$why" "$((SECONDS - start))" <<'PY'
import sys
from xml.sax.saxutils import quoteattr
xml, why, took = sys.argv[1], sys.argv[2], sys.argv[3]
fail = f'<failure message={quoteattr(why)}/>' if why else ''
open(xml, 'w').write(
    f'<testsuites><testsuite name="demo-views" tests="1" failures="{1 if why else 0}">'
    f'<testcase classname="demo" name="views-in-the-guest" time="{took}">{fail}</testcase>'
    '</testsuite></testsuites>\n')
PY
[ -z "$why" ] || { echo "check-demo: FAIL: $why" >&2; exit 1; }
echo "check-demo: PASS"
