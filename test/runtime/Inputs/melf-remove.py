#!/usr/bin/env python3
"""Copy a MELF executable, removing functions from one variant's image.

  melf-remove.py IN OUT VARIANT FUNC...

Every byte of each FUNC's slot in VARIANT's text image becomes the trap
(x86-64 hlt 0xF4, AArch64 udf #0 = zero words), as in a reduced variant
(docs/melf-abi.md: the body of a removed function is trap bytes). A test
fixture for libmelf's trap message until ld.melf's --melf-reduce links
such variants itself. Reads the metadata as docs/melf-abi.md level 4 lays
it out (PT_MELF_META, little-endian).
"""
import struct
import sys

PT_MELF_META = 0x6D454C02
EM_AARCH64 = 183


def main():
    if len(sys.argv) < 5:
        sys.exit("usage: melf-remove.py IN OUT VARIANT FUNC...")
    src, dst, variant, funcs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    b = bytearray(open(src, "rb").read())
    machine = struct.unpack_from("<H", b, 18)[0]
    phoff, = struct.unpack_from("<Q", b, 32)
    phentsize, phnum = struct.unpack_from("<HH", b, 54)
    meta = None
    for i in range(phnum):
        p_type, _, p_offset = struct.unpack_from("<IIQ", b, phoff + i * phentsize)
        if p_type == PT_MELF_META:
            meta = p_offset
    if meta is None:
        sys.exit("melf-remove.py: %s: no PT_MELF_META" % src)
    (nvar, vsize, nslots, ssize, voff, soff, _, stoff) = struct.unpack_from(
        "<IIIIIIII", b, meta + 16)
    text_vaddr, = struct.unpack_from("<Q", b, meta + 56)
    names = [bytes(b[meta + voff + v * vsize: meta + voff + v * vsize + 32])
             .split(b"\0")[0].decode() for v in range(nvar)]
    if variant not in names:
        sys.exit("melf-remove.py: no variant '%s' (%s)" % (variant, ", ".join(names)))
    v = names.index(variant)
    image, = struct.unpack_from("<Q", b, meta + voff + v * vsize + 48)
    fill = b"\0" if machine == EM_AARCH64 else b"\xf4"
    for f in funcs:
        found = False
        for s in range(nslots):
            addr, size, name_off, _, prefix = struct.unpack_from(
                "<QIIQI", b, meta + soff + s * ssize)
            name = bytes(b[meta + stoff + name_off:]).split(b"\0")[0].decode()
            if name != f:
                continue
            found = True
            start = image + (addr - prefix - text_vaddr)
            b[start:start + prefix + size] = fill * (prefix + size)
        if not found:
            sys.exit("melf-remove.py: no slot named '%s'" % f)
    open(dst, "wb").write(b)


if __name__ == "__main__":
    main()
