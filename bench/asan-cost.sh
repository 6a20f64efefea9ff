#!/usr/bin/env bash
# What an asan variant costs the default variant: bench/asan-cost.c built
# plain, plain with only the ASan runtime linked, and as a MELF program with
# an asan variant (default and asan variant run), each the median of five
# runs, with ratios to the plain program. Also with ASan options that trade
# the asan variant's detection for speed, to show where the cost is.
#
#   bench/asan-cost.sh BUILD_DIR
set -eu
build=$(cd "${1:?usage: asan-cost.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
cc=clang-19
out=$build/bench/asan-cost
mkdir -p "$out"
cflags="-fplugin=$build/lib/MELFPlugin.so -I$here/../runtime/include -O2"
ldflags="-fuse-ld=melf -B$build/bin -L$build/lib -lmelf"
$cc -O2 -c "$here/asan-cost.c" -o "$out/plain.o"
$cc "$out/plain.o" -o "$out/plain"
$cc -fsanitize=address "$out/plain.o" -o "$out/plain-asanrt"
# shellcheck disable=SC2086
$cc $cflags -DWITH_ASAN_VARIANT -c "$here/asan-cost.c" -o "$out/melf.o"
# shellcheck disable=SC2086
$cc $ldflags -fsanitize=address "$out/melf.o" -o "$out/melf"

median() { # command... -> median seconds of five runs
  for _ in 1 2 3 4 5; do "$@" 2>/dev/null | cut -d' ' -f1; done | sort -n | sed -n 3p
}
base=$(median "$out/plain")
row() { # label seconds
  printf '  %-58s %7.3f s  %5.2fx\n' "$1" "$2" "$(echo "$2 / $base" | bc -l)"
}
echo "asan-cost: malloc-heavy loop, median of 5 runs (ratio to the plain program)"
row "plain program" "$base"
row "plain program, ASan runtime linked (detect_leaks=0)" \
  "$(ASAN_OPTIONS=detect_leaks=0 median "$out/plain-asanrt")"
row "MELF, asan variant present, default variant running" "$(median "$out/melf")"
row "MELF, asan variant running" "$(MELF_VARIANT=asan median "$out/melf")"
row "default variant, ASAN_OPTIONS=quarantine_size_mb=0" \
  "$(ASAN_OPTIONS=quarantine_size_mb=0 median "$out/melf")"
row "default variant, + malloc_context_size=0:max_malloc_fill_size=0" \
  "$(ASAN_OPTIONS=quarantine_size_mb=0:malloc_context_size=0:max_malloc_fill_size=0 median "$out/melf")"
