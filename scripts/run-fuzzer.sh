#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time on WORK/seeds and writes JUnit
# XML with one test case: a crash or sanitizer report fails it; a missing
# fuzzer binary (compiler without libFuzzer) skips it.
#
#   scripts/run-fuzzer.sh NAME FUZZER SECONDS JUNIT_XML WORK
set -u
name=$1 fuzzer=$2 secs=$3 xml=$4 work=$5
mkdir -p "$(dirname "$xml")" "$work/seeds" "$work/corpus" "$work/artifacts"

junit() { # STATUS(pass|fail|skip) SECONDS MESSAGE
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites><testsuite name=\"$name\" tests=\"1\" failures=\"$([ "$1" = fail ] && echo 1 || echo 0)\">"
    echo "<testcase classname=\"$name\" name=\"$(basename "$fuzzer")\" time=\"$2\">"
    [ "$1" = fail ] && echo "<failure message=\"$3\"/>"
    [ "$1" = skip ] && echo "<skipped message=\"$3\"/>"
    echo '</testcase></testsuite></testsuites>'
  } >"$xml"
}

if [ ! -x "$fuzzer" ]; then
  echo "$name: $fuzzer not built; skipped"
  junit skip 0 "fuzzer not built"
  exit 0
fi
echo "$name: $(ls "$work/seeds" | wc -l) seeds, ${secs}s"
start=$SECONDS
"$fuzzer" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$work/seeds" \
  >"$work/fuzz.log" 2>&1
rc=$?
took=$((SECONDS - start))
tail -n 8 "$work/fuzz.log"
if [ "$rc" = 0 ]; then
  junit pass "$took" ""
  echo "$name: no crash in ${took}s"
else
  junit fail "$took" "fuzzer exit status $rc, see $work/fuzz.log and $work/artifacts"
  echo "$name: FAILED (exit status $rc); artifacts in $work/artifacts"
fi
exit "$rc"
