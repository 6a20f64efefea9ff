#!/usr/bin/env bash
# Runs every MELF test suite (the README's `make check` calls this after the
# build). Each stage has a hard timeout and prints its duration; the run ends
# with one line "N passed, N failed" counting every test of every stage.
#
#   scripts/check.sh [BUILD_DIR]
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIT=${LIT:-/usr/lib/llvm-19/build/utils/lit/lit.py}
RESULTS="$BUILD/test-results"
mkdir -p "$RESULTS"
. "$ROOT/scripts/stage.sh"

stage unit 300 "$RESULTS/unit.xml" \
  "$BUILD/bin/melf-unittests" --gtest_output="xml:$RESULTS/unit.xml"
stage lit 1800 "$RESULTS/lit.xml" \
  python3 "$LIT" -sv --xunit-xml-output="$RESULTS/lit.xml" "$BUILD/test"
# LLD's own ELF suite against ld.melf: non-MELF links behave as upstream.
stage lld-upstream 900 "$RESULTS/lld-upstream.xml" \
  bash "$ROOT/lld-patches/run-upstream-tests.sh" "$BUILD" "$RESULTS/lld-upstream.xml"
# melf-objdump's libFuzzer target, 60 s on freshly generated MELF binaries.
stage fuzz 180 "$RESULTS/fuzz.xml" \
  bash "$ROOT/test/fuzz/run-objdump-fuzzer.sh" "$BUILD" 60 "$RESULTS/fuzz.xml"
# libmelf's metadata parser under libFuzzer (ASan+UBSan), 30 s.
stage runtime-fuzz 120 "$RESULTS/runtime-fuzz.xml" \
  bash "$ROOT/runtime/fuzz/run-meta-fuzzer.sh" "$BUILD" 30 "$RESULTS/runtime-fuzz.xml"

# Third-party projects from Debian source packages as MELF binaries: their
# own test suites in every variant (quick set; `make check-realworld` runs
# more). See docs/realworld.md.
stage realworld 900 "$RESULTS/realworld.xml" \
  bash "$ROOT/test/realworld/run.sh" "$BUILD" "$RESULTS/realworld.xml" quick

# The mmview kernel (kernel/patches) under lockdep and DEBUG_VM, booted in
# QEMU with two CPUs: the guest tests of kernel/tests/. Cold: ~4-8 min to
# build the kernel (ccache and the O= tree make later runs incremental).
stage kernel 2400 "$RESULTS/kernel.xml" \
  bash "$ROOT/kernel/harness/run-kernel-tests.sh" "$BUILD" "$RESULTS/kernel.xml"
# `make demo`'s views part: the same kernel boots with the examples and the
# switch benchmarks, and the demo's report says what it should.
stage demo-views 600 "$RESULTS/demo-views.xml" \
  bash "$ROOT/kernel/harness/check-demo.sh" "$BUILD" "$RESULTS/demo-views.xml"
# Each patch of the series is clean for the kernel's scripts/checkpatch.pl.
stage kernel-checkpatch 300 "$RESULTS/kernel-checkpatch.xml" \
  bash "$ROOT/kernel/harness/check-patches.sh" "$RESULTS/kernel-checkpatch.xml"

summary
