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
  clang-19 $PLUGIN -O2 -c "$ROOT/test/fuzz/Inputs/seed.c" -o "$WORK/x.o" &&
    clang-19 $("$BUILD/bin/melf-config" --ldflags) "$WORK/x.o" -o "$WORK/seeds/ld-melf" ||
    echo "run-objdump-fuzzer: could not link an ld.melf seed; continuing"
fi
exec bash "$ROOT/scripts/run-fuzzer.sh" run-objdump-fuzzer "$FUZZER" "$SECS" "$XML" "$WORK"
