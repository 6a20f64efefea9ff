#!/usr/bin/env bash
# The kernel test suite end to end (`make check-kernel`): builds (or reuses)
# the guest kernel, compiles the guest tests kernel/tests/*.c statically on
# the host, packs them into an initramfs and boots it in QEMU.
#
#   kernel/harness/run-kernel-tests.sh BUILD_DIR JUNIT_XML
#
# MELF_KERNEL_FLAVOUR=arm64: the arm64 kernel in qemu-system-aarch64, with
# the guest programs cross-built static for aarch64 (kernel/tests/*.c with
# aarch64-linux-gnu-gcc, the MELF ones with melf-config
# --target=aarch64-linux-gnu); the programs that need x86-64 (the x86
# variants of the examples, realworld's) or a dynamic loader are left out,
# and so are the kernel's selftests (their baseline is x86-64's).
#
# Outputs go to BUILD_DIR/kernel/ (bzImage, tests/, initramfs.cpio.gz) and
# JUNIT_XML (with the serial log beside it, .log instead of .xml). A build
# failure writes a JUnit file with one failed testcase, so callers always
# have a result to count. Exits 0 when every guest test passed.
set -euo pipefail

build=${1:?usage: run-kernel-tests.sh BUILD_DIR JUNIT_XML}
xml=${2:?usage: run-kernel-tests.sh BUILD_DIR JUNIT_XML}
here=$(cd "$(dirname "$0")" && pwd)
kdir=$(cd "$here/.." && pwd)
out="$build/kernel"
case "${MELF_KERNEL_FLAVOUR:-patched}" in patched) ;; *) out="$build/kernel-$MELF_KERNEL_FLAVOUR" ;; esac
# MELF_GUEST_SELFTESTS_ONLY=1: only the kernel's selftests (the unpatched
# baseline kernel has no mmview to test).
only_selftests=${MELF_GUEST_SELFTESTS_ONLY:-0}
arm64=0
image=bzImage
target=()
if [ "${MELF_KERNEL_FLAVOUR:-}" = arm64 ]; then
  arm64=1 image=Image target=(--target=aarch64-linux-gnu)
  export MELF_GUEST_ARCH=arm64
fi
mkdir -p "$out/tests" "$(dirname "$xml")"
out=$(cd "$out" && pwd)
rm -f "$xml"

# fail_stage NAME MESSAGE: record a harness failure as a failed testcase.
fail_stage() {
  python3 - "$xml" "$1" "$2" <<'PY'
import sys
import xml.etree.ElementTree as ET
path, name, msg = sys.argv[1:]
root = ET.Element("testsuites")
suite = ET.SubElement(root, "testsuite", name="kernel", tests="1", failures="1")
case = ET.SubElement(suite, "testcase", classname="kernel.harness", name=name)
ET.SubElement(case, "failure", message=msg).text = msg
ET.ElementTree(root).write(path, encoding="unicode", xml_declaration=True)
PY
  echo "kernel tests: $1 failed: $2" >&2
  exit 1
}

# 1. The guest kernel (incremental; see build-kernel.sh).
bash "$here/build-kernel.sh" "$out" || fail_stage build-kernel "the kernel build failed"

# 2. Guest tests: one static program per kernel/tests/*.c.
cc=${GUEST_CC:-gcc}
[ "$arm64" = 1 ] && cc=${GUEST_CC:-aarch64-linux-gnu-gcc}
progs=()
for src in "$kdir"/tests/*.c; do
  [ "$only_selftests" = 1 ] && break
  name=$(basename "$src" .c)
  "$cc" -static -O2 -Wall -Wextra -pthread -I"$kdir/../include" -I"$out/uapi" \
    -o "$out/tests/$name" "$src" ||
    fail_stage "compile-$name" "$cc could not compile kernel/tests/$name.c"
  progs+=("$out/tests/$name")
done
# MELF programs (kernel/tests/melf/*.c): built with this build's toolchain
# (plugin, ld.melf, libmelf), statically, so libmelf runs in views mode.
melf_config="$build/bin/melf-config"
mcfg() { "$melf_config" ${target[@]+"${target[@]}"} "$@"; }
if [ "$only_selftests" != 1 ] && compgen -G "$kdir/tests/melf/*.c*" > /dev/null; then
  [ -x "$melf_config" ] || fail_stage compile-melf "no $melf_config (build MELF first)"
  for src in "$kdir"/tests/melf/*.c "$kdir"/tests/melf/*.cpp; do
    [ -e "$src" ] || continue
    name=$(basename "${src%.*}")
    mcc=clang-19
    case "$src" in *.cpp) mcc=clang++-19 ;; esac
    # A "// MELF-LDFLAGS: ..." line adds link flags (%S: the source's directory).
    extra=$(sed -n 's|^// MELF-LDFLAGS: ||p' "$src" | sed "s|%S|$(dirname "$src")|g")
    # shellcheck disable=SC2046,SC2086
    $mcc $(mcfg --cflags) -O2 -Wall -c "$src" -o "$out/tests/$name.o" &&
      $mcc $(mcfg --ldflags) -static "$out/tests/$name.o" -o "$out/tests/$name" \
        $extra -lpthread ||
      fail_stage "compile-$name" "the MELF toolchain could not build kernel/tests/melf/$name.c"
    progs+=("$out/tests/$name")
  done
fi
# MELF shared libraries in views mode (kernel/tests/melf-modules): a
# dynamically linked MELF program and two copies of a MELF library it
# dlopens from /lib-melf (libmelf.so.0 comes with them, as ldd finds it).
if [ "$only_selftests" != 1 ] && [ "$arm64" = 0 ]; then
  mdir=$kdir/tests/melf-modules
  # shellcheck disable=SC2046
  clang-19 $("$melf_config" --cflags) -fPIC -O2 -Wall -shared "$mdir/lib.c" \
      $("$melf_config" --ldflags) -o "$out/tests/libguestmod.so" &&
    clang-19 $("$melf_config" --cflags) -O2 -Wall "$mdir/main.c" \
      $("$melf_config" --ldflags) -lpthread -o "$out/tests/melf-modules" ||
    fail_stage compile-melf-modules "the MELF toolchain could not build $mdir"
  progs+=("$out/tests/melf-modules"
          --file "$out/tests/libguestmod.so" /lib-melf/libguestmod.so
          --file "$out/tests/libguestmod.so" /lib-melf/libguestmod2.so)
fi
# The examples that switch per thread with views (the same sources as
# `make demo`, which runs them per process on the host). The hardening
# example's asan variant needs ASan's runtime, which needs a dynamically
# linked program: mkinitramfs.sh copies its shared libraries. Its reduced
# variant `worker` needs its functions in the MELF area, one per section,
# and the allow-list (as examples/demo.sh builds it).
if [ "$only_selftests" != 1 ] && [ "$arm64" = 0 ]; then
  for src in "$kdir"/../examples/simd/dot.c "$kdir"/../examples/debug/on_demand.c \
             "$kdir"/../examples/hardening/requests.c; do
    name=example-$(basename "${src%.*}")
    link=(-static)
    cflags=()
    case "$src" in */hardening/*)
      cflags=(-ffunction-sections)
      # MELF's ASan runtime (melf-config --asan-ldflags, what melf-clang
      # links): in views mode it learns each thread's variant from libmelf.
      # shellcheck disable=SC2207
      link=($("$melf_config" --asan-ldflags) "-Wl,--melf-area-object=$name.o"
            "-Wl,--melf-reduce=worker:${src%/*}/worker.list") ;;
    esac
    # shellcheck disable=SC2046
    clang-19 $("$melf_config" --cflags) -O2 -Wall "${cflags[@]}" -c "$src" -o "$out/tests/$name.o" &&
      clang-19 $("$melf_config" --ldflags) "${link[@]}" "$out/tests/$name.o" \
        -o "$out/tests/$name" -lpthread ||
      fail_stage "compile-$name" "the MELF toolchain could not build $src"
    progs+=("$out/tests/$name")
  done
fi
# Static guest programs other stages built (test/realworld: a third-party
# library's workload with threads in different variants).
for prog in "$build"/realworld/guest/*; do
  [ "$only_selftests" = 1 ] || [ "$arm64" = 1 ] && break
  [ -x "$prog" ] && progs+=("$prog")
done
echo "kernel tests: compiled ${#progs[@]} guest tests"
# The kernel's mm selftests that apply (kernel/harness/vm-selftests.list).
tree=$(bash "$here/build-kernel.sh" --prepare | tail -n 1)
mkdir -p "$out/selftests"
nself=0
# A line: name [compiler arguments] [-- run arguments]; name+what runs
# vm/name.c again with other arguments.
while read -r name rest; do
  case "$name" in ''|'#'*) continue ;; esac
  [ "$arm64" = 1 ] && break
  extra=${rest%%--*} args=
  case "$rest" in *--*) args=${rest#*--} ;; esac
  src=${name%%+*}
  (cd "$tree/tools/testing/selftests/vm" &&
     "$cc" -static -O2 -w -I.. -o "$out/selftests/$name" "$src.c" $extra -lrt -lpthread \
       2> >(grep -v "statically linked applications requires\|in function .affinity_ip" >&2)) ||
    fail_stage "compile-selftest-$name" "$cc could not compile the kernel's selftest vm/$src.c"
  echo $args > "$out/selftests/$name.args"
  progs+=(--selftest "$out/selftests/$name")
  nself=$((nself + 1))
done < "$here/vm-selftests.list"
echo "kernel tests: compiled $nself mm selftests"
mkdir -p "$out/bench"
# MELF guest benchmarks (kernel/bench/melf): the MELF toolchain, statically.
for src in "$kdir"/bench/melf/*.c; do
  [ -e "$src" ] || continue
  [ "$only_selftests" = 1 ] && break
  name=melf-$(basename "$src" .c)
  # shellcheck disable=SC2046
  clang-19 $(mcfg --cflags) -O2 -Wall -c "$src" -o "$out/bench/$name.o" &&
    clang-19 $(mcfg --ldflags) -static "$out/bench/$name.o" \
      -o "$out/bench/$name" -lpthread ||
    fail_stage "compile-$name" "the MELF toolchain could not build $src"
  progs+=(--bench "$out/bench/$name")
done
for src in "$kdir"/bench/*.c; do
  [ -e "$src" ] || continue
  [ "$only_selftests" = 1 ] && break
  name=$(basename "$src" .c)
  "$cc" -static -O2 -Wall -I"$kdir/../include" -o "$out/bench/$name" "$src" ||
    fail_stage "compile-$name" "$cc could not compile kernel/bench/$name.c"
  progs+=(--bench "$out/bench/$name")
done

# 3. The initramfs and the boot.
bash "$here/mkinitramfs.sh" "$out/initramfs.cpio.gz" "${progs[@]}" ||
  fail_stage mkinitramfs "packing the initramfs failed"
baseline=$kdir/baseline/vm-selftests.txt
[ "$arm64" = 1 ] && baseline=""   # (no selftests in the arm64 guest)
MELF_SELFTEST_BASELINE=${MELF_SELFTEST_BASELINE-$baseline} \
  bash "$here/run-qemu.sh" "$out/$image" "$out/initramfs.cpio.gz" "$xml" "${QEMU_TIMEOUT:-300}"
