#!/usr/bin/env bash
# What an asan variant costs the default variant: bench/asan-cost.c built
# plain, plain with clang's ASan runtime linked, and as a MELF program with
# an asan variant linked with clang's ASan runtime (-fsanitize=address) and
# with MELF's (asan-patches/, what melf-clang links), each the median of
# five runs, with ratios to the plain program. With MELF's runtime the
# default variant allocates from the C library: the program also says how
# many of its live buffers came from ASan's allocator.
#
#   bench/asan-cost.sh BUILD_DIR [--check=RATIO]
#
# --check=RATIO: exit 1 unless MELF's runtime was built, the default
# variant with it takes at most RATIO times the plain program and none of
# its buffers came from ASan's allocator (the goal of issue 15: 1.10).
# MELF_ASAN_COST_ITERS: loop iterations (default 2000000).
set -eu
build=$(cd "${1:?usage: asan-cost.sh BUILD_DIR [--check=RATIO]}" && pwd)
check=
case "${2-}" in
  "") ;;
  --check=*) check=${2#--check=} ;;
  *) echo "asan-cost.sh: error: unknown option '$2' (expected --check=RATIO)" >&2; exit 2 ;;
esac
if [ -n "$check" ] && ! [[ $check =~ ^[0-9]+(\.[0-9]+)?$ ]]; then
  echo "asan-cost.sh: error: --check=$check: expected a ratio such as 1.10" >&2
  exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
cc=clang-19
out=${MELF_ASAN_COST_OUT:-$build/bench/asan-cost}
mkdir -p "$out"
cflags="-fplugin=$build/lib/MELFPlugin.so -I$here/../runtime/include -O2"
ldflags="-fuse-ld=melf -B$build/bin -L$build/lib -lmelf"
melfrt=$build/lib/melf/asan/libclang_rt.asan-x86_64.a
$cc -O2 -c "$here/asan-cost.c" -o "$out/plain.o"
$cc "$out/plain.o" -o "$out/plain"
$cc -fsanitize=address "$out/plain.o" -o "$out/plain-asanrt"
# shellcheck disable=SC2086
$cc $cflags -DWITH_ASAN_VARIANT -c "$here/asan-cost.c" -o "$out/melf.o"
# shellcheck disable=SC2086
$cc $ldflags -fsanitize=address "$out/melf.o" -o "$out/melf-clangrt"
[ ! -f "$melfrt" ] || "$build/bin/melf-clang" "$out/melf.o" -o "$out/melf"

iters=${MELF_ASAN_COST_ITERS:-2000000}
median() { # command... -> median seconds of five runs
  for _ in 1 2 3 4 5; do "$@" "$iters" 2>/dev/null | cut -d' ' -f1; done | sort -n | sed -n 3p
}
ratio() { echo "$1 / $base" | bc -l; }
base=$(median "$out/plain")
row() { # label seconds
  printf '  %-58s %7.3f s  %5.2fx\n' "$1" "$2" "$(ratio "$2")"
}
echo "asan-cost: malloc-heavy loop, median of 5 runs (ratio to the plain program)"
row "plain program" "$base"
row "plain program, clang's ASan runtime linked (detect_leaks=0)" \
  "$(ASAN_OPTIONS=detect_leaks=0 median "$out/plain-asanrt")"
row "MELF, clang's ASan runtime, default variant running" "$(median "$out/melf-clangrt")"
row "MELF, clang's ASan runtime, asan variant running" \
  "$(MELF_VARIANT=asan median "$out/melf-clangrt")"
if [ ! -f "$melfrt" ]; then
  echo "  MELF's ASan runtime: not built ($melfrt; MELF_BUILD_ASAN_RUNTIME)"
  [ -z "$check" ] || { echo "asan-cost.sh: MELF's ASan runtime was not built" >&2; exit 1; }
  exit 0
fi
def=$(median "$out/melf")
row "MELF, MELF's ASan runtime, default variant running" "$def"
row "MELF, MELF's ASan runtime, asan variant running" "$(MELF_VARIANT=asan median "$out/melf")"
owned() { "$@" "$iters" | sed -n 's/.*, \([0-9]*\) of \([0-9]*\) live buffers.*/\1 of \2/p'; }
def_owned=$(owned "$out/melf")
echo "  live buffers from ASan's allocator: default variant $def_owned, asan variant $(MELF_VARIANT=asan owned "$out/melf")"
r=$(ratio "$def")
met=$(echo "$r <= 1.10" | bc -l)
printf '  goal: default variant with MELF'"'"'s ASan runtime <= 1.10x the plain program (%.2fx: %s)\n' \
  "$r" "$([ "$met" = 1 ] && echo met || echo not met)"
if [ -n "$check" ]; then
  if [ "$(echo "$r <= $check" | bc -l)" != 1 ] || [ "${def_owned%% *}" != 0 ]; then
    printf 'asan-cost.sh: the default variant takes %.2fx the plain program (limit %s) with %s buffers from ASan'"'"'s allocator\n' \
      "$r" "$check" "$def_owned" >&2
    exit 1
  fi
fi
