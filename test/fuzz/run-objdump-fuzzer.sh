#!/usr/bin/env bash
# Runs melf-objdump's libFuzzer target for a bounded time on a seed corpus of
# MELF binaries generated now (the fixture generator, and ld.melf links when
# the linker is built); scripts/run-fuzzer.sh runs it and writes JUnit XML.
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
exec bash "$ROOT/scripts/run-fuzzer.sh" run-objdump-fuzzer "$FUZZER" "$SECS" "$XML" "$WORK"
