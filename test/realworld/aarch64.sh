# zlib and LZ4 cross-built for AArch64 with the AArch64 built-in variants
# of their hot functions (parts zlib-aarch64 and lz4-aarch64; sourced by
# run.sh, docs/realworld.md "AArch64 under qemu-user"). Static programs,
# run by qemu-aarch64: their own tests once per variant under `-cpu max`,
# in `auto` on cortex-a53 and max, and once for a normal cross build (the
# baseline). Every variant is also started on CPU models with and without
# its features: where the model lacks them libmelf refuses it, and `auto`
# picks what each model has (never a variant marked unsupported).
#
# The same function lists as the x86-64 parts; the variants are every
# AArch64 built-in one but asan (Debian has no AArch64 ASan runtime, and a
# static program cannot link one). qemu 7.2 has no FEAT_LSE2 and no
# FEAT_DIT in any model, so armv8-4-a and armv9-a are refused everywhere:
# their cases check that refusal (their code never runs here).
a64_variants=(armv8-2-a armv8-4-a armv9-a lse dotprod sve sve2 debug size)
a64_unrunnable=" armv8-4-a armv9-a "   # on every qemu 7.2 model
a64_plain=" debug size "               # no ISA features: run on any model
# CPU model and the variant auto must pick there (all variants linked in).
a64_auto_models=(cortex-a53:default neoverse-n1:dotprod a64fx:sve max:sve2)
a64_suite_cpus_auto=(cortex-a53 max)

a64_ready() { # LIB: the cross toolchain, qemu-aarch64 and AArch64 libmelf
  local lib=$1
  if ! command -v qemu-aarch64 > /dev/null ||
     [ ! -f /usr/aarch64-linux-gnu/include/stdio.h ] ||
     [ ! -f "$build/lib/melf/aarch64-linux-gnu/libmelf.a" ]; then
    record "$lib/prerequisites" FAIL "needs qemu-aarch64, libc6-dev-arm64-cross (scripts/setup.sh) and build/lib/melf/aarch64-linux-gnu/libmelf.a"
    return 1
  fi
}

# a64_startup CPU VARIANT PROGRAM ARGS...: libmelf's start-up lines.
a64_startup() {
  local cpu=$1 v=$2; shift 2
  MELF_VARIANT=$v MELF_DEBUG=1 qemu-aarch64 -cpu "$cpu" "$@" 2>&1 >/dev/null
}

# a64_expect NAME VARIANT CPU STARTS OUTPUT: libmelf's start-up OUTPUT says
# it started VARIANT on CPU (STARTS=1), or refused it there and runs the
# default (STARTS=0).
a64_expect() {
  local name=$1 v=$2 cpu=$3 label pattern
  if [ "$4" = 1 ]; then
    label=starts-in-variant-on-$cpu pattern="start-up variant '$v'"
  else
    label=refused-on-$cpu pattern="MELF_VARIANT=$v: this CPU lacks .*; running the default variant"
  fi
  if grep -q "$pattern" <<<"$5"; then
    record "$name/$v/$label" PASS
  else record "$name/$v/$label" FAIL "$(tail -n 2 <<<"$5" | tr '\n' ' ')"; fi
}

# a64_variant_checks NAME PROGRAM ARGS...: each variant starts in itself on
# max, or is refused there (armv8-4-a, armv9-a); on cortex-a53 (no
# extensions) every variant with features is refused; auto picks the
# expected variant on each model, one the model supports.
a64_variant_checks() {
  local name=$1 v starts m cpu want got out; shift
  for v in "${a64_variants[@]}"; do
    starts=1
    [[ $a64_unrunnable == *" $v "* ]] && starts=0
    a64_expect "$name" "$v" max "$starts" "$(a64_startup max "$v" "$@")"
    starts=0
    [[ $a64_plain == *" $v "* ]] && starts=1
    a64_expect "$name" "$v" cortex-a53 "$starts" "$(a64_startup cortex-a53 "$v" "$@")"
  done
  for m in "${a64_auto_models[@]}"; do
    cpu=${m%%:*} want=${m#*:}
    out=$(a64_startup "$cpu" auto "$@")
    got=$(sed -nE "s/^melf: start-up variant '([^']*)' \(MELF_VARIANT=auto\)$/\1/p" <<<"$out")
    if [ "$got" != "$want" ]; then
      record "$name/auto/$cpu-picks-$want" FAIL "picked '${got:-nothing}'"
    elif grep -q "variant [0-9]* '$got' .*not supported by this CPU" <<<"$out"; then
      record "$name/auto/$cpu-picks-$want" FAIL "'$got' is marked unsupported on $cpu"
    else
      record "$name/auto/$cpu-picks-$want" PASS
    fi
  done
}

# a64_suites LIB DIR SUITE_FN: the suite in every variant the max model
# runs, then in auto on cortex-a53 and max. SUITE_FN DIR LABEL VARIANT CPU.
a64_suites() {
  local lib=$1 d=$2 suite=$3 v cpu
  for v in default "${a64_variants[@]}"; do
    [[ $a64_unrunnable == *" $v "* ]] && continue
    "$suite" "$d" "$v" "$v" max
  done
  for cpu in "${a64_suite_cpus_auto[@]}"; do
    "$suite" "$d" "auto-on-$cpu" auto "$cpu"
  done
}

a64_melf_cflags() { # FUNCTIONS
  local IFS=,
  echo "$("$mcfg" --target=aarch64-linux-gnu --cflags) -fplugin-arg-melf-variants=${a64_variants[*]} -fplugin-arg-melf-functions=$1 -O2"
}

# a64_slots LIB PROGRAM MIN: the marked functions are slots, and
# melf-objdump --verify (its AArch64 rules) accepts the program.
a64_slots() {
  local slots out
  if out=$("$objdump" --verify "$2" 2>&1); then record "$1/melf/verify" PASS
  else record "$1/melf/verify" FAIL "$(head -n 2 <<<"$out" | tr '\n' ' ')"; fi
  slots=$("$objdump" --json "$2" | python3 -c 'import json, sys; print(len(json.load(sys.stdin)["slots"]))')
  if [ "${slots:-0}" -ge "$3" ]; then record "$1/melf/slots-for-the-function-list" PASS
  else record "$1/melf/slots-for-the-function-list" FAIL "${slots:-no} slots, expected $3"; fi
}

# --------------------------------------------------------- zlib-aarch64 ----
zlib_a64_build() { # DIR CFLAGS LDFLAGS
  local d=$1
  (cd "$d" && CC=clang-19 AR=llvm-ar-19 RANLIB=llvm-ranlib-19 CFLAGS="$2" LDFLAGS="$3" \
     ./configure --static > "$d.build.log" 2>&1) &&
    make -s -j"$jobs" -C "$d" libz.a example minigzip >> "$d.build.log" 2>&1
}

zlib_a64_suite() { # DIR LABEL VARIANT CPU: make teststatic through qemu
  local d=$1 label=$2 v=$3 cpu=$4
  if MELF_VARIANT=$v make -C "$d" teststatic QEMU_RUN="qemu-aarch64 -cpu $cpu" > "$d.$label.log" 2>&1 &&
     grep -q '\*\*\* zlib test OK \*\*\*' "$d.$label.log"; then
    record "zlib-aarch64/$label/teststatic" PASS
  else
    record "zlib-aarch64/$label/teststatic" FAIL "see $d.$label.log"
  fi
}

# What both programs go through: fetch the Debian source; a normal cross
# build and its tests on max; the MELF build with every AArch64 variant, its
# slot count, the variant checks (a64_variant_checks with CHECK_ARG) and the
# suites in every variant and CPU model (a64_suites with SUITE).
a64_run() { # NAME PACKAGE BUILD SUITE FUNCTIONS PROGRAM SLOTS CHECK_ARG
  # (Locals are seen by the functions called: none may be named build.)
  local name=$1 pkg=$2 build_fn=$3 suite_fn=$4 functions=$5 prog=$6 slots=$7 check=$8
  local src n d
  a64_ready "$name" || return
  src=$(fetch "$pkg") || { record "$name/fetch" FAIL "apt-get source $pkg"; return; }
  n=$(fresh_copy "$src" "$pkg-a64-normal") || { record "$name/copy" FAIL "cannot copy $src"; return; }
  if "$build_fn" "$n" "--target=aarch64-linux-gnu -O2" "--target=aarch64-linux-gnu -static"; then
    "$suite_fn" "$n" normal-build "" max
  else record "$name/normal-build/build" FAIL "see $n.build.log"; fi
  d=$(fresh_copy "$src" "$pkg-a64-melf") || { record "$name/copy" FAIL "cannot copy $src"; return; }
  if ! "$build_fn" "$d" "$(a64_melf_cflags "$functions")" \
       "$("$mcfg" --target=aarch64-linux-gnu --ldflags) -static"; then
    record "$name/melf/build" FAIL "see $d.build.log"; return
  fi
  record "$name/melf/build" PASS
  a64_slots "$name" "$d/$prog" "$slots"
  a64_variant_checks "$name" "$d/$prog" "$check"
  a64_suites "$name" "$d" "$suite_fn"
}

run_zlib_aarch64() {
  # (10 functions in the list, none inlined away: the slot count is exact.)
  a64_run zlib-aarch64 zlib zlib_a64_build zlib_a64_suite "$zlib_functions" \
    example 10 "$work/zlib-a64-check.tmp"
}

# ---------------------------------------------------------- lz4-aarch64 ----
# LZ4's CLI tests call ../programs/lz4 (and lz4cat, unlz4: links to it, told
# apart by argv[0]): that becomes a script running the AArch64 program
# under qemu-aarch64 -cpu $MELF_A64_CPU with the same argv[0]. The tests'
# data generator (datagen) is a host program.
lz4_a64_build() { # DIR CFLAGS LDFLAGS
  local d=$1
  make -s -j"$jobs" -C "$d/lib" liblz4.a CC=clang-19 AR=llvm-ar-19 CFLAGS="$2" > "$d.build.log" 2>&1 &&
    make -s -j"$jobs" -C "$d/programs" lz4 CC=clang-19 CFLAGS="$2" LDFLAGS="$3" >> "$d.build.log" 2>&1 &&
    mv "$d/programs/lz4" "$d/programs/lz4.aarch64" &&
    printf '#!/bin/sh\nexec qemu-aarch64 -cpu "${MELF_A64_CPU:-max}" -0 "$0" "%s" "$@"\n' \
      "$d/programs/lz4.aarch64" > "$d/programs/lz4" && chmod +x "$d/programs/lz4"
}

lz4_a64_suite() { # DIR LABEL VARIANT CPU
  local d=$1 label=$2 v=$3 cpu=$4 t tests=("${lz4_quick_tests[@]}")
  [ "$mode" = full ] && tests+=("${lz4_full_tests[@]}")
  for t in "${tests[@]}"; do
    if MELF_VARIANT=$v MELF_A64_CPU=$cpu make -C "$d/tests" "$t" > "$d.$label.$t.log" 2>&1; then
      record "lz4-aarch64/$label/$t" PASS
    else
      record "lz4-aarch64/$label/$t" FAIL "see $d.$label.$t.log"
    fi
  done
}

run_lz4_aarch64() {
  # (12 functions in the list: the slot count is exact.)
  a64_run lz4-aarch64 lz4 lz4_a64_build lz4_a64_suite "$lz4_functions" \
    programs/lz4.aarch64 12 -V
}
