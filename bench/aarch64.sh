#!/usr/bin/env bash
# The AArch64 variants' speed under qemu-user: bench/aarch64.c cross-built
# with `melf-config --target=aarch64-linux-gnu`, run with MELF_VARIANT=name
# under `qemu-aarch64 -cpu MODEL` for every variant the model has the
# features of (and auto), median of 5 runs; ratios to the default variant on
# the same model. Next to them the same source built without MELF for the
# whole program's -march (what a variant replaces). QEMU translates the
# guest's instructions (TCG), so the ratios say what the variants' code
# costs under this emulator, not on Arm hardware. Prints tables; not a test.
# Skips, saying so, without qemu-aarch64 or the cross libc.
#
#   bench/aarch64.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$build/bench/aarch64
sysroot=/usr/aarch64-linux-gnu
mkdir -p "$work"
if ! command -v qemu-aarch64 >/dev/null || [ ! -e "$sysroot/include/stdio.h" ] ||
   [ ! -e "$build/lib/melf/aarch64-linux-gnu/libmelf.a" ]; then
  echo "aarch64: no qemu-aarch64, cross libc or AArch64 libmelf; skipped"
  exit 0
fi
cc=/usr/lib/llvm-19/bin/clang
mc="$build/bin/melf-config --target=aarch64-linux-gnu"
src=$root/bench/aarch64.c
kernels=$root/test/aarch64/Inputs/kernels.c # the multivariant kernels
# shellcheck disable=SC2046
$cc $($mc --cflags) -O2 -c "$src" -o "$work/bench.o"
# shellcheck disable=SC2046
$cc $($mc --cflags) -O2 -c "$kernels" -o "$work/kernels.o"
# shellcheck disable=SC2046
$cc $($mc --ldflags) "$work/bench.o" "$work/kernels.o" -o "$work/bench-melf"
# Without MELF (variant attributes dropped), for the whole program.
plain() { # NAME MARCH
  for s in "$src" "$kernels"; do
    $cc --target=aarch64-linux-gnu -O2 ${2:+-march=$2} -I"$root/runtime/include" \
      -Dvariant\(...\)= -c "$s" -o "$work/$1-$(basename "$s" .c).o"
  done
  # shellcheck disable=SC2046
  $cc $($mc --ldflags) "$work/$1-aarch64.o" "$work/$1-kernels.o" -o "$work/$1"
}
plain plain ""
plain plain-dotprod armv8.2-a+dotprod
plain plain-sve2 armv9-a+sve2

# The builds measured on each model: label, program, MELF_VARIANT.
builds() { # CPU
  echo "default bench-melf default"
  for v in armv8-2-a armv8-4-a armv9-a lse dotprod sve sve2 debug; do
    echo "$v bench-melf $v"
  done
  echo "auto bench-melf auto"
  echo "plain plain default"
  case $1 in
    neoverse-n1) echo "plain+dotprod plain-dotprod default" ;;
    max) echo "plain-armv9-a+sve2 plain-sve2 default" ;;
  esac
}
# once CPU PROG VARIANT: "dot count scale" in ms, or nothing when the
# variant did not run (the CPU lacks its features: libmelf says so and runs
# the default, which the name check catches).
once() {
  local out got
  out=$(MELF_VARIANT=$3 qemu-aarch64 -L "$sysroot" -cpu "$1" "$work/$2" 2>/dev/null) || return 0
  got=$(sed -nE 's/^variant ([^:]*):.*/\1/p' <<<"$out")
  case $3 in auto) ;; *) [ "$2" != bench-melf ] || [ "$got" = "$3" ] || return 0 ;; esac
  sed -nE 's/.* dot ([0-9.]+) count ([0-9.]+) scale ([0-9.]+).*/\1 \2 \3/p' <<<"$out"
}
cpus=(cortex-a72 neoverse-n1 a64fx max)
rounds=5
# Rounds outside, builds inside: a busy host slows every build of a round
# alike instead of a few builds of one model.
declare -A times picked
for cpu in "${cpus[@]}"; do
  picked[$cpu]=$(MELF_VARIANT=auto qemu-aarch64 -L "$sysroot" -cpu "$cpu" "$work/bench-melf" |
    sed -nE 's/^variant ([^:]*):.*/\1/p')
done
for ((r = 0; r < rounds; r++)); do
  for cpu in "${cpus[@]}"; do
    while read -r label prog v; do
      t=$(once "$cpu" "$prog" "$v")
      [ -n "$t" ] && times[$cpu/$label]+="$t"$'\n'
    done < <(builds "$cpu")
  done
done
median() { # LINES COLUMN
  cut -d' ' -f"$2" <<<"$1" | sed '/^$/d' | sort -n | sed -n "$(( (rounds + 1) / 2 ))p"
}

echo "AArch64 variants under qemu-aarch64 (TCG): CPU time ratio to the default"
echo "variant on the same CPU model, lower is faster (bench/aarch64.c, median of"
echo "$rounds interleaved runs; variants the model lacks are not listed)"
printf '  %-12s %-26s %6s %6s %6s\n' model build dot count scale
for cpu in "${cpus[@]}"; do
  base=${times[$cpu/default]:-}
  [ -n "$base" ] || { echo "  $cpu: the default variant did not run"; continue; }
  bd=$(median "$base" 1) bc=$(median "$base" 2) bs=$(median "$base" 3)
  while read -r label prog v; do
    t=${times[$cpu/$label]:-}
    [ "$(sed '/^$/d' <<<"$t" | wc -l)" = "$rounds" ] || continue
    name=$label
    [ "$label" = auto ] && name="auto (${picked[$cpu]:-?})"
    [ "$label" = plain ] && name="plain -O2, no MELF"
    awk -v l="$name" -v m="$cpu" -v bd="$bd" -v bc="$bc" -v bs="$bs" \
        -v d="$(median "$t" 1)" -v c="$(median "$t" 2)" -v s="$(median "$t" 3)" 'BEGIN {
      printf "  %-12s %-26s %6.2f %6.2f %6.2f", m, l, d / bd, c / bc, s / bs
      if (l == "default") printf "   (%.1f %.1f %.1f ms)", bd, bc, bs
      printf "\n" }'
  done < <(builds "$cpu")
done
