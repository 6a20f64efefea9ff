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
clang-19 $CFLAGS -O2 -c "$ROOT/test/fuzz/Inputs/seed.c" -o "$WORK/x.o" &&
  clang-19 $LDFLAGS "$WORK/x.o" -o "$WORK/seeds/pie" &&
  clang-19 $LDFLAGS -no-pie "$WORK/x.o" -o "$WORK/seeds/nopie" ||
  echo "run-meta-fuzzer: could not link seeds; fuzzing from nothing"
exec bash "$ROOT/scripts/run-fuzzer.sh" run-meta-fuzzer "$FUZZER" "$SECS" "$XML" "$WORK"
