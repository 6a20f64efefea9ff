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
cache=${MELF_CACHE:-/var/cache/melf}
export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
export CCACHE_BASEDIR=$cache # cache hits across tree locations
expected_version="1:19.1.7-3~deb12u1"
src="$cache/src"
mkdir -p "$src" "$out"

log() { echo "ld.melf: $*"; }

# 1. Debian's source package (downloaded by scripts/setup.sh, or here).
dsc=$(ls "$src"/llvm-toolchain-19_*.dsc 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$dsc" ]; then
  log "downloading the llvm-toolchain-19 source package"
  (cd "$src" && apt-get source --download-only -q llvm-toolchain-19 >/dev/null 2>&1) || {
    echo "ld.melf: error: 'apt-get source llvm-toolchain-19' failed (run scripts/setup.sh as root for the deb-src entry)" >&2
    exit 1
  }
  dsc=$(ls "$src"/llvm-toolchain-19_*.dsc | sort -V | tail -n 1)
fi
version=$(sed -n 's/^Version: //p' "$dsc")
upstream=${version#*:}
upstream=${upstream%%-*}
# One writer at a time for the shared trees (and no relink while
# run-upstream-tests.sh of another checkout uses ld.melf).
exec 9> "$cache/lld-build-$upstream.lock"
flock 9
orig="$src/llvm-toolchain-19_${upstream}.orig.tar.xz"
debian=$(ls "$src"/llvm-toolchain-19_"${version#*:}".debian.tar.* 2>/dev/null | head -n 1 || true)
log "Debian source llvm-toolchain-19 $version"
if [ "$version" != "$expected_version" ]; then
  log "warning: the series was made for $expected_version; applying to $version with fuzz"
fi
[ -f "$orig" ] && [ -n "$debian" ] || {
  echo "ld.melf: error: $src lacks the orig or debian tarball of $version" >&2
  exit 1
}

# 2. The patched tree, rebuilt when the version or the series changes. It is
# made in a scratch directory and synced into place by content, so that
# files the series did not change keep their timestamps (ninja rebuilds
# only what changed; ccache covers the rest).
stamp=$( (echo "$version"; cat "$here/series"; for p in $(grep -v '^#' "$here/series"); do cat "$here/$p"; done) | sha256sum | cut -c1-16)
tree="$cache/lld-$upstream"
if [ "$(cat "$tree/.melf-stamp" 2>/dev/null)" != "$stamp" ]; then
  log "extracting lld/, cmake/, libunwind/include/ from $(basename "$orig")"
  tmp="$cache/lld-$upstream.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  top="llvm-toolchain-19_${upstream}"
  tar -xf "$orig" -C "$tmp" --strip-components=1 \
    "$top/lld" "$top/cmake" "$top/libunwind/include"
  mkdir -p "$tmp/llvm" # LLD's MachO port looks for a header beside it
  # Debian's own LLD patches, so that non-MELF output matches Debian's ld.lld.
  for p in $(tar -xOf "$debian" debian/patches/series | grep -v '^#'); do
    body=$(tar -xOf "$debian" "debian/patches/$p" 2>/dev/null || true)
    if grep -q '^+++ [^ ]*/lld/ELF/' <<<"$body"; then
      log "applying Debian patch $p"
      patch -s -d "$tmp" -p1 <<<"$body" || {
        echo "ld.melf: error: Debian patch $p does not apply to llvm-toolchain-19 $version" >&2
        exit 1
      }
    fi
  done
  for p in $(grep -v '^#' "$here/series"); do
    log "applying $p"
    if ! patch -s -d "$tmp" -p1 -F 3 --no-backup-if-mismatch < "$here/$p"; then
      echo "ld.melf: error: $p does not apply to llvm-toolchain-19 $version (made for $expected_version)" >&2
      exit 1
    fi
  done
  (cd "$tmp" && find . -type f) | while read -r f; do
    if ! cmp -s "$tmp/$f" "$tree/$f"; then
      mkdir -p "$(dirname "$tree/$f")"
      cp "$tmp/$f" "$tree/$f"
    fi
  done
  rm -rf "$tmp"
  echo "$stamp" > "$tree/.melf-stamp"
fi

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
