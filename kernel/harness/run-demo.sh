#!/usr/bin/env bash
# The views part of `make demo`: builds the mmview guest kernel if it is
# missing (build-kernel.sh: cached and incremental, as for `make check`),
# boots it in QEMU with two MELF examples and two benchmarks, and prints
# what they say: threads of one process running different variants of the
# same function at the same moment, and what a per-thread switch costs.
#
#   kernel/harness/run-demo.sh BUILD_DIR
#
# Exits non-zero if the kernel cannot be built or the guest's programs fail.
set -euo pipefail
build=$(cd "${1:?usage: run-demo.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
kdir=$(cd "$here/.." && pwd)
root=$(cd "$kdir/.." && pwd)
out=$build/kernel
melf_config=$build/bin/melf-config
mkdir -p "$out/demo" "$build/test-results"

if [ ! -f "$out/bzImage" ]; then
  echo "   building the guest kernel (Linux 6.1 + kernel/patches; about 12 minutes the first time, cached after)"
fi
bash "$here/build-kernel.sh" "$out" > "$out/demo/build.log" 2>&1 || {
  tail -n 20 "$out/demo/build.log" >&2
  echo "run-demo: the guest kernel did not build (log: $out/demo/build.log)" >&2
  exit 1
}

# The examples, statically (libmelf in views mode), and the benchmarks.
progs=()
for src in "$root/examples/simd/dot.c" "$root/examples/debug/on_demand.c"; do
  name=example-$(basename "${src%.*}")
  # shellcheck disable=SC2046
  clang-19 $("$melf_config" --cflags) -O2 -c "$src" -o "$out/demo/$name.o"
  # shellcheck disable=SC2046
  clang-19 $("$melf_config" --ldflags) -static "$out/demo/$name.o" -o "$out/demo/$name" -lpthread
  progs+=("$out/demo/$name")
done
src=$kdir/bench/melf/switch-threads.c
# shellcheck disable=SC2046
clang-19 $("$melf_config" --cflags) -O2 -c "$src" -o "$out/demo/melf-switch-threads.o"
# shellcheck disable=SC2046
clang-19 $("$melf_config" --ldflags) -static "$out/demo/melf-switch-threads.o" \
  -o "$out/demo/melf-switch-threads" -lpthread
gcc -static -O2 -I"$root/include" -o "$out/demo/mmview-bench" "$kdir/bench/mmview-bench.c"
progs+=(--bench "$out/demo/melf-switch-threads" --bench "$out/demo/mmview-bench")

bash "$here/mkinitramfs.sh" "$out/demo/initramfs.cpio.gz" "${progs[@]}" >> "$out/demo/build.log"
log=$out/demo/guest.log
status=0
MELF_SELFTEST_BASELINE=/dev/null bash "$here/run-qemu.sh" "$out/bzImage" \
  "$out/demo/initramfs.cpio.gz" "$build/test-results/demo.xml" 300 > "$log" 2>&1 || status=$?

# The examples' and benchmarks' own lines, without the harness's.
sed -n 's/^guest| //p' "$log" |
  sed -n '/^=== example-/,/^MELF-GUEST-RESULTS-BEGIN/p' |
  grep -vE '^(MELF-GUEST-|PASS |FAIL |SELFTEST )' | sed 's/^/   /'
grep -E '^qemu: [0-9]+ passed' "$log" | sed 's/^/   /' || true
if [ "$status" != 0 ]; then
  echo "run-demo: the guest run failed (log: $log)" >&2
  exit 1
fi
