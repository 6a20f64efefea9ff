#!/usr/bin/env bash
# Builds the guest kernel for the QEMU harness: Debian's linux-source-6.1
# with our patch series (kernel/patches/series, once it exists) and one small
# x86-64 config (make tinyconfig + kernel/harness/guest.config), or with
# MELF_KERNEL_FLAVOUR=arm64 an arm64 one for QEMU's virt machine
# (cross-built; guest.config's lines that apply + guest-arm64.config).
#
#   kernel/harness/build-kernel.sh OUT_DIR
#   kernel/harness/build-kernel.sh --prepare   extract and patch only, print the tree
#
# Writes OUT_DIR/bzImage (arm64: OUT_DIR/Image) and OUT_DIR/kernel-version
# (the Debian version of linux-source-6.1 the kernel was built from).
# Everything big lives in ${MELF_CACHE:-/var/cache/melf}, outside the
# checkout (-<flavour> after the version: the build tree of every flavour
# but the default, the source tree of baseline and arm64):
#   linux-<version>/        the source tree, extracted once (stamp file), with
#                           the series applied (files the series does not
#                           change keep their timestamps, so make rebuilds
#                           only what a patch touched)
#   linux-<version>.orig/   pristine copies of the files the series touched
#   linux-build-<version>/  the O= build tree (incremental rebuilds)
#   ccache/                 compiler cache shared with the rest of MELF
set -euo pipefail

out=${1:?usage: build-kernel.sh OUT_DIR | --prepare}
prepare_only=0
if [ "$out" = --prepare ]; then prepare_only=1; out=$(mktemp -d); fi
here=$(cd "$(dirname "$0")" && pwd)
kdir=$(cd "$here/.." && pwd)            # kernel/
cache=${MELF_CACHE:-/var/cache/melf}
export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache}
jobs=${JOBS:-2}
mkdir -p "$out" "$cache"
out=$(cd "$out" && pwd)

log() { echo "kernel: $*"; }
die() { echo "kernel: error: $*" >&2; exit 1; }

# 1. The source package: Debian updates linux-source-6.1 in place and old
# versions leave the archive, so report exactly which one we build.
version=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null) ||
  die "linux-source-6.1 is not installed (run: bash scripts/setup.sh --kernel)"
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1 || true)
[ -n "$tarball" ] || die "no /usr/src/linux-source-6.1.tar.* (linux-source-6.1 $version)"
log "Debian linux-source-6.1 $version ($tarball)"

# 2. Extract once. The stamp names the version, so a Debian update extracts
# a fresh tree next to the old one.
# MELF_KERNEL_FLAVOUR: patched (default: the series, guest.config),
# baseline (no series, guest.config without MMVIEW: the unpatched kernel the
# selftest baseline comes from), kasan (the series, guest.config + KASAN),
# arm64 (the series, cross-built for arm64 in a tree of its own).
flavour=${MELF_KERNEL_FLAVOUR:-patched}
case "$flavour" in patched|baseline|kasan|arm64) ;; *) die "MELF_KERNEL_FLAVOUR=$flavour: expected patched, baseline, kasan or arm64" ;; esac
suffix=""
[ "$flavour" = patched ] || suffix="-$flavour"
tree="$cache/linux-$version"
case "$flavour" in baseline|arm64) tree="$cache/linux-$version-$flavour" ;; esac
orig="$tree.orig"
if [ "$(cat "$tree/.melf-extracted" 2>/dev/null)" != "$version" ]; then
  log "extracting $(basename "$tarball") into $tree"
  rm -rf "$tree" "$orig" "$tree.tmp"
  mkdir -p "$tree.tmp"
  tar -xf "$tarball" -C "$tree.tmp" --strip-components=1
  echo "$version" > "$tree.tmp/.melf-extracted"
  mv "$tree.tmp" "$tree"
fi

# 3. ===== MELF patch series (kernel/patches/series) =====
# Same scheme as lld-patches/build.sh. The series is applied in a scratch
# directory holding pristine copies of every file it (or an earlier series)
# touches; then only the files whose content changed are copied into the
# tree. Pristine copies are kept in $orig the first time a file is touched,
# so a changed series is always applied to the pristine source.
series="$kdir/patches/series"
[ "$flavour" = baseline ] && series=/dev/null
patches=()
if [ -f "$series" ]; then
  while read -r p; do
    case "$p" in ''|'#'*) continue ;; esac
    patches+=("$p")
  done < "$series"
fi
stamp=$( (echo "$version"; for p in "${patches[@]}"; do echo "$p"; cat "$kdir/patches/$p"; done) |
  sha256sum | cut -c1-16)
if [ "$(cat "$tree/.melf-series" 2>/dev/null)" != "$stamp" ]; then
  tmp="$tree.patching"
  rm -rf "$tmp"
  mkdir -p "$tmp" "$orig"
  # Files the new series touches, plus those an earlier series touched.
  touched=$( { for p in "${patches[@]}"; do
                 sed -n 's#^+++ [^/]*/\([^[:space:]]*\).*#\1#p; s#^--- [^/]*/\([^[:space:]]*\).*#\1#p' \
                   "$kdir/patches/$p"
               done
               cat "$tree/.melf-touched" 2>/dev/null || true
             } | { grep -v '^dev/null$' || true; } | sort -u)
  for f in $touched; do
    if [ ! -e "$orig/$f" ] && [ ! -e "$orig/$f.melf-absent" ]; then
      mkdir -p "$(dirname "$orig/$f")"
      if [ -e "$tree/$f" ]; then cp -p "$tree/$f" "$orig/$f"; else : > "$orig/$f.melf-absent"; fi
    fi
    if [ -e "$orig/$f" ]; then
      mkdir -p "$(dirname "$tmp/$f")"
      cp -p "$orig/$f" "$tmp/$f"
    fi
  done
  for p in "${patches[@]}"; do
    log "applying $p"
    patch -s -d "$tmp" -p1 -F 3 --no-backup-if-mismatch < "$kdir/patches/$p" ||
      die "$p does not apply to Debian linux-source-6.1 $version"
  done
  for f in $touched; do
    if [ -e "$tmp/$f" ]; then
      if ! cmp -s "$tmp/$f" "$tree/$f"; then
        mkdir -p "$(dirname "$tree/$f")"
        cp "$tmp/$f" "$tree/$f"
      fi
    else
      rm -f "$tree/$f"   # created by an earlier series, not by this one
    fi
  done
  echo "$touched" > "$tree/.melf-touched"
  echo "$stamp" > "$tree/.melf-series"
  rm -rf "$tmp"
  log "series: ${#patches[@]} patch(es) applied"
fi
# ===== end of the patch series =====
if [ "$prepare_only" = 1 ]; then rmdir "$out"; echo "$tree"; exit 0; fi

# 4. Configure: tinyconfig, then our fragment, then olddefconfig resolves
# dependencies. Every option of the fragment must survive (a dependency we
# forgot would silently drop it), so compare afterwards.
bld="$cache/linux-build-$version$suffix"
mkdir -p "$bld"
export KBUILD_BUILD_TIMESTAMP="Thu Jan  1 00:00:00 UTC 2024"
export KBUILD_BUILD_USER=melf KBUILD_BUILD_HOST=melf KBUILD_BUILD_VERSION=1
arch=x86_64 cross="" target=bzImage image=arch/x86/boot/bzImage
if [ "$flavour" = arm64 ]; then
  arch=arm64 cross=aarch64-linux-gnu- target=Image image=arch/arm64/boot/Image
  command -v ${cross}gcc >/dev/null ||
    die "no ${cross}gcc (run: bash scripts/setup.sh --kernel)"
fi
kmake() {
  make -s -C "$tree" O="$bld" ARCH=$arch ${cross:+CROSS_COMPILE=$cross} \
    CC="ccache ${cross}gcc" HOSTCC="ccache gcc" "$@"
}
frag="$here/guest.config"
if [ "$flavour" != patched ]; then
  frag="$bld.config"
  mkdir -p "$(dirname "$frag")"
  if [ "$flavour" = baseline ]; then
    grep -v '^CONFIG_MMVIEW=' "$here/guest.config" > "$frag"
  elif [ "$flavour" = arm64 ]; then
    # The x86-64 fragment without its x86 lines (8250 UART, MP table,
    # ioperm, ia32 and x32, LDT, protection keys, NUMA emulation), then the
    # virt machine's.
    grep -vE '^(# )?CONFIG_(X86_|SERIAL_8250|IA32_EMULATION|MODIFY_LDT_SYSCALL|NUMA_EMU)' \
      "$here/guest.config" |
      cat - "$here/guest-arm64.config" > "$frag"
  else
    cat "$here/guest.config" "$here/kasan.config" > "$frag"
  fi
fi
cfg_stamp=$( (cat "$frag"; echo "$stamp") | sha256sum | cut -c1-16)
if [ "$(cat "$bld/.melf-config" 2>/dev/null)" != "$cfg_stamp" ] || [ ! -f "$bld/.config" ]; then
  log "configuring (tinyconfig + $(basename "$frag"))"
  kmake tinyconfig >/dev/null
  "$tree/scripts/kconfig/merge_config.sh" -m -O "$bld" "$bld/.config" "$frag" >/dev/null
  kmake olddefconfig >/dev/null
  bad=0
  while read -r line; do
    case "$line" in
      CONFIG_*=*) want=$line; opt=${line%%=*} ;;
      '# CONFIG_'*' is not set') opt=${line#\# }; opt=${opt%% *}; want="# $opt is not set" ;;
      *) continue ;;
    esac
    have=$(grep -E "^($opt=|# $opt is not set)" "$bld/.config" || echo "# $opt is not set")
    if [ "$have" != "$want" ]; then
      echo "kernel: config: wanted '$want', got '$have'" >&2
      bad=1
    fi
  done < "$frag"
  [ "$bad" = 0 ] || die "guest.config does not hold on linux-source-6.1 $version"
  echo "$cfg_stamp" > "$bld/.melf-config"
fi

# 5. Build bzImage (arm64: Image).
start=$SECONDS
if ! kmake -j"$jobs" $target > "$bld.log" 2>&1; then
  tail -n 40 "$bld.log" >&2
  die "the kernel build failed (linux-source-6.1 $version); full log in $bld.log"
fi
# The uapi header of the series, for guest tests that check it against
# include/melf/mmview.h.
mkdir -p "$out/uapi/linux"
if [ -f "$tree/include/uapi/linux/mmview.h" ]; then
  cp "$tree/include/uapi/linux/mmview.h" "$out/uapi/linux/mmview.h"
fi
cp "$bld/$image" "$out/$target.tmp"
mv "$out/$target.tmp" "$out/$target"
echo "$version" > "$out/kernel-version"
log "built $out/$target ($(kmake -s kernelrelease)) in $((SECONDS - start))s"
