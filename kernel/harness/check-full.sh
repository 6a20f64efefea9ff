#!/usr/bin/env bash
# make check-kernel-full: (1) an UNPATCHED kernel of the guest config runs
# the kernel's mm selftests, whose results must equal the committed
# baseline kernel/baseline/vm-selftests.txt (one check of its own); (2) the
# patched kernel with KASAN runs every guest test; (3) the patched kernel
# for arm64 runs the guest tests that apply there. Ends with the summary
# line `N passed, N failed`.
#
#   kernel/harness/check-full.sh BUILD_DIR
set -u
BUILD=${1:?usage: check-full.sh BUILD_DIR}
. "$(dirname "$0")/../../scripts/stage.sh"
results=$BUILD/test-results
start=$SECONDS
MELF_KERNEL_FLAVOUR=baseline MELF_GUEST_SELFTESTS_ONLY=1 MELF_SELFTEST_BASELINE= \
  MELF_SELFTEST_RECORD=$results/vm-selftests-baseline.txt \
  stage kernel-baseline 3600 "$results/kernel-baseline.xml" \
  bash "$ROOT/kernel/harness/run-kernel-tests.sh" "$BUILD" "$results/kernel-baseline.xml"
baseline_matches() {
  grep -v "^#" "$ROOT/kernel/baseline/vm-selftests.txt" |
    diff -u - "$results/vm-selftests-baseline.txt"
}
check baseline-selftests baseline_matches
MELF_KERNEL_FLAVOUR=kasan QEMU_TIMEOUT=900 \
  stage kernel-kasan 3600 "$results/kernel-kasan.xml" \
  bash "$ROOT/kernel/harness/run-kernel-tests.sh" "$BUILD" "$results/kernel-kasan.xml"
# (3) the series on arm64: cross-built, booted in qemu-system-aarch64 (virt,
# -cpu max, TCG) with the guest tests cross-built for aarch64.
MELF_KERNEL_FLAVOUR=arm64 QEMU_TIMEOUT=900 \
  stage kernel-arm64 3600 "$results/kernel-arm64.xml" \
  bash "$ROOT/kernel/harness/run-kernel-tests.sh" "$BUILD" "$results/kernel-arm64.xml"
echo "check-kernel-full: $((SECONDS - start))s"
summary
