//===- MelfFile.cpp - a MELF executable read with libelf ------------------===//

#include "MelfFile.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>
#include <libelf.h>

using namespace llvm;
using namespace melf::objdump;
using llvm::support::endian::read16le;
using llvm::support::endian::read32le;
using llvm::support::endian::read64le;

std::string melf::objdump::hex(uint64_t V) {
  std::string S;
  raw_string_ostream OS(S);
  OS << format_hex(V, 0);
  return OS.str();
}

const char *melf::objdump::partName(unsigned P) {
  static const char *const Names[] = {"text", "rodata", "vldata"};
  return P < MELF_PART_COUNT ? Names[P] : "?";
}

std::string melf::objdump::archName(uint32_t Arch) {
  switch (Arch) {
  case MELF_ARCH_NONE:
    return "none";
  case MELF_ARCH_X86_64:
    return "x86-64";
  case MELF_ARCH_AARCH64:
    return "aarch64";
  default:
    return "arch-" + std::to_string(Arch);
  }
}

std::string melf::objdump::featureString(uint32_t Arch, uint64_t ISA) {
  static const char *const X86[] = MELF_X86_FEATURE_NAMES;
  static_assert(sizeof(X86) / sizeof(X86[0]) == MELF_X86_FEATURE_COUNT,
                "feature names match the enum");
  std::string S;
  for (unsigned B = 0; B < 64; ++B) {
    if (!((ISA >> B) & 1))
      continue;
    if (!S.empty())
      S += ',';
    if (Arch == MELF_ARCH_X86_64 && B < MELF_X86_FEATURE_COUNT)
      S += X86[B];
    else
      S += "bit" + std::to_string(B);
  }
  return S.empty() ? "-" : S;
}

std::string melf::objdump::flagString(uint32_t Flags) {
  static const struct {
    uint32_t Bit;
    const char *Name;
  } Names[] = {{MELF_VF_DEFAULT, "default"},
               {MELF_VF_ASAN, "asan"},
               {MELF_VF_OPTNONE, "optnone"},
               {MELF_VF_SIZE, "size"},
               {MELF_VF_WHOLE_FILE, "whole-file"}};
  std::string S;
  uint32_t Known = 0;
  for (const auto &N : Names) {
    Known |= N.Bit;
    if (Flags & N.Bit)
      S += (S.empty() ? "" : ",") + std::string(N.Name);
  }
  if (Flags & ~Known)
    S += (S.empty() ? "" : ",") + hex(Flags & ~Known);
  return S.empty() ? "-" : S;
}

MelfFile::~MelfFile() {
  if (E)
    elf_end(E);
}

std::optional<ArrayRef<uint8_t>> MelfFile::fileRange(uint64_t Off,
                                                     uint64_t Size) const {
  if (Off > Bytes.size() || Size > Bytes.size() - Off)
    return std::nullopt;
  return ArrayRef<uint8_t>(Bytes).slice(Off, Size);
}

std::optional<ArrayRef<uint8_t>> MelfFile::imagePart(size_t V,
                                                     unsigned P) const {
  if (V >= M.Variants.size() || P >= MELF_PART_COUNT || !M.Parts[P].present())
    return std::nullopt;
  return fileRange(M.Variants[V].PartOffset[P], M.Parts[P].Size);
}

const Section *MelfFile::findSection(StringRef N) const {
  for (const Section &S : Sections)
    if (S.NameOk && S.Name == N)
      return &S;
  return nullptr;
}

int MelfFile::findVariant(StringRef N) const {
  for (size_t I = 0; I < M.Variants.size(); ++I)
    if (M.Variants[I].Name == N)
      return static_cast<int>(I);
  return -1;
}

std::optional<uint64_t> MelfFile::loadedOffset(uint64_t VAddr,
                                               uint64_t Size) const {
  for (const GElf_Phdr &P : Phdrs) {
    if (P.p_type != PT_LOAD || VAddr < P.p_vaddr)
      continue;
    uint64_t Delta = VAddr - P.p_vaddr;
    if (Delta > P.p_filesz || Size > P.p_filesz - Delta)
      continue;
    return P.p_offset + Delta;
  }
  return std::nullopt;
}

const GElf_Phdr *MelfFile::loadContaining(uint64_t VAddr,
                                          uint64_t Size) const {
  for (const GElf_Phdr &P : Phdrs) {
    if (P.p_type != PT_LOAD || VAddr < P.p_vaddr)
      continue;
    uint64_t Delta = VAddr - P.p_vaddr;
    if (Delta <= P.p_memsz && Size <= P.p_memsz - Delta)
      return &P;
  }
  return nullptr;
}

int MelfFile::trapByte() const {
  return M.Arch == MELF_ARCH_X86_64 ? static_cast<int>(MELF_X86_TRAP_BYTE)
                                    : -1;
}

std::string MelfFile::readString(ArrayRef<uint8_t> Table, uint64_t Off,
                                 bool &Ok) const {
  Ok = false;
  if (Off >= Table.size())
    return "";
  const uint8_t *Begin = Table.data() + Off;
  const void *Nul = memchr(Begin, 0, Table.size() - Off);
  if (!Nul)
    return "";
  Ok = true;
  return std::string(reinterpret_cast<const char *>(Begin),
                     static_cast<const uint8_t *>(Nul) - Begin);
}

MelfFile::Status MelfFile::load(std::string Name, std::vector<uint8_t> Bytes,
                                std::unique_ptr<MelfFile> &Out,
                                std::string &Message) {
  std::unique_ptr<MelfFile> F(new MelfFile());
  F->Name = std::move(Name);
  F->Bytes = std::move(Bytes);
  Status S = F->readElf(Message);
  if (S != Status::Ok)
    return S;
  S = F->readMeta(Message);
  if (S != Status::Ok)
    return S;
  Out = std::move(F);
  return Status::Ok;
}

MelfFile::Status MelfFile::readElf(std::string &Msg) {
  auto Fail = [&](const Twine &T) {
    Msg = (Name + ": " + T).str();
    return Status::Error;
  };
  if (Bytes.size() < SELFMAG || memcmp(Bytes.data(), ELFMAG, SELFMAG) != 0)
    return Fail("not an ELF file");
  if (Bytes.size() < EI_NIDENT)
    return Fail("truncated ELF header (" + Twine(Bytes.size()) + " bytes)");
  if (Bytes[EI_CLASS] == ELFCLASS32 && Bytes.size() < sizeof(Elf32_Ehdr))
    return Fail("truncated ELF header");
  if (Bytes[EI_CLASS] == ELFCLASS64 && Bytes.size() < sizeof(Elf64_Ehdr))
    return Fail("truncated ELF header (" + Twine(Bytes.size()) +
                " bytes, need " + Twine(sizeof(Elf64_Ehdr)) + ")");
  elf_version(EV_CURRENT);
  E = elf_memory(reinterpret_cast<char *>(Bytes.data()), Bytes.size());
  if (!E || elf_kind(E) != ELF_K_ELF)
    return Fail(Twine("invalid ELF file: ") + elf_errmsg(-1));
  if (!gelf_getehdr(E, &Ehdr))
    return Fail(Twine("invalid ELF header: ") + elf_errmsg(-1));
  int Class = gelf_getclass(E);
  uint64_t Size = Bytes.size();

  // Program headers: check the table's range before libelf reads it.
  // libelf quietly clamps counts of tables that do not fit in the file, so
  // the counts come from the header itself (PN_XNUM / 0: extended numbering).
  size_t NPhdr = Ehdr.e_phnum;
  if (NPhdr == PN_XNUM && elf_getphdrnum(E, &NPhdr) != 0)
    return Fail(Twine("e_phnum: cannot read the program header count: ") +
                elf_errmsg(-1));
  if (NPhdr) {
    uint64_t Ent = Class == ELFCLASS64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr);
    if (Ehdr.e_phentsize != Ent)
      return Fail("e_phentsize " + Twine(Ehdr.e_phentsize) + " is not " +
                  Twine(Ent));
    if (Ehdr.e_phoff > Size || NPhdr * Ent > Size - Ehdr.e_phoff)
      return Fail("program headers (e_phoff " + hex(Ehdr.e_phoff) + ", " +
                  Twine(NPhdr) + " entries) extend past the end of the file");
    for (size_t I = 0; I < NPhdr; ++I) {
      GElf_Phdr P;
      if (!gelf_getphdr(E, static_cast<int>(I), &P))
        return Fail("program header " + Twine(I) + ": " + elf_errmsg(-1));
      Phdrs.push_back(P);
    }
  }

  // Section headers.
  size_t NShdr = Ehdr.e_shnum, ShStrNdx = 0;
  if (NShdr == 0 && Ehdr.e_shoff != 0) {
    // Extended numbering: the count is in section 0's sh_size.
    if (Ehdr.e_shoff > Size || sizeof(Elf64_Shdr) > Size - Ehdr.e_shoff)
      return Fail("section headers (e_shoff " + hex(Ehdr.e_shoff) +
                  ") extend past the end of the file");
    if (elf_getshdrnum(E, &NShdr) != 0)
      return Fail(Twine("e_shnum: cannot read the section count: ") +
                  elf_errmsg(-1));
  }
  if (NShdr) {
    uint64_t Ent = Class == ELFCLASS64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
    if (Ehdr.e_shentsize != Ent)
      return Fail("e_shentsize " + Twine(Ehdr.e_shentsize) + " is not " +
                  Twine(Ent));
    if (Ehdr.e_shoff > Size || NShdr * Ent > Size - Ehdr.e_shoff)
      return Fail("section headers (e_shoff " + hex(Ehdr.e_shoff) + ", " +
                  Twine(NShdr) + " entries) extend past the end of the file");
    if (elf_getshdrstrndx(E, &ShStrNdx) != 0)
      return Fail(Twine("e_shstrndx: ") + elf_errmsg(-1));
    for (size_t I = 0; I < NShdr; ++I) {
      Elf_Scn *Scn = elf_getscn(E, I);
      Section S;
      S.Index = I;
      if (!Scn || !gelf_getshdr(Scn, &S.Hdr))
        return Fail("section header " + Twine(I) + ": " + elf_errmsg(-1));
      Sections.push_back(S);
    }
    // Names, read from the raw bytes with our own bounds checks.
    ArrayRef<uint8_t> StrTab;
    if (ShStrNdx < NShdr && Sections[ShStrNdx].Hdr.sh_type != SHT_NOBITS) {
      const GElf_Shdr &H = Sections[ShStrNdx].Hdr;
      if (auto R = fileRange(H.sh_offset, H.sh_size))
        StrTab = *R;
      else
        Problems.push_back("section name table (section " + std::to_string(ShStrNdx) +
                           ") extends past the end of the file");
    } else if (ShStrNdx != 0) {
      Problems.push_back("e_shstrndx " + std::to_string(ShStrNdx) +
                         " is not a valid section");
    }
    for (Section &S : Sections) {
      if (S.Index == 0)
        continue;
      S.Name = readString(StrTab, S.Hdr.sh_name, S.NameOk);
      if (!S.NameOk) {
        S.Name = "<bad name offset " + std::to_string(S.Hdr.sh_name) + ">";
        Problems.push_back("section " + std::to_string(S.Index) +
                           ": name offset " + std::to_string(S.Hdr.sh_name) +
                           " is outside the section name table or not "
                           "NUL-terminated");
      }
    }
  }

  // Is this a MELF binary at all?
  bool Melf = false;
  for (const GElf_Phdr &P : Phdrs)
    Melf |= P.p_type == PT_MELF_META || P.p_type == PT_MELF_IMAGE;
  for (const Section &S : Sections)
    Melf |= S.NameOk && (S.Name == MELF_META_SECTION || S.Name == MELF_OUT_TEXT ||
                         StringRef(S.Name).starts_with(MELF_OUT_IMAGE_PREFIX));
  if (!Melf) {
    Msg = Name + ": not a MELF binary (a valid ELF file without PT_MELF_META "
                 "or a .melf.meta section)";
    if (Ehdr.e_type == ET_REL && findSection(MELF_GROUP_SECTION))
      Msg += "; it is an object with MELF groups: link it with ld.melf";
    return Status::NotMelf;
  }
  if (Class != ELFCLASS64)
    return Fail("MELF binaries are ELFCLASS64; this file is ELFCLASS32");
  if (Bytes[EI_DATA] != ELFDATA2LSB)
    return Fail("MELF binaries are little-endian; this file is big-endian");
  readSymbols();
  return Status::Ok;
}

void MelfFile::readSymbols() {
  for (const Section &S : Sections) {
    if (S.Hdr.sh_type != SHT_SYMTAB)
      continue;
    const GElf_Shdr &H = S.Hdr;
    auto Bad = [&](const std::string &What) {
      Problems.push_back("symbol table " + S.Name + ": " + What);
    };
    if (H.sh_entsize != sizeof(Elf64_Sym))
      return Bad("sh_entsize " + std::to_string(H.sh_entsize) + " is not 24");
    if (!fileRange(H.sh_offset, H.sh_size))
      return Bad("extends past the end of the file");
    if (H.sh_link == 0 || H.sh_link >= Sections.size())
      return Bad("sh_link " + std::to_string(H.sh_link) + " is not a section");
    const GElf_Shdr &SH = Sections[H.sh_link].Hdr;
    auto Strs = fileRange(SH.sh_offset, SH.sh_size);
    if (SH.sh_type != SHT_STRTAB || !Strs)
      return Bad("string table section " + std::to_string(H.sh_link) +
                 " is not a string table inside the file");
    Elf_Data *D = elf_getdata(elf_getscn(E, S.Index), nullptr);
    if (!D)
      return Bad(std::string("cannot read: ") + elf_errmsg(-1));
    size_t N = H.sh_size / sizeof(Elf64_Sym);
    for (size_t I = 1; I < N; ++I) {
      GElf_Sym Sym;
      if (!gelf_getsym(D, static_cast<int>(I), &Sym))
        return Bad("entry " + std::to_string(I) + ": " + elf_errmsg(-1));
      Symbol Y;
      bool Ok;
      Y.Name = readString(*Strs, Sym.st_name, Ok);
      if (!Ok) {
        Bad("symbol " + std::to_string(I) + ": name offset " +
            std::to_string(Sym.st_name) + " is outside the string table");
        continue;
      }
      Y.Value = Sym.st_value;
      Y.Size = Sym.st_size;
      Y.Type = GELF_ST_TYPE(Sym.st_info);
      Y.Bind = GELF_ST_BIND(Sym.st_info);
      Y.Shndx = Sym.st_shndx;
      Symbols.push_back(std::move(Y));
    }
    return; // one static symbol table per executable
  }
}

MelfFile::Status MelfFile::readMeta(std::string &Msg) {
  auto Fail = [&](const Twine &T) {
    Msg = (Name + ": " MELF_META_SECTION ": " + T).str();
    return Status::Error;
  };
  // Prefer PT_MELF_META, which is what the runtime reads.
  const GElf_Phdr *MP = nullptr;
  for (const GElf_Phdr &P : Phdrs)
    if (P.p_type == PT_MELF_META) {
      MP = &P;
      break;
    }
  const Section *MS = findSection(MELF_META_SECTION);
  if (MP) {
    M.FromPhdr = true;
    M.FileOffset = MP->p_offset;
    M.FileSize = MP->p_filesz;
    M.VAddr = MP->p_vaddr;
    if (!fileRange(M.FileOffset, M.FileSize))
      return Fail("PT_MELF_META (p_offset " + hex(M.FileOffset) +
                  ", p_filesz " + hex(M.FileSize) +
                  ") extends past the end of the file (size " +
                  hex(Bytes.size()) + ")");
  } else if (MS) {
    if (MS->Hdr.sh_type == SHT_NOBITS)
      return Fail("section has no file contents (SHT_NOBITS)");
    M.FileOffset = MS->Hdr.sh_offset;
    M.FileSize = MS->Hdr.sh_size;
    M.VAddr = MS->Hdr.sh_addr;
    if (!fileRange(M.FileOffset, M.FileSize))
      return Fail("section (sh_offset " + hex(M.FileOffset) + ", sh_size " +
                  hex(M.FileSize) + ") extends past the end of the file");
  } else {
    Msg = Name + ": MELF sections or program headers present, but neither "
                 "PT_MELF_META nor a .melf.meta section";
    return Status::Error;
  }
  ArrayRef<uint8_t> D = *fileRange(M.FileOffset, M.FileSize);
  const uint64_t Size = D.size();
  const uint8_t *P = D.data();

  if (Size < sizeof(melf_meta_header))
    return Fail("size " + Twine(Size) + " is smaller than the header (" +
                Twine(sizeof(melf_meta_header)) + " bytes)");
  M.Magic = read32le(P + offsetof(melf_meta_header, magic));
  M.Version = read16le(P + offsetof(melf_meta_header, version));
  M.HeaderSize = read16le(P + offsetof(melf_meta_header, header_size));
  M.PageSize = read32le(P + offsetof(melf_meta_header, page_size));
  M.Arch = read32le(P + offsetof(melf_meta_header, arch));
  M.NVariants = read32le(P + offsetof(melf_meta_header, nvariants));
  M.VariantSize = read32le(P + offsetof(melf_meta_header, variant_size));
  M.NSlots = read32le(P + offsetof(melf_meta_header, nslots));
  M.SlotSize = read32le(P + offsetof(melf_meta_header, slot_size));
  M.VariantsOff = read32le(P + offsetof(melf_meta_header, variants_off));
  M.SlotsOff = read32le(P + offsetof(melf_meta_header, slots_off));
  M.BodiesOff = read32le(P + offsetof(melf_meta_header, bodies_off));
  M.StrtabOff = read32le(P + offsetof(melf_meta_header, strtab_off));
  M.StrtabSize = read32le(P + offsetof(melf_meta_header, strtab_size));
  M.Flags = read32le(P + offsetof(melf_meta_header, flags));
  for (unsigned I = 0; I < MELF_PART_COUNT; ++I) {
    const uint8_t *Q = P + offsetof(melf_meta_header, parts) +
                       I * sizeof(melf_meta_part);
    M.Parts[I].VAddr = read64le(Q + offsetof(melf_meta_part, vaddr));
    M.Parts[I].Size = read64le(Q + offsetof(melf_meta_part, size));
  }

  // What must hold to read the records at all.
  if (M.Magic != MELF_META_MAGIC)
    return Fail("bad magic " + hex(M.Magic) + " (expected " +
                hex(MELF_META_MAGIC) + ")");
  if (M.Version != MELF_META_VERSION)
    return Fail("version " + Twine(M.Version) + " is not supported (this "
                "tool reads version " + Twine(MELF_META_VERSION) + ")");
  if (M.HeaderSize < sizeof(melf_meta_header))
    return Fail("header_size " + Twine(M.HeaderSize) + " is smaller than " +
                Twine(sizeof(melf_meta_header)));
  if (M.HeaderSize > Size)
    return Fail("header_size " + Twine(M.HeaderSize) +
                " exceeds section size " + Twine(Size));
  if (M.PageSize == 0 || (M.PageSize & (M.PageSize - 1)))
    return Fail("page_size " + Twine(M.PageSize) + " is not a power of two");
  if (M.NVariants == 0 || M.NVariants > MELF_MAX_VARIANTS)
    return Fail("nvariants " + Twine(M.NVariants) + " is not in 1.." +
                Twine(MELF_MAX_VARIANTS));
  if (M.VariantSize < sizeof(melf_meta_variant))
    return Fail("variant_size " + Twine(M.VariantSize) + " is smaller than " +
                Twine(sizeof(melf_meta_variant)));
  if (M.SlotSize < sizeof(melf_meta_slot))
    return Fail("slot_size " + Twine(M.SlotSize) + " is smaller than " +
                Twine(sizeof(melf_meta_slot)));
  // All products fit in 64 bits: u32 * u32, and nvariants <= 64.
  auto Table = [&](const char *OffName, uint32_t Off, const char *CountName,
                   uint32_t Count, uint64_t Bytes) -> bool {
    if (Off > Size) {
      Fail(Twine(OffName) + " " + hex(Off) + " is beyond the section size " +
           hex(Size));
      return false;
    }
    if (Bytes > Size - Off) {
      Fail(Twine(CountName) + " " + Twine(Count) + " exceeds section size (" +
           Twine(Bytes) + " bytes at " + OffName + " " + hex(Off) +
           ", section size " + hex(Size) + ")");
      return false;
    }
    return true;
  };
  if (!Table("variants_off", M.VariantsOff, "nvariants", M.NVariants,
             uint64_t(M.NVariants) * M.VariantSize) ||
      !Table("slots_off", M.SlotsOff, "nslots", M.NSlots,
             uint64_t(M.NSlots) * M.SlotSize) ||
      !Table("bodies_off", M.BodiesOff, "nslots", M.NSlots,
             uint64_t(M.NSlots) * M.NVariants * sizeof(melf_meta_body)) ||
      !Table("strtab_off", M.StrtabOff, "strtab_size", M.StrtabSize,
             M.StrtabSize))
    return Status::Error;

  M.Strtab = D.slice(M.StrtabOff, M.StrtabSize);
  for (uint32_t V = 0; V < M.NVariants; ++V) {
    const uint8_t *Q = P + M.VariantsOff + uint64_t(V) * M.VariantSize;
    MetaVariant R;
    const char *N = reinterpret_cast<const char *>(Q);
    size_t Len = strnlen(N, MELF_NAME_MAX);
    R.Name.assign(N, Len);
    R.NameTerminated = Len < MELF_NAME_MAX;
    R.ISA = read64le(Q + offsetof(melf_meta_variant, isa_features));
    R.Arch = read32le(Q + offsetof(melf_meta_variant, arch));
    R.Flags = read32le(Q + offsetof(melf_meta_variant, flags));
    for (unsigned I = 0; I < MELF_PART_COUNT; ++I)
      R.PartOffset[I] =
          read64le(Q + offsetof(melf_meta_variant, part_offset) + 8 * I);
    M.Variants.push_back(std::move(R));
  }
  M.Slots.reserve(M.NSlots);
  for (uint32_t S = 0; S < M.NSlots; ++S) {
    const uint8_t *Q = P + M.SlotsOff + uint64_t(S) * M.SlotSize;
    MetaSlot R;
    R.Addr = read64le(Q + offsetof(melf_meta_slot, addr));
    R.Size = read32le(Q + offsetof(melf_meta_slot, size));
    R.NameOff = read32le(Q + offsetof(melf_meta_slot, name_off));
    R.Present = read64le(Q + offsetof(melf_meta_slot, present));
    R.Prefix = read32le(Q + offsetof(melf_meta_slot, prefix));
    R.Reserved = read32le(Q + offsetof(melf_meta_slot, reserved));
    R.Name = readString(M.Strtab, R.NameOff, R.NameOk);
    if (!R.NameOk)
      R.Name = "<bad name_off " + std::to_string(R.NameOff) + ">";
    M.Slots.push_back(std::move(R));
  }
  M.Bodies.resize(uint64_t(M.NSlots) * M.NVariants);
  for (uint64_t I = 0; I < M.Bodies.size(); ++I) {
    const uint8_t *Q = P + M.BodiesOff + sizeof(melf_meta_body) * I;
    M.Bodies[I].size = read32le(Q + offsetof(melf_meta_body, size));
    M.Bodies[I].prefix = read32le(Q + offsetof(melf_meta_body, prefix));
  }
  return Status::Ok;
}
