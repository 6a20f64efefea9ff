#!/usr/bin/env bash
# One row of the compatibility table (docs/variants.md): build
# Inputs/prog.c with MELF and the row's options, verify the binary and run
# every variant. Prints what Inputs/works.txt checks.
#
#   run-compat.sh CLANG 'MELF CFLAGS' 'MELF LDFLAGS' OUTDIR OPTION... [-- LINK-ONLY...]
#
# The options go to the compile and to the link; those after -- to the link
# only. COMPAT_ENV: extra environment settings for the runs; COMPAT_ARGS:
# arguments of the program. The runs' standard error is in OUTDIR/VARIANT.err.
set -eu
clang=$1 cflags=$2 ldflags=$3 out=$4
shift 4
opts=() link=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
[ $# -gt 0 ] && shift && link=("$@")
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$out" && mkdir -p "$out"
# shellcheck disable=SC2086 # the flag strings are word lists
$clang $cflags -O2 "${opts[@]}" -c "$here/prog.c" -o "$out/prog.o" 2>"$out/compile.err" || {
  cat "$out/compile.err"; echo "compile: failed"; exit 1; }
# shellcheck disable=SC2086
$clang $ldflags "${opts[@]}" "${link[@]}" "$out/prog.o" -o "$out/prog" 2>"$out/link.err" || {
  cat "$out/link.err"; echo "link: failed"; exit 1; }
echo "verify: $(melf-objdump --verify "$out/prog" 2>&1 | sed 's/^.*: valid/valid/')"
cd "$out"
for v in default debug size; do
  # shellcheck disable=SC2086
  if env ${COMPAT_ENV:-} MELF_VARIANT=$v ./prog ${COMPAT_ARGS:-} >"$v.out" 2>"$v.err"; then
    echo "$v: $(cat "$v.out")"
  else
    echo "$v: exit $?: $(cat "$v.out" "$v.err")"
  fi
done
