#!/usr/bin/env bash
# The x86-64-v3 variant of a vectorisable kernel next to the whole program
# built with -march=x86-64-v3, and next to the default code. Median of 5
# runs each, ratios to the default. Prints a table; not a test. Skips,
# saying so, on a CPU without x86-64-v3.
#
#   bench/march.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$build/bench/march
mkdir -p "$work"
cc=/usr/lib/llvm-19/bin/clang
src=$root/examples/simd/dot.c
$cc $("$build/bin/melf-config" --cflags) -O2 -c "$src" -o "$work/dot.o"
$cc $("$build/bin/melf-config" --ldflags) "$work/dot.o" -o "$work/dot-melf"
# The same source without MELF, twice: baseline and -march=x86-64-v3.
$cc -O2 -I"$root/runtime/include" -Dvariant\(...\)= -c "$src" -o "$work/plain.o" 2>/dev/null ||
  { echo "march: the example does not build without the plugin"; exit 0; }
$cc -O2 -march=x86-64-v3 -I"$root/runtime/include" -Dvariant\(...\)= -c "$src" -o "$work/march.o"
$cc "$work/plain.o" -L"$build/lib" -lmelf -o "$work/dot-plain"
$cc "$work/march.o" -L"$build/lib" -lmelf -o "$work/dot-march"
ms() { "$@" | sed -nE 's/.* in +([0-9.]+) ms.*/\1/p'; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
run5() { for _ in 1 2 3 4 5; do ms "$@"; done | median; }
if ! grep -qw avx2 /proc/cpuinfo; then
  echo "march: this CPU has no x86-64-v3 (AVX2); skipped"
  exit 0
fi
def=$(MELF_VARIANT=default run5 "$work/dot-melf")
v3=$(MELF_VARIANT=x86-64-v3 run5 "$work/dot-melf")
plain=$(run5 "$work/dot-plain")
march=$(run5 "$work/dot-march")
echo "x86-64-v3: MELF variant vs the whole program built with -march=x86-64-v3"
echo "(examples/simd/dot.c, 20000 dot products of 4096 ints, median of 5 runs)"
printf '  %-38s %8s ms  %5s\n' "build" "time" "x"
awk -v d="$def" -v v="$v3" -v p="$plain" -v m="$march" 'BEGIN {
  printf "  %-38s %8.2f ms  %5.2f\n", "MELF binary, default variant", d, 1
  printf "  %-38s %8.2f ms  %5.2f\n", "MELF binary, x86-64-v3 variant", v, d / v
  printf "  %-38s %8.2f ms  %5.2f\n", "plain -O2 (no MELF)", p, d / p
  printf "  %-38s %8.2f ms  %5.2f\n", "plain -O2 -march=x86-64-v3", m, d / m
  printf "  x86-64-v3 variant / -march=x86-64-v3 build: %.2f\n", v / m }'
