#!/usr/bin/env bash
# Link time of ld.melf next to Debian's ld.lld on one large generated
# program (20 000 functions in 40 files), with and without MELF input, and
# the compile-time cost of the plugin. Median of 5 links; compile times of
# one build each. Prints a table; not a test.
#
#   bench/linktime.sh BUILD_DIR [FUNCTIONS]
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
nfun=${2:-20000}
work=$build/bench/linktime
rm -rf "$work"
mkdir -p "$work/src" "$work/plain" "$work/plugin" "$work/melf"
cc=/usr/lib/llvm-19/bin/clang
cflags=$("$build/bin/melf-config" --cflags)
ldflags=$("$build/bin/melf-config" --ldflags)
files=40
python3 - "$work/src" "$nfun" "$files" <<'PY'
import sys
out, n, files = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
per = n // files
for f in range(files):
    with open(f"{out}/m{f}.c", "w") as fh:
        for i in range(f * per, (f + 1) * per):
            fh.write(f"int f{i}(const int *p, int n) {{ int s = {i % 97}; "
                     f"for (int j = 0; j < n; j++) s += p[j] * {i % 13 + 1} ^ j; return s; }}\n")
        if f == 0:
            fh.write("int main(void) { int a[4] = {1, 2, 3, 4}; return f0(a, 4) & 1; }\n")
PY
now() { date +%s%N; }
compile() { # DIR FLAGS...
  local d=$1; shift
  local t0 t1
  t0=$(now)
  ls "$work/src"/*.c | xargs -P "${JOBS:-2}" -I{} sh -c \
    "$cc $* -O1 -c {} -o $d/\$(basename {} .c).o"
  t1=$(now)
  echo $(( (t1 - t0) / 1000000 ))
}
c_plain=$(compile "$work/plain")
c_plugin=$(compile "$work/plugin" $cflags)
# One function in ten multivariant (x86-64-v3 and debug clones).
c_melf=$(compile "$work/melf" $cflags -fplugin-arg-melf-variants=x86-64-v3,debug \
  "-fplugin-arg-melf-functions=f*7")
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
link5() { # OUT LINKER-FLAGS... -- OBJECTS
  local i t0 t1
  for i in 1 2 3 4 5; do
    t0=$(now); "$cc" "$@" > /dev/null; t1=$(now)
    echo $(( (t1 - t0) / 1000000 ))
  done | median
}
l_lld=$(link5 -fuse-ld=lld "$work/plain"/*.o -o "$work/plain.out")
l_melf_plain=$(link5 $ldflags "$work/plain"/*.o -o "$work/plain-melf.out")
l_melf=$(link5 $ldflags "$work/melf"/*.o -o "$work/melf.out")
slots=$("$build/bin/melf-objdump" --json "$work/melf.out" |
        python3 -c 'import json, sys; print(len(json.load(sys.stdin)["slots"]))')
echo "Link and compile time: $nfun functions in $files files ($slots multivariant with MELF)"
printf '  %-52s %7s\n' "" "ms"
printf '  %-52s %7d  (%.2f x plain)\n' "compile, plain -O1" "$c_plain" 1
awk -v a="$c_plugin" -v b="$c_plain" 'BEGIN { printf "  %-52s %7d  (%.2f x plain)\n", "compile with the plugin loaded, no variants", a, a / b }'
awk -v a="$c_melf" -v b="$c_plain" 'BEGIN { printf "  %-52s %7d  (%.2f x plain)\n", "compile, 1 function in 10 with x86-64-v3 + debug", a, a / b }'
printf '  %-52s %7d  (%.2f x ld.lld)\n' "link plain objects, Debian ld.lld" "$l_lld" 1
awk -v a="$l_melf_plain" -v b="$l_lld" 'BEGIN { printf "  %-52s %7d  (%.2f x ld.lld)\n", "link plain objects, ld.melf (+ libmelf)", a, a / b }'
awk -v a="$l_melf" -v b="$l_lld" 'BEGIN { printf "  %-52s %7d  (%.2f x ld.lld)\n", "link MELF objects, ld.melf (+ libmelf)", a, a / b }'
