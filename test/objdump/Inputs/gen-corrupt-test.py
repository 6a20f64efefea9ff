#!/usr/bin/env python3
"""Writes ../corrupt.test from the table below: one corrupted copy per case,
checked under ASan/UBSan for its message and exit status 1.

  python3 test/objdump/Inputs/gen-corrupt-test.py > test/objdump/corrupt.test

Each case: (input: t = plain fixture, p = with rodata and vldata parts,
melf-corrupt.py edits separated by spaces, expected message)."""

CASES = [
    ('t', 'meta.nslots=4000000000',
     'error: {{.*}}: .melf.meta: nslots 4000000000 exceeds section size'),
    ('t', 'meta.magic=0x12345678',
     'error: {{.*}}: .melf.meta: bad magic 0x12345678 (expected 0x464c454d)'),
    ('t', 'meta.version=1',
     'error: {{.*}}: .melf.meta: version 1 is not supported'),
    ('t', 'meta.header_size=50',
     'error: {{.*}}: .melf.meta: header_size 50 is smaller than 104'),
    ('t', 'meta.header_size=60000',
     'error: {{.*}}: .melf.meta: header_size 60000 exceeds section size'),
    ('t', 'meta.page_size=3',
     'error: {{.*}}: .melf.meta: page_size 3 is not a power of two'),
    ('t', 'meta.nvariants=0',
     'error: {{.*}}: .melf.meta: nvariants 0 is not in 1..64'),
    ('t', 'meta.nvariants=4000000000',
     'error: {{.*}}: .melf.meta: nvariants 4000000000 is not in 1..64'),
    ('t', 'meta.variant_size=71',
     'error: {{.*}}: .melf.meta: variant_size 71 is smaller than 72'),
    ('t', 'meta.slot_size=0',
     'error: {{.*}}: .melf.meta: slot_size 0 is smaller than 32'),
    ('t', 'meta.variants_off=0xfffffff0',
     'error: {{.*}}: .melf.meta: variants_off 0xfffffff0 is beyond the section size'),
    ('t', 'meta.slots_off=0x1b0',
     'error: {{.*}}: .melf.meta: nslots 3 exceeds section size'),
    ('t', 'meta.bodies_off=0x1b8',
     'error: {{.*}}: .melf.meta: nslots 3 exceeds section size (72 bytes at bodies_off 0x1b8'),
    ('t', 'meta.strtab_off=0xffffffff',
     'error: {{.*}}: .melf.meta: strtab_off 0xffffffff is beyond the section size'),
    ('t', 'meta.strtab_size=100000',
     'error: {{.*}}: .melf.meta: strtab_size 100000 exceeds section size'),
    ('t', 'phdr[MELF_META#0].p_filesz=0x100000',
     'error: {{.*}}: .melf.meta: PT_MELF_META (p_offset 0x190, p_filesz 0x100000) extends past the end of the file'),
    ('t', 'phdr[MELF_META#0].p_filesz=0x20',
     'error: {{.*}}: .melf.meta: size 32 is smaller than the header (104 bytes)'),
    ('t', 'ehdr.e_phoff=0xfffffffffff0',
     'error: {{.*}}: program headers (e_phoff 0xfffffffffff0, 6 entries) extend past the end of the file'),
    ('t', 'ehdr.e_phentsize=32',
     'error: {{.*}}: e_phentsize 32 is not 56'),
    ('t', 'ehdr.e_shoff=0x7fffffff',
     'error: {{.*}}: section headers (e_shoff 0x7fffffff, 9 entries) extend past the end of the file'),
    ('t', 'ehdr.e_shnum=0xffff',
     'error: {{.*}}: section headers {{.*}} extend past the end of the file'),
    ('t', 'truncate=0x3800',
     'error: {{.*}}: section headers {{.*}} extend past the end of the file'),
    ('t', 'ehdr.e_shnum=0 ehdr.e_shoff=0 truncate=0x200',
     'error: {{.*}}: .melf.meta: PT_MELF_META (p_offset 0x190, p_filesz 0x1f8) extends past the end of the file (size 0x200)'),
    ('t', 'truncate=100',
     'error: {{.*}}: program headers (e_phoff 0x40, 6 entries) extend past the end of the file'),
    ('t', 'meta.flags=1',
     'verify: {{.*}}: .melf.meta: flags 0x1 are not zero'),
    ('t', 'meta.arch=183',
     'verify: {{.*}}: .melf.meta: arch 183 is not the ELF e_machine 62'),
    ('t', 'meta.parts[text].vaddr=0x402800',
     'verify: {{.*}}: .melf.meta: parts[text]: vaddr 0x402800 or size 0x1000 is not a multiple of page_size 4096'),
    ('t', 'meta.parts[text].size=0x2000',
     'verify: {{.*}}: .melf.meta: parts[text] (vaddr 0x402000, size 0x2000) does not match section .melf.text'),
    ('t', 'strtab[0]=65',
     'verify: {{.*}}: .melf.meta: string table (strtab_size 16) does not start with the empty string'),
    ('t', 'strtab[15]=65',
     'verify: {{.*}}: .melf.meta: string table does not end with a NUL'),
    ('t', 'variant[0].name=base',
     "verify: {{.*}}: variant 0 'base': variant 0 must be named 'default'"),
    ('t', 'variant[1].name=debug',
     "verify: {{.*}}: variant 2 'debug': same name as variant 1"),
    ('t', 'variant[1].name=0123456789abcdef0123456789abcdefXY',
     "verify: {{.*}}: variant 1 '0123456789abcdef0123456789abcdef': name is not NUL-terminated within 32 bytes"),
    ('t', 'variant[2].name=9lives',
     "verify: {{.*}}: variant 2 '9lives': name is not 1-31 characters"),
    ('t', 'variant[0].flags=0',
     "verify: {{.*}}: variant 0 'default': flags 0x0 lack MELF_VF_DEFAULT"),
    ('t', 'variant[2].flags=0x101',
     "verify: {{.*}}: variant 2 'debug': flags 0x101 have MELF_VF_DEFAULT"),
    ('t', 'variant[1].isa_features=0x100000000',
     "verify: {{.*}}: variant 1 'x86-64-v3': isa_features 0x100000000 has unassigned bits for arch 62"),
    ('t', 'variant[1].arch=183',
     "verify: {{.*}}: variant 1 'x86-64-v3': arch 183 is neither 0 nor the metadata arch 62"),
    ('t', 'variant[0].part_offset[text]=0x3000',
     "verify: {{.*}}: variant 0 'default': part_offset[text] 0x3000 is not the file offset PT_LOAD maps at parts[text] 0x402000 (that is 0x2000)"),
    ('t', 'variant[2].part_offset[text]=0x4800',
     "verify: {{.*}}: variant 2 'debug': part_offset[text] 0x4800 is not a non-zero multiple of page_size"),
    ('t', 'variant[2].part_offset[text]=0x900000',
     "verify: {{.*}}: variant 2 'debug': part_offset[text] 0x900000 + size 0x1000 extends past the end of the file"),
    ('t', 'variant[2].part_offset[text]=0x3000',
     "verify: {{.*}}: variant 2 'debug': text copy at 0x3000 overlaps the text copy of variant 1 'x86-64-v3' at 0x3000"),
    ('t', 'variant[1].part_offset[rodata]=0x5000',
     "verify: {{.*}}: variant 1 'x86-64-v3': part_offset[rodata] 0x5000 is not 0 but the part is absent"),
    ('t', 'variant[1].part_offset[vldata]=0x5000',
     "verify: {{.*}}: variant 1 'x86-64-v3': part_offset[vldata] 0x5000 is not 0 (view-local data is not per image)"),
    ('t', 'slot[1].addr=0x402008',
     "verify: {{.*}}: slot 1 'count': overlaps slot 0 [0x402000, 0x402010)"),
    ('t', 'slot[0].addr=0x402020',
     "verify: {{.*}}: slot 1 'count': address 0x402010 is not above slot 0's 0x402020 (slots are sorted)"),
    ('t', 'slot[2].addr=0x403ff8',
     "verify: {{.*}}: slot 2 'sum': [0x403ff8, 0x404008) is not inside the text part [0x402000, 0x403000)"),
    ('t', 'slot[2].name_off=999',
     "verify: {{.*}}: slot 2 '<bad name_off 999>': name_off 999 is not a NUL-terminated string inside strtab (strtab_size 16)"),
    ('t', 'slot[0].size=0',
     "verify: {{.*}}: slot 0 'add4': size 0"),
    ('t', 'slot[0].size=4',
     "verify: {{.*}}: slot 0 'add4': bodies[0][1].size 8 exceeds the slot size 4"),
    ('t', 'slot[0].reserved=1',
     "verify: {{.*}}: slot 0 'add4': reserved 0x1 is not zero"),
    ('t', 'prefixes[0][1]=4',
     "verify: {{.*}}: slot 0 'add4': bodies[0][1].prefix 4 exceeds the slot's prefix 0"),
    ('t', 'slot[0].prefix=5000',
     "verify: {{.*}}: slot 0 'add4': prefix 5000 exceeds 4096"),
    ('t', 'slot[0].prefix=0x100000',
     "verify: {{.*}}: slot 0 'add4': [0x302000, 0x402010) is not inside the text part [0x402000, 0x403000)"),
    ('t', 'slot[1].present=0x2',
     "verify: {{.*}}: slot 1 'count': present 0x2 lacks bit 0 (default)"),
    ('t', 'slot[1].present=0x13',
     "verify: {{.*}}: slot 1 'count': present 0x13 has bits for variants beyond nvariants 3"),
    ('t', 'slot[1].present=0x7',
     "verify: {{.*}}: slot 1 'count': bodies[1][2].size 0 is 0 but variant 2 'debug' has its own body"),
    ('t', 'sizes[1][2]=7',
     "verify: {{.*}}: slot 1 'count': bodies[1][2].size 7: variant 2 'debug' has no own body, so it is 0 or the default body's size and prefix 3+0"),
    ('t', 'sizes[0][0]=2',
     "verify: {{.*}}: slot 0 'add4': variant 0 'default': padding byte at 0x402002 is 0xc1, not the trap 0xf4"),
    ('t', 'image[1].pad[0]=0x90',
     "verify: {{.*}}: slot 0 'add4': variant 1 'x86-64-v3': padding byte at 0x40200f is 0x90, not the trap 0xf4"),
    ('t', 'image[0].pad[2]=0x90',
     "verify: {{.*}}: slot 2 'sum': variant 0 'default': padding byte at 0x40202f is 0x90, not the trap 0xf4"),
    ('t', 'image[2].pad[1]=0x90',
     "verify: {{.*}}: slot 1 'count': variant 2 'debug' has no own body, but its bytes differ from the default image's"),
    ('t', 'byte[0x2ff0]=0',
     "verify: {{.*}}: variant 0 'default': 1 bytes of the text part outside the slots are not traps (first at 0x402ff0)"),
    ('t', 'phdr[MELF_IMAGE#0].p_offset=0x3800',
     "verify: {{.*}}: variant 1 'x86-64-v3': no PT_MELF_IMAGE program header at its part_offset[text] 0x3000"),
    ('t', 'phdr[MELF_IMAGE#1].p_offset=0x1000',
     "verify: {{.*}}: variant 2 'debug': no PT_MELF_IMAGE program header at its part_offset[text]"),
    ('t', 'phdr[MELF_IMAGE#1].p_filesz=0x800',
     "verify: {{.*}}: variant 2 'debug': PT_MELF_IMAGE p_filesz 0x800 is not the size of the per-image parts 0x1000"),
    ('t', 'phdr[MELF_IMAGE#1].p_type=4',
     'verify: {{.*}}: 1 PT_MELF_IMAGE program headers for 2 non-default variants'),
    ('t', 'phdr[MELF_META#0].p_type=4',
     'verify: {{.*}}: no PT_MELF_META program header (metadata read from the .melf.meta section)'),
    ('t', 'phdr[MELF_META#0].p_vaddr=0x500000',
     'verify: {{.*}}: .melf.meta: not loaded: no PT_LOAD maps file offset 0x190 at address 0x500000'),
    ('t', 'phdr[LOAD#0].p_flags=6',
     'verify: {{.*}}: .melf.meta: loaded by a writable PT_LOAD (it must be read-only)'),
    ('t', 'phdr[LOAD#1].p_flags=6',
     'verify: {{.*}}: .melf.meta: parts[text]: loaded with protection rw-, expected r-x'),
    ('t', 'shdr[.melf.meta].sh_offset=0x198',
     'verify: {{.*}}: .melf.meta section (offset 0x198, size 0x1f8, address 0x400190) does not match PT_MELF_META (offset 0x190, size 0x1f8, address 0x400190)'),
    ('t', 'shdr[.melf.image.debug].sh_addr=0',
     'verify: {{.*}}: section .melf.image.debug (offset 0x4000, address 0x0, size 0x1000) does not match the image'),
    ('t', 'shdr[.melf.image.debug].sh_flags=2',
     'verify: {{.*}}: section .melf.image.debug is SHF_ALLOC'),
    ('t', 'shdr[.melf.image.debug].sh_name=99999',
     'verify: {{.*}}: section 5: name offset 99999 is outside the section name table or not NUL-terminated'),
    ('t', 'shdr[.symtab].sh_link=99',
     'verify: {{.*}}: symbol table .symtab: sh_link 99 is not a section'),
    ('t', 'shdr[.symtab].sh_entsize=16',
     'verify: {{.*}}: symbol table .symtab: sh_entsize 16 is not 24'),
    ('t', 'ehdr.e_phnum=100',
     'verify: {{.*}}: program headers [0x40, 0x1620) overlap the contents of section .melf.meta'),
    ('t', 'ehdr.e_machine=3',
     'verify: {{.*}}: .melf.meta: arch 62 is not the ELF e_machine 3'),
    # --verify runs libmelf's validator: what the runtime rejects, it rejects.
    ('p', 'variant[0].part_offset[vldata]=0x4000',
     "verify: {{.*}}: libmelf rejects the metadata: variant 'default': vldata offset must be 0"),
    ('p', 'variant[0].part_offset[vldata]=0x4000',
     "verify: {{.*}}: variant 0 'default': part_offset[vldata] 0x4000 is not 0 (view-local data is not per image)"),
    ('p', 'variant[1].part_offset[rodata]=0x3000',
     "verify: {{.*}}: variant 1 'x86-64-v3': rodata copy at 0x3000 overlaps the rodata copy of variant 0 'default' at 0x3000"),
    ('p', 'phdr[LOAD#3].p_flags=4',
     'verify: {{.*}}: .melf.meta: parts[vldata]: loaded with protection r--, expected rw-'),
    ('p', 'meta.parts[rodata].vaddr=0',
     'verify: {{.*}}: .melf.meta: parts[rodata]: vaddr 0x0 with size 0x1000 (an absent part has both 0)'),
]

HEADER = """\
# Corrupted copies of good binaries, each with one field changed by
# Inputs/melf-corrupt.py, checked with the ASan/UBSan build: a clear error
# naming the field (exit status 1), never a crash or an over-read.
# GENERATED by Inputs/gen-corrupt-test.py: edit the table there.
# The file must be what the generator writes now.
RUN: %python %S/Inputs/gen-corrupt-test.py | diff - %s
RUN: rm -rf %t && mkdir %t
RUN: %mkmelf %t/t
RUN: %mkmelf --rodata --vldata %t/p
"""


def main():
    lines, checks = [HEADER], []
    for i, (f, edits, msg) in enumerate(CASES):
        p = "C%d" % i
        quoted = " ".join("'%s'" % e for e in edits.split())
        lines.append("RUN: %%melf_corrupt %%t/%s %%t/c%d %s" % (f, i, quoted))
        lines.append("RUN: %%status %%objdump_asan --verify -a -d %%t/c%d | "
                     "FileCheck %%s --check-prefix=%s "
                     "--implicit-check-not=Sanitizer "
                     "--implicit-check-not='runtime error'" % (i, p))
        checks.append("%s: melf-objdump: %s" % (p, msg))
        checks.append("%s-NEXT: exit status: 1" % p
                      if msg.startswith("error:") else
                      "%s: exit status: 1" % p)
    print("\n".join(lines) + "\n\n" + "\n".join(checks))


if __name__ == "__main__":
    main()
