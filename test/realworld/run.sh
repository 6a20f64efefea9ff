#!/usr/bin/env bash
# Third-party C projects as MELF binaries (docs/realworld.md): sources from
# Debian source packages (apt-get source, cached outside the checkout), built
# with their own build systems plus `melf-config` flags and a function list
# (no source edits), then their own test suites run once per variant
# (MELF_VARIANT=..., process mode) and once for a normal build of the same
# source. Plus: the marked functions are slots, the asan variant catches a
# planted out-of-bounds write the default misses, and speed per variant.
#
#   test/realworld/run.sh BUILD_DIR JUNIT_XML [quick|full]
#
# MELF_REALWORLD_ONLY="lz4 zlib zlib-so lz4-so sqlite zlib-reduce
# zlib-aarch64 lz4-aarch64" picks parts (all of the set by default).
# dropin.sh: zlib and LZ4 as MELF shared libraries under unmodified Debian
# programs; sqlite.sh: libsqlite3.so and SQLite's TCL tests; reduce.sh: zlib
# with a worker in a reduced variant (record, --melf-reduce, --attack-surface
# figures in BUILD_DIR/realworld/reduce.txt); aarch64.sh: zlib and LZ4
# cross-built with the AArch64 variants, tests under qemu-aarch64.
#
# quick (make check): LZ4's essential CLI tests and zlib's test program.
# full (make check-realworld): adds LZ4's frame and fuzzer tests (timed
# runs), the AArch64 LZ4 part, and prints the speed table. Writes
# BUILD_DIR/realworld/speed.txt.
set -uo pipefail
build=$(cd "${1:?usage: run.sh BUILD_DIR JUNIT_XML [quick|full]}" && pwd)
xml=${2:?usage: run.sh BUILD_DIR JUNIT_XML [quick|full]}
mode=${3:-quick}
here=$(cd "$(dirname "$0")" && pwd)
cache=${MELF_CACHE:-/var/cache/melf}/realworld
work="$build/realworld"
mcfg="$build/bin/melf-config"
objdump="$build/bin/melf-objdump"
variants=(default x86-64-v3 debug asan)
results="$work/results.tsv"
mkdir -p "$cache" "$work"
: > "$results"
jobs=${JOBS:-2}

say() { echo "realworld: $*"; }
record() { printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >> "$results"; echo "realworld: $2 $1${3:+: $3}"; }

# fetch PACKAGE: the unpacked Debian source tree (apt-get source, once).
fetch() {
  local pkg=$1 dir
  dir=$(ls -d "$cache/$pkg"-[0-9]*/ 2>/dev/null | grep -v '\.orig' | sort -V | tail -n 1)
  if [ -z "$dir" ]; then
    (cd "$cache" && apt-get source -q "$pkg" > "$cache/$pkg.fetch.log" 2>&1) || {
      say "apt-get source $pkg failed (needs a deb-src entry: scripts/setup.sh adds it)"; return 1; }
    dir=$(ls -d "$cache/$pkg"-[0-9]*/ | sort -V | tail -n 1)
  fi
  echo "${dir%/}"
}

# fresh_copy SRC NAME: a clean copy to build in.
fresh_copy() { # SRC NAME: a fresh copy in the work directory, or fail
  rm -rf "${work:?}/$2" && cp -a "$1" "$work/$2" && echo "$work/$2"
}

# variant_check PROGRAM ARGS...: MELF_VARIANT=v really starts in v.
variant_check() {
  local name=$1 v=$2; shift 2
  local out
  out=$(MELF_VARIANT=$v MELF_DEBUG=1 "$@" 2>&1 >/dev/null)
  if [ "$v" = default ] || grep -q "start-up variant '$v'" <<<"$out"; then
    record "$name/$v/starts-in-variant" PASS
  else
    record "$name/$v/starts-in-variant" FAIL "$(head -n 3 <<<"$out" | tr '\n' ' ')"
  fi
}

# first_frame PROGRAM REPORT: the function of frame #0 of an ASan report,
# symbolized offline (a clone is named FUNCTION.melf.VARIANT).
first_frame() {
  local line off
  line=$(grep -m1 -E '^ +#0 ' <<<"$2")
  if [[ $line =~ \ in\ ([^ ]+) ]]; then echo "${BASH_REMATCH[1]}"; return; fi
  off=$(sed -nE 's/.*\+(0x[0-9a-f]+)\).*/\1/p' <<<"$line")
  [ -n "$off" ] && llvm-symbolizer-19 --obj="$1" "$off" | head -n 1
}

# ---------------------------------------------------------------- LZ4 ----
# Hot API entry points (their static inline helpers are inlined into them).
lz4_functions='LZ4_compress_fast_extState,LZ4_compress_destSize,LZ4_compress_fast_continue,LZ4_decompress_safe,LZ4_decompress_safe_partial,LZ4_decompress_fast,LZ4_decompress_safe_continue,LZ4_compress_HC_extStateHC_fastReset,LZ4F_compressUpdate,LZ4F_decompress,LZ4_XXH32,LZ4_XXH32_update'
lz4_quick_tests=(test-lz4-basic test-lz4-multiple test-lz4-multiple-legacy
  test-lz4-frame-concatenation test-lz4-testmode test-lz4-contentSize test-lz4-dict)
lz4_full_tests=(test-lz4-sparse test-lz4-skippable test-lz4-opt-parser)

lz4_build() { # DIR CC CFLAGS LDFLAGS
  local d=${1:?lz4_build: no source directory}
  make -s -j"$jobs" -C "$d/lib" liblz4.a CC="$2" CFLAGS="$3" > "$d.build.log" 2>&1 &&
    make -s -j"$jobs" -C "$d/programs" lz4 CC="$2" CFLAGS="$3" LDFLAGS="$4" >> "$d.build.log" 2>&1
}

lz4_suite() { # DIR LABEL [VARIANT]
  local d=$1 label=$2 v=${3:-} t tests=("${lz4_quick_tests[@]}")
  [ "$mode" = full ] && tests+=("${lz4_full_tests[@]}")
  for t in "${tests[@]}"; do
    if MELF_VARIANT=$v make -C "$d/tests" "$t" > "$d.$label.$t.log" 2>&1; then
      record "lz4/$label/$t" PASS
    else
      record "lz4/$label/$t" FAIL "see $d.$label.$t.log"
    fi
  done
}

# build_both LIB BUILD_FN SUITE_FN FUNCTIONS PROGRAM MIN_SLOTS CHECK_ARG...:
# LIB from Debian's source, built twice with its own build system: without
# MELF (its suite must pass) and with MELF variants of FUNCTIONS; PROGRAM has
# at least MIN_SLOTS slots, starts in every variant (variant_check with
# CHECK_ARG...) and passes the suite in every variant. Sets lib_src,
# melf_dir, melf_cflags and melf_ldflags for more checks; returns 1 if
# there is no MELF build.
build_both() {
  local lib=$1 build=$2 suite=$3 funcs=$4 program=$5 min_slots=$6
  shift 6
  local src n slots v
  src=$(fetch "$lib") || { record "$lib/fetch" FAIL "apt-get source $lib"; return 1; }
  lib_src=$src
  say "$lib from Debian source $(basename "$src")"
  n=$(fresh_copy "$src" "$lib-normal") || { record "$lib/copy" FAIL "cannot copy $src"; return 1; }
  if "$build" "$n" clang-19 "-O2" ""; then "$suite" "$n" normal-build
  else record "$lib/normal-build/build" FAIL "see $n.build.log"; fi

  melf_dir=$(fresh_copy "$src" "$lib-melf") || { record "$lib/copy" FAIL "cannot copy $src"; return 1; }
  melf_cflags="$("$mcfg" --cflags) -fplugin-arg-melf-variants=x86-64-v3,debug,asan -fplugin-arg-melf-functions=$funcs -O2"
  melf_ldflags="$("$mcfg" --ldflags) -fsanitize=address"
  if ! "$build" "$melf_dir" clang-19 "$melf_cflags" "$melf_ldflags"; then
    record "$lib/melf/build" FAIL "see $melf_dir.build.log"; return 1
  fi
  record "$lib/melf/build" PASS
  slots=$("$objdump" --json "$melf_dir/$program" |
          python3 -c 'import json, sys; print(len(json.load(sys.stdin)["slots"]))')
  if [ "$slots" -ge "$min_slots" ]; then record "$lib/melf/slots-for-the-function-list" PASS
  else record "$lib/melf/slots-for-the-function-list" FAIL "$slots slots, expected $min_slots"; fi
  for v in "${variants[@]}"; do
    variant_check "$lib" "$v" "$melf_dir/$program" "$@"
    "$suite" "$melf_dir" "$v" "$v"
  done
}

run_lz4() {
  # (12 functions in the list: the slot count is exact.)
  build_both lz4 lz4_build lz4_suite "$lz4_functions" programs/lz4 12 -V || return
  local src=$lib_src d=$melf_dir cflags=$melf_cflags ldflags=$melf_ldflags

  # A planted out-of-bounds write: the harness lies about the output
  # capacity, LZ4_decompress_safe writes past the heap buffer. The asan
  # variant's instrumented clone reports it; the default runs on.
  "$d/programs/lz4" -V > /dev/null 2>&1
  clang-19 $cflags -I"$d/lib" -c "$here/lz4-oob.c" -o "$d/oob.o" &&
    clang-19 $ldflags "$d/oob.o" "$d/lib/liblz4.a" -o "$d/oob" 2> "$d/oob.log"
  local out rc f0
  out=$(MELF_VARIANT=asan "$d/oob" 2>&1); rc=$?
  f0=$(first_frame "$d/oob" "$out")
  if [ $rc -ne 0 ] && grep -q "heap-buffer-overflow" <<<"$out" && [[ $f0 == LZ4_decompress_safe* ]]; then
    record lz4/asan/planted-overflow-caught-in-lz4 PASS
  else
    record lz4/asan/planted-overflow-caught-in-lz4 FAIL "exit $rc, first frame '$f0'"
  fi
  # The default code is not instrumented: the write inside LZ4 goes
  # unnoticed; ASan's memmove interceptor (process-wide) may see a later
  # copy of the tail.
  out=$(MELF_VARIANT=default "$d/oob" 2>&1); rc=$?
  f0=$(first_frame "$d/oob" "$out")
  if ! grep -q AddressSanitizer <<<"$out" || [[ $f0 != LZ4_* ]]; then
    record lz4/default/planted-overflow-not-caught-in-lz4 PASS
  else
    record lz4/default/planted-overflow-not-caught-in-lz4 FAIL "first frame '$f0'"
  fi

  # Speed of each variant on LZ4's own benchmark (lz4 -b) over 16 MB from
  # LZ4's own data generator: the median of 5 runs, compression and
  # decompression MB/s.
  "$d/tests/datagen" -g16MB > "$work/lz4-bench.dat" 2>/dev/null
  for v in "${variants[@]}"; do
    local r runs=()
    for r in 1 2 3 4 5; do
      runs+=("$(MELF_VARIANT=$v "$d/programs/lz4" -b1 -i1 "$work/lz4-bench.dat" 2>&1 |
        tr '\r' '\n' | grep -E 'MB/s' | tail -n 1 |
        sed -E 's/.*, *([0-9.]+) MB\/s *, *([0-9.]+) MB\/s.*/\1 \2/')")
    done
    printf '%s\n' "${runs[@]}" | python3 -c '
import sys, statistics
rows = [l.split() for l in sys.stdin if len(l.split()) == 2]
c = sorted(float(a) for a, b in rows); d = sorted(float(b) for a, b in rows)
print(f"lz4 '"$v"': compress {statistics.median(c):.0f} MB/s ({c[0]:.0f}-{c[-1]:.0f}), "
      f"decompress {statistics.median(d):.0f} MB/s ({d[0]:.0f}-{d[-1]:.0f}), {len(rows)} runs")'
  done >> "$work/speed.txt"

  # For the QEMU guest: a static program with threads in three variants
  # (no asan variant: its runtime cannot be linked statically).
  mkdir -p "$work/guest"
  local g
  g=$(fresh_copy "$src" lz4-guest)
  local gflags="$("$mcfg" --cflags) -fplugin-arg-melf-variants=x86-64-v3,debug -fplugin-arg-melf-functions=$lz4_functions -O2"
  if make -s -j"$jobs" -C "$g/lib" liblz4.a CC=clang-19 CFLAGS="$gflags" > "$g.build.log" 2>&1 &&
     clang-19 $gflags -I"$g/lib" -c "$here/lz4-threads.c" -o "$g/lz4-threads.o" &&
     clang-19 $("$mcfg" --ldflags) -static "$g/lz4-threads.o" "$g/lib/liblz4.a" -lpthread \
       -o "$work/guest/realworld-lz4-threads"; then
    record lz4/guest-program/build PASS
  else
    record lz4/guest-program/build FAIL "see $g.build.log"
  fi
}

# --------------------------------------------------------------- zlib ----
zlib_functions='deflate,inflate,inflate_fast,longest_match,deflate_slow,deflate_fast,crc32_z,adler32_z,compress_block,_tr_flush_block'

zlib_build() { # DIR CC CFLAGS LDFLAGS
  local d=${1:?zlib_build: no source directory}
  (cd "$d" && CC="$2" CFLAGS="$3" LDFLAGS="$4" ./configure --static > "$d.build.log" 2>&1) &&
    make -s -j"$jobs" -C "$d" libz.a example minigzip >> "$d.build.log" 2>&1
}

zlib_suite() { # DIR LABEL [VARIANT]
  local d=$1 label=$2 v=${3:-}
  if MELF_VARIANT=$v make -C "$d" teststatic > "$d.$label.log" 2>&1 &&
     grep -q '\*\*\* zlib test OK \*\*\*' "$d.$label.log"; then
    record "zlib/$label/teststatic" PASS
  else
    record "zlib/$label/teststatic" FAIL "see $d.$label.log"
  fi
}

run_zlib() {
  build_both zlib zlib_build zlib_suite "$zlib_functions" example 8 "$work/zlib-check.tmp" || return
  local d=$melf_dir
  # minigzip compress + decompress of the same 16 MB: median of 5 runs.
  [ -f "$work/lz4-bench.dat" ] || head -c 16000000 /dev/urandom | base64 > "$work/lz4-bench.dat"
  for v in "${variants[@]}"; do
    local r t0 t1 ms=()
    for r in 1 2 3 4 5; do
      t0=$(date +%s%N)
      MELF_VARIANT=$v "$d/minigzip" < "$work/lz4-bench.dat" | MELF_VARIANT=$v "$d/minigzip" -d > /dev/null
      t1=$(date +%s%N)
      ms+=($(( (t1 - t0) / 1000000 )))
    done
    printf '%s\n' "${ms[@]}" | sort -n | awk -v v="$v" '{a[NR]=$1} END {
      printf "zlib %s: minigzip compress+decompress of 16 MB %d ms (%d-%d), %d runs\n", v, a[3], a[1], a[5], NR }'
  done >> "$work/speed.txt"
}

source "$here/dropin.sh"
source "$here/sqlite.sh"
source "$here/reduce.sh"
source "$here/aarch64.sh"
# lz4-aarch64 (about 3 minutes under qemu-aarch64) only in the full set.
parts="lz4 zlib zlib-so lz4-so sqlite zlib-reduce zlib-aarch64"
[ "$mode" = full ] && parts+=" lz4-aarch64"
only=${MELF_REALWORLD_ONLY:-$parts}
wanted() { [[ " $only " == *" $1 "* ]]; }
: > "$work/speed.txt"
: > "$work/reduce.txt"
wanted lz4 && run_lz4
wanted zlib && run_zlib
wanted zlib-so && run_zlib_so
wanted lz4-so && run_lz4_so
wanted sqlite && run_sqlite
wanted zlib-reduce && run_zlib_reduce
wanted zlib-aarch64 && run_zlib_aarch64
wanted lz4-aarch64 && run_lz4_aarch64
cat "$work/speed.txt" "$work/reduce.txt"

python3 - "$results" "$xml" <<'PY'
import sys
import xml.etree.ElementTree as ET
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
suite = ET.Element("testsuite", name="realworld", tests=str(len(rows)),
                   failures=str(sum(r[1] == "FAIL" for r in rows)))
for name, status, *msg in rows:
    case = ET.SubElement(suite, "testcase", classname="realworld", name=name)
    if status == "FAIL":
        m = msg[0] if msg else "failed"
        ET.SubElement(case, "failure", message=m).text = m
root = ET.Element("testsuites"); root.append(suite)
ET.ElementTree(root).write(sys.argv[2], encoding="unicode", xml_declaration=True)
fails = sum(r[1] == "FAIL" for r in rows)
print(f"realworld: {len(rows) - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
PY
