#!/usr/bin/env python3
"""Independent check of a MELF executable's images (plain Python, no ld.melf
code): every slot of every image holds the variant's own body or the default
bytes, padding is hlt (MELF_X86_TRAP_BYTE), metadata agrees with the section headers. Prints one
line per slot and 'images ok' or the first problem (exit 1)."""
import struct
import sys

data = open(sys.argv[1], "rb").read()
shoff, = struct.unpack_from("<Q", data, 0x28)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
secs = []
for i in range(shnum):
    name, typ, flags, addr, off, size = struct.unpack_from("<IIQQQQ", data, shoff + i * shentsize)
    secs.append([name, addr, off, size])
stroff = secs[shstrndx][2]
def sname(n):
    return data[stroff + n:data.index(b"\0", stroff + n)].decode()
by_name = {sname(s[0]): s for s in secs}

def fail(msg):
    print("FAIL:", msg)
    sys.exit(1)

meta = by_name[".melf.meta"]
m = meta[2]
(magic, version, hsize, page, arch, nv, vsize, ns, ssize, voff, soff, zoff,
 stroff2, strsize, flags) = struct.unpack_from("<IHHIIIIIIIIIIII", data, m)
if magic != 0x464C454D:
    fail("bad magic")
text_addr, text_size = struct.unpack_from("<QQ", data, m + 56)
text = by_name[".melf.text"]
if (text[1], text[3]) != (text_addr, text_size):
    fail("text part does not match .melf.text")
names = []
for v in range(nv):
    p = m + voff + v * vsize
    names.append(data[p:p + 32].rstrip(b"\0").decode())
    offset, = struct.unpack_from("<Q", data, p + 48)
    sec = text if v == 0 else by_name[".melf.image." + names[v]]
    if sec[2] != offset:
        fail("variant %s: part_offset 0x%x, section at 0x%x" % (names[v], offset, sec[2]))
if version != 2:
    fail("metadata version %d, this check reads 2" % version)
for s in range(ns):
    # A slot covers [addr - prefix, addr + size); bodies end their prefix at addr.
    addr, size, noff, present, prefix = struct.unpack_from("<QIIQI", data, m + soff + s * ssize)
    name = data[m + stroff2 + noff:data.index(b"\0", m + stroff2 + noff)].decode()
    rel = addr - text_addr
    default = data[text[2] + rel - prefix:text[2] + rel + size]
    own = []
    for v in range(1, nv):
        img = by_name[".melf.image." + names[v]]
        body = data[img[2] + rel - prefix:img[2] + rel + size]
        bsize, bpre = struct.unpack_from("<II", data, m + zoff + (s * nv + v) * 8)
        if present >> v & 1:
            own.append(names[v])
            if set(body[prefix + bsize:]) - {0xF4} or set(body[:prefix - bpre]) - {0xF4}:
                fail("%s/%s: padding is not hlt" % (name, names[v]))
        elif body != default:
            fail("%s/%s: no own body but bytes differ from default" % (name, names[v]))
    print("slot %s +0x%x size %d%s own: %s" % (name, rel, size,
          " prefix %d" % prefix if prefix else "", " ".join(own) or "-"))
print("images ok")
