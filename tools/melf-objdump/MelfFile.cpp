//===- MelfFile.cpp - a MELF executable read with libelf ------------------===//
//
// The ELF structure: header, program and section headers, section names,
// the symbol table. libelf (gelf_*), not LLVM's object library, reads them:
// an ELF reader independent of the linker's (lld's) ELF code is what makes
// --verify a real check (MelfFile.h). The .melf.meta records: MelfMeta.cpp.
//
//===----------------------------------------------------------------------===//

#include "MelfFile.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include <cstring>
#include <libelf.h>

using namespace llvm;
using namespace melf::objdump;

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
  static const char *const A64[] = MELF_AARCH64_FEATURE_NAMES;
  static_assert(sizeof(A64) / sizeof(A64[0]) == MELF_AARCH64_FEATURE_COUNT,
                "feature names match the enum");
  (void)X86;
  (void)A64;
  std::string S;
  for (unsigned B = 0; B < 64; ++B) {
    if (!((ISA >> B) & 1))
      continue;
    if (!S.empty())
      S += ',';
    if (const char *N = melf_isa_feature_name(Arch, B))
      S += N;
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
               {MELF_VF_WHOLE_FILE, "whole-file"},
               {MELF_VF_REDUCED, "reduced"}};
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

char NotMelfError::ID = 0;

void NotMelfError::log(raw_ostream &OS) const { OS << Why; }

std::error_code NotMelfError::convertToErrorCode() const {
  return inconvertibleErrorCode();
}

std::optional<std::string> melf::objdump::readString(ArrayRef<uint8_t> Table,
                                                     uint64_t Off) {
  if (Off >= Table.size())
    return std::nullopt;
  const uint8_t *Begin = Table.data() + Off;
  const void *Nul = memchr(Begin, 0, Table.size() - Off);
  if (!Nul)
    return std::nullopt;
  return std::string(reinterpret_cast<const char *>(Begin),
                     static_cast<const uint8_t *>(Nul) - Begin);
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

Expected<size_t> MelfFile::variantNamed(StringRef N) const {
  int V = findVariant(N);
  if (V >= 0)
    return static_cast<size_t>(V);
  std::string Known;
  for (const MetaVariant &R : M.Variants)
    Known += (Known.empty() ? "" : ", ") + R.Name;
  return createStringError("no variant named '" + N + "' (variants: " +
                           Known + ")");
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
  if (M.Arch == MELF_ARCH_X86_64)
    return static_cast<int>(MELF_X86_TRAP_BYTE);
  // udf #0 is the word 0: every byte of the padding is zero.
  static_assert(MELF_AARCH64_TRAP_WORD == 0, "one trap byte");
  return M.Arch == MELF_ARCH_AARCH64 ? 0 : -1;
}

Expected<std::unique_ptr<MelfFile>> MelfFile::load(std::string Name,
                                                   std::vector<uint8_t> Bytes) {
  std::unique_ptr<MelfFile> F(new MelfFile());
  F->Name = std::move(Name);
  F->Bytes = std::move(Bytes);
  if (Error E = F->readElfHeader())
    return std::move(E);
  if (Error E = F->readProgramHeaders())
    return std::move(E);
  if (Error E = F->readSectionHeaders())
    return std::move(E);
  if (Error E = F->checkIsMelf())
    return std::move(E);
  F->readSymbols();
  if (Error E = F->locateMeta())
    return std::move(E);
  ArrayRef<uint8_t> D = *F->fileRange(F->M.FileOffset, F->M.FileSize);
  F->readMetaHeader(D);
  if (Error E = F->checkMetaHeader(D.size()))
    return std::move(E);
  F->readMetaRecords(D);
  return std::move(F);
}

Error MelfFile::readElfHeader() {
  if (Bytes.size() < SELFMAG || memcmp(Bytes.data(), ELFMAG, SELFMAG) != 0)
    return createStringError(Twine("not an ELF file"));
  if (Bytes.size() < EI_NIDENT)
    return createStringError("truncated ELF header (" + Twine(Bytes.size()) +
                             " bytes)");
  if (Bytes[EI_CLASS] == ELFCLASS32 && Bytes.size() < sizeof(Elf32_Ehdr))
    return createStringError(Twine("truncated ELF header"));
  if (Bytes[EI_CLASS] == ELFCLASS64 && Bytes.size() < sizeof(Elf64_Ehdr))
    return createStringError("truncated ELF header (" + Twine(Bytes.size()) +
                             " bytes, need " + Twine(sizeof(Elf64_Ehdr)) +
                             ")");
  elf_version(EV_CURRENT);
  E = elf_memory(reinterpret_cast<char *>(Bytes.data()), Bytes.size());
  if (!E || elf_kind(E) != ELF_K_ELF)
    return createStringError(Twine("invalid ELF file: ") + elf_errmsg(-1));
  if (!gelf_getehdr(E, &Ehdr))
    return createStringError(Twine("invalid ELF header: ") + elf_errmsg(-1));
  return Error::success();
}

// The table's range is checked before libelf reads it: libelf quietly clamps
// counts of tables that do not fit in the file, so the counts come from the
// header itself (PN_XNUM / 0: extended numbering).

// The entry size and extent of the program or section header table.
Error MelfFile::checkHeaderTable(StringRef EntField, uint64_t EntSize,
                                 uint64_t Want, StringRef What, uint64_t Off,
                                 uint64_t Count) const {
  uint64_t Size = Bytes.size();
  if (EntSize != Want)
    return createStringError(EntField + " " + Twine(EntSize) + " is not " +
                             Twine(Want));
  if (Off > Size || Count * Want > Size - Off)
    return createStringError(What + " " + hex(Off) + ", " + Twine(Count) +
                             " entries) extend past the end of the file");
  return Error::success();
}

Error MelfFile::readProgramHeaders() {
  size_t NPhdr = Ehdr.e_phnum;
  if (NPhdr == PN_XNUM && elf_getphdrnum(E, &NPhdr) != 0)
    return createStringError(
        Twine("e_phnum: cannot read the program header count: ") +
        elf_errmsg(-1));
  if (!NPhdr)
    return Error::success();
  if (Error Err = checkHeaderTable(
          "e_phentsize", Ehdr.e_phentsize,
          gelf_getclass(E) == ELFCLASS64 ? sizeof(Elf64_Phdr)
                                         : sizeof(Elf32_Phdr),
          "program headers (e_phoff", Ehdr.e_phoff, NPhdr))
    return Err;
  for (size_t I = 0; I < NPhdr; ++I) {
    GElf_Phdr P;
    if (!gelf_getphdr(E, static_cast<int>(I), &P))
      return createStringError("program header " + Twine(I) + ": " +
                               elf_errmsg(-1));
    Phdrs.push_back(P);
  }
  return Error::success();
}

Error MelfFile::readSectionHeaders() {
  uint64_t Size = Bytes.size();
  size_t NShdr = Ehdr.e_shnum, ShStrNdx = 0;
  if (NShdr == 0 && Ehdr.e_shoff != 0) {
    // Extended numbering: the count is in section 0's sh_size.
    if (Ehdr.e_shoff > Size || sizeof(Elf64_Shdr) > Size - Ehdr.e_shoff)
      return createStringError("section headers (e_shoff " +
                               hex(Ehdr.e_shoff) +
                               ") extend past the end of the file");
    if (elf_getshdrnum(E, &NShdr) != 0)
      return createStringError(
          Twine("e_shnum: cannot read the section count: ") + elf_errmsg(-1));
  }
  if (!NShdr)
    return Error::success();
  if (Error Err = checkHeaderTable(
          "e_shentsize", Ehdr.e_shentsize,
          gelf_getclass(E) == ELFCLASS64 ? sizeof(Elf64_Shdr)
                                         : sizeof(Elf32_Shdr),
          "section headers (e_shoff", Ehdr.e_shoff, NShdr))
    return Err;
  if (elf_getshdrstrndx(E, &ShStrNdx) != 0)
    return createStringError(Twine("e_shstrndx: ") + elf_errmsg(-1));
  for (size_t I = 0; I < NShdr; ++I) {
    Elf_Scn *Scn = elf_getscn(E, I);
    Section S;
    S.Index = I;
    if (!Scn || !gelf_getshdr(Scn, &S.Hdr))
      return createStringError("section header " + Twine(I) + ": " +
                               elf_errmsg(-1));
    Sections.push_back(S);
  }
  readSectionNames(ShStrNdx);
  return Error::success();
}

// Names, read from the raw bytes with our own bounds checks. Bad names are
// problems for verify(), not errors: the other reports still print.
void MelfFile::readSectionNames(size_t ShStrNdx) {
  ArrayRef<uint8_t> StrTab;
  if (ShStrNdx < Sections.size() &&
      Sections[ShStrNdx].Hdr.sh_type != SHT_NOBITS) {
    const GElf_Shdr &H = Sections[ShStrNdx].Hdr;
    if (auto R = fileRange(H.sh_offset, H.sh_size))
      StrTab = *R;
    else
      Problems.push_back("section name table (section " +
                         std::to_string(ShStrNdx) +
                         ") extends past the end of the file");
  } else if (ShStrNdx != 0) {
    Problems.push_back("e_shstrndx " + std::to_string(ShStrNdx) +
                       " is not a valid section");
  }
  for (Section &S : Sections) {
    if (S.Index == 0)
      continue;
    std::optional<std::string> N = readString(StrTab, S.Hdr.sh_name);
    S.NameOk = N.has_value();
    if (N) {
      S.Name = std::move(*N);
      continue;
    }
    S.Name = "<bad name offset " + std::to_string(S.Hdr.sh_name) + ">";
    Problems.push_back("section " + std::to_string(S.Index) +
                       ": name offset " + std::to_string(S.Hdr.sh_name) +
                       " is outside the section name table or not "
                       "NUL-terminated");
  }
}

Error MelfFile::checkIsMelf() {
  bool Melf = false;
  for (const GElf_Phdr &P : Phdrs)
    Melf |= P.p_type == PT_MELF_META || P.p_type == PT_MELF_IMAGE;
  for (const Section &S : Sections)
    Melf |= S.NameOk && (S.Name == MELF_META_SECTION || S.Name == MELF_OUT_TEXT ||
                         StringRef(S.Name).starts_with(MELF_OUT_IMAGE_PREFIX));
  if (!Melf) {
    std::string Why = "not a MELF binary (a valid ELF file without "
                      "PT_MELF_META or a .melf.meta section)";
    if (Ehdr.e_type == ET_REL && findSection(MELF_GROUP_SECTION))
      Why += "; it is an object with MELF groups: link it with ld.melf";
    return make_error<NotMelfError>(std::move(Why));
  }
  if (gelf_getclass(E) != ELFCLASS64)
    return createStringError(
        Twine("MELF binaries are ELFCLASS64; this file is ELFCLASS32"));
  if (Bytes[EI_DATA] != ELFDATA2LSB)
    return createStringError(
        Twine("MELF binaries are little-endian; this file is big-endian"));
  return Error::success();
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
      std::optional<std::string> Name = readString(*Strs, Sym.st_name);
      if (!Name) {
        Bad("symbol " + std::to_string(I) + ": name offset " +
            std::to_string(Sym.st_name) + " is outside the string table");
        continue;
      }
      Symbol Y;
      Y.Name = std::move(*Name);
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
