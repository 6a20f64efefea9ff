# Sourced by run.sh: zlib and LZ4 as MELF *shared libraries* (libz.so.1,
# liblz4.so.1), built by their own build systems, as drop-ins for unmodified
# Debian programs (docs/realworld.md, "Drop-in shared libraries").
#
# Each library is built twice, normally and with MELF variants; its own
# tests that use the shared library run against both (in every variant for
# the MELF build). Then unmodified Debian programs that link the library run
# with LD_LIBRARY_PATH pointing at the build: /usr/bin/zstd (links libz.so.1
# and liblz4.so.1: --format=gzip and --format=lz4) and /usr/bin/python3 (its
# zlib module). Per variant: MELF_DEBUG=1 names the library and its start-up
# variant, the output equals the normal library's, and ran-variant.py shows
# under gdb that a marked function ran while the library's MELF text in
# memory was that variant's image.

# No asan: an unmodified program has no ASan runtime to run the clones.
so_variants=(default x86-64-v3 debug size)
so_variant_flags=x86-64-v3,debug,size
debian_python=/usr/bin/python3
debian_zstd=/usr/bin/zstd

# so_melf_flags FUNCTIONS: the compile flags of a MELF shared-library build.
so_melf_flags() {
  echo "$("$mcfg" --cflags) -fplugin-arg-melf-variants=$so_variant_flags -fplugin-arg-melf-functions=$1 -O2"
}

# so_slots LIB FUNCTION_COUNT NAME: the marked functions are slots.
so_slots() {
  local n
  n=$("$objdump" --json "$1" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["slots"]))')
  if [ "${n:-0}" -ge "$2" ]; then record "$3/melf/slots-for-the-function-list" PASS
  else record "$3/melf/slots-for-the-function-list" FAIL "${n:-no} slots, expected $2"; fi
}

# debian_program NAME LIBDIR NORMAL_LIBDIR LIBFILE CMD...: an unmodified
# Debian program, CMD, under LD_LIBRARY_PATH=LIBDIR in every variant: its
# output (stdout) equals the one with the normal library in NORMAL_LIBDIR,
# and MELF_DEBUG=1 shows LIBFILE's module starting in the variant.
debian_program() {
  local name=$1 dir=$2 ndir=$3 lib=$4 v want got dbg
  shift 4
  want=$(LD_LIBRARY_PATH=$ndir "$@" 2>/dev/null | sha256sum)
  for v in "${so_variants[@]}"; do
    got=$(LD_LIBRARY_PATH=$dir MELF_VARIANT=$v "$@" 2>/dev/null | sha256sum)
    dbg=$(LD_LIBRARY_PATH=$dir MELF_VARIANT=$v MELF_DEBUG=1 "$@" 2>&1 >/dev/null)
    if [ "$got" != "$want" ]; then
      record "$name/$v" FAIL "output differs from the normal library's"
    elif ! grep -q "^melf: $dir/$lib:" <<<"$dbg"; then
      record "$name/$v" FAIL "MELF_DEBUG does not mention $dir/$lib"
    elif [ "$v" != default ] && ! grep -q "start-up variant '$v'" <<<"$dbg"; then
      record "$name/$v" FAIL "$(grep -m2 '^melf' <<<"$dbg" | tr '\n' ' ')"
    else
      record "$name/$v" PASS
    fi
  done
}

# code_that_ran NAME LIBDIR LIBFILE ARM FUNC CMD...: per variant,
# ran-variant.py (gdb) sees FUNC run with that variant's image mapped.
code_that_ran() {
  local name=$1 dir=$2 lib=$3 arm=$4 func=$5 v out
  shift 5
  command -v gdb > /dev/null || { record "$name/code-that-ran" FAIL "no gdb"; return; }
  for v in "${so_variants[@]}"; do
    if out=$(LD_LIBRARY_PATH=$dir MELF_VARIANT=$v python3 "$here/ran-variant.py" \
               "$objdump" "$dir/$lib" "$arm" "$func" "$v" -- "$@" 2>&1); then
      record "$name/$v/code-that-ran" PASS
    else
      record "$name/$v/code-that-ran" FAIL "$(tail -n 1 <<<"$out")"
    fi
  done
}

# ------------------------------------------------------------ libz.so.1 ----
zlib_so_build() { # DIR CFLAGS LDFLAGS: zlib's configure (shared) and make
  local d=$1
  # -Wl,--undefined-version: zlib.map names gz_intmax, which this build does
  # not define; LLD (unlike GNU ld) refuses that by default.
  (cd "$d" && CC=clang-19 CFLAGS="$2" LDFLAGS="$3 -Wl,--undefined-version" ./configure \
     > "$d.build.log" 2>&1) && make -s -j"$jobs" -C "$d" >> "$d.build.log" 2>&1
}

zlib_so_suite() { # DIR LABEL [VARIANT]: zlib's own tests of the shared library
  local d=$1 label=$2 v=${3:-}
  if MELF_VARIANT=$v make -C "$d" testshared > "$d.$label.log" 2>&1 &&
     grep -q '\*\*\* zlib shared test OK \*\*\*' "$d.$label.log"; then
    record "zlib-so/$label/testshared" PASS
  else
    record "zlib-so/$label/testshared" FAIL "see $d.$label.log"
  fi
}

run_zlib_so() {
  local src n d v
  src=$(fetch zlib) || { record zlib-so/fetch FAIL "apt-get source zlib"; return; }
  n=$(fresh_copy "$src" zlib-so-normal) && d=$(fresh_copy "$src" zlib-so-melf) ||
    { record zlib-so/copy FAIL "cannot copy $src"; return; }
  if zlib_so_build "$n" -O2 ""; then zlib_so_suite "$n" normal-build
  else record zlib-so/normal-build/build FAIL "see $n.build.log"; fi
  if ! zlib_so_build "$d" "$(so_melf_flags "$zlib_functions")" "$("$mcfg" --ldflags)"; then
    record zlib-so/melf/build FAIL "see $d.build.log"; return
  fi
  record zlib-so/melf/build PASS
  so_slots "$d/libz.so.1" 10 zlib-so
  for v in "${so_variants[@]}"; do zlib_so_suite "$d" "$v" "$v"; done

  # Unmodified Debian programs: python3's zlib module, zstd's gzip format.
  local data=$work/dropin.dat
  cat "$src"/*.c "$src"/*.h "$src"/ChangeLog > "$data"
  local py='import sys, zlib, hashlib
d = open(sys.argv[1], "rb").read()
for level in (1, 6, 9):
    c = zlib.compress(d, level)
    assert zlib.decompress(c) == d
    print(level, len(c), hashlib.sha256(c).hexdigest())
print(zlib.crc32(d), zlib.adler32(d), zlib.ZLIB_RUNTIME_VERSION)'
  debian_program zlib-so/debian-python3-zlib "$d" "$n" libz.so.1 "$debian_python" -c "$py" "$data"
  debian_program zlib-so/debian-zstd-gzip "$d" "$n" libz.so.1 sh -c \
    "$debian_zstd -q -c --format=gzip < '$data' | tee '$work/dropin.gz' | $debian_zstd -q -d -c --format=gzip | cmp - '$data' && cat '$work/dropin.gz'"
  code_that_ran zlib-so/debian-python3-zlib "$d" libz.so.1 deflateInit2_ deflate \
    "$debian_python" -c 'import sys, zlib; zlib.compress(open(sys.argv[1], "rb").read(), 9)' "$data"
  if [ "$mode" = full ]; then
    code_that_ran zlib-so/debian-zstd-gunzip "$d" libz.so.1 inflateInit2_ inflate \
      "$debian_zstd" -q -d -f --format=gzip "$work/dropin.gz" -o /dev/null
  fi
}

# ---------------------------------------------------------- liblz4.so.1 ----
lz4_so_build() { # DIR CFLAGS LDFLAGS: LZ4's liblz4 target, and its CLI
  # linked to that library (its own lz4-wlib target) as programs/lz4.
  local d=$1
  # The unstable entry points lz4-wlib needs (Debian's library has them too).
  CPPFLAGS="-DLZ4F_PUBLISH_STATIC_FUNCTIONS -DLZ4_PUBLISH_STATIC_FUNCTIONS" \
    make -s -j"$jobs" -C "$d/lib" liblz4 CC=clang-19 CFLAGS="$2" LDFLAGS="$3" > "$d.build.log" 2>&1 &&
    make -s -j"$jobs" -C "$d/programs" lz4-wlib CC=clang-19 CFLAGS=-O2 >> "$d.build.log" 2>&1 &&
    mv "$d/programs/lz4-wlib" "$d/programs/lz4"
}

lz4_so_suite() { # DIR LABEL [VARIANT]: LZ4's CLI tests, through liblz4.so.1
  local d=$1 label=$2 v=${3:-} t tests=("${lz4_quick_tests[@]}")
  [ "$mode" = full ] && tests+=("${lz4_full_tests[@]}")
  for t in "${tests[@]}"; do
    # (tests/Makefile exports LD_LIBRARY_PATH=../lib)
    if MELF_VARIANT=$v make -C "$d/tests" "$t" > "$d.$label.$t.log" 2>&1; then
      record "lz4-so/$label/$t" PASS
    else
      record "lz4-so/$label/$t" FAIL "see $d.$label.$t.log"
    fi
  done
}

run_lz4_so() {
  local src n d v
  src=$(fetch lz4) || { record lz4-so/fetch FAIL "apt-get source lz4"; return; }
  n=$(fresh_copy "$src" lz4-so-normal) && d=$(fresh_copy "$src" lz4-so-melf) ||
    { record lz4-so/copy FAIL "cannot copy $src"; return; }
  if lz4_so_build "$n" -O2 ""; then lz4_so_suite "$n" normal-build
  else record lz4-so/normal-build/build FAIL "see $n.build.log"; fi
  if ! lz4_so_build "$d" "$(so_melf_flags "$lz4_functions")" "$("$mcfg" --ldflags)"; then
    record lz4-so/melf/build FAIL "see $d.build.log"; return
  fi
  record lz4-so/melf/build PASS
  so_slots "$d/lib/liblz4.so.1" 12 lz4-so
  for v in "${so_variants[@]}"; do
    variant_check lz4-so "$v" env LD_LIBRARY_PATH="$d/lib" "$d/programs/lz4" -V
    lz4_so_suite "$d" "$v" "$v"
  done

  # Unmodified Debian program: zstd's lz4 format goes through liblz4.so.1.
  local data=$work/dropin.dat
  [ -f "$data" ] || cat "$src"/lib/*.c > "$data"
  debian_program lz4-so/debian-zstd-lz4 "$d/lib" "$n/lib" liblz4.so.1 sh -c \
    "$debian_zstd -q -c --format=lz4 < '$data' | tee '$work/dropin.lz4' | $debian_zstd -q -d -c --format=lz4 | cmp - '$data' && cat '$work/dropin.lz4'"
  code_that_ran lz4-so/debian-zstd-lz4 "$d/lib" liblz4.so.1 LZ4F_compressBegin LZ4F_compressUpdate \
    "$debian_zstd" -q -f --format=lz4 "$data" -o /dev/null
  if [ "$mode" = full ]; then
    code_that_ran lz4-so/debian-zstd-unlz4 "$d/lib" liblz4.so.1 \
      LZ4F_createDecompressionContext LZ4F_decompress \
      "$debian_zstd" -q -d -f --format=lz4 "$work/dropin.lz4" -o /dev/null
  fi
}
