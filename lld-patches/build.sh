#!/usr/bin/env bash
# Builds ld.melf: LLD 19 from Debian's llvm-toolchain-19 source package with
# Debian's own LLD patches and then our series (lld-patches/series) applied.
#
#   lld-patches/build.sh OUT_BIN_DIR
#
# Sources, the patched tree and the LLD build tree live in $MELF_CACHE
# (default /var/cache/melf), outside the checkout, so rebuilds are
# incremental; ccache caches compiles across trees. Only the ELF port is
# built (the ld.melf target). The tree is configured with LLD's own lit tests,
# which lld-patches/run-upstream-tests.sh runs against ld.melf.
set -euo pipefail

out=${1:?usage: build.sh OUT_BIN_DIR}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
# shellcheck source=../scripts/llvm-source.sh
. "$root/scripts/llvm-source.sh" # cache, ccache, expected_version
mkdir -p "$out"

log() { echo "ld.melf: $*"; }
fail() { echo "ld.melf: error: $*" >&2; exit 1; }

# 1. Debian's source package (downloaded by scripts/setup.sh, or here). One
# writer at a time for the shared trees (and no relink while
# run-upstream-tests.sh of another checkout uses ld.melf).
llvm_source_find lld-build

# 2. The patched tree: LLD, LLVM's cmake modules and libunwind's headers,
# Debian's own LLD patches (so that non-MELF output matches Debian's
# ld.lld), then our series.
lld_elf_patch() { grep -q '^+++ [^ ]*/lld/ELF/' <<<"$1"; }
tree="$cache/lld-$upstream"
llvm_source_tree "$tree" lld_elf_patch "$top/lld" "$top/cmake" "$top/libunwind/include"
mkdir -p "$tree/llvm" # LLD's MachO port looks for a header beside it

# 3. Configure (each time: the checkout, and so the ABI header, may move).
bld="$cache/lld-build-$upstream"
cmake -G Ninja -S "$tree/lld" -B "$bld" -Wno-dev \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DLLVM_DIR=/usr/lib/llvm-19/lib/cmake/llvm \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-19/build/utils/lit/lit.py \
  -DLLVM_INCLUDE_TESTS=ON \
  -DLLD_VENDOR=Debian \
  -DMELF_ABI_INCLUDE_DIR="$root/include" >"$bld.cmake.log" 2>&1 || {
  cat "$bld.cmake.log" >&2
  exit 1
}

# 4. Build only the ELF port and the ld.melf driver.
start=$SECONDS
if ! ninja -C "$bld" -j"${JOBS:-2}" ld.melf >"$bld.log" 2>&1; then
  tail -n 60 "$bld.log" >&2
  echo "ld.melf: error: the LLD build failed; full log in $bld.log" >&2
  exit 1
fi
ln -sf ld.melf "$bld/bin/ld.lld" # what LLD's own tests run
echo "$bld" > "$out/.ld.melf-build-dir"
cp "$bld/bin/ld.melf" "$out/ld.melf.tmp"
mv "$out/ld.melf.tmp" "$out/ld.melf"
log "built $out/ld.melf in $((SECONDS - start))s"
