#!/usr/bin/env bash
# Packs the guest's initramfs: busybox, the /init script below, and the
# given test programs in /tests.
#
#   kernel/harness/mkinitramfs.sh OUT_CPIO PROGRAM...
#
# OUT_CPIO is a gzip-compressed newc cpio archive. Dynamically linked
# programs get their loader and shared libraries (as `ldd` finds them on the
# host) at the same paths in the guest. Each program is
# one guest test named after its file; it prints its own lines and reports
# by its exit status. /bin/melf-exit (built here from melf-exit.c) ends the
# run through QEMU's isa-debug-exit device.
#
# MELF_GUEST_ARCH=arm64: the arm64 guest. Debian's busybox-static is for the
# host only, so /init is guest-init.c (the script below in C, ending the run
# through semihosting), cross-built static; the programs must be static.
set -euo pipefail

out=${1:?usage: mkinitramfs.sh OUT_CPIO PROGRAM...}
shift
here=$(cd "$(dirname "$0")" && pwd)
guest_arch=${MELF_GUEST_ARCH:-x86_64}
busybox=/bin/busybox   # from busybox-static (scripts/setup.sh --kernel)
[ "$guest_arch" = arm64 ] || [ -x "$busybox" ] ||
  { echo "mkinitramfs: busybox-static is not installed" >&2; exit 1; }

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,tests}

# busybox and one symlink per applet (bin/sh, sbin/poweroff, ...).
if [ "$guest_arch" != arm64 ]; then
  cp "$busybox" "$root/bin/busybox"
  "$busybox" --list-full | while read -r applet; do
    [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
  done
fi

# The kernel opens /dev/console before /init runs; without the node there
# /init starts without stdin/stdout (it then reopens the console itself).
if [ "$(id -u)" = 0 ]; then
  mknod -m 600 "$root/dev/console" c 5 1
fi

# A static helper that writes the run's status to the isa-debug-exit port.
[ "$guest_arch" = arm64 ] ||
  ${CC:-gcc} -static -O2 -Wall -o "$root/bin/melf-exit" "$here/melf-exit.c"

# PROGRAM is a guest test; "--bench PROGRAM" a benchmark, run after the
# tests with its output in the log but no result; "--file SRC DEST" a file
# the tests use (e.g. a shared library they dlopen), at DEST in the guest.
mkdir -p "$root/bench" "$root/selftests"
extra=()
while [ $# -gt 0 ]; do
  if [ "$1" = --bench ]; then
    cp "$2" "$root/bench/$(basename "$2")"
    shift 2
  elif [ "$1" = --file ]; then
    mkdir -p "$root$(dirname "$3")"
    cp "$2" "$root$3"
    extra+=("$root$3")
    shift 3
  elif [ "$1" = --selftest ]; then
    cp "$2" "$root/selftests/$(basename "$2")"
    [ -f "$2.args" ] && cp "$2.args" "$root/selftests/$(basename "$2").args"
    shift 2
  else
    cp "$1" "$root/tests/$(basename "$1")"
    shift
  fi
done

# Shared libraries of dynamically linked programs, at the host's paths.
for f in "$root"/tests/* "$root"/bench/* ${extra[@]+"${extra[@]}"}; do
  [ "$guest_arch" != arm64 ] || break   # (the host's ldd: static programs only)
  [ -f "$f" ] || continue
  # (static programs: ldd fails and prints no path)
  { ldd "$f" 2>/dev/null || true; } | { grep -oE '/[^ ]+' || true; } | while read -r lib; do
    [ -f "$lib" ] || continue
    mkdir -p "$root$(dirname "$lib")"
    [ -e "$root$lib" ] || cp -L "$lib" "$root$lib"
  done
done

cat > "$root/init" <<'INIT'
#!/bin/sh
# MELF guest init: mount the pseudo file systems, run every test in /tests,
# print the results between two markers and end the VM.
mount -t devtmpfs devtmpfs /dev 2>/dev/null
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t tmpfs tmpfs /tmp
echo "melf-guest: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs"
results=""
failed=0
for t in /tests/*; do
  [ -x "$t" ] || continue
  name=${t##*/}
  echo "=== $name"
  # A test that hangs must not hang the run (the host also has a timeout).
  timeout 120 "$t"
  rc=$?
  if [ "$rc" = 0 ]; then
    results="$results
PASS $name"
  else
    results="$results
FAIL $name (exit $rc)"
    failed=$((failed + 1))
  fi
done
# The kernel's own selftests: only their exit statuses matter here (the
# host compares them with the baseline of an unpatched kernel). Each runs
# with the arguments in NAME.args, in /tmp/st (hugepage tests use ./huge),
# with 32 huge pages on hugetlbfs at /tmp/st/huge and debugfs mounted.
mkdir -p /tmp/st/huge
mount -t hugetlbfs none /tmp/st/huge 2>/dev/null
mount -t debugfs none /sys/kernel/debug 2>/dev/null
[ -e /proc/sys/vm/nr_hugepages ] && echo 32 > /proc/sys/vm/nr_hugepages
cd /tmp/st
for s in /selftests/*; do
  [ -x "$s" ] || continue
  echo "=== selftest ${s##*/}"
  args=
  [ -f "$s.args" ] && args=$(cat "$s.args")
  timeout 120 "$s" $args > /tmp/selftest.log 2>&1
  rc=$?
  tail -n 3 /tmp/selftest.log
  # On a line of its own, also after output without a final newline.
  echo
  echo "SELFTEST ${s##*/} $rc"
done
cd /
[ -e /proc/sys/vm/nr_hugepages ] && echo 0 > /proc/sys/vm/nr_hugepages
for b in /bench/*; do
  [ -x "$b" ] || continue
  echo "=== bench ${b##*/}"
  timeout 120 "$b"
done
echo "MELF-GUEST-RESULTS-BEGIN$results"
echo "MELF-GUEST-RESULTS-END"
# isa-debug-exit: QEMU exits with status (code << 1) | 1, i.e. 33 when every
# test passed and 35 otherwise. Without the device, reboot (QEMU runs with
# -no-reboot, so the VM ends); poweroff cannot work without ACPI.
if [ "$failed" = 0 ]; then melf-exit 16; else melf-exit 17; fi
reboot -f
INIT
chmod 755 "$root/init"
# arm64: the same in C, in place of the script.
if [ "$guest_arch" = arm64 ]; then
  aarch64-linux-gnu-gcc -static -O2 -Wall -o "$root/init" "$here/guest-init.c"
fi

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
  cpio --null -o -H newc --owner=0:0 --quiet) | gzip -9n > "$out.tmp"
mv "$out.tmp" "$out"
echo "mkinitramfs: $out ($(du -k "$out" | cut -f1) KiB)"
