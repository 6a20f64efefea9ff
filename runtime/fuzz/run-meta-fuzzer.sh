#!/usr/bin/env bash
# Runs libmelf's metadata-parser fuzzer (melf-meta-fuzzer) for a bounded time
# on seeds linked now by ld.melf. Writes JUnit XML with one test case; a
# crash or sanitizer report fails it; without the fuzzer binary it is skipped.
#
#   runtime/fuzz/run-meta-fuzzer.sh BUILD_DIR [SECONDS] [JUNIT_XML]
set -u
BUILD=$(cd "${1:-build}" && pwd)
SECS=${2:-30}
XML=${3:-$BUILD/test-results/runtime-fuzz.xml}
FUZZER=$BUILD/bin/melf-meta-fuzzer
WORK=$BUILD/test/fuzz/meta
mkdir -p "$(dirname "$XML")"

junit() { # STATUS(pass|fail|skip) SECONDS MESSAGE
  {
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites><testsuite name=\"runtime-fuzz\" tests=\"1\" failures=\"$([ "$1" = fail ] && echo 1 || echo 0)\">"
    echo "<testcase classname=\"runtime-fuzz\" name=\"melf-meta-fuzzer\" time=\"$2\">"
    [ "$1" = fail ] && echo "<failure message=\"$3\"/>"
    [ "$1" = skip ] && echo "<skipped message=\"$3\"/>"
    echo '</testcase></testsuite></testsuites>'
  } >"$XML"
}

if [ ! -x "$FUZZER" ] || [ ! -x "$BUILD/bin/ld.melf" ]; then
  echo "run-meta-fuzzer: fuzzer or ld.melf not built; skipped"
  junit skip 0 "fuzzer or ld.melf not built"
  exit 0
fi
rm -rf "$WORK" && mkdir -p "$WORK/seeds" "$WORK/corpus" "$WORK/artifacts"
CFLAGS=$("$BUILD/bin/melf-config" --cflags)
LDFLAGS=$("$BUILD/bin/melf-config" --ldflags)
cat >"$WORK/x.c" <<'C'
#include <melf.h>
__attribute__((variant("x86-64-v3", "debug", "size"))) int f(int *p, int n) {
  int s = 0;
  for (int i = 0; i < n; i++)
    s += p[i] * p[i];
  return s;
}
__attribute__((variant("x86-64-v2"))) int g(unsigned x) { return __builtin_popcount(x); }
__attribute__((variant)) int h(void) { return melf_variant_count(); }
int main(void) { int a[4] = {1, 2, 3, 4}; return f(a, 4) + g(3) == 32 ? 0 : 1; }
C
clang-19 $CFLAGS -O2 -c "$WORK/x.c" -o "$WORK/x.o" &&
  clang-19 $LDFLAGS "$WORK/x.o" -o "$WORK/seeds/pie" &&
  clang-19 $LDFLAGS -no-pie "$WORK/x.o" -o "$WORK/seeds/nopie" ||
  echo "run-meta-fuzzer: could not link seeds; fuzzing from nothing"
echo "run-meta-fuzzer: $(ls "$WORK/seeds" | wc -l) seeds, ${SECS}s"
start=$SECONDS
"$FUZZER" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 \
  -artifact_prefix="$WORK/artifacts/" "$WORK/corpus" "$WORK/seeds" \
  >"$WORK/fuzz.log" 2>&1
rc=$?
took=$((SECONDS - start))
tail -n 8 "$WORK/fuzz.log"
if [ "$rc" = 0 ]; then
  junit pass "$took" ""
  echo "run-meta-fuzzer: no crash in ${took}s"
else
  junit fail "$took" "fuzzer exit status $rc, see $WORK/fuzz.log and $WORK/artifacts"
  echo "run-meta-fuzzer: FAILED (exit status $rc); artifacts in $WORK/artifacts"
fi
exit "$rc"
