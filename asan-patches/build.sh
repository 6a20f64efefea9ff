#!/usr/bin/env bash
# Builds the MELF AddressSanitizer runtime: compiler-rt's ASan runtime from
# Debian's llvm-toolchain-19 source package, with Debian's own patches to
# the sanitizer runtime and then our series (asan-patches/series) applied.
#
#   asan-patches/build.sh OUT_DIR
#
# Only what clang links for -fsanitize=address on x86-64 Linux is built:
# libclang_rt.asan_static, libclang_rt.asan and libclang_rt.asan_cxx (with
# the .syms dynamic lists of the last two), copied to OUT_DIR. Sources, the
# patched tree and the build tree live in $MELF_CACHE (default
# /var/cache/melf), outside the checkout, as for ld.melf
# (lld-patches/build.sh); ccache caches compiles across trees.
set -euo pipefail

out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=../scripts/llvm-source.sh
. "$root/scripts/llvm-source.sh" # cache, ccache, expected_version
arch=x86_64
mkdir -p "$out"

log() { echo "melf-asan: $*"; }
fail() { echo "melf-asan: error: $*" >&2; exit 1; }

[ "$(uname -m)" = "$arch" ] || fail "the MELF ASan runtime is built for $arch only (this machine: $(uname -m))"

# 1. Debian's source package (downloaded by scripts/setup.sh, or here).
llvm_source_find asan-build

# 2. The patched tree: compiler-rt (without its tests) and LLVM's cmake
# modules, Debian's own patches to the sanitizer runtime (those that touch
# only compiler-rt's lib/ and build files, so that everything but our
# series matches Debian's runtime: the llvm-symbolizer-19 path, for one),
# then our series.
sanitizer_patch() {
  local files
  files=$(sed -n 's/^+++ [^/]*\/\([^[:space:]]*\).*/\1/p' <<<"$1")
  [ -n "$files" ] &&
    ! grep -qv '^compiler-rt/\(lib/\(asan\|sanitizer_common\|interception\|lsan\|ubsan\)/\|CMakeLists.txt\)' <<<"$files"
}
tree="$cache/compiler-rt-$upstream"
llvm_source_tree "$tree" sanitizer_patch \
  --exclude="$top/compiler-rt/test" --exclude="$top/compiler-rt/unittests" \
  "$top/compiler-rt" "$top/cmake"

# 3. Configure: compiler-rt alone, the sanitizers only, ASan only.
bld="$cache/asan-build-$upstream"
cmake -G Ninja -S "$tree/compiler-rt" -B "$bld" -Wno-dev \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DLLVM_CMAKE_DIR=/usr/lib/llvm-19/lib/cmake/llvm \
  -DCMAKE_C_COMPILER_TARGET=$arch-linux-gnu -DCMAKE_CXX_COMPILER_TARGET=$arch-linux-gnu \
  -DCMAKE_ASM_COMPILER_TARGET=$arch-linux-gnu -DLLVM_ENABLE_PER_TARGET_RUNTIME_DIR=OFF \
  -DCOMPILER_RT_DEFAULT_TARGET_ONLY=ON \
  -DCOMPILER_RT_BUILD_SANITIZERS=ON -DCOMPILER_RT_SANITIZERS_TO_BUILD=asan \
  -DCOMPILER_RT_BUILD_BUILTINS=OFF -DCOMPILER_RT_BUILD_CRT=OFF \
  -DCOMPILER_RT_BUILD_XRAY=OFF -DCOMPILER_RT_BUILD_LIBFUZZER=OFF \
  -DCOMPILER_RT_BUILD_PROFILE=OFF -DCOMPILER_RT_BUILD_MEMPROF=OFF \
  -DCOMPILER_RT_BUILD_ORC=OFF -DCOMPILER_RT_BUILD_CTX_PROFILE=OFF \
  -DCOMPILER_RT_BUILD_GWP_ASAN=OFF -DCOMPILER_RT_INCLUDE_TESTS=OFF \
  -DCOMPILER_RT_USE_LIBCXX=OFF -DMELF_ABI_INCLUDE_DIR="$root/include" >"$bld.cmake.log" 2>&1 || {
  cat "$bld.cmake.log" >&2
  exit 1
}

# 4. Build the three archives and the two dynamic lists.
libs="clang_rt.asan_static-$arch clang_rt.asan-$arch clang_rt.asan_cxx-$arch"
start=$SECONDS
# shellcheck disable=SC2086
if ! ninja -C "$bld" -j"${JOBS:-2}" $libs clang_rt.asan-$arch-symbols \
    clang_rt.asan_cxx-$arch-symbols >"$bld.log" 2>&1; then
  tail -n 60 "$bld.log" >&2
  fail "the compiler-rt build failed; full log in $bld.log"
fi
for l in $libs; do
  a=$(find "$bld/lib" -name "lib$l.a" | head -n 1)
  [ -n "$a" ] || fail "the build made no lib$l.a"
  cp "$a" "$out/lib$l.a.tmp"
  mv "$out/lib$l.a.tmp" "$out/lib$l.a"
  [ ! -f "$a.syms" ] || cp "$a.syms" "$out/lib$l.a.syms"
done
log "built $out in $((SECONDS - start))s"
