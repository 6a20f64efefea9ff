"""Writes a fake topology root for test/runtime/topology.test: CPU 0 with
this machine's flags (a "big" core), CPU 1 with x86-64 baseline flags only
(a "little" core, which cannot run x86-64-v2), or a malformed cpuinfo.

    fake-topology.py ROOT [--malformed]
"""
import os
import sys

root = sys.argv[1]
os.makedirs(os.path.join(root, "proc"), exist_ok=True)
for d in ("cpu_core", "cpu_atom"):
    os.makedirs(os.path.join(root, "sys/devices", d), exist_ok=True)
flags = ""
for line in open("/proc/cpuinfo"):
    if line.startswith("flags"):
        flags = line.split(":", 1)[1].strip()
        break
with open(os.path.join(root, "proc/cpuinfo"), "w") as f:
    if "--malformed" in sys.argv:
        f.write("processor : 99999999999\nflags : avx2\nprocessor :\nflags\n"
                "processor: -3\n" + "x" * 9000 + "\nflags : \0\0\n")
    else:
        f.write("processor\t: 0\nflags\t\t: %s\n\n" % flags)
        f.write("processor\t: 1\nflags\t\t: fpu tsc cx8 cmov mmx fxsr sse sse2 syscall lm\n")
open(os.path.join(root, "sys/devices/cpu_core/cpus"), "w").write("0\n")
open(os.path.join(root, "sys/devices/cpu_atom/cpus"), "w").write("1\n")
