# Test stages with one summary (sourced by scripts/check.sh and
# scripts/run-suite.sh): each stage has a hard timeout, prints its duration
# and its counts from the JUnit XML its command writes; a stage that times
# out, crashes or writes no XML counts as one failed test, so nothing can
# silently pass. `summary` prints the line "N passed, N failed".
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
passed=0
failed=0

# stage NAME TIMEOUT_SECONDS JUNIT_XML COMMAND...
stage() {
  local name=$1 limit=$2 xml=$3
  shift 3
  rm -f "$xml"
  mkdir -p "$(dirname "$xml")"
  echo "=== stage $name (timeout ${limit}s)"
  local start=$SECONDS
  timeout --kill-after=10 "$limit" "$@"
  local rc=$?
  local took=$((SECONDS - start))
  local counts p f
  if counts=$(python3 "$ROOT/scripts/count-junit.py" "$xml" 2>/dev/null); then
    read -r p f <<<"$counts"
  else
    p=0 f=1
    echo "stage $name: no results (exit status $rc)"
  fi
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    echo "stage $name: timed out after ${limit}s"
    f=$((f + 1))
  elif [ "$rc" != 0 ] && [ "$f" = 0 ]; then
    echo "stage $name: exit status $rc with no failed test"
    f=1
  fi
  passed=$((passed + p))
  failed=$((failed + f))
  echo "=== stage $name: $p passed, $f failed, ${took}s"
}

# check NAME CONDITION-COMMAND...: one test of its own (e.g. a comparison).
check() {
  local name=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    echo "check $name: failed"
    failed=$((failed + 1))
  fi
}

summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
