#!/usr/bin/env bash
# Runs melf-objdump's libFuzzer target for a bounded time on a seed corpus of
# MELF binaries generated now (the fixture generator, and ld.melf links when
# the linker is built). Writes JUnit XML with one test case: a crash, a
# sanitizer report is a failure; without a fuzzer binary (compiler without
# libFuzzer) the case is skipped.
#
#   test/fuzz/run-objdump-fuzzer.sh BUILD_DIR [SECONDS] [JUNIT_XML]
set -u
BUILD=$(cd "${1:-build}" && pwd)
SECS=${2:-60}
XML=${3:-$BUILD/test-results/fuzz.xml}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
FUZZER=$BUILD/bin/melf-objdump-fuzzer
WORK=$BUILD/test/fuzz/objdump
mkdir -p "$(dirname "$XML")"

junit() { # STATUS(pass|fail|skip) SECONDS MESSAGE
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites><testsuite name=\"fuzz\" tests=\"1\" failures=\"$([ "$1" = fail ] && echo 1 || echo 0)\">"
    echo "<testcase classname=\"fuzz\" name=\"melf-objdump-fuzzer\" time=\"$2\">"
    [ "$1" = fail ] && echo "<failure message=\"$3\"/>"
    [ "$1" = skip ] && echo "<skipped message=\"$3\"/>"
    echo '</testcase></testsuite></testsuites>'
  } >"$XML"
}

if [ ! -x "$FUZZER" ]; then
  # CMake builds it only where clang supports -fsanitize=fuzzer.
  echo "run-objdump-fuzzer: $FUZZER not built (no libFuzzer); skipped"
  junit skip 0 "fuzzer not built"
  exit 0
fi
rm -rf "$WORK" && mkdir -p "$WORK/seeds" "$WORK/corpus" "$WORK/artifacts"
GEN=$ROOT/test/objdump/Inputs/mkmelf.py
python3 "$GEN" "$WORK/seeds/plain"
python3 "$GEN" --rodata --vldata "$WORK/seeds/parts"
python3 "$GEN" --shared-body-size "$WORK/seeds/shared"
if [ -x "$BUILD/bin/ld.melf" ]; then
  PLUGIN=$("$BUILD/bin/melf-config" --cflags)
  cat >"$WORK/x.c" <<'C'
__attribute__((variant("x86-64-v3", "debug", "size"))) int f(int *p, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += p[i] * p[i];
  return s;
}
__attribute__((variant("x86-64-v2"))) int g(unsigned x) { return __builtin_popcount(x); }
int main(void) { int a[4] = {1, 2, 3, 4}; return f(a, 4) + g(3) == 32 ? 0 : 1; }
C
  clang-19 $PLUGIN -O2 -c "$WORK/x.c" -o "$WORK/x.o" &&
    clang-19 -fuse-ld=melf -B"$BUILD/bin" "$WORK/x.o" -o "$WORK/seeds/ld-melf" ||
    echo "run-objdump-fuzzer: could not link an ld.melf seed; continuing"
fi
echo "run-objdump-fuzzer: $(ls "$WORK/seeds" | wc -l) seeds, ${SECS}s"
start=$SECONDS
"$FUZZER" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$WORK/artifacts/" "$WORK/corpus" "$WORK/seeds" \
  >"$WORK/fuzz.log" 2>&1
rc=$?
took=$((SECONDS - start))
tail -n 15 "$WORK/fuzz.log"
if [ "$rc" = 0 ]; then
  junit pass "$took" ""
  echo "run-objdump-fuzzer: no crash in ${took}s"
else
  junit fail "$took" "fuzzer exit status $rc, see $WORK/fuzz.log and $WORK/artifacts"
  echo "run-objdump-fuzzer: FAILED (exit status $rc); artifacts in $WORK/artifacts"
fi
exit "$rc"
