# The MELF metadata of an executable file (docs/melf-abi.md, ".melf.meta"),
# found through its PT_MELF_META program header. Section headers are never
# used: a binary without them (llvm-objcopy --strip-sections) is a valid
# MELF binary, and the runtime does not read them either. Layouts and
# constants come from include/melf/abi.h (abi.py). Plain Python, no gdb.
import struct

from . import abi

# Elf64_Ehdr: e_phoff at 0x20, e_phentsize and e_phnum at 0x36.
# Elf64_Phdr: p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz.
_EHDR_SIZE = 64
_PHDR = struct.Struct("<IIQQQQ")
_PHDR_SIZE = 56

PART_RODATA = abi.ABI.const("MELF_PART_RODATA")


class MetaError(ValueError):
    pass


class Variant:
    """A variant record: id, name, flags and the file offset of its copy of
    each part (0: absent or not per image)."""

    def __init__(self, vid, name, flags, part_offset):
        self.id, self.name, self.flags, self.part_offset = vid, name, flags, part_offset


class Meta:
    """What the extension needs of .melf.meta: the parts' link-time
    addresses and sizes [(vaddr, size)] and the variants."""

    def __init__(self, path, version, page_size, parts, variants):
        self.path, self.version, self.page_size = path, version, page_size
        self.parts, self.variants = parts, variants

    def part_bytes(self, v, part):
        """The bytes of variant v's copy of `part` in the file (b"" where
        the part is absent)."""
        if not 0 <= v < len(self.variants):
            raise MetaError("%s: no variant %d in the metadata" % (self.path, v))
        off, size = self.variants[v].part_offset[part], self.parts[part][1]
        if off == 0 or size == 0:
            return b""
        with open(self.path, "rb") as f:
            f.seek(off)
            data = f.read(size)
        if len(data) != size:
            raise MetaError("%s: variant '%s': part %d (0x%x bytes at 0x%x) extends past the "
                            "end of the file" % (self.path, self.variants[v].name, part, size, off))
        return data


def _meta_segment(f, path):
    """(p_offset, p_filesz) of the file's one PT_MELF_META."""
    ehdr = f.read(_EHDR_SIZE)
    if len(ehdr) < _EHDR_SIZE or ehdr[:4] != b"\x7fELF" or ehdr[4] != 2 or ehdr[5] != 1:
        raise MetaError("%s: not a 64-bit little-endian ELF file" % path)
    phoff, = struct.unpack_from("<Q", ehdr, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", ehdr, 0x36)
    if phnum and phentsize < _PHDR_SIZE:
        raise MetaError("%s: e_phentsize %d" % (path, phentsize))
    f.seek(phoff)
    table = f.read(phentsize * phnum)
    if len(table) != phentsize * phnum:
        raise MetaError("%s: program headers extend past the end of the file" % path)
    found = []
    for k in range(phnum):
        p_type, _, p_offset, _, _, p_filesz = _PHDR.unpack_from(table, k * phentsize)
        if p_type == abi.ABI.const("PT_MELF_META"):
            found.append((p_offset, p_filesz))
    if len(found) != 1:
        raise MetaError("%s: %d PT_MELF_META program headers (a MELF binary has one)"
                        % (path, len(found)))
    return found[0]


def parse(data, path):
    """The metadata in `data`, the contents of PT_MELF_META."""
    hdr = abi.ABI.layout("melf_meta_header")
    var = abi.ABI.layout("melf_meta_variant")
    part = hdr.fields["parts"].layout
    if len(data) < hdr.size:
        raise MetaError("%s: .melf.meta: %d bytes, shorter than its header" % (path, len(data)))
    if hdr.get(data, 0, "magic") != abi.ABI.const("MELF_META_MAGIC"):
        raise MetaError("%s: .melf.meta: bad magic" % path)
    version = hdr.get(data, 0, "version")
    if version != abi.ABI.const("MELF_META_VERSION"):
        raise MetaError("%s: .melf.meta: version %d (this extension reads version %d)"
                        % (path, version, abi.ABI.const("MELF_META_VERSION")))
    if hdr.get(data, 0, "header_size") < hdr.size or hdr.get(data, 0, "variant_size") < var.size:
        raise MetaError("%s: .melf.meta: header_size or variant_size too small" % path)
    parts = [(part.get(data, hdr.offset("parts", i), "vaddr"),
              part.get(data, hdr.offset("parts", i), "size"))
             for i in range(hdr.fields["parts"].count)]
    nvariants = hdr.get(data, 0, "nvariants")
    stride, first = hdr.get(data, 0, "variant_size"), hdr.get(data, 0, "variants_off")
    if nvariants > abi.ABI.const("MELF_MAX_VARIANTS") or first + nvariants * stride > len(data):
        raise MetaError("%s: .melf.meta: %d variant records at 0x%x do not fit"
                        % (path, nvariants, first))
    variants = []
    for v in range(nvariants):
        base = first + v * stride
        offsets = [var.get(data, base, "part_offset", i)
                   for i in range(var.fields["part_offset"].count)]
        variants.append(Variant(v, var.string(data, base, "name"), var.get(data, base, "flags"),
                                offsets))
    return Meta(path, version, hdr.get(data, 0, "page_size"), parts, variants)


def read(path):
    """The metadata of the ELF file at `path`."""
    with open(path, "rb") as f:
        off, size = _meta_segment(f, path)
        f.seek(off)
        data = f.read(size)
    if len(data) != size:
        raise MetaError("%s: PT_MELF_META extends past the end of the file" % path)
    return parse(data, path)
