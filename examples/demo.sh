#!/usr/bin/env bash
# The README's demo: build an example with variants, show what is in the
# binary, and run it in each variant (libmelf, process mode on this kernel).
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN="$ROOT/$BUILD/bin"
OUT="$ROOT/$BUILD/demo"
mkdir -p "$OUT"
CLANG=/usr/lib/llvm-19/bin/clang
CFLAGS=$("$BIN/melf-config" --cflags)
LDFLAGS=$("$BIN/melf-config" --ldflags)

echo "== MELF demo"
echo "-- built-in variants (melf-config --variants):"
"$BIN/melf-config" --variants | sed 's/^/   /'
echo
echo "-- build examples/simd/dot.c:"
echo "   clang-19 \$(melf-config --cflags) -O2 -c dot.c"
echo "   clang-19 \$(melf-config --ldflags) dot.o -o dot"
$CLANG $CFLAGS -O2 -c "$ROOT/examples/simd/dot.c" -o "$OUT/dot.o"
$CLANG $LDFLAGS "$OUT/dot.o" -o "$OUT/dot"
echo
echo "-- what the binary holds (melf-objdump --variants --slots):"
"$BIN/melf-objdump" --variants --slots "$OUT/dot" | sed 's/^/   /'
echo
echo "-- verify its MELF invariants (melf-objdump --verify):"
"$BIN/melf-objdump" --verify "$OUT/dot" | sed 's/^/   /'
echo
echo "-- the x86-64-v3 image uses AVX registers, the default image does not:"
for v in default x86-64-v3; do
  n=$("$BIN/melf-objdump" -d --variant=$v --symbol=dot "$OUT/dot" | grep -c ymm || true)
  printf "   %-10s %3s instructions using ymm registers in dot\n" "$v" "$n"
done
echo
echo "-- run it in each variant (MELF_VARIANT=...; one binary, same addresses):"
for v in default x86-64-v2 x86-64-v3 x86-64-v4 debug auto; do
  printf "   %-10s -> %s\n" "$v" "$(MELF_VARIANT=$v "$OUT/dot" 2>"$OUT/stderr")"
  if [ -s "$OUT/stderr" ]; then sed 's/^/                 /' "$OUT/stderr"; fi
done
echo
echo "demo finished"
