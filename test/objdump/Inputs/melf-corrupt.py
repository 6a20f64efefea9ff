#!/usr/bin/env python3
"""Copy a MELF binary, changing one named field, for melf-objdump's tests.

  melf-corrupt.py IN OUT EDIT...

Each EDIT is FIELD=VALUE (VALUE: a number, or a string for names) or one of
the commands below. Fields:

  meta.<field>                   a melf_meta_header field (magic, version,
                                 header_size, page_size, arch, nvariants,
                                 variant_size, nslots, slot_size, variants_off,
                                 slots_off, bodies_off, strtab_off, strtab_size,
                                 flags, parts[P].vaddr, parts[P].size)
  variant[V].<field>             name, isa_features, arch, flags,
                                 part_offset[P]
  slot[S].<field>                addr, size, name_off, present, prefix,
                                 reserved
  sizes[S][V], prefixes[S][V]    bodies[S][V].size, bodies[S][V].prefix
  strtab[I]                      one byte of the string table
  ehdr.<field>                   e_type, e_machine, e_phoff, e_shoff,
                                 e_phentsize, e_phnum, e_shentsize, e_shnum,
                                 e_shstrndx
  phdr[N].<field>, phdr[TYPE#K].<field>
                                 p_type, p_flags, p_offset, p_vaddr, p_filesz,
                                 p_memsz (TYPE: LOAD, MELF_IMAGE, MELF_META;
                                 K: the K-th of that type, from 0)
  shdr[N].<field>, shdr[NAME].<field>
                                 sh_name, sh_type, sh_flags, sh_addr,
                                 sh_offset, sh_size, sh_link, sh_entsize
  byte[OFFSET]                   one byte of the file
  image[V].pad[S]=B              the last padding byte of slot S in variant
                                 V's text copy
  truncate=N                     cut the file to N bytes

P is a part: 0/text, 1/rodata, 2/vldata. Numbers may be decimal or 0x hex.
"""
import re
import struct
import sys

EHDR = {"e_type": (16, "H"), "e_machine": (18, "H"), "e_phoff": (32, "Q"),
        "e_shoff": (40, "Q"), "e_phentsize": (54, "H"), "e_phnum": (56, "H"),
        "e_shentsize": (58, "H"), "e_shnum": (60, "H"),
        "e_shstrndx": (62, "H")}
PHDR = {"p_type": (0, "I"), "p_flags": (4, "I"), "p_offset": (8, "Q"),
        "p_vaddr": (16, "Q"), "p_paddr": (24, "Q"), "p_filesz": (32, "Q"),
        "p_memsz": (40, "Q"), "p_align": (48, "Q")}
SHDR = {"sh_name": (0, "I"), "sh_type": (4, "I"), "sh_flags": (8, "Q"),
        "sh_addr": (16, "Q"), "sh_offset": (24, "Q"), "sh_size": (32, "Q"),
        "sh_link": (40, "I"), "sh_info": (44, "I"), "sh_entsize": (56, "Q")}
META = {"magic": (0, "I"), "version": (4, "H"), "header_size": (6, "H"),
        "page_size": (8, "I"), "arch": (12, "I"), "nvariants": (16, "I"),
        "variant_size": (20, "I"), "nslots": (24, "I"), "slot_size": (28, "I"),
        "variants_off": (32, "I"), "slots_off": (36, "I"),
        "bodies_off": (40, "I"), "strtab_off": (44, "I"),
        "strtab_size": (48, "I"), "flags": (52, "I")}
VARIANT = {"isa_features": (32, "Q"), "arch": (40, "I"), "flags": (44, "I")}
SLOT = {"addr": (0, "Q"), "size": (8, "I"), "name_off": (12, "I"),
        "present": (16, "Q"), "prefix": (24, "I"), "reserved": (28, "I")}
PT = {"LOAD": 1, "MELF_IMAGE": 0x6D454C01, "MELF_META": 0x6D454C02}
PARTS = {"text": 0, "rodata": 1, "vldata": 2}


def num(s):
    return int(s, 0)


def part(s):
    return PARTS[s] if s in PARTS else num(s)


class Elf:
    def __init__(self, data):
        self.d = data

    def get(self, off, fmt):
        return struct.unpack_from("<" + fmt, self.d, off)[0]

    def put(self, off, fmt, value):
        mask = (1 << (8 * struct.calcsize(fmt))) - 1
        struct.pack_into("<" + fmt, self.d, off, value & mask)

    def phdr(self, sel):
        phoff, phnum = self.get(32, "Q"), self.get(56, "H")
        m = re.fullmatch(r"(\w+)#(\d+)", sel)
        if not m:
            return phoff + 56 * num(sel)
        want, k = PT[m.group(1)], int(m.group(2))
        for i in range(phnum):
            if self.get(phoff + 56 * i, "I") == want:
                if k == 0:
                    return phoff + 56 * i
                k -= 1
        sys.exit("melf-corrupt: no program header " + sel)

    def sections(self):
        shoff, shnum = self.get(40, "Q"), self.get(60, "H")
        strndx = self.get(62, "H")
        stroff = self.get(shoff + 64 * strndx + 24, "Q")
        for i in range(shnum):
            base = shoff + 64 * i
            name_off = stroff + self.get(base, "I")
            name = bytes(self.d[name_off:self.d.index(0, name_off)]).decode()
            yield name, base

    def shdr(self, sel):
        if re.fullmatch(r"\d+", sel):
            return self.get(40, "Q") + 64 * int(sel)
        for name, base in self.sections():
            if name == sel:
                return base
        sys.exit("melf-corrupt: no section " + sel)

    def meta(self):
        phoff, phnum = self.get(32, "Q"), self.get(56, "H")
        for i in range(phnum):
            if self.get(phoff + 56 * i, "I") == PT["MELF_META"]:
                return self.get(phoff + 56 * i + 8, "Q")
        return self.get(self.shdr(".melf.meta") + 24, "Q")


def edit(elf, spec):
    if "=" not in spec:
        sys.exit("melf-corrupt: EDIT must be FIELD=VALUE: " + spec)
    field, value = spec.split("=", 1)
    if field == "truncate":
        del elf.d[num(value):]
        return
    m = re.fullmatch(r"byte\[(\w+)\]", field)
    if m:
        elf.d[num(m.group(1))] = num(value)
        return
    m = re.fullmatch(r"ehdr\.(\w+)", field)
    if m:
        off, fmt = EHDR[m.group(1)]
        elf.put(off, fmt, num(value))
        return
    m = re.fullmatch(r"phdr\[([\w#]+)\]\.(\w+)", field)
    if m:
        off, fmt = PHDR[m.group(2)]
        elf.put(elf.phdr(m.group(1)) + off, fmt, num(value))
        return
    m = re.fullmatch(r"shdr\[([^\]]+)\]\.(\w+)", field)
    if m:
        off, fmt = SHDR[m.group(2)]
        elf.put(elf.shdr(m.group(1)) + off, fmt, num(value))
        return
    base = elf.meta()
    g = lambda name: elf.get(base + META[name][0], META[name][1])
    m = re.fullmatch(r"meta\.parts\[(\w+)\]\.(vaddr|size)", field)
    if m:
        off = base + 56 + 16 * part(m.group(1)) + (8 if m.group(2) == "size" else 0)
        elf.put(off, "Q", num(value))
        return
    m = re.fullmatch(r"meta\.(\w+)", field)
    if m:
        off, fmt = META[m.group(1)]
        elf.put(base + off, fmt, num(value))
        return
    m = re.fullmatch(r"variant\[(\d+)\]\.(.+)", field)
    if m:
        rec = base + g("variants_off") + g("variant_size") * int(m.group(1))
        f = m.group(2)
        if f == "name":
            raw = value.encode()
            elf.d[rec:rec + 32] = raw[:32].ljust(32, b"\0")
            return
        pm = re.fullmatch(r"part_offset\[(\w+)\]", f)
        if pm:
            elf.put(rec + 48 + 8 * part(pm.group(1)), "Q", num(value))
            return
        off, fmt = VARIANT[f]
        elf.put(rec + off, fmt, num(value))
        return
    m = re.fullmatch(r"slot\[(\d+)\]\.(\w+)", field)
    if m:
        rec = base + g("slots_off") + g("slot_size") * int(m.group(1))
        off, fmt = SLOT[m.group(2)]
        elf.put(rec + off, fmt, num(value))
        return
    m = re.fullmatch(r"(sizes|prefixes)\[(\d+)\]\[(\d+)\]", field)
    if m:
        s, v = int(m.group(2)), int(m.group(3))
        elf.put(base + g("bodies_off") + 8 * (s * g("nvariants") + v) +
                (4 if m.group(1) == "prefixes" else 0), "I", num(value))
        return
    m = re.fullmatch(r"strtab\[(\d+)\]", field)
    if m:
        elf.d[base + g("strtab_off") + int(m.group(1))] = num(value)
        return
    m = re.fullmatch(r"image\[(\d+)\]\.pad\[(\d+)\]", field)
    if m:
        v, s = int(m.group(1)), int(m.group(2))
        vrec = base + g("variants_off") + g("variant_size") * v
        srec = base + g("slots_off") + g("slot_size") * s
        text_va = elf.get(base + 56, "Q")
        last = elf.get(srec, "Q") + elf.get(srec + 8, "I") - 1
        elf.d[elf.get(vrec + 48, "Q") + last - text_va] = num(value)
        return
    sys.exit("melf-corrupt: unknown field " + field)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        elf = Elf(bytearray(f.read()))
    for spec in sys.argv[3:]:
        edit(elf, spec)
    with open(sys.argv[2], "wb") as f:
        f.write(elf.d)


if __name__ == "__main__":
    main()
