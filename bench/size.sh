#!/usr/bin/env bash
# Binary size and slot padding as the number of variants grows (1, 2, 4, 8
# non-default variants of every function of a generated 200-function
# program). Prints a table; not a test.
#
#   bench/size.sh BUILD_DIR
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
work=$build/bench/size
mkdir -p "$work"
cflags=$("$build/bin/melf-config" --cflags)
ldflags=$("$build/bin/melf-config" --ldflags)
variants=(x86-64-v3 debug size x86-64-v2 tiny fast vec small)
defines="-fplugin-arg-melf-define=tiny:opt=z -fplugin-arg-melf-define=fast:cpu=haswell -fplugin-arg-melf-define=vec:features=+avx2 -fplugin-arg-melf-define=small:opt=s"

python3 - "$work/prog.c" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(200):
        f.write(f"int f{i}(const int *p, int n) {{ int s = {i}; "
                f"for (int j = 0; j < n; j++) s += p[j] * {i % 7 + 1} ^ (s >> 3); return s; }}\n")
    f.write("int main(void) { int a[16] = {0}; int s = 0;\n")
    for i in range(200):
        f.write(f"  s += f{i}(a, 16);\n")
    f.write("  return s == 12345; }\n")
PY
printf "%-9s %12s %12s %14s %9s\n" variants "file bytes" "vs plain" "padding bytes" "padding"
clang-19 -O2 "$work/prog.c" -o "$work/plain"
plain=$(stat -c %s "$work/plain")
for n in 1 2 4 8; do
  list=$(IFS=,; echo "${variants[*]:0:$n}")
  clang-19 $cflags $defines -O2 -fplugin-arg-melf-variants="$list" \
    -fplugin-arg-melf-functions='f*' -c "$work/prog.c" -o "$work/prog$n.o"
  clang-19 $ldflags "$work/prog$n.o" -o "$work/prog$n"
  size=$(stat -c %s "$work/prog$n")
  read -r pad img < <("$build/bin/melf-objdump" --json "$work/prog$n" |
    python3 -c 'import json,sys; t=json.load(sys.stdin)["totals"]; print(t["padding_bytes"], t["slot_bytes"]*t["images"])')
  awk -v n="$n" -v size="$size" -v plain="$plain" -v pad="$pad" -v img="$img" \
    'BEGIN { printf "%-9s %12d %11.2fx %14d %8.1f%%\n", n, size, size / plain, pad, 100 * pad / img }' 
done
