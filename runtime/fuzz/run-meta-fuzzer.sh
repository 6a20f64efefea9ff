#!/usr/bin/env bash
# Runs libmelf's metadata-parser fuzzer (melf-meta-fuzzer) for a bounded time
# on seeds linked now by ld.melf; scripts/run-fuzzer.sh runs it and writes
# JUnit XML.
#
#   runtime/fuzz/run-meta-fuzzer.sh BUILD_DIR [SECONDS] [JUNIT_XML]
set -u
BUILD=$(cd "${1:-build}" && pwd)
SECS=${2:-30}
XML=${3:-$BUILD/test-results/runtime-fuzz.xml}
FUZZER=$BUILD/bin/melf-meta-fuzzer
WORK=$BUILD/test/fuzz/meta
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$(dirname "$XML")"

if [ ! -x "$BUILD/bin/ld.melf" ]; then
  FUZZER=/nonexistent # no seeds without the linker: skip
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
exec bash "$ROOT/scripts/run-fuzzer.sh" run-meta-fuzzer "$FUZZER" "$SECS" "$XML" "$WORK"
