#!/usr/bin/env bash
# make deb: an installable Debian package of MELF (the tools, the Clang
# plugin, libmelf static and shared, MELF's ASan runtime (when built),
# headers, the gdb extension, CMake and
# pkg-config files, man pages) from a build tree, with Debian's own tools
# (cmake --install into a staging root, dpkg-deb). Prints the .deb's path.
#
#   scripts/make-deb.sh BUILD_DIR [OUT_DIR]
set -euo pipefail
build=$(cd "${1:?usage: make-deb.sh BUILD_DIR [OUT_DIR]}" && pwd)
out=$(mkdir -p "${2:-$build/deb}" && cd "${2:-$build/deb}" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -n 's/^project(MELF VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
arch=$(dpkg --print-architecture)
pkg=melf
stage=$out/stage
rm -rf "$stage"
mkdir -p "$stage/DEBIAN"

cmake --install "$build" --prefix "$stage/usr" > "$out/install.log"
# distccd runs only compilers masqueraded in /usr/lib/distcc: the drivers.
mkdir -p "$stage/usr/lib/distcc"
ln -s ../../bin/distcc "$stage/usr/lib/distcc/melf-clang"
ln -s ../../bin/distcc "$stage/usr/lib/distcc/melf-clang++"
# Debian's layout: man pages compressed; documentation and copyright under
# /usr/share/doc/melf.
find "$stage/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9n {} +
doc=$stage/usr/share/doc/$pkg
mkdir -p "$doc"
cat > "$doc/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: MELF
Comment: ld.melf is LLD 19 from Debian's llvm-toolchain-19 with the MELF
 patch series; LLD is under the Apache License 2.0 with LLVM Exceptions.
 /usr/lib/melf/asan holds AddressSanitizer runtime archives built from
 compiler-rt 19 of the same source package with the MELF patch series
 (asan-patches/), under the same license.

Files: *
Copyright: 2026 The MELF developers
License: Apache-2.0 WITH LLVM-exception
 On Debian systems the Apache License 2.0 is in
 /usr/share/common-licenses/Apache-2.0.
COPYRIGHT
{
  echo "$pkg ($version-1) unstable; urgency=medium"
  echo
  echo "  * Package built from the MELF sources by scripts/make-deb.sh."
  echo
  echo " -- MELF developers <melf-devel@example.org>  $(date -R -d @"${SOURCE_DATE_EPOCH:-0}")"
} | gzip -9n > "$doc/changelog.Debian.gz"
# Executables and shared objects without debug information (libmelf.a
# keeps its -g: the gdb extension reads struct melf_debug by field name in
# programs, which link the archive).
find "$stage/usr/bin" "$stage/usr/lib/melf" "$stage/usr/lib/libmelf.so.0" -type f -exec sh -c \
  'file "$1" | grep -q "ELF.*\(executable\|shared object\)" && strip --strip-unneeded "$1" || true' _ {} \;
# What lintian reports that does not apply to this package.
overrides=$stage/usr/share/lintian/overrides
mkdir -p "$overrides"
cat > "$overrides/$pkg" <<OVERRIDES
# ld.melf is LLD 19 and links LLVM 19's shared libraries, which Debian
# installs in /usr/lib/llvm-19/lib (its ld.lld does the same).
$pkg: custom-library-search-path RUNPATH /usr/lib/llvm-19/lib [usr/bin/ld.melf]
# Built from the MELF sources, not uploaded to Debian.
$pkg: initial-upload-closes-no-bugs [usr/share/doc/$pkg/changelog.Debian.gz:1]
# melf.pc points at the native toolchain (clang-19, ld.melf).
$pkg: pkg-config-unavailable-for-cross-compilation [usr/lib/pkgconfig/melf.pc]
$pkg: package-name-doesnt-match-sonames libmelf0
OVERRIDES
# libmelf.so.0, the runtime of MELF shared libraries (docs/melf-abi.md,
# "Modules"), ships in this one package (the override above): its shlibs
# entry and the ldconfig trigger a shared library package has.
echo "libmelf 0 $pkg (>= $version)" > "$stage/DEBIAN/shlibs"
echo "activate-noawait ldconfig" > "$stage/DEBIAN/triggers"
size=$(du -sk "$stage/usr" | cut -f1)
cat > "$stage/DEBIAN/control" <<CONTROL
Package: $pkg
Version: $version-1
Architecture: $arch
Maintainer: MELF developers <melf-devel@example.org>
Installed-Size: $size
Depends: clang-19, libllvm19, libelf1, libc6, python3
Recommends: libclang-rt-19-dev
Suggests: gdb, linux-perf, distcc
Section: devel
Priority: optional
Description: multivariant ELF executables (compiler plugin, linker, runtime)
 MELF builds one executable in which selected functions exist in several
 compiled variants (other ISA levels, sanitizers, unoptimised code) at the
 same addresses; threads switch variants at run time. This package has the
 Clang 19 plugin, the linker ld.melf, the runtime libmelf (and the minimal
 runtime libmelf_min, start-up selection only), the AddressSanitizer
 runtime that asan variants link (threads running other variants keep
 the C library's allocator), melf-config,
 melf-objdump, melf-perf-report, the gdb extension, and CMake and
 pkg-config files.
CONTROL
deb=$out/${pkg}_${version}-1_${arch}.deb
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" > /dev/null
echo "$deb"
