#!/usr/bin/env python3
"""Mutation fuzzer of ld.melf's input records: random byte changes in an
object's .melf.group section, each linked with ld.melf. A mutation may be
refused with an error; when it links, the output must pass melf-objdump
--verify and libmelf's validator (the program runs without "corrupt MELF
metadata"), and the linker must never crash.

  group-mutations.py CLANG 'CFLAGS' 'LDFLAGS' OBJDUMP WORKDIR COUNT SEED

Prints one line per bad case and a summary line."""
import os
import random
import shutil
import struct
import subprocess
import sys

clang, cflags, ldflags, objdump, work, count, seed = sys.argv[1:]
count, rng = int(count), random.Random(int(seed))
here = os.path.dirname(os.path.abspath(__file__))
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
obj = os.path.join(work, "seed.o")
subprocess.run([clang] + cflags.split() + ["-O2", "-c", os.path.join(here, "mutation-seed.c"),
               "-o", obj], check=True)
data = bytearray(open(obj, "rb").read())

# The .melf.group section's file range (ELF64 little-endian).
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
def shdr(i):
    return struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
stroff = shdr(shstrndx)[4]
group = None
for i in range(shnum):
    name, _, _, _, off, size = shdr(i)
    end = data.index(b"\0", stroff + name)
    if data[stroff + name:end] == b".melf.group":
        group = (off, size)
if not group:
    sys.exit("no .melf.group in the seed object")

linked = refused = crashes = invalid = 0
env = dict(os.environ)
env.pop("MELF_VARIANT", None)
for n in range(count):
    d = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        d[group[0] + rng.randrange(group[1])] = rng.randrange(256)
    o, exe = os.path.join(work, "m.o"), os.path.join(work, "m")
    open(o, "wb").write(d)
    r = subprocess.run([clang] + ldflags.split() + [o, "-o", exe],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, errors="replace", text=True,
                       timeout=60)
    if r.returncode < 0 or "PLEASE submit a bug report" in r.stdout or \
            "Stack dump" in r.stdout:
        crashes += 1
        print("mutation %d: ld.melf crashed:\n%s" % (n, r.stdout))
        continue
    if r.returncode != 0:
        if "error:" not in r.stdout:
            crashes += 1
            print("mutation %d: link failed without an error message:\n%s" % (n, r.stdout))
        refused += 1
        continue
    linked += 1
    v = subprocess.run([objdump, "--verify", exe], stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, errors="replace", text=True)
    p = subprocess.run([exe], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       errors="replace", text=True, env=env, timeout=60)
    if v.returncode != 0 or "corrupt MELF metadata" in p.stdout:
        invalid += 1
        keep = os.path.join(work, "invalid-%d.o" % n)
        shutil.copy(o, keep)
        print("mutation %d (%s): linked, but the output is invalid:\n%s%s" %
              (n, keep, v.stdout, p.stdout))
print("%d mutations: %d linked, %d refused, %d crashes, %d invalid outputs" %
      (count, linked, refused, crashes, invalid))
