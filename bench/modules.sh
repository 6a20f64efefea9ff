#!/usr/bin/env bash
# Process-wide switch cost with 1, 4 and 16 MELF shared libraries loaded
# (issue 18's goal: <= 1.5x one mmap per module), each a median of 5 runs.
# Not a test.
#
#   bench/modules.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:?usage: modules.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
out=$build/bench/modules
mkdir -p "$out"
cflags=$("$build/bin/melf-config" --cflags)
ldflags=$("$build/bin/melf-config" --ldflags)
# shellcheck disable=SC2086
clang-19 -fPIC -O2 $cflags -c "$here/modlib.c" -o "$out/modlib.o"
for i in $(seq 0 15); do
  # shellcheck disable=SC2086
  clang-19 -shared "$out/modlib.o" $ldflags -o "$out/libmod$i.so"
done
# shellcheck disable=SC2086
clang-19 -O2 $cflags "$here/modules.c" $ldflags -o "$out/modules"
echo "process-wide switch with N MELF modules (median of 5 runs)"
for n in 1 4 16; do
  libs=()
  for i in $(seq 0 $((n - 1))); do libs+=("$out/libmod$i.so"); done
  for _ in 1 2 3 4 5; do "$out/modules" "${libs[@]}"; done |
    awk '{ for (i = 1; i <= NF; i++) if ($i == "ratio") r = $(i + 1); print r, $0 }' |
    sort -n | sed -n 3p | cut -d' ' -f2-
done
