#!/usr/bin/env bash
# Boots the guest kernel with the test initramfs in QEMU and turns the
# guest's results into JUnit XML.
#
#   kernel/harness/run-qemu.sh BZIMAGE CPIO JUNIT_XML [TIMEOUT_SECONDS]
#
# The serial console is the only channel: /init prints one line per test
# (PASS name / FAIL name (exit N)) between MELF-GUEST-RESULTS-BEGIN and
# MELF-GUEST-RESULTS-END, then writes its status to isa-debug-exit (arm64:
# semihosting, with the same statuses). The run
# counts as good only with both the END marker and QEMU's exit status 33 or
# 35: a kernel panic reboots (panic=-1) and QEMU, started with -no-reboot,
# then exits 0 without results. The serial log is kept next to the XML
# (JUNIT_XML with .log) and echoed. Exits 0 when every guest test passed.
set -uo pipefail

bzimage=${1:?usage: run-qemu.sh BZIMAGE CPIO JUNIT_XML [TIMEOUT]}
cpio=${2:?usage: run-qemu.sh BZIMAGE CPIO JUNIT_XML [TIMEOUT]}
xml=${3:?usage: run-qemu.sh BZIMAGE CPIO JUNIT_XML [TIMEOUT]}
limit=${4:-300}
here=$(cd "$(dirname "$0")" && pwd)
serial_log="${xml%.xml}.log"
mkdir -p "$(dirname "$xml")"

# KVM when it really works, TCG otherwise. Opening /dev/kvm is not enough:
# in nested VMs QEMU can create a VM and then abort setting up the vCPU
# ("failed to set MSR 0x10a"), so probe with a paused QEMU that must still
# be alive after 2 s. -cpu max gives TCG the most ISA extensions it has
# (AVX2, no AVX-512).
# MELF_QEMU_ACCEL=tcg|kvm skips the probe.
# MELF_GUEST_ARCH=arm64: qemu-system-aarch64's virt machine, TCG (-cpu max).
accel=(-cpu max)
accel_name=tcg
arch=${MELF_GUEST_ARCH:-x86_64}
if [ "$arch" = arm64 ]; then
  :
elif [ "${MELF_QEMU_ACCEL:-}" = kvm ]; then
  accel=(-enable-kvm -cpu host)
  accel_name=kvm
elif [ -z "${MELF_QEMU_ACCEL:-}" ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]; then
  probe=$(bash -c 'timeout 2 qemu-system-x86_64 -enable-kvm -cpu host -display none \
    -nodefaults -monitor none -S </dev/null >/dev/null 2>&1; echo $?' 2>/dev/null)
  if [ "$probe" = 124 ]; then
    accel=(-enable-kvm -cpu host)
    accel_name=kvm
  fi
fi

echo "qemu: booting $(basename "$bzimage") with $(basename "$cpio") ($accel_name, 2 CPUs, timeout ${limit}s)"
start=$(date +%s.%N)
# Two sockets: without ACPI the guest finds the second CPU in the MP table.
# arm64: PSCI brings up the second CPU; /init ends the run with a
# semihosting call from user space. Two NUMA nodes of 256 MiB, one CPU
# each, through the device tree (x86-64: numa=fake=2).
# shellcheck disable=SC2054  # (the commas are inside QEMU options)
if [ "$arch" = arm64 ]; then
  machine=(qemu-system-aarch64 -M virt -smp 2
           -semihosting-config enable=on,target=native,userspace=on
           -object memory-backend-ram,id=m0,size=256M
           -object memory-backend-ram,id=m1,size=256M
           -numa node,nodeid=0,cpus=0,memdev=m0
           -numa node,nodeid=1,cpus=1,memdev=m1)
  console=ttyAMA0 append=""
else
  machine=(qemu-system-x86_64 -smp 2,sockets=2
           -device isa-debug-exit,iobase=0xf4,iosize=0x04)
  console=ttyS0 append=" numa=fake=2"
fi
timeout --kill-after=5 "$limit" \
  "${machine[@]}" -m 512 -nographic -no-reboot \
    "${accel[@]}" \
    -nic none \
    -kernel "$bzimage" -initrd "$cpio" \
    -append "console=$console panic=-1 quiet$append" \
    </dev/null >"$serial_log" 2>&1
status=$?
took=$(python3 -c "import time; print(f'{time.time() - $start:.1f}')")
tr -d '\r' < "$serial_log" | sed 's/^/guest| /'
echo "qemu: exit status $status after ${took}s (boot and tests)"

python3 "$here/junit-from-log.py" "$serial_log" "$status" "$took" "$xml"
