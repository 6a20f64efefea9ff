#!/usr/bin/env bash
# The README's demo: build the examples with variants, show what is in a
# binary, and run them (libmelf, process mode on this kernel):
#   examples/simd      heterogeneous SIMD: v2/v3/v4 variants, `auto`
#   examples/hardening per-request hardening: untrusted requests in `asan`
#   examples/debug     debug on demand: one call in the `debug` variant
#   examples/hetero    heterogeneous cores: a variant per core type
# and, in the mmview kernel booted in QEMU, the same simd and debug examples
# switching per thread, with the cost of a switch.
set -euo pipefail
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
BIN="$BUILD/bin"
OUT="$BUILD/demo"
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
echo "== per-request hardening (examples/hardening/requests.c)"
echo "-- untrusted requests run the asan variant of parse(), trusted ones the default;"
echo "   request 3 is an attack that overflows a 32-byte heap record:"
# -ffunction-sections and --melf-area-object: requests.c's functions are
# slots of the MELF area, so the reduced variant `worker` can drop them.
$CLANG $CFLAGS -O2 -ffunction-sections -c "$ROOT/examples/hardening/requests.c" -o "$OUT/requests.o"
$CLANG $LDFLAGS -fsanitize=address -Wl,--melf-area-object=requests.o \
  -Wl,--melf-reduce=worker:"$ROOT/examples/hardening/worker.list" "$OUT/requests.o" -o "$OUT/requests"
set +e
"$OUT/requests" asan > "$OUT/requests.out" 2> "$OUT/requests.err"
rc=$?
set -e
sed 's/^/   /' "$OUT/requests.out"
grep -m1 -E 'ERROR: AddressSanitizer' "$OUT/requests.err" | sed 's/^==[0-9]*==/   /'
grep -m1 -E '^ +#0 ' "$OUT/requests.err" | sed -E 's/ \(.*//; s/^ +/   /'
echo "   (the process stopped with exit status $rc at the first bad write)"
echo "-- the same requests, untrusted ones in the default variant:"
"$OUT/requests" default 2>&1 | tail -n 5 | sed 's/^/   /'
echo "-- a reduced worker: untrusted requests run \`worker', an image that keeps the untrusted-request"
echo "   handler and what it reaches (examples/hardening/worker.list), trap bytes elsewhere:"
echo "   clang-19 \$(melf-config --ldflags) -fsanitize=address -Wl,--melf-area-object=requests.o \\"
echo "     -Wl,--melf-reduce=worker:worker.list requests.o -o requests"
"$BIN/melf-objdump" --attack-surface --json "$OUT/requests" | python3 -c '
import json, sys
a = json.load(sys.stdin)["attack_surface"]
p, o = a["program"], a["outside_area"]
w = next(v for v in a["variants"] if v["name"] == "worker")
t, r = w["total"], w["area"]
n, code, gad = r["functions"], r["code_bytes"], r["gadgets"]
all_n, all_code, all_gad = a["functions"], p["code_bytes"] - o["code_bytes"], p["gadgets"] - o["gadgets"]
tot, prog = t["code_bytes"], p["code_bytes"]
print(f"   what the worker can run (melf-objdump --attack-surface): {n} of the {all_n} functions of requests.c,")
print(f"     {code} of their {all_code} code bytes ({100 * code / all_code:.1f}%), "
      f"{gad} of their {all_gad} gadgets ({100 * gad / all_gad:.1f}%);")
print(f"     with the code outside the area (ASan runtime, libmelf: in every image) "
      f"{tot} of {prog} bytes ({100 * tot / prog:.1f}%)")
if not (code < all_code and gad < all_gad):
    sys.exit("demo: the worker variant is not reduced")'
set +e
"$OUT/requests" worker > "$OUT/requests-worker.out" 2> "$OUT/requests-worker.err"
rc=$?
set -e
sed 's/^/   /' "$OUT/requests-worker.out"
grep -m1 '^melf: ' "$OUT/requests-worker.err" | sed 's/^/   /'
echo "   (the process stopped at the call, exit status $rc; ASan's report of the SIGSEGV follows the message)"
echo "-- the same requests with the full code (requests default hijack):"
set +e
"$OUT/requests" default hijack 2>&1 | tail -n 2 | sed 's/^/   /'
set -e
echo
echo "== debug on demand (examples/debug/on_demand.c)"
$CLANG $CFLAGS -O2 -c "$ROOT/examples/debug/on_demand.c" -o "$OUT/on_demand.o"
$CLANG $LDFLAGS "$OUT/on_demand.o" -o "$OUT/on_demand"
"$OUT/on_demand" | sed 's/^/   /'
echo
echo "== heterogeneous cores (examples/hetero/cores.c)"
echo "-- one thread per core type, each in the best variant its CPUs can all run:"
$CLANG $CFLAGS -O2 -c "$ROOT/examples/hetero/cores.c" -o "$OUT/cores.o"
$CLANG $LDFLAGS "$OUT/cores.o" -o "$OUT/cores" -lpthread
"$OUT/cores" | sed 's/^/   /'
# A fake hybrid machine: CPU 0 a big core with this CPU's features, CPU 1 a
# little one with the x86-64 baseline only (MELF_TOPOLOGY_ROOT).
if [ "$(nproc)" -ge 2 ]; then
  echo "-- the same on a fake hybrid topology (big CPU 0, little CPU 1 without x86-64-v2):"
  python3 "$ROOT/test/runtime/Inputs/fake-topology.py" "$OUT/hybrid"
  MELF_TOPOLOGY_ROOT="$OUT/hybrid" "$OUT/cores" | sed 's/^/   /'
fi
echo
echo "== per thread, with address-space views"
# This kernel has no views: libmelf switched the whole process above. The
# mmview kernel (Linux 6.1 with kernel/patches, built once and cached) boots
# in QEMU and runs the simd and debug examples with one variant per thread,
# then the cost of a per-thread switch (MIGRATE) next to a null system call.
if [ "${MELF_DEMO_GUEST:-1}" = 0 ]; then
  echo "-- skipped (MELF_DEMO_GUEST=0); make check boots it in its demo-views stage"
else
  echo "-- booting the mmview kernel in QEMU (kernel/harness/run-demo.sh):"
  bash "$ROOT/kernel/harness/run-demo.sh" "$BUILD"
fi
echo
echo "demo finished"
