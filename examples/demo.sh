#!/usr/bin/env bash
# The README's demo: compile an example with variants and show what the
# compiler produced. (Linking with ld.melf and switching variants at run time
# join as those components land.)
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/$BUILD/bin"
OUT="$ROOT/$BUILD/demo"
mkdir -p "$OUT"
LLVM=/usr/lib/llvm-19/bin
CFLAGS=$("$BIN/melf-config" --cflags)

echo "== MELF demo"
echo "-- built-in variants ($BIN/melf-config --variants):"
"$BIN/melf-config" --variants | sed 's/^/   /'
echo
echo "-- compiling examples/simd/dot.c with the MELF plugin:"
echo "   clang-19 $CFLAGS -O2 -c dot.c"
$LLVM/clang $CFLAGS -O2 -c "$ROOT/examples/simd/dot.c" -o "$OUT/dot.o"
echo
echo "-- one section per function body and variant (llvm-readelf -S):"
$LLVM/llvm-size -A "$OUT/dot.o" | awk '$1 ~ /^\.melf\./ {printf "   %-34s %6d bytes\n", $1, $2}'
echo
echo "-- the x86-64-v3 clone uses AVX registers, the default body does not:"
for sec in default x86-64-v3; do
  n=$($LLVM/llvm-objdump -d -j ".melf.text.$sec.dot" "$OUT/dot.o" | grep -c ymm || true)
  printf "   %-12s %s instructions using ymm registers\n" "$sec" "$n"
done
echo
echo "-- linked with a stock linker, the program runs its default bodies:"
$LLVM/clang -fuse-ld=lld -fsanitize=address "$OUT/dot.o" -o "$OUT/dot"
"$OUT/dot" | sed 's/^/   /'
echo
echo "demo finished"
