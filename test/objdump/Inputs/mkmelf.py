#!/usr/bin/env python3
"""Write a small MELF executable laid out as docs/melf-abi.md (level 4) says.

A test fixture for melf-objdump that does not need ld.melf: an independent,
hand-made reading of the ABI. The program is a static x86-64 executable whose
_start calls the multivariant functions and exits 0, so it also runs.

  mkmelf.py [--rodata] [--vldata] [--shared-body-size] OUTPUT

Variants: default, x86-64-v3 (ISA level 3), debug (optnone). Slots:
  add4   default, x86-64-v3 and debug bodies
  count  default and x86-64-v3 bodies; debug falls back to the default bytes
  sum    default and debug bodies
--rodata/--vldata add a one-page rodata part (one copy per image) and a
view-local data part. --shared-body-size writes the default body's size
instead of 0 into bodies[][].size for variants without their own body.
"""
import argparse
import struct

PAGE = 0x1000
BASE = 0x400000
PT_LOAD, PT_GNU_STACK = 1, 0x6474E551
PT_MELF_IMAGE, PT_MELF_META = 0x6D454C01, 0x6D454C02
PF_X, PF_W, PF_R = 1, 2, 4
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_NOBITS = 1, 2, 3, 8
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
V3_MASK = 0xFFFF
MELF_VF_DEFAULT, MELF_VF_OPTNONE = 0x1, 0x4

VARIANTS = [  # name, isa_features, arch, flags
    ("default", 0, 0, MELF_VF_DEFAULT),
    ("x86-64-v3", V3_MASK, 62, 0),
    ("debug", 0, 0, MELF_VF_OPTNONE),
]
RET = b"\xc3"
FUNCS = [  # name, {variant: body}
    ("add4", {
        "default": b"\x0f\x58\xc1" + RET,                       # addps
        "x86-64-v3": b"\xc5\xfc\x58\xc1\xc5\xf8\x77" + RET,     # vaddps, vzeroupper
        "debug": b"\x55\x48\x89\xe5\x0f\x58\xc1\x5d" + RET}),
    ("count", {
        "default": b"\x89\xf8" + RET,                           # movl %edi,%eax
        "x86-64-v3": b"\xf3\x0f\xb8\xc7" + RET}),               # popcntl
    ("sum", {
        "default": b"\x8d\x04\x37" + RET,                       # leal
        "debug": b"\x55\x48\x89\xe5\x8d\x04\x37\x5d" + RET}),
]


def align(x, a):
    return (x + a - 1) // a * a


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rodata", action="store_true")
    ap.add_argument("--vldata", action="store_true")
    ap.add_argument("--shared-body-size", action="store_true")
    ap.add_argument("output")
    args = ap.parse_args()
    nvar = len(VARIANTS)
    names = [v[0] for v in VARIANTS]

    # File and memory layout: page 0 headers + metadata (R), page 1 .text,
    # page 2 .melf.text (both R+X), then rodata (R), vldata (RW), images.
    text_off, mtext_off = PAGE, 2 * PAGE
    off = 3 * PAGE
    rodata_off = vldata_off = 0
    if args.rodata:
        rodata_off, off = off, off + PAGE
    if args.vldata:
        vldata_off, off = off, off + PAGE
    vaddr = lambda o: BASE + o
    mtext_va = vaddr(mtext_off)

    # Slots.
    slots, pos = [], 0
    for fname, bodies in FUNCS:
        size = align(max(len(b) for b in bodies.values()), 16)
        slots.append((fname, mtext_va + pos, size, bodies))
        pos += size
    assert pos <= PAGE

    def image_text(vname):
        img = bytearray(b"\xf4" * PAGE)  # MELF_X86_TRAP_BYTE (hlt)
        for _, addr, _, bodies in slots:
            body = bodies.get(vname, bodies["default"])
            o = addr - mtext_va
            img[o:o + len(body)] = body
        return bytes(img)

    # Images of the non-default variants, each text (+ rodata) back to back.
    image_offs = {}
    for vname in names[1:]:
        image_offs[vname] = off
        off += PAGE * (2 if args.rodata else 1)

    # _start: call count; call add4; exit(0).
    text = bytearray()
    for callee in ("count", "add4"):
        target = next(s[1] for s in slots if s[0] == callee)
        here = vaddr(text_off) + len(text) + 5
        text += b"\xe8" + struct.pack("<i", target - here)
    text += b"\xb8\x3c\x00\x00\x00\x31\xff\x0f\x05"  # mov $60,%eax; xor; syscall

    # .melf.meta.
    strtab = b"\0"
    name_offs = {}
    for fname, _, _, _ in slots:
        name_offs[fname] = len(strtab)
        strtab += fname.encode() + b"\0"
    hdr_size, var_size, slot_size, body_size = 104, 72, 32, 8
    variants_off = hdr_size
    slots_off = variants_off + nvar * var_size
    sizes_off = slots_off + len(slots) * slot_size
    strtab_off = sizes_off + body_size * nvar * len(slots)
    parts = [(mtext_va, PAGE),
             (vaddr(rodata_off), PAGE) if args.rodata else (0, 0),
             (vaddr(vldata_off), PAGE) if args.vldata else (0, 0)]
    meta = struct.pack("<IHHIIIIIIIIIIII", 0x464C454D, 2, hdr_size, PAGE, 62,
                       nvar, var_size, len(slots), slot_size, variants_off,
                       slots_off, sizes_off, strtab_off, len(strtab), 0)
    for va, sz in parts:
        meta += struct.pack("<QQ", va, sz)
    for vname, isa, arch, flags in VARIANTS:
        if vname == "default":
            offs = [mtext_off, rodata_off, 0]
        else:
            o = image_offs[vname]
            offs = [o, o + PAGE if args.rodata else 0, 0]
        meta += vname.encode().ljust(32, b"\0")
        meta += struct.pack("<QII3Q", isa, arch, flags, *offs)
    for fname, addr, size, bodies in slots:
        present = sum(1 << i for i, n in enumerate(names) if n in bodies)
        meta += struct.pack("<QIIQII", addr, size, name_offs[fname], present,
                            0, 0)
    for fname, addr, size, bodies in slots:
        for n in names:
            if n in bodies:
                meta += struct.pack("<II", len(bodies[n]), 0)
            else:
                dflt = len(bodies["default"]) if args.shared_body_size else 0
                meta += struct.pack("<II", dflt, 0)
    meta += strtab

    # Program headers; metadata goes after them in page 0.
    phdrs = []  # type, flags, offset, filesz, memsz
    nph = 3 + (1 if args.rodata else 0) + (1 if args.vldata else 0) + \
        (nvar - 1) + 1
    meta_off = align(64 + 56 * nph, 8)
    assert meta_off + len(meta) <= PAGE
    phdrs.append((PT_LOAD, PF_R, 0, meta_off + len(meta)))
    phdrs.append((PT_LOAD, PF_R | PF_X, text_off, 2 * PAGE))
    if args.rodata:
        phdrs.append((PT_LOAD, PF_R, rodata_off, PAGE))
    if args.vldata:
        phdrs.append((PT_LOAD, PF_R | PF_W, vldata_off, PAGE))
    phdrs.append((PT_MELF_META, PF_R, meta_off, len(meta)))
    for vname in names[1:]:
        phdrs.append((PT_MELF_IMAGE, PF_R | PF_X, image_offs[vname],
                      PAGE * (2 if args.rodata else 1)))
    phdrs.append((PT_GNU_STACK, PF_R | PF_W, 0, 0))
    assert len(phdrs) == nph

    # File contents.
    data = bytearray(off)
    data[meta_off:meta_off + len(meta)] = meta
    data[text_off:text_off + len(text)] = text
    data[mtext_off:mtext_off + PAGE] = image_text("default")
    if args.rodata:
        data[rodata_off:rodata_off + PAGE] = b"R" * PAGE
    if args.vldata:
        data[vldata_off:vldata_off + 4] = struct.pack("<I", 42)
    for vname in names[1:]:
        o = image_offs[vname]
        data[o:o + PAGE] = image_text(vname)
        if args.rodata:
            data[o + PAGE:o + 2 * PAGE] = vname[0].encode() * PAGE

    # Sections.
    shstr = bytearray(b"\0")

    def sname(s):
        shstr.extend(s.encode() + b"\0")
        return len(shstr) - len(s) - 1

    secs = [(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)]  # name,type,flags,addr,off,size,link,info,align,entsize
    secs.append((sname(".text"), SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
                 vaddr(text_off), text_off, len(text), 0, 0, 16, 0))
    text_idx = 1
    secs.append((sname(".melf.text"), SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
                 mtext_va, mtext_off, PAGE, 0, 0, PAGE, 0))
    mtext_idx = 2
    if args.rodata:
        secs.append((sname(".eh_frame"), SHT_PROGBITS, SHF_ALLOC,
                     vaddr(rodata_off), rodata_off, PAGE, 0, 0, PAGE, 0))
    if args.vldata:
        secs.append((sname(".melf.vldata"), SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
                     vaddr(vldata_off), vldata_off, PAGE, 0, 0, PAGE, 0))
    secs.append((sname(".melf.meta"), SHT_PROGBITS, SHF_ALLOC, vaddr(meta_off),
                 meta_off, len(meta), 0, 0, 8, 0))
    image_idx = {}
    for vname in names[1:]:
        image_idx[vname] = len(secs)
        secs.append((sname(".melf.image." + vname), SHT_PROGBITS, 0, mtext_va,
                     image_offs[vname], PAGE, 0, 0, PAGE, 0))

    # Symbols: locals (clones) first, then globals.
    strs = bytearray(b"\0")

    def sym_name(s):
        strs.extend(s.encode() + b"\0")
        return len(strs) - len(s) - 1

    STT_FUNC, STB_LOCAL, STB_GLOBAL = 2, 0, 1
    syms = [struct.pack("<IBBHQQ", 0, 0, 0, 0, 0, 0)]
    for fname, addr, _, bodies in slots:
        for vname in names[1:]:
            if vname in bodies:
                syms.append(struct.pack(
                    "<IBBHQQ", sym_name(fname + ".melf." + vname),
                    (STB_LOCAL << 4) | STT_FUNC, 0, image_idx[vname], addr,
                    len(bodies[vname])))
    first_global = len(syms)
    syms.append(struct.pack("<IBBHQQ", sym_name("_start"),
                            (STB_GLOBAL << 4) | STT_FUNC, 0, text_idx,
                            vaddr(text_off), len(text)))
    for fname, addr, _, bodies in slots:
        syms.append(struct.pack("<IBBHQQ", sym_name(fname),
                                (STB_GLOBAL << 4) | STT_FUNC, 0, mtext_idx,
                                addr, len(bodies["default"])))
    symtab = b"".join(syms)
    off = align(len(data), 8)
    data += bytes(off - len(data)) + symtab
    symtab_idx = len(secs)
    secs.append((sname(".symtab"), SHT_SYMTAB, 0, 0, off, len(symtab),
                 symtab_idx + 1, first_global, 8, 24))
    secs.append((sname(".strtab"), SHT_STRTAB, 0, 0, len(data), len(strs), 0,
                 0, 1, 0))
    data += strs
    shstr_idx = len(secs)
    shstr_name = sname(".shstrtab")
    secs.append((shstr_name, SHT_STRTAB, 0, 0, len(data), 0, 0, 0, 1, 0))
    data += shstr
    last = list(secs[-1])
    last[5] = len(shstr)
    secs[-1] = tuple(last)
    shoff = align(len(data), 8)
    data += bytes(shoff - len(data))
    for s in secs:
        data += struct.pack("<IIQQQQIIQQ", *s)

    # Headers.
    ident = b"\x7fELF\x02\x01\x01" + bytes(9)
    data[0:64] = struct.pack("<16sHHIQQQIHHHHHH", ident, 2, 62, 1,
                             vaddr(text_off), 64, shoff, 0, 64, 56, nph, 64,
                             len(secs), shstr_idx)
    for i, (ptype, flags, poff, size) in enumerate(phdrs):
        if ptype == PT_LOAD:
            va, al = vaddr(poff), PAGE
        elif ptype == PT_MELF_IMAGE:
            va, al = mtext_va, PAGE
        elif ptype == PT_MELF_META:
            va, al = vaddr(poff), 8
        else:
            va, al = 0, 16
        data[64 + 56 * i:64 + 56 * (i + 1)] = struct.pack(
            "<IIQQQQQQ", ptype, flags, poff, va, va, size, size, al)
    with open(args.output, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
